/* moments.c — corrected two-pass mean and variance; see moments.h. */
#include "config.h"

#include "data/moments.h"

void mtt_moments_shifted_sums(size_t n, mtt_moments_value_fn value, const void *ctx,
                              double shift, double sums[3])
{
    double s1 = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double d = value(ctx, i) - shift;
        s1 += d;
        s2 += d * d;
    }
    sums[0] += (double)n;
    sums[1] += s1;
    sums[2] += s2;
}

void mtt_moments_from_sums(const double sums[3], double shift, double *mean, double *variance)
{
    const double n = sums[0];
    if (!(n > 0)) {
        *mean = 0.0;
        *variance = 0.0;
        return;
    }
    const double d = sums[1] / n;  /* mean − shift: small when shift is near the mean */
    *mean = shift + d;
    double v = sums[2] / n - d * d;
    *variance = v > 0.0 ? v : 0.0;
}

void mtt_moments_two_pass(size_t n, mtt_moments_value_fn value, const void *ctx, double *mean,
                          double *variance)
{
    if (n == 0) {
        *mean = *variance = 0.0;
        return;
    }
    double sums[3] = {0, 0, 0}, m, v;
    const double first = value(ctx, 0);
    mtt_moments_shifted_sums(n, value, ctx, first, sums);
    mtt_moments_from_sums(sums, first, &m, &v);
    sums[0] = sums[1] = sums[2] = 0.0;
    mtt_moments_shifted_sums(n, value, ctx, m, sums);
    mtt_moments_from_sums(sums, m, mean, variance);
}
