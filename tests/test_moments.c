/* test_moments.c — mean and std of data with a large mean (data/moments.h,
 * train/rank_moments.h), on 1, 2 and 3 ranks (tests/test_moments.sh).
 *
 * Per-atom energies of 1e6 eV varying by about 1 meV (mean/std ≈ 1e9): the
 * naive E[x²] − mean² keeps no correct digit of the variance there, the
 * corrected two-pass algorithm keeps nearly all of them.  Reference: a plain
 * two-pass computation in long double over all values.  The distributed
 * version splits the values unevenly over the ranks (with 3 ranks, rank 1
 * holds none) and must match the reference to 1e-12 relative in the std on
 * every rank.  Checks are agreed over the ranks; rank 0 prints TAP.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "data/moments.h"
#include "parallel/comm.h"
#include "train/rank_moments.h"

#define N_VALUES 1000

static mtt_comm *comm;
static int n_tests = 0, n_failed = 0;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    int failed = mtt_comm_any_true(comm, !ok);
    ++n_tests;
    n_failed += failed;
    if (mtt_comm_rank(comm) != 0) return;
    printf("%s %d - ", failed ? "not ok" : "ok", n_tests);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static double values[N_VALUES];

/* ctx: the first value of a part of values[] */
static double value_at(const void *ctx, size_t i) { return ((const double *)ctx)[i]; }

int main(int argc, char **argv)
{
    mtt_error err;
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    const int rank = mtt_comm_rank(comm), size = mtt_comm_size(comm);
    for (size_t i = 0; i < N_VALUES; ++i)  /* eV per atom */
        values[i] = 1.0e6 + 1.0e-3 * sin(0.37 * (double)i + 0.1) + 2.0e-4 * cos(1.9 * (double)i);

    /* reference: two passes in long double */
    long double sum = 0, ss = 0;
    for (size_t i = 0; i < N_VALUES; ++i) sum += values[i];
    long double ref_mean = sum / N_VALUES;
    for (size_t i = 0; i < N_VALUES; ++i) ss += (values[i] - ref_mean) * (values[i] - ref_mean);
    const double ref_std = (double)sqrtl(ss / N_VALUES);

    /* the naive formula really fails on these data (so the others are tested) */
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < N_VALUES; ++i) {
        s1 += values[i];
        s2 += values[i] * values[i];
    }
    double naive_var = s2 / N_VALUES - (s1 / N_VALUES) * (s1 / N_VALUES);
    double naive_std = sqrt(naive_var > 0 ? naive_var : 0);
    check(fabs(naive_std - ref_std) > 1e-3 * ref_std,
          "the data defeat E[x^2] - mean^2 (std %.3g eV instead of %.6g eV)", naive_std, ref_std);

    double mean, var;
    mtt_moments_two_pass(N_VALUES, value_at, values, &mean, &var);
    double rel = fabs(sqrt(var) - ref_std) / ref_std;
    check(rel <= 1e-12 && fabs(mean - (double)ref_mean) <= 1e-15 * 1e6,
          "one process, corrected two-pass: std relative error %.1e", rel);

    /* the same values split over the ranks: unequal parts, rank 1 of 3 empty */
    size_t b = 0, e = N_VALUES;
    if (size > 1) {
        static const double cut2[] = {0, 0.3, 1}, cut3[] = {0, 0.7, 0.7, 1};
        const double *cut = size == 2 ? cut2 : cut3;
        if (size <= 3) {
            b = (size_t)(cut[rank] * N_VALUES);
            e = (size_t)(cut[rank + 1] * N_VALUES);
        } else {
            b = N_VALUES * (size_t)rank / (size_t)size;
            e = N_VALUES * ((size_t)rank + 1) / (size_t)size;
        }
    }
    double count = 0;
    mtt_rank_moments_compute(comm, e - b, value_at, values + b, &count, &mean, &var);
    rel = fabs(sqrt(var) - ref_std) / ref_std;
    check(count == N_VALUES && rel <= 1e-12 && fabs(mean - (double)ref_mean) <= 1e-15 * 1e6,
          "%d rank%s%s: merged std relative error %.1e, mean error %.1e eV", size,
          size > 1 ? "s" : "", size == 3 ? " (rank 1 holds nothing)" : "", rel,
          fabs(mean - (double)ref_mean));

    mtt_rank_moments_compute(comm, 0, value_at, values, &count, &mean, &var);
    check(count == 0 && mean == 0 && var == 0, "no rank holds values: count, mean, variance 0");

    if (rank == 0) printf("1..%d\n", n_tests);
    mtt_comm_finalize(comm);
    return n_failed ? 1 : 0;
}
