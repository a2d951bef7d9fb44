/* trainer_reduce.c — one collective carries the step's gradient AND its
 * scalars: the reduce-scatter of the sharded update.
 *
 * Sharded update (docs/training.md): rank r owns parameters [r n / P,
 * (r + 1) n / P) (n parameters, P ranks): it receives the gradient summed
 * over ranks of that slice only (reduce-scatter), applies Adam to it, and
 * the all-gather brings every slice to every rank.  Before any rank changes
 * its slice, every rank must know the step's scalars summed over ranks: the
 * loss terms (to report and to check that they are finite), whether some
 * rank failed, and the stop and checkpoint requests (so all ranks stop after
 * the same step).  Instead of an allreduce of its own — one more point where
 * every rank waits for the slowest — the scalars ride in the reduce-scatter:
 *
 *   t->reduce after the backward pass:  [g_0 | g_1 | ... | g_{P-1}]
 *   packed in place (from the last slice down, memmove):
 *                    [g_0 | x | g_1 | x | ... | g_{P-1} | x]
 *   rank r receives  [Σ g_r | Σ x]   in t->slice_grad
 *
 * where x is this rank's MTT_TRAINER_REDUCE_EXTRA scalars, copied after
 * every slice, so each rank's received part ends with the sums over ranks of
 * the scalars.  The flags are 0/1, so their sums are exact and identical on
 * every rank.  The loss terms are sums of P doubles which the MPI library
 * may add in a different order for different slices: for P ≥ 3 a rank's
 * loss may differ from another's in the last bit.  Nothing that touches the
 * parameters depends on it (finiteness is an agreed flag, see trainer_step.c);
 * the one place the loss is kept, the epoch's mean, is taken from rank 0 on
 * every rank (trainer_loop.c), and checkpoints store rank 0's sum.
 *
 * One rank: no packing, no communication; the gradient stays in place.
 * Cost: a memmove of the gradient minus the first slice (memory bandwidth,
 * well below the reduce-scatter's own passes over it), P · 8 extra doubles
 * in the message.  Buffers are sized here once; the step allocates nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "train/trainer_internal.h"

enum { X = MTT_TRAINER_REDUCE_EXTRA };

mtt_status mtt_trainer_reduce_create(mtt_trainer *t, mtt_error *err)
{
    const size_t n = t->n_params, size = (size_t)(t->size > 0 ? t->size : 1);
    t->slice_count = calloc(size, sizeof *t->slice_count);
    t->reduce_count = calloc(size, sizeof *t->reduce_count);
    size_t most = 0;
    for (size_t r = 0; t->slice_count && t->reduce_count && r < size; ++r) {
        size_t a = r * n / size, b = (r + 1) * n / size;
        t->slice_count[r] = b - a;
        t->reduce_count[r] = b - a + X;
        if ((int)r == t->rank) t->slice_offset = a;
        most = b - a > most ? b - a : most;
    }
    t->n_reduce = n + (size > 1 ? size * X : 0);
    t->slice_grad = calloc(most + X, sizeof *t->slice_grad);
    t->reduce = calloc(t->n_reduce ? t->n_reduce : 1, sizeof *t->reduce);
    MTT_RETURN_ERROR_IF(!t->slice_count || !t->reduce_count || !t->slice_grad || !t->reduce, err,
                        MTT_ERR_NOMEM, "out of memory for the gradient of %zu parameters", n);
    return MTT_OK;
}

void mtt_trainer_reduce_free(mtt_trainer *t)
{
    free(t->slice_count);
    free(t->reduce_count);
    free(t->slice_grad);
    free(t->reduce);
    t->slice_count = t->reduce_count = NULL;
    t->slice_grad = t->reduce = NULL;
    t->n_reduce = 0;
}

void mtt_trainer_reduce_exchange(mtt_trainer *t, const double *x)
{
    if (t->size <= 1) {
        memcpy(t->agreed, x, sizeof t->agreed);
        return;
    }
    /* from the last slice down: slice r moves up by r·X, its scalars follow
     * it into the room where slice r + 1 began (already moved) */
    size_t end = t->n_params;
    for (int r = t->size - 1; r >= 0; --r) {
        size_t c = t->slice_count[r], begin = end - c, shift = (size_t)r * X;
        if (shift) memmove(t->reduce + begin + shift, t->reduce + begin, c * sizeof *t->reduce);
        memcpy(t->reduce + end + shift, x, X * sizeof *x);
        end = begin;
    }
    mtt_comm_reduce_scatter_doubles(t->comm, t->reduce, t->slice_grad, t->reduce_count);
    memcpy(t->agreed, t->slice_grad + t->slice_count[t->rank], sizeof t->agreed);
}
