/* test_adam.c — Adam against hand-computed steps and torch.optim.Adam values,
 * convergence on a quadratic, and bitwise-identical restart from (m, v, step). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cunit_tap.h"
#include "train/adam.h"
#include "train/schedule.h"

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(b), 1e-300);
}

static void test_two_steps(void)
{
    double p[4] = {1.0, -2.0, 0.5, 0.0};
    const double p0[4] = {1.0, -2.0, 0.5, 0.0};
    const double g1[4] = {0.5, -1.0, 0.0, 3.0}, g2[4] = {-0.25, 2.0, 1e-3, 3.0};
    double m[4], v[4];
    mtt_adam_config cfg = mtt_adam_config_default();
    mtt_adam_state s;
    mtt_adam_state_init(&s, 4, m, v);
    const double lr = 0.1, eps = 1e-8;

    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, lr, &s, p, g1, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.step, 1);
    /* step 1 by hand: m/bc1 = g and sqrt(v/bc2) = |g|, so p1 = p0 - lr g / (|g| + eps) */
    for (int i = 0; i < 4; ++i) {
        double expect = p0[i] - lr * g1[i] / (fabs(g1[i]) + eps);
        CU_ASSERT(close_rel(p[i], expect, 1e-15) || fabs(p[i] - expect) < 1e-300);
    }
    CU_ASSERT_EQUAL(p[2], 0.5); /* zero gradient: no move */

    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, lr, &s, p, g2, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.step, 2);
    /* step 2 by hand: m = 0.09 g1 + 0.1 g2, v = 0.000999 g1^2 + 0.001 g2^2,
     * bc1 = 0.19, bc2 = 0.001999 */
    for (int i = 0; i < 4; ++i) {
        double mm = 0.09 * g1[i] + 0.1 * g2[i];
        double vv = 0.000999 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
        double p1 = p0[i] - lr * g1[i] / (fabs(g1[i]) + eps);
        double expect = p1 - lr / 0.19 * mm / (sqrt(vv / 0.001999) + eps);
        CU_ASSERT(close_rel(p[i], expect, 1e-13));
    }
    /* torch.optim.Adam(lr=0.1), torch 1.13.1, float64: parameters after step 2 */
    const double torch_p[4] = {0.8733662987078463, -1.9366103534720749, 0.4255873697336899,
                               -0.19999999933333265};
    const double torch_m[4] = {0.019999999999999997, 0.10999999999999997, 9.999999999999998e-05,
                               0.5699999999999998};
    const double torch_v[4] = {0.0003122500000000003, 0.004999000000000004,
                               1.000000000000001e-09, 0.017991000000000014};
    for (int i = 0; i < 4; ++i) {
        CU_ASSERT(close_rel(p[i], torch_p[i], 2e-16));
        /* torch < 2.0 updates m as 0.9 m + 0.1 g, mtt as torch >= 2.0 (lerp): 1 ulp */
        CU_ASSERT(close_rel(m[i], torch_m[i], 3e-16));
        CU_ASSERT(close_rel(v[i], torch_v[i], 2e-16));
    }
}

static void test_weight_decay(void)
{
    double p[1] = {2.0}, g[1] = {0.5}, m[1], v[1];
    mtt_adam_config cfg = mtt_adam_config_default();
    cfg.weight_decay = 0.25; /* effective gradient 0.5 + 0.25 * 2 = 1 */
    mtt_adam_state s;
    mtt_adam_state_init(&s, 1, m, v);
    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, 0.01, &s, p, g, NULL), MTT_OK);
    CU_ASSERT(close_rel(p[0], 2.0 - 0.01 * 1.0 / (1.0 + 1e-8), 1e-15));
    CU_ASSERT(close_rel(m[0], 0.1, 1e-15));
}

/* f(p) = 1/2 sum_i a_i (p_i - c_i)^2 */
static const double qa[5] = {1.0, 10.0, 0.1, 3.0, 100.0};
static const double qc[5] = {1.0, -2.0, 3.0, 0.5, -0.25};

static double quad_grad(const double *p, double *g)
{
    double f = 0.0;
    for (int i = 0; i < 5; ++i) {
        g[i] = qa[i] * (p[i] - qc[i]);
        f += 0.5 * qa[i] * (p[i] - qc[i]) * (p[i] - qc[i]);
    }
    return f;
}

/* run steps [from, to) of a scheduled Adam on the quadratic */
static void run(const mtt_schedule *sch, mtt_adam_state *s, double *p, int64_t from, int64_t to)
{
    mtt_adam_config cfg = mtt_adam_config_default();
    double g[5];
    for (int64_t k = from; k < to; ++k) {
        quad_grad(p, g);
        CU_ASSERT_EQUAL_FATAL(mtt_adam_step(&cfg, 0.1 * mtt_schedule_factor(sch, k), s, p, g, NULL),
                              MTT_OK);
    }
}

static void test_quadratic(void)
{
    double p[5] = {0}, m[5], v[5], g[5];
    mtt_schedule sch;
    CU_ASSERT_EQUAL(mtt_schedule_init(&sch, 3000, 0.01, NULL), MTT_OK);
    mtt_adam_state s;
    mtt_adam_state_init(&s, 5, m, v);
    double f0 = quad_grad(p, g);
    run(&sch, &s, p, 0, 3000);
    double f1 = quad_grad(p, g);
    CU_ASSERT(f0 > 1.0);
    CU_ASSERT(f1 < 1e-8 * f0);
    for (int i = 0; i < 5; ++i) CU_ASSERT(fabs(p[i] - qc[i]) < 1e-4);
}

static void test_restart_bitwise(void)
{
    mtt_schedule sch;
    CU_ASSERT_EQUAL(mtt_schedule_init(&sch, 200, 0.1, NULL), MTT_OK);
    /* uninterrupted */
    double pa[5] = {0.3, 0.1, -0.2, 0.7, 0.0}, ma[5], va[5];
    mtt_adam_state sa;
    mtt_adam_state_init(&sa, 5, ma, va);
    run(&sch, &sa, pa, 0, 200);

    /* 77 steps, "checkpoint" (p, m, v, step copied to fresh storage), 123 more */
    double pb[5] = {0.3, 0.1, -0.2, 0.7, 0.0}, mb[5], vb[5];
    mtt_adam_state sb;
    mtt_adam_state_init(&sb, 5, mb, vb);
    run(&sch, &sb, pb, 0, 77);
    double pc[5], mc[5], vc[5];
    memcpy(pc, pb, sizeof pc);
    memcpy(mc, mb, sizeof mc);
    memcpy(vc, vb, sizeof vc);
    memset(pb, 0xff, sizeof pb); /* the old run's storage is gone */
    mtt_adam_state sc = {.n = 5, .m = mc, .v = vc, .step = sb.step};
    CU_ASSERT_EQUAL(sc.step, 77);
    run(&sch, &sc, pc, 77, 200);

    CU_ASSERT_EQUAL(sc.step, sa.step);
    CU_ASSERT_EQUAL(memcmp(pc, pa, sizeof pa), 0);
    CU_ASSERT_EQUAL(memcmp(mc, ma, sizeof ma), 0);
    CU_ASSERT_EQUAL(memcmp(vc, va, sizeof va), 0);
}

static void test_bad_lr(void)
{
    double p[2] = {1.0, 2.0}, g[2] = {1.0, 1.0}, m[2], v[2];
    mtt_adam_config cfg = mtt_adam_config_default();
    mtt_adam_state s;
    mtt_adam_state_init(&s, 2, m, v);
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, NAN, &s, p, g, &err), MTT_ERR_INTERNAL);
    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, -1e-3, &s, p, g, &err), MTT_ERR_INTERNAL);
    CU_ASSERT(strstr(err.msg, "learning rate") != NULL);
    cfg.beta2 = 1.0;
    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, 1e-3, &s, p, g, &err), MTT_ERR_INTERNAL);
    CU_ASSERT_EQUAL(s.step, 0);
    CU_ASSERT_EQUAL(p[0], 1.0);
    /* lr 0 (first warm-up step) is valid: moments move, parameters do not */
    cfg = mtt_adam_config_default();
    CU_ASSERT_EQUAL(mtt_adam_step(&cfg, 0.0, &s, p, g, &err), MTT_OK);
    CU_ASSERT_EQUAL(p[0], 1.0);
    CU_ASSERT_EQUAL(s.step, 1);
    CU_ASSERT(m[0] > 0.0);
}

/* base_precision 32's float Adam against the double one, one step at a
 * time from the same (float-valued) state: parameters within float
 * rounding of |p| + |step| and moments within a few float roundings, with
 * and without weight decay and in both lerp forms; the float and the
 * double gradient entry points agree bit for bit on a float-valued
 * gradient; giving both gradients or neither is refused. */
static void test_floats(void)
{
    enum { N = 1000 };
    static double p64[N], g[N], m64[N], v64[N];
    static float p32[N], p32d[N], g32[N], m32[N], v32[N], m32d[N], v32d[N];
    const double eps32 = 0x1p-24;
    for (int variant = 0; variant < 2; ++variant) {
        mtt_adam_config c = mtt_adam_config_default();
        if (variant) c.weight_decay = 0.01, c.beta1 = 0.3;
        mtt_adam_state s64;
        mtt_adam_floats s32, s32d;
        mtt_adam_state_init(&s64, N, m64, v64);
        mtt_adam_floats_init(&s32, N, m32, v32);
        mtt_adam_floats_init(&s32d, N, m32d, v32d);
        for (int i = 0; i < N; ++i) p32[i] = p32d[i] = (float)(sin(0.37 * i) * 3.0);
        mtt_error err;
        double worst_p = 0.0, worst_m = 0.0, worst_v = 0.0;
        for (int step = 0; step < 5; ++step) {
            for (int i = 0; i < N; ++i) {
                g32[i] = (float)(cos(1.3 * i + step) * pow(10.0, (i % 9) - 4));
                g[i] = g32[i];
                p64[i] = p32[i]; /* compare one step at a time */
                m64[i] = m32[i];
                v64[i] = v32[i];
            }
            CU_ASSERT_EQUAL_FATAL(mtt_adam_step(&c, 1e-3, &s64, p64, g, &err), MTT_OK);
            double before[N], m_before[N], v_before[N];
            for (int i = 0; i < N; ++i) {
                before[i] = p32[i];
                m_before[i] = m32[i];
                v_before[i] = v32[i];
            }
            CU_ASSERT_EQUAL_FATAL(mtt_adam_step_floats(&c, 1e-3, &s32, p32, g32, NULL, &err),
                                  MTT_OK);
            CU_ASSERT_EQUAL_FATAL(mtt_adam_step_floats(&c, 1e-3, &s32d, p32d, NULL, g, &err),
                                  MTT_OK);
            CU_ASSERT(s32.step == s64.step && s32d.step == s64.step);
            for (int i = 0; i < N; ++i) {
                /* each error against the size of what was rounded: the
                 * terms before any cancellation */
                const double scale = fabs(before[i]) + fabs(p64[i] - before[i]);
                const double gi = fabs(g[i]) + fabs(c.weight_decay * before[i]);
                const double m_scale = fabs(m_before[i]) + gi;
                const double v_scale = c.beta2 * v_before[i] + (1.0 - c.beta2) * gi * gi;
                worst_p = fmax(worst_p, fabs(p32[i] - p64[i]) / scale);
                worst_m = fmax(worst_m, fabs(m32[i] - m64[i]) / m_scale);
                worst_v = fmax(worst_v, fabs(v32[i] - v64[i]) / v_scale);
            }
            CU_ASSERT(memcmp(p32, p32d, sizeof p32) == 0 && memcmp(m32, m32d, sizeof m32) == 0 &&
                      memcmp(v32, v32d, sizeof v32) == 0);
        }
        printf("# float Adam%s: largest relative difference from double: parameters %.3g "
               "(of |p| + |step|), m %.3g, v %.3g (of their terms; float epsilon %.3g)\n",
               variant ? " (weight decay, beta1 0.3)" : "", worst_p, worst_m, worst_v, eps32);
        CU_ASSERT(worst_p > 0.0 && worst_p < 2.0 * eps32);
        CU_ASSERT(worst_m > 0.0 && worst_m < 4.0 * eps32);
        CU_ASSERT(worst_v > 0.0 && worst_v < 8.0 * eps32);
    }
    mtt_adam_config c = mtt_adam_config_default();
    mtt_adam_floats s;
    mtt_adam_floats_init(&s, N, m32, v32);
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_adam_step_floats(&c, 1e-3, &s, p32, g32, g, &err), MTT_ERR_INTERNAL);
    CU_ASSERT_EQUAL(mtt_adam_step_floats(&c, 1e-3, &s, p32, NULL, NULL, &err), MTT_ERR_INTERNAL);
    CU_ASSERT_EQUAL(s.step, 0);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("adam", NULL, NULL);
    CU_add_test(s, "two steps by hand and vs torch", test_two_steps);
    CU_add_test(s, "weight decay", test_weight_decay);
    CU_add_test(s, "minimises a quadratic", test_quadratic);
    CU_add_test(s, "restart from m, v, step is bitwise identical", test_restart_bitwise);
    CU_add_test(s, "invalid learning rate or config", test_bad_lr);
    CU_add_test(s, "float Adam (base_precision 32) vs double", test_floats);
    return mtt_cunit_run_tap();
}
