/* loss.c — pointwise losses, the energy+force batch loss and metric
 * accumulators; equations and the rank convention in loss.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "train/loss.h"

static const char *const kind_names[] = {"mse", "mae", "huber"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == MTT_LOSS_KIND_COUNT,
               "one name per loss kind");
_Static_assert(sizeof(mtt_metric_acc) == MTT_METRIC_ACC_DOUBLES * sizeof(double),
               "an accumulator array must be contiguous doubles for the allreduce");

const char *mtt_loss_kind_name(mtt_loss_kind kind)
{
    return (unsigned)kind < MTT_LOSS_KIND_COUNT ? kind_names[kind] : "unknown";
}

int mtt_loss_kind_from_name(const char *name, mtt_loss_kind *kind)
{
    for (int k = 0; k < MTT_LOSS_KIND_COUNT; ++k) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (mtt_loss_kind)k;
            return 1;
        }
    }
    return 0;
}

double mtt_loss_point(const mtt_loss_fn *fn, double d, double *drho)
{
    double value, slope;
    switch (fn->kind) {
    case MTT_LOSS_MAE:
        value = fabs(d);
        slope = d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0); /* torch: sign(0) = 0 */
        break;
    case MTT_LOSS_HUBER:
        if (fabs(d) < fn->delta) {
            value = 0.5 * d * d;
        } else {
            value = fn->delta * (fabs(d) - 0.5 * fn->delta);
        }
        slope = d < -fn->delta ? -fn->delta : (d > fn->delta ? fn->delta : d);
        break;
    case MTT_LOSS_MSE:
    default:
        value = d * d;
        slope = 2.0 * d;
        break;
    }
    if (drho) *drho = slope;
    return value;
}

double mtt_loss_mean(const mtt_loss_fn *fn, size_t n, const double *pred, const double *target,
                     double count, double weight, double *grad)
{
    double sum = 0.0;
    const double gscale = weight / count;
    for (size_t i = 0; i < n; ++i) {
        double slope;
        sum += mtt_loss_point(fn, pred[i] - target[i], &slope);
        if (grad) grad[i] = gscale * slope;
    }
    return sum / count;
}

mtt_status mtt_loss_energy_force(const mtt_loss_ef_config *cfg, const mtt_loss_ef_batch *b,
                                 double *loss, double terms[2], double *dy, double *df,
                                 mtt_error *err)
{
    MTT_RETURN_ERROR_IF(b->n_structures > 0 && !(b->n_structures_total >= (double)b->n_structures),
                        err, MTT_ERR_INTERNAL,
                        "energy loss: global structure count %g is below the local count %zu",
                        b->n_structures_total, b->n_structures);
    MTT_RETURN_ERROR_IF(b->n_components > 0 && !(b->n_components_total >= (double)b->n_components),
                        err, MTT_ERR_INTERNAL,
                        "force loss: global component count %g is below the local count %zu",
                        b->n_components_total, b->n_components);

    /* energy: d_s = (y_s - y_ref_s) / N_s;  dL/dy_s = w_E rho'(d_s) / (S N_s) */
    double e_sum = 0.0;
    for (size_t s = 0; s < b->n_structures; ++s) {
        MTT_RETURN_ERROR_IF(b->n_atoms[s] <= 0, err, MTT_ERR_INTERNAL,
                            "energy loss: structure %zu of the batch has %d atoms", s,
                            (int)b->n_atoms[s]);
        const double na = (double)b->n_atoms[s];
        double slope;
        e_sum += mtt_loss_point(&cfg->energy, (b->y[s] - b->y_ref[s]) / na, &slope);
        if (dy) dy[s] = cfg->energy_weight * slope / (b->n_structures_total * na);
    }
    const double e_term =
        b->n_structures > 0 ? cfg->energy_weight * (e_sum / b->n_structures_total) : 0.0;

    double f_term = 0.0;
    if (b->n_components > 0) {
        f_term = cfg->force_weight * mtt_loss_mean(&cfg->force, b->n_components, b->f, b->f_ref,
                                                   b->n_components_total, cfg->force_weight, df);
    }
    if (terms) {
        terms[0] = e_term;
        terms[1] = f_term;
    }
    *loss = e_term + f_term;
    return MTT_OK;
}

void mtt_metric_acc_clear(mtt_metric_acc *a)
{
    a->sum_sq = 0.0;
    a->sum_abs = 0.0;
    a->count = 0.0;
}

void mtt_metric_acc_add(mtt_metric_acc *a, size_t n, const double *pred, const double *ref,
                        const int32_t *n_atoms)
{
    for (size_t i = 0; i < n; ++i) {
        double d = pred[i] - ref[i];
        if (n_atoms) d /= (double)n_atoms[i];
        a->sum_sq += d * d;
        a->sum_abs += fabs(d);
    }
    a->count += (double)n;
}

double mtt_metric_rmse(const mtt_metric_acc *a)
{
    return a->count > 0.0 ? sqrt(a->sum_sq / a->count) : NAN;
}

double mtt_metric_mae(const mtt_metric_acc *a)
{
    return a->count > 0.0 ? a->sum_abs / a->count : NAN;
}
