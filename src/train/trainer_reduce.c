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
 *
 * All ranks on one node (the common case of a node's worth of ranks, and of
 * every run on one machine): the same exchange without messages.  Each rank
 * has a segment of a shared window (parallel/shared.h):
 *
 *   segment of rank q:  [ g^q (n) | x^q (X) | parameters (n doubles, or n floats) ]
 *
 * The backward pass writes g^q there directly; after a fence rank r adds
 * slice r of every g^q in rank order into t->slice_grad and every x^q into
 * t->agreed (the same sum in the same order on every rank); after Adam a
 * second fence, and each rank copies the other slices of the parameters
 * from their owners' segments.  A rank writes only its own segment; between
 * the fences the others read only what it will not write before the next
 * fence.  Measured on 2 cores (docs/performance.md, "Node-shared exchange"):
 * half the time the ethanol example's steps spend in collectives.
 *
 * Two ranks at 64 bits (mtt_trainer_reduce_fused): no slice sum is written.
 * Adam reads g^0 + g^1 of its slice in its own loop (the same doubles, in
 * the same order; the loads hide behind its sqrt and division) and stores
 * every new parameter into its own segment and into the other rank's, so
 * the second fence is the whole all-gather.  Between the two fences rank r
 * writes only slice r of the parameters, which no rank reads before the
 * second fence.  Measured: the ethanol example's 2-rank training loop 8%
 * shorter (docs/performance.md, stop 25).
 * MTT_SHARED_EXCHANGE=0 in the environment keeps the messages (for
 * comparisons).
 */
#include "config.h"

#include <stdio.h>
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
    t->slice_grad = calloc(most + X, sizeof *t->slice_grad);
    MTT_RETURN_ERROR_IF(!t->slice_count || !t->reduce_count || !t->slice_grad, err,
                        MTT_ERR_NOMEM, "out of memory for the gradient of %zu parameters", n);
    const char *off = getenv("MTT_SHARED_EXCHANGE");
    t->exchange_why = "MTT_SHARED_EXCHANGE=0";
    if (size > 1 && !(off && strcmp(off, "0") == 0))
        MTT_FORWARD_IF_ERROR(mtt_comm_shared_create(t->comm, (2 * n + X) * sizeof(double),
                                                    &t->shared, &t->exchange_why, err));
    if (t->shared) {
        t->n_reduce = n + X;
        t->reduce = mtt_comm_shared_segment(t->shared, t->rank);
        return MTT_OK;
    }
    t->n_reduce = n + (size > 1 ? size * X : 0);
    t->reduce = calloc(t->n_reduce ? t->n_reduce : 1, sizeof *t->reduce);
    MTT_RETURN_ERROR_IF(!t->reduce, err, MTT_ERR_NOMEM,
                        "out of memory for the gradient of %zu parameters", n);
    return MTT_OK;
}

/* Rank q's parameters in the shared window: after its reduce buffer. */
static void *segment_params(const mtt_trainer *t, int q)
{
    return (double *)mtt_comm_shared_segment(t->shared, q) + t->n_params + X;
}

void mtt_trainer_reduce_share_params(mtt_trainer *t)
{
    if (!t->shared || t->shared_params) return;
    void *room = segment_params(t, t->rank);
    if (t->params_f) {
        memcpy(room, t->params_f, t->n_params * sizeof *t->params_f);
        free(t->params_f);
        t->params_f = room;
    } else {
        memcpy(room, t->params, t->n_params * sizeof *t->params);
        free(t->params);
        t->params = room;
    }
    t->shared_params = 1;
}

void mtt_trainer_reduce_gather_params(mtt_trainer *t)
{
    if (t->size <= 1) return;
    if (!t->shared_params) {
        if (t->params_f) mtt_comm_allgather_floats(t->comm, t->params_f, t->slice_count);
        else mtt_comm_allgather_doubles(t->comm, t->params, t->slice_count);
        return;
    }
    mtt_comm_shared_fence(t->shared);
    if (mtt_trainer_reduce_fused(t, NULL, NULL, NULL)) return; /* Adam pushed them */
    const size_t width = t->params_f ? sizeof *t->params_f : sizeof *t->params;
    char *own = t->params_f ? (char *)t->params_f : (char *)t->params;
    size_t begin = 0;
    for (int q = 0; q < t->size; begin += t->slice_count[q], ++q)
        if (q != t->rank)
            memcpy(own + begin * width, (const char *)segment_params(t, q) + begin * width,
                   t->slice_count[q] * width);
}

int mtt_trainer_reduce_fused(const mtt_trainer *t, const double **g0, const double **g1,
                             double **copy)
{
    if (!t->shared || t->size != 2 || t->params_f || !t->shared_params) return 0;
    const size_t begin = t->slice_offset;
    if (g0) *g0 = (const double *)mtt_comm_shared_segment(t->shared, 0) + begin;
    if (g1) *g1 = (const double *)mtt_comm_shared_segment(t->shared, 1) + begin;
    if (copy) *copy = (double *)segment_params(t, 1 - t->rank) + begin;
    return 1;
}

void mtt_trainer_reduce_slice_gradient(const mtt_trainer *t, double *out)
{
    const double *g0, *g1;
    const size_t c = t->slice_count[t->rank];
    if (!mtt_trainer_reduce_fused(t, &g0, &g1, NULL)) {
        memcpy(out, t->slice_grad, c * sizeof *out);
        return;
    }
    for (size_t i = 0; i < c; ++i) out[i] = g0[i] + g1[i];
}

void mtt_trainer_reduce_describe(const mtt_trainer *t, char *out, size_t cap)
{
    if (t->size <= 1) snprintf(out, cap, "one rank, no exchange");
    else if (mtt_trainer_reduce_fused(t, NULL, NULL, NULL))
        snprintf(out, cap,
                 "2 ranks on one node: Adam sums the two gradients of its half of the "
                 "parameters in shared memory and stores the new values for both ranks (2 "
                 "fences per step)");
    else if (t->shared)
        snprintf(out, cap,
                 "%d ranks on one node: the gradient summed and the parameters copied from "
                 "each other's shared memory (2 fences per step)",
                 t->size);
    else
        snprintf(out, cap,
                 "%d ranks: reduce-scatter of the gradient, all-gather of the parameters "
                 "(no shared window: %s)",
                 t->size, t->exchange_why ? t->exchange_why : "?");
}

void mtt_trainer_reduce_free(mtt_trainer *t)
{
    if (t->shared_params) {  /* they live in the window freed below */
        if (t->params_f) t->params_f = NULL;
        else t->params = NULL;
        t->shared_params = 0;
    }
    if (t->shared) t->reduce = NULL;
    mtt_comm_shared_free(t->shared);
    t->shared = NULL;
    free(t->slice_count);
    free(t->reduce_count);
    free(t->slice_grad);
    free(t->reduce);
    t->slice_count = t->reduce_count = NULL;
    t->slice_grad = t->reduce = NULL;
    t->n_reduce = 0;
}

/* The sums over ranks in rank order, read from every segment (see the top). */
static void shared_exchange(mtt_trainer *t, const double *x)
{
    const size_t n = t->n_params, begin = t->slice_offset, c = t->slice_count[t->rank];
    memcpy(t->reduce + n, x, X * sizeof *x);
    mtt_comm_shared_fence(t->shared);
    const double *g0 = mtt_comm_shared_segment(t->shared, 0);
    const double *g1 = mtt_comm_shared_segment(t->shared, 1);
    double *restrict out = t->slice_grad;
    if (mtt_trainer_reduce_fused(t, NULL, NULL, NULL)) { /* Adam adds the slices */
        for (int k = 0; k < X; ++k) t->agreed[k] = g0[n + k] + g1[n + k];
        memcpy(out + c, t->agreed, sizeof t->agreed);
        return;
    }
    for (size_t i = 0; i < c; ++i) out[i] = g0[begin + i] + g1[begin + i];
    for (int k = 0; k < X; ++k) t->agreed[k] = g0[n + k] + g1[n + k];
    for (int q = 2; q < t->size; ++q) {
        const double *g = mtt_comm_shared_segment(t->shared, q);
        for (size_t i = 0; i < c; ++i) out[i] += g[begin + i];
        for (int k = 0; k < X; ++k) t->agreed[k] += g[n + k];
    }
    memcpy(out + c, t->agreed, sizeof t->agreed);
}

void mtt_trainer_reduce_exchange(mtt_trainer *t, const double *x)
{
    if (t->size <= 1) {
        memcpy(t->agreed, x, sizeof t->agreed);
        return;
    }
    if (t->shared) {
        shared_exchange(t, x);
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
