/* trainer_batch.h — one batch of structures with every buffer a step or an
 * evaluation needs, sized once for the largest batch (no allocation later).
 *
 * A batch is a list of structure indices of one shard (mtt_dataset) with
 * their features (from the descriptor cache), reference values gathered
 * from the dataset, and the model's predictions.  Per-atom arrays hold the
 * atoms of the batch's structures in batch order (3 doubles per atom).
 * Units are the data's: energy E, forces E/Å, stress E/Å³, virial E;
 * the loss buffers (y, f, s and their gradients) are in network units,
 * i.e. divided by the scale σ (docs/design.md §7).
 */
#ifndef MTT_TRAIN_TRAINER_BATCH_H
#define MTT_TRAIN_TRAINER_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "model/soap_bpnn.h"
#include "train/feature_cache.h"
#include "util/status.h"

typedef struct mtt_batch {
    size_t cap_structures, cap_atoms;  /* capacities */
    size_t n;                   /* structures in the batch */
    size_t n_atoms;             /* atoms in the batch */
    size_t *idx;                /* structure indices in the shard */
    mtt_sbp_features **f;       /* their features */
    int32_t *n_atoms_of;        /* atoms per structure */
    double *volume;             /* Å³ per structure, 0: not periodic */
    double *energy, *energy_ref;    /* E per structure */
    double *forces, *forces_ref;    /* E/Å, 3 per atom */
    double *deps;               /* ∂E/∂ε, 9 per structure */
    double *tensor, *tensor_ref;    /* stress or virial of periodic structures, 9 each */
    /* loss work (network units) */
    double *y, *y_ref, *dy;     /* per structure */
    double *fs, *fs_ref, *dfs;  /* 3 per atom */
    double *dts;                /* 9 per structure */
    double *dL_dE, *dL_dF, *dL_dDeps;  /* what mtt_sbp_backward takes */
} mtt_batch;

mtt_status mtt_batch_create(mtt_batch *b, size_t cap_structures, size_t cap_atoms,
                            mtt_error *err);
void mtt_batch_free(mtt_batch *b);

/* Most atoms any batch_size structures of ds can hold (the sum of the
 * batch_size largest). */
size_t mtt_batch_max_atoms(const mtt_dataset *ds, size_t batch_size);

/* Volume of structure s, Å³, as the model's features have it: 0 unless the
 * structure is periodic along all three lattice vectors. */
double mtt_batch_volume(const mtt_dataset *ds, size_t s);

/* What the loss of structures idx[0..n) of ds is normalised by, before any
 * feature exists: [structures, force components (3 per atom; 0 when forces
 * are not trained), stress entries (9 per periodic structure)]. */
void mtt_batch_counts(const mtt_dataset *ds, const size_t *idx, size_t n, int forces,
                      double counts[3]);

/* Select structures idx[0..n) of the cache's dataset: features, atom counts,
 * volumes, and the reference energies and forces when the dataset has them. */
mtt_status mtt_batch_load(mtt_batch *b, mtt_feature_cache *c, const mtt_sbp_model *m,
                          const size_t *idx, size_t n, mtt_error *err);

/* Predict energies (and forces, ∂E/∂ε when asked) of the loaded batch. */
mtt_status mtt_batch_predict(mtt_batch *b, const mtt_sbp_model *m, const double *params,
                             mtt_sbp_work *w, int want_forces, int want_deps, mtt_error *err);

#endif
