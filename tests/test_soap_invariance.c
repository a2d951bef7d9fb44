/* test_soap_invariance.c — symmetries of the SOAP power spectrum, smoothness at
 * the cutoff, and the accuracy of the tabulated radial basis.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "ethanol_frame.h"
#include "model/radial.h"
#include "model/soap.h"
#include "model/sph.h"

static const double ethanol_pos[27] = MTT_TEST_ETHANOL_POS;
static const int ethanol_spec[9] = {0, 0, 0, 0, 0, 0, 1, 1, 2};
static const int chno[3] = {1, 6, 8};
static const double cell0[9] = {3.3, 0.0, 0.0, 1.1, 3.1, 0.0, 0.5, 0.7, 3.6};
static const double cpos[12] = {0.126, 0.162, 0.036, 1.392, 1.085, 0.812,
                                2.608, 1.975, 2.196, 3.776, 3.1, 2.506};
static const int cspec[4] = {0, 0, 1, 1}; /* two "species" to exercise cross terms */
static const int pbc3[3] = {1, 1, 1};

static mtt_nlist nl;
static mtt_soap_work work;

static mtt_soap *make_soap(double grid)
{
    mtt_soap_params prm = {5.0, 0.5, 7, 6, 3, chno, grid};
    mtt_soap *soap = NULL;
    mtt_error err;
    mtt_soap_create(&soap, &prm, &err);
    return soap;
}

static void compute(const mtt_soap *soap, int n, const double *pos, const double *cell, const int *pbc,
                    const int *spec, double *p)
{
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_nlist_build(&nl, n, pos, cell, pbc, soap->cutoff, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &nl, spec, p, &work, 0, &err), MTT_OK);
}

static double rel_diff(const double *a, const double *b, size_t n)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; ++i) m = fmax(m, fabs(a[i] - b[i])), s = fmax(s, fabs(b[i]));
    return s > 0 ? m / s : m;
}

static void rotation(double *R)
{
    double a = 0.7, b = -1.3, c = 2.1; /* Z-Y-Z Euler angles */
    double Rz1[9] = {cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1};
    double Ry[9] = {cos(b), 0, sin(b), 0, 1, 0, -sin(b), 0, cos(b)};
    double Rz2[9] = {cos(c), -sin(c), 0, sin(c), cos(c), 0, 0, 0, 1};
    double T[9];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            T[3 * i + j] = 0;
            for (int k = 0; k < 3; ++k) T[3 * i + j] += Rz1[3 * i + k] * Ry[3 * k + j];
        }
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            R[3 * i + j] = 0;
            for (int k = 0; k < 3; ++k) R[3 * i + j] += T[3 * i + k] * Rz2[3 * k + j];
        }
}

static void apply(const double *R, int n, const double *in, double *out)
{
    for (int i = 0; i < n; ++i)
        for (int a = 0; a < 3; ++a)
            out[3 * i + a] = R[3 * a] * in[3 * i] + R[3 * a + 1] * in[3 * i + 1] + R[3 * a + 2] * in[3 * i + 2];
}

static void test_rotation_translation(void)
{
    mtt_soap *soap = make_soap(0.0);
    size_t D = soap->dim;
    double *p0 = malloc(9 * D * sizeof *p0), *p1 = malloc(9 * D * sizeof *p1);
    double R[9], pos[27], cell[9], cp[12];
    compute(soap, 9, ethanol_pos, NULL, NULL, ethanol_spec, p0);
    rotation(R);
    apply(R, 9, ethanol_pos, pos);
    compute(soap, 9, pos, NULL, NULL, ethanol_spec, p1);
    CU_ASSERT(rel_diff(p1, p0, 9 * D) < 1e-13);
    for (int i = 0; i < 27; ++i) pos[i] = ethanol_pos[i] + (i % 3 == 0 ? 13.7 : -2.2);
    compute(soap, 9, pos, NULL, NULL, ethanol_spec, p1);
    CU_ASSERT(rel_diff(p1, p0, 9 * D) < 1e-13);
    /* periodic: rotate positions and cell together */
    compute(soap, 4, cpos, cell0, pbc3, cspec, p0);
    apply(R, 4, cpos, cp);
    apply(R, 3, cell0, cell);
    compute(soap, 4, cp, cell, pbc3, cspec, p1);
    CU_ASSERT(rel_diff(p1, p0, 4 * D) < 1e-13);
    free(p0), free(p1);
    mtt_soap_free(soap);
}

static void test_permutation(void)
{
    mtt_soap *soap = make_soap(0.0);
    size_t D = soap->dim;
    double *p0 = malloc(9 * D * sizeof *p0), *p1 = malloc(9 * D * sizeof *p1);
    int perm[9] = {8, 3, 0, 6, 1, 7, 2, 5, 4}, spec[9];
    double pos[27];
    for (int i = 0; i < 9; ++i) {
        memcpy(pos + 3 * i, ethanol_pos + 3 * perm[i], 3 * sizeof(double));
        spec[i] = ethanol_spec[perm[i]];
    }
    compute(soap, 9, ethanol_pos, NULL, NULL, ethanol_spec, p0);
    compute(soap, 9, pos, NULL, NULL, spec, p1);
    double worst = 0.0;
    for (int i = 0; i < 9; ++i) worst = fmax(worst, rel_diff(p1 + i * D, p0 + perm[i] * D, D));
    CU_ASSERT(worst < 1e-13);
    free(p0), free(p1);
    mtt_soap_free(soap);
}

static void test_images_and_supercell(void)
{
    mtt_soap *soap = make_soap(0.0);
    size_t D = soap->dim;
    double *p0 = malloc(4 * D * sizeof *p0), *p1 = malloc(32 * D * sizeof *p1);
    /* image choice: move atoms by lattice vectors */
    double pos[3 * 32];
    int shifts[4][3] = {{1, 0, 0}, {-2, 1, 0}, {0, 3, -1}, {-1, -1, -1}};
    for (int i = 0; i < 4; ++i)
        for (int a = 0; a < 3; ++a) {
            pos[3 * i + a] = cpos[3 * i + a];
            for (int d = 0; d < 3; ++d) pos[3 * i + a] += shifts[i][d] * cell0[3 * d + a];
        }
    compute(soap, 4, cpos, cell0, pbc3, cspec, p0);
    compute(soap, 4, pos, cell0, pbc3, cspec, p1);
    CU_ASSERT(rel_diff(p1, p0, 4 * D) < 1e-12);
    /* 2×2×2 supercell: every copy has the per-atom p of the small cell */
    double cell2[9];
    int spec2[32];
    for (int k = 0; k < 9; ++k) cell2[k] = 2.0 * cell0[k];
    int n = 0;
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
            for (int c = 0; c < 2; ++c)
                for (int i = 0; i < 4; ++i, ++n) {
                    for (int x = 0; x < 3; ++x)
                        pos[3 * n + x] = cpos[3 * i + x] + a * cell0[x] + b * cell0[3 + x] + c * cell0[6 + x];
                    spec2[n] = cspec[i];
                }
    compute(soap, 32, pos, cell2, pbc3, spec2, p1);
    double worst = 0.0;
    for (int k = 0; k < 32; ++k) worst = fmax(worst, rel_diff(p1 + k * D, p0 + (k % 4) * D, D));
    printf("# supercell vs cell: %.3g\n", worst);
    CU_ASSERT(worst < 1e-12);
    free(p0), free(p1);
    mtt_soap_free(soap);
}

/* A neighbour list built with a larger cutoff gives the same p (pairs beyond
 * r_c are skipped), with and without stored pair gradients. */
static void test_longer_list(void)
{
    mtt_soap *soap = make_soap(MTT_SOAP_DEFAULT_GRID);
    size_t D = soap->dim;
    double *p0 = malloc(4 * D * sizeof *p0), *p1 = malloc(4 * D * sizeof *p1);
    double F0[12], F1[12], *g = calloc(4 * D, sizeof *g);
    mtt_error err;
    for (size_t d = 0; d < 4 * D; d += 7) g[d] = 1.0;
    compute(soap, 4, cpos, cell0, pbc3, cspec, p0);
    CU_ASSERT_EQUAL(mtt_soap_forces(soap, g, &work, F0, NULL, &err), MTT_OK);
    size_t short_pairs = nl.n_pairs;
    CU_ASSERT_EQUAL_FATAL(mtt_nlist_build(&nl, 4, cpos, cell0, pbc3, 6.5, &err), MTT_OK);
    CU_ASSERT(nl.n_pairs > short_pairs);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &nl, cspec, p1, &work, MTT_SOAP_STORE_GRAD, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_soap_forces(soap, g, &work, F1, NULL, &err), MTT_OK);
    CU_ASSERT(rel_diff(p1, p0, 4 * D) < 1e-14);
    CU_ASSERT(rel_diff(F1, F0, 12) < 1e-13);
    free(p0), free(p1), free(g);
    mtt_soap_free(soap);
}

/* A pair approaching the cutoff from inside smoothly joins the isolated atoms,
 * with a vanishing derivative (f_c and f_c' are 0 at r_c). */
static void test_cutoff_continuity(void)
{
    mtt_soap *soap = make_soap(0.0);
    size_t D = soap->dim;
    double *p_far = malloc(2 * D * sizeof *p_far), *p = malloc(2 * D * sizeof *p),
           *jac = malloc(2 * D * 2 * 3 * sizeof *jac);
    int spec[2] = {1, 2};
    double pos[6] = {0, 0, 0, 6.0, 0, 0};
    compute(soap, 2, pos, NULL, NULL, spec, p_far);
    double scale = 0.0;
    for (size_t d = 0; d < 2 * D; ++d) CU_ASSERT_EQUAL(p_far[d], 0.0); /* no neighbours: c = 0 */
    pos[3] = 4.0;
    compute(soap, 2, pos, NULL, NULL, spec, p);
    for (size_t d = 0; d < 2 * D; ++d) scale = fmax(scale, fabs(p[d]));
    double prev = INFINITY;
    for (int e = 3; e <= 6; ++e) {
        double delta = pow(10.0, -e);
        pos[3] = 5.0 - delta;
        compute(soap, 2, pos, NULL, NULL, spec, p);
        double m = 0.0;
        for (size_t d = 0; d < 2 * D; ++d) m = fmax(m, fabs(p[d] - p_far[d]));
        CU_ASSERT(m <= 1e3 * delta * delta * delta * delta * scale); /* f_c ~ δ², p ~ f_c² */
        CU_ASSERT(m < prev);
        prev = m;
        mtt_error err;
        CU_ASSERT_EQUAL(mtt_soap_jacobian(soap, &work, jac, &err), MTT_OK);
        double dm = 0.0;
        for (size_t d = 0; d < 2 * D * 6; ++d) dm = fmax(dm, fabs(jac[d]));
        CU_ASSERT(dm <= 1e3 * delta * delta * delta * scale);
    }
    pos[3] = 5.0;
    compute(soap, 2, pos, NULL, NULL, spec, p);
    CU_ASSERT(rel_diff(p, p_far, 2 * D) == 0.0);
    free(p_far), free(p), free(jac);
    mtt_soap_free(soap);
}

/* Table vs exact radial functions on a dense sweep (what docs/soap.md quotes). */
static void test_table_accuracy(void)
{
    mtt_radial ex, tb;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_radial_init(&ex, 7, 6, 5.0, 0.5, 0.0, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_radial_init(&tb, 7, 6, 5.0, 0.5, MTT_SOAP_DEFAULT_GRID, &err), MTT_OK);
    double g0[56], d0[56], g1[56], d1[56], eg = 0, ed = 0, sg = 0, sd = 0;
    for (int t = 1; t <= 100000; ++t) {
        double r = 5.0 * t / 100000.0 - 1e-9;
        mtt_radial_eval_exact(&ex, r, g0, d0);
        mtt_radial_eval(&tb, r, g1, d1);
        for (int q = 0; q < 56; ++q) {
            eg = fmax(eg, fabs(g1[q] - g0[q])), ed = fmax(ed, fabs(d1[q] - d0[q]));
            sg = fmax(sg, fabs(g0[q])), sd = fmax(sd, fabs(d0[q]));
        }
    }
    printf("# radial table (h=%g Å): max |Δg|/max|g| = %.3g, max |Δg'|/max|g'| = %.3g\n",
           MTT_SOAP_DEFAULT_GRID, eg / sg, ed / sd);
    CU_ASSERT(eg <= 1e-9 * sg);
    CU_ASSERT(ed <= 1e-6 * sd);
    /* orthonormality ∫ R_nl R_n'l r² dr = δ (Simpson, exact path without f_c) */
    double worst = 0.0;
    const int M = 20000;
    for (int l = 0; l <= 6; ++l)
        for (int n = 0; n < 8; ++n)
            for (int n2 = n; n2 < 8; ++n2) {
                double s = 0.0, jb[10], jb2[10];
                for (int t = 0; t <= M; ++t) {
                    double r = 5.0 * t / M, w = (t == 0 || t == M) ? 1 : (t % 2 ? 4 : 2);
                    mtt_radial_bessel(l, ex.k[l * 8 + n] * r, jb);
                    mtt_radial_bessel(l, ex.k[l * 8 + n2] * r, jb2);
                    s += w * ex.norm[l * 8 + n] * jb[l] * ex.norm[l * 8 + n2] * jb2[l] * r * r;
                }
                s *= 5.0 / M / 3.0;
                worst = fmax(worst, fabs(s - (n == n2)));
            }
    printf("# radial orthonormality error %.3g\n", worst);
    CU_ASSERT(worst < 1e-10);
    mtt_radial_free(&ex);
    mtt_radial_free(&tb);
}

/* Y_lm: addition theorem Σ_m Y_lm(a) Y_lm(b) = (2l+1)/(4π) P_l(a·b). */
static void test_spherical_harmonics(void)
{
    double k[121], ya[121], yb[121];
    mtt_sph_prefactors(10, k);
    double a[3] = {0.3, -0.5, 0.8}, b[3] = {-0.6, 0.2, 0.4};
    double na = sqrt(0.98), nb = sqrt(0.56);
    for (int x = 0; x < 3; ++x) a[x] /= na, b[x] /= nb;
    mtt_sph_eval(10, k, a, ya, NULL);
    mtt_sph_eval(10, k, b, yb, NULL);
    double t = a[0] * b[0] + a[1] * b[1] + a[2] * b[2], P0 = 1, P1 = t, worst = 0;
    for (int l = 0; l <= 10; ++l) {
        double Pl = l == 0 ? 1 : (l == 1 ? t : 0);
        if (l >= 2) {
            Pl = ((2 * l - 1) * t * P1 - (l - 1) * P0) / l;
            P0 = P1, P1 = Pl;
        }
        double s = 0;
        for (int m = -l; m <= l; ++m) s += ya[l * l + l + m] * yb[l * l + l + m];
        worst = fmax(worst, fabs(s - (2 * l + 1) / (4 * M_PI) * Pl));
    }
    CU_ASSERT(worst < 1e-13);
}

int main(void)
{
    mtt_nlist_init(&nl);
    mtt_soap_work_init(&work);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap invariance", NULL, NULL);
    CU_add_test(s, "rotation and translation", test_rotation_translation);
    CU_add_test(s, "permutation of atoms", test_permutation);
    CU_add_test(s, "image choice and 2x2x2 supercell", test_images_and_supercell);
    CU_add_test(s, "continuity at the cutoff", test_cutoff_continuity);
    CU_add_test(s, "neighbour list longer than the cutoff", test_longer_list);
    CU_add_test(s, "radial table accuracy and orthonormality", test_table_accuracy);
    CU_add_test(s, "spherical harmonics addition theorem", test_spherical_harmonics);
    int rc = mtt_cunit_run_tap();
    mtt_soap_work_free(&work);
    mtt_nlist_free(&nl);
    return rc;
}
