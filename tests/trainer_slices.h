/* trainer_slices.h — test helpers for the sharded optimizer step.
 *
 * With several ranks mtt_trainer_step reduce-scatters the gradient: each
 * rank keeps only the summed gradient of its slice of the parameters
 * (t->slice_grad), as trainer.c sets the slices up.  These helpers give a
 * test trainer the same slices and put the summed gradient that Adam
 * received back together on every rank.  Header-only, for tests.
 */
#ifndef MTT_TESTS_TRAINER_SLICES_H
#define MTT_TESTS_TRAINER_SLICES_H

#include <stdlib.h>
#include <string.h>

#include "parallel/comm.h"
#include "train/trainer_internal.h"

/* Slices as trainer.c makes them: rank r updates [r n / size, (r+1) n / size). */
static inline int test_trainer_slices_create(mtt_trainer *t)
{
    const size_t n = t->n_params, size = (size_t)t->size;
    t->slice_count = calloc(size, sizeof *t->slice_count);
    if (!t->slice_count) return 0;
    size_t most = 0;
    for (size_t r = 0; r < size; ++r) {
        size_t a = r * n / size, b = (r + 1) * n / size;
        t->slice_count[r] = b - a;
        if ((int)r == t->rank) t->slice_offset = a;
        most = b - a > most ? b - a : most;
    }
    t->slice_grad = calloc(most ? most : 1, sizeof *t->slice_grad);
    return t->slice_grad != NULL;
}

static inline void test_trainer_slices_free(mtt_trainer *t)
{
    free(t->slice_count);
    free(t->slice_grad);
    t->slice_count = NULL;
    t->slice_grad = NULL;
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
    memcpy(g + t->slice_offset, t->slice_grad, t->slice_count[t->rank] * sizeof *g);
    mtt_comm_sum_doubles(t->comm, g, t->n_params);
}

#endif
