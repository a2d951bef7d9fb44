/* options.c — the public entry points: load (read -> tree -> overrides ->
 * expand -> apply -> validate), seed, free.
 *
 * Every rank may call mtt_options_load_text on the same broadcast text and
 * gets the same struct.  The struct owns all its strings; the tree is freed
 * before returning.  Cost: one pass over a file of at most 1 MiB.
 */
#include "config.h"

#include "options/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const loss_names[MTT_OPTIONS_LOSS_TYPE_COUNT] = {
    [MTT_OPTIONS_LOSS_MSE] = "mse",
    [MTT_OPTIONS_LOSS_MAE] = "mae",
    [MTT_OPTIONS_LOSS_HUBER] = "huber",
};
_Static_assert(sizeof loss_names / sizeof loss_names[0] == MTT_OPTIONS_LOSS_TYPE_COUNT,
               "one name per loss type");

const char *mtt_loss_type_name(mtt_loss_type t)
{
    return (unsigned)t < MTT_OPTIONS_LOSS_TYPE_COUNT ? loss_names[t] : "unknown";
}

mtt_status mtt_options_read_text(const char *path, char **text, size_t *len, mtt_error *err)
{
    mtt_status st = MTT_OK;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    *text = NULL;
    if (len) *len = 0;
    if (!f)
        return mtt_error_set(err, MTT_ERR_IO, "%s: cannot open the options file (%s); check the path",
                             path, strerror(errno));
    buf = malloc(MTT_OPTIONS_MAX_BYTES + 1);
    if (!buf) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    size_t n = fread(buf, 1, MTT_OPTIONS_MAX_BYTES + 1, f);
    if (ferror(f)) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot read the options file; check permissions", path);
        goto cleanup;
    }
    if (n > MTT_OPTIONS_MAX_BYTES) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS,
                           "%s: options file larger than 1 MiB; is this really an options.yaml?", path);
        goto cleanup;
    }
    if (memchr(buf, '\0', n)) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS, "%s: binary data in the options file; give a YAML text file", path);
        goto cleanup;
    }
    buf[n] = '\0';
    char *shrunk = realloc(buf, n + 1);
    *text = shrunk ? shrunk : buf;
    buf = NULL;
    if (len) *len = n;
cleanup:
    free(buf);
    fclose(f);
    return st;
}

mtt_status mtt_options_load_text(const char *text, const char *name,
                                 const char *const *overrides, size_t n_overrides,
                                 mtt_options **out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_tree *t = NULL;
    mtt_options *o = NULL;
    if (!name) name = "<text>";
    *out = NULL;
    size_t len = strnlen(text, MTT_OPTIONS_MAX_BYTES + 1);
    if (len > MTT_OPTIONS_MAX_BYTES)
        return mtt_error_set(err, MTT_ERR_OPTIONS,
                             "%s: options text larger than 1 MiB; is this really an options.yaml?", name);
    if ((st = mtt_tree_parse(text, len, name, &t, err)) != MTT_OK) goto cleanup;
    if ((st = mtt_options_expand(t, 0, err)) != MTT_OK) goto cleanup;
    if ((st = mtt_options_apply_overrides(t, overrides, n_overrides, err)) != MTT_OK) goto cleanup;
    if ((st = mtt_options_expand(t, 1, err)) != MTT_OK) goto cleanup;
    if (!(o = calloc(1, sizeof *o)) || !(o->source_path = strdup(name))) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading options");
        goto cleanup;
    }
    if ((st = mtt_options_set_defaults(o, err)) != MTT_OK) goto cleanup;
    if ((st = mtt_options_apply(t, o, err)) != MTT_OK) goto cleanup;
    if ((st = mtt_options_validate(t, o, err)) != MTT_OK) goto cleanup;
    *out = o;
    o = NULL;
cleanup:
    mtt_options_free(o);
    mtt_tree_free(t);
    return st;
}

mtt_status mtt_options_defaults(mtt_options **out, mtt_error *err)
{
    mtt_options *o = calloc(1, sizeof *o);
    *out = NULL;
    if (!o) return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the default options");
    mtt_status st = mtt_options_set_defaults(o, err);
    if (st != MTT_OK) mtt_options_free(o);
    else *out = o;
    return st;
}

mtt_status mtt_options_load_file(const char *path, const char *const *overrides,
                                 size_t n_overrides, mtt_options **out, mtt_error *err)
{
    char *text = NULL;
    *out = NULL;
    MTT_FORWARD_IF_ERROR(mtt_options_read_text(path, &text, NULL, err));
    mtt_status st = mtt_options_load_text(text, path, overrides, n_overrides, out, err);
    free(text);
    return st;
}

void mtt_options_set_seed(mtt_options *o, int64_t seed)
{
    if (!o) return;
    o->seed = seed;
    o->seed_given = 1;
}

static void free_strings(mtt_opt_scope scope, char *base)
{
    for (size_t i = 0; i < mtt_opt_table_len; i++) {
        const mtt_opt_row *row = &mtt_opt_table[i];
        if (row->scope != scope || row->offset == MTT_OPT_NO_STORE) continue;
        if (row->type == MTT_OPT_STRING || row->type == MTT_OPT_INT_LIST) {
            free(*(void **)(base + row->offset));
            *(void **)(base + row->offset) = NULL;
        }
    }
}

void mtt_options_free(mtt_options *o)
{
    if (!o) return;
    free_strings(MTT_SCOPE_ROOT, (char *)o);
    free_strings(MTT_SCOPE_DATASET, (char *)&o->training_set);
    free_strings(MTT_SCOPE_DATASET, (char *)&o->validation_set);
    free_strings(MTT_SCOPE_DATASET, (char *)&o->test_set);
    free(o->source_path);
    free(o);
}
