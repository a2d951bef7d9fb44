/* radial.c — spherical Bessel functions, their zeros, the radial basis g = f_c R_nl
 * and its cubic-Hermite table.  See radial.h for the conventions. */
#include "config.h"

#include "model/radial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* j_l by the power series x^l/(2l+1)!! Σ_k (-x²/2)^k / (k! (2l+3)…(2l+2k+1)):
 * used where upward recursion would cancel (x < l). */
static double bessel_series(int l, double x)
{
    double c = 1.0;
    for (int i = 1; i <= 2 * l + 1; i += 2) c /= i;
    double xl = 1.0;
    for (int i = 0; i < l; ++i) xl *= x;
    double y = x * x, term = 1.0, sum = 1.0;
    for (int k = 0; k < 200; ++k) {
        term *= -0.5 * y / ((k + 1) * (2.0 * l + 2 * k + 3));
        sum += term;
        if (fabs(term) < 1e-17 * fabs(sum)) break;
    }
    return c * xl * sum;
}

void mtt_radial_bessel(int lmax, double x, double *j)
{
    /* upward recursion j_{l+1} = (2l+1)/x j_l - j_{l-1}, stable while l ≤ x */
    int l = 0;
    if (x >= 0.5) {
        double inv = 1.0 / x, s = sin(x), c = cos(x);
        double jm = s * inv, jc = (jm - c) * inv;
        j[0] = jm;
        if (lmax >= 1 && x >= 1.0) j[1] = jc;
        l = (lmax >= 1 && x >= 1.0) ? 2 : 1;
        for (; l <= lmax && l <= x; ++l) {
            double jn = (2 * l - 1) * inv * jc - jm;
            jm = jc;
            jc = jn;
            j[l] = jn;
        }
    }
    for (; l <= lmax; ++l) j[l] = bessel_series(l, x);
}

double mtt_radial_cutoff(double r, double cutoff, double width, double *dfc)
{
    double t = (r - (cutoff - width)) / width;
    if (t <= 0.0) {
        if (dfc) *dfc = 0.0;
        return 1.0;
    }
    if (t >= 1.0) {
        if (dfc) *dfc = 0.0;
        return 0.0;
    }
    if (dfc) *dfc = -0.5 * M_PI / width * sin(M_PI * t);
    return 0.5 * (1.0 + cos(M_PI * t));
}

/* (n+1)-th positive zero of j_l for n < n_zeros: scan for sign changes, bisect. */
static void bessel_zeros(int l, int n_zeros, double *z)
{
    double jb[64];
    double step = 0.01, x0 = 1e-3;
    mtt_radial_bessel(l, x0, jb);
    double f0 = jb[l];
    int found = 0;
    while (found < n_zeros) {
        double x1 = x0 + step;
        mtt_radial_bessel(l, x1, jb);
        double f1 = jb[l];
        if (f0 * f1 < 0.0) {
            double a = x0, b = x1, fa = f0;
            for (int it = 0; it < 200; ++it) {
                double m = 0.5 * (a + b);
                if (m <= a || m >= b) break;
                mtt_radial_bessel(l, m, jb);
                if (jb[l] == 0.0) { a = b = m; break; }
                if ((jb[l] < 0.0) == (fa < 0.0)) { a = m; fa = jb[l]; }
                else b = m;
            }
            z[found++] = 0.5 * (a + b);
        }
        x0 = x1;
        f0 = f1;
    }
}

void mtt_radial_free(mtt_radial *rb)
{
    if (!rb) return;
    free(rb->k);
    free(rb->norm);
    free(rb->table);
    memset(rb, 0, sizeof *rb);
}

void mtt_radial_eval_exact(const mtt_radial *rb, double r, double *g, double *dg)
{
    const int N = rb->n_radial, L = rb->max_angular;
    double dfc, fc = mtt_radial_cutoff(r, rb->cutoff, rb->width, &dfc);
    double jb[66];
    for (int l = 0; l <= L; ++l)
        for (int n = 0; n < N; ++n) {
            int q = l * N + n;
            double k = rb->k[q], x = k * r;
            mtt_radial_bessel(l + 1, x, jb);
            double R = rb->norm[q] * jb[l];
            g[q] = fc * R;
            if (dg) {
                double dj = l == 0 ? -jb[1] : (l * jb[l - 1] - (l + 1) * jb[l + 1]) / (2 * l + 1);
                dg[q] = dfc * R + fc * rb->norm[q] * k * dj;
            }
        }
}

void mtt_radial_eval(const mtt_radial *rb, double r, double *g, double *dg)
{
    if (!rb->table) {
        mtt_radial_eval_exact(rb, r, g, dg);
        return;
    }
    const int NL = rb->n_radial * (rb->max_angular + 1);
    double inner = rb->cutoff - rb->width, t, h;
    int node;
    if (r < inner) {
        t = r / rb->h_inner;
        node = (int)t;
        if (node >= rb->n_inner) node = rb->n_inner - 1;
        h = rb->h_inner;
    } else {
        t = (r - inner) / rb->h_outer;
        node = (int)t;
        if (node >= rb->n_outer) node = rb->n_outer - 1;
        t += rb->n_inner;
        node += rb->n_inner;
        h = rb->h_outer;
    }
    double s = t - node;
    double s2 = s * s, s3 = s2 * s;
    double h00 = 2 * s3 - 3 * s2 + 1, h10 = (s3 - 2 * s2 + s) * h, h01 = -2 * s3 + 3 * s2,
           h11 = (s3 - s2) * h;
    const double *a = rb->table + (size_t)node * 2 * NL, *b = a + 2 * NL;
    for (int q = 0; q < NL; ++q) g[q] = h00 * a[q] + h10 * a[NL + q] + h01 * b[q] + h11 * b[NL + q];
    if (dg) {
        double ih = 1.0 / h;
        double d00 = (6 * s2 - 6 * s) * ih, d10 = 3 * s2 - 4 * s + 1, d01 = -d00, d11 = 3 * s2 - 2 * s;
        for (int q = 0; q < NL; ++q)
            dg[q] = d00 * a[q] + d10 * a[NL + q] + d01 * b[q] + d11 * b[NL + q];
    }
}

mtt_status mtt_radial_init(mtt_radial *rb, int max_radial, int max_angular, double cutoff,
                           double width, double grid_spacing, mtt_error *err)
{
    memset(rb, 0, sizeof *rb);
    MTT_RETURN_ERROR_IF(max_radial < 0 || max_radial > 30, err, MTT_ERR_OPTIONS,
                        "soap: max_radial %d is outside 0..30; choose a smaller value", max_radial);
    MTT_RETURN_ERROR_IF(max_angular < 0 || max_angular > 20, err, MTT_ERR_OPTIONS,
                        "soap: max_angular %d is outside 0..20; choose a smaller value", max_angular);
    MTT_RETURN_ERROR_IF(!(cutoff > 0.0) || !(width > 0.0) || width > cutoff, err, MTT_ERR_OPTIONS,
                        "soap: cutoff %g and cutoff width %g must satisfy 0 < width <= cutoff", cutoff,
                        width);
    const int N = max_radial + 1, L = max_angular, NL = N * (L + 1);
    rb->n_radial = N;
    rb->max_angular = L;
    rb->cutoff = cutoff;
    rb->width = width;
    rb->k = malloc((size_t)NL * sizeof *rb->k);
    rb->norm = malloc((size_t)NL * sizeof *rb->norm);
    if (!rb->k || !rb->norm) goto nomem;
    for (int l = 0; l <= L; ++l) {
        double z[32], jb[64];
        bessel_zeros(l, N, z);
        for (int n = 0; n < N; ++n) {
            mtt_radial_bessel(l + 1, z[n], jb);
            rb->k[l * N + n] = z[n] / cutoff;
            rb->norm[l * N + n] = sqrt(2.0 / (cutoff * cutoff * cutoff)) / fabs(jb[l + 1]);
        }
    }
    if (grid_spacing > 0.0) {
        double inner = cutoff - width;
        rb->n_inner = inner > 0.0 ? (int)ceil(inner / grid_spacing) : 0;
        if (rb->n_inner < 1) rb->n_inner = 1;
        rb->n_outer = (int)ceil(width / grid_spacing);
        if (rb->n_outer < 1) rb->n_outer = 1;
        rb->h_inner = inner > 0.0 ? inner / rb->n_inner : 0.0;
        rb->h_outer = width / rb->n_outer;
        if (inner <= 0.0) rb->n_inner = 0;
        size_t nodes = (size_t)rb->n_inner + rb->n_outer + 1;
        rb->table = malloc(nodes * 2 * NL * sizeof *rb->table);
        if (!rb->table) goto nomem;
        for (size_t t = 0; t < nodes; ++t) {
            double r = (int)t <= rb->n_inner ? t * rb->h_inner
                                             : inner + ((int)t - rb->n_inner) * rb->h_outer;
            double *row = rb->table + t * 2 * NL;
            mtt_radial_eval_exact(rb, r, row, row + NL);
        }
    }
    return MTT_OK;
nomem:
    mtt_radial_free(rb);
    return mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory for the radial basis");
}
