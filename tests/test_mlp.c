/* test_mlp.c — the per-species network: layout, init, a hand-computed value,
 * and every derivative the trainer uses against central finite differences
 * (input gradient, energy-loss parameter gradient, tangent, force-loss
 * parameter gradient), for 0–3 hidden layers with and without layer norm;
 * gradients land in their species' block only; GEMM path == loop path. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/activation.h"
#include "model/blas.h"
#include "model/layernorm.h"
#include "model/mlp.h"
#include "model/mlp_pass.h"

#define NROWS 4
#define DIM 6
#define WIDTH 5
#define FD_TOL 1e-6

static const int SPECIES[3] = {8, 1, 6}; /* unsorted on purpose: stored 1, 6, 8 */

static uint64_t rng_state = 99;
static double urand(void) /* in [−1, 1) */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

/* A fixture: a 3-species network with random parameters, inputs, weights a,
 * directions v, and a workspace. */
typedef struct fixture {
    mtt_mlp *net;
    mtt_mlp_work *ws;
    double *params;
    double p[NROWS * DIM], v[NROWS * DIM], a[NROWS];
} fixture;

static int fixture_init(fixture *f, size_t hidden, int layernorm)
{
    mtt_error err;
    mtt_mlp_config cfg = {DIM, hidden, WIDTH, layernorm};
    memset(f, 0, sizeof *f);
    if (mtt_mlp_create(&cfg, 3, SPECIES, &f->net, &err) != MTT_OK) return 0;
    if (mtt_mlp_work_create(f->net, NROWS, &f->ws, &err) != MTT_OK) return 0;
    f->params = malloc(f->net->n_params * sizeof *f->params);
    mtt_mlp_init_params_seeded(f->net, f->params, 7 + hidden);
    /* Larger weights than the init so the nonlinearity matters. */
    for (size_t i = 0; i < f->net->n_params; i++) f->params[i] *= 2.5;
    for (size_t i = 0; i < NROWS * DIM; i++) {
        f->p[i] = 0.8 * urand() + 0.3 * (double)(i % DIM); /* offset per column */
        f->v[i] = urand();
    }
    for (size_t i = 0; i < NROWS; i++) f->a[i] = urand();
    return 1;
}

static void fixture_free(fixture *f)
{
    mtt_mlp_work_free(f->ws);
    mtt_mlp_free(f->net);
    free(f->params);
}

/* ‖x − y‖∞ / ‖y‖∞ */
static double rel_err(size_t n, const double *x, const double *y)
{
    double d = 0, m = 1e-300;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(x[i] - y[i]));
        m = fmax(m, fabs(y[i]));
    }
    return d / m;
}

static double sum_y(fixture *f, size_t s, const double *p, const double *a)
{
    double y[NROWS], t = 0;
    CU_ASSERT_FATAL(mtt_mlp_forward(f->ws, f->params, s, NROWS, p, y, NULL) == MTT_OK);
    for (size_t i = 0; i < NROWS; i++) t += (a ? a[i] : 1.0) * y[i];
    return t;
}

static double sum_ydot(fixture *f, size_t s)
{
    double yd[NROWS], t = 0;
    CU_ASSERT_FATAL(mtt_mlp_forward(f->ws, f->params, s, NROWS, f->p, NULL, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_backward(f->ws, NULL, f->v, yd, NULL, NULL) == MTT_OK);
    for (size_t i = 0; i < NROWS; i++) t += yd[i];
    return t;
}

/* ---- layout and init ---------------------------------------------------- */

static void test_layout(void)
{
    fixture f;
    CU_ASSERT_FATAL(fixture_init(&f, 2, 1));
    const mtt_mlp *net = f.net;
    size_t per = WIDTH * DIM + WIDTH * WIDTH + WIDTH;
    CU_ASSERT_EQUAL(net->n_params_per_species, per);
    CU_ASSERT_EQUAL(net->n_params, 3 * per);
    CU_ASSERT_EQUAL(net->species[0], 1);
    CU_ASSERT_EQUAL(net->species[2], 8);
    CU_ASSERT_EQUAL(mtt_mlp_species_index(net, 6), 1);
    CU_ASSERT_EQUAL(mtt_mlp_species_index(net, 7), -1);
    const mtt_mlp_tensor *t = mtt_mlp_find_tensor(net, "mlp.6.layer1.weight");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->offset, per + WIDTH * DIM);
    CU_ASSERT_EQUAL(t->rows, WIDTH);
    CU_ASSERT_EQUAL(t->cols, WIDTH);
    t = mtt_mlp_find_tensor(net, "mlp.8.output.weight");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->offset, 3 * per - WIDTH);
    CU_ASSERT_EQUAL(t->rows, 1);
    CU_ASSERT_PTR_EQUAL(mtt_mlp_layer(net, 2, 2), t);
    CU_ASSERT_EQUAL(mtt_mlp_species_offset(net, 2), 2 * per);
    CU_ASSERT_PTR_NULL(mtt_mlp_find_tensor(net, "mlp.7.layer0.weight"));
    fixture_free(&f);
}

static void test_init(void)
{
    mtt_mlp *net = NULL;
    mtt_mlp_config cfg = {50, 2, 8, 1};
    int z = 1;
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 1, &z, &net, NULL) == MTT_OK);
    double *p1 = malloc(net->n_params * sizeof *p1), *p2 = malloc(net->n_params * sizeof *p2);
    mtt_mlp_init_params_seeded(net, p1, 42);
    mtt_mlp_init_params_seeded(net, p2, 42);
    CU_ASSERT(memcmp(p1, p2, net->n_params * sizeof *p1) == 0);
    mtt_mlp_init_params_seeded(net, p2, 43);
    CU_ASSERT(memcmp(p1, p2, net->n_params * sizeof *p1) != 0);
    /* U(−1/√fan_in, 1/√fan_in): inside the bound and filling it (max close
     * to it, mean near 0, variance near bound²/3). */
    for (size_t k = 0; k < net->n_layers; k++) {
        const mtt_mlp_tensor *t = mtt_mlp_layer(net, 0, k);
        double bound = 1.0 / sqrt((double)t->cols), mx = 0, mean = 0, var = 0;
        size_t cnt = t->rows * t->cols;
        for (size_t i = 0; i < cnt; i++) {
            double w = p1[t->offset + i];
            mx = fmax(mx, fabs(w));
            mean += w;
            var += w * w;
        }
        mean /= (double)cnt;
        var /= (double)cnt;
        CU_ASSERT(mx <= bound);
        if (cnt >= 64) {
            CU_ASSERT(mx > 0.9 * bound);
            CU_ASSERT(fabs(mean) < 0.2 * bound);
            CU_ASSERT(fabs(var / (bound * bound / 3) - 1) < 0.3);
        }
    }
    free(p1);
    free(p2);
    mtt_mlp_free(net);
}

static void test_create_errors(void)
{
    mtt_mlp *net = NULL;
    mtt_error err;
    int zs[2] = {1, 1};
    mtt_mlp_config bad_d = {0, 2, 8, 1}, bad_w = {10, 2, 0, 1}, ok = {10, 2, 8, 1};
    CU_ASSERT(mtt_mlp_create(&bad_d, 1, zs, &net, &err) == MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NULL(net);
    CU_ASSERT(mtt_mlp_create(&bad_w, 1, zs, &net, &err) == MTT_ERR_OPTIONS);
    CU_ASSERT(strstr(err.msg, "num_neurons_per_layer") != NULL);
    CU_ASSERT(mtt_mlp_create(&ok, 2, zs, &net, &err) != MTT_OK);
    CU_ASSERT(mtt_mlp_create(&ok, 0, zs, &net, &err) != MTT_OK);
    CU_ASSERT_PTR_NULL(net);
    /* Misuse of the passes is reported, not crashed on. */
    CU_ASSERT_FATAL(mtt_mlp_create(&ok, 1, zs, &net, &err) == MTT_OK);
    mtt_mlp_work *ws = NULL;
    double g[10];
    CU_ASSERT_FATAL(mtt_mlp_work_create(net, 3, &ws, &err) == MTT_OK);
    CU_ASSERT(mtt_mlp_input_gradient(ws, g, &err) == MTT_ERR_INTERNAL);
    double *params = calloc(net->n_params, sizeof *params), p[40] = {0};
    CU_ASSERT(mtt_mlp_forward(ws, params, 0, 4, p, NULL, &err) == MTT_ERR_INTERNAL);
    CU_ASSERT(mtt_mlp_forward(ws, params, 1, 3, p, NULL, &err) == MTT_ERR_INTERNAL);
    free(params);
    mtt_mlp_work_free(ws);
    mtt_mlp_free(net);
}

/* ---- hand-computed value -------------------------------------------------- */

static void test_known_value(void)
{
    /* D = 2, one hidden layer of 2: W1 = [[1, 0], [0.5, −1]], w = (2, 3).
     * p = (1, 2): z = (1, −1.5), y = 2·silu(1) + 3·silu(−1.5)
     *   = 2·0.7310585786300049 + 3·(−0.2736382857095345) = 0.6412023001314062;
     * ∂y/∂p = W1ᵀ (w ⊙ σ'(z)) = (1.793399792294259, 0.1238824628974288).
     * With layer norm, p = (1, 3): x̂ = (−1, 1)/√(1 + 1e-5), y = −1.3587979056699024. */
    int z = 6;
    double params[6] = {1, 0, 0.5, -1, 2, 3};
    double y, g[2];
    for (int ln = 0; ln < 2; ln++) {
        mtt_mlp *net = NULL;
        mtt_mlp_work *ws = NULL;
        mtt_mlp_config cfg = {2, 1, 2, ln};
        CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 1, &z, &net, NULL) == MTT_OK);
        CU_ASSERT_EQUAL(net->n_params, 6);
        CU_ASSERT_FATAL(mtt_mlp_work_create(net, 1, &ws, NULL) == MTT_OK);
        double p[2] = {1, ln ? 3 : 2};
        CU_ASSERT(mtt_mlp_forward(ws, params, 0, 1, p, &y, NULL) == MTT_OK);
        if (!ln) {
            CU_ASSERT_DOUBLE_EQUAL(y, 0.6412023001314062, 1e-14);
            CU_ASSERT(mtt_mlp_input_gradient(ws, g, NULL) == MTT_OK);
            CU_ASSERT_DOUBLE_EQUAL(g[0], 1.793399792294259, 1e-14);
            CU_ASSERT_DOUBLE_EQUAL(g[1], 0.1238824628974288, 1e-14);
        } else {
            CU_ASSERT_DOUBLE_EQUAL(y, -1.3587979056699024, 1e-14);
        }
        mtt_mlp_work_free(ws);
        mtt_mlp_free(net);
    }
    CU_ASSERT_DOUBLE_EQUAL(mtt_silu(1.0), 0.7310585786300049, 1e-15);
    /* σ'' by finite differences of σ'. */
    for (double x = -6; x <= 6; x += 0.75) {
        double h = 1e-5;
        CU_ASSERT_DOUBLE_EQUAL(mtt_silu_d1(x), (mtt_silu(x + h) - mtt_silu(x - h)) / (2 * h),
                               1e-9);
        CU_ASSERT_DOUBLE_EQUAL(mtt_silu_d2(x),
                               (mtt_silu_d1(x + h) - mtt_silu_d1(x - h)) / (2 * h), 1e-9);
    }
}

/* ---- finite differences --------------------------------------------------- */

/* ∂y/∂p against FD, and ẏ against FD of y along v and against (∂y/∂p)·v. */
static void check_input_gradient_and_tangent(size_t hidden, int ln)
{
    fixture f;
    CU_ASSERT_FATAL(fixture_init(&f, hidden, ln));
    size_t s = 1;
    double g[NROWS * DIM], fd[NROWS * DIM], yd[NROWS], yp[NROWS], ym[NROWS];
    double pp[NROWS * DIM];
    const double h = 1e-5;
    CU_ASSERT_FATAL(mtt_mlp_forward(f.ws, f.params, s, NROWS, f.p, NULL, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_input_gradient(f.ws, g, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_backward(f.ws, NULL, f.v, yd, NULL, NULL) == MTT_OK);
    /* Rows are independent: perturb column c of every row at once. */
    for (size_t c = 0; c < DIM; c++) {
        memcpy(pp, f.p, sizeof pp);
        for (size_t i = 0; i < NROWS; i++) pp[i * DIM + c] += h;
        mtt_mlp_forward(f.ws, f.params, s, NROWS, pp, yp, NULL);
        for (size_t i = 0; i < NROWS; i++) pp[i * DIM + c] -= 2 * h;
        mtt_mlp_forward(f.ws, f.params, s, NROWS, pp, ym, NULL);
        for (size_t i = 0; i < NROWS; i++) fd[i * DIM + c] = (yp[i] - ym[i]) / (2 * h);
    }
    CU_ASSERT(rel_err(NROWS * DIM, g, fd) < FD_TOL);
    /* Tangent. */
    double fdt[NROWS], dot[NROWS];
    for (size_t k = 0; k < NROWS * DIM; k++) pp[k] = f.p[k] + h * f.v[k];
    mtt_mlp_forward(f.ws, f.params, s, NROWS, pp, yp, NULL);
    for (size_t k = 0; k < NROWS * DIM; k++) pp[k] = f.p[k] - h * f.v[k];
    mtt_mlp_forward(f.ws, f.params, s, NROWS, pp, ym, NULL);
    for (size_t i = 0; i < NROWS; i++) {
        fdt[i] = (yp[i] - ym[i]) / (2 * h);
        dot[i] = 0;
        for (size_t c = 0; c < DIM; c++) dot[i] += g[i * DIM + c] * f.v[i * DIM + c];
    }
    CU_ASSERT(rel_err(NROWS, yd, fdt) < FD_TOL);
    CU_ASSERT(rel_err(NROWS, yd, dot) < 1e-12);
    fixture_free(&f);
}

/* Parameter gradients of Σ a_i y_i (energy) and Σ ẏ_i (force) against FD;
 * the gradient lands in species 1's block only and accumulates. */
static void check_param_gradients(size_t hidden, int ln)
{
    fixture f;
    CU_ASSERT_FATAL(fixture_init(&f, hidden, ln));
    const mtt_mlp *net = f.net;
    size_t s = 1, off = mtt_mlp_species_offset(net, s), per = net->n_params_per_species;
    size_t np = net->n_params;
    double *ge = malloc(np * sizeof *ge), *gt = malloc(np * sizeof *gt);
    double *gb = malloc(np * sizeof *gb), *fde = calloc(per, sizeof *fde);
    double *fdt = calloc(per, sizeof *fdt);
    const double h = 1e-5, pre = 0.25;
    for (size_t k = 0; k < np; k++) ge[k] = gt[k] = gb[k] = pre;
    CU_ASSERT_FATAL(mtt_mlp_forward(f.ws, f.params, s, NROWS, f.p, NULL, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_backward(f.ws, f.a, NULL, NULL, ge, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_backward(f.ws, NULL, f.v, NULL, gt, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_backward(f.ws, f.a, f.v, NULL, gb, NULL) == MTT_OK);
    for (size_t k = 0; k < per; k++) {
        double *w = &f.params[off + k], w0 = *w;
        *w = w0 + h;
        double ep = sum_y(&f, s, f.p, f.a), tp = sum_ydot(&f, s);
        *w = w0 - h;
        double em = sum_y(&f, s, f.p, f.a), tm = sum_ydot(&f, s);
        *w = w0;
        fde[k] = (ep - em) / (2 * h);
        fdt[k] = (tp - tm) / (2 * h);
    }
    for (size_t k = 0; k < per; k++) {
        ge[off + k] -= pre;
        gt[off + k] -= pre;
        gb[off + k] -= pre;
    }
    CU_ASSERT(rel_err(per, ge + off, fde) < FD_TOL);
    CU_ASSERT(rel_err(per, gt + off, fdt) < FD_TOL);
    /* The combined call is the sum of the two. */
    for (size_t k = 0; k < per; k++) fde[k] = ge[off + k] + gt[off + k];
    CU_ASSERT(rel_err(per, gb + off, fde) < 1e-12);
    /* Other species untouched (still exactly the pre-filled value). */
    int untouched = 1;
    for (size_t k = 0; k < np; k++)
        if ((k < off || k >= off + per) && (ge[k] != pre || gt[k] != pre || gb[k] != pre))
            untouched = 0;
    CU_ASSERT(untouched);
    free(ge);
    free(gt);
    free(gb);
    free(fde);
    free(fdt);
    fixture_free(&f);
}

static void test_input_gradient_fd(void)
{
    for (size_t L = 0; L <= 3; L++)
        for (int ln = 0; ln < 2; ln++) check_input_gradient_and_tangent(L, ln);
}

static void test_param_gradients_fd(void)
{
    for (size_t L = 0; L <= 3; L++)
        for (int ln = 0; ln < 2; ln++) check_param_gradients(L, ln);
}

/* The layer norm Jacobian alone, against FD. */
static void test_layernorm_jacobian(void)
{
    double p[DIM], x[DIM], xp[DIM], xm[DIM], v[DIM], jv[DIM], fd[DIM], is, tmp;
    for (int c = 0; c < DIM; c++) {
        p[c] = urand() + 2.0;
        v[c] = urand();
    }
    mtt_layernorm_forward(1, DIM, 1e-5, p, x, &is);
    double mean = 0, var = 0;
    for (int c = 0; c < DIM; c++) mean += x[c];
    for (int c = 0; c < DIM; c++) var += x[c] * x[c];
    CU_ASSERT_DOUBLE_EQUAL(mean, 0.0, 1e-12);
    CU_ASSERT(var / DIM < 1.0 && var / DIM > 0.99);
    mtt_layernorm_jvp(1, DIM, x, &is, v, jv);
    const double h = 1e-6;
    for (int c = 0; c < DIM; c++) p[c] += h * v[c];
    mtt_layernorm_forward(1, DIM, 1e-5, p, xp, &tmp);
    for (int c = 0; c < DIM; c++) p[c] -= 2 * h * v[c];
    mtt_layernorm_forward(1, DIM, 1e-5, p, xm, &tmp);
    for (int c = 0; c < DIM; c++) fd[c] = (xp[c] - xm[c]) / (2 * h);
    CU_ASSERT(rel_err(DIM, jv, fd) < FD_TOL);
}

/* ---- GEMM path == plain-loop path ---------------------------------------- */

static void run_all(fixture *f, double *out)
{
    size_t n = NROWS, D = DIM, np = f->net->n_params;
    memset(out, 0, (2 * n + n * D + np) * sizeof *out);
    mtt_mlp_forward(f->ws, f->params, 2, n, f->p, out, NULL);
    mtt_mlp_input_gradient(f->ws, out + n, NULL);
    mtt_mlp_backward(f->ws, f->a, f->v, out + n + n * D, out + 2 * n + n * D, NULL);
}

static void test_gemm_vs_reference(void)
{
    for (size_t L = 0; L <= 3; L++) {
        fixture f;
        CU_ASSERT_FATAL(fixture_init(&f, L, (int)(L % 2)));
        size_t len = 2 * NROWS + NROWS * DIM + f.net->n_params;
        double *x1 = malloc(len * sizeof *x1), *x2 = malloc(len * sizeof *x2);
        run_all(&f, x1);
        mtt_mlp_work_use_reference_blas(f.ws, 1);
        run_all(&f, x2);
        mtt_mlp_work_use_reference_blas(f.ws, 0);
        CU_ASSERT(rel_err(len, x1, x2) < 1e-12);
        double nonzero = 0;
        for (size_t k = 0; k < len; k++) nonzero += fabs(x1[k]);
        CU_ASSERT(nonzero > 0);
        free(x1);
        free(x2);
        fixture_free(&f);
    }
}

/* A batch of 70 atoms equals the same atoms pushed through one at a time
 * (a small network: one first-layer product; test_pieces_equal_atoms covers
 * the row chunks and pieces of the wide one). */
static void test_batch_equals_rows(void)
{
    enum { NB = 70, DB = 24, HB = 5 };
    mtt_mlp *net = NULL;
    mtt_mlp_work *ws = NULL;
    mtt_mlp_config cfg = {DB, 2, HB, 1};
    int zs[2] = {1, 8};
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 2, zs, &net, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_work_create(net, NB, &ws, NULL) == MTT_OK);
    size_t np = net->n_params;
    double *params = malloc(np * sizeof *params);
    double *g1 = calloc(np, sizeof *g1), *g2 = calloc(np, sizeof *g2);
    double *p = malloc(NB * DB * sizeof *p), *v = malloc(NB * DB * sizeof *v);
    double *d1 = malloc(NB * DB * sizeof *d1), *d2 = malloc(NB * DB * sizeof *d2);
    double a[NB], y1[NB], y2[NB], t1[NB], t2[NB];
    mtt_mlp_init_params_seeded(net, params, 5);
    for (size_t i = 0; i < NB * DB; i++) {
        p[i] = urand();
        v[i] = urand();
    }
    for (size_t i = 0; i < NB; i++) a[i] = urand();
    CU_ASSERT(mtt_mlp_forward(ws, params, 1, NB, p, y1, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_input_gradient(ws, d1, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward(ws, a, v, t1, g1, NULL) == MTT_OK);
    for (size_t i = 0; i < NB; i++) {
        mtt_mlp_forward(ws, params, 1, 1, p + i * DB, y2 + i, NULL);
        mtt_mlp_input_gradient(ws, d2 + i * DB, NULL);
        mtt_mlp_backward(ws, a + i, v + i * DB, t2 + i, g2, NULL);
    }
    CU_ASSERT(rel_err(NB, y1, y2) < 1e-12);
    CU_ASSERT(rel_err(NB * DB, d1, d2) < 1e-12);
    CU_ASSERT(rel_err(NB, t1, t2) < 1e-12);
    CU_ASSERT(rel_err(np, g1, g2) < 1e-12);
    free(params);
    free(g1);
    free(g2);
    free(p);
    free(v);
    free(d1);
    free(d2);
    mtt_mlp_work_free(ws);
    mtt_mlp_free(net);
}

/* ---- single precision -------------------------------------------------------- */

/* Everything the float network computes agrees with the double network to
 * float accuracy, for a small batch and a large one (80 rows). */
static void check_f32_matches_f64(size_t n, size_t d, size_t hidden, int ln)
{
    mtt_mlp *net = NULL;
    mtt_mlp_work *wd = NULL, *wf = NULL;
    mtt_mlp_config cfg = {d, hidden, WIDTH, ln};
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 3, SPECIES, &net, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_work_create(net, n, &wd, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_work_create_f32(net, n, &wf, NULL) == MTT_OK);
    size_t np = net->n_params, len = 2 * n + n * d + np;
    double *pd = malloc(np * sizeof *pd), *xd = malloc(2 * n * d * sizeof *xd);
    float *pf = malloc(np * sizeof *pf), *xf = malloc(2 * n * d * sizeof *xf);
    double *ad = malloc(n * sizeof *ad), *od = calloc(len, sizeof *od);
    float *af = malloc(n * sizeof *af), *of = calloc(len, sizeof *of);
    double *ofd = malloc(len * sizeof *ofd);
    mtt_mlp_init_params_seeded(net, pd, 3);
    for (size_t k = 0; k < np; k++) pf[k] = (float)(pd[k] = (double)(float)(2 * pd[k]));
    for (size_t k = 0; k < 2 * n * d; k++) xf[k] = (float)(xd[k] = (double)(float)urand());
    for (size_t k = 0; k < n; k++) af[k] = (float)(ad[k] = (double)(float)urand());
    /* outputs: y (n), dydp (n·d), ydot (n), grad (np) */
    CU_ASSERT(mtt_mlp_forward(wd, pd, 2, n, xd, od, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_input_gradient(wd, od + n, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward(wd, ad, xd + n * d, od + n + n * d, od + 2 * n + n * d, NULL) ==
              MTT_OK);
    CU_ASSERT(mtt_mlp_forward_f32(wf, pf, 2, n, xf, of, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_input_gradient_f32(wf, of + n, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward_f32(wf, af, xf + n * d, of + n + n * d, of + 2 * n + n * d,
                                   NULL) == MTT_OK);
    for (size_t k = 0; k < len; k++) ofd[k] = of[k];
    CU_ASSERT(rel_err(n, ofd, od) < 2e-5);
    CU_ASSERT(rel_err(n * d, ofd + n, od + n) < 2e-5);
    CU_ASSERT(rel_err(n, ofd + n + n * d, od + n + n * d) < 2e-5);
    CU_ASSERT(rel_err(np, ofd + 2 * n + n * d, od + 2 * n + n * d) < 2e-5);
    /* Mixing precisions is refused. */
    CU_ASSERT(mtt_mlp_forward(wf, pd, 0, n, xd, NULL, NULL) == MTT_ERR_INTERNAL);
    CU_ASSERT(mtt_mlp_backward_f32(wd, af, NULL, NULL, of, NULL) == MTT_ERR_INTERNAL);
    free(pd);
    free(xd);
    free(pf);
    free(xf);
    free(ad);
    free(od);
    free(af);
    free(of);
    free(ofd);
    mtt_mlp_work_free(wd);
    mtt_mlp_work_free(wf);
    mtt_mlp_free(net);
}

static void test_f32_matches_f64(void)
{
    for (size_t L = 0; L <= 3; L++)
        for (int ln = 0; ln < 2; ln++) check_f32_matches_f64(NROWS, DIM, L, ln);
    check_f32_matches_f64(80, 40, 2, 1);
}

/* Input rows read where they lie (mtt_mlp_forward_rows: the layer norm
 * gathers them) give the same outputs, input gradient and parameter
 * gradient bit for bit as the gathered matrix, in double and in float;
 * without a layer norm the row form is refused. */
static void test_forward_rows(void)
{
    enum { N = 80, D = 40, L = 2 };
    mtt_mlp *net = NULL, *plain = NULL;
    mtt_mlp_work *w[2] = {NULL, NULL}, *wf[2] = {NULL, NULL}, *wplain = NULL;
    mtt_mlp_config cfg = {D, L, WIDTH, 1}, cfg0 = {D, L, WIDTH, 0};
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 3, SPECIES, &net, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg0, 3, SPECIES, &plain, NULL) == MTT_OK);
    for (int k = 0; k < 2; ++k) {
        CU_ASSERT_FATAL(mtt_mlp_work_create(net, N, &w[k], NULL) == MTT_OK);
        CU_ASSERT_FATAL(mtt_mlp_work_create_f32(net, N, &wf[k], NULL) == MTT_OK);
    }
    CU_ASSERT_FATAL(mtt_mlp_work_create(plain, N, &wplain, NULL) == MTT_OK);
    const size_t np = net->n_params, out = N + N * D + np;
    double *params = malloc(np * sizeof *params), *x = malloc(N * D * sizeof *x);
    double *scattered = malloc(3 * N * D * sizeof *scattered), *a = malloc(N * sizeof *a);
    double *o[2] = {calloc(out, sizeof(double)), calloc(out, sizeof(double))};
    float *paramsf = malloc(np * sizeof *paramsf), *xf = malloc(N * D * sizeof *xf);
    float *scatteredf = malloc(3 * N * D * sizeof *scatteredf), *af = malloc(N * sizeof *af);
    float *of[2] = {calloc(out, sizeof(float)), calloc(out, sizeof(float))};
    const double *rows[N];
    const float *rowsf[N];
    mtt_mlp_init_params_seeded(net, params, 5);
    for (size_t k = 0; k < np; k++) paramsf[k] = (float)params[k];
    for (size_t i = 0; i < N; i++) {
        a[i] = urand();
        af[i] = (float)a[i];
        /* row i of the matrix is row (7 i) mod (3 N) of a larger, shuffled store */
        const size_t at = (7 * i) % (3 * N);
        rows[i] = scattered + at * D;
        rowsf[i] = scatteredf + at * D;
        for (size_t c = 0; c < D; c++) {
            x[i * D + c] = scattered[at * D + c] = 0.8 * urand() + 0.3 * (double)c;
            xf[i * D + c] = scatteredf[at * D + c] = (float)x[i * D + c];
        }
    }
    CU_ASSERT(mtt_mlp_forward(w[0], params, 1, N, x, o[0], NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_forward_rows(w[1], params, 1, N, rows, o[1], NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_forward_f32(wf[0], paramsf, 1, N, xf, of[0], NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_forward_rows_f32(wf[1], paramsf, 1, N, rowsf, of[1], NULL) == MTT_OK);
    for (int k = 0; k < 2; ++k) {
        CU_ASSERT(mtt_mlp_input_gradient(w[k], o[k] + N, NULL) == MTT_OK);
        CU_ASSERT(mtt_mlp_backward(w[k], a, x, NULL, o[k] + N + N * D, NULL) == MTT_OK);
        CU_ASSERT(mtt_mlp_input_gradient_f32(wf[k], of[k] + N, NULL) == MTT_OK);
        CU_ASSERT(mtt_mlp_backward_f32(wf[k], af, xf, NULL, of[k] + N + N * D, NULL) == MTT_OK);
    }
    CU_ASSERT(memcmp(o[0], o[1], out * sizeof(double)) == 0);
    CU_ASSERT(memcmp(of[0], of[1], out * sizeof(float)) == 0);
    mtt_error err;
    CU_ASSERT(mtt_mlp_forward_rows(wplain, params, 1, N, rows, NULL, &err) == MTT_ERR_INTERNAL);
    free(params), free(x), free(scattered), free(a), free(o[0]), free(o[1]);
    free(paramsf), free(xf), free(scatteredf), free(af), free(of[0]), free(of[1]);
    for (int k = 0; k < 2; ++k) mtt_mlp_work_free(w[k]), mtt_mlp_work_free(wf[k]);
    mtt_mlp_work_free(wplain);
    mtt_mlp_free(net);
    mtt_mlp_free(plain);
}

/* mtt_mlp_backward_set writes the species' block of grad (whatever it held
 * before: NaN here) to exactly what zeroing and mtt_mlp_backward give, in
 * double and float, leaves the other blocks alone, and sets zeros when
 * there is no loss term. */
static void test_backward_set(void)
{
    fixture f;
    CU_ASSERT_FATAL(fixture_init(&f, 2, 1));
    const mtt_mlp *net = f.net;
    const size_t np = net->n_params, s = 1, off = mtt_mlp_species_offset(net, s);
    const size_t blk = net->n_params_per_species;
    double *add = calloc(np, sizeof *add), *set = malloc(np * sizeof *set);
    float *addf = calloc(np, sizeof *addf), *setf = malloc(np * sizeof *setf);
    float *pf = malloc(np * sizeof *pf), xf[NROWS * DIM], vf[NROWS * DIM], af[NROWS];
    mtt_mlp_work *wf = NULL;
    CU_ASSERT_FATAL(mtt_mlp_work_create_f32(net, NROWS, &wf, NULL) == MTT_OK);
    for (size_t k = 0; k < np; ++k) set[k] = NAN, setf[k] = NAN, pf[k] = (float)f.params[k];
    for (size_t k = 0; k < NROWS * DIM; ++k) xf[k] = (float)f.p[k], vf[k] = (float)f.v[k];
    for (size_t k = 0; k < NROWS; ++k) af[k] = (float)f.a[k];
    CU_ASSERT(mtt_mlp_forward(f.ws, f.params, s, NROWS, f.p, NULL, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward(f.ws, f.a, f.v, NULL, add, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward_set(f.ws, f.a, f.v, NULL, set, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_forward_f32(wf, pf, s, NROWS, xf, NULL, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward_f32(wf, af, vf, NULL, addf, NULL) == MTT_OK);
    CU_ASSERT(mtt_mlp_backward_set_f32(wf, af, vf, NULL, setf, NULL) == MTT_OK);
    CU_ASSERT(memcmp(add + off, set + off, blk * sizeof *set) == 0);
    CU_ASSERT(memcmp(addf + off, setf + off, blk * sizeof *setf) == 0);
    int others_untouched = 1;
    for (size_t k = 0; k < np; ++k)
        if (k < off || k >= off + blk) others_untouched &= isnan(set[k]) && isnan(setf[k]);
    CU_ASSERT(others_untouched);
    /* no loss term: the block is set to zeros */
    CU_ASSERT(mtt_mlp_backward_set(f.ws, NULL, NULL, NULL, set, NULL) == MTT_OK);
    int zeros = 1;
    for (size_t k = off; k < off + blk; ++k) zeros &= set[k] == 0.0;
    CU_ASSERT(zeros);
    free(add), free(set), free(addf), free(setf), free(pf);
    mtt_mlp_work_free(wf);
    fixture_free(&f);
}

/* The first layer's products go to BLAS in pieces along D for a batch
 * (n = 16, 48 at D = 2100, as ethanol's species; the forward of n = 48 and
 * 80 also in row chunks of 24 and 20), never for one atom: a batch's
 * outputs, input gradient and parameter gradient equal the atoms pushed
 * through one at a time, to rounding. */
static void test_pieces_equal_atoms(void)
{
    enum { DW = 2100, HW = 32, NMAX = 80 };
    mtt_mlp *net = NULL;
    mtt_mlp_work *ws = NULL;
    mtt_mlp_config cfg = {DW, 2, HW, 1};
    int z = 6;
    CU_ASSERT_FATAL(mtt_mlp_create(&cfg, 1, &z, &net, NULL) == MTT_OK);
    CU_ASSERT_FATAL(mtt_mlp_work_create(net, NMAX, &ws, NULL) == MTT_OK);
    const size_t np = net->n_params;
    double *params = malloc(np * sizeof *params), *p = malloc(NMAX * DW * sizeof *p);
    double *v = malloc(NMAX * DW * sizeof *v), *a = malloc(NMAX * sizeof *a);
    double *g1 = malloc(NMAX * DW * sizeof *g1), *g2 = malloc(NMAX * DW * sizeof *g2);
    double *w1 = calloc(np, sizeof *w1), *w2 = calloc(np, sizeof *w2), y1[NMAX], y2[NMAX];
    mtt_mlp_init_params_seeded(net, params, 11);
    for (size_t k = 0; k < NMAX * DW; ++k) {
        p[k] = 0.8 * urand() + 0.3 * (double)(k % 7);
        v[k] = urand();
    }
    for (size_t i = 0; i < NMAX; ++i) a[i] = urand();
    const size_t sizes[3] = {16, 48, 80};
    for (int c = 0; c < 3; ++c) {
        const size_t n = sizes[c];
        memset(w1, 0, np * sizeof *w1);
        memset(w2, 0, np * sizeof *w2);
        CU_ASSERT(mtt_mlp_forward(ws, params, 0, n, p, y1, NULL) == MTT_OK);
        CU_ASSERT(mtt_mlp_input_gradient(ws, g1, NULL) == MTT_OK);
        CU_ASSERT(mtt_mlp_backward(ws, a, v, NULL, w1, NULL) == MTT_OK);
        for (size_t i = 0; i < n; ++i) {
            CU_ASSERT(mtt_mlp_forward(ws, params, 0, 1, p + i * DW, y2 + i, NULL) == MTT_OK);
            CU_ASSERT(mtt_mlp_input_gradient(ws, g2 + i * DW, NULL) == MTT_OK);
            CU_ASSERT(mtt_mlp_backward(ws, a + i, v + i * DW, NULL, w2, NULL) == MTT_OK);
        }
        const double ey = rel_err(n, y1, y2), eg = rel_err(n * DW, g1, g2);
        const double ew = rel_err(np, w1, w2);
        printf("# batch of %zu in pieces vs atom by atom: y %.2g, dy/dp %.2g, gradient %.2g\n", n,
               ey, eg, ew);
        CU_ASSERT(ey < 1e-14 && eg < 1e-14 && ew < 1e-14);
    }
    free(params), free(p), free(v), free(a), free(g1), free(g2), free(w1), free(w2);
    mtt_mlp_work_free(ws);
    mtt_mlp_free(net);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("mlp", NULL, NULL);
    CU_add_test(s, "layout table and offsets", test_layout);
    CU_add_test(s, "kaiming-uniform init, seeded", test_init);
    CU_add_test(s, "bad sizes and misuse report errors", test_create_errors);
    CU_add_test(s, "hand-computed value and SiLU derivatives", test_known_value);
    CU_add_test(s, "layer norm Jacobian vs FD", test_layernorm_jacobian);
    CU_add_test(s, "input gradient and tangent vs FD, depth 0-3, +-layernorm",
                test_input_gradient_fd);
    CU_add_test(s, "energy and force parameter gradients vs FD, depth 0-3, +-layernorm",
                test_param_gradients_fd);
    CU_add_test(s, "GEMM path equals plain-loop path", test_gemm_vs_reference);
    CU_add_test(s, "large batch equals atom by atom", test_batch_equals_rows);
    CU_add_test(s, "input rows in place equal the gathered matrix (double, float)",
                test_forward_rows);
    CU_add_test(s, "backward that sets the gradient block equals zeroing and adding",
                test_backward_set);
    CU_add_test(s, "first layer in pieces along D equals atom by atom", test_pieces_equal_atoms);
    CU_add_test(s, "float network matches the double one", test_f32_matches_f64);
    return mtt_cunit_run_tap();
}
