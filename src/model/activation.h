/* activation.h — SiLU and its first two derivatives, elementwise.
 *
 * σ(x) = x·s(x) with s the logistic 1/(1 + e^{−x});
 * σ'(x) = s + x·s·(1 − s);  σ''(x) = s·(1 − s)·(2 + x·(1 − 2s))   (docs/math.md §4).
 * σ'' is what the force-training gradient (reverse pass over the tangent
 * pass) needs.  Dimensionless.  Cost: one exp per element.
 */
#ifndef MTT_MODEL_ACTIVATION_H
#define MTT_MODEL_ACTIVATION_H

#include <stddef.h>

/* σ(x), σ'(x), σ''(x) of one scalar. */
double mtt_silu(double x);
double mtt_silu_d1(double x);
double mtt_silu_d2(double x);

/* For each of the n elements of z: a = σ(z), d1 = σ'(z), d2 = σ''(z).
 * d1 and d2 may be NULL (not computed).  a may alias z (in place); d1 and d2
 * must not alias z. */
void mtt_silu_eval(size_t n, const double *z, double *a, double *d1, double *d2);

/* Single-precision version (arithmetic in double, results rounded). */
void mtt_silu_evalf(size_t n, const float *z, float *a, float *d1, float *d2);

#endif
