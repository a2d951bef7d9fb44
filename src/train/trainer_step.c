/* trainer_step.c — one optimiser step and the global evaluation of a set.
 *
 * Step (docs/design.md §5, docs/math.md §5), in network units y = (E − B)/σ:
 *   1. features of the local batch (cache or recomputed), one small
 *      allreduce of [structures, force components, stress entries, failed]
 *      so every rank normalises by the GLOBAL counts of the step;
 *   2. predict E (and F, ∂E/∂ε when trained), loss
 *        L = w_E mean_s ρ((y_s − y_ref_s)/N_s) + w_F mean_c ρ(F_c/σ − F_ref_c/σ)
 *          + w_S mean ρ(S/σ − S_ref/σ)      (virial: W/(σN), per atom like E)
 *      backward into the flat gradient (the local share of ∂L/∂params);
 *   3. an allreduce of the few doubles [loss terms | failed flag | stop
 *      and checkpoint requests (t->want)]: every rank makes the same
 *      finiteness check before any parameter changes;
 *   4. one rank: Adam on the whole gradient.  Several ranks: a
 *      reduce-scatter of the gradient, Adam on this rank's slice of the
 *      parameters and moments, an all-gather of the parameters — the bytes
 *      of one allreduce, 1/size of the optimiser's work per rank.  The
 *      moments outside the slice go stale until mtt_trainer_gather_optimizer
 *      (before every checkpoint).
 * Nothing is allocated here.  Cost: the model's forward + backward on the
 * batch; allreduces of 4 and 7 doubles, a reduce-scatter and an all-gather of
 * n_params doubles.  Phase times accumulate in t->phase_s.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "train/loss.h"
#include "train/stop.h"
#include "train/trainer_internal.h"

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

/* Local part: predict, loss, backward into t->reduce. */
static mtt_status local_step(mtt_trainer *t, const double totals[3], double terms[3],
                             mtt_error *err)
{
    mtt_batch *b = &t->batch;
    const double sigma = t->model->scale;
    const int tensor = t->trained.stress || t->trained.virial;
    MTT_FORWARD_IF_ERROR(mtt_batch_predict(b, t->model, t->params, t->work, t->trained.forces,
                                           tensor, err));
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
    return mtt_sbp_backward(t->model, t->params, b->f, b->n, t->work, b->dL_dE,
                            nc ? b->dL_dF : NULL, tensor ? b->dL_dDeps : NULL, t->reduce, err);
}

/* Some rank failed (all know it from a flag in an allreduce): bring its
 * message to every rank. */
static mtt_status agreed_failure(mtt_trainer *t, mtt_status st, mtt_error *err)
{
    st = mtt_comm_agree(t->comm, st, err);
    return st != MTT_OK ? st
                        : mtt_error_set(err, MTT_ERR_INTERNAL, "a rank failed without a message");
}

mtt_status mtt_trainer_step(mtt_trainer *t, const size_t *idx, size_t n, double lr,
                            double *loss, mtt_error *err)
{
    mtt_batch *b = &t->batch;
    const size_t np = t->n_params;
    mtt_status st = MTT_OK;
    double t0 = mtt_stop_now();
    b->n = 0;
    b->n_atoms = 0;
    if (n > 0)
        st = mtt_batch_load(b, &t->cache[MTT_TR_TRAIN], t->model, idx, n, err);
    double counts[4] = {0, 0, 0, st != MTT_OK};
    if (st == MTT_OK) {
        counts[0] = (double)b->n;
        counts[1] = t->trained.forces ? 3.0 * (double)b->n_atoms : 0.0;
        for (size_t i = 0; i < b->n; ++i) counts[2] += b->volume[i] > 0 ? 9.0 : 0.0;
    }
    double l0 = mtt_stop_now();
    t->phase_s[MTT_PHASE_FEATURES] += l0 - t0;
    mtt_comm_sum_doubles(t->comm, counts, 4);
    t->phase_s[MTT_PHASE_COLLECTIVE] += mtt_stop_now() - l0;
    if (counts[3] > 0) return agreed_failure(t, st, err);

    memset(t->reduce, 0, (np + MTT_TRAINER_REDUCE_EXTRA) * sizeof(double));
    double terms[3] = {0, 0, 0};
    double c0 = mtt_stop_now();
    if (b->n > 0) st = local_step(t, counts, terms, err);
    double *extra = t->reduce + np;
    for (int k = 0; k < 3; ++k) extra[k] = terms[k];
    extra[3] = st != MTT_OK;
    for (int k = 0; k < 3; ++k) extra[4 + k] = t->want[k];
    double c1 = mtt_stop_now();
    t->phase_s[MTT_PHASE_COMPUTE] += c1 - c0;
    /* the loss terms and flags first (a few doubles): every rank knows them
     * before any parameter changes */
    mtt_comm_sum_doubles(t->comm, extra, MTT_TRAINER_REDUCE_EXTRA);
    if (extra[3] > 0) return agreed_failure(t, st, err);
    *loss = extra[0] + extra[1] + extra[2];
    if (!isfinite(*loss))
        return mtt_error_set(err, MTT_ERR_NUMERIC, "non-finite training loss");
    double c2 = mtt_stop_now();
    t->phase_s[MTT_PHASE_COLLECTIVE] += c2 - c1;
    if (t->size == 1) {
        st = mtt_adam_step(&t->adam_cfg, lr, &t->adam, t->params, t->reduce, err);
        t->phase_s[MTT_PHASE_OPTIMIZER] += mtt_stop_now() - c2;
        return st;
    }
    /* Sharded update: the summed gradient of this rank's slice only
     * (reduce-scatter), Adam on that slice, the new parameters to everyone
     * (all-gather): the bytes of one allreduce, 1/size of the Adam work. */
    mtt_comm_reduce_scatter_doubles(t->comm, t->reduce, t->slice_grad, t->slice_count);
    double c3 = mtt_stop_now();
    mtt_adam_state part = {t->slice_count[t->rank], t->adam_m + t->slice_offset,
                           t->adam_v + t->slice_offset, t->adam.step};
    st = mtt_adam_step(&t->adam_cfg, lr, &part, t->params + t->slice_offset, t->slice_grad,
                       err);
    t->adam.step = part.step;
    double c4 = mtt_stop_now();
    mtt_comm_allgather_doubles(t->comm, t->params, t->slice_count);
    double c5 = mtt_stop_now();
    t->phase_s[MTT_PHASE_COLLECTIVE] += (c3 - c2) + (c5 - c4);
    t->phase_s[MTT_PHASE_OPTIMIZER] += c4 - c3;
    return st;
}

void mtt_trainer_gather_optimizer(mtt_trainer *t)
{
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
