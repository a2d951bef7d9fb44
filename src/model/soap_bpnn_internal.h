/* soap_bpnn_internal.h — the batch workspace of soap_bpnn, shared by
 * soap_bpnn.c (double) and soap_bpnn_f32.c (base_precision: 32); not a
 * public header. */
#ifndef MTT_MODEL_SOAP_BPNN_INTERNAL_H
#define MTT_MODEL_SOAP_BPNN_INTERNAL_H

#include "model/soap_bpnn.h"

struct mtt_sbp_work {
    size_t max_atoms;
    size_t n_species;
    mtt_mlp_work **mlp;   /* one per species: keeps its forward state until backward */
    size_t *start;        /* n_species: first row of each species in P/G */
    size_t *count;        /* n_species: rows of each species in this batch */
    size_t *row;          /* max_atoms: batch atom (structure order) → species row */
    double *P;            /* max_atoms × D: descriptors, rows grouped by species (networks
                             without a layer norm only) */
    const double **rows;  /* max_atoms: with a layer norm, species row → its descriptor
                             where the features keep it (no copy into P) */
    double *G;            /* max_atoms × D: ∂y/∂p, then the tangent directions v */
    double *y;            /* max_atoms: network outputs (species rows) */
    double *a;            /* max_atoms: energy-loss weights (species rows) */
    double *wneg;         /* max_atoms × 3: −∂L/∂F */
    /* precision 32 only (P, G, y, a are then not allocated) */
    float *Pf, *Gf;       /* max_atoms × D (Pf as P) */
    const float **rows_f32; /* max_atoms, as rows */
    float *yf, *af;       /* max_atoms */
    float *params_f32;    /* n_params: float copy of the parameters of the last predict */
    float *grad_f32;      /* n_params: float parameter gradient of one backward */
    size_t n_params;
    double *soap_pass;    /* the SOAP half passes' buffer, lent to the batch's features
                             (mtt_soap_work_lend_pass); grown to the largest structure */
    size_t cap_soap_pass; /* doubles */
    double *soap_scratch; /* mtt_soap_scratch_size doubles, lent to the batch's features
                             (mtt_soap_work_lend_scratch): cached works drop their own */
    size_t cap_soap_scratch;
};

/* Group the batch's atoms by species: rows, starts, counts. */
mtt_status mtt_sbp_gather_rows_(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                mtt_sbp_work *w, mtt_error *err);

/* The precision-32 bodies of mtt_sbp_predict and mtt_sbp_backward. */
mtt_status mtt_sbp_predict_f32_(const mtt_sbp_model *m, const double *params,
                                mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                                double *energy, double *forces, double *dE_deps, mtt_error *err);
mtt_status mtt_sbp_backward_f32_(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                 mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                 const double *dL_dDeps, double *grad, mtt_error *err);

#endif
