/* trainer_fit.c — what is fitted once before training: the composition
 * baseline b (least squares of training energies on element counts), the
 * energy scale σ (RMS of the per-atom residual, 1 when scale_targets is
 * off), and the numbers the log needs to judge the model later: the
 * validation per-atom energy RMSE of the baseline alone and the standard
 * deviation of the training force components.
 * Collective: each quantity is a sum over local structures, allreduced once;
 * the force std by the corrected two-pass algorithm over ranks
 * (train/rank_moments.h), stable whatever the mean.
 * Cost: one pass over the local training and validation structures, two
 * over the local force components.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset_stats.h"
#include "model/composition.h"
#include "model/scale.h"
#include "train/rank_moments.h"
#include "train/trainer_internal.h"
#include "util/log.h"

/* Atoms of each model species in structure s of ds. */
static void type_counts(const mtt_sbp_model *m, const mtt_dataset *ds, size_t s,
                        int32_t *counts)
{
    memset(counts, 0, m->n_species * sizeof *counts);
    for (int64_t a = ds->atom_start[s]; a < ds->atom_start[s + 1]; ++a)
        for (size_t k = 0; k < m->n_species; ++k)
            if (m->species[k] == ds->numbers[a]) {
                counts[k]++;
                break;
            }
}

static size_t local_n(const mtt_trainer_set *s) { return s->ds ? s->ds->n_structures : 0; }

mtt_status mtt_trainer_fit_baseline(mtt_trainer *t, mtt_error *err)
{
    const mtt_sbp_model *m = t->model;
    const size_t nt = m->n_species, len = mtt_composition_buffer_len(nt);
    const mtt_trainer_set *tr = &t->set[MTT_TR_TRAIN], *va = &t->set[MTT_TR_VAL];
    double *buf = calloc(len, sizeof *buf);
    int32_t *counts = calloc(nt ? nt : 1, sizeof *counts);
    t->baseline_train = calloc(local_n(tr) ? local_n(tr) : 1, sizeof(double));
    mtt_status st = MTT_OK;
    if (!buf || !counts || !t->baseline_train)
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the composition baseline");
    st = mtt_comm_agree(t->comm, st, err);  /* every rank allocated: enter the collectives */
    if (st != MTT_OK) goto cleanup;

    for (size_t s = 0; s < local_n(tr); ++s) {
        type_counts(m, tr->ds, s, counts);
        mtt_composition_accumulate(buf, nt, counts, tr->ds->energy[s]);
    }
    mtt_comm_sum_doubles(t->comm, buf, len);
    size_t rank = 0;
    st = mtt_composition_solve(buf, nt, 0.0, m->composition, &rank, err);
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) goto cleanup;
    if (t->given_composition) {  /* restart: exactly the values the run was trained with */
        memcpy(m->composition, t->given_composition, nt * sizeof *m->composition);
        rank = nt;
    }

    /* scale: RMS of (E - B)/N over the training set */
    mtt_scale_acc acc;
    mtt_scale_acc_clear(&acc);
    for (size_t s = 0; s < local_n(tr); ++s) {
        type_counts(m, tr->ds, s, counts);
        double b = mtt_composition_energy(m->composition, nt, counts);
        t->baseline_train[s] = b;
        mtt_scale_accumulate(&acc, tr->ds->energy[s], b,
                             (int32_t)(tr->ds->atom_start[s + 1] - tr->ds->atom_start[s]));
    }
    double sums[MTT_SCALE_ACC_DOUBLES + 2] = {acc.sum_sq, acc.count, 0, 0};
    /* validation baseline residual: sum of squares and count */
    if (va->ds && va->ds->has_energy)
        for (size_t s = 0; s < va->ds->n_structures; ++s) {
            type_counts(m, va->ds, s, counts);
            double n = (double)(va->ds->atom_start[s + 1] - va->ds->atom_start[s]);
            double r = (va->ds->energy[s] - mtt_composition_energy(m->composition, nt, counts)) / n;
            sums[2] += r * r;
            sums[3] += 1.0;
        }
    mtt_comm_sum_doubles(t->comm, sums, sizeof sums / sizeof *sums);
    /* training force components: corrected two-pass over ranks */
    double f_count = 0, f_mean = 0, f_var = 0;
    mtt_rank_moments_compute(t->comm, tr->ds && tr->ds->has_forces ? 3 * tr->ds->n_atoms : 0,
                             mtt_dataset_force_component, tr->ds, &f_count, &f_mean, &f_var);
    acc.sum_sq = sums[0];
    acc.count = sums[1];
    double sigma = 1.0;
    st = mtt_scale_finalize(&acc, &sigma, err);  /* same sums → same result on every rank */
    if (st != MTT_OK) goto cleanup;
    t->model->scale = t->cfg.scale_targets ? sigma : 1.0;
    if (t->given_composition) t->model->scale = sigma = t->given_scale;
    t->baseline_val_rmse = sums[3] > 0 ? sqrt(sums[2] / sums[3]) : NAN;
    if (f_count > 0) {
        t->force_std = sqrt(f_var);
    } else {
        t->force_std = NAN;
    }

    char line[1024];
    size_t k = 0;
    for (size_t i = 0; i < nt && k + 40 < sizeof line; ++i)
        k += (size_t)snprintf(line + k, sizeof line - k, "%s%d: %.10g", i ? ", " : "",
                              m->species[i], m->composition[i]);
    mtt_log_info("Composition baseline (energy per atom of each type, %s): %s%s",
                 t->cfg.energy_unit[0] ? t->cfg.energy_unit : "data unit", line,
                 rank < nt ? " (degenerate compositions: minimum-norm solution)" : "");
    if (t->cfg.scale_targets)
        mtt_log_info("Energy scale: %.10g %s (RMS of the per-atom residual energy)", sigma,
                     t->cfg.energy_unit);
    else
        mtt_log_info("Energy scale: 1 (scale_targets is off; the RMS of the per-atom residual "
                     "energy is %.10g %s)",
                     sigma, t->cfg.energy_unit);
    if (sums[3] > 0)
        mtt_log_info("Composition baseline alone: validation energy RMSE (per atom) %.10g %s",
                     t->baseline_val_rmse, t->cfg.energy_unit);
cleanup:
    free(buf);
    free(counts);
    return st;
}
