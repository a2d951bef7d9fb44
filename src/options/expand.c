/* expand.c — metatrain's shorthands spelled out in the tree (as its omegaconf.py).
 *
 *   training_set: data.xyz     -> {systems: data.xyz, targets: {energy: data.xyz}}
 *   systems: data.xyz          -> {read_from: data.xyz}
 *   energy: file.xyz           -> {read_from: file.xyz}
 *   forces: file.xyz           -> {read_from: file.xyz}    (also stress, virial)
 *   forces: on|off|true|false  -> kept: a switch row in the table
 *   virial on, stress untouched -> stress: false;  both on -> error
 *   loss: mse                  -> {energy: {type: mse}}
 *   loss: {energy: huber}      -> {energy: {type: huber}}
 *   loss.energy.forces: mae    -> {type: mae}; gradient types must equal the
 *                                 energy's (one loss type in mtt); virial -> stress
 * validation_set/test_set numbers stay scalars (fractions).
 * Two passes: before the overrides only the text shorthands are spelled out
 * (so `-r training_set.targets.energy.forces=off` works on `training_set:
 * FILE`); after them everything, with the consistency rules.  Idempotent.  New nodes carry
 * the position of the shorthand they replace, so errors still point there.
 */
#include "config.h"

#include "options/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOMEM(err) mtt_error_set(err, MTT_ERR_NOMEM, "out of memory expanding options")

/* Replace the scalar child i of parent by {inner_key: scalar}. */
static mtt_status wrap(mtt_tree *t, mtt_node *parent, size_t i, const char *inner_key,
                       mtt_error *err)
{
    mtt_node *old = parent->child[i];
    mtt_node *map = mtt_node_new(t, MTT_NODE_MAP, old);
    if (!map) return NOMEM(err);
    map->key = old->key;
    map->key_line = old->key_line;
    map->key_col = old->key_col;
    map->key_origin = old->key_origin;
    old->key = NULL;
    parent->child[i] = map;
    old->key_line = old->line;
    old->key_col = old->col;
    old->key_origin = old->origin;
    if (mtt_node_add(map, inner_key, old) != MTT_OK) return NOMEM(err);
    return MTT_OK;
}

static int is_text(const mtt_node *n)
{
    int b;
    return n && n->kind == MTT_NODE_SCALAR && !mtt_scalar_is_null(n) && !mtt_scalar_bool(n, &b);
}

static int switched_on(const mtt_node *n)
{
    int b = 0;
    if (!n) return 0;
    if (n->kind == MTT_NODE_MAP) return 1;
    return mtt_scalar_bool(n, &b) && b;
}

static mtt_status expand_target(mtt_tree *t, mtt_node *targets, const char *path, int full,
                                mtt_error *err)
{
    long i = mtt_node_index(targets, "energy");
    if (i < 0) return MTT_OK;
    if (is_text(targets->child[i])) MTT_FORWARD_IF_ERROR(wrap(t, targets, (size_t)i, "read_from", err));
    mtt_node *energy = targets->child[i];
    if (energy->kind != MTT_NODE_MAP) return MTT_OK;
    static const char *const grads[] = {"forces", "stress", "virial"};
    for (size_t g = 0; g < 3; g++) {
        long j = mtt_node_index(energy, grads[g]);
        if (j >= 0 && is_text(energy->child[j]))
            MTT_FORWARD_IF_ERROR(wrap(t, energy, (size_t)j, "read_from", err));
    }
    if (!full) return MTT_OK;
    mtt_node *virial = mtt_node_get(energy, "virial");
    mtt_node *stress = mtt_node_get(energy, "stress");
    if (switched_on(virial) && !stress) {
        if (mtt_node_add(energy, "stress", mtt_node_new_scalar(t, "false", 1, virial)) != MTT_OK)
            return NOMEM(err);
    } else if (switched_on(virial) && switched_on(stress)) {
        char p[512];
        snprintf(p, sizeof p, "%s.targets.energy.virial", path);
        return mtt_tree_fail(t, virial, 1, p, err,
                             "cannot train on both stress and virial; set stress: off or virial: off");
    }
    return MTT_OK;
}

static mtt_status expand_dataset(mtt_tree *t, const char *key, int full, mtt_error *err)
{
    mtt_node *root = t->root;
    long i = mtt_node_index(root, key);
    if (i < 0) return MTT_OK;
    mtt_node *n = root->child[i];
    if (is_text(n)) {
        int fraction = 0;
        if (n->plain) { /* a number: a fraction (refused for training_set by apply.c) */
            char *end = NULL;
            strtod(n->value, &end);
            fraction = end != n->value && *end == '\0';
        }
        if (fraction) return MTT_OK;
        /* a file name: both systems and the energy read from it */
        mtt_node *map = mtt_node_new(t, MTT_NODE_MAP, n);
        mtt_node *targets = mtt_node_new(t, MTT_NODE_MAP, n);
        if (!map || !targets) {
            mtt_node_free(map);
            mtt_node_free(targets);
            return NOMEM(err);
        }
        if (mtt_node_add(map, "targets", targets) != MTT_OK ||
            mtt_node_add(targets, "energy", mtt_node_new_scalar(t, n->value, 0, n)) != MTT_OK ||
            mtt_node_add(map, "systems", mtt_node_new_scalar(t, n->value, 0, n)) != MTT_OK) {
            mtt_node_free(map);
            return NOMEM(err);
        }
        mtt_node_replace(root, (size_t)i, map);
        n = map;
    }
    if (n->kind != MTT_NODE_MAP) return MTT_OK;
    long s = mtt_node_index(n, "systems");
    if (s >= 0 && is_text(n->child[s])) MTT_FORWARD_IF_ERROR(wrap(t, n, (size_t)s, "read_from", err));
    mtt_node *targets = mtt_node_get(n, "targets");
    if (targets && targets->kind == MTT_NODE_MAP)
        MTT_FORWARD_IF_ERROR(expand_target(t, targets, key, full, err));
    return MTT_OK;
}

/* metatrain's explicit form loss.energy.gradients.{positions,strain} ->
 * loss.energy.{forces,stress}. */
static mtt_status alias_gradients(mtt_tree *t, mtt_node *energy, mtt_error *err)
{
    static const char *const alias[][2] = {{"positions", "forces"}, {"strain", "stress"}};
    long gi = mtt_node_index(energy, "gradients");
    if (gi < 0 || energy->child[gi]->kind != MTT_NODE_MAP) return MTT_OK;
    mtt_node *gr = energy->child[gi];
    while (gr->n_child > 0) {
        mtt_node *c = gr->child[0];
        const char *to = NULL;
        char p[256];
        for (size_t a = 0; a < 2; a++)
            if (!strcmp(c->key, alias[a][0])) to = alias[a][1];
        snprintf(p, sizeof p, "architecture.training.loss.energy.gradients.%.60s", c->key);
        if (!to)
            return mtt_tree_fail(t, c, 1, p, err, "unknown gradient; expected positions or strain");
        if (mtt_node_get(energy, to) || (!strcmp(to, "stress") && mtt_node_get(energy, "virial")))
            return mtt_tree_fail(t, c, 1, p, err, "given twice; keep either loss.energy.%s or this", to);
        memmove(gr->child, gr->child + 1, (gr->n_child - 1) * sizeof *gr->child);
        gr->n_child--;
        free(c->key);
        c->key = NULL;
        if (mtt_node_add(energy, to, c) != MTT_OK) return NOMEM(err);
    }
    mtt_node_remove(energy, (size_t)mtt_node_index(energy, "gradients"));
    return MTT_OK;
}

static mtt_status expand_loss(mtt_tree *t, int full, mtt_error *err)
{
    const char *path = "architecture.training.loss";
    mtt_node *training = mtt_tree_lookup(t, "architecture.training");
    long i = mtt_node_index(training, "loss");
    if (i < 0) return MTT_OK;
    if (is_text(training->child[i])) {
        MTT_FORWARD_IF_ERROR(wrap(t, training, (size_t)i, "type", err));
        MTT_FORWARD_IF_ERROR(wrap(t, training, (size_t)i, "energy", err));
        /* wrap() moved the key: the inner "type" is now under energy */
    }
    mtt_node *loss = training->child[i];
    long e = mtt_node_index(loss, "energy");
    if (e < 0) return MTT_OK;
    if (is_text(loss->child[e])) MTT_FORWARD_IF_ERROR(wrap(t, loss, (size_t)e, "type", err));
    mtt_node *energy = loss->child[e];
    if (energy->kind != MTT_NODE_MAP) return MTT_OK;
    static const char *const grads[] = {"forces", "stress", "virial"};
    for (size_t g = 0; g < 3; g++) {
        long j = mtt_node_index(energy, grads[g]);
        if (j >= 0 && is_text(energy->child[j]))
            MTT_FORWARD_IF_ERROR(wrap(t, energy, (size_t)j, "type", err));
    }
    if (!full) return MTT_OK;
    MTT_FORWARD_IF_ERROR(alias_gradients(t, energy, err));
    mtt_node *etype = mtt_node_get(energy, "type");
    mtt_node *edelta = mtt_node_get(energy, "delta");
    const char *type = etype && etype->kind == MTT_NODE_SCALAR ? etype->value : "mse";
    for (size_t g = 0; g < 3; g++) {
        long j = mtt_node_index(energy, grads[g]);
        if (j < 0) continue;
        if (is_text(energy->child[j])) MTT_FORWARD_IF_ERROR(wrap(t, energy, (size_t)j, "type", err));
        mtt_node *gn = energy->child[j];
        long k = mtt_node_index(gn, "type");
        if (k >= 0) {
            mtt_node *gt = gn->child[k];
            if (gt->kind != MTT_NODE_SCALAR || strcmp(gt->value, type) != 0) {
                char p[256];
                snprintf(p, sizeof p, "%s.energy.%s.type", path, grads[g]);
                return mtt_tree_fail(t, gt, 0, p, err,
                                     "mtt uses one loss type for energy and its gradients; use '%s' or set architecture.training.loss: %.40s",
                                     type, gt->kind == MTT_NODE_SCALAR ? gt->value : "...");
            }
            mtt_node_remove(gn, (size_t)k);
        }
        k = mtt_node_index(gn, "delta");
        if (k >= 0) { /* metatrain writes one delta per gradient; mtt has one */
            mtt_node *gd = gn->child[k];
            double want = edelta && edelta->kind == MTT_NODE_SCALAR ? strtod(edelta->value, NULL) : 1.0;
            if (gd->kind != MTT_NODE_SCALAR || strtod(gd->value, NULL) != want) {
                char p[256];
                snprintf(p, sizeof p, "%s.energy.%s.delta", path, grads[g]);
                return mtt_tree_fail(t, gd, 0, p, err,
                                     "mtt uses one Huber delta for energy and its gradients; set loss.energy.delta instead");
            }
            mtt_node_remove(gn, (size_t)k);
        }
    }
    long v = mtt_node_index(energy, "virial");
    if (v >= 0) {
        mtt_node *vn = energy->child[v];
        if (mtt_node_get(energy, "stress")) {
            char p[256];
            snprintf(p, sizeof p, "%s.energy.virial", path);
            return mtt_tree_fail(t, vn, 1, p, err,
                                 "give the loss of either stress or virial, not both");
        }
        char *key = strdup("stress");
        if (!key) return NOMEM(err);
        free(vn->key);
        vn->key = key;
    }
    return MTT_OK;
}

mtt_status mtt_options_expand(mtt_tree *t, int full, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(expand_dataset(t, "training_set", full, err));
    MTT_FORWARD_IF_ERROR(expand_dataset(t, "validation_set", full, err));
    MTT_FORWARD_IF_ERROR(expand_dataset(t, "test_set", full, err));
    return expand_loss(t, full, err);
}
