/* test_composition.c — composition baseline (least squares on element counts,
 * minimum norm when singular) and the energy scale.  Expected values of the
 * degenerate cases come from numpy 1.24 np.linalg.lstsq(X, E, rcond=None) and
 * the reference's fit_baseline, committed as constants. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/composition.h"
#include "model/scale.h"

#define CLOSE(a, b, tol) CU_ASSERT(fabs((a) - (b)) <= (tol) * fmax(1.0, fabs(b)))

static double buf[64];

static void fit(size_t nt, size_t ns, const int32_t *counts, const double *e, double *w,
                size_t *rank)
{
    memset(buf, 0, sizeof buf);
    CU_ASSERT_FATAL(mtt_composition_buffer_len(nt) <= 64);
    for (size_t s = 0; s < ns; ++s) mtt_composition_accumulate(buf, nt, counts + s * nt, e[s]);
    CU_ASSERT_EQUAL(mtt_composition_solve(buf, nt, 0.0, w, rank, NULL), MTT_OK);
}

static void test_jacobi(void)
{
    double a[9] = {4, 1, -2, 1, 3, 0.5, -2, 0.5, 5}, keep[9], v[9];
    memcpy(keep, a, sizeof a);
    mtt_composition_jacobi(3, a, v);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            double vtv = 0.0, rec = 0.0; /* V^T V = I and V diag(lambda) V^T = A */
            for (int k = 0; k < 3; ++k) {
                vtv += v[k * 3 + i] * v[k * 3 + j];
                rec += v[i * 3 + k] * a[k * 3 + k] * v[j * 3 + k];
            }
            CLOSE(vtv, i == j ? 1.0 : 0.0, 1e-14);
            CLOSE(rec, keep[i * 3 + j], 1e-14);
            if (i != j) CU_ASSERT(fabs(a[i * 3 + j]) < 1e-14);
        }
    /* trace is preserved */
    CLOSE(a[0] + a[4] + a[8], 12.0, 1e-14);
}

static void test_exact_recovery(void)
{
    /* 4 types, 7 structures of distinct compositions, energies exactly X w */
    const double w_true[4] = {-13.6, -1029.5, -2041.25, -0.125};
    const int32_t c[7 * 4] = {2, 1, 0, 3, 0, 4, 1, 0, 5, 5, 5, 5, 1, 0, 0, 0,
                              8, 2, 1, 1, 0, 0, 3, 7, 4, 1, 2, 0};
    double e[7], w[4];
    for (int s = 0; s < 7; ++s) e[s] = mtt_composition_energy(w_true, 4, c + 4 * s);
    size_t rank;
    fit(4, 7, c, e, w, &rank);
    CU_ASSERT_EQUAL(rank, 4);
    for (int z = 0; z < 4; ++z) CLOSE(w[z], w_true[z], 1e-10);
}

static void test_ethanol_minimum_norm(void)
{
    /* every structure H6 C2 O1 (types H, C, O): X has rank 1 */
    const int32_t c[6 * 3] = {6, 2, 1, 6, 2, 1, 6, 2, 1, 6, 2, 1, 6, 2, 1, 6, 2, 1};
    const double e[6] = {-97080.123, -97079.876, -97081.5, -97080.0, -97079.25, -97080.75};
    /* np.linalg.lstsq(X, E, rcond=None)[0] */
    const double w_np[3] = {-14206.865829268294, -4735.621943089432, -2367.8109715447154};
    double w[3];
    size_t rank;
    fit(3, 6, c, e, w, &rank);
    CU_ASSERT_EQUAL(rank, 1);
    for (int z = 0; z < 3; ++z) CLOSE(w[z], w_np[z], 1e-13);
    /* the fit reproduces the mean energy */
    CLOSE(mtt_composition_energy(w, 3, c), -97080.24983333333, 1e-13);

    /* reference fit_baseline: scale = sqrt(mean(((E - X w)/n)^2)) */
    mtt_scale_acc acc;
    mtt_scale_acc_clear(&acc);
    for (int s = 0; s < 6; ++s)
        mtt_scale_accumulate(&acc, e[s], mtt_composition_energy(w, 3, c + 3 * s), 9);
    double scale;
    CU_ASSERT_EQUAL(mtt_scale_finalize(&acc, &scale, NULL), MTT_OK);
    CLOSE(scale, 0.07897237149487227, 1e-9); /* E - baseline cancels ~1e5: 1e-11 absolute */
}

static void test_rank_two(void)
{
    /* n_C == n_A everywhere: rank 2 of 3, noisy energies (least squares, not exact) */
    const int32_t c[5 * 3] = {1, 2, 1, 2, 1, 2, 3, 5, 3, 0, 4, 0, 2, 2, 2};
    const double e[5] = {-10.25, -17.5, -31.125, -9.0, -20.375};
    const double w_np[3] = {-3.706367924528302, -1.997641509433961, -3.7063679245283003};
    double w[3];
    size_t rank;
    fit(3, 5, c, e, w, &rank);
    CU_ASSERT_EQUAL(rank, 2);
    for (int z = 0; z < 3; ++z) CLOSE(w[z], w_np[z], 1e-13);
}

static void test_absent_type_and_ranks(void)
{
    /* 4 types, the last in no structure: its weight is 0 (minimum norm) */
    const int32_t c[5 * 4] = {1, 0, 2, 0, 3, 1, 0, 0, 0, 2, 1, 0, 2, 2, 2, 0, 1, 1, 1, 0};
    const double e[5] = {-5.5, -9.25, -7.0, -14.5, -7.125};
    const double w_np[4] = {-2.2428400954653913, -2.8499403341288767, -1.8475536992840078, 0.0};
    double w[4];
    size_t rank;
    fit(4, 5, c, e, w, &rank);
    CU_ASSERT_EQUAL(rank, 3);
    for (int z = 0; z < 4; ++z) CLOSE(w[z], w_np[z], 1e-13);
    CU_ASSERT_EQUAL(w[3], 0.0);

    /* the same fit from two "ranks" (structures 0-1 and 2-4), buffers summed
     * as an allreduce would: identical weights */
    const size_t len = mtt_composition_buffer_len(4);
    CU_ASSERT_EQUAL(len, 21);
    double b0[21] = {0}, b1[21] = {0}, w2[4];
    for (int s = 0; s < 2; ++s) mtt_composition_accumulate(b0, 4, c + 4 * s, e[s]);
    for (int s = 2; s < 5; ++s) mtt_composition_accumulate(b1, 4, c + 4 * s, e[s]);
    for (size_t i = 0; i < len; ++i) b0[i] += b1[i];
    CU_ASSERT_EQUAL(b0[20], 5.0);
    CU_ASSERT_EQUAL(mtt_composition_solve(b0, 4, 0.0, w2, NULL, NULL), MTT_OK);
    for (int z = 0; z < 4; ++z) CLOSE(w2[z], w[z], 1e-14);

    /* scale of the residual, as the reference's fit_baseline */
    mtt_scale_acc r0, r1;
    mtt_scale_acc_clear(&r0);
    mtt_scale_acc_clear(&r1);
    for (int s = 0; s < 5; ++s) {
        int32_t n = c[4 * s] + c[4 * s + 1] + c[4 * s + 2];
        mtt_scale_accumulate(s < 3 ? &r0 : &r1, e[s], mtt_composition_energy(w, 4, c + 4 * s), n);
    }
    r0.sum_sq += r1.sum_sq; /* the allreduce */
    r0.count += r1.count;
    double scale;
    CU_ASSERT_EQUAL(mtt_scale_finalize(&r0, &scale, NULL), MTT_OK);
    CLOSE(scale, 0.12312260540803245, 1e-12);
}

static void test_solve_errors(void)
{
    double b[13] = {0}, w[3];
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_composition_solve(b, 3, 0.0, w, NULL, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "no structures") != NULL);
    const int32_t c[3] = {1, 2, 0}, none[3] = {0, 0, 0};
    mtt_composition_accumulate(b, 3, none, -1.0);
    CU_ASSERT_EQUAL(mtt_composition_solve(b, 3, 0.0, w, NULL, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "no atoms") != NULL);
    mtt_composition_accumulate(b, 3, c, NAN);
    CU_ASSERT_EQUAL(mtt_composition_solve(b, 3, 0.0, w, NULL, &err), MTT_ERR_NUMERIC);
    CU_ASSERT(strstr(err.msg, "finite") != NULL);
}

static void test_scale_by_hand_and_errors(void)
{
    mtt_scale_acc a;
    double scale = -1.0;
    mtt_error err;
    mtt_scale_acc_clear(&a);
    CU_ASSERT_EQUAL(mtt_scale_finalize(&a, &scale, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "no structures") != NULL);
    /* residuals per atom 3/3 = 1 and -14/2 = -7: sqrt((1 + 49)/2) = 5 */
    mtt_scale_accumulate(&a, 10.0, 7.0, 3);
    mtt_scale_accumulate(&a, -20.0, -6.0, 2);
    CU_ASSERT_EQUAL(mtt_scale_finalize(&a, &scale, NULL), MTT_OK);
    CU_ASSERT_EQUAL(scale, 5.0);
    /* baseline reproduces every energy: scale 0 is refused */
    mtt_scale_acc_clear(&a);
    mtt_scale_accumulate(&a, -3.5, -3.5, 4);
    scale = -1.0;
    CU_ASSERT_EQUAL(mtt_scale_finalize(&a, &scale, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "scale is 0") != NULL);
    CU_ASSERT_EQUAL(scale, -1.0);
    mtt_scale_accumulate(&a, INFINITY, 0.0, 4);
    CU_ASSERT_EQUAL(mtt_scale_finalize(&a, &scale, &err), MTT_ERR_NUMERIC);
    CU_ASSERT(strstr(err.msg, "not finite") != NULL);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("composition", NULL, NULL);
    CU_add_test(s, "Jacobi eigendecomposition", test_jacobi);
    CU_add_test(s, "exact recovery with distinct compositions", test_exact_recovery);
    CU_add_test(s, "ethanol: minimum-norm solution equals numpy lstsq", test_ethanol_minimum_norm);
    CU_add_test(s, "rank-deficient noisy fit equals numpy lstsq", test_rank_two);
    CU_add_test(s, "absent type gets 0; rank-split buffers agree", test_absent_type_and_ranks);
    CU_add_test(s, "no structures, no atoms, non-finite energy", test_solve_errors);
    CU_pSuite t = CU_add_suite("scale", NULL, NULL);
    CU_add_test(t, "RMS of per-atom residual by hand; guards", test_scale_by_hand_and_errors);
    return mtt_cunit_run_tap();
}
