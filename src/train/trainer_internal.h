/* trainer_internal.h — the trainer's state, shared by the trainer_*.c files.
 *
 * Deliberately free of options.h (whose MTT_LOSS_* names clash with
 * loss.h): trainer.c copies what the loop needs from the options and the
 * train data into mtt_trainer_cfg / mtt_trainer_set, the other files work
 * on those copies only.
 * Invariants: params, best, adam moments and every scalar here are
 * identical on all ranks (same seed, same allreduced sums, same updates) —
 * except, with 3 or more ranks, the last bit of the loss terms in agreed[]
 * and of epoch_loss_sum within an epoch (trainer_reduce.c); the epoch's
 * loss is made identical at its end.  Caches, batches, the shuffle order
 * and the step plan's local part are per rank.  Every buffer is
 * sized before the first epoch; the step allocates nothing.
 */
#ifndef MTT_TRAIN_TRAINER_INTERNAL_H
#define MTT_TRAIN_TRAINER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "io/checkpoint.h"
#include "model/soap_bpnn.h"
#include "parallel/comm.h"
#include "parallel/shared.h"
#include "train/adam.h"
#include "train/evaluate.h"
#include "train/feature_cache.h"
#include "train/schedule.h"
#include "train/trainer_batch.h"

enum { MTT_TR_TRAIN = 0, MTT_TR_VAL, MTT_TR_TEST, MTT_TR_SETS };

/* Wall time of the training loop by phase (per rank, seconds). */
enum {
    MTT_PHASE_FEATURES = 0, /* loading the batch's descriptors (cache or recompute) */
    MTT_PHASE_COMPUTE,      /* forward + backward: network and SOAP contractions */
    MTT_PHASE_COLLECTIVE,   /* inside collectives of the step: transfer and waiting */
    MTT_PHASE_OPTIMIZER,    /* Adam */
    MTT_PHASE_VALIDATION,   /* validation pass and its reduction */
    MTT_PHASE_CHECKPOINT,   /* checkpoint writes */
    MTT_PHASE_COUNT
};

/* The step's scalars, carried in the trailing room of every rank's slice of
 * the gradient reduce-scatter (trainer_reduce.c), so each rank receives
 * their sums over ranks with its slice of the gradient.  The flags are
 * summed 0/1 values (exact in any order), > 0 means "some rank": every rank
 * acts alike. */
enum {
    MTT_TRAINER_X_LOSS_ENERGY = 0, /* this rank's share of the energy loss term */
    MTT_TRAINER_X_LOSS_FORCES,     /* ... of the forces term */
    MTT_TRAINER_X_LOSS_STRESS,     /* ... of the stress or virial term */
    MTT_TRAINER_X_FAILED,          /* loading the batch or the local step failed */
    MTT_TRAINER_X_NONFINITE,       /* a local loss term is not finite (or so large that
                                      the sum over ranks could overflow) */
    MTT_TRAINER_X_STOP_SIGNAL,     /* stop: a signal arrived (t->want[0]) */
    MTT_TRAINER_X_STOP_BUDGET,     /* stop: the time budget is used up (t->want[1]) */
    MTT_TRAINER_X_CHECKPOINT,      /* checkpoint now: checkpoint_every_minutes (t->want[2]) */
    MTT_TRAINER_REDUCE_EXTRA
};
enum { MTT_TRAINER_STOP_SIGNAL = 1, MTT_TRAINER_STOP_BUDGET = 2 };

typedef struct mtt_trainer_cfg {
    uint64_t seed;
    size_t batch_size;          /* structures per rank per step */
    int num_epochs, log_interval, log_mae, scale_targets;
    int balance_batches;        /* 1: an epoch's batches hold nearly equal atoms (trainer_plan.c) */
    double learning_rate, warmup_fraction;
    double cache_bytes;         /* descriptor cache budget per rank, bytes */
    const char *loss_name;      /* "mse", "mae", "huber" */
    double huber_delta;         /* target units */
    double w_energy, w_forces, w_stress;
    const char *energy_unit;    /* label, e.g. "eV", "kcal/mol", "" */
    const char *length_unit;    /* label, e.g. "angstrom", "" */
    int checkpoint_interval;    /* epochs: model_<epoch>.ckpt when epoch % interval == 0 */
    int keep_checkpoints;       /* periodic checkpoints kept in the run folder, 0 = all */
    double checkpoint_seconds;  /* wall-clock checkpoint period, 0 = off */
    int precision;              /* base_precision */
} mtt_trainer_cfg;

/* One column of the epoch line and of train.csv after Epoch, learning rate
 * and training loss. */
typedef struct mtt_trainer_column {
    char name[96];
    char unit[64];   /* display unit */
    int set, q, mae; /* which number */
    int width, precision;
} mtt_trainer_column;

#define MTT_TRAINER_MAX_COLUMNS (2 * MTT_Q_COUNT * 2)
#define MTT_TRAINER_CSV_COLUMNS (MTT_TRAINER_MAX_COLUMNS + 3)

typedef struct mtt_trainer_set {
    const char *name;           /* "training", "validation", "test" */
    const char *path;           /* file its structures come from */
    const mtt_dataset *ds;      /* this rank's shard (may hold 0 structures) */
    size_t n_global;            /* structures over all ranks */
    const size_t *frames;       /* n_global frame indices in path, ascending */
    mtt_eval_targets has;       /* quantities every structure carries */
} mtt_trainer_set;

typedef struct mtt_trainer {
    mtt_trainer_cfg cfg;
    const mtt_comm *comm;
    int rank, size;
    mtt_trainer_set set[MTT_TR_SETS];
    mtt_eval_targets trained;   /* quantities in the loss */
    int loss_kind;              /* mtt_loss_kind, resolved in trainer_step.c */

    mtt_sbp_model *model;
    mtt_sbp_work *work;
    size_t n_params;
    double *params, *best;      /* n_params */
    /* the step's reduction buffer, n_reduce doubles (trainer_reduce.c): the
     * local gradient in [0, n_params) after the backward pass; on several
     * ranks then packed in place as [slice 0 | scalars | slice 1 | scalars
     * | ...] for the one reduce-scatter; with a node-shared window
     * (t->shared) it is this rank's segment, [gradient | scalars], which
     * the other ranks read in place */
    double *reduce;
    size_t n_reduce;            /* n_params + size · EXTRA; with a shared window n_params + EXTRA */
    /* all ranks on one node (trainer_reduce.c): each rank's segment holds
     * its reduce buffer and then its parameters (t->params, or t->params_f
     * at base_precision 32, live there once shared_params is set) */
    mtt_comm_shared *shared;
    const char *exchange_why;   /* why there is no shared window (for the log), or NULL */
    int shared_params;
    double agreed[MTT_TRAINER_REDUCE_EXTRA]; /* the last step's scalars summed over ranks */
    double *adam_m, *adam_v;    /* n_params */
    /* base_precision 32 (trainer_floats.c; NULL at 64): the parameters and
     * Adam's moments in float, which the steps read and update — params,
     * adam_m and adam_v above are their exact double copies, brought up to
     * date at the end of each epoch's steps (params) and before every
     * checkpoint (all three) — and the step's float gradient */
    float *params_f, *adam_m_f, *adam_v_f, *grad_f;
    mtt_adam_config adam_cfg;
    mtt_adam_state adam;
    mtt_schedule schedule;

    mtt_feature_cache cache[MTT_TR_SETS];  /* test: built only for the final evaluation */
    mtt_batch batch;
    size_t *order;              /* training shard, shuffled each epoch */
    double *baseline_train;     /* composition energy of each local training structure */
    int64_t steps_per_epoch;    /* identical on every rank */
    /* global [structures, force components, stress entries] of every step of
     * the epoch in progress, 3 × steps_per_epoch (trainer_plan.c) */
    double *step_totals;
    /* this rank's work (descriptors + forward/backward, microseconds) in
     * each step of the epoch in progress, steps_per_epoch entries; after each
     * full epoch the per-step maximum over ranks is summed into
     * step_work_max_s and this rank's total into step_work_s (the per-step
     * imbalance, trainer_loop.c) */
    int64_t *step_work;
    /* the plan of the epoch in progress (trainer_plan.c): step k takes
     * t->order[plan_first[k] .. plan_first[k + 1]); scratch for the balanced
     * batches (plan_items: one per local training structure, plan_heap: one
     * per step) */
    size_t *plan_first;         /* steps_per_epoch + 1 */
    size_t *plan_scratch;       /* 3 × steps_per_epoch */
    int64_t *plan_load;         /* steps_per_epoch */
    struct mtt_plan_item *plan_items;
    size_t *plan_members;       /* steps_per_epoch × batch_size: the batches' items */
    double step_work_max_s, step_work_s;

    double force_std;           /* std of the training force components (E/Å) */
    double energy_std;          /* std of the training per-atom energies (E) */
    double baseline_val_rmse;   /* validation E/N RMSE of the composition baseline alone */

    mtt_eval_metrics train_m, val_m;  /* last epoch's, summed over ranks */
    double epoch_loss;          /* mean over the epoch's steps of the global batch loss */
    double last_lr;             /* learning rate of the epoch's last step */
    double best_metric;         /* product of validation RMSEs of the best epoch */
    int best_epoch;             /* -1 before the first epoch */
    double epoch_loss_sum;      /* sum of the global batch losses of the epoch's steps so far */

    /* ---- checkpoints and restart (trainer_state.c, trainer_checkpoint.c) */
    mtt_sbp_config model_cfg;   /* hyperparameters the model was built with */
    const char *options_yaml;   /* expanded options, stored in checkpoints */
    const char *metadata_yaml;  /* carried from a checkpoint, or NULL */
    const char *run_dir;
    const char *final_path;     /* the final checkpoint in the working folder ("model.ckpt") */
    int64_t *split[MTT_TR_SETS];/* frame indices of each set, for checkpoints */
    int start_epoch;            /* where the loop begins (restart) */
    int64_t start_step;
    mtt_trainer_column cols[MTT_TRAINER_MAX_COLUMNS];
    size_t n_cols;
    double *history;            /* logged rows, n_history × (n_cols + 3) */
    size_t n_history, cap_history;
    int stopped;                /* MTT_TRAINER_STOP_* that ended the run early, 0 = finished */
    int stop_signal;            /* the signal behind MTT_TRAINER_STOP_SIGNAL */
    double longest_step_s;      /* wall seconds of the longest step so far */
    double checkpoint_s;        /* wall seconds of the last checkpoint write (estimate before) */
    double last_checkpoint_at;  /* mtt_stop_now() of the last checkpoint (or the start) */
    double want[3];             /* this rank's flags for the next step: signal, budget, time */
    mtt_ckpt_tensor *layout;    /* model->mlp tensors as checkpoint layout rows */
    const char *csv_names[MTT_TRAINER_CSV_COLUMNS], *csv_units[MTT_TRAINER_CSV_COLUMNS];
    const double *given_composition; /* restart: composition and scale from the checkpoint */
    double given_scale;
    double test_step_delay_s;   /* MTT_TEST_STEP_DELAY_MS (tests only), 0 = none */
    int test_fail_rank;         /* MTT_TEST_STEP_FAIL=RANK:STEP (tests only): this rank */
    int64_t test_fail_step;     /* fails loading its batch at global step STEP - 1; 0 = none */
    size_t *slice_count;        /* size entries: parameters each rank updates (sharded Adam) */
    size_t *reduce_count;       /* size entries: slice_count[r] + MTT_TRAINER_REDUCE_EXTRA */
    size_t slice_offset;        /* first parameter of this rank's slice */
    double *slice_grad;         /* the summed gradient of this rank's slice | summed scalars */
    uint64_t step_collectives;  /* MPI collective calls made inside steps (logged per step) */
    int64_t steps_run;          /* steps run by this process */
    double phase_s[MTT_PHASE_COUNT];
    char last_checkpoint[4200]; /* path of the newest checkpoint written */
} mtt_trainer;

/* trainer_fit.c: composition baseline, scale, data statistics (collective). */
mtt_status mtt_trainer_fit_baseline(mtt_trainer *t, mtt_error *err);
/* trainer_prepare.c: caches (with close-contact warnings), buffers (collective). */
mtt_status mtt_trainer_prepare(mtt_trainer *t, mtt_error *err);
/* Build the cache of one set with the given budget (collective: warnings
 * and the memory line are gathered to rank 0). */
mtt_status mtt_trainer_build_cache(mtt_trainer *t, int set, double budget_bytes,
                                   mtt_error *err);
/* trainer_plan.c: the epoch's shuffle of this rank's shard into t->order
 * and the global counts of each of its steps into t->step_totals (one
 * allreduce of 3 × steps_per_epoch doubles; collective).  Depends only on
 * (seed, epoch, rank, shard), so a restart in the middle of an epoch
 * recomputes the same plan. */
void mtt_trainer_plan_epoch(mtt_trainer *t, int epoch);
/* How many of n shuffled structures an epoch trains: on one process whole
 * batches only (steps_per_epoch × batch_size, metatrain's drop_last), on
 * several ranks all n (trainer_prepare.c sets the steps to match). */
size_t mtt_trainer_epoch_structures(const mtt_trainer *t, size_t n);
/* The plan's buffers, once t->steps_per_epoch is known (local, no collective). */
mtt_status mtt_trainer_plan_alloc(mtt_trainer *t, mtt_error *err);
/* The local structures of step k of the planned epoch: t->order[*start ..
 * *start + *n), n = 0 once this rank's shard is used up. */
void mtt_trainer_plan_batch(const mtt_trainer *t, int64_t k, size_t *start, size_t *n);
/* trainer_reduce.c: the slices of the sharded update and the reduction
 * buffers (t->reduce, t->slice_grad, ...; for t->size ranks, n_params set). */
mtt_status mtt_trainer_reduce_create(mtt_trainer *t, mtt_error *err);
void mtt_trainer_reduce_free(mtt_trainer *t);
/* After the backward pass: this rank's scalars x[MTT_TRAINER_REDUCE_EXTRA]
 * and gradient t->reduce[0, n_params) are summed over ranks; the sums of the
 * scalars land in t->agreed on every rank and the summed gradient of this
 * rank's slice in t->slice_grad — one reduce-scatter (collective).  One
 * rank: t->agreed = x, the gradient stays in t->reduce, no communication. */
void mtt_trainer_reduce_exchange(mtt_trainer *t, const double *x);
/* With a shared window: move the parameters the steps update (t->params, or
 * t->params_f at base_precision 32) into this rank's segment, so that
 * mtt_trainer_reduce_gather_params reads the other ranks' slices in place
 * (trainer.c, once, after the float copies exist).  No-op otherwise. */
void mtt_trainer_reduce_share_params(mtt_trainer *t);
/* After Adam updated this rank's slice of the parameters the steps use:
 * every rank's slice to every rank (collective; an all-gather, or with
 * shared parameters a fence and copies from the other segments). */
void mtt_trainer_reduce_gather_params(mtt_trainer *t);
/* Two ranks sharing a window at 64 bits, the parameters in it: Adam reads
 * the two gradients (*g0, *g1 at this rank's slice) instead of a sum
 * written first, and stores the new parameters into the other rank's
 * segment too (*copy), so that mtt_trainer_reduce_gather_params only
 * fences.  Returns 1 then, 0 (and sets nothing) otherwise. */
int mtt_trainer_reduce_fused(const mtt_trainer *t, const double **g0, const double **g1,
                             double **copy);
/* After a step on several ranks: the gradient of this rank's slice summed
 * over ranks (slice_count[rank] doubles), as the update received it. */
void mtt_trainer_reduce_slice_gradient(const mtt_trainer *t, double *out);
/* One line for the log: how the step's gradient and parameters travel. */
void mtt_trainer_reduce_describe(const mtt_trainer *t, char *out, size_t cap);
/* trainer_step.c */
mtt_status mtt_trainer_loss_kind(const char *name, int *kind, mtt_error *err);
/* One optimiser step on local structures idx[0..n) (n may be 0), normalised
 * by totals[3], the step's global [structures, force components, stress
 * entries] (t->step_totals of the plan; identical on all ranks).  *loss
 * receives the global batch loss (for 3 or more ranks possibly differing in
 * the last bit between ranks: see trainer_reduce.c).  A failure on any rank
 * reaches every rank with its message; a non-finite loss → MTT_ERR_NUMERIC
 * on every rank (the caller names epoch and step); parameters untouched in
 * both cases.  On several ranks exactly one reduce-scatter and one
 * all-gather when nothing failed. */
mtt_status mtt_trainer_step(mtt_trainer *t, const size_t *idx, size_t n, const double totals[3],
                            double lr, double *loss, mtt_error *err);
/* Bring every rank's slice of the Adam moments to all ranks, and at
 * base_precision 32 the float parameters and moments into the double
 * arrays (collective; before a checkpoint). */
void mtt_trainer_gather_optimizer(mtt_trainer *t);
/* trainer_floats.c (base_precision 32; each does nothing at 64) */
mtt_status mtt_trainer_floats_create(mtt_trainer *t, mtt_error *err);
void mtt_trainer_floats_free(mtt_trainer *t);
/* params, adam_m, adam_v rounded into the float copies (before the steps) */
void mtt_trainer_floats_load(mtt_trainer *t);
/* the float parameters (and, with moments, Adam's moments) into the double
 * copies, exactly */
void mtt_trainer_floats_store(mtt_trainer *t, int moments);
/* Global metrics of a set with the given parameters (collective). */
mtt_status mtt_trainer_evaluate(mtt_trainer *t, int set, const double *params,
                                mtt_eval_metrics *m, mtt_error *err);
/* trainer_loop.c: the logged columns (before a restore, which maps the
 * history onto them); all epochs from (start_epoch, start_step), logging,
 * train.csv and checkpoints; returns MTT_OK with t->stopped set when a
 * signal or the budget ended it early (collective). */
mtt_status mtt_trainer_columns(mtt_trainer *t);
mtt_status mtt_trainer_loop(mtt_trainer *t, const char *run_dir, mtt_error *err);
/* trainer_state.c: a checkpoint view of the state (pointing at the
 * trainer's arrays; do not mtt_ckpt_free it) at position (epoch, step). */
void mtt_trainer_state_view(const mtt_trainer *t, int64_t epoch, int64_t step, int finished,
                            mtt_ckpt *c);
/* Continue from c (after the model, baseline and caches exist): parameters,
 * optimiser, schedule position, best model, history, epoch in progress; a
 * different rank count or batch size re-maps the step (collective-free,
 * identical on all ranks). */
mtt_status mtt_trainer_state_restore(mtt_trainer *t, const mtt_ckpt *c, mtt_error *err);
/* Append the row of a logged epoch to the history (epoch, lr, loss, columns). */
mtt_status mtt_trainer_history_append(mtt_trainer *t, const double *row, mtt_error *err);
/* trainer_checkpoint.c: write a checkpoint of the state at (epoch, step)
 * to the run folder (model_<epoch>.ckpt at an epoch boundary, i.e. step 0
 * after `epoch - 1`, else model_<epoch>_<step>.ckpt), prune, time it
 * (collective). */
mtt_status mtt_trainer_checkpoint(mtt_trainer *t, int64_t epoch, int64_t step, mtt_error *err);
/* The final checkpoint: <run_dir>/model.ckpt, then final_path (collective). */
mtt_status mtt_trainer_checkpoint_final(mtt_trainer *t, mtt_error *err);
/* trainer_replicas.c: after each epoch, stop every rank together with one
 * error naming the epoch when the parameter arrays differ between ranks
 * (a hash compared by one small allreduce; nothing on one rank). */
mtt_status mtt_trainer_check_replicas(mtt_trainer *t, int epoch, mtt_error *err);
/* The 64-bit checksum of a parameter array used by that check. */
uint64_t mtt_trainer_params_hash(const double *params, size_t n);
/* trainer_export.c: the best model exported to <run_dir>/model.pt (its path
 * in model_path) and out_path (collective: rank 0 writes). */
mtt_status mtt_trainer_export(mtt_trainer *t, const char *out_path, char *model_path, size_t n,
                              mtt_error *err);
/* Global metrics of a set computed through an exported model (libmtt). */
typedef struct mtt_model mtt_model;
mtt_status mtt_trainer_evaluate_exported(mtt_trainer *t, int set, const mtt_model *model,
                                         mtt_eval_metrics *m, mtt_error *err);
/* trainer_report.c: final evaluation and ratios of the best model (collective). */
mtt_status mtt_trainer_report(mtt_trainer *t, const mtt_model *exported, const char *path,
                              mtt_error *err);
/* Display helpers shared by the loop and the report. */
void mtt_trainer_unit(const mtt_trainer *t, int q, int per_atom, char *out, size_t n);

#endif
