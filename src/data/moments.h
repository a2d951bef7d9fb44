/* moments.h — mean and variance that keep their digits when the mean is
 * large and the spread small (per-atom energies of -97079 kcal/mol, or 1e6
 * eV, varying by meV).
 *
 * The textbook E[x²] − mean² subtracts two numbers that agree in almost all
 * their digits: with mean/std = 1e9 nothing of the variance survives.  Here
 * the corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms for
 * computing the sample variance", Am. Stat. 37, 1983):
 *   pass 1: shifted sums around a value K of the data (x − K is then exact
 *           for clustered data) give the mean m;
 *   pass 2: S1 = Σ(x − m), S2 = Σ(x − m)²;  var = (S2 − S1²/n)/n,
 *           the S1 term correcting the rounding of m.
 * The passes work on sums, so a caller can add them over ranks between the
 * passes (train/rank_moments.h) and get the same accuracy as one process.
 * Values come from a callback so no copy of the data is made.  Cost: two
 * passes over the values, no allocation.
 */
#ifndef MTT_DATA_MOMENTS_H
#define MTT_DATA_MOMENTS_H

#include <stddef.h>

/* The i-th value of some data set (ctx: the caller's data). */
typedef double (*mtt_moments_value_fn)(const void *ctx, size_t i);

/* sums[0] += n, sums[1] += Σ(x_i − shift), sums[2] += Σ(x_i − shift)². */
void mtt_moments_shifted_sums(size_t n, mtt_moments_value_fn value, const void *ctx,
                              double shift, double sums[3]);

/* Mean and population variance from shifted sums around `shift`
 * (0 and 0 when the count is 0; the variance is never negative). */
void mtt_moments_from_sums(const double sums[3], double shift, double *mean, double *variance);

/* Both passes over n values in one process. */
void mtt_moments_two_pass(size_t n, mtt_moments_value_fn value, const void *ctx, double *mean,
                          double *variance);

#endif
