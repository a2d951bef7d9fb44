/* trainer_internal.h — the trainer's state, shared by the trainer_*.c files.
 *
 * Deliberately free of options.h (whose MTT_LOSS_* names clash with
 * loss.h): trainer.c copies what the loop needs from the options and the
 * train data into mtt_trainer_cfg / mtt_trainer_set, the other files work
 * on those copies only.
 * Invariants: params, best, adam moments and every scalar here are
 * identical on all ranks (same seed, same allreduced sums, same updates);
 * caches, batches and the shuffle order are per rank.  Every buffer is
 * sized before the first epoch; the step allocates nothing.
 */
#ifndef MTT_TRAIN_TRAINER_INTERNAL_H
#define MTT_TRAIN_TRAINER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "model/soap_bpnn.h"
#include "parallel/comm.h"
#include "train/adam.h"
#include "train/evaluate.h"
#include "train/feature_cache.h"
#include "train/schedule.h"
#include "train/trainer_batch.h"

enum { MTT_TR_TRAIN = 0, MTT_TR_VAL, MTT_TR_TEST, MTT_TR_SETS };

/* Doubles after the gradient in the step's allreduce buffer:
 * [energy loss | forces loss | stress loss | failed/stop flag]. */
#define MTT_TRAINER_REDUCE_EXTRA 4

typedef struct mtt_trainer_cfg {
    uint64_t seed;
    size_t batch_size;          /* structures per rank per step */
    int num_epochs, log_interval, log_mae, scale_targets;
    double learning_rate, warmup_fraction;
    double cache_bytes;         /* descriptor cache budget per rank, bytes */
    const char *loss_name;      /* "mse", "mae", "huber" */
    double huber_delta;         /* target units */
    double w_energy, w_forces, w_stress;
    const char *energy_unit;    /* label, e.g. "eV", "kcal/mol", "" */
    const char *length_unit;    /* label, e.g. "angstrom", "" */
} mtt_trainer_cfg;

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
    double *reduce;             /* n_params + MTT_TRAINER_REDUCE_EXTRA: gradient | scalars */
    double *adam_m, *adam_v;    /* n_params */
    mtt_adam_config adam_cfg;
    mtt_adam_state adam;
    mtt_schedule schedule;

    mtt_feature_cache cache[MTT_TR_SETS];  /* test: built only for the final evaluation */
    mtt_batch batch;
    size_t *order;              /* training shard, shuffled each epoch */
    double *baseline_train;     /* composition energy of each local training structure */
    int64_t steps_per_epoch;    /* identical on every rank */

    double force_std;           /* std of the training force components (E/Å) */
    double energy_std;          /* std of the training per-atom energies (E) */
    double baseline_val_rmse;   /* validation E/N RMSE of the composition baseline alone */

    mtt_eval_metrics train_m, val_m;  /* last epoch's, summed over ranks */
    double epoch_loss;          /* mean over the epoch's steps of the global batch loss */
    double last_lr;             /* learning rate of the epoch's last step */
    double best_metric;         /* product of validation RMSEs of the best epoch */
    int best_epoch;             /* -1 before the first epoch */
} mtt_trainer;

/* trainer_fit.c: composition baseline, scale, data statistics (collective). */
mtt_status mtt_trainer_fit_baseline(mtt_trainer *t, mtt_error *err);
/* trainer_prepare.c: caches (with close-contact warnings), buffers (collective). */
mtt_status mtt_trainer_prepare(mtt_trainer *t, mtt_error *err);
/* Build the cache of one set with the given budget (collective: warnings
 * and the memory line are gathered to rank 0). */
mtt_status mtt_trainer_build_cache(mtt_trainer *t, int set, double budget_bytes,
                                   mtt_error *err);
/* trainer_step.c */
mtt_status mtt_trainer_loss_kind(const char *name, int *kind, mtt_error *err);
/* One optimiser step on local structures idx[0..n) (n may be 0); *loss
 * receives the global batch loss.  A non-finite loss → MTT_ERR_NUMERIC
 * (the caller names epoch and step), parameters untouched. */
mtt_status mtt_trainer_step(mtt_trainer *t, const size_t *idx, size_t n, double lr,
                            double *loss, mtt_error *err);
/* Global metrics of a set with the given parameters (collective). */
mtt_status mtt_trainer_evaluate(mtt_trainer *t, int set, const double *params,
                                mtt_eval_metrics *m, mtt_error *err);
/* trainer_loop.c: all epochs, logging and train.csv (collective). */
mtt_status mtt_trainer_loop(mtt_trainer *t, const char *run_dir, mtt_error *err);
/* trainer_replicas.c: after each epoch, stop every rank together with one
 * error naming the epoch when the parameter arrays differ between ranks
 * (a hash compared by one small allreduce; nothing on one rank). */
mtt_status mtt_trainer_check_replicas(mtt_trainer *t, int epoch, mtt_error *err);
/* The 64-bit checksum of a parameter array used by that check. */
uint64_t mtt_trainer_params_hash(const double *params, size_t n);
/* trainer_report.c: final evaluation and ratios of the best model (collective). */
mtt_status mtt_trainer_report(mtt_trainer *t, mtt_error *err);
/* Display helpers shared by the loop and the report. */
void mtt_trainer_unit(const mtt_trainer *t, int q, int per_atom, char *out, size_t n);

#endif
