/* validate.c — checks across options, required options, derived defaults.
 *
 * Runs after apply.c filled the struct: each check is one rule that a single
 * row cannot express (width < radius, fractions summing below 1, required
 * blocks) and points at the node that breaks it (or at the file start for a
 * missing option).  Then the defaults that depend on other values are
 * resolved: targets read from systems.read_from, gradients from their target.
 */
#include "config.h"

#include "options/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mtt_status inherit(char **slot, const char *from, mtt_error *err)
{
    if (*slot || !from) return MTT_OK;
    if (!(*slot = strdup(from)))
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory resolving options");
    return MTT_OK;
}

static mtt_status reset_gradient(int on, char **key, const char *def, char **read_from,
                                 char **reader, mtt_error *err)
{
    if (on) return MTT_OK;
    free(*read_from);
    free(*reader);
    *read_from = *reader = NULL;
    if (*key && !strcmp(*key, def)) return MTT_OK;
    free(*key);
    *key = NULL;
    return inherit(key, def, err);
}

static mtt_status check_dataset(const mtt_tree *t, const char *name, mtt_dataset_opts *d,
                                mtt_error *err)
{
    char path[128];
    const mtt_node *block = mtt_tree_lookup(t, name);
    if (!d->present) return MTT_OK;
    snprintf(path, sizeof path, "%s.systems.read_from", name);
    const mtt_node *rf = mtt_tree_lookup(t, path);
    if (!rf)
        return mtt_tree_fail(t, block, 1, path, err,
                             "missing structures file; add 'systems: FILE.xyz' to %s", name);
    if (!d->read_from || !*d->read_from)
        return mtt_tree_fail(t, rf, 0, path, err, "empty file name; give the structures file");
    snprintf(path, sizeof path, "%s.targets.energy", name);
    if (!mtt_tree_lookup(t, path))
        return mtt_tree_fail(t, block, 1, path, err,
                             "missing energy target; add 'targets: {energy: {key: energy}}' to %s",
                             name);
    mtt_target_opts *e = &d->energy;
    /* a switched-off gradient keeps no settings, so the written file (which
     * says only `forces: false`) reads back to the same struct */
    MTT_FORWARD_IF_ERROR(reset_gradient(e->forces, &e->forces_key, "forces", &e->forces_read_from,
                                        &e->forces_reader, err));
    MTT_FORWARD_IF_ERROR(reset_gradient(e->stress, &e->stress_key, "stress", &e->stress_read_from,
                                        &e->stress_reader, err));
    MTT_FORWARD_IF_ERROR(reset_gradient(e->virial, &e->virial_key, "virial", &e->virial_read_from,
                                        &e->virial_reader, err));
    MTT_FORWARD_IF_ERROR(inherit(&e->read_from, d->read_from, err));
    MTT_FORWARD_IF_ERROR(inherit(&e->forces_read_from, e->read_from, err));
    MTT_FORWARD_IF_ERROR(inherit(&e->stress_read_from, e->read_from, err));
    MTT_FORWARD_IF_ERROR(inherit(&e->virial_read_from, e->read_from, err));
    if (e->stress && e->virial) { /* expand.c catches the tree form; overrides of the struct too */
        snprintf(path, sizeof path, "%s.targets.energy.virial", name);
        return mtt_tree_fail(t, mtt_tree_lookup(t, path), 1, path, err,
                             "cannot train on both stress and virial; set stress: off or virial: off");
    }
    return MTT_OK;
}

/* A validation or test block in units other than the training set's: mtt
 * converts nothing (units are labels), so its numbers would be compared
 * with the model's as if they were the same. */
static mtt_status check_same_units(const mtt_tree *t, const char *name, const mtt_dataset_opts *d,
                                   const mtt_dataset_opts *train, mtt_error *err)
{
    if (!d->present || d->is_fraction) return MTT_OK;
    const struct { const char *key, *mine, *theirs; } units[] = {
        {"systems.length_unit", d->length_unit, train->length_unit},
        {"targets.energy.unit", d->energy.unit, train->energy.unit},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; ++i) {
        const char *a = units[i].mine, *b = units[i].theirs;
        if (!a || !b || !*a || !*b || !strcmp(a, b)) continue;
        char path[128];
        snprintf(path, sizeof path, "%s.%s", name, units[i].key);
        const mtt_node *n = mtt_tree_lookup(t, path);
        return mtt_tree_fail(t, n ? n : mtt_tree_lookup(t, name), 0, path, err,
                             "'%s' differs from the training set's '%s'; mtt converts no "
                             "units, so give every set in the same units",
                             a, b);
    }
    return MTT_OK;
}

mtt_status mtt_options_validate(const mtt_tree *t, mtt_options *o, mtt_error *err)
{
    for (size_t i = 0; i < mtt_opt_table_len; i++) {
        const mtt_opt_row *row = &mtt_opt_table[i];
        if (row->scope != MTT_SCOPE_ROOT || !(row->flags & MTT_OPT_REQUIRED)) continue;
        if (mtt_tree_lookup(t, row->path) && !mtt_scalar_is_null(mtt_tree_lookup(t, row->path)))
            continue;
        if (!strcmp(row->path, "training_set"))
            return mtt_tree_fail(t, t->root, 0, row->path, err,
                                 "missing required option; add e.g. 'training_set: data.xyz'");
        if (!strcmp(row->path, "validation_set"))
            return mtt_tree_fail(t, t->root, 0, row->path, err,
                                 "missing required option; add e.g. 'validation_set: 0.1' (a fraction of the training file) or a file");
        return mtt_tree_fail(t, t->root, 0, row->path, err, "missing required option (%s)",
                             row->help);
    }
    MTT_FORWARD_IF_ERROR(check_dataset(t, "training_set", &o->training_set, err));
    MTT_FORWARD_IF_ERROR(check_dataset(t, "validation_set", &o->validation_set, err));
    MTT_FORWARD_IF_ERROR(check_dataset(t, "test_set", &o->test_set, err));
    MTT_FORWARD_IF_ERROR(check_same_units(t, "validation_set", &o->validation_set,
                                          &o->training_set, err));
    MTT_FORWARD_IF_ERROR(check_same_units(t, "test_set", &o->test_set, &o->training_set, err));

    /* metatrain's delta belongs to the Huber loss.  1.0, the default, is
     * accepted with mse and mae: mtt writes every default, so the options
     * files and checkpoints it wrote before hold it. */
    const char *delta = "architecture.training.loss.energy.delta";
    if (o->training.loss_type != MTT_OPTIONS_LOSS_HUBER && o->training.huber_delta != 1.0)
        return mtt_tree_fail(t, mtt_tree_lookup(t, delta) ? mtt_tree_lookup(t, delta) : t->root,
                             0, delta, err,
                             "delta is the Huber loss's and does nothing with type %s; "
                             "remove it or set loss.energy.type: huber",
                             mtt_loss_type_name(o->training.loss_type));
    if (o->model.cutoff_width >= o->model.cutoff_radius) {
        const char *p = "architecture.model.soap.cutoff.width";
        const mtt_node *n = mtt_tree_lookup(t, p);
        if (!n) n = mtt_tree_lookup(t, p = "architecture.model.soap.cutoff.radius");
        return mtt_tree_fail(t, n ? n : t->root, 0, p, err,
                             "cutoff.width (%g) must be smaller than cutoff.radius (%g)",
                             o->model.cutoff_width, o->model.cutoff_radius);
    }
    if (o->validation_set.is_fraction && o->test_set.is_fraction &&
        o->validation_set.fraction + o->test_set.fraction >= 1.0) {
        const char *p = "test_set";
        const mtt_node *n = mtt_tree_lookup(t, p);
        if (!n) n = mtt_tree_lookup(t, p = "validation_set");
        return mtt_tree_fail(t, n ? n : t->root, 0, p, err,
                             "validation_set + test_set fractions (%g + %g) leave no training structures; make them sum below 1",
                             o->validation_set.fraction, o->test_set.fraction);
    }
    return MTT_OK;
}

mtt_status mtt_options_check_targets_file(const mtt_dataset_opts *d, const char *set,
                                          mtt_error *err)
{
    const mtt_target_opts *t = &d->energy;
    const struct { const char *what, *path; int on; } files[] = {
        {"targets.energy.read_from", t->read_from, 1},
        {"targets.energy.forces.read_from", t->forces_read_from, t->forces},
        {"targets.energy.stress.read_from", t->stress_read_from, t->stress},
        {"targets.energy.virial.read_from", t->virial_read_from, t->virial},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i)
        if (files[i].on && files[i].path && d->read_from && strcmp(files[i].path, d->read_from) != 0)
            return mtt_error_set(err, MTT_ERR_OPTIONS,
                                 "%s%s%s: %s differs from systems.read_from %s; mtt reads targets "
                                 "from the structures file, so put them in %s",
                                 set ? set : "", set ? "." : "", files[i].what, files[i].path,
                                 d->read_from, d->read_from);
    return MTT_OK;
}

mtt_status mtt_options_check_model_units(const mtt_dataset_opts *d, const char *length_unit,
                                         const char *energy_unit, mtt_error *err)
{
    const struct { const char *key, *mine, *model; } units[] = {
        {"systems.length_unit", d->length_unit, length_unit},
        {"targets.energy.unit", d->energy.unit, energy_unit},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; ++i) {
        const char *a = units[i].mine, *b = units[i].model;
        if (!a || !b || !*a || !*b || !strcmp(a, b)) continue;
        return mtt_error_set(err, MTT_ERR_OPTIONS,
                             "%s: '%s' differs from the model's '%s'; mtt converts no units, so "
                             "give the structures in the model's units",
                             units[i].key, a, b);
    }
    return MTT_OK;
}
