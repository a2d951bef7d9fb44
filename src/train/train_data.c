/* train_data.c — index, split, shard and read the data sets on every rank. */
#include "config.h"

#include "train/train_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset_stats.h"
#include "data/elements.h"
#include "data/shard.h"
#include "train/rank_moments.h"
#include "data/splits.h"
#include "data/xyz.h"
#include "util/log.h"
#include "util/progress.h"

static const char *const set_names[] = {"training", "validation", "test"};
_Static_assert(sizeof set_names / sizeof set_names[0] == MTT_SET_COUNT, "one name per set");

static const char *const option_names[] = {"training_set", "validation_set", "test_set"};

const char *mtt_set_name(mtt_set_kind k) { return set_names[k]; }

/* Rank 0 indexes path; the index is broadcast so all ranks hold it. */
static mtt_status index_everywhere(const char *path, const mtt_comm *comm, mtt_xyz_index **out,
                                   mtt_error *err)
{
    mtt_xyz_index *idx = NULL;
    mtt_status st = MTT_OK;
    if (mtt_comm_rank(comm) == 0) {
        mtt_progress_begin_file("indexing", path);
        st = mtt_xyz_index_build(path, &idx, err);
        mtt_progress_end();
    }
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) return st;
    uint64_t n = idx ? idx->n_frames : 0;
    mtt_comm_bcast_bytes(comm, &n, sizeof n, 0);
    if (mtt_comm_rank(comm) != 0) {
        idx = calloc(1, sizeof *idx);
        if (idx) {
            idx->n_frames = n;
            idx->offset = malloc((n ? n : 1) * sizeof *idx->offset);
            idx->line = malloc((n ? n : 1) * sizeof *idx->line);
            idx->n_atoms = malloc((n ? n : 1) * sizeof *idx->n_atoms);
            if (!idx->offset || !idx->line || !idx->n_atoms) {
                mtt_xyz_index_free(idx);
                idx = NULL;
            }
        }
        if (!idx) st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the index of %s", path);
    }
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) {
        mtt_xyz_index_free(idx);
        return st;
    }
    mtt_comm_bcast_bytes(comm, idx->offset, n * sizeof *idx->offset, 0);
    mtt_comm_bcast_bytes(comm, idx->line, n * sizeof *idx->line, 0);
    mtt_comm_bcast_bytes(comm, idx->n_atoms, n * sizeof *idx->n_atoms, 0);
    *out = idx;
    return MTT_OK;
}

static mtt_xyz_keys keys_of(const mtt_target_opts *t)
{
    mtt_xyz_keys k = {t->key, t->forces ? t->forces_key : NULL, t->stress ? t->stress_key : NULL,
                      t->virial ? t->virial_key : NULL};
    return k;
}

/* Read this rank's shard of one set and sum its statistics over ranks. */
static mtt_status load_set(mtt_set_info *info, const mtt_xyz_index *idx, const mtt_xyz_keys *keys,
                           const mtt_comm *comm, mtt_dataset **shard, mtt_error *err)
{
    mtt_status st = MTT_OK;
    int32_t *na = malloc((info->n_structures ? info->n_structures : 1) * sizeof *na);
    if (!na) st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory splitting %s", info->path);
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) goto cleanup;
    for (size_t i = 0; i < info->n_structures; ++i) na[i] = idx->n_atoms[info->frames[i]];
    size_t b = 0, e = 0;
    mtt_shard_range(na, info->n_structures, mtt_comm_rank(comm), mtt_comm_size(comm), &b, &e);
    if (e > b) {
        mtt_progress_begin((int64_t)(e - b), (int64_t)info->n_structures, "structures",
                           "reading %s", info->path);
        st = mtt_xyz_read(info->path, idx, info->frames + b, e - b, keys, shard, err);
        mtt_progress_end();
    } else
        st = mtt_dataset_create(keys->energy != NULL, keys->forces != NULL,
                                keys->stress != NULL, keys->virial != NULL, shard, err);
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) goto cleanup;

    /* global statistics: this rank's summary (data/dataset_stats.h) turned
     * into sums that add over ranks: counts, types */
    mtt_dataset_stats local;
    mtt_dataset_stats_compute(*shard, &local);
    /* per-atom energy moments: corrected two-pass over ranks (large means) */
    double n_e = 0, e_mean = 0, e_var = 0;
    mtt_rank_moments_compute(comm, local.has_energy ? local.n_structures : 0,
                             mtt_dataset_energy_per_atom, *shard, &n_e, &e_mean, &e_var);
    int64_t found[5] = {0, 0, 0, 0, 0}; /* non-empty ranks, with energy, forces, stress, virial */
    if (local.n_structures > 0) {
        found[0] = 1;
        found[1] = local.has_energy;
        found[2] = local.has_forces;
        found[3] = local.has_stress;
        found[4] = local.has_virial;
    }
    int64_t atoms = (int64_t)local.n_atoms;
    memset(info->count_by_z, 0, sizeof info->count_by_z);
    for (size_t t = 0; t < local.n_types; ++t)
        if (local.types[t] >= 0 && local.types[t] <= MTT_MAX_Z) info->count_by_z[local.types[t]] = 1;
    mtt_comm_sum_int64(comm, found, 5);
    mtt_comm_sum_int64(comm, &atoms, 1);
    mtt_comm_sum_int64(comm, info->count_by_z, MTT_MAX_Z + 1);
    /* the first frame without a wanted target, over all ranks: one warning */
    int64_t first[3];
    for (int t = 0; t < 3; ++t) first[t] = (*shard)->missing_line[t] ? (*shard)->missing_line[t] : INT64_MAX;
    mtt_comm_min_int64(comm, first, 3);
    const char *what[3] = {"forces", "stress", "virial"};
    const char *key[3] = {keys->forces, keys->stress, keys->virial};
    for (int t = 0; t < 3; ++t)
        if (first[t] != INT64_MAX)
            mtt_log_warn("%s:%lld: no '%s' %s in this frame (the first without it); training "
                         "without %s on this set", info->path, (long long)first[t], key[t],
                         t == 0 ? "column in Properties" : "key", what[t]);
    info->n_atoms = atoms;
    info->has_energy = found[0] > 0 && found[1] == found[0];
    info->has_forces = found[0] > 0 && found[2] == found[0];
    info->has_stress = found[0] > 0 && found[3] == found[0];
    info->has_virial = found[0] > 0 && found[4] == found[0];
    if (n_e > 0) {
        info->energy_per_atom_mean = e_mean;
        info->energy_per_atom_std = sqrt(e_var);
    }
cleanup:
    free(na);
    return st;
}

/* Copy a list of indices (n may be 0). */
static size_t *copy_indices(const size_t *src, size_t n)
{
    size_t *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n) memcpy(d, src, n * sizeof *d);
    return d;
}

static size_t *all_indices(size_t n)
{
    size_t *d = malloc((n ? n : 1) * sizeof *d);
    if (d)
        for (size_t i = 0; i < n; ++i) d[i] = i;
    return d;
}

/* The model's atomic types: the training set's, or the list the options
 * give (which must then cover the training data).  Validation and test may
 * only hold types the model knows. */
static mtt_status settle_types(const mtt_options *o, mtt_train_data *td, mtt_error *err)
{
    const mtt_set_info *tr = &td->set[MTT_SET_TRAINING];
    td->n_atomic_types = 0;
    if (o->n_atomic_types > 0) {
        int listed[MTT_MAX_Z + 1] = {0};
        for (size_t i = 0; i < o->n_atomic_types; ++i)
            if (o->atomic_types[i] >= 1 && o->atomic_types[i] <= MTT_MAX_Z) listed[o->atomic_types[i]] = 1;
        for (int z = 1; z <= MTT_MAX_Z; ++z) {
            if (tr->count_by_z[z] && !listed[z] && o->atomic_types_source)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s: atomic type %d (%s) is unknown to the model fine-tuned "
                                     "from %s; fine-tune only on structures of its atomic types, "
                                     "or train a new model",
                                     tr->path, z, mtt_elements_symbol(z), o->atomic_types_source);
            if (tr->count_by_z[z] && !listed[z])
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s: atomic type %d (%s) is not in architecture.atomic_types; "
                                     "add it to the list or remove those structures",
                                     tr->path, z, mtt_elements_symbol(z));
            if (listed[z]) td->atomic_types[td->n_atomic_types++] = z;
        }
    } else {
        for (int z = 1; z <= MTT_MAX_Z; ++z)
            if (tr->count_by_z[z]) td->atomic_types[td->n_atomic_types++] = z;
    }
    for (int k = MTT_SET_VALIDATION; k < MTT_SET_COUNT; ++k)
        for (int z = 1; z <= MTT_MAX_Z; ++z) {
            int known = 0;
            for (size_t i = 0; i < td->n_atomic_types; ++i) known |= td->atomic_types[i] == z;
            if (td->set[k].count_by_z[z] && !known)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s: the %s set contains atomic type %d (%s), which does not "
                                     "occur in the training set; add structures with %s to the "
                                     "training set or remove it from the %s set",
                                     td->set[k].path, set_names[k], z, mtt_elements_symbol(z),
                                     mtt_elements_symbol(z), set_names[k]);
        }
    return MTT_OK;
}

mtt_status mtt_train_data_load(const mtt_options *o, const mtt_comm *comm, mtt_train_data *td,
                               mtt_error *err)
{
    memset(td, 0, sizeof *td);
    const mtt_dataset_opts *opts[MTT_SET_COUNT] = {&o->training_set, &o->validation_set,
                                                   &o->test_set};
    mtt_xyz_index *idx[MTT_SET_COUNT] = {NULL, NULL, NULL};
    mtt_splits splits;
    memset(&splits, 0, sizeof splits);
    mtt_status st = MTT_OK;
    for (int k = 0; k < MTT_SET_COUNT && st == MTT_OK; ++k)
        if (k == MTT_SET_TRAINING || !opts[k]->is_fraction)
            st = mtt_options_check_targets_file(opts[k], option_names[k], err);
    if (st != MTT_OK) goto cleanup;
    st = index_everywhere(o->training_set.read_from, comm, &idx[0], err);
    if (st != MTT_OK) goto cleanup;

    double frac[MTT_SET_COUNT] = {0.0, 0.0, 0.0};
    for (int k = MTT_SET_VALIDATION; k < MTT_SET_COUNT; ++k)
        frac[k] = opts[k]->is_fraction ? opts[k]->fraction : MTT_SPLITS_OWN_FILE;
    /* identical on every rank: same n, fractions and seed */
    st = mtt_splits_from_fractions(idx[0]->n_frames, frac[1], frac[2], (uint64_t)o->seed, &splits,
                                   err);
    if (st != MTT_OK) goto cleanup;
    const size_t *lists[MTT_SET_COUNT] = {splits.training, splits.validation, splits.test};
    const size_t counts[MTT_SET_COUNT] = {splits.n_training, splits.n_validation, splits.n_test};

    for (int k = 0; k < MTT_SET_COUNT; ++k) {
        mtt_set_info *info = &td->set[k];
        const mtt_xyz_index *use = idx[0];
        if (k == MTT_SET_TRAINING || opts[k]->is_fraction) {
            info->path = o->training_set.read_from;
            info->frames = copy_indices(lists[k], counts[k]);
            info->n_structures = counts[k];
        } else {
            info->path = opts[k]->read_from;
            info->own_file = 1;
            st = index_everywhere(info->path, comm, &idx[k], err);
            if (st != MTT_OK) goto cleanup;
            use = idx[k];
            info->frames = all_indices(use->n_frames);
            info->n_structures = use->n_frames;
        }
        st = info->frames ? MTT_OK
                          : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the %s set's "
                                          "structure list (%zu structures)", set_names[k],
                                          info->n_structures);
        st = mtt_comm_agree(comm, st, err);
        if (st != MTT_OK) goto cleanup;
        /* the energy key and gradients of a fraction set are the training set's */
        const mtt_dataset_opts *src = (k == MTT_SET_TRAINING || opts[k]->is_fraction) ? opts[0] : opts[k];
        mtt_xyz_keys keys = keys_of(&src->energy);
        st = load_set(info, use, &keys, comm, &td->shard[k], err);
        if (st != MTT_OK) goto cleanup;
    }
    st = settle_types(o, td, err);
cleanup:
    for (int k = 0; k < MTT_SET_COUNT; ++k) mtt_xyz_index_free(idx[k]);
    mtt_splits_free(&splits);
    if (st != MTT_OK) mtt_train_data_free(td);
    return st;
}

void mtt_train_data_log(const mtt_train_data *td)
{
    mtt_log_info("Split: %zu training, %zu validation, %zu test structures",
                 td->set[0].n_structures, td->set[1].n_structures, td->set[2].n_structures);
    for (int k = 0; k < MTT_SET_COUNT; ++k) {
        const mtt_set_info *s = &td->set[k];
        if (s->n_structures == 0) continue;
        mtt_log_info("%s set (%s): %zu structures, %lld atoms", set_names[k], s->path,
                     s->n_structures, (long long)s->n_atoms);
        if (s->has_energy)
            mtt_log_info("%s set: per-atom energy mean %.6g, std %.6g", set_names[k],
                         s->energy_per_atom_mean, s->energy_per_atom_std);
        mtt_log_info("%s set: forces %s, stress %s, virial %s", set_names[k],
                     s->has_forces ? "found" : "not found", s->has_stress ? "found" : "not found",
                     s->has_virial ? "found" : "not found");
    }
    char buf[1024];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < td->n_atomic_types && len + 16 < sizeof buf; ++i)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s (%d)", i ? ", " : "",
                                mtt_elements_symbol(td->atomic_types[i]), td->atomic_types[i]);
    mtt_log_info("Atomic types: %s", buf);
}

mtt_status mtt_train_data_write_indices(const mtt_train_data *td, const char *run_dir,
                                        mtt_error *err)
{
    mtt_splits view;
    memset(&view, 0, sizeof view);
    view.training = td->set[MTT_SET_TRAINING].frames;
    view.n_training = td->set[MTT_SET_TRAINING].n_structures;
    view.validation = td->set[MTT_SET_VALIDATION].frames;
    view.n_validation = td->set[MTT_SET_VALIDATION].n_structures;
    view.test = td->set[MTT_SET_TEST].frames;
    view.n_test = td->set[MTT_SET_TEST].n_structures;
    view.validation_from_file = td->set[MTT_SET_VALIDATION].own_file;
    view.test_from_file = td->set[MTT_SET_TEST].own_file;
    return mtt_splits_write_indices(&view, run_dir, err);
}

void mtt_train_data_free(mtt_train_data *td)
{
    if (!td) return;
    for (int k = 0; k < MTT_SET_COUNT; ++k) {
        free(td->set[k].frames);
        td->set[k].frames = NULL;
        mtt_dataset_free(td->shard[k]);
        td->shard[k] = NULL;
    }
}
