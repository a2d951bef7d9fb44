/* override.c — `-r/--override key.path=value` applied to the options tree.
 *
 * The value is parsed as YAML (scalar or flow node: `5`, `0.2`, `[1, 6]`,
 * `{type: huber}`); missing intermediate mappings are created.  Every node
 * an override creates is tagged with the override text, so a later error
 * (unknown key, wrong type, range) names the override instead of a file line.
 * Applied in command-line order (later wins), each after the text shorthands
 * of the file and of the overrides before it are spelled out (expand.c).
 */
#include "config.h"

#include "options/internal.h"

#include <stdlib.h>
#include <string.h>

static mtt_status apply_one(mtt_tree *t, const char *ov, mtt_error *err)
{
    mtt_status st = MTT_OK;
    char *path = NULL;
    mtt_node *value = NULL;
    char **o = realloc(t->origins, (t->n_origins + 1) * sizeof *o);
    if (!o) return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory applying overrides");
    t->origins = o;
    if (!(o[t->n_origins] = strdup(ov)))
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory applying overrides");
    const char *origin = o[t->n_origins++];

    const char *eq = strchr(ov, '=');
    if (!eq || eq == ov) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS,
                           "--override %s: expected key.path=value, e.g. architecture.training.num_epochs=5",
                           ov);
        goto cleanup;
    }
    path = strndup(ov, (size_t)(eq - ov));
    if (!path) goto nomem;
    if ((st = mtt_tree_parse_value(t, eq + 1, origin, &value, err)) != MTT_OK) goto cleanup;

    mtt_node *map = t->root;
    char *seg = path;
    for (;;) {
        char *dot = strchr(seg, '.');
        if (dot) *dot = '\0';
        if (!*seg) {
            st = mtt_error_set(err, MTT_ERR_OPTIONS,
                               "--override %s: empty key in the path; separate keys with single dots",
                               ov);
            goto cleanup;
        }
        long i = mtt_node_index(map, seg);
        if (!dot) { /* the leaf: replace or add */
            if (i >= 0) mtt_node_replace(map, (size_t)i, value);
            else if ((st = mtt_node_add(map, seg, value)) != MTT_OK) {
                value = NULL;
                goto nomem;
            }
            value = NULL;
            break;
        }
        mtt_node *next = i >= 0 ? map->child[i] : NULL;
        if (!next) {
            next = mtt_node_new(t, MTT_NODE_MAP, value);
            if (!next || mtt_node_add(map, seg, next) != MTT_OK) goto nomem;
        } else if (next->kind != MTT_NODE_MAP) {
            st = mtt_error_set(err, MTT_ERR_OPTIONS,
                               "--override %s: '%s' is not a block in the options (it holds a single value); override '%s' itself",
                               ov, seg, seg);
            goto cleanup;
        }
        map = next;
        seg = dot + 1;
    }
    goto cleanup;
nomem:
    st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory applying overrides");
cleanup:
    mtt_node_free(value);
    free(path);
    return st;
}

mtt_status mtt_options_apply_overrides(mtt_tree *t, const char *const *ov, size_t n,
                                       mtt_error *err)
{
    /* the text shorthands spelled out after each one, so that
     * `-r …loss=huber -r …loss.energy.delta=0.1` reaches into the first */
    for (size_t i = 0; i < n; i++) {
        MTT_FORWARD_IF_ERROR(apply_one(t, ov[i], err));
        MTT_FORWARD_IF_ERROR(mtt_options_expand(t, 0, err));
    }
    return MTT_OK;
}
