/* rank_moments.c — the corrected two-pass mean and variance over ranks;
 * see rank_moments.h. */
#include "config.h"

#include "train/rank_moments.h"

#include <stdint.h>

void mtt_rank_moments_compute(const mtt_comm *comm, size_t n_local, mtt_moments_value_fn value,
                              const void *ctx, double *count, double *mean, double *variance)
{
    /* the shift of pass 1: the first value of the lowest rank holding one,
     * so that x − shift is exact for clustered data on every rank */
    int64_t owner = n_local > 0 ? (int64_t)mtt_comm_rank(comm) : INT64_MAX;
    mtt_comm_min_int64(comm, &owner, 1);
    *count = *mean = *variance = 0.0;
    if (owner == INT64_MAX) return;  /* nobody has values: the same on every rank */
    double shift = n_local > 0 ? value(ctx, 0) : 0.0;
    mtt_comm_bcast_bytes(comm, &shift, sizeof shift, (int)owner);

    double sums[3] = {0, 0, 0}, m, v;
    mtt_moments_shifted_sums(n_local, value, ctx, shift, sums);
    mtt_comm_sum_doubles(comm, sums, 3);
    mtt_moments_from_sums(sums, shift, &m, &v);
    /* pass 2 around the global mean (identical on all ranks: same sums) */
    sums[0] = sums[1] = sums[2] = 0.0;
    mtt_moments_shifted_sums(n_local, value, ctx, m, sums);
    mtt_comm_sum_doubles(comm, sums, 3);
    *count = sums[0];
    mtt_moments_from_sums(sums, m, mean, variance);
}
