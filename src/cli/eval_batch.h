/* eval_batch.h — `mtt eval -b N`: N structures predicted at a time, each on
 * its own thread, through the public libmtt API (concurrent calls on one
 * model are safe: every call has its own workspace).  Results stay in the
 * jobs, so the caller writes and scores them in order; the output is the
 * same for every N.  Cost: N − 1 thread creations per block of N.
 */
#ifndef MTT_CLI_EVAL_BATCH_H
#define MTT_CLI_EVAL_BATCH_H

#include <stddef.h>

#include "data/dataset.h"
#include "mtt/mtt.h"

typedef struct mtt_eval_job {
    const mtt_model *model;
    const mtt_dataset *ds;
    size_t structure;
    double energy;
    double *forces;             /* caller-owned, 3 × atoms of the structure */
    double virial[9];
    mtt_model_status status;
    mtt_model_error error;
} mtt_eval_job;

/* Predict structures first..first+count of ds into jobs[0..count). */
void mtt_eval_batch_compute(const mtt_model *model, const mtt_dataset *ds, size_t first,
                            size_t count, mtt_eval_job *jobs);

#endif
