/* trainer_step.c — one optimiser step and the global evaluation of a set.
 *
 * Step (docs/design.md §5, docs/math.md §5), in network units y = (E − B)/σ:
 *   1. features of the local batch (cache or recomputed); the loss is
 *      normalised by the GLOBAL counts of the step [structures, force
 *      components, stress entries], known before the epoch began
 *      (trainer_plan.c), so no collective precedes the compute;
 *   2. predict E (and F, ∂E/∂ε when trained), loss
 *        L = w_E mean_s ρ((y_s − y_ref_s)/N_s) + w_F mean_c ρ(F_c/σ − F_ref_c/σ)
 *          + w_S mean ρ(S/σ − S_ref/σ)      (virial: W/(σN), per atom like E)
 *      backward into the flat gradient (the local share of ∂L/∂params);
 *      a failure while loading the batch or computing is only noted here;
 *   3. one rank: Adam on the whole gradient, no collective.  Several ranks:
 *      ONE reduce-scatter carries the gradient and the few scalars [loss
 *      terms | failed | non-finite | stop and checkpoint requests (t->want)]
 *      (trainer_reduce.c); every rank checks the agreed failure and
 *      non-finite flags before its Adam update of its slice of the
 *      parameters and moments; then ONE all-gather of the parameters — the
 *      bytes of one allreduce, 1/size of the optimiser's work per rank.  The
 *      moments outside the slice go stale until mtt_trainer_gather_optimizer
 *      (before every checkpoint).
 * So a step has two synchronisation points on several ranks (a failure adds
 * the collectives that bring its message to every rank).  With every rank on
 * one node the two are barriers on a shared window instead of the
 * reduce-scatter and all-gather (trainer_reduce.c); the step is the same.
 * base_precision 32 (trainer_floats.c): the same steps on the float
 * parameters and moments; the backward writes the float gradient t->grad_f,
 * which Adam reads on one rank and which is widened into t->reduce for the
 * double reduce-scatter on several; the all-gather carries floats.
 * Nothing is allocated here.  Cost: the model's forward + backward on the
 * batch; a reduce-scatter of n_params + 8·size doubles and an all-gather of
 * n_params doubles (floats at base_precision 32).  Phase times accumulate in t->phase_s.
 *
 * Test-only hook (set by trainer_loop.c from MTT_TEST_STEP_FAIL=RANK:STEP):
 * rank RANK fails loading its batch at global step STEP, so tests can show
 * that a failure on one rank stops every rank with one message.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "train/loss.h"
#include "train/stop.h"
#include "train/trainer_internal.h"
#include "util/convert.h"

mtt_status mtt_trainer_loss_kind(const char *name, int *kind, mtt_error *err)
{
    mtt_loss_kind k;
    MTT_RETURN_ERROR_IF(!name || !mtt_loss_kind_from_name(name, &k), err, MTT_ERR_INTERNAL,
                        "unknown loss '%s'", name ? name : "(null)");
    *kind = (int)k;
    return MTT_OK;
}

/* Stress/virial term: fills b->tensor (prediction) and b->tensor_ref for the
 * periodic structures, returns the local loss share and writes dL/d(∂E/∂ε). */
static double tensor_loss(const mtt_trainer *t, mtt_batch *b, const mtt_loss_fn *fn,
                          double count_total)
{
    const double sigma = t->model->scale;
    const int virial = !t->trained.stress;  /* stress wins when both are present */
    const mtt_dataset *ds = t->set[MTT_TR_TRAIN].ds;
    const double *ref = virial ? ds->virial : ds->stress;
    size_t m = 0;
    for (size_t i = 0; i < b->n; ++i) {
        if (!(b->volume[i] > 0)) continue;
        /* S = ∂E/∂ε / V;  W = −∂E/∂ε, compared per atom */
        double f = virial ? -1.0 / (sigma * b->n_atoms_of[i]) : 1.0 / (sigma * b->volume[i]);
        double fr = virial ? 1.0 / (sigma * b->n_atoms_of[i]) : 1.0 / sigma;
        for (int k = 0; k < 9; ++k) {
            b->tensor[9 * m + k] = f * b->deps[9 * i + k];
            b->tensor_ref[9 * m + k] = fr * ref[9 * b->idx[i] + k];
        }
        ++m;
    }
    double l = 0.0;
    if (m > 0)
        l = t->cfg.w_stress * mtt_loss_mean(fn, 9 * m, b->tensor, b->tensor_ref, count_total,
                                            t->cfg.w_stress, b->dts);
    memset(b->dL_dDeps, 0, 9 * b->n * sizeof(double));
    m = 0;
    for (size_t i = 0; i < b->n; ++i) {
        if (!(b->volume[i] > 0)) continue;
        double f = virial ? -1.0 / (sigma * b->n_atoms_of[i]) : 1.0 / (sigma * b->volume[i]);
        for (int k = 0; k < 9; ++k) b->dL_dDeps[9 * i + k] = f * b->dts[9 * m + k];
        ++m;
    }
    return l;
}

/* Local part: predict, loss, backward into t->reduce (t->grad_f at
 * base_precision 32). */
static mtt_status local_step(mtt_trainer *t, const double totals[3], double terms[3],
                             mtt_error *err)
{
    mtt_batch *b = &t->batch;
    const double sigma = t->model->scale;
    const int tensor = t->trained.stress || t->trained.virial;
    if (t->params_f)  /* base_precision 32: the float parameters themselves */
        MTT_FORWARD_IF_ERROR(mtt_sbp_predict_floats(t->model, t->params_f, b->f, b->n, t->work,
                                                    b->energy,
                                                    t->trained.forces ? b->forces : NULL,
                                                    tensor ? b->deps : NULL, err));
    else
        MTT_FORWARD_IF_ERROR(mtt_batch_predict(b, t->model, t->params, t->work,
                                               t->trained.forces, tensor, err));
    mtt_eval_add_batch(&t->train_m, b, t->set[MTT_TR_TRAIN].ds, &t->trained);

    mtt_loss_fn fn = {(mtt_loss_kind)t->loss_kind, t->cfg.huber_delta / sigma};
    mtt_loss_ef_config cfg = {fn, fn, t->cfg.w_energy, t->cfg.w_forces};
    for (size_t i = 0; i < b->n; ++i) {
        double base = t->baseline_train[b->idx[i]];
        b->y[i] = (b->energy[i] - base) / sigma;
        b->y_ref[i] = (b->energy_ref[i] - base) / sigma;
    }
    size_t nc = t->trained.forces ? 3 * b->n_atoms : 0;
    for (size_t c = 0; c < nc; ++c) {
        b->fs[c] = b->forces[c] / sigma;
        b->fs_ref[c] = b->forces_ref[c] / sigma;
    }
    mtt_loss_ef_batch lb = {b->n,  b->n_atoms_of, b->y,      b->y_ref,  nc,
                            b->fs, b->fs_ref,     totals[0], totals[1]};
    double loss, ef[2];
    MTT_FORWARD_IF_ERROR(mtt_loss_energy_force(&cfg, &lb, &loss, ef, b->dy, b->dfs, err));
    terms[0] = ef[0];
    terms[1] = ef[1];
    terms[2] = tensor ? tensor_loss(t, b, &fn, totals[2] > 0 ? totals[2] : 1.0) : 0.0;
    /* back to physical units: y = E/σ + const, f = F/σ */
    for (size_t i = 0; i < b->n; ++i) b->dL_dE[i] = b->dy[i] / sigma;
    for (size_t c = 0; c < nc; ++c) b->dL_dF[c] = b->dfs[c] / sigma;
    if (t->grad_f)  /* base_precision 32: the float gradient, overwritten */
        return mtt_sbp_backward_floats(t->model, b->f, b->n, t->work, b->dL_dE,
                                       nc ? b->dL_dF : NULL, tensor ? b->dL_dDeps : NULL,
                                       t->grad_f, err);
    return mtt_sbp_backward_set(t->model, b->f, b->n, t->work, b->dL_dE, nc ? b->dL_dF : NULL,
                                tensor ? b->dL_dDeps : NULL, t->reduce, err);
}

/* Some rank failed (all know it from the agreed flag): bring its message to
 * every rank. */
static mtt_status agreed_failure(mtt_trainer *t, mtt_status st, mtt_error *err)
{
    st = mtt_comm_agree(t->comm, st, err);
    return st != MTT_OK ? st
                        : mtt_error_set(err, MTT_ERR_INTERNAL, "a rank failed without a message");
}

/* This rank's scalars of the step for the reduce-scatter. */
static void step_scalars(const mtt_trainer *t, const double terms[3], mtt_status st, double *x)
{
    /* a finite term larger than DBL_MAX / (3 size) could still overflow in
     * the sum over ranks, in one order and not another: flag it here, where
     * the verdict is exact, rather than test the sum each rank received */
    const double big = DBL_MAX / (3.0 * (double)(t->size > 0 ? t->size : 1));
    int nonfinite = 0;
    for (int k = 0; k < 3; ++k) {
        x[MTT_TRAINER_X_LOSS_ENERGY + k] = terms[k];
        nonfinite |= !(fabs(terms[k]) <= big);
    }
    x[MTT_TRAINER_X_FAILED] = st != MTT_OK;
    x[MTT_TRAINER_X_NONFINITE] = st == MTT_OK && nonfinite;
    x[MTT_TRAINER_X_STOP_SIGNAL] = t->want[0] != 0;
    x[MTT_TRAINER_X_STOP_BUDGET] = t->want[1] != 0;
    x[MTT_TRAINER_X_CHECKPOINT] = t->want[2] != 0;
}

mtt_status mtt_trainer_step(mtt_trainer *t, const size_t *idx, size_t n, const double totals[3],
                            double lr, double *loss, mtt_error *err)
{
    mtt_batch *b = &t->batch;
    const uint64_t calls0 = mtt_comm_collective_count(t->comm);
    mtt_status st = MTT_OK;
    double t0 = mtt_stop_now();
    b->n = 0;
    b->n_atoms = 0;
    ++t->steps_run;
    if (t->test_fail_step > 0 && t->adam.step == t->test_fail_step - 1 &&
        t->rank == t->test_fail_rank)
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "rank %d failed loading its batch of step %lld (test hook "
                           "MTT_TEST_STEP_FAIL)",
                           t->rank, (long long)t->adam.step);
    else if (n > 0)
        st = mtt_batch_load(b, &t->cache[MTT_TR_TRAIN], t->model, idx, n, err);
    double c0 = mtt_stop_now();
    t->phase_s[MTT_PHASE_FEATURES] += c0 - t0;

    double terms[3] = {0, 0, 0}, x[MTT_TRAINER_REDUCE_EXTRA];
    /* the backward SETS the gradient; a rank without a batch zeroes it */
    if (st == MTT_OK && b->n > 0) st = local_step(t, totals, terms, err);
    else if (t->grad_f) memset(t->grad_f, 0, t->n_params * sizeof *t->grad_f);
    else memset(t->reduce, 0, t->n_params * sizeof *t->reduce);
    /* base_precision 32 on several ranks: the gradient is summed in double */
    if (t->grad_f && t->size > 1) mtt_convert_widen(t->n_params, t->grad_f, t->reduce);
    step_scalars(t, terms, st, x);
    double c1 = mtt_stop_now();
    t->phase_s[MTT_PHASE_COMPUTE] += c1 - c0;
    /* the gradient and the scalars in one collective (several ranks): every
     * rank knows the sums before any parameter changes */
    mtt_trainer_reduce_exchange(t, x);
    double c2 = mtt_stop_now();
    t->phase_s[MTT_PHASE_COLLECTIVE] += c2 - c1;
    const double *a = t->agreed;
    *loss = a[MTT_TRAINER_X_LOSS_ENERGY] + a[MTT_TRAINER_X_LOSS_FORCES] +
            a[MTT_TRAINER_X_LOSS_STRESS];
    if (a[MTT_TRAINER_X_FAILED] > 0) st = agreed_failure(t, st, err);
    else if (a[MTT_TRAINER_X_NONFINITE] > 0)
        st = mtt_error_set(err, MTT_ERR_NUMERIC, "non-finite training loss");
    else if (t->params_f) {
        /* base_precision 32: float parameters and moments (trainer_floats.c);
         * on several ranks this rank's slice from the double sum, then the
         * float parameters to everyone */
        const size_t off = t->size > 1 ? t->slice_offset : 0;
        mtt_adam_floats part = {t->size > 1 ? t->slice_count[t->rank] : t->n_params,
                                t->adam_m_f + off, t->adam_v_f + off, t->adam.step};
        st = mtt_adam_step_floats(&t->adam_cfg, lr, &part, t->params_f + off,
                                  t->size > 1 ? NULL : t->grad_f,
                                  t->size > 1 ? t->slice_grad : NULL, err);
        t->adam.step = part.step;
        double c3 = mtt_stop_now();
        mtt_trainer_reduce_gather_params(t);
        t->phase_s[MTT_PHASE_OPTIMIZER] += c3 - c2;
        t->phase_s[MTT_PHASE_COLLECTIVE] += mtt_stop_now() - c3;
    } else if (t->size == 1) {
        st = mtt_adam_step(&t->adam_cfg, lr, &t->adam, t->params, t->reduce, err);
        t->phase_s[MTT_PHASE_OPTIMIZER] += mtt_stop_now() - c2;
    } else {
        /* Sharded update: Adam on this rank's slice, the new parameters to
         * everyone (all-gather, or copies from the shared window) */
        mtt_adam_state part = {t->slice_count[t->rank], t->adam_m + t->slice_offset,
                               t->adam_v + t->slice_offset, t->adam.step};
        const double *g0, *g1;
        double *copy;
        if (mtt_trainer_reduce_fused(t, &g0, &g1, &copy))
            st = mtt_adam_step_sum2(&t->adam_cfg, lr, &part, t->params + t->slice_offset, copy,
                                    g0, g1, err);
        else
            st = mtt_adam_step(&t->adam_cfg, lr, &part, t->params + t->slice_offset,
                               t->slice_grad, err);
        t->adam.step = part.step;
        double c3 = mtt_stop_now();
        mtt_trainer_reduce_gather_params(t);
        t->phase_s[MTT_PHASE_OPTIMIZER] += c3 - c2;
        t->phase_s[MTT_PHASE_COLLECTIVE] += mtt_stop_now() - c3;
    }
    t->step_collectives += mtt_comm_collective_count(t->comm) - calls0;
    return st;
}

void mtt_trainer_gather_optimizer(mtt_trainer *t)
{
    if (t->params_f) {  /* base_precision 32: the floats are the truth */
        mtt_comm_allgather_floats(t->comm, t->adam_m_f, t->slice_count);
        mtt_comm_allgather_floats(t->comm, t->adam_v_f, t->slice_count);
        mtt_trainer_floats_store(t, 1);
        return;
    }
    if (t->size == 1) return;
    mtt_comm_allgather_doubles(t->comm, t->adam_m, t->slice_count);
    mtt_comm_allgather_doubles(t->comm, t->adam_v, t->slice_count);
}

mtt_status mtt_trainer_evaluate(mtt_trainer *t, int set, const double *params,
                                mtt_eval_metrics *m, mtt_error *err)
{
    mtt_eval_metrics_clear(m);
    mtt_eval_targets want = t->set[set].has;
    mtt_status st = mtt_evaluate_set(t->model, params, t->work, &t->cache[set], &t->batch, &want,
                                     m, err);
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) return st;
    mtt_comm_sum_doubles(t->comm, m->acc, MTT_EVAL_DOUBLES);
    return MTT_OK;
}
