/* layernorm.c — affine-free layer norm and its (symmetric) Jacobian.
 *
 * The row reductions keep eight independent partial sums (lane k takes the
 * elements c ≡ k mod 8, the tail goes to lane 0, the lanes are added in a
 * fixed tree): one running sum is bound by the add latency (no
 * -ffast-math reassociation), and eight lanes fill one AVX-512 register, so
 * the cloned copies (util/vector.h) vectorise them without changing the
 * rounding.  At D = 2100 the layer norm had cost as much as the first-layer
 * GEMM. */
#include "config.h"

#include "model/layernorm.h"

#include <math.h>

#include "util/vector.h"

#define LANES 8

MTT_VECTOR_INLINE double lane_total(const double s[LANES])
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* Σ x[c] and Σ (x[c] − shift)² over d elements. */
MTT_VECTOR_INLINE void row_sums(size_t d, const double *restrict x, double shift, double *sum,
                                double *sumsq)
{
    double s[LANES] = {0}, q[LANES] = {0};
    size_t c = 0;
    for (; c + LANES <= d; c += LANES)
        for (int k = 0; k < LANES; ++k) {
            const double a = x[c + k] - shift;
            s[k] += a;
            q[k] += a * a;
        }
    for (; c < d; c++) {
        const double a = x[c] - shift;
        s[0] += a;
        q[0] += a * a;
    }
    *sum = lane_total(s);
    *sumsq = lane_total(q);
}

/* One row: xr = LN(pr), returns 1/s. */
MTT_VECTOR_INLINE double forward_row(size_t d, double eps, const double *pr, double *xr)
{
    /* Two passes (mean, then squared deviations): exact even when the
     * descriptor has a large common offset. */
    double sum, sumsq;
    row_sums(d, pr, 0.0, &sum, &sumsq);
    double mu = sum / (double)d;
    row_sums(d, pr, mu, &sum, &sumsq);
    double var = sumsq / (double)d;
    double is = 1.0 / sqrt(var + eps);
    for (size_t c = 0; c < d; c++) xr[c] = (pr[c] - mu) * is;
    return is;
}

MTT_VECTOR_CLONES
void mtt_layernorm_forward(size_t n, size_t d, double eps, const double *p, double *xhat,
                           double *inv_s)
{
    for (size_t r = 0; r < n; r++) inv_s[r] = forward_row(d, eps, p + r * d, xhat + r * d);
}

MTT_VECTOR_CLONES
void mtt_layernorm_forward_rows(size_t n, size_t d, double eps, const double *const *rows,
                                double *xhat, double *inv_s)
{
    for (size_t r = 0; r < n; r++) inv_s[r] = forward_row(d, eps, rows[r], xhat + r * d);
}

MTT_VECTOR_CLONES
void mtt_layernorm_jvp(size_t n, size_t d, const double *xhat, const double *inv_s,
                       const double *v, double *out)
{
    for (size_t r = 0; r < n; r++) {
        const double *restrict xr = xhat + r * d;
        const double *vr = v + r * d;
        double *outr = out + r * d;
        double sv[LANES] = {0}, sxv[LANES] = {0};
        size_t c = 0;
        for (; c + LANES <= d; c += LANES)
            for (int k = 0; k < LANES; ++k) {
                sv[k] += vr[c + k];
                sxv[k] += xr[c + k] * vr[c + k];
            }
        for (; c < d; c++) {
            sv[0] += vr[c];
            sxv[0] += xr[c] * vr[c];
        }
        const double mv = lane_total(sv) / (double)d, mxv = lane_total(sxv) / (double)d;
        const double is = inv_s[r];
        for (size_t c2 = 0; c2 < d; c2++) outr[c2] = (vr[c2] - mv - xr[c2] * mxv) * is;
    }
}

/* ---- single precision: same algorithm, sums in double ------------------- */

MTT_VECTOR_INLINE void row_sumsf(size_t d, const float *restrict x, double shift, double *sum,
                                 double *sumsq)
{
    double s[LANES] = {0}, q[LANES] = {0};
    size_t c = 0;
    for (; c + LANES <= d; c += LANES)
        for (int k = 0; k < LANES; ++k) {
            const double a = (double)x[c + k] - shift;
            s[k] += a;
            q[k] += a * a;
        }
    for (; c < d; c++) {
        const double a = (double)x[c] - shift;
        s[0] += a;
        q[0] += a * a;
    }
    *sum = lane_total(s);
    *sumsq = lane_total(q);
}

MTT_VECTOR_INLINE float forward_rowf(size_t d, double eps, const float *pr, float *xr)
{
    double sum, sumsq;
    row_sumsf(d, pr, 0.0, &sum, &sumsq);
    double mu = sum / (double)d;
    row_sumsf(d, pr, mu, &sum, &sumsq);
    double is = 1.0 / sqrt(sumsq / (double)d + eps);
    for (size_t c = 0; c < d; c++) xr[c] = (float)(((double)pr[c] - mu) * is);
    return (float)is;
}

MTT_VECTOR_CLONES
void mtt_layernorm_forwardf(size_t n, size_t d, double eps, const float *p, float *xhat,
                            float *inv_s)
{
    for (size_t r = 0; r < n; r++) inv_s[r] = forward_rowf(d, eps, p + r * d, xhat + r * d);
}

MTT_VECTOR_CLONES
void mtt_layernorm_forward_rowsf(size_t n, size_t d, double eps, const float *const *rows,
                                 float *xhat, float *inv_s)
{
    for (size_t r = 0; r < n; r++) inv_s[r] = forward_rowf(d, eps, rows[r], xhat + r * d);
}

MTT_VECTOR_CLONES
void mtt_layernorm_jvpf(size_t n, size_t d, const float *xhat, const float *inv_s,
                        const float *v, float *out)
{
    for (size_t r = 0; r < n; r++) {
        const float *restrict xr = xhat + r * d;
        const float *vr = v + r * d;
        float *outr = out + r * d;
        double sv[LANES] = {0}, sxv[LANES] = {0};
        size_t c = 0;
        for (; c + LANES <= d; c += LANES)
            for (int k = 0; k < LANES; ++k) {
                sv[k] += (double)vr[c + k];
                sxv[k] += (double)xr[c + k] * (double)vr[c + k];
            }
        for (; c < d; c++) {
            sv[0] += (double)vr[c];
            sxv[0] += (double)xr[c] * (double)vr[c];
        }
        const float mv = (float)(lane_total(sv) / (double)d);
        const float mxv = (float)(lane_total(sxv) / (double)d);
        const float is = inv_s[r];
        for (size_t c2 = 0; c2 < d; c2++) outr[c2] = (vr[c2] - mv - xr[c2] * mxv) * is;
    }
}
