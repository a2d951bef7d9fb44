/* soap_internal.h — helpers shared by soap.c and soap_grad.c (not a public API). */
#ifndef MTT_MODEL_SOAP_INTERNAL_H
#define MTT_MODEL_SOAP_INTERNAL_H

#include "model/soap.h"
#include "util/vector.h"

/* Scratch pointers carved out of mtt_soap_work.scratch. */
typedef struct soap_scratch {
    double *g, *dg;   /* N·(L+1): radial g_nl, g'_nl ([l][n]) */
    double *y, *dy;   /* LM, 3·LM: Y_lm, ∇𝒴_lm */
    double *phi;      /* N·LM: φ_nlm of one pair ([n][lm]) */
    double *dphi;     /* N·LM·3: ∂φ/∂r_ij of one pair (when not stored) */
    double *vec;      /* NC: ḡ(i) or ċ(i) */
    double *pdot;     /* D */
    double *kk1;      /* MTT_SOAP_KK_SIZE: the per-l matrices of the backward (Ĝ) or of the
                       * tangent (M), with MTT_SOAP_PACK_VECTORS all L+1 of them and the
                       * pair-major copy [k1][k2][8 l-lanes] (soap_grad_impl.h) */
    double *vp;       /* MTT_SOAP_PAIR_ORDER_SIZE: ḡ or ċ in pair order [lm][species][NP] */
    double *fac;      /* MTT_SOAP_FAC_SIZE: the factors of one recomputed pair */
    double *ab;       /* 2·LM: Y·(û·δ) and ∇𝒴·δ of one pair (tangent) */
} soap_scratch;

/* The factored gradient of one pair (docs/math.md §1):
 *   ∂φ_nlm/∂r_ij = a_nl Y_lm û + b_nl ∇𝒴_lm,  a_nl = g'_nl − l g_nl/r,  b_nl = g_nl/r,
 * stored as [a (NP·(L+1), [l][n]) | b (same) | Y (LM) | ∇𝒴 (3·LM, [lm][xyz]) | û (3)]:
 * 2·NP·(L+1) + 4·(L+1)² + 3 values, against N·(L+1)²·3 for the expanded
 * gradient (311 vs 1176 for N = 8, L = 6).  The radial index runs to NP, N
 * rounded up to a multiple of 4, with zeros past N: the passes work on
 * blocks of 8 and 4 radial channels (one vector register each). */
#define MTT_SOAP_FAC_A(s) ((size_t)0)
#define MTT_SOAP_FAC_B(s) ((size_t)(s)->NP * ((s)->L + 1))
#define MTT_SOAP_FAC_Y(s) (2 * (size_t)(s)->NP * ((s)->L + 1))
#define MTT_SOAP_FAC_DY(s) (MTT_SOAP_FAC_Y(s) + (size_t)(s)->LM)
#define MTT_SOAP_FAC_U(s) (MTT_SOAP_FAC_Y(s) + 4 * (size_t)(s)->LM)

/* ḡ or ċ of one atom in pair order [lm][species][n], n padded to NP with
 * zeros (soap_grad_impl.h). */
#define MTT_SOAP_PAIR_ORDER_SIZE(s) ((size_t)(s)->n_species * (s)->LM * (s)->NP)

#define MTT_SOAP_FAC_SIZE(s) (MTT_SOAP_FAC_U(s) + 3)

/* The double passes move between g or ṗ (pairs k1 ≤ k2, the L + 1 values of
 * a pair contiguous) and the per-l K×K matrices with 8×8 transposes in
 * vector registers when K is 8, 16, 24 or 32 and L + 1 ≤ 8 (soap_grad_impl.h). */
#define MTT_SOAP_PACK_VECTORS(s) ((s)->K % 8 == 0 && (s)->K >= 16 && (s)->K <= 32 && (s)->L + 1 <= 8)
#define MTT_SOAP_KK_SIZE(s)                                                          \
    (MTT_SOAP_PACK_VECTORS(s) ? (size_t)(s)->K * (s)->K * ((s)->L + 1 + 8)        \
                              : (size_t)(s)->K * (s)->K)

/* The scratch pointers of the next call (soap_scratch.c), after
 * mtt_soap_scratch_ready_ made sure there is one. */
mtt_status mtt_soap_scratch_ready_(const mtt_soap *soap, mtt_soap_work *w, mtt_error *err);
void mtt_soap_scratch_(const mtt_soap *soap, mtt_soap_work *w, soap_scratch *s);

/* φ (and the factored ∂φ/∂r_ij when fac != NULL) of the pair vector rij
 * with length r. */
void mtt_soap_pair_(const mtt_soap *soap, const double *rij, double r, soap_scratch *s,
                    double *phi, double *fac);

/* The factors of pair q of the last compute, the h-th stored (h = q
 * unless w->half): stored (double), or recomputed into s->fac. */
const double *mtt_soap_pair_factors_(const mtt_soap *soap, mtt_soap_work *w, size_t h, size_t q,
                                     soap_scratch *s);

/* soap_half.c: whether the list keeps direction q (centre i) of its pair
 * i↔j; the kept directions of nl into w (w->half = 0 when nl is not
 * symmetric); the half passes' per-atom buffer (NULL when !w->half). */
int mtt_soap_pair_kept_(const mtt_nlist *nl, int i, size_t q);
mtt_status mtt_soap_half_build_(mtt_soap_work *w, const mtt_nlist *nl, mtt_error *err);
mtt_status mtt_soap_pass_buffer_(const mtt_soap *soap, mtt_soap_work *w, double **out,
                                 mtt_error *err);

/* The expanded ∂φ/∂r of pair q ([n][lm][xyz], N·LM·3), recomputed from the
 * list into s->dphi (the dense Jacobian of the tests). */
const double *mtt_soap_pair_grad_(const mtt_soap *soap, mtt_soap_work *w, size_t q, soap_scratch *s);

/* The float passes of work computed with MTT_SOAP_STORE_GRAD_F32
 * (soap_grad_f32.c); same contracts as mtt_soap_forces_virial and
 * mtt_soap_tangent_strain, after their checks; pass from
 * mtt_soap_pass_buffer_. */
void mtt_soap_forces_f32_(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                          double *forces, double *dE_deps, double *atom_dE_deps, double *pass);
void mtt_soap_tangent_strain_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                  mtt_soap_work *w, double *pdot, double *pass);
/* The passes over a dense Jacobian (stored 3 or 4, soap_dense.c): forces
 * and ∂E/∂ε from scale · g (double rows g + r·D, or float rows gf + r·D
 * when g is NULL, r = rows[i] or i); the tangent into double rows pdot, or
 * float rows (float)(scale · ṗ) at pf when pdot is NULL. */
void mtt_soap_dense_forces_(const mtt_soap *soap, mtt_soap_work *w, const double *g,
                            const float *gf, const size_t *rows, double scale, double *forces,
                            double *dE_deps);
void mtt_soap_dense_tangent_(const mtt_soap *soap, mtt_soap_work *w, const double *wvec,
                             const double *strain, double *pdot, float *pf, const size_t *rows,
                             double scale);

/* The same from and into float rows (mtt_soap_forces_f32, mtt_soap_tangent_strain_f32). */
void mtt_soap_forces_rows_f32_(const mtt_soap *soap, const float *g, const size_t *rows,
                               double scale, mtt_soap_work *w, double *forces, double *dE_deps,
                               double *pass);
void mtt_soap_tangent_rows_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                mtt_soap_work *w, float *out, const size_t *rows, double scale,
                                double *pass);

#endif
