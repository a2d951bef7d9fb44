/* writer.c — the struct back out, from the schema table: options_restart.yaml
 * and the printed configuration.
 *
 * The YAML is the fully expanded form (no shorthands, every default spelled
 * out, strings double-quoted, doubles in the shortest text that reads back
 * bit-identical), so loading it again gives the same struct.  Rows are
 * emitted in table order; nesting is rebuilt from the dotted paths (siblings
 * are contiguous in the table).  A switched-off gradient is written as
 * `forces: false` without its sub-keys.  Cost: linear in the table.
 */
#include "config.h"

#include "options/internal.h"
#include "util/log.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct text_buf {
    char *p;
    size_t len, cap;
    int oom;
} text_buf;

static void put(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_buf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->oom) return;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0) {
        b->oom = 1;
        return;
    }
    if (b->len + (size_t)need + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + (size_t)need + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)need;
}

void mtt_format_double(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) { /* 4096.0, not 4e+03 */
        snprintf(buf, n, "%.1f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strpbrk(buf, ".eEni")) { /* keep it a float for YAML readers */
        size_t len = strlen(buf);
        if (len + 3 <= n) memcpy(buf + len, ".0", 3);
    }
}

static void put_quoted(text_buf *b, const char *s)
{
    put(b, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') put(b, "\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f) put(b, "\\x%02x", *c);
        else put(b, "%c", *c);
    }
    put(b, "\"");
}

/* Append the value of row (stored at base) to b; yaml: quote strings. */
static void put_value(text_buf *b, const mtt_opt_row *row, const char *base, int yaml)
{
    const void *slot = base + row->offset;
    char num[64];
    switch (row->type) {
    case MTT_OPT_BOOL: put(b, "%s", *(const int *)slot ? "true" : "false"); break;
    case MTT_OPT_INT: put(b, "%d", *(const int *)slot); break;
    case MTT_OPT_INT64: put(b, "%" PRId64, *(const int64_t *)slot); break;
    case MTT_OPT_DOUBLE:
        mtt_format_double(*(const double *)slot, num, sizeof num);
        put(b, "%s", num);
        break;
    case MTT_OPT_STRING: {
        const char *s = *(char *const *)slot;
        if (!s) put(b, "null");
        else if (yaml) put_quoted(b, s);
        else put(b, "%s", s);
        break;
    }
    case MTT_OPT_LOSS: put(b, "%s", mtt_loss_type_name(*(const mtt_loss_type *)slot)); break;
    case MTT_OPT_INT_LIST: {
        const int *v = *(int *const *)slot;
        size_t count = *(const size_t *)(base + row->aux_offset);
        put(b, "[");
        for (size_t i = 0; i < count; i++) put(b, "%s%d", i ? ", " : "", v[i]);
        put(b, "]");
        break;
    }
    default: break;
    }
}

static int is_switch(size_t i) /* a bool row followed by its own sub-keys */
{
    const mtt_opt_row *r = &mtt_opt_table[i];
    size_t len = strlen(r->path);
    if (r->type != MTT_OPT_BOOL || i + 1 >= mtt_opt_table_len) return 0;
    const mtt_opt_row *next = &mtt_opt_table[i + 1];
    return next->scope == r->scope && !strncmp(next->path, r->path, len) && next->path[len] == '.';
}

static void emit_scope(text_buf *b, mtt_opt_scope scope, const char *base, int indent0);

static void emit_dataset(text_buf *b, const mtt_opt_row *row, const mtt_dataset_opts *d, int indent)
{
    char num[64];
    if (d->is_fraction) {
        mtt_format_double(d->fraction, num, sizeof num);
        put(b, "%*s%s: %s\n", 2 * indent, "", row->path, num);
        return;
    }
    put(b, "%*s%s:\n", 2 * indent, "", row->path);
    emit_scope(b, MTT_SCOPE_DATASET, (const char *)d, indent + 1);
}

static void emit_scope(text_buf *b, mtt_opt_scope scope, const char *base, int indent0)
{
    const char *open[16];
    size_t open_len[16], depth = 0;
    const char *skip = NULL;
    size_t skip_len = 0;
    for (size_t i = 0; i < mtt_opt_table_len; i++) {
        const mtt_opt_row *row = &mtt_opt_table[i];
        if (row->scope != scope || row->offset == MTT_OPT_NO_STORE) continue;
        if (skip && !strncmp(row->path, skip, skip_len) && row->path[skip_len] == '.') continue;
        skip = NULL;
        if (row->aux_offset && row->type != MTT_OPT_INT_LIST &&
            !*(const int *)(base + row->aux_offset))
            continue; /* seed not given */
        const char *seg[16];
        size_t seg_len[16], k = 0;
        for (const char *p = row->path; *p && k < 16; k++) {
            seg[k] = p;
            seg_len[k] = strcspn(p, ".");
            p += seg_len[k] + (p[seg_len[k]] == '.');
        }
        size_t common = 0;
        while (common < depth && common + 1 < k && open_len[common] == seg_len[common] &&
               !strncmp(open[common], seg[common], seg_len[common]))
            common++;
        depth = common;
        for (; depth + 1 < k; depth++) {
            put(b, "%*s%.*s:\n", 2 * (indent0 + (int)depth), "", (int)seg_len[depth], seg[depth]);
            open[depth] = seg[depth];
            open_len[depth] = seg_len[depth];
        }
        int ind = 2 * (indent0 + (int)depth);
        if (row->type == MTT_OPT_DATASET) {
            emit_dataset(b, row, (const mtt_dataset_opts *)(base + row->offset), indent0);
        } else if (is_switch(i) && *(const int *)(base + row->offset)) {
            put(b, "%*s%.*s:\n", ind, "", (int)seg_len[k - 1], seg[k - 1]);
            open[depth] = seg[k - 1];
            open_len[depth] = seg_len[k - 1];
            depth++;
        } else {
            put(b, "%*s%.*s: ", ind, "", (int)seg_len[k - 1], seg[k - 1]);
            put_value(b, row, base, 1);
            put(b, "\n");
            if (is_switch(i)) {
                skip = row->path;
                skip_len = strlen(skip);
            }
        }
    }
}

mtt_status mtt_options_to_yaml(const mtt_options *o, char **text, mtt_error *err)
{
    text_buf b = {0};
    *text = NULL;
    put(&b, "# fully expanded options written by mtt; loadable with mtt train\n");
    emit_scope(&b, MTT_SCOPE_ROOT, (const char *)o, 0);
    if (b.oom) {
        free(b.p);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory writing options");
    }
    *text = b.p;
    return MTT_OK;
}

mtt_status mtt_options_write_yaml(const mtt_options *o, const char *path, mtt_error *err)
{
    mtt_status st = MTT_OK;
    char *text = NULL, *tmp = NULL;
    FILE *f = NULL;
    if ((st = mtt_options_to_yaml(o, &text, err)) != MTT_OK) goto cleanup;
    size_t n = strlen(path) + 5;
    if (!(tmp = malloc(n))) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory writing options");
        goto cleanup;
    }
    snprintf(tmp, n, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot create the file; check the directory exists and is writable", tmp);
        goto cleanup;
    }
    size_t len = strlen(text);
    int bad = fwrite(text, 1, len, f) != len;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    f = NULL;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot write the options file; check free space and permissions", path);
    }
cleanup:
    if (f) fclose(f);
    free(tmp);
    free(text);
    return st;
}

/* Call fn(path, value) for every stored option in table order; a dataset
 * given as a fraction is one entry, a switched-off gradient hides its keys.
 * yaml: values as written to YAML (quoted strings, null) rather than plain. */
static int visit_scope(mtt_opt_scope scope, const char *base, const char *prefix, int yaml,
                       mtt_opt_visit_fn fn, void *ctx)
{
    text_buf b = {0};
    char path[512];
    const char *skip = NULL;
    size_t skip_len = 0;
    int ok = 1;
    for (size_t i = 0; i < mtt_opt_table_len && ok; i++) {
        const mtt_opt_row *row = &mtt_opt_table[i];
        if (row->scope != scope || row->offset == MTT_OPT_NO_STORE) continue;
        if (skip && !strncmp(row->path, skip, skip_len) && row->path[skip_len] == '.') continue;
        skip = NULL;
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", row->path);
        b.len = 0;
        if (b.p) b.p[0] = '\0';
        if (row->type == MTT_OPT_DATASET) {
            const mtt_dataset_opts *d = (const mtt_dataset_opts *)(base + row->offset);
            if (!d->is_fraction) { /* comparisons see the block itself first */
                if (yaml) fn(row->path, "(dataset block)", 0, ctx);
                ok = visit_scope(MTT_SCOPE_DATASET, (const char *)d, row->path, yaml, fn, ctx);
                continue;
            }
            char num[64];
            mtt_format_double(d->fraction, num, sizeof num);
            put(&b, yaml ? "%s" : "%s of the training file", num);
        } else if (row->aux_offset && row->type != MTT_OPT_INT_LIST &&
                   !*(const int *)(base + row->aux_offset)) {
            put(&b, yaml ? "~" : "(random)");
        } else {
            put_value(&b, row, base, yaml);
        }
        if (b.oom) ok = 0;
        else fn(path, b.p ? b.p : "", (row->flags & MTT_OPT_MODEL) != 0, ctx);
        if (row->type == MTT_OPT_BOOL && is_switch(i) && !*(const int *)(base + row->offset)) {
            skip = row->path;
            skip_len = strlen(skip);
        }
    }
    free(b.p);
    return ok;
}

int mtt_options_visit(const mtt_options *o, int yaml, mtt_opt_visit_fn fn, void *ctx)
{
    return visit_scope(MTT_SCOPE_ROOT, (const char *)o, "", yaml, fn, ctx);
}

static void log_one(const char *path, const char *value, int is_model, void *ctx)
{
    (void)is_model;
    (void)ctx;
    mtt_log_info("  %s: %s", path, value);
}

void mtt_options_log(const mtt_options *o)
{
    if (!o) return;
    mtt_log_info("Options (from %s):", o->source_path ? o->source_path : "<text>");
    mtt_options_visit(o, 0, log_one, NULL);
}
