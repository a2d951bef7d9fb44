/* test_soap_bpnn_f32.c — base_precision: 32 against the double model.
 *
 * The float model (mixed precision, soap_bpnn.h) must give what the double
 * model gives with the same parameters, to within a tolerance derived from
 * float's epsilon ε = FLT_EPSILON (2⁻²³): each float quantity carries a
 * relative rounding of about ε per operation, and a dot product of length n
 * accumulates up to n·ε in the worst case, √n·ε typically (random-walk
 * rounding).  The longest float sums here are the first layer's D-term dot
 * products (D = 2100 at the default hypers used below), so we allow
 * 8·√D·ε ≈ 4.4e-5 relative on forces, ∂E/∂ε and the parameter gradient, and
 * on the network part of the energy; the measured errors are printed
 * (about 2e-7, i.e. 2ε: the deep sums are blocked inside sgemm).  Energies are
 * compared on their network part σ Σ y (the double composition baseline
 * cancels exactly).  Also: rotation/translation/permutation invariance of
 * the float path at the same ε-derived scale, that float descriptors take
 * less memory, and that mixing precisions is refused. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/soap_bpnn.h"

static const int species[3] = {1, 6, 8};

/* ethanol, frame 0 of examples/ethanol (Å) */
static const int mol_z[9] = {1, 1, 1, 1, 1, 1, 6, 6, 8};
static const double mol_pos[27] = {
    0.16712676, -1.19985031, 0.84958249,  -0.93496191, -0.92263607, -0.68150202,
    -1.75179348, 0.29946017, 1.2842646,   -0.51592523, 1.66262221, 0.0,
    0.92624545, 0.85734403, 1.45467305,   1.05829942, 0.07395427, -1.15802538,
    -0.03834021, -0.49302134, 0.08437186, 0.33218879, 0.68604017, 0.73373848,
    0.21658331, 0.29306322, -1.08218414};
/* a small triclinic periodic cell */
static const int per_z[4] = {6, 6, 8, 1};
static const double per_cell[9] = {3.1, 0.0, 0.0, 0.7, 2.9, 0.0, -0.4, 0.5, 3.3};
static const double per_pos[12] = {0.1, 0.2, 0.3, 1.6, 1.1, 0.9, 0.8, 2.1, 2.2, 2.5, 0.4, 1.7};
static const unsigned char pbc_all[3] = {1, 1, 1};

#define N_ATOMS 13  /* molecule + cell */

/* The metatrain defaults for soap_bpnn (D = 2100 for three species), the
 * tabulated radial basis as in training. */
static mtt_sbp_model *make_model(int precision, int layernorm)
{
    mtt_sbp_config cfg = {5.0, 0.5, 7, 6, 2, 32, layernorm, 3, species, MTT_SOAP_DEFAULT_GRID,
                          precision};
    mtt_sbp_model *m = NULL;
    mtt_error err;
    if (mtt_sbp_create(&cfg, &m, &err) != MTT_OK) return NULL;
    m->composition[0] = -0.5;
    m->composition[1] = -1.25;
    m->composition[2] = -2.0;
    m->scale = 1.7;
    return m;
}

static double tolerance(const mtt_sbp_model *m)
{
    return 8.0 * sqrt((double)m->dim) * FLT_EPSILON;
}

typedef struct {
    mtt_sbp_model *m;
    mtt_sbp_features f[2];
    mtt_sbp_features *fp[2];
    mtt_sbp_work *w;
    double E[2], F[3 * N_ATOMS], deps[18];
} run_t;

static void structures(const double *shift, const double *R, mtt_structure v[2], double *pos,
                       double *cell)
{
    for (int i = 0; i < 9 + 4; ++i) {
        const double *p = i < 9 ? mol_pos + 3 * i : per_pos + 3 * (i - 9);
        double q[3];
        for (int a = 0; a < 3; ++a)
            q[a] = R ? R[3 * a] * p[0] + R[3 * a + 1] * p[1] + R[3 * a + 2] * p[2] : p[a];
        for (int a = 0; a < 3; ++a) pos[3 * i + a] = q[a] + (shift ? shift[a] : 0.0);
    }
    for (int r = 0; r < 3; ++r)
        for (int a = 0; a < 3; ++a)
            cell[3 * r + a] = R ? R[3 * a] * per_cell[3 * r] + R[3 * a + 1] * per_cell[3 * r + 1] +
                                      R[3 * a + 2] * per_cell[3 * r + 2]
                                : per_cell[3 * r + a];
    v[0] = (mtt_structure){9, mol_z, pos, NULL, NULL};
    v[1] = (mtt_structure){4, per_z, pos + 27, cell, pbc_all};
}

/* Predict the two structures (optionally rotated/shifted) with params. */
static int run(run_t *r, int precision, int layernorm, const double *params, const double *R,
               const double *shift)
{
    mtt_error err;
    memset(r, 0, sizeof *r);
    r->m = make_model(precision, layernorm);
    if (!r->m) return 0;
    double pos[3 * N_ATOMS], cell[9];
    mtt_structure v[2];
    structures(shift, R, v, pos, cell);
    for (int b = 0; b < 2; ++b) {
        mtt_sbp_features_init(&r->f[b]);
        r->fp[b] = &r->f[b];
        if (mtt_sbp_features_compute(r->m, &v[b], &r->f[b], &err) != MTT_OK) return 0;
    }
    if (mtt_sbp_work_create(r->m, N_ATOMS, &r->w, &err) != MTT_OK) return 0;
    return mtt_sbp_predict(r->m, params, r->fp, 2, r->w, r->E, r->F, r->deps, &err) == MTT_OK;
}

static void run_free(run_t *r)
{
    for (int b = 0; b < 2; ++b) mtt_sbp_features_free(&r->f[b]);
    mtt_sbp_work_free(r->w);
    mtt_sbp_free(r->m);
}

static double rel_err(const double *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; ++i) {
        num += (a[i] - b[i]) * (a[i] - b[i]);
        den += b[i] * b[i];
    }
    return sqrt(num / (den > 0 ? den : 1e-300));
}

static double *new_params(const mtt_sbp_model *m, uint64_t seed)
{
    double *p = malloc(m->n_params * sizeof *p);
    mtt_sbp_init_params(m, p, seed);
    return p;
}

/* Network part of the energies: E − Σ_i b_{s_i} (the baseline is double in both). */
static void network_energy(const run_t *r, double out[2])
{
    for (int b = 0; b < 2; ++b) {
        double base = 0;
        for (int i = 0; i < r->f[b].n_atoms; ++i) base += r->m->composition[r->f[b].species_index[i]];
        out[b] = r->E[b] - base;
    }
}

static void check_predictions(int layernorm)
{
    run_t d, s;
    mtt_sbp_model *probe = make_model(64, layernorm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    double *params = new_params(probe, 11);
    const double tol = tolerance(probe);
    mtt_sbp_free(probe);
    CU_ASSERT_FATAL(run(&d, 64, layernorm, params, NULL, NULL));
    CU_ASSERT_FATAL(run(&s, 32, layernorm, params, NULL, NULL));
    CU_ASSERT_EQUAL(s.m->precision, 32);
    double ed[2], es[2];
    network_energy(&d, ed);
    network_energy(&s, es);
    double re = rel_err(es, ed, 2), rf = rel_err(s.F, d.F, 3 * N_ATOMS),
           rs = rel_err(s.deps + 9, d.deps + 9, 9);
    printf("# float vs double (layernorm %d): energy %.2e, forces %.2e, dE/deps %.2e; "
           "tolerance %.2e\n", layernorm, re, rf, rs, tol);
    CU_ASSERT(re < tol);
    CU_ASSERT(rf < tol);
    CU_ASSERT(rs < tol);
    /* and not bitwise equal: the float path really ran */
    CU_ASSERT(rf > 0.0);
    run_free(&d);
    run_free(&s);
    free(params);
}

static void test_predictions(void) { check_predictions(1); }
static void test_predictions_no_layernorm(void) { check_predictions(0); }

/* ∂L/∂params of L = Σ c_E E + Σ u·F + Σ U:∂E/∂ε, float path vs double path. */
static void check_gradient(int use_f, int use_s)
{
    run_t d, s;
    mtt_sbp_model *probe = make_model(64, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    double *params = new_params(probe, 5);
    const double tol = tolerance(probe);
    const size_t np = probe->n_params;
    mtt_sbp_free(probe);
    CU_ASSERT_FATAL(run(&d, 64, 1, params, NULL, NULL));
    CU_ASSERT_FATAL(run(&s, 32, 1, params, NULL, NULL));
    double cE[2] = {0.7, -1.3}, uF[3 * N_ATOMS], U[18];
    for (int k = 0; k < 3 * N_ATOMS; ++k) uF[k] = sin(1.0 + k);
    for (int k = 0; k < 18; ++k) U[k] = cos(2.0 + k);
    double *gd = calloc(np, sizeof *gd), *gs = calloc(np, sizeof *gs);
    for (size_t k = 0; k < np; ++k) gs[k] = gd[k] = 0.25;  /* backward adds: keep what was there */
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_sbp_backward(d.m, params, d.fp, 2, d.w, cE, use_f ? uF : NULL,
                                     use_s ? U : NULL, gd, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_sbp_backward(s.m, params, s.fp, 2, s.w, cE, use_f ? uF : NULL,
                                     use_s ? U : NULL, gs, &err), MTT_OK);
    for (size_t k = 0; k < np; ++k) gd[k] -= 0.25, gs[k] -= 0.25;
    double r = rel_err(gs, gd, np);
    printf("# parameter gradient float vs double (forces %d, stress %d): %.2e; tolerance %.2e\n",
           use_f, use_s, r, tol);
    CU_ASSERT(r < tol);
    CU_ASSERT(r > 0.0);
    free(gd);
    free(gs);
    run_free(&d);
    run_free(&s);
    free(params);
}

static void test_gradient_energy(void) { check_gradient(0, 0); }
static void test_gradient_energy_forces_stress(void) { check_gradient(1, 1); }

static void test_invariance(void)
{
    mtt_sbp_model *probe = make_model(32, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    double *params = new_params(probe, 3);
    const double tol = tolerance(probe);
    mtt_sbp_free(probe);
    const double c = cos(0.7), s = sin(0.7), c2 = cos(-1.1), s2 = sin(-1.1);
    const double R[9] = {c, -s * c2, s * s2, s, c * c2, -c * s2, 0, s2, c2};
    const double shift[3] = {0.37, 0.0, -1.9};
    run_t a, b, t;
    CU_ASSERT_FATAL(run(&a, 32, 1, params, NULL, NULL));
    CU_ASSERT_FATAL(run(&b, 32, 1, params, R, NULL));
    CU_ASSERT_FATAL(run(&t, 32, 1, params, NULL, shift));
    double ea[2], eb[2], et[2];
    network_energy(&a, ea);
    network_energy(&b, eb);
    network_energy(&t, et);
    CU_ASSERT(rel_err(eb, ea, 2) < tol);
    CU_ASSERT(rel_err(et, ea, 2) < tol);
    double rot[3 * N_ATOMS];
    for (int i = 0; i < N_ATOMS; ++i)
        for (int x = 0; x < 3; ++x)
            rot[3 * i + x] = R[3 * x] * a.F[3 * i] + R[3 * x + 1] * a.F[3 * i + 1] +
                             R[3 * x + 2] * a.F[3 * i + 2];
    double rr = rel_err(b.F, rot, 3 * N_ATOMS), rt = rel_err(t.F, a.F, 3 * N_ATOMS);
    printf("# float path: rotation %.2e, translation %.2e (forces); tolerance %.2e\n", rr, rt, tol);
    CU_ASSERT(rr < tol);
    CU_ASSERT(rt < tol);
    /* forces of the molecule sum to zero up to double rounding of float terms */
    double sum[3] = {0, 0, 0}, mag = 0;
    for (int i = 0; i < 9; ++i)
        for (int x = 0; x < 3; ++x) sum[x] += a.F[3 * i + x], mag += fabs(a.F[3 * i + x]);
    for (int x = 0; x < 3; ++x) CU_ASSERT(fabs(sum[x]) < 1e-12 * mag);
    run_free(&a);
    run_free(&b);
    run_free(&t);
    free(params);
}

static void test_memory_and_mixing(void)
{
    run_t d, s;
    mtt_sbp_model *probe = make_model(64, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    double *params = new_params(probe, 1);
    mtt_sbp_free(probe);
    CU_ASSERT_FATAL(run(&d, 64, 1, params, NULL, NULL));
    CU_ASSERT_FATAL(run(&s, 32, 1, params, NULL, NULL));
    mtt_sbp_features_trim(&d.f[0]);  /* as the descriptor cache keeps them */
    mtt_sbp_features_trim(&s.f[0]);
    size_t bd = mtt_sbp_features_bytes(&d.f[0]), bs = mtt_sbp_features_bytes(&s.f[0]);
    printf("# descriptor bytes of the molecule: %zu at 64, %zu at 32\n", bd, bs);
    CU_ASSERT(bs < 0.7 * (double)bd);
    CU_ASSERT_PTR_NULL(s.f[0].p);
    CU_ASSERT_PTR_NOT_NULL(s.f[0].p_f32);
    /* double features into the float model, and a float model with a double workspace */
    mtt_error err;
    double E[2];
    CU_ASSERT_EQUAL(mtt_sbp_predict(s.m, params, d.fp, 2, s.w, E, NULL, NULL, &err),
                    MTT_ERR_INTERNAL);
    CU_ASSERT_EQUAL(mtt_sbp_predict(s.m, params, s.fp, 2, d.w, E, NULL, NULL, &err),
                    MTT_ERR_INTERNAL);
    mtt_sbp_config bad = {5.0, 0.5, 7, 6, 2, 32, 1, 3, species, 0.0, 16};
    mtt_sbp_model *m = NULL;
    CU_ASSERT_EQUAL(mtt_sbp_create(&bad, &m, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NULL(m);
    run_free(&d);
    run_free(&s);
    free(params);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap_bpnn_f32", NULL, NULL);
    CU_add_test(s, "float vs double: energies, forces, dE/deps", test_predictions);
    CU_add_test(s, "float vs double without layernorm", test_predictions_no_layernorm);
    CU_add_test(s, "float vs double: parameter gradient, energy loss", test_gradient_energy);
    CU_add_test(s, "float vs double: parameter gradient, energy+force+stress",
                test_gradient_energy_forces_stress);
    CU_add_test(s, "float path: rotation and translation invariance", test_invariance);
    CU_add_test(s, "float descriptors are smaller; precisions do not mix",
                test_memory_and_mixing);
    return mtt_cunit_run_tap();
}
