/* soap_bpnn.h — the SOAP-BPNN model: descriptors → per-species networks →
 * energy, forces, strain derivative; and the parameter gradient of a loss on
 * energies and forces (docs/design.md §7, docs/math.md §5).
 *
 *   E = σ Σ_i y_{s_i}(p_i) + Σ_i b_{s_i}
 *   F_k = −∂E/∂r_k = −σ Σ_i (∂y_i/∂p_i)·(∂p_i/∂r_k)
 *   ∂E/∂ε (3×3) from the same pair terms; stress = (1/V) ∂E/∂ε, virial = −∂E/∂ε
 *
 * Work is split so that what never changes during training is computed once:
 *  - mtt_sbp_features: one structure's neighbour list, SOAP coefficients,
 *    per-pair gradients and power spectrum.  Computed once per structure and
 *    kept (the descriptor cache), or recomputed into a reused entry when the
 *    cache budget is exhausted.  Buffers only grow: recomputing into the same
 *    entry allocates nothing after the first time.
 *  - mtt_sbp_work: a batch workspace sized once for the largest batch; the
 *    atoms of each species across the batch are gathered into one matrix so
 *    each network layer is one GEMM per species.
 * Protocol per batch: mtt_sbp_predict (energies, optionally forces and
 * strain derivatives), then optionally mtt_sbp_backward with ∂L/∂E and ∂L/∂F
 * for the same batch, params and features (adds ∂L/∂params into grad).
 * Precision (cfg.precision, options base_precision): 64 runs everything in
 * double.  32 is mixed precision: the descriptors p and the per-pair
 * gradients are computed in double and stored as float, the networks run in
 * float (sgemm) on a float copy of the double parameters made by each
 * mtt_sbp_predict, and the float parameter gradient is added to the caller's
 * double grad (mtt_sbp_predict_floats / mtt_sbp_backward_floats take float
 * parameters and write a float gradient instead: a trainer that keeps them
 * in float); energy sums over atoms, the SOAP force/tangent contractions
 * and energies, forces and ∂E/∂ε stay double.  Relative errors are then a
 * few float epsilons (2^-24 ≈ 6e-8) times the conditioning of the network,
 * not of the sums.
 * Units: positions Å; energies in the data's unit; forces per Å.
 * Only the network parameters are trained; b (composition, per species) and
 * σ (scale) are fitted once before training and held in the model.
 */
#ifndef MTT_MODEL_SOAP_BPNN_H
#define MTT_MODEL_SOAP_BPNN_H

#include <stddef.h>

#include "model/mlp.h"
#include "model/mlp_pass.h"
#include "model/neighbors.h"
#include "model/soap.h"
#include "util/status.h"

typedef struct mtt_sbp_config {
    double cutoff, width;          /* Å */
    int max_radial, max_angular;
    int num_hidden_layers, num_neurons_per_layer, layernorm;
    size_t n_species;
    const int *species;            /* sorted atomic numbers (copied) */
    double grid_spacing;           /* radial table spacing Å (MTT_SOAP_DEFAULT_GRID), 0 = exact */
    int precision;                 /* 64 (or 0) double; 32 float networks and storage */
} mtt_sbp_config;

typedef struct mtt_sbp_model {
    mtt_soap *soap;
    mtt_mlp *mlp;
    size_t n_species;
    int *species;                  /* sorted Z */
    size_t dim;                    /* descriptor size D */
    size_t n_params;               /* trained parameters (the networks) */
    double *composition;           /* n_species: b_s, energy per atom of each species */
    double scale;                  /* σ, energy unit; 1 until fitted */
    int precision;                 /* 64 or 32 (see above) */
} mtt_sbp_model;

/* One structure (arrays borrowed). */
typedef struct mtt_structure {
    int n_atoms;
    const int *numbers;            /* Z */
    const double *positions;       /* Å, n_atoms × 3 */
    const double *cell;            /* Å, rows = lattice vectors, or NULL */
    const unsigned char *pbc;      /* 3 flags, or NULL (= not periodic) */
} mtt_structure;

typedef struct mtt_sbp_features {
    int n_atoms;
    int *species_index;            /* n_atoms, index into model->species */
    double *p;                     /* n_atoms × D (precision 64; NULL at 32) */
    float *p_f32;                  /* n_atoms × D (precision 32; NULL at 64) */
    mtt_nlist nl;
    mtt_soap_work sw;              /* keeps c and per-pair gradients for forces/tangent */
    double min_distance;           /* Å, shortest pair distance (∞ if no pair) */
    double volume;                 /* Å³ of the cell, 0 when not periodic in 3D */
    size_t dim;                    /* D of the model that computed p */
    size_t cap_atoms;
    int in_arena;                  /* p or p_f32 lives in an arena (mtt_sbp_features_move) */
} mtt_sbp_features;

typedef struct mtt_sbp_work mtt_sbp_work;

mtt_status mtt_sbp_create(const mtt_sbp_config *cfg, mtt_sbp_model **out, mtt_error *err);
void mtt_sbp_free(mtt_sbp_model *m);

/* Network initialisation (PyTorch's default Linear init), seeded. */
void mtt_sbp_init_params(const mtt_sbp_model *m, double *params, uint64_t seed);

void mtt_sbp_features_init(mtt_sbp_features *f);
void mtt_sbp_features_free(mtt_sbp_features *f);
/* Move f's descriptors and stored SOAP data into one arena (2 MiB pages,
 * util/arena.h), which then owns them: for features kept for a whole run
 * (the descriptor cache).  0 when the arena had no memory (f unchanged, or
 * only its SOAP data moved). */
int mtt_sbp_features_move(mtt_sbp_features *f, mtt_arena *arena);
/* As mtt_sbp_features_compute, with keep_gradients one of:
 *   MTT_SBP_KEEP_NONE      no pair gradients (precision 64: the force and
 *                          tangent passes recompute them per pair; for
 *                          features used once);
 *   MTT_SBP_KEEP_PAIRS     the factored pair gradients (what
 *                          mtt_sbp_features_compute keeps);
 *   MTT_SBP_KEEP_SMALLEST  for cells of a few atoms a dense Jacobian (where
 *                          mtt_soap_prefers_dense), built from the pair
 *                          gradients at a cost of 3n + 9 tangent passes, so
 *                          for features kept and used many times (the
 *                          training cache; soap.h, mtt_soap_prefers_dense). */
enum { MTT_SBP_KEEP_NONE = 0, MTT_SBP_KEEP_PAIRS = 1, MTT_SBP_KEEP_SMALLEST = 2 };
mtt_status mtt_sbp_features_compute_once(const mtt_sbp_model *m, const mtt_structure *s,
                                         mtt_sbp_features *f, int keep_gradients, mtt_error *err);
/* Compute (or recompute into f, reusing its buffers) the features of s.
 * An atomic number the model does not know → MTT_ERR_DATA naming it. */
mtt_status mtt_sbp_features_compute(const mtt_sbp_model *m, const mtt_structure *s,
                                    mtt_sbp_features *f, mtt_error *err);
/* For features kept unchanged from now on (the descriptor cache): free
 * what the passes no longer read (at precision 32, the double SOAP
 * coefficients) and the SOAP work's own scratch, which the batch workspace
 * lends from then on (a pass without one grows it again).  Features
 * recomputed into the same f would allocate these again, so scratch entries
 * are not trimmed. */
void mtt_sbp_features_trim(mtt_sbp_features *f);
/* Bytes f holds (for the cache budget). */
size_t mtt_sbp_features_bytes(const mtt_sbp_features *f);

/* Workspace for batches of at most max_atoms atoms in total. */
mtt_status mtt_sbp_work_create(const mtt_sbp_model *m, size_t max_atoms, mtt_sbp_work **out,
                               mtt_error *err);
void mtt_sbp_work_free(mtt_sbp_work *w);

/* Predict the batch f[0..n): energy[n]; forces (Σ atoms × 3, structures in
 * order) and dE_deps (n × 9) when not NULL. */
mtt_status mtt_sbp_predict(const mtt_sbp_model *m, const double *params,
                           mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                           double *energy, double *forces, double *dE_deps, mtt_error *err);

/* After mtt_sbp_predict on the same batch: the energy of every atom,
 * σ·y_i + b_{s_i} (Σ atoms, structures in order); they sum to energy[]. */
void mtt_sbp_atom_energies(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                           const mtt_sbp_work *w, double *atom_energy);

/* One structure, start to end: features and workspace are allocated for
 * this call only, so concurrent calls on one model (threads) are safe.
 * forces (n_atoms × 3), atom_energy (n_atoms) and dE_deps (9) may be NULL. */
mtt_status mtt_sbp_predict_one(const mtt_sbp_model *m, const double *params,
                               const mtt_structure *s, double *energy, double *forces,
                               double *atom_energy, double *dE_deps, mtt_error *err);

/* Features and workspace kept between single-structure predictions (one
 * per thread), so repeated calls (MD, libmtt) allocate and touch new
 * memory only when a structure is larger than any before.  Zero-initialise
 * with {0} and mtt_sbp_features_init(&f). */
typedef struct mtt_sbp_single {
    mtt_sbp_features f;
    mtt_sbp_work *work;
    size_t max_atoms;  /* what work was created for */
} mtt_sbp_single;

/* mtt_sbp_predict_one reusing w's buffers. */
mtt_status mtt_sbp_predict_single(const mtt_sbp_model *m, const double *params,
                                  const mtt_structure *s, mtt_sbp_single *w, double *energy,
                                  double *forces, double *atom_energy, double *dE_deps,
                                  mtt_error *err);
void mtt_sbp_single_free(mtt_sbp_single *w);

/* After mtt_sbp_predict on the same batch: grad += ∂L/∂params for a loss
 * with dL_dE[n] = ∂L/∂E_s, dL_dF (Σ atoms × 3) = ∂L/∂F_k (NULL: no force
 * term) and dL_dDeps (n × 9) = ∂L/∂(∂E/∂ε)_s (NULL: no stress term; for a
 * loss on the stress S = (1/V) ∂E/∂ε pass ∂L/∂S / V). */
mtt_status mtt_sbp_backward(const mtt_sbp_model *m, const double *params,
                            mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                            const double *dL_dE, const double *dL_dF, const double *dL_dDeps,
                            double *grad, mtt_error *err);

/* Precision 64: mtt_sbp_backward that SETS grad (n_params) to ∂L/∂params
 * instead of adding to it (no zeroing pass by the caller; the same values
 * as zeroing and adding). */
mtt_status mtt_sbp_backward_set(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                const double *dL_dDeps, double *grad, mtt_error *err);

/* Precision 32 only, for a caller that keeps the parameters (and Adam's
 * moments) in float, as a float32 torch model does: mtt_sbp_predict with
 * the float parameter vector params (n_params), and mtt_sbp_backward that
 * OVERWRITES grad (n_params floats, or NULL) with ∂L/∂params — no
 * conversion of either.  params must stay unchanged between the two calls.
 * Energies, forces and ∂E/∂ε are double, as in mtt_sbp_predict. */
mtt_status mtt_sbp_predict_floats(const mtt_sbp_model *m, const float *params,
                                  mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                                  double *energy, double *forces, double *dE_deps, mtt_error *err);
mtt_status mtt_sbp_backward_floats(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                   mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                   const double *dL_dDeps, float *grad, mtt_error *err);

#endif
