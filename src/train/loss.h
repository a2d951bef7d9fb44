/* loss.h — MSE / MAE / Huber losses with their gradients, the energy+force
 * batch loss, and RMSE/MAE metric accumulators.
 *
 * Pointwise losses of a residual d = prediction - target (PyTorch's
 * MSELoss, L1Loss, HuberLoss(delta)):
 *     mse:   rho(d) = d^2                      rho'(d) = 2 d
 *     mae:   rho(d) = |d|                      rho'(d) = sign(d), 0 at d = 0 (as torch)
 *     huber: rho(d) = d^2 / 2      if |d| < delta    rho'(d) = clamp(d, -delta, delta)
 *                   = delta (|d| - delta/2)  otherwise
 * Mean reduction: L = (1/n) sum_i rho(d_i).
 *
 * Ranks: a batch split over ranks still has one global mean.  Every function
 * here takes the GLOBAL count (the denominator of the mean) separately from
 * the local entries, and returns the local share of the sum: summing the
 * returned values over ranks gives the global loss and summing the parameter
 * gradients over ranks gives its exact gradient.  Serially, pass count = n.
 *
 * Energy + force loss of one batch, in network units (the reference's
 * y = (E - baseline)/scale, one value per structure, N_s atoms):
 *     L = w_E (1/S) sum_s rho_E((y_s - y_ref_s)/N_s)
 *       + w_F (1/C) sum_c rho_F(f_c - f_ref_c)
 * S = structures in the batch, C = force components in the batch (3 x atoms).
 * With mse for both this is the reference's
 *     mean(((y - y_ref)/N)^2) + w_F mean((dy/dr - dy/dr_ref)^2).
 * f may be forces or dy/dr: rho is even, so the value is the same, and the
 * gradient is returned with respect to whatever was passed.
 *
 * Metrics: an accumulator is three doubles (sum of squares, sum of |.|,
 * count); an array of k of them is 3k contiguous doubles, so the caller
 * sums them over ranks with one allreduce and then finalises.
 * No allocation anywhere; cost O(n).
 */
#ifndef MTT_TRAIN_LOSS_H
#define MTT_TRAIN_LOSS_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef enum mtt_loss_kind {
    MTT_LOSS_MSE = 0,
    MTT_LOSS_MAE = 1,
    MTT_LOSS_HUBER = 2,
    MTT_LOSS_KIND_COUNT
} mtt_loss_kind;

typedef struct mtt_loss_fn {
    mtt_loss_kind kind;
    double delta; /* huber threshold (units of the residual); unused otherwise */
} mtt_loss_fn;

/* metatrain's names: "mse", "mae", "huber". */
const char *mtt_loss_kind_name(mtt_loss_kind kind);
/* Name -> kind; returns 0 when the name is unknown, 1 otherwise. */
int mtt_loss_kind_from_name(const char *name, mtt_loss_kind *kind);

/* rho(d) of one residual; *drho (may be NULL) receives rho'(d). */
double mtt_loss_point(const mtt_loss_fn *fn, double d, double *drho);

/* Local share of a mean loss over `count` entries (count > 0, the global
 * number), of which these n are local:
 *     returns (1/count) sum_{i<n} rho(pred_i - target_i)
 * and, when grad != NULL, sets grad_i = weight * (1/count) rho'(pred_i - target_i)
 * (overwritten).  With count = n, weight = 1 this is PyTorch's loss and
 * its gradient. */
double mtt_loss_mean(const mtt_loss_fn *fn, size_t n, const double *pred, const double *target,
                     double count, double weight, double *grad);

typedef struct mtt_loss_ef_config {
    mtt_loss_fn energy;   /* rho_E, on per-atom energies */
    mtt_loss_fn force;    /* rho_F, on force components */
    double energy_weight; /* w_E (metatrain default 1) */
    double force_weight;  /* w_F (metatrain default 1) */
} mtt_loss_ef_config;

/* One rank's part of a batch (all arrays local). */
typedef struct mtt_loss_ef_batch {
    size_t n_structures;
    const int32_t *n_atoms;   /* atoms per structure, > 0 */
    const double *y;          /* predicted structure energies (network units) */
    const double *y_ref;      /* target structure energies (network units) */
    size_t n_components;      /* local force components, 3 x local atoms; 0: no forces */
    const double *f;          /* predicted forces or dy/dr (network units / length) */
    const double *f_ref;      /* targets of the same kind */
    double n_structures_total; /* S: structures in the whole batch, all ranks */
    double n_components_total; /* C: force components in the whole batch, all ranks */
} mtt_loss_ef_batch;

/* Local share of the energy+force loss (see the header comment).
 * terms[0] = w_E x energy part, terms[1] = w_F x force part (local shares),
 * *loss = terms[0] + terms[1].  dy (n_structures) and df (n_components)
 * receive dL/dy and dL/df (either may be NULL).  Returns MTT_ERR_INTERNAL
 * for non-positive atom counts or totals smaller than the local counts. */
mtt_status mtt_loss_energy_force(const mtt_loss_ef_config *cfg, const mtt_loss_ef_batch *b,
                                 double *loss, double terms[2], double *dy, double *df,
                                 mtt_error *err);

typedef struct mtt_metric_acc {
    double sum_sq;  /* sum of squared errors (units^2) */
    double sum_abs; /* sum of absolute errors (units) */
    double count;   /* number of errors added */
} mtt_metric_acc;

#define MTT_METRIC_ACC_DOUBLES 3 /* doubles per accumulator, for the allreduce */

void mtt_metric_acc_clear(mtt_metric_acc *a);
/* Add the errors pred_i - ref_i; with n_atoms != NULL each error is divided
 * by n_atoms[i] first (per-atom energies). */
void mtt_metric_acc_add(mtt_metric_acc *a, size_t n, const double *pred, const double *ref,
                        const int32_t *n_atoms);
/* sqrt(sum_sq / count) and sum_abs / count; NaN when count is 0. */
double mtt_metric_rmse(const mtt_metric_acc *a);
double mtt_metric_mae(const mtt_metric_acc *a);

#endif
