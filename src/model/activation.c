/* activation.c — SiLU and derivatives (see activation.h). */
#include "config.h"

#include "model/activation.h"

#include <math.h>

/* The logistic; for x ≪ 0 exp(−x) overflows to inf and s → 0 exactly,
 * which is the right limit, so no branch is needed. */
static inline double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

double mtt_silu(double x) { return x * logistic(x); }

double mtt_silu_d1(double x)
{
    double s = logistic(x);
    return s + x * s * (1.0 - s);
}

double mtt_silu_d2(double x)
{
    double s = logistic(x);
    return s * (1.0 - s) * (2.0 + x * (1.0 - 2.0 * s));
}

void mtt_silu_eval(size_t n, const double *z, double *a, double *d1, double *d2)
{
    for (size_t i = 0; i < n; i++) {
        double x = z[i];
        double s = logistic(x);
        double ds = s * (1.0 - s);
        if (d1) d1[i] = s + x * ds;
        if (d2) d2[i] = ds * (2.0 + x * (1.0 - 2.0 * s));
        a[i] = x * s; /* last: a may alias z */
    }
}

void mtt_silu_evalf(size_t n, const float *z, float *a, float *d1, float *d2)
{
    for (size_t i = 0; i < n; i++) {
        double x = z[i];
        double s = logistic(x);
        double ds = s * (1.0 - s);
        if (d1) d1[i] = (float)(s + x * ds);
        if (d2) d2[i] = (float)(ds * (2.0 + x * (1.0 - 2.0 * s)));
        a[i] = (float)(x * s);
    }
}
