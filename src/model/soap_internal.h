/* soap_internal.h — helpers shared by soap.c and soap_grad.c (not a public API). */
#ifndef MTT_MODEL_SOAP_INTERNAL_H
#define MTT_MODEL_SOAP_INTERNAL_H

#include "model/soap.h"

/* Scratch pointers carved out of mtt_soap_work.scratch. */
typedef struct soap_scratch {
    double *g, *dg;   /* N·(L+1): radial g_nl, g'_nl ([l][n]) */
    double *y, *dy;   /* LM, 3·LM: Y_lm, ∇𝒴_lm */
    double *phi;      /* N·LM: φ_nlm of one pair ([n][lm]) */
    double *dphi;     /* N·LM·3: ∂φ/∂r_ij of one pair (when not stored) */
    double *vec;      /* NC: ḡ(i) or ċ(i) */
    double *pdot;     /* D */
    double *kk1, *kk2; /* K×K each: the per-l matrices of the backward and tangent */
    double *vp;       /* NC: ḡ or ċ in pair-gradient order [species][n][lm] */
    double *wide;     /* 2·NC: room for 3·NC floats, ḡ or ċ with each value per xyz
                         (soap_grad_f32.c) */
} soap_scratch;

void mtt_soap_scratch_(const mtt_soap *soap, mtt_soap_work *w, soap_scratch *s);

/* φ (and ∂φ/∂r_ij when dphi != NULL) of the pair vector rij with length r. */
void mtt_soap_pair_(const mtt_soap *soap, const double *rij, double r, soap_scratch *s,
                    double *phi, double *dphi);

/* ∂φ/∂r for pair q of the last compute: stored, or recomputed into s->dphi. */
const double *mtt_soap_pair_grad_(const mtt_soap *soap, mtt_soap_work *w, size_t q, soap_scratch *s);

/* ṗ = α_l Σ_m (ċ_{k1} c_{k2} + c_{k1} ċ_{k2}) for one atom (D values, overwritten). */
void mtt_soap_pdot_(const mtt_soap *soap, const double *c, const double *cdot, double *pdot,
                    soap_scratch *s);

/* The float passes of work computed with MTT_SOAP_STORE_GRAD_F32
 * (soap_grad_f32.c); same contracts as mtt_soap_forces and
 * mtt_soap_tangent_strain, after their checks. */
void mtt_soap_forces_f32_(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                          double *forces, double *dE_deps);
void mtt_soap_tangent_strain_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                  mtt_soap_work *w, double *pdot);

#endif
