/* rng.c — Philox-4x32-10 and the helpers built on it; see rng.h. */
#include "config.h"

#include "util/rng.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Philox-4x32 constants (Random123 philox.h). */
#define PHILOX_M0 UINT32_C(0xD2511F53)
#define PHILOX_M1 UINT32_C(0xCD9E8D57)
#define PHILOX_W0 UINT32_C(0x9E3779B9)
#define PHILOX_W1 UINT32_C(0xBB67AE85)

void mtt_rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                           uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {  /* the key is bumped between rounds, not before the first */
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        uint32_t n3 = (uint32_t)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

uint64_t mtt_rng_u64(uint64_t seed, uint64_t stream, uint64_t counter)
{
    const uint32_t ctr[4] = {(uint32_t)counter, (uint32_t)(counter >> 32),
                             (uint32_t)stream, (uint32_t)(stream >> 32)};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t out[4];
    mtt_rng_philox4x32_10(ctr, key, out);
    return (uint64_t)out[0] | ((uint64_t)out[1] << 32);
}

double mtt_rng_uniform(uint64_t seed, uint64_t stream, uint64_t counter)
{
    return (double)(mtt_rng_u64(seed, stream, counter) >> 11) * 0x1.0p-53;
}

uint64_t mtt_rng_bounded(uint64_t seed, uint64_t stream, uint64_t *counter,
                         uint64_t bound)
{
    if (bound <= 1) return 0;
    /* Reject the lowest 2^64 mod bound values so that every residue is hit
     * by exactly floor(2^64 / bound) accepted values. */
    const uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t r = mtt_rng_u64(seed, stream, (*counter)++);
        if (r >= threshold) return r % bound;
    }
}

void mtt_rng_shuffle_sizes(size_t *a, size_t n, uint64_t seed, uint64_t stream)
{
    uint64_t counter = 0;
    for (size_t i = n; i > 1; --i) {
        size_t j = (size_t)mtt_rng_bounded(seed, stream, &counter, (uint64_t)i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* SplitMix64's finaliser: a bijection on 64-bit words with full avalanche. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xBF58476D1CE4E5B9);
    x ^= x >> 27;
    x *= UINT64_C(0x94D049BB133111EB);
    x ^= x >> 31;
    return x;
}

uint64_t mtt_rng_stream_key(uint64_t a, uint64_t b)
{
    uint64_t x = (a << 32) | (b & UINT64_C(0xFFFFFFFF));
    /* High halves only matter beyond 2^32; fold them in through the mixer. */
    if ((a >> 32) | (b >> 32))
        x ^= mix64((a >> 32) ^ mix64((b >> 32) + UINT64_C(0x9E3779B97F4A7C15)));
    return mix64(x);
}

int64_t mtt_rng_draw_seed(void)
{
    uint64_t bits = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    int ok = 0;
    if (f) {
        ok = fread(&bits, sizeof bits, 1, f) == 1;
        fclose(f);
    }
    if (!ok) {
        struct timespec ts;
        timespec_get(&ts, TIME_UTC);
        bits = mix64((uint64_t)ts.tv_sec * UINT64_C(1000000007) ^
                     (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 40));
    }
    return (int64_t)(bits & UINT64_C(0x7FFFFFFF));
}
