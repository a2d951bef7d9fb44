/* composition.c — least-squares composition baseline; equations in composition.h. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/composition.h"

size_t mtt_composition_buffer_len(size_t n_types)
{
    return n_types * n_types + n_types + 1;
}

void mtt_composition_accumulate(double *buf, size_t n_types, const int32_t *type_counts,
                                double energy)
{
    double *xtx = buf, *xty = buf + n_types * n_types;
    for (size_t a = 0; a < n_types; ++a) {
        const double na = (double)type_counts[a];
        if (na == 0.0) continue;
        for (size_t b = 0; b < n_types; ++b) xtx[a * n_types + b] += na * (double)type_counts[b];
        xty[a] += na * energy;
    }
    buf[n_types * n_types + n_types] += 1.0;
}

double mtt_composition_energy(const double *weights, size_t n_types, const int32_t *type_counts)
{
    double e = 0.0;
    for (size_t z = 0; z < n_types; ++z) e += (double)type_counts[z] * weights[z];
    return e;
}

void mtt_composition_jacobi(size_t n, double *a, double *vecs)
{
    for (size_t i = 0; i < n * n; ++i) vecs[i] = 0.0;
    for (size_t i = 0; i < n; ++i) vecs[i * n + i] = 1.0;

    double total = 0.0;
    for (size_t i = 0; i < n * n; ++i) total += a[i] * a[i];
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0;
        for (size_t p = 0; p < n; ++p)
            for (size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
        /* converged when the off-diagonal part is below roundoff of the whole */
        if (off == 0.0 || off <= 1e-36 * total) break;
        for (size_t p = 0; p < n; ++p) {
            for (size_t q = p + 1; q < n; ++q) {
                const double apq = a[p * n + q];
                if (apq == 0.0) continue;
                /* rotation angle phi with cot(2 phi) = theta zeroes a_pq;
                 * t = tan(phi) is the smaller root of t^2 + 2 theta t - 1 = 0 */
                const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                double t;
                if (fabs(theta) > 1e150) {
                    t = 0.5 / theta;
                } else {
                    t = 1.0 / (fabs(theta) + sqrt(theta * theta + 1.0));
                    if (theta < 0.0) t = -t;
                }
                const double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (size_t k = 0; k < n; ++k) { /* A <- A J */
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < n; ++k) { /* A <- J^T A */
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                a[p * n + q] = a[q * n + p] = 0.0;
                for (size_t k = 0; k < n; ++k) { /* V <- V J */
                    const double vkp = vecs[k * n + p], vkq = vecs[k * n + q];
                    vecs[k * n + p] = c * vkp - s * vkq;
                    vecs[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
}

mtt_status mtt_composition_solve(const double *buf, size_t n_types, double rcond,
                                 double *weights, size_t *rank, mtt_error *err)
{
    mtt_status st = MTT_OK;
    double *a = NULL, *vecs = NULL;
    const size_t n = n_types;
    const double *xty = buf + n * n;
    const double n_structures = buf[n * n + n];

    if (rank) *rank = 0;
    if (rcond <= 0.0) rcond = MTT_COMPOSITION_RCOND_DEFAULT;
    if (n == 0 || !(n_structures > 0.0)) {
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "composition baseline: the training set has no structures; "
                           "check the training set size and the validation/test fractions");
        goto cleanup;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!isfinite(xty[i])) {
            st = mtt_error_set(err, MTT_ERR_NUMERIC,
                               "composition baseline: the training energies are not all finite "
                               "numbers; check the energy values in the training data");
            goto cleanup;
        }
    }
    a = malloc(n * n * sizeof *a);
    vecs = malloc(n * n * sizeof *vecs);
    if (!a || !vecs) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "composition baseline: out of memory");
        goto cleanup;
    }
    memcpy(a, buf, n * n * sizeof *a);
    mtt_composition_jacobi(n, a, vecs);

    double lambda_max = 0.0;
    for (size_t i = 0; i < n; ++i) lambda_max = fmax(lambda_max, fabs(a[i * n + i]));
    if (!(lambda_max > 0.0)) {
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "composition baseline: the training structures contain no atoms of "
                           "any type; check the training data");
        goto cleanup;
    }
    /* sqrt(lambda) <= rcond sqrt(lambda_max)  <=>  lambda <= rcond^2 lambda_max */
    const double cut = rcond * rcond * lambda_max;
    for (size_t z = 0; z < n; ++z) weights[z] = 0.0;
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
        const double lambda = a[i * n + i];
        if (lambda <= cut) continue;
        double proj = 0.0; /* v_i . X^T E */
        for (size_t k = 0; k < n; ++k) proj += vecs[k * n + i] * xty[k];
        const double coef = proj / lambda;
        for (size_t z = 0; z < n; ++z) weights[z] += coef * vecs[z * n + i];
        ++kept;
    }
    if (rank) *rank = kept;

cleanup:
    free(a);
    free(vecs);
    return st;
}
