/* test_loss.c — MSE/MAE/Huber against torch.nn values, gradients against
 * finite differences, the energy+force loss (hand value, gradient, split over
 * ranks) and the metric accumulators. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cunit_tap.h"
#include "train/loss.h"

#define CLOSE(a, b, tol) CU_ASSERT(fabs((a) - (b)) <= (tol) * fmax(1.0, fabs(b)))

static const double P6[6] = {0.3, -1.2, 2.5, 0.0, 1.0, -0.7};
static const double T6[6] = {0.1, 0.4, -0.5, 0.0, 1.0, 0.8};

static void check_torch(mtt_loss_fn fn, double value, const double grad[6])
{
    double g[6];
    CLOSE(mtt_loss_mean(&fn, 6, P6, T6, 6.0, 1.0, g), value, 1e-15);
    for (int i = 0; i < 6; ++i) CLOSE(g[i], grad[i], 1e-15);
}

static void test_vs_torch(void)
{
    /* torch 1.13.1, float64: MSELoss(), L1Loss(), HuberLoss(delta=1.5); residual
     * 0 at entries 3, 4 (MAE subgradient 0) and |d| = delta at entry 5 */
    const double g_mse[6] = {0.06666666666666665, -0.5333333333333333, 1.0, 0.0, 0.0, -0.5};
    const double s = 0.16666666666666666;
    const double g_mae[6] = {s, -s, s, 0.0, 0.0, -s};
    const double g_hub[6] = {0.033333333333333326, -0.25, 0.25, 0.0, 0.0, -0.25};
    check_torch((mtt_loss_fn){MTT_LOSS_MSE, 0.0}, 2.3083333333333336, g_mse);
    check_torch((mtt_loss_fn){MTT_LOSS_MAE, 0.0}, 1.05, g_mae);
    check_torch((mtt_loss_fn){MTT_LOSS_HUBER, 1.5}, 0.9658333333333333, g_hub);
}

static void test_point_by_hand(void)
{
    mtt_loss_fn h = {MTT_LOSS_HUBER, 0.5};
    double d;
    CU_ASSERT_EQUAL(mtt_loss_point(&h, 0.25, &d), 0.03125);
    CU_ASSERT_EQUAL(d, 0.25);
    CU_ASSERT_EQUAL(mtt_loss_point(&h, -2.0, &d), 0.5 * (2.0 - 0.25));
    CU_ASSERT_EQUAL(d, -0.5);
    mtt_loss_fn a = {MTT_LOSS_MAE, 0.0};
    CU_ASSERT_EQUAL(mtt_loss_point(&a, 0.0, &d), 0.0);
    CU_ASSERT_EQUAL(d, 0.0);
    CU_ASSERT_EQUAL(mtt_loss_point(&a, -3.0, &d), 3.0);
    CU_ASSERT_EQUAL(d, -1.0);
    mtt_loss_fn m = {MTT_LOSS_MSE, 0.0};
    CU_ASSERT_EQUAL(mtt_loss_point(&m, -3.0, NULL), 9.0);
}

static void test_mean_finite_differences(void)
{
    /* residuals away from 0 and from +-delta, where every loss is smooth */
    const double t[5] = {0.2, -0.3, 1.1, 0.0, -2.0};
    double p[5] = {0.9, -0.1, -1.3, 0.45, -2.2}, g[5];
    const mtt_loss_fn fns[3] = {{MTT_LOSS_MSE, 0.0}, {MTT_LOSS_MAE, 0.0}, {MTT_LOSS_HUBER, 0.6}};
    const double h = 1e-6, w = 0.7;
    for (int k = 0; k < 3; ++k) {
        mtt_loss_mean(&fns[k], 5, p, t, 5.0, w, g);
        for (int i = 0; i < 5; ++i) {
            double keep = p[i];
            p[i] = keep + h;
            double lp = mtt_loss_mean(&fns[k], 5, p, t, 5.0, w, NULL);
            p[i] = keep - h;
            double lm = mtt_loss_mean(&fns[k], 5, p, t, 5.0, w, NULL);
            p[i] = keep;
            CU_ASSERT(fabs(w * (lp - lm) / (2 * h) - g[i]) < 1e-8);
        }
    }
}

static void test_mean_split_over_ranks(void)
{
    mtt_loss_fn fn = {MTT_LOSS_HUBER, 1.5};
    double g_all[6], g_split[6];
    double all = mtt_loss_mean(&fn, 6, P6, T6, 6.0, 2.0, g_all);
    double part = mtt_loss_mean(&fn, 4, P6, T6, 6.0, 2.0, g_split) +
                  mtt_loss_mean(&fn, 2, P6 + 4, T6 + 4, 6.0, 2.0, g_split + 4);
    CLOSE(part, all, 1e-15);
    CU_ASSERT_EQUAL(memcmp(g_all, g_split, sizeof g_all), 0);
}

/* two structures of 3 and 2 atoms: 15 force components */
static const int32_t NA[2] = {3, 2};
static const double Y[2] = {-4.0, 1.5}, YREF[2] = {-3.1, 1.2};
static double F[15], FREF[15];

static void fill_forces(void)
{
    for (int c = 0; c < 15; ++c) {
        F[c] = 0.1 * c - 0.6 + 0.05 * (c % 4);
        FREF[c] = 0.3 * sin(1.7 * c) + 0.013;
    }
}

static mtt_loss_ef_batch whole_batch(const double *y, const double *f)
{
    mtt_loss_ef_batch b = {.n_structures = 2, .n_atoms = NA, .y = y, .y_ref = YREF,
                           .n_components = 15, .f = f, .f_ref = FREF,
                           .n_structures_total = 2, .n_components_total = 15};
    return b;
}

static void test_energy_force_mse_by_hand(void)
{
    fill_forces();
    mtt_loss_ef_config cfg = {{MTT_LOSS_MSE, 0}, {MTT_LOSS_MSE, 0}, 1.0, 0.3};
    mtt_loss_ef_batch b = whole_batch(Y, F);
    double loss, terms[2], dy[2], df[15];
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &b, &loss, terms, dy, df, NULL), MTT_OK);
    /* mean(((y - y_ref)/N)^2) + w_F mean((f - f_ref)^2) */
    double e = (pow(-0.9 / 3.0, 2) + pow(0.3 / 2.0, 2)) / 2.0, fsum = 0.0;
    for (int c = 0; c < 15; ++c) fsum += (F[c] - FREF[c]) * (F[c] - FREF[c]);
    CLOSE(terms[0], e, 1e-15);
    CLOSE(terms[1], 0.3 * fsum / 15.0, 1e-15);
    CLOSE(loss, e + 0.3 * fsum / 15.0, 1e-15);
    CLOSE(dy[0], 2.0 * (-0.9 / 3.0) / 3.0 / 2.0, 1e-15);
    CLOSE(dy[1], 2.0 * (0.3 / 2.0) / 2.0 / 2.0, 1e-15);
    for (int c = 0; c < 15; ++c) CLOSE(df[c], 0.3 * 2.0 * (F[c] - FREF[c]) / 15.0, 1e-15);
}

static double ef_loss(const mtt_loss_ef_config *cfg, const double *y, const double *f)
{
    mtt_loss_ef_batch b = whole_batch(y, f);
    double loss = NAN;
    CU_ASSERT_EQUAL(mtt_loss_energy_force(cfg, &b, &loss, NULL, NULL, NULL, NULL), MTT_OK);
    return loss;
}

static void test_energy_force_finite_differences(void)
{
    fill_forces();
    const mtt_loss_ef_config cfgs[3] = {
        {{MTT_LOSS_MSE, 0}, {MTT_LOSS_MSE, 0}, 2.0, 0.5},
        {{MTT_LOSS_MAE, 0}, {MTT_LOSS_HUBER, 0.1}, 1.0, 3.0},
        {{MTT_LOSS_HUBER, 0.2}, {MTT_LOSS_MAE, 0}, 0.5, 1.0},
    };
    const double h = 1e-6;
    for (int k = 0; k < 3; ++k) {
        double y[2], f[15], dy[2], df[15], loss;
        memcpy(y, Y, sizeof y);
        memcpy(f, F, sizeof f);
        mtt_loss_ef_batch b = whole_batch(y, f);
        CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfgs[k], &b, &loss, NULL, dy, df, NULL), MTT_OK);
        for (int s = 0; s < 2; ++s) {
            double keep = y[s];
            y[s] = keep + h;
            double lp = ef_loss(&cfgs[k], y, f);
            y[s] = keep - h;
            double lm = ef_loss(&cfgs[k], y, f);
            y[s] = keep;
            CU_ASSERT(fabs((lp - lm) / (2 * h) - dy[s]) < 1e-8);
        }
        for (int c = 0; c < 15; ++c) {
            double keep = f[c];
            f[c] = keep + h;
            double lp = ef_loss(&cfgs[k], y, f);
            f[c] = keep - h;
            double lm = ef_loss(&cfgs[k], y, f);
            f[c] = keep;
            CU_ASSERT(fabs((lp - lm) / (2 * h) - df[c]) < 1e-8);
        }
    }
}

static void test_energy_force_split_over_ranks(void)
{
    fill_forces();
    mtt_loss_ef_config cfg = {{MTT_LOSS_HUBER, 0.2}, {MTT_LOSS_MSE, 0}, 1.0, 0.7};
    double loss, terms[2], dy[2], df[15];
    mtt_loss_ef_batch b = whole_batch(Y, F);
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &b, &loss, terms, dy, df, NULL), MTT_OK);
    /* rank 0 owns structure 0 (9 components), rank 1 structure 1 (6 components) */
    double l0, l1, t0[2], t1[2], dy2[2], df2[15];
    mtt_loss_ef_batch r0 = {1, NA, Y, YREF, 9, F, FREF, 2, 15};
    mtt_loss_ef_batch r1 = {1, NA + 1, Y + 1, YREF + 1, 6, F + 9, FREF + 9, 2, 15};
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &r0, &l0, t0, dy2, df2, NULL), MTT_OK);
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &r1, &l1, t1, dy2 + 1, df2 + 9, NULL), MTT_OK);
    CLOSE(l0 + l1, loss, 1e-15);
    CLOSE(t0[0] + t1[0], terms[0], 1e-15);
    CLOSE(t0[1] + t1[1], terms[1], 1e-15);
    CU_ASSERT_EQUAL(memcmp(dy, dy2, sizeof dy), 0);
    CU_ASSERT_EQUAL(memcmp(df, df2, sizeof df), 0);
    /* a rank with nothing contributes nothing */
    mtt_loss_ef_batch empty = {0, NULL, NULL, NULL, 0, NULL, NULL, 2, 15};
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &empty, &l0, t0, NULL, NULL, NULL), MTT_OK);
    CU_ASSERT_EQUAL(l0, 0.0);
}

static void test_energy_force_bad_input(void)
{
    fill_forces();
    mtt_loss_ef_config cfg = {{MTT_LOSS_MSE, 0}, {MTT_LOSS_MSE, 0}, 1.0, 1.0};
    const int32_t bad_na[2] = {3, 0};
    mtt_loss_ef_batch b = whole_batch(Y, F);
    b.n_atoms = bad_na;
    double loss;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &b, &loss, NULL, NULL, NULL, &err),
                    MTT_ERR_INTERNAL);
    CU_ASSERT(strstr(err.msg, "atoms") != NULL);
    b = whole_batch(Y, F);
    b.n_components_total = 10; /* fewer than the 15 local ones */
    CU_ASSERT_EQUAL(mtt_loss_energy_force(&cfg, &b, &loss, NULL, NULL, NULL, &err),
                    MTT_ERR_INTERNAL);
}

static void test_metrics(void)
{
    const double pred[3] = {1.0, -2.0, 4.0}, ref[3] = {0.0, 0.0, 1.0};
    const int32_t na[3] = {1, 2, 3};
    mtt_metric_acc acc[2];
    mtt_metric_acc_clear(&acc[0]);
    mtt_metric_acc_clear(&acc[1]);
    CU_ASSERT(isnan(mtt_metric_rmse(&acc[0])));
    CU_ASSERT(isnan(mtt_metric_mae(&acc[0])));
    mtt_metric_acc_add(&acc[0], 3, pred, ref, NULL); /* errors 1, -2, 3 */
    CU_ASSERT_EQUAL(mtt_metric_rmse(&acc[0]), sqrt(14.0 / 3.0));
    CU_ASSERT_EQUAL(mtt_metric_mae(&acc[0]), 2.0);
    mtt_metric_acc_add(&acc[1], 3, pred, ref, na); /* per atom: 1, -1, 1 */
    CU_ASSERT_EQUAL(mtt_metric_rmse(&acc[1]), 1.0);
    CU_ASSERT_EQUAL(mtt_metric_mae(&acc[1]), 1.0);

    /* two "ranks" with one entry and two entries: summing the double arrays
     * (what MPI_Allreduce with MPI_SUM does) equals one accumulator */
    mtt_metric_acc ra[2], rb[2], sum[2];
    mtt_metric_acc_clear(&ra[0]);
    mtt_metric_acc_clear(&ra[1]);
    mtt_metric_acc_clear(&rb[0]);
    mtt_metric_acc_clear(&rb[1]);
    mtt_metric_acc_add(&ra[0], 1, pred, ref, NULL);
    mtt_metric_acc_add(&rb[0], 2, pred + 1, ref + 1, NULL);
    mtt_metric_acc_add(&ra[1], 1, pred, ref, na);
    mtt_metric_acc_add(&rb[1], 2, pred + 1, ref + 1, na + 1);
    const double *da = (const double *)ra, *db = (const double *)rb;
    double *ds = (double *)sum;
    for (int i = 0; i < 2 * MTT_METRIC_ACC_DOUBLES; ++i) ds[i] = da[i] + db[i];
    CU_ASSERT_EQUAL(mtt_metric_rmse(&sum[0]), mtt_metric_rmse(&acc[0]));
    CU_ASSERT_EQUAL(mtt_metric_mae(&sum[1]), mtt_metric_mae(&acc[1]));
    CU_ASSERT_EQUAL(sum[1].count, 3.0);
}

static void test_names(void)
{
    mtt_loss_kind k;
    CU_ASSERT(mtt_loss_kind_from_name("huber", &k));
    CU_ASSERT_EQUAL(k, MTT_LOSS_HUBER);
    CU_ASSERT(mtt_loss_kind_from_name("mse", &k));
    CU_ASSERT_EQUAL(k, MTT_LOSS_MSE);
    CU_ASSERT(!mtt_loss_kind_from_name("l2", &k));
    CU_ASSERT_STRING_EQUAL(mtt_loss_kind_name(MTT_LOSS_MAE), "mae");
    CU_ASSERT_STRING_EQUAL(mtt_loss_kind_name(MTT_LOSS_KIND_COUNT), "unknown");
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("loss", NULL, NULL);
    CU_add_test(s, "mse/mae/huber value and gradient equal torch.nn", test_vs_torch);
    CU_add_test(s, "pointwise values by hand, MAE subgradient 0 at 0", test_point_by_hand);
    CU_add_test(s, "mean loss gradient vs finite differences", test_mean_finite_differences);
    CU_add_test(s, "mean loss split over ranks sums to the whole", test_mean_split_over_ranks);
    CU_add_test(s, "energy+force mse equals the reference definition", test_energy_force_mse_by_hand);
    CU_add_test(s, "energy+force gradients vs finite differences", test_energy_force_finite_differences);
    CU_add_test(s, "energy+force split over ranks sums to the whole", test_energy_force_split_over_ranks);
    CU_add_test(s, "energy+force rejects bad counts", test_energy_force_bad_input);
    CU_add_test(s, "RMSE/MAE accumulators and their rank sum", test_metrics);
    CU_add_test(s, "loss names", test_names);
    return mtt_cunit_run_tap();
}
