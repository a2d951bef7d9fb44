/* test_soap_bpnn.c — the whole model by finite differences and invariances:
 * forces = −∂E/∂r, ∂E/∂ε against a strained cell, the parameter gradient of
 * energy, energy+force and stress losses; rotation, translation, permutation,
 * 2×2×2 supercell, continuity at the cutoff, batch = one by one.
 * Double precision, exact radial functions, small hypers so it runs fast. */
#include "config.h"

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

/* a small triclinic periodic cell: 4 atoms, cell thinner than 2 r_c */
static const int per_z[4] = {6, 6, 8, 1};
static const double per_cell[9] = {3.1, 0.0, 0.0, 0.7, 2.9, 0.0, -0.4, 0.5, 3.3};
static const double per_pos[12] = {0.1, 0.2, 0.3, 1.6, 1.1, 0.9, 0.8, 2.1, 2.2, 2.5, 0.4, 1.7};
static const unsigned char pbc_all[3] = {1, 1, 1};

static mtt_sbp_model *make_model(int layernorm)
{
    mtt_sbp_config cfg = {3.2, 0.6, 3, 3, 2, 8, layernorm, 3, species, 0.0, 64};
    mtt_sbp_model *m = NULL;
    mtt_error err;
    if (mtt_sbp_create(&cfg, &m, &err) != MTT_OK) return NULL;
    m->composition[0] = -0.5;
    m->composition[1] = -1.25;
    m->composition[2] = -2.0;
    m->scale = 1.7;
    return m;
}

typedef struct {
    int n;
    int z[64];
    double pos[192];
    double cell[9];
    int periodic;
} structure_t;

static mtt_structure view(const structure_t *s)
{
    mtt_structure v = {s->n, s->z, s->pos, s->periodic ? s->cell : NULL,
                       s->periodic ? pbc_all : NULL};
    return v;
}

static structure_t molecule(void)
{
    structure_t s;
    memset(&s, 0, sizeof s);
    s.n = 9;
    memcpy(s.z, mol_z, sizeof mol_z);
    memcpy(s.pos, mol_pos, sizeof mol_pos);
    return s;
}

static structure_t periodic(void)
{
    structure_t s;
    memset(&s, 0, sizeof s);
    s.n = 4;
    memcpy(s.z, per_z, sizeof per_z);
    memcpy(s.pos, per_pos, sizeof per_pos);
    memcpy(s.cell, per_cell, sizeof per_cell);
    s.periodic = 1;
    return s;
}

/* Energy (and optionally forces / strain derivative) of one structure. */
static double energy_of(const mtt_sbp_model *m, const double *params, const structure_t *s,
                        double *forces, double *deps)
{
    mtt_sbp_features f;
    mtt_sbp_features_init(&f);
    mtt_error err;
    mtt_sbp_work *w = NULL;
    double e = NAN;
    mtt_structure v = view(s);
    mtt_sbp_features *fp = &f;
    if (mtt_sbp_features_compute(m, &v, &f, &err) == MTT_OK &&
        mtt_sbp_work_create(m, (size_t)s->n, &w, &err) == MTT_OK)
        if (mtt_sbp_predict(m, params, &fp, 1, w, &e, forces, deps, &err) != MTT_OK) e = NAN;
    mtt_sbp_work_free(w);
    mtt_sbp_features_free(&f);
    return e;
}

static double *new_params(const mtt_sbp_model *m, uint64_t seed)
{
    double *p = malloc(m->n_params * sizeof *p);
    mtt_sbp_init_params(m, p, seed);
    return p;
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

static void check_forces_fd(structure_t s, int layernorm)
{
    mtt_sbp_model *m = make_model(layernorm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 7);
    double F[192], fd[192];
    energy_of(m, params, &s, F, NULL);
    const double h = 1e-5;
    for (int k = 0; k < 3 * s.n; ++k) {
        structure_t sp = s, sm = s;
        sp.pos[k] += h;
        sm.pos[k] -= h;
        fd[k] = -(energy_of(m, params, &sp, NULL, NULL) - energy_of(m, params, &sm, NULL, NULL)) /
                (2 * h);
    }
    double r = rel_err(F, fd, (size_t)(3 * s.n));
    CU_ASSERT(r < 1e-6);
    if (!(r < 1e-6)) printf("# forces rel err %g\n", r);
    free(params);
    mtt_sbp_free(m);
}

static void test_forces_molecule(void) { check_forces_fd(molecule(), 1); }
static void test_forces_periodic(void) { check_forces_fd(periodic(), 1); }
static void test_forces_no_layernorm(void) { check_forces_fd(periodic(), 0); }

/* strain ε: positions and cell → (1 + ε) */
static structure_t strained(const structure_t *s, int a, int b, double h)
{
    structure_t t = *s;
    for (int i = 0; i < s->n + 3; ++i) {
        const double *src = i < s->n ? s->pos + 3 * i : s->cell + 3 * (i - s->n);
        double *dst = i < s->n ? t.pos + 3 * i : t.cell + 3 * (i - s->n);
        dst[a] = src[a] + h * src[b];
    }
    return t;
}

static void test_strain_derivative(void)
{
    mtt_sbp_model *m = make_model(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 11);
    structure_t s = periodic();
    double deps[9], fd[9], F[12];
    energy_of(m, params, &s, F, deps);
    const double h = 1e-6;
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
            structure_t sp = strained(&s, a, b, h), sm = strained(&s, a, b, -h);
            fd[3 * a + b] = (energy_of(m, params, &sp, NULL, NULL) -
                             energy_of(m, params, &sm, NULL, NULL)) / (2 * h);
        }
    double r = rel_err(deps, fd, 9);
    CU_ASSERT(r < 1e-6);
    if (!(r < 1e-6)) printf("# strain rel err %g\n", r);
    free(params);
    mtt_sbp_free(m);
}

/* L(params) = Σ_b cE_b E_b + Σ_k uF_k·F_k + Σ_b U_b : ∂E_b/∂ε over a batch of
 * the molecule and the periodic cell; gradient by mtt_sbp_backward vs FD. */
typedef struct {
    mtt_sbp_model *m;
    mtt_sbp_features f[2];
    mtt_sbp_features *fp[2];
    mtt_sbp_work *w;
    double cE[2], uF[39], U[18];
    int use_f, use_s;
} loss_case;

static double loss_value(loss_case *c, const double *params)
{
    double E[2], F[39], deps[18];
    mtt_error err;
    if (mtt_sbp_predict(c->m, params, c->fp, 2, c->w, E, F, deps, &err) != MTT_OK) return NAN;
    double L = c->cE[0] * E[0] + c->cE[1] * E[1];
    if (c->use_f)
        for (int k = 0; k < 39; ++k) L += c->uF[k] * F[k];
    if (c->use_s)
        for (int k = 0; k < 18; ++k) L += c->U[k] * deps[k];
    return L;
}

static void check_param_gradient(int use_f, int use_s, int layernorm)
{
    loss_case c;
    memset(&c, 0, sizeof c);
    c.m = make_model(layernorm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.m);
    structure_t s[2] = {molecule(), periodic()};
    mtt_error err;
    for (int b = 0; b < 2; ++b) {
        mtt_sbp_features_init(&c.f[b]);
        mtt_structure v = view(&s[b]);
        CU_ASSERT_EQUAL_FATAL(mtt_sbp_features_compute(c.m, &v, &c.f[b], &err), MTT_OK);
        c.fp[b] = &c.f[b];
    }
    CU_ASSERT_EQUAL_FATAL(mtt_sbp_work_create(c.m, 13, &c.w, &err), MTT_OK);
    c.use_f = use_f;
    c.use_s = use_s;
    c.cE[0] = 0.7;
    c.cE[1] = -1.3;
    for (int k = 0; k < 39; ++k) c.uF[k] = sin(1.0 + k);
    for (int k = 0; k < 18; ++k) c.U[k] = cos(2.0 + k);
    double *params = new_params(c.m, 5);
    size_t np = c.m->n_params;
    double *grad = calloc(np, sizeof *grad), *fd = calloc(np, sizeof *fd);

    double E[2], F[39], deps[18];
    CU_ASSERT_EQUAL(mtt_sbp_predict(c.m, params, c.fp, 2, c.w, E, F, deps, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_sbp_backward(c.m, params, c.fp, 2, c.w, c.cE, use_f ? c.uF : NULL,
                                     use_s ? c.U : NULL, grad, &err),
                    MTT_OK);
    const double h = 1e-6;
    for (size_t i = 0; i < np; ++i) {
        double keep = params[i];
        params[i] = keep + h;
        double lp = loss_value(&c, params);
        params[i] = keep - h;
        double lm = loss_value(&c, params);
        params[i] = keep;
        fd[i] = (lp - lm) / (2 * h);
    }
    double r = rel_err(grad, fd, np);
    CU_ASSERT(r < 1e-6);
    if (!(r < 1e-6)) printf("# parameter gradient rel err %g (forces %d stress %d)\n", r, use_f, use_s);
    free(grad);
    free(fd);
    free(params);
    for (int b = 0; b < 2; ++b) mtt_sbp_features_free(&c.f[b]);
    mtt_sbp_work_free(c.w);
    mtt_sbp_free(c.m);
}

static void test_grad_energy(void) { check_param_gradient(0, 0, 1); }
static void test_grad_energy_forces(void) { check_param_gradient(1, 0, 1); }
static void test_grad_energy_forces_stress(void) { check_param_gradient(1, 1, 1); }
static void test_grad_no_layernorm(void) { check_param_gradient(1, 1, 0); }

static void rotate(structure_t *s, const double R[9])
{
    for (int i = 0; i < s->n + (s->periodic ? 3 : 0); ++i) {
        double *v = i < s->n ? s->pos + 3 * i : s->cell + 3 * (i - s->n);
        double x = v[0], y = v[1], z = v[2];
        for (int a = 0; a < 3; ++a) v[a] = R[3 * a] * x + R[3 * a + 1] * y + R[3 * a + 2] * z;
    }
}

static void test_invariance(void)
{
    mtt_sbp_model *m = make_model(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 3);
    const double c = cos(0.7), s = sin(0.7), c2 = cos(-1.1), s2 = sin(-1.1);
    /* R = Rz(0.7)·Rx(−1.1) */
    const double R[9] = {c, -s * c2, s * s2, s, c * c2, -c * s2, 0, s2, c2};
    for (int which = 0; which < 2; ++which) {
        structure_t a = which ? periodic() : molecule();
        double Fa[192], Fb[192];
        double Ea = energy_of(m, params, &a, Fa, NULL);
        structure_t b = a;  /* rotation: E invariant, F rotates */
        rotate(&b, R);
        double Eb = energy_of(m, params, &b, Fb, NULL);
        CU_ASSERT(fabs(Ea - Eb) < 1e-10 * fabs(Ea));
        for (int i = 0; i < a.n; ++i)
            for (int x = 0; x < 3; ++x) {
                double rf = R[3 * x] * Fa[3 * i] + R[3 * x + 1] * Fa[3 * i + 1] + R[3 * x + 2] * Fa[3 * i + 2];
                CU_ASSERT(fabs(rf - Fb[3 * i + x]) < 1e-9);
            }
        b = a;  /* translation */
        for (int i = 0; i < a.n; ++i) b.pos[3 * i] += 0.37, b.pos[3 * i + 2] -= 1.9;
        CU_ASSERT(fabs(energy_of(m, params, &b, NULL, NULL) - Ea) < 1e-10 * fabs(Ea));
        b = a;  /* permutation: swap first and last atom */
        int last = a.n - 1;
        b.z[0] = a.z[last];
        b.z[last] = a.z[0];
        memcpy(b.pos, a.pos + 3 * last, 3 * sizeof(double));
        memcpy(b.pos + 3 * last, a.pos, 3 * sizeof(double));
        double Fp[192];
        CU_ASSERT(fabs(energy_of(m, params, &b, Fp, NULL) - Ea) < 1e-10 * fabs(Ea));
        for (int x = 0; x < 3; ++x) CU_ASSERT(fabs(Fp[x] - Fa[3 * last + x]) < 1e-10);
        /* forces sum to zero */
        double sum[3] = {0, 0, 0};
        for (int i = 0; i < a.n; ++i)
            for (int x = 0; x < 3; ++x) sum[x] += Fa[3 * i + x];
        for (int x = 0; x < 3; ++x) CU_ASSERT(fabs(sum[x]) < 1e-10);
    }
    free(params);
    mtt_sbp_free(m);
}

static void test_image_choice_and_supercell(void)
{
    mtt_sbp_model *m = make_model(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 9);
    structure_t a = periodic();
    double Ea = energy_of(m, params, &a, NULL, NULL);
    structure_t b = a;  /* move atom 1 by a lattice vector: same crystal */
    for (int x = 0; x < 3; ++x) b.pos[3 + x] += b.cell[3 + x] - b.cell[6 + x];
    CU_ASSERT(fabs(energy_of(m, params, &b, NULL, NULL) - Ea) < 1e-10 * fabs(Ea));
    structure_t sc;
    memset(&sc, 0, sizeof sc);
    sc.periodic = 1;
    for (int k = 0; k < 9; ++k) sc.cell[k] = 2 * a.cell[k];
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
                for (int at = 0; at < a.n; ++at) {
                    sc.z[sc.n] = a.z[at];
                    for (int x = 0; x < 3; ++x)
                        sc.pos[3 * sc.n + x] = a.pos[3 * at + x] + i * a.cell[x] +
                                               j * a.cell[3 + x] + k * a.cell[6 + x];
                    sc.n++;
                }
    double Esc = energy_of(m, params, &sc, NULL, NULL);
    CU_ASSERT(fabs(Esc / sc.n - Ea / a.n) < 1e-11 * fabs(Ea / a.n));
    free(params);
    mtt_sbp_free(m);
}

static void test_continuity_at_cutoff(void)
{
    mtt_sbp_model *m = make_model(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 4);
    structure_t s;
    memset(&s, 0, sizeof s);
    s.n = 3;
    s.z[0] = 6, s.z[1] = 8, s.z[2] = 1;
    s.pos[3] = 1.2;  /* O at 1.2 Å on x; H moves across the cutoff on y */
    const double rc = 3.2;
    double F1[9], F2[9];
    s.pos[7] = rc - 1e-7;
    double e1 = energy_of(m, params, &s, F1, NULL);
    s.pos[7] = rc + 1e-7;
    double e2 = energy_of(m, params, &s, F2, NULL);
    CU_ASSERT(fabs(e1 - e2) < 1e-9);
    for (int k = 0; k < 9; ++k) CU_ASSERT(fabs(F1[k] - F2[k]) < 1e-6);
    free(params);
    mtt_sbp_free(m);
}

static void test_batch_equals_single(void)
{
    mtt_sbp_model *m = make_model(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double *params = new_params(m, 8);
    structure_t s[2] = {molecule(), periodic()};
    double E1[2], F1[39];
    E1[0] = energy_of(m, params, &s[0], F1, NULL);
    E1[1] = energy_of(m, params, &s[1], F1 + 27, NULL);
    mtt_sbp_features f[2];
    mtt_sbp_features *fp[2] = {&f[0], &f[1]};
    mtt_error err;
    mtt_sbp_work *w = NULL;
    for (int b = 0; b < 2; ++b) {
        mtt_sbp_features_init(&f[b]);
        mtt_structure v = view(&s[b]);
        CU_ASSERT_EQUAL_FATAL(mtt_sbp_features_compute(m, &v, &f[b], &err), MTT_OK);
    }
    CU_ASSERT_EQUAL_FATAL(mtt_sbp_work_create(m, 13, &w, &err), MTT_OK);
    double E2[2], F2[39];
    CU_ASSERT_EQUAL(mtt_sbp_predict(m, params, fp, 2, w, E2, F2, NULL, &err), MTT_OK);
    for (int b = 0; b < 2; ++b) CU_ASSERT(fabs(E1[b] - E2[b]) < 1e-12 * fabs(E1[b]));
    CU_ASSERT(rel_err(F2, F1, 39) < 1e-12);
    /* an unknown atomic type is a data error naming it */
    structure_t bad = molecule();
    bad.z[3] = 9;
    mtt_structure v = view(&bad);
    CU_ASSERT_EQUAL(mtt_sbp_features_compute(m, &v, &f[0], &err), MTT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "atomic number 9"));
    for (int b = 0; b < 2; ++b) mtt_sbp_features_free(&f[b]);
    mtt_sbp_work_free(w);
    free(params);
    mtt_sbp_free(m);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap_bpnn", NULL, NULL);
    CU_add_test(s, "forces = -dE/dr, molecule", test_forces_molecule);
    CU_add_test(s, "forces = -dE/dr, triclinic cell", test_forces_periodic);
    CU_add_test(s, "forces = -dE/dr, no layernorm", test_forces_no_layernorm);
    CU_add_test(s, "dE/d(strain) vs strained cell", test_strain_derivative);
    CU_add_test(s, "parameter gradient, energy loss", test_grad_energy);
    CU_add_test(s, "parameter gradient, energy+force loss", test_grad_energy_forces);
    CU_add_test(s, "parameter gradient, energy+force+stress loss", test_grad_energy_forces_stress);
    CU_add_test(s, "parameter gradient, no layernorm", test_grad_no_layernorm);
    CU_add_test(s, "rotation, translation, permutation", test_invariance);
    CU_add_test(s, "image choice, 2x2x2 supercell", test_image_choice_and_supercell);
    CU_add_test(s, "continuity at the cutoff", test_continuity_at_cutoff);
    CU_add_test(s, "batch equals one by one; unknown type", test_batch_equals_single);
    return mtt_cunit_run_tap();
}
