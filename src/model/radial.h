/* radial.h — cutoff function and Laplacian-eigenstate radial basis of SOAP.
 *
 *   f_c(r)  = 1 for r < r_c - w;  ½(1 + cos(π (r - r_c + w)/w)) up to r_c;  0 beyond
 *   R_nl(r) = N_nl j_l(z_nl r / r_c),  z_nl the (n+1)-th positive zero of j_l,
 *             N_nl = sqrt(2/r_c³)/|j_{l+1}(z_nl)|  so that ∫₀^rc R_nl² r² dr = 1
 *   g_nl(r) = f_c(r) R_nl(r)   (what the expansion needs), and g'_nl(r).
 * n = 0..max_radial, l = 0..max_angular; values are stored l-major: g[l·N + n]
 * with N = max_radial + 1.  Units: r and r_c in Å, g in Å^-3/2.
 *
 * Two evaluation paths:
 *  - exact: spherical Bessel functions by upward recursion where x ≥ l and a
 *    power series below (≈1e-15 relative), ~N·(L+1) sin/cos per call;
 *  - table (grid_spacing > 0): cubic Hermite interpolation of g from exact g and
 *    g' at nodes; g' is the derivative of the same cubic, so energies and forces
 *    stay exactly consistent.  Nodes include r_c - w (where f_c'' jumps).  The
 *    error is O(h⁴) for g and O(h³) for g' (measured in tests/test_soap_fd.c and
 *    documented in docs/soap.md).
 */
#ifndef MTT_MODEL_RADIAL_H
#define MTT_MODEL_RADIAL_H

#include "util/status.h"

typedef struct mtt_radial {
    int n_radial;        /* N = max_radial + 1 */
    int max_angular;     /* L */
    double cutoff;       /* r_c, Å */
    double width;        /* w, Å */
    double *k;           /* (L+1)·N: z_nl / r_c, 1/Å */
    double *norm;        /* (L+1)·N: N_nl, Å^-3/2 */
    /* table (NULL when exact) */
    int n_inner;         /* intervals on [0, r_c - w] */
    int n_outer;         /* intervals on [r_c - w, r_c] */
    double h_inner, h_outer; /* Å */
    double *table;       /* (n_inner+n_outer+1) nodes × 2 × (L+1)·N: g then g' */
} mtt_radial;

/* j_l(x) for l = 0..lmax into j[0..lmax]; x ≥ 0. */
void mtt_radial_bessel(int lmax, double x, double *j);

/* f_c(r) and, if dfc != NULL, its derivative. */
double mtt_radial_cutoff(double r, double cutoff, double width, double *dfc);

/* Compute zeros and normalisations and, if grid_spacing > 0 (Å), the table. */
mtt_status mtt_radial_init(mtt_radial *rb, int max_radial, int max_angular, double cutoff,
                           double width, double grid_spacing, mtt_error *err);
void mtt_radial_free(mtt_radial *rb);

/* g[l·N+n] = g_nl(r), dg likewise (dg may be NULL); r in (0, r_c]. */
void mtt_radial_eval_exact(const mtt_radial *rb, double r, double *g, double *dg);
/* Table path when a table exists, else exact. */
void mtt_radial_eval(const mtt_radial *rb, double r, double *g, double *dg);

#endif
