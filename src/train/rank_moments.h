/* rank_moments.h — mean and variance of values spread over the ranks, as
 * accurate as one process's two-pass computation (data/moments.h).
 *
 * Collective: pass 1 sums around a value of the lowest rank that holds any
 * (broadcast), pass 2 around the global mean; each pass is one 3-double
 * allreduce, so every rank gets bitwise the same mean and variance.  A rank
 * may hold no values.  Cost: two passes over the local values, one
 * broadcast, three tiny allreduces; no allocation.
 */
#ifndef MTT_TRAIN_RANK_MOMENTS_H
#define MTT_TRAIN_RANK_MOMENTS_H

#include <stddef.h>

#include "data/moments.h"
#include "parallel/comm.h"

/* Global count, mean and population variance of the values value(ctx, i),
 * i < n_local, of every rank (0, 0, 0 when no rank has any). */
void mtt_rank_moments_compute(const mtt_comm *comm, size_t n_local, mtt_moments_value_fn value,
                              const void *ctx, double *count, double *mean, double *variance);

#endif
