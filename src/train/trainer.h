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

/* What the trainer cannot do with these options (base_precision 32), as one
 * MTT_ERR_OPTIONS sentence; call before creating the run folder.  Same
 * answer on every rank (no communication). */
mtt_status mtt_trainer_check_options(const mtt_options *o, mtt_error *err);

mtt_status mtt_trainer_run(const mtt_options *o, const mtt_comm *comm, mtt_train_data *td,
                           const char *run_dir, mtt_error *err);

#endif
