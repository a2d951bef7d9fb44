/* trainer.h — `mtt train`'s training loop for the soap_bpnn model.
 *
 * mtt_trainer_run: model from the options → composition baseline and scale
 * (allreduced fits) → descriptor cache → epochs of shuffled batches with one
 * gradient allreduce and an identical Adam step per batch on every rank →
 * validation every epoch, best parameters kept → final evaluation of the
 * best model on the training, validation and test sets.  Rank 0 logs and
 * writes <run_dir>/train.csv.  docs/training.md describes the log and the
 * choices made.
 * Collective: call on every rank; failures are agreed on, every rank
 * returns the same status, rank 0's err holds the message.
 */
#ifndef MTT_TRAIN_TRAINER_H
#define MTT_TRAIN_TRAINER_H

#include "util/status.h"

/* Forward declarations keep this header light: only trainer.c reads the
 * options; the loop works on the settings it copies out of them. */
typedef struct mtt_options mtt_options;
typedef struct mtt_train_data mtt_train_data;
typedef struct mtt_comm mtt_comm;

/* What the trainer cannot do with these options (a base_precision other
 * than 64 or 32), as one MTT_ERR_OPTIONS sentence; call before creating the run folder.  Same
 * answer on every rank (no communication). */
mtt_status mtt_trainer_check_options(const mtt_options *o, mtt_error *err);

typedef struct mtt_ckpt mtt_ckpt;

/* How a run starts and where its checkpoints go. */
typedef struct mtt_trainer_run_config {
    const char *run_dir;        /* this run's folder */
    const char *final_path;     /* final checkpoint in the working folder ("model.ckpt") */
    const char *model_path;     /* exported best model (-o, default "model.pt") */
    const mtt_ckpt *resume;     /* continue this training state exactly, or NULL */
    const char *resume_path;    /* its file, for the log */
    const mtt_ckpt *finetune;   /* start from its best weights (fresh optimiser), or NULL */
    const char *finetune_path;
} mtt_trainer_run_config;

/* Exit code of a run stopped early with a valid checkpoint: resubmit
 * (EX_TEMPFAIL, as DESIGN §2). */
#define MTT_EXIT_STOPPED 75
enum { MTT_TRAINER_STOPPED_SIGNAL = 1, MTT_TRAINER_STOPPED_BUDGET = 2 };

/* How a run ended (when mtt_trainer_run returns MTT_OK). */
typedef struct mtt_trainer_outcome {
    int stopped;                /* 0: finished; 1: a signal; 2: the time budget */
    int signal;                 /* the signal that stopped it */
    char checkpoint[4200];      /* the last checkpoint written */
} mtt_trainer_outcome;

mtt_status mtt_trainer_run(const mtt_options *o, const mtt_comm *comm, mtt_train_data *td,
                           const mtt_trainer_run_config *rc, mtt_trainer_outcome *out,
                           mtt_error *err);

#endif
