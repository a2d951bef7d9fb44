/* rng.h — counter-based random numbers: Philox-4x32-10 (Salmon et al., SC'11).
 *
 * Every random number is a pure function of (seed, stream, counter): there is
 * no generator state to save in checkpoints, and any draw of any epoch on any
 * rank can be reproduced alone.  The 64-bit seed is the Philox key; the
 * 128-bit Philox counter is (counter, stream), so distinct streams never
 * overlap.  Build a stream from several integers (epoch, rank, purpose) with
 * mtt_rng_stream_key().
 *
 * Invariants: results are identical on every platform and build (integer
 * arithmetic only; mtt_rng_uniform is exact).  Cost: one Philox block (~10
 * 32x32->64 multiplies per word pair) per draw; no allocation.
 */
#ifndef MTT_UTIL_RNG_H
#define MTT_UTIL_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Purposes, combined with other integers by mtt_rng_stream_key so that e.g.
 * the validation split and epoch 0's shuffle never share a stream. */
enum {
    MTT_RNG_PURPOSE_SPLIT_VALIDATION = 1,
    MTT_RNG_PURPOSE_SPLIT_TEST = 2,
    MTT_RNG_PURPOSE_EPOCH_SHUFFLE = 3,
    MTT_RNG_PURPOSE_INIT_WEIGHTS = 4,
    MTT_RNG_PURPOSE_BATCH_BALANCE = 5
};

/* The raw Philox-4x32-10 bijection (Random123 philox4x32_R(10, ctr, key)). */
void mtt_rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                           uint32_t out[4]);

/* 64 random bits: the first two words of Philox(ctr = {counter lo, counter
 * hi, stream lo, stream hi}, key = {seed lo, seed hi}). */
uint64_t mtt_rng_u64(uint64_t seed, uint64_t stream, uint64_t counter);

/* Uniform double in [0, 1) with 53 random bits (multiples of 2^-53). */
double mtt_rng_uniform(uint64_t seed, uint64_t stream, uint64_t counter);

/* Unbiased integer in [0, bound) (bound >= 1) by rejection: consumes draws
 * *counter, *counter + 1, ... and advances *counter past the ones used
 * (almost always exactly one). */
uint64_t mtt_rng_bounded(uint64_t seed, uint64_t stream, uint64_t *counter,
                         uint64_t bound);

/* Unbiased Fisher–Yates shuffle of a[0..n) with counters 0, 1, ... of the
 * given stream.  Same (seed, stream, input) -> same output, always. */
void mtt_rng_shuffle_sizes(size_t *a, size_t n, uint64_t seed, uint64_t stream);

/* Combine two integers into one stream key.  A bijection on pairs with
 * a, b < 2^32 (so (epoch, rank) pairs never collide); larger values are
 * folded in and collide only by chance (~2^-64).  Nest for more integers:
 * mtt_rng_stream_key(mtt_rng_stream_key(purpose, epoch), rank). */
uint64_t mtt_rng_stream_key(uint64_t a, uint64_t b);

/* A fresh seed in [0, 2^31) from /dev/urandom, or from time and pid when
 * /dev/urandom cannot be read.  Only rank 0 should call this (then
 * broadcast) so all ranks agree. */
int64_t mtt_rng_draw_seed(void);

#endif
