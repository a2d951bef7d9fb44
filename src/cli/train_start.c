/* train_start.c — restart and fine-tuning set-up for `mtt train` (see
 * train_start.h). */
#include "config.h"

#include "cli/train_start.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/export.h"
#include "train/restart_find.h"
#include "util/file.h"
#include "util/log.h"
#include "util/rng.h"

mtt_status mtt_train_start_resolve(const mtt_comm *comm, const char *arg, const char *final_path,
                                   mtt_train_start *s, mtt_error *err)
{
    memset(s, 0, sizeof *s);
    if (!arg) return MTT_OK;
    mtt_status st = MTT_OK;
    if (mtt_comm_rank(comm) == 0) {
        if (strcmp(arg, "auto") == 0) {
            mtt_ckpt_progress p;
            st = mtt_restart_find("outputs", final_path, s->resume_path, sizeof s->resume_path,
                                  &p, err);
            if (st == MTT_OK && !s->resume_path[0])
                mtt_log_info("--restart auto: no valid checkpoint under outputs/ or in %s; "
                             "Starting training from scratch",
                             final_path);
            else if (st == MTT_OK)
                mtt_log_info("--restart auto: %s has the most progress (epoch %lld, step %lld%s)",
                             s->resume_path, (long long)p.epoch, (long long)p.step,
                             p.finished ? ", finished" : "");
        } else {
            struct stat sb;
            if (stat(arg, &sb) != 0)
                st = mtt_error_set(err, MTT_ERR_USAGE,
                                   "--restart %s: no such file; give an existing .ckpt file, or "
                                   "--restart auto to pick the newest valid one under outputs/",
                                   arg);
            else
                snprintf(s->resume_path, sizeof s->resume_path, "%s", arg);
        }
    }
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) return st;
    mtt_comm_bcast_bytes(comm, s->resume_path, sizeof s->resume_path, 0);
    if (!s->resume_path[0]) return MTT_OK;
    st = mtt_ckpt_read_collective(comm, s->resume_path, &s->resume, err);
    if (st != MTT_OK) return st;
    /* the checkpoint's options, to compare with the new ones */
    st = mtt_options_load_text(s->resume.options_yaml, s->resume_path, NULL, 0,
                               &s->resume_options, err);
    if (st != MTT_OK)
        mtt_error_prefix(err, "%s: the options stored in the checkpoint do not load: ",
                         s->resume_path);
    return mtt_comm_agree(comm, st, err);
}

void mtt_train_start_seed(const mtt_comm *comm, const mtt_train_start *s, mtt_options *o)
{
    if (o->seed_given) {
        mtt_log_info("Random seed: %lld", (long long)o->seed);
    } else if (s->resume_options) {
        mtt_options_set_seed(o, s->resume_options->seed);
        mtt_log_info("Random seed: %lld (from the checkpoint)", (long long)o->seed);
    } else {  /* rank 0 draws, everyone uses it */
        int64_t seed = mtt_comm_rank(comm) == 0 ? mtt_rng_draw_seed() : 0;
        mtt_comm_bcast_bytes(comm, &seed, sizeof seed, 0);
        mtt_options_set_seed(o, seed);
        mtt_log_info("Random seed: %lld (drawn; set seed: in the options to repeat this run)",
                     (long long)seed);
    }
}

mtt_status mtt_train_start_check_options(const mtt_train_start *s, const mtt_options *o,
                                         mtt_error *err)
{
    if (!s->resume_options) return MTT_OK;
    /* the data: other files would not fit the recorded split and history */
    const mtt_dataset_opts *was[3] = {&s->resume_options->training_set,
                                      &s->resume_options->validation_set,
                                      &s->resume_options->test_set};
    const mtt_dataset_opts *now[3] = {&o->training_set, &o->validation_set, &o->test_set};
    static const char *const names[3] = {"training_set", "validation_set", "test_set"};
    for (int k = 0; k < 3; ++k) {
        const char *a = was[k]->read_from ? was[k]->read_from : "";
        const char *b = now[k]->read_from ? now[k]->read_from : "";
        MTT_RETURN_ERROR_IF(strcmp(a, b) != 0, err, MTT_ERR_OPTIONS,
                            "--restart %s: %s.systems.read_from changed from '%s' to '%s'; a "
                            "restart continues on the data it was trained on; to train on "
                            "other data, fine-tune instead: architecture.training.finetune: "
                            "{method: full, read_from: %s}",
                            s->resume_path, names[k], a, b, s->resume_path);
    }
    size_t changed = 0;
    mtt_status st = mtt_options_compare(s->resume_options, o, &changed, err);
    if (st != MTT_OK) {
        mtt_error_prefix(err, "--restart %s: ", s->resume_path);
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len,
                 " (to train a changed model from these weights, fine-tune instead: "
                 "architecture.training.finetune: {method: full, read_from: %s})",
                 s->resume_path);
        return st;
    }
    if (changed)
        mtt_log_info("Restart: %zu option%s changed since the checkpoint (listed above); the "
                     "new values apply from here on",
                     changed, changed == 1 ? "" : "s");
    return MTT_OK;
}

int mtt_train_start_is_finished(const mtt_train_start *s, const mtt_options *o)
{
    if (!s->resume_path[0]) return 0;
    return s->resume.epoch >= o->training.num_epochs && s->resume.step == 0;
}

mtt_status mtt_train_start_finish(const mtt_comm *comm, mtt_train_start *s,
                                  const char *final_path, const char *model_path,
                                  mtt_error *err)
{
    mtt_log_info("The training in %s is already finished (%lld epochs, best epoch %lld); "
                 "nothing to do",
                 s->resume_path, (long long)s->resume.epoch, (long long)s->resume.best_epoch);
    int missing[2] = {0, 0};
    if (mtt_comm_rank(comm) == 0) {
        struct stat sb;
        missing[0] = stat(final_path, &sb) != 0;
        missing[1] = stat(model_path, &sb) != 0;
    }
    mtt_comm_bcast_bytes(comm, missing, sizeof missing, 0);
    mtt_ckpt c = s->resume;
    if (missing[0]) {  /* a hard link of the finished checkpoint, as at the end of a run */
        int linked = 0;
        if (mtt_comm_rank(comm) == 0 && s->resume.finished) {
            mtt_error e;
            linked = mtt_file_link_atomic(s->resume_path, final_path, &e) == MTT_OK;
        }
        mtt_comm_bcast_bytes(comm, &linked, sizeof linked, 0);
        if (linked) {
            mtt_log_info("Wrote the missing final checkpoint %s (the same file as %s)",
                         final_path, s->resume_path);
            missing[0] = 0;
        }
    }
    if (missing[0]) {  /* another file system, or a state finished by a lower num_epochs */
        static const double zeros[64];
        c.finished = 1;
        c.world_size = mtt_comm_size(comm);
        MTT_RETURN_ERROR_IF(c.n_accum > 64, err, MTT_ERR_CHECKPOINT,
                            "%s: unexpected epoch accumulator size %zu", s->resume_path,
                            c.n_accum);
        c.accum_local = zeros;
        MTT_FORWARD_IF_ERROR(mtt_ckpt_write(comm, final_path, &c, err));
        mtt_log_info("Wrote the missing final checkpoint %s", final_path);
    }
    if (missing[1]) {
        mtt_status st = MTT_OK;
        if (mtt_comm_rank(comm) == 0) st = mtt_export_model_from_ckpt(&c, model_path, err);
        MTT_FORWARD_IF_ERROR(mtt_comm_agree(comm, st, err));
        mtt_log_info("Wrote the missing exported model %s (best epoch %lld)", model_path,
                     (long long)c.best_epoch);
    }
    return MTT_OK;
}

/* A model option the user set (it differs from the default) to another value
 * than the checkpoint's would be silently replaced: refused instead. */
static mtt_status check_user_architecture(const mtt_options *o, const mtt_ckpt *c,
                                          const char *path, mtt_error *err)
{
    mtt_options *d = NULL;
    MTT_FORWARD_IF_ERROR(mtt_options_defaults(&d, err));
    const struct { const char *key; double mine, fallback, theirs; } rows[] = {
        {"architecture.model.soap.cutoff.radius", o->model.cutoff_radius, d->model.cutoff_radius,
         c->cutoff},
        {"architecture.model.soap.cutoff.width", o->model.cutoff_width, d->model.cutoff_width,
         c->cutoff_width},
        {"architecture.model.soap.max_radial", o->model.max_radial, d->model.max_radial,
         c->max_radial},
        {"architecture.model.soap.max_angular", o->model.max_angular, d->model.max_angular,
         c->max_angular},
        {"architecture.model.bpnn.num_hidden_layers", o->model.num_hidden_layers,
         d->model.num_hidden_layers, c->num_hidden_layers},
        {"architecture.model.bpnn.num_neurons_per_layer", o->model.num_neurons_per_layer,
         d->model.num_neurons_per_layer, c->num_neurons_per_layer},
        {"architecture.model.bpnn.layernorm", o->model.layernorm, d->model.layernorm,
         c->layernorm},
    };
    mtt_options_free(d);
    const char *file = o->source_path ? o->source_path : "options";
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; ++i)
        MTT_RETURN_ERROR_IF(rows[i].mine != rows[i].fallback && rows[i].mine != rows[i].theirs,
                            err, MTT_ERR_OPTIONS,
                            "%s: %s is %g but %s was trained with %g; fine-tuning keeps the "
                            "checkpoint's architecture, so remove the key or set it to %g",
                            file, rows[i].key, rows[i].mine, path, rows[i].theirs,
                            rows[i].theirs);
    int same = o->n_atomic_types == c->n_species; /* as sets: types are distinct */
    for (size_t i = 0; same && i < o->n_atomic_types; ++i) {
        same = 0;
        for (size_t j = 0; j < c->n_species; ++j) same |= o->atomic_types[i] == c->species[j];
    }
    MTT_RETURN_ERROR_IF(o->n_atomic_types > 0 && !same, err, MTT_ERR_OPTIONS,
                        "%s: architecture.atomic_types differs from the %zu types %s was "
                        "trained with; fine-tuning keeps the checkpoint's types, so remove the key",
                        file, c->n_species, path);
    return MTT_OK;
}

/* The architecture and atomic types of c replace the options' model section. */
static mtt_status apply_architecture(mtt_options *o, const mtt_ckpt *c, const char *path,
                                     mtt_error *err)
{
    MTT_RETURN_ERROR_IF(strcmp(c->architecture, "soap_bpnn") != 0, err, MTT_ERR_CHECKPOINT,
                        "%s: architecture %s cannot be fine-tuned by this mtt (soap_bpnn only)",
                        path, c->architecture);
    MTT_FORWARD_IF_ERROR(check_user_architecture(o, c, path, err));
    o->model.cutoff_radius = c->cutoff;
    o->model.cutoff_width = c->cutoff_width;
    o->model.max_radial = c->max_radial;
    o->model.max_angular = c->max_angular;
    o->model.num_hidden_layers = c->num_hidden_layers;
    o->model.num_neurons_per_layer = c->num_neurons_per_layer;
    o->model.layernorm = c->layernorm;
    /* base_precision stays the options': the weights are widened or rounded */
    int *types = malloc((c->n_species ? c->n_species : 1) * sizeof *types);
    MTT_RETURN_ERROR_IF(!types, err, MTT_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c->n_species; ++i) types[i] = c->species[i];
    free(o->atomic_types);
    o->atomic_types = types;
    o->n_atomic_types = c->n_species;
    o->atomic_types_source = path;
    return MTT_OK;
}

mtt_status mtt_train_start_finetune(const mtt_comm *comm, mtt_options *o, mtt_train_start *s,
                                    mtt_error *err)
{
    const char *from = o->training.finetune_read_from;
    mtt_status st = MTT_OK;
    if (!from) {
        MTT_RETURN_ERROR_IF(o->training.finetune_method, err, MTT_ERR_OPTIONS,
                            "%s: architecture.training.finetune.read_from is missing; name the "
                            "checkpoint to fine-tune from",
                            o->source_path ? o->source_path : "options");
        return MTT_OK;
    }
    if (s->resume_path[0]) {
        /* a job chain restarting a fine-tuning: the checkpoint carries the
         * fine-tuned weights; only its architecture is taken again */
        mtt_log_info("Restarting a fine-tuning: the weights come from %s, not from %s",
                     s->resume_path, from);
        return apply_architecture(o, &s->resume, s->resume_path, err);
    }
    if (mtt_comm_rank(comm) == 0) {
        struct stat sb;
        if (stat(from, &sb) != 0)
            st = mtt_error_set(err, MTT_ERR_OPTIONS,
                               "%s: architecture.training.finetune.read_from: %s does not exist; "
                               "name an existing .ckpt file",
                               o->source_path ? o->source_path : "options", from);
    }
    MTT_FORWARD_IF_ERROR(mtt_comm_agree(comm, st, err));
    snprintf(s->finetune_path, sizeof s->finetune_path, "%s", from);
    MTT_FORWARD_IF_ERROR(mtt_ckpt_read_collective(comm, from, &s->finetune, err));
    const mtt_ckpt *c = &s->finetune;
    MTT_FORWARD_IF_ERROR(apply_architecture(o, c, s->finetune_path, err));
    mtt_log_info("Fine-tuning from %s: its architecture (cutoff %g, max_radial %d, max_angular "
                 "%d, %d hidden layers of %d) and its %zu atomic types replace the options' "
                 "model section; it was trained at base_precision %d, this run trains at %d",
                 from, c->cutoff, c->max_radial, c->max_angular, c->num_hidden_layers,
                 c->num_neurons_per_layer, c->n_species, c->precision, o->base_precision);
    return MTT_OK;
}

void mtt_train_start_free(mtt_train_start *s)
{
    mtt_ckpt_free(&s->resume);
    mtt_ckpt_free(&s->finetune);
    mtt_options_free(s->resume_options);
    memset(s, 0, sizeof *s);
}
