/* trainer_state.c — the trainer's state as a checkpoint, and back.
 *
 * mtt_trainer_state_view points an mtt_ckpt at the trainer's own arrays
 * (no copy: the writer reads them in place).  At an epoch boundary (step 0)
 * the epoch-in-progress sums are written as zeros, so the file does not
 * depend on how the previous epoch's sums were left.
 *
 * mtt_trainer_state_restore continues a checkpointed run:
 *   - same rank count and steps per epoch → every number is restored as
 *     written, including each rank's partial training metrics of the epoch
 *     in progress, so the continued run is bitwise identical to an
 *     uninterrupted one;
 *   - otherwise (other rank count or batch_size) the step within the epoch is
 *     mapped to the same fraction of the new epoch, round(step · S_new /
 *     S_old), the partial metrics are summed into rank 0's row and the
 *     epoch's loss sum is scaled to the mapped step count (docs/restart.md).
 * The parameter layout must match name by name (the options check reports
 * changed model hyperparameters first, in words).  Identical on all ranks.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/trainer_internal.h"
#include "util/log.h"

_Static_assert(sizeof(int) == sizeof(int32_t), "species are stored as int32");

static const double zero_accum[MTT_EVAL_DOUBLES];

void mtt_trainer_state_view(const mtt_trainer *t, int64_t epoch, int64_t step, int finished,
                            mtt_ckpt *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->architecture, sizeof c->architecture, "soap_bpnn");
    c->world_size = t->size;
    c->precision = t->cfg.precision;
    c->epoch = epoch;
    c->step = step;
    c->global_step = t->adam.step;
    c->finished = finished;
    c->options_yaml = (char *)t->options_yaml;
    c->metadata_yaml = (char *)t->metadata_yaml;

    const mtt_sbp_model *m = t->model;
    c->n_species = m->n_species;
    c->species = (int32_t *)m->species;
    snprintf(c->energy_unit, sizeof c->energy_unit, "%s", t->cfg.energy_unit);
    snprintf(c->length_unit, sizeof c->length_unit, "%s", t->cfg.length_unit);
    c->trained_energy = t->trained.energy;
    c->trained_forces = t->trained.forces;
    c->trained_stress = t->trained.stress;
    c->trained_virial = t->trained.virial;

    const mtt_sbp_config *mc = &t->model_cfg;
    c->cutoff = mc->cutoff;
    c->cutoff_width = mc->width;
    c->max_radial = mc->max_radial;
    c->max_angular = mc->max_angular;
    c->num_hidden_layers = mc->num_hidden_layers;
    c->num_neurons_per_layer = mc->num_neurons_per_layer;
    c->layernorm = mc->layernorm;
    c->composition_scale = m->scale;
    c->composition = m->composition;

    c->n_params = t->n_params;
    c->params = t->params;
    c->best = t->best;
    c->n_tensors = m->mlp->n_tensors;
    c->layout = t->layout;
    c->adam_m = t->adam_m;
    c->adam_v = t->adam_v;
    c->adam_step = t->adam.step;
    c->adam_beta1 = t->adam_cfg.beta1;
    c->adam_beta2 = t->adam_cfg.beta2;
    c->adam_eps = t->adam_cfg.eps;
    c->adam_weight_decay = t->adam_cfg.weight_decay;
    c->steps_per_epoch = t->steps_per_epoch;
    c->total_steps = t->schedule.total_steps;
    c->warmup_steps = t->schedule.warmup_steps;
    c->learning_rate = t->cfg.learning_rate;

    c->best_epoch = t->best_epoch;
    c->best_metric = t->best_metric;
    c->epoch_loss_sum = step > 0 ? t->epoch_loss_sum : 0.0;
    c->n_accum = MTT_EVAL_DOUBLES;
    c->accum_local = step > 0 ? t->train_m.acc : zero_accum;

    c->history.n_rows = t->n_history;
    c->history.n_cols = t->n_cols + 3;
    c->history.names = (char **)t->csv_names;
    c->history.units = (char **)t->csv_units;
    c->history.values = t->history;
    for (int k = 0; k < MTT_TR_SETS; ++k) {
        c->n_split[k] = t->set[k].n_global;
        c->split[k] = t->split[k];
    }
}

mtt_status mtt_trainer_history_append(mtt_trainer *t, const double *row, mtt_error *err)
{
    size_t w = t->n_cols + 3;
    if (t->n_history == t->cap_history) {
        size_t cap = t->cap_history ? 2 * t->cap_history : 64;
        double *h = realloc(t->history, cap * w * sizeof *h);
        MTT_RETURN_ERROR_IF(!h, err, MTT_ERR_NOMEM, "out of memory for the training history");
        t->history = h;
        t->cap_history = cap;
    }
    memcpy(t->history + t->n_history * w, row, w * sizeof *row);
    t->n_history++;
    return MTT_OK;
}

/* The checkpoint's history rows, column by column name (a column the new run
 * does not log is dropped, a new one is NaN in the old rows). */
static mtt_status restore_history(mtt_trainer *t, const mtt_ckpt_history *h, mtt_error *err)
{
    size_t w = t->n_cols + 3;
    double row[MTT_TRAINER_CSV_COLUMNS];
    t->n_history = 0;
    for (size_t r = 0; r < h->n_rows; ++r) {
        for (size_t j = 0; j < w; ++j) {
            row[j] = NAN;
            for (size_t i = 0; i < h->n_cols; ++i)
                if (h->names[i] && strcmp(h->names[i], t->csv_names[j]) == 0) {
                    row[j] = h->values[r * h->n_cols + i];
                    break;
                }
        }
        MTT_FORWARD_IF_ERROR(mtt_trainer_history_append(t, row, err));
    }
    return MTT_OK;
}

static mtt_status check_layout(const mtt_trainer *t, const mtt_ckpt *c, mtt_error *err)
{
    int same = c->n_params == t->n_params && c->n_tensors == t->model->mlp->n_tensors;
    for (size_t i = 0; same && i < c->n_tensors; ++i) {
        const mtt_ckpt_tensor *a = &c->layout[i], *b = &t->layout[i];
        same = strcmp(a->name, b->name) == 0 && a->offset == b->offset && a->rows == b->rows &&
               a->cols == b->cols;
    }
    MTT_RETURN_ERROR_IF(!same, err, MTT_ERR_CHECKPOINT,
                        "the checkpoint's parameters (%zu in %zu tensors) do not fit this model "
                        "(%zu in %zu tensors); restart with the model hyperparameters and atomic "
                        "types it was trained with, or fine-tune from it with "
                        "architecture.training.finetune",
                        c->n_params, c->n_tensors, t->n_params, t->model->mlp->n_tensors);
    return MTT_OK;
}

static mtt_status check_splits(const mtt_trainer *t, const mtt_ckpt *c, mtt_error *err)
{
    for (int k = 0; k < MTT_TR_SETS; ++k) {
        int same = c->n_split[k] == t->set[k].n_global;
        for (size_t i = 0; same && i < c->n_split[k]; ++i) same = c->split[k][i] == t->split[k][i];
        MTT_RETURN_ERROR_IF(!same, err, MTT_ERR_CHECKPOINT,
                            "the %s set (%zu structures of %s) differs from the checkpoint's "
                            "(%zu structures): the data files, the seed or the split changed; "
                            "restart with the data it was trained on, or fine-tune on the new "
                            "data with architecture.training.finetune",
                            t->set[k].name, t->set[k].n_global,
                            t->set[k].path ? t->set[k].path : "the training file",
                            c->n_split[k]);
    }
    return MTT_OK;
}

mtt_status mtt_trainer_state_restore(mtt_trainer *t, const mtt_ckpt *c, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_layout(t, c, err));
    MTT_FORWARD_IF_ERROR(check_splits(t, c, err));
    MTT_RETURN_ERROR_IF(c->n_accum != MTT_EVAL_DOUBLES || c->world_size < 1, err,
                        MTT_ERR_CHECKPOINT,
                        "the checkpoint's epoch-in-progress metrics have %zu values per rank, "
                        "this mtt expects %d; continue with the mtt version that wrote it",
                        c->n_accum, MTT_EVAL_DOUBLES);
    const size_t n = t->n_params;
    memcpy(t->params, c->params, n * sizeof(double));
    memcpy(t->best, c->best, n * sizeof(double));
    memcpy(t->adam_m, c->adam_m, n * sizeof(double));
    memcpy(t->adam_v, c->adam_v, n * sizeof(double));
    t->adam.step = c->adam_step;
    t->best_epoch = (int)c->best_epoch;
    t->best_metric = c->best_metric;
    MTT_FORWARD_IF_ERROR(restore_history(t, &c->history, err));

    t->start_epoch = (int)c->epoch;
    mtt_eval_metrics_clear(&t->train_m);
    if (c->world_size == t->size && c->steps_per_epoch == t->steps_per_epoch) {
        t->start_step = c->step;
        t->epoch_loss_sum = c->epoch_loss_sum;
        memcpy(t->train_m.acc, c->accum + (size_t)t->rank * c->n_accum,
               c->n_accum * sizeof(double));
    } else {
        double f = c->steps_per_epoch > 0 ? (double)t->steps_per_epoch / (double)c->steps_per_epoch
                                          : 0.0;
        int64_t s = (int64_t)llround((double)c->step * f);
        if (s > t->steps_per_epoch) s = t->steps_per_epoch;
        t->start_step = s;
        t->epoch_loss_sum = c->step > 0 ? c->epoch_loss_sum * (double)s / (double)c->step : 0.0;
        if (t->rank == 0)
            for (int r = 0; r < c->world_size; ++r)
                for (size_t i = 0; i < c->n_accum; ++i)
                    t->train_m.acc[i] += c->accum[(size_t)r * c->n_accum + i];
        mtt_log_info("The checkpoint was written by %d rank%s with %lld steps per epoch; now %d "
                     "rank%s with %lld: step %lld of epoch %lld continues as step %lld (same "
                     "fraction of the epoch; the shards are re-cut, so the run is no longer "
                     "bitwise identical to an uninterrupted one)",
                     c->world_size, c->world_size == 1 ? "" : "s",
                     (long long)c->steps_per_epoch, t->size, t->size == 1 ? "" : "s",
                     (long long)t->steps_per_epoch, (long long)c->step, (long long)c->epoch,
                     (long long)s);
    }
    if (t->start_step > 0) {  /* the learning rate shown for the epoch: its last step's */
        int64_t g = (int64_t)t->start_epoch * t->steps_per_epoch + t->start_step - 1;
        t->last_lr = t->cfg.learning_rate * mtt_schedule_factor(&t->schedule, g);
    }
    return MTT_OK;
}
