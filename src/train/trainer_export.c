/* trainer_export.c — the end of `mtt train`, as metatrain ends: the best
 * model exported to <run_dir>/model.pt and to the -o path (model.pt; a hard
 * link when possible), and the final evaluation computed THROUGH the
 * exported file with the public libmtt API, so the numbers the log shows are
 * those `mtt eval` and the MD engines will reproduce.
 * Collective: rank 0 writes, every rank opens the model and evaluates its
 * own structures; the sums are allreduced.  Cost: one libmtt prediction
 * (energy, forces, virial) per structure.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/export.h"
#include "mtt/mtt.h"
#include "train/loss.h"
#include "train/trainer_internal.h"
#include "util/file.h"
#include "util/cell.h"
#include "util/log.h"

mtt_status mtt_trainer_export(mtt_trainer *t, const char *out_path, char *model_path, size_t n,
                              mtt_error *err)
{
    snprintf(model_path, n, "%s/model.pt", t->run_dir);
    mtt_status st = MTT_OK;
    if (t->rank == 0) {
        mtt_ckpt c;
        mtt_trainer_state_view(t, t->cfg.num_epochs, 0, 1, &c);
        st = mtt_export_model_from_ckpt(&c, model_path, err);
        if (st == MTT_OK) {
            mtt_error e;
            if (mtt_file_link_atomic(model_path, out_path, &e) != MTT_OK)
                st = mtt_export_model_from_ckpt(&c, out_path, err);
        }
        if (st == MTT_OK)
            mtt_log_info("Exported the best model (epoch %d) to %s (and %s)", t->best_epoch,
                         out_path, model_path);
    }
    return mtt_comm_agree(t->comm, st, err);
}

mtt_status mtt_trainer_evaluate_exported(mtt_trainer *t, int set, const mtt_model *model,
                                         mtt_eval_metrics *m, mtt_error *err)
{
    mtt_eval_metrics_clear(m);
    const mtt_dataset *ds = t->set[set].ds;
    const mtt_eval_targets *want = &t->set[set].has;
    size_t most = 0;
    for (size_t s = 0; ds && s < ds->n_structures; ++s) {
        size_t k = (size_t)(ds->atom_start[s + 1] - ds->atom_start[s]);
        most = k > most ? k : most;
    }
    double *forces = malloc(3 * (most ? most : 1) * sizeof *forces);
    mtt_status st = forces ? MTT_OK : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    mtt_metric_acc acc[MTT_Q_COUNT];
    for (int q = 0; q < MTT_Q_COUNT; ++q) mtt_metric_acc_clear(&acc[q]);
    for (size_t s = 0; st == MTT_OK && ds && s < ds->n_structures; ++s) {
        int64_t a0 = ds->atom_start[s];
        int na = (int)(ds->atom_start[s + 1] - a0);
        const unsigned char *p = ds->pbc + 3 * s;
        int pbc[3] = {p[0], p[1], p[2]};
        double energy = 0.0, virial[9];
        mtt_model_error me;
        if (mtt_model_compute(model, na, ds->positions + 3 * a0, ds->numbers + a0,
                              ds->cell + 9 * s, pbc, &energy, forces, NULL, virial,
                              &me) != MTT_MODEL_OK) {
            st = mtt_error_set(err, MTT_ERR_DATA, "%s: frame %zu: %s", t->set[set].path,
                               ds->frame ? ds->frame[s] : s, me.message);
            break;
        }
        int32_t n_atoms = na;
        if (want->energy && ds->has_energy)
            mtt_metric_acc_add(&acc[MTT_Q_ENERGY], 1, &energy, ds->energy + s, &n_atoms);
        if (want->forces && ds->has_forces)
            mtt_metric_acc_add(&acc[MTT_Q_FORCES], 3 * (size_t)na, forces,
                               ds->forces + 3 * a0, NULL);
        double v = p[0] && p[1] && p[2] ? mtt_cell_volume(ds->cell + 9 * s) : 0.0;
        if (v > 0 && want->stress && ds->has_stress) {
            double stress[9];
            for (int k = 0; k < 9; ++k) stress[k] = -virial[k] / v;
            mtt_metric_acc_add(&acc[MTT_Q_STRESS], 9, stress, ds->stress + 9 * s, NULL);
        }
        if (v > 0 && want->virial && ds->has_virial)
            mtt_metric_acc_add(&acc[MTT_Q_VIRIAL], 9, virial, ds->virial + 9 * s, NULL);
    }
    free(forces);
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) return st;
    for (int q = 0; q < MTT_Q_COUNT; ++q) {
        m->acc[3 * q] = acc[q].sum_sq;
        m->acc[3 * q + 1] = acc[q].sum_abs;
        m->acc[3 * q + 2] = acc[q].count;
    }
    mtt_comm_sum_doubles(t->comm, m->acc, MTT_EVAL_DOUBLES);
    return MTT_OK;
}
