/* trainer_report.c — the end of a run: the best parameters evaluated on the
 * training, validation and test sets (RMSE and MAE of the per-atom energy,
 * forces, stress or virial), and the ratios that say whether the model
 * learned anything: validation force RMSE / std of the training force
 * components, validation per-atom energy RMSE / std of the training
 * per-atom energies and / the composition baseline's RMSE.
 * Collective.  The predictions come from the exported model file through
 * libmtt (trainer_export.c), not from the trainer's own arrays.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "train/epoch_line.h"
#include "train/trainer_internal.h"
#include "util/log.h"
#include "util/progress.h"

static void log_set(const mtt_trainer *t, int set, const mtt_eval_metrics *m)
{
    char line[2048];
    size_t k = 0;
    line[0] = '\0';
    for (int q = 0; q < MTT_Q_COUNT; ++q) {
        if (mtt_eval_count(m, q) <= 0) continue;
        char unit[64], disp[64];
        mtt_trainer_unit(t, q, 1, unit, sizeof unit);
        for (int mae = 0; mae <= 1 && k + 200 < sizeof line; ++mae) {
            double v = mae ? mtt_eval_mae(m, q) : mtt_eval_rmse(m, q);
            v = mtt_epoch_line_to_display(v, unit, disp, sizeof disp);
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %s%s: %.6g%s%s",
                                  k ? " | " : "", mtt_eval_quantity_name(q), mae ? "MAE" : "RMSE",
                                  q == MTT_Q_ENERGY ? " (per atom)" : "", v, disp[0] ? " " : "",
                                  disp);
        }
    }
    mtt_log_info("%s set (%zu structures): %s", t->set[set].name, t->set[set].n_global,
                 k ? line : "no reference values");
}

mtt_status mtt_trainer_report(mtt_trainer *t, const mtt_model *exported, const char *path,
                              mtt_error *err)
{
    mtt_eval_metrics m[MTT_TR_SETS];
    mtt_log_info("Evaluation of the best model (epoch %d), computed through %s:", t->best_epoch,
                 path);
    for (int set = 0; set < MTT_TR_SETS; ++set) {
        if (t->set[set].n_global == 0) continue;
        const mtt_dataset *ds = t->set[set].ds;
        mtt_progress_begin(ds ? (int64_t)ds->n_structures : 0, (int64_t)t->set[set].n_global,
                           "structures", "evaluating the %s set", t->set[set].name);
        mtt_status st = mtt_trainer_evaluate_exported(t, set, exported, &m[set], err);
        mtt_progress_end();
        if (st != MTT_OK) return st;
        log_set(t, set, &m[set]);
    }
    if (t->set[MTT_TR_VAL].n_global == 0) return MTT_OK;
    const mtt_eval_metrics *v = &m[MTT_TR_VAL];
    if (mtt_eval_count(v, MTT_Q_FORCES) > 0 && t->force_std > 0)
        mtt_log_info("Ratio: validation forces RMSE / std of the training force components = "
                     "%.4f (%.6g / %.6g)",
                     mtt_eval_rmse(v, MTT_Q_FORCES) / t->force_std, mtt_eval_rmse(v, MTT_Q_FORCES),
                     t->force_std);
    if (mtt_eval_count(v, MTT_Q_ENERGY) > 0) {
        double e = mtt_eval_rmse(v, MTT_Q_ENERGY);
        if (t->energy_std > 0)
            mtt_log_info("Ratio: validation energy RMSE (per atom) / std of the training per-atom "
                         "energy = %.4f (%.6g / %.6g)",
                         e / t->energy_std, e, t->energy_std);
        if (t->baseline_val_rmse > 0)
            mtt_log_info("Ratio: validation energy RMSE (per atom) / composition baseline's = "
                         "%.4f (%.6g / %.6g)",
                         e / t->baseline_val_rmse, e, t->baseline_val_rmse);
    }
    return MTT_OK;
}
