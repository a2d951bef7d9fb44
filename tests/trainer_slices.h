/* trainer_slices.h — test helpers for the sharded optimizer step.
 *
 * With several ranks mtt_trainer_step reduce-scatters the gradient: each
 * rank keeps only the summed gradient of its slice of the parameters
 * (t->slice_grad), as trainer.c sets the slices up.  These helpers give a
 * test trainer the same slices and buffers, the global counts a step is
 * normalised by, and put the summed gradient that Adam received back
 * together on every rank.  Header-only, for tests.
 */
#ifndef MTT_TESTS_TRAINER_SLICES_H
#define MTT_TESTS_TRAINER_SLICES_H

#include <stdlib.h>
#include <string.h>

#include "parallel/comm.h"
#include "train/trainer_internal.h"

/* The slices and reduction buffers as trainer.c makes them (rank r updates
 * [r n / size, (r+1) n / size)); also allocates t->reduce. */
static inline int test_trainer_slices_create(mtt_trainer *t)
{
    mtt_error err;
    return mtt_trainer_reduce_create(t, &err) == MTT_OK;
}

static inline void test_trainer_slices_free(mtt_trainer *t) { mtt_trainer_reduce_free(t); }

/* The global counts of a step over the local structures idx[0..n), as the
 * epoch plan (trainer_plan.c) gives them to the loop (collective when
 * t->size > 1; this is the test's collective, not the step's). */
static inline void test_trainer_totals(const mtt_trainer *t, const size_t *idx, size_t n,
                                       double totals[3])
{
    totals[0] = totals[1] = totals[2] = 0.0;
    if (n > 0) mtt_batch_counts(t->set[MTT_TR_TRAIN].ds, idx, n, t->trained.forces, totals);
    if (t->size > 1) mtt_comm_sum_doubles(t->comm, totals, 3);
}

/* The global gradient of the last step into g[0..n_params) on every rank
 * (collective when t->size > 1): one rank's t->reduce is the whole of it;
 * otherwise every rank's summed slice, gathered. */
static inline void test_trainer_gradient(const mtt_trainer *t, double *g)
{
    if (t->size <= 1) {
        memcpy(g, t->reduce, t->n_params * sizeof *g);
        return;
    }
    memset(g, 0, t->n_params * sizeof *g);
    mtt_trainer_reduce_slice_gradient(t, g + t->slice_offset);
    mtt_comm_sum_doubles(t->comm, g, t->n_params);
}

#endif
