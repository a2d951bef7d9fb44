/* soap.h — SOAP power spectrum per atom with analytic gradients.
 *
 * Conventions (docs/design.md §7, docs/math.md §1–3; identical to the PyTorch reference so
 * numbers compare exactly; details in docs/soap.md):
 *   c^a_nlm(i) = Σ_{j: s_j = a} f_c(r_ij) R_nl(r_ij) Y_lm(r̂_ij)      (radial.h, sph.h)
 *   p_{k1 k2 l}(i) = (2l+1)^{-1/2} Σ_m c_{k1 lm}(i) c_{k2 lm}(i),  k = a·N + n,  k1 ≤ k2
 *   feature index = pair(k1,k2)·(L+1) + l, pairs k1 ≤ k2 in row-major order;
 *   D = K(K+1)/2 · (L+1), K = n_species·N, N = max_radial+1, L = max_angular.
 * Species are indices into the sorted list of atomic numbers given at creation
 * (all species of the dataset), so every structure has the same D.
 * Units: positions Å; c in Å^-3/2; p in Å^-3; gradients per Å.
 *
 * Usage (one mtt_soap shared read-only, one mtt_soap_work per thread):
 *   mtt_soap_compute()  → p (and keeps c, and optionally ∂φ/∂r per pair, in work)
 *   mtt_soap_forces()   → forces and ∂E/∂ε from g = ∂E/∂p without any D×3 Jacobian
 *   mtt_soap_tangent()  → ṗ along per-atom displacements w (force-loss training)
 *   mtt_soap_jacobian() → dense dp_i/dr_k (tests, small structures only)
 * The last three use the neighbour list, species and c of the preceding
 * mtt_soap_compute() on the same work.  Cost per atom: O(pairs·N·(L+1)²) for the
 * expansion and its gradient, O(K²·(L+1)²) for p, its backward and its tangent.
 */
#ifndef MTT_MODEL_SOAP_H
#define MTT_MODEL_SOAP_H

#include <stddef.h>

#include "model/neighbors.h"
#include "model/radial.h"
#include "util/arena.h"
#include "util/status.h"

typedef struct mtt_soap_params {
    double cutoff;        /* r_c, Å */
    double width;         /* cutoff smoothing width w, Å */
    int max_radial;       /* n = 0..max_radial */
    int max_angular;      /* l = 0..max_angular (≤ 20) */
    int n_species;
    const int *species;   /* n_species atomic numbers, strictly increasing (copied) */
    double grid_spacing;  /* Å; > 0: tabulate f_c·R_nl (fast path), 0: exact */
} mtt_soap_params;

/* Default radial table spacing (Å): see docs/soap.md for its accuracy. */
#define MTT_SOAP_DEFAULT_GRID 0.002

typedef struct mtt_soap {
    double cutoff, width;  /* Å */
    int n_species;
    int *species;          /* sorted atomic numbers */
    int N, L, K;           /* radial count, max l, channels n_species·N */
    int NP;                /* N rounded up to a multiple of 4: the radial stride of the
                              pair factors and of the pair-order vectors (soap_internal.h) */
    int LM;                /* (L+1)² */
    int NC;                /* K·LM: coefficients per atom */
    size_t dim;            /* D */
    double *alpha;         /* L+1: (2l+1)^-1/2 */
    double *ylm_k;         /* LM: spherical-harmonic prefactors */
    mtt_radial radial;
} mtt_soap;

/* Per-thread workspace; grows once, reused.  Zero it with mtt_soap_work_init. */
typedef struct mtt_soap_work {
    const mtt_nlist *nl;   /* list of the last compute (borrowed) */
    const int *species_index; /* borrowed from the last compute */
    int n_atoms;
    size_t cap_c, cap_fac; /* capacities in doubles */
    double *c;             /* n_atoms × NC, layout [l][k][m]: K·l² + k(2l+1) + m+l */
    int stored;            /* the position derivatives are stored: 0 no (recomputed per
                              pair), 1 pair gradients in fac, 2 in fac32
                              (MTT_SOAP_STORE_GRAD_F32), 3 a dense Jacobian in jac,
                              4 in jac32 (mtt_soap_dense_build; c and fac dropped) */
    double *fac;           /* n_pairs (n_half when half) × mtt_soap_pair_gradient_size()
                              when stored: each pair's ∂φ/∂r_ij in factored form
                              (soap_internal.h) */
    float *fac32;          /* the same, rounded to float */
    size_t cap_fac32;      /* capacity in floats */
    float *c32;            /* with fac32: c rounded to float, for the float passes */
    size_t cap_c32;        /* capacity in floats */
    double *scratch;       /* per-call scratch (phi, radial, Y, ∇Y, ḡ/ċ, ṗ), own */
    size_t cap_scratch;
    double *scratch_lent;  /* the same lent by the caller (mtt_soap_work_lend_scratch) */
    size_t cap_scratch_lent;
    double *jac;           /* stored 3: n·D rows of 3n + 9 (soap_dense.c) */
    float *jac32;          /* stored 4: the same in float */
    size_t cap_jac, cap_jac32;
    double *dense_acc;     /* 3n + 9: the dense passes' accumulator */
    int half;              /* MTT_SOAP_HALF_PAIRS took effect: the stored factors and the
                              passes cover the pairs of half_pair only (soap_half.c) */
    size_t n_half, cap_half;
    size_t *half_pair;     /* n_half: the kept direction q of each pair i↔j, in list order */
    int *half_centre;      /* n_half: its centre i */
    double *pass;          /* the half passes' per-atom ḡ or ċ (mtt_soap_pass_size), own */
    size_t cap_pass;       /* capacity in doubles */
    double *pass_lent;     /* the same lent by the caller (mtt_soap_work_lend_pass), or NULL */
    size_t cap_pass_lent;
    int in_arena;          /* c, c32, fac, fac32, jac, jac32 live in an arena
                              (mtt_soap_work_move_to_arena), not in the work */
} mtt_soap_work;

/* Flags for mtt_soap_compute.  STORE_GRAD keeps each pair's gradient
 * ∂φ/∂r_ij in a factored form (radial factors, Y_lm, ∇𝒴_lm, û: 311 doubles
 * per pair for N = 8, L = 6, against 1176 expanded), so later passes do
 * not recompute it; STORE_GRAD_F32 keeps those factors and a copy of c
 * rounded to float (computed in double), and the force and tangent passes
 * then run in float with double accumulation (base_precision: 32). */
enum { MTT_SOAP_STORE_GRAD = 1, MTT_SOAP_STORE_GRAD_F32 = 2, MTT_SOAP_HALF_PAIRS = 4 };
/* MTT_SOAP_HALF_PAIRS, for a full list as mtt_nlist_build makes it (each
 * i→j with its j→i): the stored factors and the force and tangent passes
 * cover one direction of each pair i↔j, the other following from
 * φ_nlm(−r) = (−1)^l φ_nlm(r) (soap_half.c): half the stored values and
 * about half the per-pair work.  The passes then need n_atoms ×
 * mtt_soap_pass_size() doubles, grown in the work on first use or lent by
 * the caller.  A list that is not symmetric (an MD domain whose ghost
 * centres were dropped) is detected, and then both directions are kept. */

/* Values stored per pair by MTT_SOAP_STORE_GRAD(_F32): 2·N·(L+1) + 4·(L+1)² + 3. */
size_t mtt_soap_pair_gradient_size(const mtt_soap *soap);

/* Doubles the passes of a MTT_SOAP_HALF_PAIRS work of n_atoms need. */
size_t mtt_soap_pass_size(const mtt_soap *soap, int n_atoms);
/* Lend w a buffer of cap doubles for those passes (one per thread, shared by
 * the works it serves in turn), so the works do not grow their own; NULL
 * takes it back. */
void mtt_soap_work_lend_pass(mtt_soap_work *w, double *buffer, size_t cap);

/* Doubles of a work's per-call scratch (soap_scratch.c).  Lend w one of at
 * least that many (shared by the works served in turn; NULL takes it back;
 * mtt_soap_compute takes it back when it ends), or drop w's own: a work
 * without either grows its own again on its next call. */
size_t mtt_soap_scratch_size(const mtt_soap *soap);
void mtt_soap_work_lend_scratch(mtt_soap_work *w, double *buffer, size_t cap);
void mtt_soap_work_drop_scratch(mtt_soap_work *w);

/* The forms the position derivatives of one structure's descriptors can be
 * kept in, and the values each takes (docs/performance.md, "Descriptor
 * path"): the factored pair gradients mtt stores and the expanded pair
 * gradients ∂φ/∂r_ij (N·(L+1)²·3 per pair), both for one direction of each
 * pair i↔j (MTT_SOAP_HALF_PAIRS), the per-pair descriptor
 * gradients ∂p_i/∂r_ij (3·D per pair) and a dense per-structure Jacobian
 * (n·D·(3n + 9), positions and strain; mtt keeps it for small cells,
 * mtt_soap_prefers_dense).  Recomputing on the fly keeps none of them. */
enum { MTT_SOAP_FORM_FACTORED, MTT_SOAP_FORM_EXPANDED, MTT_SOAP_FORM_DESCRIPTOR,
       MTT_SOAP_FORM_DENSE, MTT_SOAP_FORMS };
/* values[form] for the pairs of nl within the cutoff and its n_atoms. */
void mtt_soap_gradient_forms(const mtt_soap *soap, const mtt_nlist *nl, double values[MTT_SOAP_FORMS]);

mtt_status mtt_soap_create(mtt_soap **out, const mtt_soap_params *params, mtt_error *err);
void mtt_soap_free(mtt_soap *soap);
size_t mtt_soap_dim(const mtt_soap *soap);
/* Index of atomic number z in the species list, or -1. */
int mtt_soap_species_index(const mtt_soap *soap, int z);
/* Feature index of (k1 ≤ k2, l). */
size_t mtt_soap_feature(const mtt_soap *soap, int k1, int k2, int l);

void mtt_soap_work_init(mtt_soap_work *w);
void mtt_soap_work_free(mtt_soap_work *w);
/* Move what a compute stored (coefficients, pair factors or dense Jacobian)
 * into one block of the arena, which then owns it (util/arena.h: 2 MiB
 * pages for data streamed at every epoch); the work keeps the rest.  A
 * later compute on w allocates anew.  Returns 0 and leaves w as it was when
 * the arena has no memory. */
int mtt_soap_work_move_to_arena(mtt_soap_work *w, mtt_arena *arena);

/* Power spectrum p (n_atoms × D; may be NULL to get only c) for the pairs of nl.
 * species_index: n_atoms indices into the species list.  With
 * MTT_SOAP_STORE_GRAD, ∂φ/∂r of every pair is kept (factored,
 * mtt_soap_pair_gradient_size() doubles per pair) so later calls do not
 * recompute it; with MTT_SOAP_STORE_GRAD_F32 it is kept as floats instead.
 * Pairs with r ≥ cutoff are ignored. */
mtt_status mtt_soap_compute(const mtt_soap *soap, const mtt_nlist *nl, const int *species_index,
                            double *p, mtt_soap_work *w, int flags, mtt_error *err);

/* After a compute on w: p of its atoms (n_atoms × D) computed in double and
 * rounded to float (base_precision: 32 keeps only this copy). */
void mtt_soap_power_spectrum_f32(const mtt_soap *soap, mtt_soap_work *w, float *p);

/* After a compute with MTT_SOAP_STORE_GRAD_F32 (and the float power
 * spectrum, which reads it): free the double c, which the float passes do
 * not read, so a cached float structure keeps only float data besides its
 * neighbour list.  The dense Jacobian then refuses to run. */
void mtt_soap_work_drop_double(mtt_soap_work *w);

/* Given g = ∂E/∂p (n_atoms × D): forces F_k = -∂E/∂r_k (n_atoms × 3, overwritten)
 * and, if dE_deps != NULL, the strain derivative ∂E/∂ε_ab = Σ_pairs (∂E/∂r_ij)_a (r_ij)_b
 * (3×3, overwritten; positions and cell deformed as r → (1+ε) r).  The virial
 * in the usual sign convention is -∂E/∂ε; the stress is (1/V) ∂E/∂ε. */
mtt_status mtt_soap_forces(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                           double *forces, double *dE_deps, mtt_error *err);

/* mtt_soap_forces plus, when atom_dE_deps != NULL, a per-atom split of
 * ∂E/∂ε (n_atoms × 9, overwritten): each pair term f_a (r_ij)_b goes half to
 * i and half to j, so the atoms' matrices sum to dE_deps (MD engines' per-atom
 * virial: compute stress/atom). */
mtt_status mtt_soap_forces_virial(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                                  double *forces, double *dE_deps, double *atom_dE_deps,
                                  mtt_error *err);

/* Tangent: ṗ_i = Σ_k (∂p_i/∂r_k) w_k for per-atom vectors w (n_atoms × 3);
 * pdot n_atoms × D (overwritten). */
mtt_status mtt_soap_tangent(const mtt_soap *soap, const double *wvec, mtt_soap_work *w,
                            double *pdot, mtt_error *err);
/* Tangent along per-atom displacements w (n_atoms × 3, or NULL) plus a
 * homogeneous strain ε (3×3 row-major, or NULL; every pair vector moves by
 * ε r_ij, as when positions and cell are deformed by (1 + ε)):
 * ṗ_i = Σ_k (∂p_i/∂r_k) w_k + Σ_ab (∂p_i/∂ε_ab) ε_ab.  Stress training needs
 * the strain part, force training the displacement part. */
mtt_status mtt_soap_tangent_strain(const mtt_soap *soap, const double *wvec, const double *strain,
                                   mtt_soap_work *w, double *pdot, mtt_error *err);

/* mtt_soap_forces from g = scale · G_r with the double rows G_r at g + r·D,
 * r = rows[i] for atom i (the network's species-grouped rows, read in
 * place), and mtt_soap_tangent_strain into out + rows[i]·D = scale · ṗ_i:
 * the same numbers as scaling into a structure-ordered copy first (the
 * products are rounded in the same order).  For workspaces of double
 * position derivatives. */
mtt_status mtt_soap_forces_rows(const mtt_soap *soap, const double *g, const size_t *rows,
                                double scale, mtt_soap_work *w, double *forces,
                                double *dE_deps, mtt_error *err);
mtt_status mtt_soap_tangent_strain_rows(const mtt_soap *soap, const double *wvec,
                                        const double *strain, mtt_soap_work *w, double *out,
                                        const size_t *rows, double scale, mtt_error *err);

/* base_precision 32, for a workspace computed with MTT_SOAP_STORE_GRAD_F32:
 * mtt_soap_forces from g = scale · G_r, the float rows G_r at g + r·D with
 * r = rows[i] for atom i (the network's species-grouped rows, read in place:
 * no widened copy), and mtt_soap_tangent_strain into float rows,
 * out + rows[i]·D = (float)(scale · ṗ_i). */
mtt_status mtt_soap_forces_f32(const mtt_soap *soap, const float *g, const size_t *rows,
                               double scale, mtt_soap_work *w, double *forces, double *dE_deps,
                               mtt_error *err);
mtt_status mtt_soap_tangent_strain_f32(const mtt_soap *soap, const double *wvec,
                                       const double *strain, mtt_soap_work *w, float *out,
                                       const size_t *rows, double scale, mtt_error *err);

/* Small cells: 1 when a dense Jacobian of the structure's descriptors
 * (n·D·(3n + 9) values: positions and strain) is smaller than its factored
 * pair gradients over both directions (twice what MTT_SOAP_HALF_PAIRS
 * stores: its passes are cheaper per value, soap_dense.c).
 * mtt_soap_dense_build then replaces the stored double pair gradients of a
 * compute (MTT_SOAP_STORE_GRAD) with it, as doubles or (store32) floats, and
 * frees the pair gradients and the coefficients: the force and tangent
 * passes (double or float rows alike) then read it (soap_dense.c).  The
 * per-atom virial split of mtt_soap_forces_virial is not available from it. */
int mtt_soap_prefers_dense(const mtt_soap *soap, const mtt_nlist *nl);
mtt_status mtt_soap_dense_build(const mtt_soap *soap, mtt_soap_work *w, int store32,
                                mtt_error *err);

/* Dense Jacobian jac[((i·D + d)·n_atoms + k)·3 + x] = ∂p_i,d/∂r_k,x (the layout
 * of soap_dump.py); O(n²·D) memory: for tests and small structures. */
mtt_status mtt_soap_jacobian(const mtt_soap *soap, mtt_soap_work *w, double *jac, mtt_error *err);

#endif
