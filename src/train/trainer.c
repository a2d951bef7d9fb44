/* trainer.c — mtt_trainer_run: the table of contents of training.
 *
 * options + train data → trainer state (the only file that reads
 * mtt_options) → model → baseline and scale → caches → epochs → report.
 * Every stage is collective and returns an agreed status.
 */
#include "config.h"

#include "train/trainer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtt/mtt.h"
#include "options/options.h"
#include "parallel/comm.h"
#include "train/stop.h"
#include "train/train_data.h"
#include "train/trainer_internal.h"
#include "util/log.h"

static void fill_config(const mtt_options *o, mtt_trainer_cfg *c)
{
    c->seed = (uint64_t)o->seed;
    c->batch_size = (size_t)o->training.batch_size;
    c->num_epochs = o->training.num_epochs;
    c->log_interval = o->training.log_interval;
    c->log_mae = o->training.log_mae;
    c->balance_batches = o->training.balance_batches;
    c->scale_targets = o->training.scale_targets;
    c->learning_rate = o->training.learning_rate;
    c->warmup_fraction = o->training.warmup_fraction;
    c->cache_bytes = o->training.descriptor_cache_mb * 1024.0 * 1024.0;
    c->loss_name = mtt_loss_type_name(o->training.loss_type);
    c->huber_delta = o->training.huber_delta;
    c->w_energy = o->training.energy_weight;
    c->w_forces = o->training.forces_weight;
    c->w_stress = o->training.stress_weight;
    c->energy_unit = o->training_set.energy.unit ? o->training_set.energy.unit : "";
    c->length_unit = o->training_set.length_unit ? o->training_set.length_unit : "";
    c->checkpoint_interval = o->training.checkpoint_interval;
    c->keep_checkpoints = o->training.keep_checkpoints;
    c->checkpoint_seconds = 60.0 * o->training.checkpoint_every_minutes;
    c->precision = o->base_precision;
}

static void fill_sets(const mtt_options *o, const mtt_train_data *td, mtt_trainer *t)
{
    static const mtt_set_kind kinds[MTT_TR_SETS] = {MTT_SET_TRAINING, MTT_SET_VALIDATION,
                                                   MTT_SET_TEST};
    for (int k = 0; k < MTT_TR_SETS; ++k) {
        const mtt_set_info *s = &td->set[kinds[k]];
        mtt_trainer_set *d = &t->set[k];
        d->name = mtt_set_name(kinds[k]);
        d->path = s->path;
        d->ds = td->shard[kinds[k]];
        d->n_global = s->n_structures;
        d->frames = s->frames;
        d->has.energy = s->has_energy;
        d->has.forces = s->has_forces;
        d->has.stress = s->has_stress;
        d->has.virial = s->has_virial;
    }
    const mtt_set_info *tr = &td->set[MTT_SET_TRAINING];
    t->energy_std = tr->energy_per_atom_std;
    t->trained.energy = tr->has_energy;
    t->trained.forces = tr->has_forces && o->training_set.energy.forces;
    t->trained.stress = tr->has_stress && o->training_set.energy.stress;
    t->trained.virial = tr->has_virial && o->training_set.energy.virial;
}

/* Model and every array of parameter size (identical on all ranks). */
static mtt_status create_model(const mtt_options *o, const mtt_train_data *td, mtt_trainer *t,
                               mtt_error *err)
{
    mtt_sbp_config mc;
    memset(&mc, 0, sizeof mc);
    mc.cutoff = o->model.cutoff_radius;
    mc.width = o->model.cutoff_width;
    mc.max_radial = o->model.max_radial;
    mc.max_angular = o->model.max_angular;
    mc.num_hidden_layers = o->model.num_hidden_layers;
    mc.num_neurons_per_layer = o->model.num_neurons_per_layer;
    mc.layernorm = o->model.layernorm;
    mc.n_species = td->n_atomic_types;
    mc.species = td->atomic_types;
    mc.grid_spacing = MTT_SOAP_DEFAULT_GRID;
    mc.precision = o->base_precision;
    MTT_FORWARD_IF_ERROR(mtt_sbp_create(&mc, &t->model, err));
    t->model_cfg = mc;
    t->model_cfg.species = NULL;  /* td's array; the model keeps its own copy */
    size_t n = t->model->n_params;
    t->n_params = n;
    t->params = calloc(n ? n : 1, sizeof(double));
    t->best = calloc(n ? n : 1, sizeof(double));
    t->adam_m = calloc(n ? n : 1, sizeof(double));
    t->adam_v = calloc(n ? n : 1, sizeof(double));
    const mtt_mlp *net = t->model->mlp;
    t->layout = calloc(net->n_tensors ? net->n_tensors : 1, sizeof *t->layout);
    MTT_RETURN_ERROR_IF(!t->params || !t->best || !t->adam_m || !t->adam_v || !t->layout,
                        err, MTT_ERR_NOMEM, "out of memory for %zu model parameters", n);
    /* sharded Adam: rank r updates parameters [r n / size, (r + 1) n / size) */
    MTT_FORWARD_IF_ERROR(mtt_trainer_reduce_create(t, err));
    for (size_t i = 0; i < net->n_tensors; ++i) {
        snprintf(t->layout[i].name, sizeof t->layout[i].name, "%s", net->tensors[i].name);
        t->layout[i].offset = (int64_t)net->tensors[i].offset;
        t->layout[i].rows = (int64_t)net->tensors[i].rows;
        t->layout[i].cols = (int64_t)net->tensors[i].cols;
    }
    mtt_sbp_init_params(t->model, t->params, t->cfg.seed);
    memcpy(t->best, t->params, n * sizeof(double));
    t->adam_cfg = mtt_adam_config_default();
    mtt_adam_state_init(&t->adam, n, t->adam_m, t->adam_v);
    MTT_FORWARD_IF_ERROR(mtt_trainer_floats_create(t, err));
    mtt_trainer_reduce_share_params(t);  /* one node: the parameters in its shared window */
    if (t->size > 1) {
        char exchange[256];
        mtt_trainer_reduce_describe(t, exchange, sizeof exchange);
        mtt_log_info("Gradient exchange: %s", exchange);
    }

    char species[512];
    size_t k = 0;
    species[0] = '\0';
    for (size_t i = 0; i < t->model->n_species && k + 8 < sizeof species; ++i)
        k += (size_t)snprintf(species + k, sizeof species - k, "%s%d", i ? ", " : "",
                              t->model->species[i]);
    mtt_log_info("Model: soap_bpnn, atomic types [%s], descriptor size %zu, %zu trainable "
                 "parameters",
                 species, t->model->dim, n);
    if (t->model->precision == 32)
        mtt_log_info("Base precision 32: descriptors, pair gradients, the networks, parameters "
                     "and Adam in float; the gradient sum over ranks, energy and force sums, "
                     "losses and metrics in double");
    return MTT_OK;
}

static void trainer_free(mtt_trainer *t)
{
    for (int k = 0; k < MTT_TR_SETS; ++k) mtt_feature_cache_free(&t->cache[k]);
    mtt_batch_free(&t->batch);
    mtt_sbp_work_free(t->work);
    mtt_sbp_free(t->model);
    mtt_trainer_reduce_free(t);  /* first: it owns the parameters once they are shared */
    free(t->params);
    free(t->best);
    free(t->adam_m);
    free(t->adam_v);
    mtt_trainer_floats_free(t);
    free(t->step_totals);
    free(t->step_work);
    free(t->plan_first);
    free(t->plan_scratch);
    free(t->plan_load);
    free(t->plan_items);
    free(t->plan_members);
    free(t->order);
    free(t->baseline_train);
    free(t->layout);
    free(t->history);
    for (int k = 0; k < MTT_TR_SETS; ++k) free(t->split[k]);
}

/* Frame indices of each set as int64, for checkpoints. */
static mtt_status copy_splits(mtt_trainer *t, mtt_error *err)
{
    for (int k = 0; k < MTT_TR_SETS; ++k) {
        size_t n = t->set[k].n_global;
        t->split[k] = malloc((n ? n : 1) * sizeof *t->split[k]);
        MTT_RETURN_ERROR_IF(!t->split[k], err, MTT_ERR_NOMEM, "out of memory for the split");
        for (size_t i = 0; i < n; ++i) t->split[k][i] = (int64_t)t->set[k].frames[i];
    }
    return MTT_OK;
}

/* Fine-tuning (method full): the checkpoint's best weights start the
 * training; optimiser, schedule and epochs start afresh; composition and
 * scale are fitted again on the new training set. */
static mtt_status start_from_finetune(mtt_trainer *t, const mtt_ckpt *c, const char *path,
                                      mtt_error *err)
{
    int same = c->n_params == t->n_params && c->n_tensors == t->model->mlp->n_tensors;
    for (size_t i = 0; same && i < c->n_tensors; ++i)
        same = strcmp(c->layout[i].name, t->layout[i].name) == 0 &&
               c->layout[i].offset == t->layout[i].offset;
    MTT_RETURN_ERROR_IF(!same, err, MTT_ERR_CHECKPOINT,
                        "%s: its parameter layout does not match the model built from it; the "
                        "file may come from another mtt version",
                        path);
    memcpy(t->params, c->best, t->n_params * sizeof(double));
    memcpy(t->best, c->best, t->n_params * sizeof(double));
    mtt_log_info("Fine-tuning (method full) from %s: the weights of its best epoch %lld start "
                 "the training; optimiser, learning-rate schedule and epoch counter start "
                 "afresh; the composition baseline and energy scale are fitted again on the new "
                 "training set (the checkpoint had scale %.10g)",
                 path, (long long)c->best_epoch, c->composition_scale);
    return MTT_OK;
}

mtt_status mtt_trainer_check_options(const mtt_options *o, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(o->base_precision != 64 && o->base_precision != 32, err, MTT_ERR_OPTIONS,
                        "%s: base_precision: %d is not supported; set 64 or 32",
                        o->source_path ? o->source_path : "options", o->base_precision);
    return MTT_OK;
}

mtt_status mtt_trainer_run(const mtt_options *o, const mtt_comm *comm, mtt_train_data *td,
                           const mtt_trainer_run_config *rc, mtt_trainer_outcome *out,
                           mtt_error *err)
{
    mtt_trainer t;
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    t.best_epoch = -1;
    t.comm = comm;
    t.rank = mtt_comm_rank(comm);
    t.size = mtt_comm_size(comm);
    t.run_dir = rc->run_dir;
    t.final_path = rc->final_path;
    char *options_yaml = NULL;
    mtt_status st = MTT_OK;

    st = mtt_trainer_check_options(o, err);
    if (st != MTT_OK) goto cleanup;
    fill_config(o, &t.cfg);
    fill_sets(o, td, &t);
    if (!t.trained.energy) {
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "%s: the training set has no energies under the key '%s'; set "
                           "training_set.targets.energy.key to the energy's name in the file",
                           t.set[MTT_TR_TRAIN].path ? t.set[MTT_TR_TRAIN].path : "training set",
                           o->training_set.energy.key ? o->training_set.energy.key : "energy");
        goto cleanup;
    }
    st = mtt_options_to_yaml(o, &options_yaml, err);
    t.options_yaml = options_yaml;
    if (rc->resume) t.metadata_yaml = rc->resume->metadata_yaml;
    else if (rc->finetune) t.metadata_yaml = rc->finetune->metadata_yaml;
    if (st == MTT_OK) st = mtt_trainer_loss_kind(t.cfg.loss_name, &t.loss_kind, err);
    if (st == MTT_OK) st = create_model(o, td, &t, err);
    if (st == MTT_OK) st = copy_splits(&t, err);
    if (st == MTT_OK && rc->finetune)
        st = start_from_finetune(&t, rc->finetune, rc->finetune_path, err);
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) goto cleanup;
    /* first estimate of a checkpoint write, replaced by the measured time */
    t.checkpoint_s = 1.0 + 4.0 * 8.0 * (double)t.n_params / 100e6;
    if (rc->resume) {
        t.given_composition = rc->resume->composition;
        t.given_scale = rc->resume->composition_scale;
    }

    st = mtt_trainer_fit_baseline(&t, err);
    if (st == MTT_OK) st = mtt_trainer_prepare(&t, err);
    if (st == MTT_OK) st = mtt_trainer_columns(&t);
    if (st == MTT_OK && rc->resume) {
        st = mtt_trainer_state_restore(&t, rc->resume, err);
        st = mtt_comm_agree(comm, st, err);
        if (st == MTT_OK)
            mtt_log_info("Continuing from %s at epoch %d, step %lld of %lld (%lld optimiser "
                         "steps done, best epoch so far %d)",
                         rc->resume_path, t.start_epoch, (long long)t.start_step,
                         (long long)t.steps_per_epoch, (long long)t.adam.step, t.best_epoch);
    }
    if (st == MTT_OK) st = mtt_trainer_loop(&t, rc->run_dir, err);
    if (st == MTT_OK && t.stopped) {
        out->stopped = t.stopped;
        out->signal = t.stop_signal;
        snprintf(out->checkpoint, sizeof out->checkpoint, "%s", t.last_checkpoint);
        goto cleanup;
    }
    if (st == MTT_OK) st = mtt_trainer_checkpoint_final(&t, err);
    if (st == MTT_OK) snprintf(out->checkpoint, sizeof out->checkpoint, "%s", t.last_checkpoint);
    char model_path[4200];
    if (st == MTT_OK) st = mtt_trainer_export(&t, rc->model_path, model_path, sizeof model_path, err);
    mtt_model *exported = NULL;
    if (st == MTT_OK) {
        mtt_model_error me;
        if (mtt_model_open(model_path, MTT_MODEL_OPEN_QUIET, &exported, &me) != MTT_MODEL_OK)
            st = mtt_error_set(err, MTT_ERR_INTERNAL, "%s: the model just exported does not "
                               "load: %s", model_path, me.message);
        st = mtt_comm_agree(comm, st, err);
    }
    if (st == MTT_OK) st = mtt_trainer_report(&t, exported, rc->model_path, err);
    mtt_model_close(exported);
cleanup:
    trainer_free(&t);
    free(options_yaml);
    return st;
}
