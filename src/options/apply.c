/* apply.c — the expanded tree -> struct mtt_options, row by row of the schema.
 *
 * mtt_options_set_defaults() writes every row's default; mtt_options_apply()
 * then walks the tree: each key must name a row or a block of rows (else
 * "unknown option; did you mean ...?"), each scalar is converted by the row's
 * type (strict YAML 1.1: quoted "5" is text, not a number) and checked
 * against its bounds and choices.  A bool row that is also a block (forces)
 * accepts true/false or a mapping (= on).  Cost: rows x keys, tiny.
 */
#include "config.h"

#include "options/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOMEM(err) mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading options")

static const char *const type_words[MTT_OPT_TYPE_COUNT] = {
    [MTT_OPT_BOOL] = "a boolean (true/false)",
    [MTT_OPT_INT] = "an integer",
    [MTT_OPT_INT64] = "an integer",
    [MTT_OPT_DOUBLE] = "a number",
    [MTT_OPT_STRING] = "a text value",
    [MTT_OPT_LOSS] = "a loss type (mse, mae or huber)",
    [MTT_OPT_INT_LIST] = "a list of integers like [1, 6, 8]",
    [MTT_OPT_DATASET] = "a file name, a fraction or a dataset block",
};

/* Write the allowed range of row into buf: "[1, 64]", "(0, 100]" ... */
static void range_text(const mtt_opt_row *row, char *buf, size_t n)
{
    char lo[40], hi[40];
    snprintf(lo, sizeof lo, "%g", row->min);
    if (row->max >= 1e300) snprintf(hi, sizeof hi, "inf");
    else snprintf(hi, sizeof hi, "%g", row->max);
    if (row->type == MTT_OPT_INT || row->type == MTT_OPT_INT64 || row->type == MTT_OPT_INT_LIST) {
        snprintf(lo, sizeof lo, "%.0f", row->min);
        snprintf(hi, sizeof hi, "%.0f", row->max);
    }
    snprintf(buf, n, "%c%s, %s%c", (row->flags & MTT_OPT_MIN_OPEN) ? '(' : '[', lo, hi,
             (row->flags & MTT_OPT_MAX_OPEN) ? ')' : ']');
}

static int in_range(const mtt_opt_row *row, double v)
{
    if (row->flags & MTT_OPT_MIN_OPEN ? !(v > row->min) : !(v >= row->min)) return 0;
    if (row->flags & MTT_OPT_MAX_OPEN ? !(v < row->max) : !(v <= row->max)) return 0;
    return 1;
}

static int in_choices(const char *choices, const char *v, int *index)
{
    size_t len = strlen(v);
    int k = 0;
    for (const char *c = choices; *c; k++) {
        size_t l = strcspn(c, "|");
        if (l == len && !strncmp(c, v, len)) return *index = k, 1;
        c += l + (c[l] == '|');
    }
    return 0;
}

static int parse_integer(const mtt_node *n, int64_t *out)
{
    if (!n->plain) return 0;
    const char *s = n->value;
    char *end = NULL;
    if (!*s || strspn(s, "+-0123456789_") != strlen(s)) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return 0;
    *out = v;
    return 1;
}

static int parse_number(const mtt_node *n, double *out)
{
    if (!n->plain || !*n->value) return 0;
    const char *s = n->value;
    if (strspn(s, "+-0123456789.eE") != strlen(s)) return 0; /* no inf/nan/hex */
    char *end = NULL;
    double v = strtod(s, &end);
    if (*end || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static mtt_status set_string(char **slot, const char *v, mtt_error *err)
{
    char *copy = NULL;
    if (v && !(copy = strdup(v))) return NOMEM(err);
    free(*slot);
    *slot = copy;
    return MTT_OK;
}

/* Convert scalar n to row's type and store at base + offset. */
static mtt_status store_scalar(const mtt_tree *t, const mtt_opt_row *row, char *base,
                               const mtt_node *n, const char *path, mtt_error *err)
{
    char range[96];
    int64_t iv = 0;
    double dv = 0;
    int bv = 0, idx = 0;
    void *slot = row->offset == MTT_OPT_NO_STORE ? NULL : base + row->offset;
    switch (row->type) {
    case MTT_OPT_BOOL:
        if (!mtt_scalar_bool(n, &bv)) goto wrong_type;
        if (row->max == 0 && bv) return mtt_tree_fail(t, n, 0, path, err, "only false is supported");
        if (slot) *(int *)slot = bv;
        return MTT_OK;
    case MTT_OPT_INT:
    case MTT_OPT_INT64:
        if (!parse_integer(n, &iv)) goto wrong_type;
        if (!in_range(row, (double)iv)) goto out_of_range;
        if (row->choices && !in_choices(row->choices, n->value, &idx)) goto bad_choice;
        if (slot && row->type == MTT_OPT_INT) *(int *)slot = (int)iv;
        if (slot && row->type == MTT_OPT_INT64) *(int64_t *)slot = iv;
        if (row->aux_offset) *(int *)(base + row->aux_offset) = 1;
        return MTT_OK;
    case MTT_OPT_DOUBLE:
        if (!parse_number(n, &dv)) goto wrong_type;
        if (!in_range(row, dv)) goto out_of_range;
        if (slot) *(double *)slot = dv;
        return MTT_OK;
    case MTT_OPT_STRING:
        if (mtt_scalar_is_null(n)) {
            if (row->def && *row->def)
                return mtt_tree_fail(t, n, 0, path, err, "must not be null; default is '%s'", row->def);
            return slot ? set_string(slot, NULL, err) : MTT_OK;
        }
        if (row->choices && !in_choices(row->choices, n->value, &idx)) goto bad_choice;
        return slot ? set_string(slot, n->value, err) : MTT_OK;
    case MTT_OPT_LOSS:
        if (!in_choices(row->choices, n->value, &idx)) goto bad_choice;
        *(mtt_loss_type *)slot = (mtt_loss_type)idx;
        return MTT_OK;
    default:
        goto wrong_type;
    }
wrong_type:
    return mtt_tree_fail(t, n, 0, path, err, "expected %s, got '%.60s'", type_words[row->type],
                         n->kind == MTT_NODE_SCALAR ? n->value
                         : n->kind == MTT_NODE_MAP ? "a mapping" : "a list");
out_of_range:
    range_text(row, range, sizeof range);
    if (row->min == row->max)
        return mtt_tree_fail(t, n, 0, path, err, "only %.0f is supported", row->min);
    return mtt_tree_fail(t, n, 0, path, err, "%s is out of range; allowed: %s", n->value, range);
bad_choice:
    return mtt_tree_fail(t, n, 0, path, err, "'%.60s' is not supported; allowed: %s", n->value,
                         row->choices);
}

static mtt_status store_list(const mtt_tree *t, const mtt_opt_row *row, char *base,
                             const mtt_node *n, const char *path, mtt_error *err)
{
    int **slot = (int **)(base + row->offset);
    size_t *count = (size_t *)(base + row->aux_offset);
    int *v = NULL;
    if (n->kind == MTT_NODE_SEQ && n->n_child > 0 && !(v = calloc(n->n_child, sizeof *v)))
        return NOMEM(err);
    for (size_t i = 0; i < n->n_child; i++) {
        const mtt_node *it = n->child[i];
        int64_t x = 0;
        char range[96];
        if (it->kind != MTT_NODE_SCALAR || !parse_integer(it, &x)) {
            free(v);
            return mtt_tree_fail(t, it, 0, path, err, "expected %s", type_words[row->type]);
        }
        if (!in_range(row, (double)x)) {
            free(v);
            range_text(row, range, sizeof range);
            return mtt_tree_fail(t, it, 0, path, err, "%s is out of range; allowed: %s", it->value, range);
        }
        for (size_t j = 0; j < i; j++)
            if (v[j] == (int)x) {
                free(v);
                return mtt_tree_fail(t, it, 0, path, err, "%s is listed twice", it->value);
            }
        v[i] = (int)x;
    }
    free(*slot);
    *slot = v;
    *count = n->n_child;
    return MTT_OK;
}

static mtt_status walk(const mtt_tree *t, const mtt_node *map, const char *path, char *base,
                       mtt_options *o, mtt_error *err);

static mtt_status apply_dataset(const mtt_tree *t, const mtt_opt_row *row, mtt_dataset_opts *d,
                                const mtt_node *n, const char *path, mtt_options *o,
                                mtt_error *err)
{
    char range[96];
    double f = 0;
    if (n->kind == MTT_NODE_MAP) {
        d->present = 1;
        d->is_fraction = 0;
        d->fraction = 0;
        return walk(t, n, path, (char *)d, o, err);
    }
    if (row->max == 0 || n->kind != MTT_NODE_SCALAR || !parse_number(n, &f))
        return mtt_tree_fail(t, n, 0, path, err, "expected %s%s",
                             row->max == 0 ? "a file name or a dataset block"
                                           : type_words[MTT_OPT_DATASET],
                             row->max == 0 ? " (systems/targets)" : "");
    if (!in_range(row, f) || f >= 1.0) {
        range_text(row, range, sizeof range);
        return mtt_tree_fail(t, n, 0, path, err, "%s is out of range; a fraction must be in [0, 1)",
                             n->value);
    }
    d->present = 0;
    d->is_fraction = 1;
    d->fraction = f;
    return MTT_OK;
}

static mtt_status walk(const mtt_tree *t, const mtt_node *map, const char *path, char *base,
                       mtt_options *o, mtt_error *err)
{
    char sub[512], list[400], near[128];
    for (size_t i = 0; i < map->n_child; i++) {
        const mtt_node *n = map->child[i];
        int w = snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", n->key);
        if (w < 0 || (size_t)w >= sizeof sub)
            return mtt_tree_fail(t, n, 1, NULL, err, "key path too long; check the nesting");
        const mtt_opt_row *row = mtt_opt_find(sub);
        int block = mtt_opt_has_children(sub);
        if (!row && !block) {
            const char *best = mtt_opt_suggest(path, n->key, near, sizeof near, list, sizeof list);
            if (best)
                return mtt_tree_fail(t, n, 1, sub, err, "unknown option; did you mean %s?", best);
            if (*list)
                return mtt_tree_fail(t, n, 1, sub, err, "unknown option; expected one of: %s", list);
            return mtt_tree_fail(t, n, 1, sub, err, "unknown option; '%s' takes no sub-keys", path);
        }
        mtt_status st = MTT_OK;
        if (row && row->type == MTT_OPT_DATASET) {
            st = apply_dataset(t, row, (mtt_dataset_opts *)((char *)o + row->offset), n, sub, o, err);
        } else if (row && row->type == MTT_OPT_INT_LIST) {
            if (n->kind != MTT_NODE_SEQ && !mtt_scalar_is_null(n))
                return mtt_tree_fail(t, n, 0, sub, err, "expected %s", type_words[row->type]);
            st = store_list(t, row, base, n, sub, err);
        } else if (n->kind == MTT_NODE_MAP) {
            if (!block)
                return mtt_tree_fail(t, n, 0, sub, err, "expected %s, got a mapping",
                                     type_words[row->type]);
            if (row && row->type == MTT_OPT_BOOL) *(int *)(base + row->offset) = 1;
            st = walk(t, n, sub, base, o, err);
        } else if (n->kind == MTT_NODE_SEQ || !row) {
            if (!row)
                return mtt_tree_fail(t, n, 0, sub, err, "expected a block of options (key: value lines)");
            return mtt_tree_fail(t, n, 0, sub, err, "expected %s, got a list", type_words[row->type]);
        } else {
            st = store_scalar(t, row, base, n, sub, err);
        }
        MTT_FORWARD_IF_ERROR(st);
    }
    return MTT_OK;
}

mtt_status mtt_options_apply(const mtt_tree *t, mtt_options *o, mtt_error *err)
{
    return walk(t, t->root, "", (char *)o, o, err);
}

static int defaults_of(mtt_opt_scope scope, char *base)
{
    for (size_t i = 0; i < mtt_opt_table_len; i++) {
        const mtt_opt_row *row = &mtt_opt_table[i];
        if (row->scope != scope || !row->def || row->offset == MTT_OPT_NO_STORE) continue;
        void *slot = base + row->offset;
        int idx = 0;
        switch (row->type) {
        case MTT_OPT_BOOL: *(int *)slot = !strcmp(row->def, "true"); break;
        case MTT_OPT_INT: *(int *)slot = atoi(row->def); break;
        case MTT_OPT_INT64: *(int64_t *)slot = strtoll(row->def, NULL, 10); break;
        case MTT_OPT_DOUBLE: *(double *)slot = strtod(row->def, NULL); break;
        case MTT_OPT_STRING:
            free(*(char **)slot);
            if (!(*(char **)slot = strdup(row->def))) return 0;
            break;
        case MTT_OPT_LOSS:
            in_choices(row->choices, row->def, &idx);
            *(mtt_loss_type *)slot = (mtt_loss_type)idx;
            break;
        case MTT_OPT_DATASET: {
            mtt_dataset_opts *d = slot;
            d->is_fraction = 1;
            d->fraction = strtod(row->def, NULL);
            break;
        }
        default: break;
        }
    }
    return 1;
}

mtt_status mtt_options_set_defaults(mtt_options *o, mtt_error *err)
{
    if (!defaults_of(MTT_SCOPE_ROOT, (char *)o) ||
        !defaults_of(MTT_SCOPE_DATASET, (char *)&o->training_set) ||
        !defaults_of(MTT_SCOPE_DATASET, (char *)&o->validation_set) ||
        !defaults_of(MTT_SCOPE_DATASET, (char *)&o->test_set))
        return NOMEM(err);
    return MTT_OK;
}
