/* evaluate.c — RMSE/MAE accumulators of a set; see evaluate.h. */
#include "config.h"

#include "train/evaluate.h"

#include <math.h>
#include <string.h>

#include "train/loss.h"
#include "util/progress.h"

const char *mtt_eval_quantity_name(int q)
{
    static const char *const names[MTT_Q_COUNT] = {"energy", "forces", "stress", "virial"};
    return q >= 0 && q < MTT_Q_COUNT ? names[q] : "?";
}

void mtt_eval_metrics_clear(mtt_eval_metrics *m) { memset(m, 0, sizeof *m); }

static mtt_metric_acc get_acc(const mtt_eval_metrics *m, int q)
{
    mtt_metric_acc a = {m->acc[3 * q], m->acc[3 * q + 1], m->acc[3 * q + 2]};
    return a;
}

static void add_acc(mtt_eval_metrics *m, int q, const mtt_metric_acc *a)
{
    m->acc[3 * q] += a->sum_sq;
    m->acc[3 * q + 1] += a->sum_abs;
    m->acc[3 * q + 2] += a->count;
}

double mtt_eval_rmse(const mtt_eval_metrics *m, int q)
{
    mtt_metric_acc a = get_acc(m, q);
    return mtt_metric_rmse(&a);
}

double mtt_eval_mae(const mtt_eval_metrics *m, int q)
{
    mtt_metric_acc a = get_acc(m, q);
    return mtt_metric_mae(&a);
}

double mtt_eval_count(const mtt_eval_metrics *m, int q) { return m->acc[3 * q + 2]; }

void mtt_eval_add_batch(mtt_eval_metrics *m, const mtt_batch *b, const mtt_dataset *ds,
                        const mtt_eval_targets *t)
{
    mtt_metric_acc a;
    if (t->energy && ds->has_energy) {
        mtt_metric_acc_clear(&a);
        mtt_metric_acc_add(&a, b->n, b->energy, b->energy_ref, b->n_atoms_of);
        add_acc(m, MTT_Q_ENERGY, &a);
    }
    if (t->forces && ds->has_forces) {
        mtt_metric_acc_clear(&a);
        mtt_metric_acc_add(&a, 3 * b->n_atoms, b->forces, b->forces_ref, NULL);
        add_acc(m, MTT_Q_FORCES, &a);
    }
    for (int q = MTT_Q_STRESS; q <= MTT_Q_VIRIAL; ++q) {
        int want = q == MTT_Q_STRESS ? t->stress && ds->has_stress : t->virial && ds->has_virial;
        if (!want) continue;
        const double *ref = q == MTT_Q_STRESS ? ds->stress : ds->virial;
        mtt_metric_acc_clear(&a);
        for (size_t i = 0; i < b->n; ++i) {
            double v = b->volume[i], pred[9];
            if (!(v > 0.0)) continue;  /* no stress or virial for a molecule */
            for (int k = 0; k < 9; ++k)
                pred[k] = q == MTT_Q_STRESS ? b->deps[9 * i + k] / v : -b->deps[9 * i + k];
            mtt_metric_acc_add(&a, 9, pred, ref + 9 * b->idx[i], NULL);
        }
        add_acc(m, q, &a);
    }
}

mtt_status mtt_evaluate_set(const mtt_sbp_model *model, const double *params, mtt_sbp_work *w,
                            mtt_feature_cache *c, mtt_batch *b, const mtt_eval_targets *t,
                            mtt_eval_metrics *m, mtt_error *err)
{
    const mtt_dataset *ds = c->ds;
    if (!ds) return MTT_OK;
    int want_forces = t->forces && ds->has_forces;
    int want_deps = (t->stress && ds->has_stress) || (t->virial && ds->has_virial);
    for (size_t s0 = 0; s0 < ds->n_structures; s0 += b->cap_structures) {
        size_t n = ds->n_structures - s0 < b->cap_structures ? ds->n_structures - s0
                                                             : b->cap_structures;
        /* b->idx doubles as the index list (mtt_batch_load copies in place) */
        for (size_t i = 0; i < n; ++i) b->idx[i] = s0 + i;
        MTT_FORWARD_IF_ERROR(mtt_batch_load(b, c, model, b->idx, n, err));
        MTT_FORWARD_IF_ERROR(mtt_batch_predict(b, model, params, w, want_forces, want_deps, err));
        mtt_eval_add_batch(m, b, ds, t);
        mtt_progress_update((int64_t)(s0 + n));
    }
    return MTT_OK;
}
