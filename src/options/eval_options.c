/* eval_options.c — eval.yaml: the block is checked by the training options'
 * own schema, read as the training_set of a minimal options tree, so the
 * two can never disagree about a key (eval_options.h). */
#include "config.h"

#include "options/eval_options.h"

#include <stdlib.h>
#include <string.h>

#include "options/internal.h"

/* Messages speak of training_set.X; in an eval file the key is just X. */
static void unprefix(mtt_error *err)
{
    static const char prefix[] = "training_set.";
    char *p;
    while ((p = strstr(err->msg, prefix)) != NULL)
        memmove(p, p + sizeof prefix - 1, strlen(p + sizeof prefix - 1) + 1);
}

mtt_status mtt_eval_options_load(const char *path, mtt_eval_options *out, mtt_error *err)
{
    char *text = NULL;
    mtt_tree *t = NULL;
    mtt_options *o = NULL;
    memset(out, 0, sizeof *out);
    MTT_FORWARD_IF_ERROR(mtt_options_read_text(path, &text, NULL, err));
    mtt_status st = mtt_tree_parse(text, strlen(text), path, &t, err);
    if (st != MTT_OK) goto done;
    mtt_node *block = t->root;
    if (!mtt_node_get(block, "systems")) {
        st = mtt_tree_fail(t, block, 0, NULL, err,
                           "an eval options file needs 'systems:' (like 'systems: test.xyz')");
        goto done;
    }
    out->has_targets = mtt_node_get(block, "targets") != NULL;
    if (!out->has_targets) {
        /* the training schema wants an energy target; eval reads none then */
        mtt_node *targets = mtt_node_new(t, MTT_NODE_MAP, block);
        mtt_node *energy = mtt_node_new(t, MTT_NODE_MAP, block);
        mtt_node *key = mtt_node_new_scalar(t, "energy", 1, block);
        if (!targets || !energy || !key || mtt_node_add(energy, "key", key) != MTT_OK ||
            mtt_node_add(targets, "energy", energy) != MTT_OK ||
            mtt_node_add(block, "targets", targets) != MTT_OK) {
            st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
            goto done;
        }
    }
    /* root := {architecture: {name: soap_bpnn}, validation_set: 0, test_set: 0,
     *          training_set: <the file>} */
    mtt_node *root = mtt_node_new(t, MTT_NODE_MAP, block);
    mtt_node *arch = mtt_node_new(t, MTT_NODE_MAP, block);
    mtt_node *name = mtt_node_new_scalar(t, "soap_bpnn", 1, block);
    if (!root || !arch || !name || mtt_node_add(arch, "name", name) != MTT_OK ||
        mtt_node_add(root, "architecture", arch) != MTT_OK) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    t->root = root;
    mtt_node *none_v = mtt_node_new_scalar(t, "0.0", 1, block);
    mtt_node *none_t = mtt_node_new_scalar(t, "0.0", 1, block);
    if (!none_v || !none_t || mtt_node_add(root, "validation_set", none_v) != MTT_OK ||
        mtt_node_add(root, "test_set", none_t) != MTT_OK ||
        mtt_node_add(root, "training_set", block) != MTT_OK) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    if ((st = mtt_options_expand(t, 0, err)) != MTT_OK) goto done;
    if ((st = mtt_options_expand(t, 1, err)) != MTT_OK) goto done;
    if (!(o = calloc(1, sizeof *o)) || !(o->source_path = strdup(path))) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    if ((st = mtt_options_set_defaults(o, err)) != MTT_OK) goto done;
    if ((st = mtt_options_apply(t, o, err)) != MTT_OK) goto done;
    if ((st = mtt_options_validate(t, o, err)) != MTT_OK) goto done;
    out->all = o;
    out->set = &o->training_set;
    o = NULL;
done:
    if (st != MTT_OK) unprefix(err);
    mtt_options_free(o);
    mtt_tree_free(t);
    free(text);
    return st;
}

void mtt_eval_options_free(mtt_eval_options *e)
{
    if (!e) return;
    mtt_options_free(e->all);
    memset(e, 0, sizeof *e);
}
