/* layernorm.c — affine-free layer norm and its (symmetric) Jacobian.
 *
 * The row reductions use four independent partial sums: a single running
 * sum is bound by the add latency (no -ffast-math reassociation), which made
 * the layer norm cost as much as the first-layer GEMM at D = 2100. */
#include "config.h"

#include "model/layernorm.h"

#include <math.h>

/* Σ x[c] and Σ (x[c] − shift)² over d elements. */
static void row_sums(size_t d, const double *x, double shift, double *sum, double *sumsq)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    size_t c = 0;
    for (; c + 4 <= d; c += 4) {
        double a = x[c] - shift, b = x[c + 1] - shift, e = x[c + 2] - shift,
               f = x[c + 3] - shift;
        s0 += a, s1 += b, s2 += e, s3 += f;
        q0 += a * a, q1 += b * b, q2 += e * e, q3 += f * f;
    }
    for (; c < d; c++) {
        double a = x[c] - shift;
        s0 += a;
        q0 += a * a;
    }
    *sum = (s0 + s1) + (s2 + s3);
    *sumsq = (q0 + q1) + (q2 + q3);
}

void mtt_layernorm_forward(size_t n, size_t d, double eps, const double *p, double *xhat,
                           double *inv_s)
{
    for (size_t r = 0; r < n; r++) {
        const double *pr = p + r * d;
        double *xr = xhat + r * d;
        /* Two passes (mean, then squared deviations): exact even when the
         * descriptor has a large common offset. */
        double sum, sumsq;
        row_sums(d, pr, 0.0, &sum, &sumsq);
        double mu = sum / (double)d;
        row_sums(d, pr, mu, &sum, &sumsq);
        double var = sumsq / (double)d;
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
        double v0 = 0, v1 = 0, v2 = 0, v3 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
        size_t c = 0;
        for (; c + 4 <= d; c += 4) {
            v0 += vr[c], v1 += vr[c + 1], v2 += vr[c + 2], v3 += vr[c + 3];
            w0 += xr[c] * vr[c], w1 += xr[c + 1] * vr[c + 1];
            w2 += xr[c + 2] * vr[c + 2], w3 += xr[c + 3] * vr[c + 3];
        }
        for (; c < d; c++) {
            v0 += vr[c];
            w0 += xr[c] * vr[c];
        }
        double mv = ((v0 + v1) + (v2 + v3)) / (double)d;
        double mxv = ((w0 + w1) + (w2 + w3)) / (double)d;
        double is = inv_s[r];
        for (size_t c2 = 0; c2 < d; c2++) outr[c2] = (vr[c2] - mv - xr[c2] * mxv) * is;
    }
}

/* ---- single precision: same algorithm, sums in double ------------------- */

static void row_sumsf(size_t d, const float *x, double shift, double *sum, double *sumsq)
{
    double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
    size_t c = 0;
    for (; c + 2 <= d; c += 2) {
        double a = x[c] - shift, b = x[c + 1] - shift;
        s0 += a, s1 += b;
        q0 += a * a, q1 += b * b;
    }
    for (; c < d; c++) {
        double a = x[c] - shift;
        s0 += a;
        q0 += a * a;
    }
    *sum = s0 + s1;
    *sumsq = q0 + q1;
}

void mtt_layernorm_forwardf(size_t n, size_t d, double eps, const float *p, float *xhat,
                            float *inv_s)
{
    for (size_t r = 0; r < n; r++) {
        const float *pr = p + r * d;
        float *xr = xhat + r * d;
        double sum, sumsq;
        row_sumsf(d, pr, 0.0, &sum, &sumsq);
        double mu = sum / (double)d;
        row_sumsf(d, pr, mu, &sum, &sumsq);
        double is = 1.0 / sqrt(sumsq / (double)d + eps);
        for (size_t c = 0; c < d; c++) xr[c] = (float)((pr[c] - mu) * is);
        inv_s[r] = (float)is;
    }
}

void mtt_layernorm_jvpf(size_t n, size_t d, const float *xhat, const float *inv_s,
                        const float *v, float *out)
{
    for (size_t r = 0; r < n; r++) {
        const float *xr = xhat + r * d;
        const float *vr = v + r * d;
        float *outr = out + r * d;
        double v0 = 0, v1 = 0, w0 = 0, w1 = 0;
        size_t c = 0;
        for (; c + 2 <= d; c += 2) {
            v0 += vr[c], v1 += vr[c + 1];
            w0 += (double)xr[c] * vr[c], w1 += (double)xr[c + 1] * vr[c + 1];
        }
        for (; c < d; c++) {
            v0 += vr[c];
            w0 += (double)xr[c] * vr[c];
        }
        float mv = (float)((v0 + v1) / (double)d), mxv = (float)((w0 + w1) / (double)d);
        float is = inv_s[r];
        for (size_t c2 = 0; c2 < d; c2++) outr[c2] = (vr[c2] - mv - xr[c2] * mxv) * is;
    }
}
