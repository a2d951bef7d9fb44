/* test_soap_fd.c — SOAP gradients by finite differences, invariances, table accuracy.
 *
 * Central differences (h = 1e-5 Å) in double precision; relative errors are
 * measured against the largest entry of the quantity compared and must be ≤ 1e-6.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "ethanol_frame.h"
#include "model/soap.h"

/* ethanol, frame 0 of ethanol_reduced_100.xyz (Å) */
static const double ethanol_pos[27] = MTT_TEST_ETHANOL_POS;
static const int ethanol_z[9] = {1, 1, 1, 1, 1, 1, 6, 6, 8};
static const int chno[3] = {1, 6, 8};

/* triclinic carbon-like cell, thinner than 2·cutoff */
static const double carbon_cell[9] = {3.3, 0.0, 0.0, 1.1, 3.1, 0.0, 0.5, 0.7, 3.6};
static const double carbon_pos[12] = {0.126, 0.162, 0.036, 1.392, 1.085, 0.812,
                                      2.608, 1.975, 2.196, 3.776, 3.1, 2.506};
static const int carbon_z[4] = {6, 6, 6, 6};
static const int all_pbc[3] = {1, 1, 1};

typedef struct system {
    int n;
    double *pos, cell[9];
    int pbc[3];
    int *spec;
} system_t;

static unsigned long long rng = 42;
static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static mtt_soap *make_soap(int n_species, const int *species, int max_radial, int max_angular,
                           double grid)
{
    mtt_soap_params prm = {5.0, 0.5, max_radial, max_angular, n_species, species, grid};
    mtt_soap *soap = NULL;
    mtt_error err;
    if (mtt_soap_create(&soap, &prm, &err) != MTT_OK) return NULL;
    return soap;
}

static system_t make_system(const mtt_soap *soap, int n, const double *pos, const int *z,
                            const double *cell, const int *pbc)
{
    system_t s;
    s.n = n;
    s.pos = malloc(3 * (size_t)n * sizeof *s.pos);
    memcpy(s.pos, pos, 3 * (size_t)n * sizeof *s.pos);
    s.spec = malloc((size_t)n * sizeof *s.spec);
    for (int i = 0; i < n; ++i) s.spec[i] = mtt_soap_species_index(soap, z[i]);
    memset(s.cell, 0, sizeof s.cell);
    if (cell) memcpy(s.cell, cell, sizeof s.cell);
    for (int d = 0; d < 3; ++d) s.pbc[d] = pbc ? pbc[d] : 0;
    return s;
}

static void free_system(system_t *s)
{
    free(s->pos);
    free(s->spec);
}

static mtt_nlist g_nl;
static mtt_soap_work g_w;

/* p of s (and leaves c, pairs in g_w for gradient calls). */
static void compute(const mtt_soap *soap, const system_t *s, double *p, int flags)
{
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_nlist_build(&g_nl, s->n, s->pos, s->cell, s->pbc, soap->cutoff, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &g_nl, s->spec, p, &g_w, flags, &err), MTT_OK);
}

static double max_abs(const double *a, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; ++i) m = fmax(m, fabs(a[i]));
    return m;
}

static double max_diff(const double *a, const double *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; ++i) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* dp/dr (dense Jacobian) vs central differences of p. */
static void check_jacobian_fd(const mtt_soap *soap, system_t *s, const char *label)
{
    const size_t D = soap->dim, n = (size_t)s->n;
    double *jac = malloc(n * D * n * 3 * sizeof *jac), *pp = malloc(n * D * sizeof *pp),
           *pm = malloc(n * D * sizeof *pm), *col = malloc(n * D * sizeof *col);
    mtt_error err;
    compute(soap, s, pp, 0);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_jacobian(soap, &g_w, jac, &err), MTT_OK);
    double scale = max_abs(jac, n * D * n * 3), worst = 0.0;
    const double h = 1e-5;
    for (size_t k = 0; k < n; ++k)
        for (int x = 0; x < 3; ++x) {
            double x0 = s->pos[3 * k + x];
            s->pos[3 * k + x] = x0 + h;
            compute(soap, s, pp, 0);
            s->pos[3 * k + x] = x0 - h;
            compute(soap, s, pm, 0);
            s->pos[3 * k + x] = x0;
            for (size_t i = 0; i < n; ++i)
                for (size_t d = 0; d < D; ++d) {
                    double fd = (pp[i * D + d] - pm[i * D + d]) / (2 * h);
                    double an = jac[((i * D + d) * n + k) * 3 + x];
                    worst = fmax(worst, fabs(fd - an));
                }
        }
    printf("# %s: dp/dr vs finite differences, relative error %.3g\n", label, worst / scale);
    CU_ASSERT(worst <= 1e-6 * scale);
    CU_ASSERT(scale > 0.0);
    free(jac), free(pp), free(pm), free(col);
}

static void test_jacobian_molecule(void)
{
    mtt_soap *soap = make_soap(3, chno, 7, 6, 0.0);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_jacobian_fd(soap, &s, "ethanol exact");
    free_system(&s);
    mtt_soap_free(soap);
}

static void test_jacobian_periodic(void)
{
    mtt_soap *soap = make_soap(1, chno + 1, 5, 4, 0.0);
    system_t s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    check_jacobian_fd(soap, &s, "carbon cell exact");
    int slab[3] = {1, 0, 1};
    memcpy(s.pbc, slab, sizeof slab);
    check_jacobian_fd(soap, &s, "carbon slab exact");
    free_system(&s);
    mtt_soap_free(soap);
}

static void test_jacobian_table(void)
{
    /* the table's g' is the derivative of its own cubic: FD must agree as well */
    mtt_soap *soap = make_soap(3, chno, 5, 4, MTT_SOAP_DEFAULT_GRID);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_jacobian_fd(soap, &s, "ethanol table");
    free_system(&s);
    mtt_soap_free(soap);
}

/* E = Σ_i g_i · p_i for fixed random g. */
static double energy(const mtt_soap *soap, const system_t *s, const double *g, double *p)
{
    compute(soap, s, p, 0);
    double e = 0.0;
    for (size_t a = 0; a < (size_t)s->n * soap->dim; ++a) e += g[a] * p[a];
    return e;
}

static void check_forces_and_strain(const mtt_soap *soap, system_t *s, const char *label)
{
    const size_t D = soap->dim, n = (size_t)s->n;
    double *g = malloc(n * D * sizeof *g), *p = malloc(n * D * sizeof *p),
           *jac = malloc(n * D * n * 3 * sizeof *jac);
    double *F = malloc(3 * n * sizeof *F), *F2 = malloc(3 * n * sizeof *F2), *Fj = malloc(3 * n * sizeof *Fj);
    double dE[9], dE2[9];
    mtt_error err;
    for (size_t a = 0; a < n * D; ++a) g[a] = urand() - 0.5;
    compute(soap, s, p, 0);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F, dE, &err), MTT_OK);
    /* forces from the full Jacobian */
    CU_ASSERT_EQUAL_FATAL(mtt_soap_jacobian(soap, &g_w, jac, &err), MTT_OK);
    for (size_t k = 0; k < 3 * n; ++k) {
        double acc = 0.0;
        for (size_t i = 0; i < n; ++i)
            for (size_t d = 0; d < D; ++d) acc += g[i * D + d] * jac[(i * D + d) * n * 3 + k];
        Fj[k] = -acc;
    }
    double fs = max_abs(F, 3 * n);
    printf("# %s: forces contraction vs Jacobian %.3g\n", label, max_diff(F, Fj, 3 * n) / fs);
    CU_ASSERT(max_diff(F, Fj, 3 * n) <= 1e-12 * fs);
    /* stored pair gradients give the same forces */
    compute(soap, s, p, MTT_SOAP_STORE_GRAD);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F2, dE2, &err), MTT_OK);
    CU_ASSERT(max_diff(F, F2, 3 * n) <= 1e-14 * fs);
    CU_ASSERT(max_diff(dE, dE2, 9) <= 1e-14 * max_abs(dE, 9));
    /* forces vs finite differences of E */
    const double h = 1e-5;
    double worst = 0.0, sumF[3] = {0, 0, 0};
    for (size_t k = 0; k < n; ++k)
        for (int x = 0; x < 3; ++x) {
            double x0 = s->pos[3 * k + x];
            s->pos[3 * k + x] = x0 + h;
            double ep = energy(soap, s, g, p);
            s->pos[3 * k + x] = x0 - h;
            double em = energy(soap, s, g, p);
            s->pos[3 * k + x] = x0;
            worst = fmax(worst, fabs(-(ep - em) / (2 * h) - F[3 * k + x]));
            sumF[x] += F[3 * k + x];
        }
    printf("# %s: forces vs finite differences %.3g\n", label, worst / fs);
    CU_ASSERT(worst <= 1e-6 * fs);
    CU_ASSERT(max_abs(sumF, 3) <= 1e-12 * fs * n);
    /* strain: positions and cell deformed by (1 + ε) */
    double *pos0 = malloc(3 * n * sizeof *pos0), cell0[9];
    memcpy(pos0, s->pos, 3 * n * sizeof *pos0);
    memcpy(cell0, s->cell, sizeof cell0);
    double es = max_abs(dE, 9), werr = 0.0;
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
            double e[2];
            for (int sgn = 0; sgn < 2; ++sgn) {
                double eps = sgn ? -h : h;
                for (size_t k = 0; k < n; ++k) s->pos[3 * k + a] = pos0[3 * k + a] + eps * pos0[3 * k + b];
                for (int r = 0; r < 3; ++r) s->cell[3 * r + a] = cell0[3 * r + a] + eps * cell0[3 * r + b];
                e[sgn] = energy(soap, s, g, p);
                memcpy(s->pos, pos0, 3 * n * sizeof *pos0);
                memcpy(s->cell, cell0, sizeof cell0);
            }
            werr = fmax(werr, fabs((e[0] - e[1]) / (2 * h) - dE[3 * a + b]));
        }
    printf("# %s: dE/dstrain vs finite differences %.3g\n", label, werr / es);
    CU_ASSERT(werr <= 1e-6 * es);
    /* rotation invariance makes dE/dε symmetric */
    CU_ASSERT(fabs(dE[1] - dE[3]) <= 1e-10 * es && fabs(dE[2] - dE[6]) <= 1e-10 * es);
    free(pos0);
    free(g), free(p), free(jac), free(F), free(F2), free(Fj);
}

static void test_forces_strain(void)
{
    mtt_soap *soap = make_soap(3, chno, 5, 4, 0.0);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_forces_and_strain(soap, &s, "ethanol");
    free_system(&s);
    mtt_soap_free(soap);
    soap = make_soap(1, chno + 1, 5, 4, 0.0);
    s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    check_forces_and_strain(soap, &s, "carbon cell");
    free_system(&s);
    mtt_soap_free(soap);
}

static void check_tangent(const mtt_soap *soap, system_t *s, const char *label)
{
    const size_t D = soap->dim, n = (size_t)s->n;
    double *w = malloc(3 * n * sizeof *w), *pd = malloc(n * D * sizeof *pd), *pd2 = malloc(n * D * sizeof *pd2),
           *pp = malloc(n * D * sizeof *pp), *pm = malloc(n * D * sizeof *pm),
           *pos0 = malloc(3 * n * sizeof *pos0);
    mtt_error err;
    for (size_t k = 0; k < 3 * n; ++k) w[k] = urand() - 0.5;
    compute(soap, s, pp, 0);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent(soap, w, &g_w, pd, &err), MTT_OK);
    compute(soap, s, pp, MTT_SOAP_STORE_GRAD);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent(soap, w, &g_w, pd2, &err), MTT_OK);
    double scale = max_abs(pd, n * D);
    CU_ASSERT(max_diff(pd, pd2, n * D) <= 1e-14 * scale);
    const double h = 1e-5;
    memcpy(pos0, s->pos, 3 * n * sizeof *pos0);
    for (size_t k = 0; k < 3 * n; ++k) s->pos[k] = pos0[k] + h * w[k];
    compute(soap, s, pp, 0);
    for (size_t k = 0; k < 3 * n; ++k) s->pos[k] = pos0[k] - h * w[k];
    compute(soap, s, pm, 0);
    memcpy(s->pos, pos0, 3 * n * sizeof *pos0);
    double worst = 0.0;
    for (size_t a = 0; a < n * D; ++a) worst = fmax(worst, fabs((pp[a] - pm[a]) / (2 * h) - pd[a]));
    printf("# %s: tangent vs finite differences %.3g\n", label, worst / scale);
    CU_ASSERT(worst <= 1e-6 * scale);
    free(w), free(pd), free(pd2), free(pp), free(pm), free(pos0);
}

static void test_tangent(void)
{
    mtt_soap *soap = make_soap(3, chno, 7, 6, 0.0);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_tangent(soap, &s, "ethanol");
    free_system(&s);
    mtt_soap_free(soap);
    soap = make_soap(1, chno + 1, 7, 6, MTT_SOAP_DEFAULT_GRID);
    s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    check_tangent(soap, &s, "carbon cell (table)");
    free_system(&s);
    mtt_soap_free(soap);
}

/* The per-pair kernels run over the radial channels in blocks of 8 and 4
 * lanes, padded with zeros: N = 9 takes a block of 8 and one of 4 (3 of it
 * padding), N = 3 one block of 4. */
static void test_radial_blocks(void)
{
    const int max_radial[2] = {8, 2};
    for (int t = 0; t < 2; ++t) {
        char label[64];
        mtt_soap *soap = make_soap(3, chno, max_radial[t], 3, 0.0);
        CU_ASSERT_EQUAL(soap->NP % 4, 0);
        CU_ASSERT(soap->NP >= soap->N && soap->NP < soap->N + 4);
        system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
        snprintf(label, sizeof label, "ethanol, N = %d", soap->N);
        check_forces_and_strain(soap, &s, label);
        check_tangent(soap, &s, label);
        free_system(&s);
        mtt_soap_free(soap);
        soap = make_soap(1, chno + 1, max_radial[t], 3, MTT_SOAP_DEFAULT_GRID);
        s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
        snprintf(label, sizeof label, "carbon cell, N = %d", soap->N);
        check_forces_and_strain(soap, &s, label);
        check_tangent(soap, &s, label);
        free_system(&s);
        mtt_soap_free(soap);
    }
}

/* The dense Jacobian of a small cell (soap_dense.c): chosen for the 4-atom
 * carbon cell, not for ethanol; its forces, ∂E/∂ε and tangent (positions and
 * strain) equal the factored passes' to rounding, at double and (stored as
 * floats, through the float-row entries) at float tolerance. */
static void test_dense_small_cell(void)
{
    mtt_soap *soap = make_soap(1, chno + 1, 7, 6, MTT_SOAP_DEFAULT_GRID);
    system_t s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    const size_t D = soap->dim, n = 4;
    double *p = malloc(n * D * sizeof *p), *g = malloc(n * D * sizeof *g),
           *pd = malloc(n * D * sizeof *pd), *pd2 = malloc(n * D * sizeof *pd2);
    float *gf = malloc(n * D * sizeof *gf), *out = malloc(n * D * sizeof *out);
    double w[12], eps[9], F[12], F2[12], S[9], S2[9];
    size_t rows[4] = {2, 0, 3, 1}; /* float rows in another order, as the networks' */
    mtt_error err;
    for (size_t k = 0; k < n * D; ++k) g[k] = urand() - 0.5;
    for (int k = 0; k < 12; ++k) w[k] = urand() - 0.5;
    for (int k = 0; k < 9; ++k) eps[k] = 0.1 * (urand() - 0.5);
    compute(soap, &s, p, MTT_SOAP_STORE_GRAD);
    CU_ASSERT(mtt_soap_prefers_dense(soap, &g_nl));
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F, S, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_dense_build(soap, &g_w, 0, &err), MTT_OK);
    CU_ASSERT(g_w.stored == 3 && g_w.fac == NULL && g_w.c == NULL);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F2, S2, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd2, &err), MTT_OK);
    double ef = max_diff(F, F2, 12) / max_abs(F, 12), es = max_diff(S, S2, 9) / max_abs(S, 9);
    double et = max_diff(pd, pd2, n * D) / max_abs(pd, n * D);
    printf("# dense vs factored, double: forces %.3g, dE/deps %.3g, tangent %.3g\n", ef, es, et);
    CU_ASSERT(ef < 1e-13 && es < 1e-13 && et < 1e-13);
    double Fv[12], Sv[9];
    CU_ASSERT_NOT_EQUAL(mtt_soap_forces_virial(soap, g, &g_w, Fv, Sv, pd2, &err), MTT_OK);

    /* float storage, float rows g' (row r of atom i = rows[i]) scaled by 0.5 */
    compute(soap, &s, p, MTT_SOAP_STORE_GRAD);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_dense_build(soap, &g_w, 1, &err), MTT_OK);
    CU_ASSERT(g_w.stored == 4 && g_w.jac32 != NULL);
    for (size_t i = 0; i < n; ++i)
        for (size_t d = 0; d < D; ++d) gf[rows[i] * D + d] = (float)(2.0 * g[i * D + d]);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_f32(soap, gf, rows, 0.5, &g_w, F2, S2, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain_f32(soap, w, eps, &g_w, out, rows, 2.0, &err),
                          MTT_OK);
    double worst = 0.0;
    for (size_t i = 0; i < n; ++i)
        for (size_t d = 0; d < D; ++d)
            worst = fmax(worst, fabs((double)out[rows[i] * D + d] - 2.0 * pd[i * D + d]));
    ef = max_diff(F, F2, 12) / max_abs(F, 12), es = max_diff(S, S2, 9) / max_abs(S, 9);
    et = worst / (2.0 * max_abs(pd, n * D));
    printf("# dense float vs factored double: forces %.3g, dE/deps %.3g, tangent %.3g\n", ef, es,
           et);
    CU_ASSERT(ef < 1e-6 && es < 1e-6 && et < 1e-6);
    free_system(&s);
    mtt_soap_free(soap);

    /* ethanol (3 species, D = 2100): the factored pair gradients are smaller */
    soap = make_soap(3, chno, 7, 6, 0.0);
    s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    double *pe = malloc(9 * soap->dim * sizeof *pe);
    compute(soap, &s, pe, MTT_SOAP_STORE_GRAD);
    CU_ASSERT(!mtt_soap_prefers_dense(soap, &g_nl));
    free(pe);
    free_system(&s);
    mtt_soap_free(soap);
    free(p), free(g), free(pd), free(pd2), free(gf), free(out);
}

/* The double-row entries (mtt_soap_forces_rows, mtt_soap_tangent_strain_rows:
 * atom i's row at rows[i], times scale) give bit for bit what the plain
 * entries give on a structure-ordered copy scaled first, for factored pair
 * gradients (ethanol) and a dense Jacobian (small carbon cell); double rows
 * on float position derivatives are refused. */
static void check_rows(const mtt_soap *soap, system_t *s, int dense, const char *label)
{
    const size_t D = soap->dim, n = (size_t)s->n;
    const double scale = 0.37;
    double *p = malloc(n * D * sizeof *p), *g = malloc(n * D * sizeof *g);
    double *gs = malloc(n * D * sizeof *gs), *rowsg = malloc(n * D * sizeof *rowsg);
    double *pd = malloc(n * D * sizeof *pd), *out = malloc(n * D * sizeof *out);
    double *w = malloc(3 * n * sizeof *w), eps[9], F[3 * 9], F2[3 * 9], S[9], S2[9];
    size_t rows[9];
    mtt_error err;
    for (size_t i = 0; i < n; ++i) rows[i] = (5 * i + 1) % n; /* a permutation for n = 4, 9 */
    for (size_t k = 0; k < n * D; ++k) g[k] = urand() - 0.5;
    for (size_t k = 0; k < 3 * n; ++k) w[k] = urand() - 0.5;
    for (int k = 0; k < 9; ++k) eps[k] = 0.1 * (urand() - 0.5);
    for (size_t i = 0; i < n; ++i)
        for (size_t d = 0; d < D; ++d) {
            gs[i * D + d] = scale * g[i * D + d];
            rowsg[rows[i] * D + d] = g[i * D + d];
        }
    compute(soap, s, p, MTT_SOAP_STORE_GRAD);
    if (dense) CU_ASSERT_EQUAL_FATAL(mtt_soap_dense_build(soap, &g_w, 0, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, gs, &g_w, F, S, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_rows(soap, rowsg, rows, scale, &g_w, F2, S2, &err),
                          MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(
        mtt_soap_tangent_strain_rows(soap, w, eps, &g_w, out, rows, scale, &err), MTT_OK);
    int same_tangent = 1;
    for (size_t i = 0; i < n; ++i)
        for (size_t d = 0; d < D; ++d)
            same_tangent &= out[rows[i] * D + d] == scale * pd[i * D + d];
    const int same_forces = memcmp(F, F2, 3 * n * sizeof *F) == 0 && memcmp(S, S2, sizeof S) == 0;
    printf("# double rows, %s: forces and dE/deps %s, tangent %s\n", label,
           same_forces ? "identical" : "DIFFER", same_tangent ? "identical" : "DIFFERS");
    CU_ASSERT(same_forces && same_tangent);
    compute(soap, s, p, MTT_SOAP_STORE_GRAD_F32);
    CU_ASSERT_EQUAL(mtt_soap_forces_rows(soap, rowsg, rows, scale, &g_w, F2, S2, &err),
                    MTT_ERR_INTERNAL);
    free(p), free(g), free(gs), free(rowsg), free(pd), free(out), free(w);
}

static void test_double_rows(void)
{
    mtt_soap *soap = make_soap(3, chno, 7, 6, 0.0);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_rows(soap, &s, 0, "ethanol, factored pair gradients");
    free_system(&s);
    mtt_soap_free(soap);
    soap = make_soap(1, chno + 1, 7, 6, MTT_SOAP_DEFAULT_GRID);
    s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    check_rows(soap, &s, 1, "carbon cell, dense Jacobian");
    free_system(&s);
    mtt_soap_free(soap);
}

/* One direction of each pair i↔j (MTT_SOAP_HALF_PAIRS, soap_half.c): the
 * forces, ∂E/∂ε, per-atom virial and tangent (displacements and strain)
 * equal the passes over both directions to rounding, with the factors
 * stored (double, float) or recomputed, on a molecule and on a cell small
 * enough for atoms to see their own images; half the factors are stored.
 * A list with a centre's pairs dropped (an MD domain's ghosts) keeps both
 * directions. */
static void check_half(const mtt_soap *soap, system_t *s, const char *label)
{
    const size_t D = soap->dim, n = (size_t)s->n;
    double *p = malloc(n * D * sizeof *p), *g = malloc(n * D * sizeof *g);
    double *pd = malloc(n * D * sizeof *pd), *pd2 = malloc(n * D * sizeof *pd2);
    double *F = malloc(3 * n * sizeof *F), *F2 = malloc(3 * n * sizeof *F2);
    double *A = malloc(9 * n * sizeof *A), *A2 = malloc(9 * n * sizeof *A2);
    double *w = malloc(3 * n * sizeof *w), eps[9], S[9], S2[9];
    mtt_error err;
    for (size_t k = 0; k < n * D; ++k) g[k] = urand() - 0.5;
    for (size_t k = 0; k < 3 * n; ++k) w[k] = urand() - 0.5;
    for (int k = 0; k < 9; ++k) eps[k] = 0.1 * (urand() - 0.5);
    compute(soap, s, p, MTT_SOAP_STORE_GRAD);
    CU_ASSERT(!g_w.half);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_virial(soap, g, &g_w, F, S, A, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd, &err), MTT_OK);
    const double fs = max_abs(F, 3 * n), ss = max_abs(S, 9), as = max_abs(A, 9 * n);
    const double ts = max_abs(pd, n * D);
    const int flags[3] = {MTT_SOAP_STORE_GRAD, 0, MTT_SOAP_STORE_GRAD_F32};
    const char *names[3] = {"stored", "recomputed", "float"};
    for (int t = 0; t < 3; ++t) {
        compute(soap, s, p, flags[t] | MTT_SOAP_HALF_PAIRS);
        CU_ASSERT(g_w.half && 2 * g_w.n_half == g_nl.n_pairs);
        CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_virial(soap, g, &g_w, F2, S2, A2, &err), MTT_OK);
        CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd2, &err), MTT_OK);
        const double ef = max_diff(F, F2, 3 * n) / fs, es = max_diff(S, S2, 9) / ss;
        const double ea = max_diff(A, A2, 9 * n) / as, et = max_diff(pd, pd2, n * D) / ts;
        printf("# half pairs, %s, %s: forces %.3g, dE/deps %.3g, per-atom %.3g, tangent %.3g\n",
               label, names[t], ef, es, ea, et);
        const double tol = t == 2 ? 2e-6 : 1e-14; /* float: ~30 ε_float; double: ~50 ε */
        CU_ASSERT(ef <= tol && es <= tol && ea <= tol && et <= tol);
        if (t == 0) {
            /* a work lent a too small buffer grows its own */
            double small[1];
            mtt_soap_work_lend_pass(&g_w, small, 1);
            CU_ASSERT_EQUAL_FATAL(mtt_soap_tangent_strain(soap, w, eps, &g_w, pd2, &err), MTT_OK);
            CU_ASSERT(max_diff(pd, pd2, n * D) <= 1e-14 * ts);
            mtt_soap_work_lend_pass(&g_w, NULL, 0);
            /* its scratch dropped (a cached work): a lent one serves, bit for bit;
             * one too small, and the work grows its own again */
            const size_t ns = mtt_soap_scratch_size(soap);
            double *lent = malloc(ns * sizeof *lent), *F3 = malloc(3 * n * sizeof *F3);
            mtt_soap_work_drop_scratch(&g_w);
            CU_ASSERT(g_w.scratch == NULL && g_w.cap_scratch == 0);
            mtt_soap_work_lend_scratch(&g_w, lent, ns);
            CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_virial(soap, g, &g_w, F3, S2, A2, &err), MTT_OK);
            CU_ASSERT(g_w.scratch == NULL);
            CU_ASSERT(max_diff(F2, F3, 3 * n) == 0.0);
            mtt_soap_work_lend_scratch(&g_w, small, 1);
            CU_ASSERT_EQUAL_FATAL(mtt_soap_forces_virial(soap, g, &g_w, F3, S2, A2, &err), MTT_OK);
            CU_ASSERT(g_w.scratch != NULL && g_w.cap_scratch >= ns);
            CU_ASSERT(max_diff(F2, F3, 3 * n) == 0.0);
            mtt_soap_work_lend_scratch(&g_w, NULL, 0);
            free(lent), free(F3);
        }
    }
    /* centre 0's pairs dropped: not symmetric, both directions kept */
    compute(soap, s, p, 0);
    const size_t drop = g_nl.first[1];
    for (size_t q = drop; q < g_nl.n_pairs; ++q) {
        g_nl.j[q - drop] = g_nl.j[q];
        g_nl.r[q - drop] = g_nl.r[q];
        for (int x = 0; x < 3; ++x) {
            g_nl.rij[3 * (q - drop) + x] = g_nl.rij[3 * q + x];
            g_nl.shift[3 * (q - drop) + x] = g_nl.shift[3 * q + x];
        }
    }
    for (size_t i = 1; i <= n; ++i) g_nl.first[i] -= drop;
    g_nl.n_pairs -= drop;
    CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &g_nl, s->spec, p, &g_w, 0, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F, S, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &g_nl, s->spec, p, &g_w,
                                           MTT_SOAP_STORE_GRAD | MTT_SOAP_HALF_PAIRS, &err),
                          MTT_OK);
    CU_ASSERT(!g_w.half);
    CU_ASSERT_EQUAL_FATAL(mtt_soap_forces(soap, g, &g_w, F2, S2, &err), MTT_OK);
    CU_ASSERT(max_diff(F, F2, 3 * n) <= 1e-14 * max_abs(F, 3 * n));
    free(p), free(g), free(pd), free(pd2), free(F), free(F2), free(A), free(A2), free(w);
}

static void test_half_pairs(void)
{
    mtt_soap *soap = make_soap(3, chno, 7, 6, 0.0);
    system_t s = make_system(soap, 9, ethanol_pos, ethanol_z, NULL, NULL);
    check_half(soap, &s, "ethanol");
    free_system(&s);
    mtt_soap_free(soap);
    soap = make_soap(1, chno + 1, 8, 6, MTT_SOAP_DEFAULT_GRID); /* N = 9: padded blocks */
    s = make_system(soap, 4, carbon_pos, carbon_z, carbon_cell, all_pbc);
    compute(soap, &s, NULL, 0);
    int self = 0;
    for (size_t q = 0; q < g_nl.first[1]; ++q) self += g_nl.j[q] == 0;
    CU_ASSERT(self > 0); /* atom 0 sees its own images */
    check_half(soap, &s, "carbon cell");
    free_system(&s);
    mtt_soap_free(soap);
}

int main(void)
{
    mtt_nlist_init(&g_nl);
    mtt_soap_work_init(&g_w);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap gradients", NULL, NULL);
    CU_add_test(s, "dp/dr vs finite differences, molecule", test_jacobian_molecule);
    CU_add_test(s, "dp/dr vs finite differences, triclinic cell and slab", test_jacobian_periodic);
    CU_add_test(s, "dp/dr vs finite differences, tabulated radial", test_jacobian_table);
    CU_add_test(s, "forces and strain derivative from g", test_forces_strain);
    CU_add_test(s, "tangent vs finite differences", test_tangent);
    CU_add_test(s, "forces and tangent with padded radial blocks (N = 9, 3)", test_radial_blocks);
    CU_add_test(s, "dense Jacobian of a small cell equals the factored passes", test_dense_small_cell);
    CU_add_test(s, "double rows in place equal a scaled copy, bit for bit", test_double_rows);
    CU_add_test(s, "one direction of each pair equals both directions", test_half_pairs);
    int rc = mtt_cunit_run_tap();
    mtt_soap_work_free(&g_w);
    mtt_nlist_free(&g_nl);
    return rc;
}
