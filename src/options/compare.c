/* compare.c — what changed between the options of a checkpoint and new ones.
 *
 * On restart the training hyperparameters of the new file win and each change
 * is logged; a changed model hyperparameter (rows flagged MTT_OPT_MODEL in the
 * schema table) would not fit the saved weights and is an error.  Both structs
 * are flattened to (path, YAML value) pairs by the table, so a new option
 * needs no code here.  Cost: O(rows^2) string compares, ~10^4.
 */
#include "config.h"

#include "options/internal.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

typedef struct flat_entry {
    char *path, *value;
    int is_model;
} flat_entry;

typedef struct flat_list {
    flat_entry *e;
    size_t n, cap;
    int oom;
} flat_list;

static void collect(const char *path, const char *value, int is_model, void *ctx)
{
    flat_list *l = ctx;
    if (l->oom) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        flat_entry *e = realloc(l->e, cap * sizeof *e);
        if (!e) {
            l->oom = 1;
            return;
        }
        l->e = e;
        l->cap = cap;
    }
    flat_entry *x = &l->e[l->n];
    x->path = strdup(path);
    x->value = strdup(value);
    x->is_model = is_model;
    if (!x->path || !x->value) {
        free(x->path);
        free(x->value);
        l->oom = 1;
        return;
    }
    l->n++;
}

static void flat_free(flat_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].path);
        free(l->e[i].value);
    }
    free(l->e);
}

static const flat_entry *find(const flat_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->e[i].path, path)) return &l->e[i];
    return NULL;
}

/* One difference: log it, or fail for a model hyperparameter. */
static mtt_status report(const char *path, const char *was, const char *now, int is_model,
                         size_t *n_changed, mtt_error *err)
{
    if (is_model)
        return mtt_error_set(err, MTT_ERR_OPTIONS,
                             "%s: changed from %s to %s since the checkpoint; model hyperparameters must "
                             "match it, so restore the value or start a new training without --restart",
                             path, was, now);
    mtt_log_info("Option changed since the checkpoint: %s: %s -> %s", path, was, now);
    ++*n_changed;
    return MTT_OK;
}

/* A dataset that changed between fraction and block is reported once. */
static int under(const char *path, char roots[][32], size_t n_roots)
{
    for (size_t i = 0; i < n_roots; i++) {
        size_t len = strlen(roots[i]);
        if (!strncmp(path, roots[i], len) && path[len] == '.') return 1;
    }
    return 0;
}

mtt_status mtt_options_compare(const mtt_options *old, const mtt_options *cur, size_t *n_changed,
                               mtt_error *err)
{
    mtt_status st = MTT_OK;
    flat_list a = {0}, b = {0};
    size_t changed = 0;
    if (!mtt_options_visit(old, 1, collect, &a) || a.oom || !mtt_options_visit(cur, 1, collect, &b) ||
        b.oom) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory comparing options");
        goto cleanup;
    }
    char roots[3][32];
    size_t n_roots = 0;
    for (size_t i = 0; i < b.n; i++) { /* in the new table order: model rows come first */
        const flat_entry *x = find(&a, b.e[i].path);
        if ((x && !strcmp(x->value, b.e[i].value)) || under(b.e[i].path, roots, n_roots)) continue;
        if (!strchr(b.e[i].path, '.') && n_roots < 3 && strlen(b.e[i].path) < 32 &&
            (!x || !strcmp(x->value, "(dataset block)") || !strcmp(b.e[i].value, "(dataset block)")))
            strcpy(roots[n_roots++], b.e[i].path);
        st = report(b.e[i].path, x ? x->value : "(absent)", b.e[i].value, b.e[i].is_model,
                    &changed, err);
        if (st != MTT_OK) goto cleanup;
    }
    for (size_t i = 0; i < a.n; i++) {
        if (find(&b, a.e[i].path) || under(a.e[i].path, roots, n_roots)) continue;
        st = report(a.e[i].path, a.e[i].value, "(absent)", a.e[i].is_model, &changed, err);
        if (st != MTT_OK) goto cleanup;
    }
cleanup:
    if (n_changed) *n_changed = changed;
    flat_free(&a);
    flat_free(&b);
    return st;
}
