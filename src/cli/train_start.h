/* train_start.h — how `mtt train` starts: from scratch, from a checkpoint
 * (--restart PATH|auto) or from a model to fine-tune
 * (architecture.training.finetune).  DESIGN §2 and §6; docs/restart.md.
 *
 * Order in cmd_train.c: resolve the restart (rank 0 picks, all read the
 * same checkpoint) → load the options → check them against the
 * checkpoint's (training hyperparameters may change and are logged; model
 * hyperparameters, atomic types and data files may not) → a finished
 * training ends here (exit 0) → fine-tuning reads its checkpoint and takes
 * its architecture.  Every function is collective and agrees on failure.
 */
#ifndef MTT_CLI_TRAIN_START_H
#define MTT_CLI_TRAIN_START_H

#include "io/checkpoint.h"
#include "options/options.h"
#include "parallel/comm.h"
#include "util/status.h"

typedef struct mtt_train_start {
    char resume_path[4200];     /* "" when starting afresh */
    mtt_ckpt resume;            /* read when resume_path[0] */
    mtt_options *resume_options;/* the checkpoint's options */
    char finetune_path[4200];
    mtt_ckpt finetune;          /* read when finetune_path[0] */
} mtt_train_start;

/* --restart ARG: "auto" searches outputs/ and final_path (rank 0), a path is
 * taken as is; NULL: no restart.  Reads the chosen checkpoint on all ranks. */
mtt_status mtt_train_start_resolve(const mtt_comm *comm, const char *arg, const char *final_path,
                                   mtt_train_start *s, mtt_error *err);

/* The seed to use when the options give none: the checkpoint's (restart),
 * else rank 0 draws one.  Logs it. */
void mtt_train_start_seed(const mtt_comm *comm, const mtt_train_start *s, mtt_options *o);

/* Restart: compare the options with the checkpoint's and log each change;
 * refuse changed model hyperparameters with how to fine-tune instead. */
mtt_status mtt_train_start_check_options(const mtt_train_start *s, const mtt_options *o,
                                         mtt_error *err);

/* 1 when the restart checkpoint holds a training that is already done for
 * these options (finished flag, or as many epochs as num_epochs). */
int mtt_train_start_is_finished(const mtt_train_start *s, const mtt_options *o);

/* A finished training: write the final checkpoint final_path and the
 * exported model model_path when missing (collective), log what is there. */
mtt_status mtt_train_start_finish(const mtt_comm *comm, mtt_train_start *s,
                                  const char *final_path, const char *model_path,
                                  mtt_error *err);

/* Fine-tuning: read finetune.read_from, take its model hyperparameters and
 * atomic types into o (the data may hold a subset of the types). */
mtt_status mtt_train_start_finetune(const mtt_comm *comm, mtt_options *o, mtt_train_start *s,
                                    mtt_error *err);

void mtt_train_start_free(mtt_train_start *s);

#endif
