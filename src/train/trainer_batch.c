/* trainer_batch.c — batch buffers, selection and prediction; see trainer_batch.h. */
#include "config.h"

#include "train/trainer_batch.h"

#include <stdlib.h>
#include <string.h>

#include "util/cell.h"

mtt_status mtt_batch_create(mtt_batch *b, size_t cap_structures, size_t cap_atoms,
                            mtt_error *err)
{
    memset(b, 0, sizeof *b);
    size_t S = cap_structures ? cap_structures : 1, A = cap_atoms ? cap_atoms : 1;
    b->cap_structures = S;
    b->cap_atoms = A;
    b->idx = malloc(S * sizeof *b->idx);
    b->f = malloc(S * sizeof *b->f);
    b->n_atoms_of = malloc(S * sizeof *b->n_atoms_of);
    b->volume = malloc(S * sizeof *b->volume);
    double **per_s[] = {&b->energy, &b->energy_ref, &b->y, &b->y_ref, &b->dy, &b->dL_dE};
    double **per_a[] = {&b->forces, &b->forces_ref, &b->fs, &b->fs_ref, &b->dfs, &b->dL_dF};
    double **per_t[] = {&b->deps, &b->tensor, &b->tensor_ref, &b->dts, &b->dL_dDeps};
    int ok = b->idx && b->f && b->n_atoms_of && b->volume;
    for (size_t k = 0; k < sizeof per_s / sizeof *per_s; ++k)
        ok &= (*per_s[k] = calloc(S, sizeof(double))) != NULL;
    for (size_t k = 0; k < sizeof per_a / sizeof *per_a; ++k)
        ok &= (*per_a[k] = calloc(3 * A, sizeof(double))) != NULL;
    for (size_t k = 0; k < sizeof per_t / sizeof *per_t; ++k)
        ok &= (*per_t[k] = calloc(9 * S, sizeof(double))) != NULL;
    if (!ok) {
        mtt_batch_free(b);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for batches of %zu structures",
                             S);
    }
    return MTT_OK;
}

void mtt_batch_free(mtt_batch *b)
{
    if (!b) return;
    void *all[] = {b->idx,   b->f,      b->n_atoms_of, b->volume,     b->energy,   b->energy_ref,
                   b->forces, b->forces_ref, b->deps, b->tensor,   b->tensor_ref, b->y,
                   b->y_ref, b->dy,     b->fs,         b->fs_ref,     b->dfs,      b->dts,
                   b->dL_dE, b->dL_dF,  b->dL_dDeps};
    for (size_t k = 0; k < sizeof all / sizeof *all; ++k) free(all[k]);
    memset(b, 0, sizeof *b);
}

static int cmp_desc_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

size_t mtt_batch_max_atoms(const mtt_dataset *ds, size_t batch_size)
{
    if (!ds || ds->n_structures == 0) return 0;
    size_t n = ds->n_structures;
    int64_t *na = malloc(n * sizeof *na);
    if (!na) return ds->n_atoms;  /* an upper bound that needs no memory */
    for (size_t s = 0; s < n; ++s) na[s] = ds->atom_start[s + 1] - ds->atom_start[s];
    qsort(na, n, sizeof *na, cmp_desc_i64);
    size_t total = 0;
    for (size_t s = 0; s < n && s < batch_size; ++s) total += (size_t)na[s];
    free(na);
    return total;
}

double mtt_batch_volume(const mtt_dataset *ds, size_t s)
{
    const unsigned char *pbc = ds->pbc ? ds->pbc + 3 * s : NULL;
    return pbc && ds->cell && pbc[0] && pbc[1] && pbc[2] ? mtt_cell_volume(ds->cell + 9 * s)
                                                         : 0.0;
}

void mtt_batch_counts(const mtt_dataset *ds, const size_t *idx, size_t n, int forces,
                      double counts[3])
{
    size_t atoms = 0, periodic = 0;
    for (size_t i = 0; i < n; ++i) {
        atoms += (size_t)(ds->atom_start[idx[i] + 1] - ds->atom_start[idx[i]]);
        periodic += mtt_batch_volume(ds, idx[i]) > 0;
    }
    counts[0] = (double)n;
    counts[1] = forces ? 3.0 * (double)atoms : 0.0;
    counts[2] = 9.0 * (double)periodic;
}

mtt_status mtt_batch_load(mtt_batch *b, mtt_feature_cache *c, const mtt_sbp_model *m,
                          const size_t *idx, size_t n, mtt_error *err)
{
    const mtt_dataset *ds = c->ds;
    MTT_RETURN_ERROR_IF(n > b->cap_structures, err, MTT_ERR_INTERNAL,
                        "batch of %zu structures exceeds its capacity %zu", n,
                        b->cap_structures);
    size_t atoms = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t s = idx[i];
        b->idx[i] = s;
        b->n_atoms_of[i] = (int32_t)(ds->atom_start[s + 1] - ds->atom_start[s]);
        atoms += (size_t)b->n_atoms_of[i];
    }
    MTT_RETURN_ERROR_IF(atoms > b->cap_atoms, err, MTT_ERR_INTERNAL,
                        "batch of %zu atoms exceeds its capacity %zu", atoms, b->cap_atoms);
    b->n = n;
    b->n_atoms = atoms;
    MTT_FORWARD_IF_ERROR(mtt_feature_cache_batch(c, m, idx, n, b->f, err));
    size_t a = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t s = idx[i];
        /* the dataset's volume (the same number as the features'): the step's
         * periodic structures are then by construction those the epoch plan
         * counted (mtt_batch_counts) */
        b->volume[i] = mtt_batch_volume(ds, s);
        b->energy_ref[i] = ds->has_energy ? ds->energy[s] : 0.0;
        size_t na = (size_t)b->n_atoms_of[i];
        if (ds->has_forces)
            memcpy(b->forces_ref + 3 * a, ds->forces + 3 * ds->atom_start[s],
                   3 * na * sizeof(double));
        a += na;
    }
    return MTT_OK;
}

mtt_status mtt_batch_predict(mtt_batch *b, const mtt_sbp_model *m, const double *params,
                             mtt_sbp_work *w, int want_forces, int want_deps, mtt_error *err)
{
    if (b->n == 0) return MTT_OK;
    return mtt_sbp_predict(m, params, b->f, b->n, w, b->energy, want_forces ? b->forces : NULL,
                           want_deps ? b->deps : NULL, err);
}
