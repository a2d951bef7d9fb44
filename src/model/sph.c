/* sph.c — real spherical harmonics by recursion on Cartesian components; see sph.h.
 * Q is tracked with its partial derivatives in z and in ρ = r² (as independent
 * polynomial variables), so ∇Q = (2x ∂ρQ, 2y ∂ρQ, ∂zQ + 2z ∂ρQ). */
#include "config.h"

#include "model/sph.h"

#include <math.h>

void mtt_sph_prefactors(int lmax, double *k)
{
    for (int l = 0; l <= lmax; ++l)
        for (int m = 0; m <= l; ++m) {
            double ratio = 1.0; /* (l-m)!/(l+m)! */
            for (int t = l - m + 1; t <= l + m; ++t) ratio /= t;
            k[l * l + l + m] = sqrt((2 * l + 1) / (4.0 * M_PI) * ratio);
        }
}

void mtt_sph_eval(int lmax, const double *k, const double u[3], double *y, double *dy)
{
    enum { M = MTT_SPH_MAX_L + 1 };
    double C[M], S[M], Q[M][M], Qz[M][M], Qr[M][M];
    const double x = u[0], yy = u[1], z = u[2], rho = x * x + yy * yy + z * z;
    C[0] = 1.0;
    S[0] = 0.0;
    for (int m = 1; m <= lmax; ++m) {
        C[m] = x * C[m - 1] - yy * S[m - 1];
        S[m] = x * S[m - 1] + yy * C[m - 1];
    }
    double dfact = 1.0; /* (2m-1)!! */
    for (int m = 0; m <= lmax; ++m) {
        if (m > 0) dfact *= 2 * m - 1;
        Q[m][m] = dfact, Qz[m][m] = 0.0, Qr[m][m] = 0.0;
        if (m < lmax) {
            Q[m + 1][m] = (2 * m + 1) * z * dfact;
            Qz[m + 1][m] = (2 * m + 1) * dfact;
            Qr[m + 1][m] = 0.0;
        }
        for (int l = m + 2; l <= lmax; ++l) {
            double a = (2 * l - 1.0) / (l - m), b = (l + m - 1.0) / (l - m);
            Q[l][m] = a * z * Q[l - 1][m] - b * rho * Q[l - 2][m];
            Qz[l][m] = a * (Q[l - 1][m] + z * Qz[l - 1][m]) - b * rho * Qz[l - 2][m];
            Qr[l][m] = a * z * Qr[l - 1][m] - b * (Q[l - 2][m] + rho * Qr[l - 2][m]);
        }
    }
    for (int l = 0; l <= lmax; ++l) {
        int c = l * l + l;
        y[c] = k[c] * Q[l][0];
        if (dy) {
            dy[3 * c] = k[c] * 2 * x * Qr[l][0];
            dy[3 * c + 1] = k[c] * 2 * yy * Qr[l][0];
            dy[3 * c + 2] = k[c] * (Qz[l][0] + 2 * z * Qr[l][0]);
        }
        for (int m = 1; m <= l; ++m) {
            double f = M_SQRT2 * k[c + m], q = Q[l][m];
            y[c + m] = f * q * C[m];
            y[c - m] = f * q * S[m];
            if (dy) {
                double gq[3] = {2 * x * Qr[l][m], 2 * yy * Qr[l][m], Qz[l][m] + 2 * z * Qr[l][m]};
                /* ∇C_m = m(C_{m-1}, -S_{m-1}, 0), ∇S_m = m(S_{m-1}, C_{m-1}, 0) */
                double dCx = m * C[m - 1], dCy = -m * S[m - 1], dSx = m * S[m - 1], dSy = m * C[m - 1];
                double *dp = dy + 3 * (c + m), *dn = dy + 3 * (c - m);
                dp[0] = f * (gq[0] * C[m] + q * dCx);
                dp[1] = f * (gq[1] * C[m] + q * dCy);
                dp[2] = f * gq[2] * C[m];
                dn[0] = f * (gq[0] * S[m] + q * dSx);
                dn[1] = f * (gq[1] * S[m] + q * dSy);
                dn[2] = f * gq[2] * S[m];
            }
        }
    }
}
