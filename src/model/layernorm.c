/* layernorm.c — affine-free layer norm and its (symmetric) Jacobian. */
#include "config.h"

#include "model/layernorm.h"

#include <math.h>

void mtt_layernorm_forward(size_t n, size_t d, double eps, const double *p, double *xhat,
                           double *inv_s)
{
    for (size_t r = 0; r < n; r++) {
        const double *pr = p + r * d;
        double *xr = xhat + r * d;
        double mu = 0;
        for (size_t c = 0; c < d; c++) mu += pr[c];
        mu /= (double)d;
        /* Two-pass variance: descriptors can have a large common offset. */
        double var = 0;
        for (size_t c = 0; c < d; c++) var += (pr[c] - mu) * (pr[c] - mu);
        var /= (double)d;
        double is = 1.0 / sqrt(var + eps);
        for (size_t c = 0; c < d; c++) xr[c] = (pr[c] - mu) * is;
        inv_s[r] = is;
    }
}

void mtt_layernorm_jvp(size_t n, size_t d, const double *xhat, const double *inv_s,
                       const double *v, double *out)
{
    for (size_t r = 0; r < n; r++) {
        const double *xr = xhat + r * d;
        const double *vr = v + r * d;
        double *outr = out + r * d;
        double mv = 0, mxv = 0;
        for (size_t c = 0; c < d; c++) {
            mv += vr[c];
            mxv += xr[c] * vr[c];
        }
        mv /= (double)d;
        mxv /= (double)d;
        for (size_t c = 0; c < d; c++) outr[c] = (vr[c] - mv - xr[c] * mxv) * inv_s[r];
    }
}
