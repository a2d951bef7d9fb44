/* test_rng.c — Philox known answers, determinism, bounded draws, shuffles. */
#include "config.h"

#include "cunit_tap.h"
#include "util/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Random123 tests/kat_vectors, philox4x32 10. */
static void test_philox_known_answers(void)
{
    static const struct { uint32_t ctr[4], key[2], out[4]; } kat[] = {
        {{0, 0, 0, 0}, {0, 0},
         {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; ++i) {
        uint32_t out[4];
        mtt_rng_philox4x32_10(kat[i].ctr, kat[i].key, out);
        for (int w = 0; w < 4; ++w) CU_ASSERT_EQUAL(out[w], kat[i].out[w]);
    }
}

/* mtt_rng_u64 is Philox with the documented word layout. */
static void test_u64_layout(void)
{
    CU_ASSERT_EQUAL(mtt_rng_u64(0, 0, 0), UINT64_C(0xe169c58d6627e8d5));
    CU_ASSERT_EQUAL(mtt_rng_u64(UINT64_MAX, UINT64_MAX, UINT64_MAX),
                    UINT64_C(0x41c83b0e408f276d));
    CU_ASSERT_EQUAL(mtt_rng_u64(UINT64_C(0x299f31d0a4093822),
                                UINT64_C(0x0370734413198a2e),
                                UINT64_C(0x85a308d3243f6a88)),
                    UINT64_C(0x94fdccebd16cfe09));
}

static void test_determinism_and_independence(void)
{
    CU_ASSERT_EQUAL(mtt_rng_u64(42, 7, 3), mtt_rng_u64(42, 7, 3));
    CU_ASSERT_NOT_EQUAL(mtt_rng_u64(42, 7, 3), mtt_rng_u64(43, 7, 3));
    CU_ASSERT_NOT_EQUAL(mtt_rng_u64(42, 7, 3), mtt_rng_u64(42, 8, 3));
    CU_ASSERT_NOT_EQUAL(mtt_rng_u64(42, 7, 3), mtt_rng_u64(42, 7, 4));
}

static void test_uniform_range_and_mean(void)
{
    const int n = 100000;
    double sum = 0.0, lo = 1.0, hi = 0.0;
    for (int i = 0; i < n; ++i) {
        double u = mtt_rng_uniform(12345, 1, (uint64_t)i);
        CU_ASSERT_FATAL(u >= 0.0 && u < 1.0);
        /* a multiple of 2^-53 */
        CU_ASSERT_EQUAL(ldexp(u, 53), floor(ldexp(u, 53)));
        sum += u;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
    }
    /* sd of the mean is 1/sqrt(12 n) ~ 9e-4; 5 sd, and the seed is fixed. */
    CU_ASSERT_DOUBLE_EQUAL(sum / n, 0.5, 5e-3);
    CU_ASSERT(lo < 1e-3);
    CU_ASSERT(hi > 1.0 - 1e-3);
}

/* Chi-square of 100000 bounded draws in 10 cells (9 dof): the 0.9999
 * quantile is ~33.7, and the seed is fixed, so this cannot flake. */
static void test_bounded_chi_square(void)
{
    enum { CELLS = 10, DRAWS = 100000 };
    long count[CELLS] = {0};
    uint64_t counter = 0;
    for (int i = 0; i < DRAWS; ++i) {
        uint64_t r = mtt_rng_bounded(2024, 5, &counter, CELLS);
        CU_ASSERT_FATAL(r < CELLS);
        ++count[r];
    }
    CU_ASSERT(counter >= DRAWS);
    double expect = (double)DRAWS / CELLS, chi2 = 0.0;
    for (int c = 0; c < CELLS; ++c)
        chi2 += (count[c] - expect) * (count[c] - expect) / expect;
    CU_ASSERT(chi2 < 33.7);
    /* bound 1 always gives 0 and consumes nothing */
    uint64_t c0 = 0;
    CU_ASSERT_EQUAL(mtt_rng_bounded(1, 1, &c0, 1), 0);
    CU_ASSERT_EQUAL(c0, 0);
}

/* A huge bound (just over 2^63) rejects ~half the draws; results stay in range. */
static void test_bounded_rejection(void)
{
    const uint64_t bound = (UINT64_C(1) << 63) + 12345;
    uint64_t counter = 0;
    for (int i = 0; i < 1000; ++i)
        CU_ASSERT_FATAL(mtt_rng_bounded(9, 9, &counter, bound) < bound);
    CU_ASSERT(counter > 1200);  /* expected ~2000: rejections happened */
}

static void test_shuffle_is_permutation(void)
{
    enum { N = 1000 };
    size_t a[N], b[N];
    for (size_t i = 0; i < N; ++i) a[i] = b[i] = i;
    mtt_rng_shuffle_sizes(a, N, 42, 3);
    mtt_rng_shuffle_sizes(b, N, 42, 3);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    int seen[N] = {0}, fixed = 0;
    for (size_t i = 0; i < N; ++i) {
        CU_ASSERT_FATAL(a[i] < N);
        ++seen[a[i]];
        fixed += a[i] == i;
    }
    for (size_t i = 0; i < N; ++i) CU_ASSERT_EQUAL(seen[i], 1);
    CU_ASSERT(fixed < 10);  /* ~1 expected for a random permutation */
    for (size_t i = 0; i < N; ++i) b[i] = i;
    mtt_rng_shuffle_sizes(b, N, 42, 4);
    CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof a), 0);
    /* n = 0 and n = 1 are no-ops */
    size_t one = 7;
    mtt_rng_shuffle_sizes(&one, 1, 1, 1);
    CU_ASSERT_EQUAL(one, 7);
    mtt_rng_shuffle_sizes(NULL, 0, 1, 1);
}

/* Each of the 6 permutations of 3 items appears ~1/6 of the time. */
static void test_shuffle_unbiased(void)
{
    enum { TRIALS = 60000 };
    long count[3][3] = {{0}};
    for (int t = 0; t < TRIALS; ++t) {
        size_t a[3] = {0, 1, 2};
        mtt_rng_shuffle_sizes(a, 3, 77, (uint64_t)t);
        for (int i = 0; i < 3; ++i) ++count[i][a[i]];
    }
    for (int i = 0; i < 3; ++i)
        for (int v = 0; v < 3; ++v)  /* expect 20000, sd ~115 */
            CU_ASSERT(labs(count[i][v] - TRIALS / 3) < 700);
}

static void test_stream_key(void)
{
    /* injective on small pairs: (epoch, rank) grid has no collisions */
    enum { E = 64, R = 64 };
    static uint64_t keys[E * R];
    for (uint64_t e = 0; e < E; ++e)
        for (uint64_t r = 0; r < R; ++r) keys[e * R + r] = mtt_rng_stream_key(e, r);
    int collisions = 0;
    for (int i = 0; i < E * R; ++i)
        for (int j = i + 1; j < E * R; ++j) collisions += keys[i] == keys[j];
    CU_ASSERT_EQUAL(collisions, 0);
    CU_ASSERT_NOT_EQUAL(mtt_rng_stream_key(1, 2), mtt_rng_stream_key(2, 1));
    CU_ASSERT_EQUAL(mtt_rng_stream_key(5, 6), mtt_rng_stream_key(5, 6));
    CU_ASSERT_NOT_EQUAL(mtt_rng_stream_key(UINT64_C(1) << 40, 0),
                        mtt_rng_stream_key(0, 0));
}

static void test_draw_seed(void)
{
    int64_t s1 = mtt_rng_draw_seed(), s2 = mtt_rng_draw_seed();
    CU_ASSERT(s1 >= 0 && s1 < (INT64_C(1) << 31));
    CU_ASSERT(s2 >= 0 && s2 < (INT64_C(1) << 31));
    /* two 31-bit draws agree with probability 2^-31 */
    CU_ASSERT_NOT_EQUAL(s1, s2);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("rng", NULL, NULL);
    CU_add_test(s, "Philox-4x32-10 Random123 known answers", test_philox_known_answers);
    CU_add_test(s, "u64 word layout", test_u64_layout);
    CU_add_test(s, "determinism and independence", test_determinism_and_independence);
    CU_add_test(s, "uniform range, 53-bit grid and mean", test_uniform_range_and_mean);
    CU_add_test(s, "bounded draws pass chi-square", test_bounded_chi_square);
    CU_add_test(s, "bounded rejection for huge bounds", test_bounded_rejection);
    CU_add_test(s, "shuffle is a deterministic permutation", test_shuffle_is_permutation);
    CU_add_test(s, "shuffle is unbiased", test_shuffle_unbiased);
    CU_add_test(s, "stream key", test_stream_key);
    CU_add_test(s, "draw seed", test_draw_seed);
    return mtt_cunit_run_tap();
}
