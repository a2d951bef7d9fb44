/* test_blas.c — the GEMM wrapper against its plain-loop reference, all
 * transpose combinations, odd sizes, padded leading dimensions, beta cases. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/blas.h"

static uint64_t rng_state = 12345;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

/* One case: fills A, B, C with random numbers (padding too), runs both, and
 * returns the largest |difference| relative to the largest |reference|. */
static double run_case(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       double alpha, double beta, size_t pad)
{
    size_t arows = ta ? k : m, acols = ta ? m : k;
    size_t brows = tb ? n : k, bcols = tb ? k : n;
    size_t lda = acols + pad, ldb = bcols + pad, ldc = n + pad;
    double *A = malloc((arows * lda + 1) * sizeof *A);
    double *B = malloc((brows * ldb + 1) * sizeof *B);
    double *C1 = malloc((m * ldc + 1) * sizeof *C1);
    double *C2 = malloc((m * ldc + 1) * sizeof *C2);
    for (size_t i = 0; i < arows * lda; i++) A[i] = urand();
    for (size_t i = 0; i < brows * ldb; i++) B[i] = urand();
    for (size_t i = 0; i < m * ldc; i++) C1[i] = C2[i] = urand();
    if (beta == 0) /* beta == 0 must not read C: poison it */
        for (size_t i = 0; i < m * ldc; i++) C1[i] = C2[i] = NAN;
    mtt_blas_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C1, ldc);
    mtt_blas_ref_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C2, ldc);
    double maxdiff = 0, maxref = 1e-300;
    for (size_t r = 0; r < m; r++)
        for (size_t c = 0; c < ldc; c++) {
            double x = C1[r * ldc + c], y = C2[r * ldc + c];
            if (c >= n) { /* padding untouched */
                if (!(x == y || (isnan(x) && isnan(y)))) maxdiff = INFINITY;
                continue;
            }
            if (!isfinite(x) || !isfinite(y)) maxdiff = INFINITY;
            maxdiff = fmax(maxdiff, fabs(x - y));
            maxref = fmax(maxref, fabs(y));
        }
    free(A);
    free(B);
    free(C1);
    free(C2);
    return maxdiff / maxref;
}

static void test_all_transposes_odd_sizes(void)
{
    static const size_t sizes[][3] = {{7, 5, 3}, {1, 9, 13}, {17, 1, 11}, {33, 31, 29},
                                      {3, 4, 1}, {65, 3, 127}};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                double e = run_case((mtt_blas_trans)ta, (mtt_blas_trans)tb, sizes[s][0],
                                    sizes[s][1], sizes[s][2], 1.3, 0.7, 0);
                CU_ASSERT(e < 1e-13);
                e = run_case((mtt_blas_trans)ta, (mtt_blas_trans)tb, sizes[s][0],
                             sizes[s][1], sizes[s][2], -0.5, 0.0, 3);
                CU_ASSERT(e < 1e-13);
                e = run_case((mtt_blas_trans)ta, (mtt_blas_trans)tb, sizes[s][0],
                             sizes[s][1], sizes[s][2], 2.0, 1.0, 2);
                CU_ASSERT(e < 1e-13);
            }
}

static void test_degenerate_sizes(void)
{
    /* k == 0: C = beta C;  beta == 0: C = 0 even over NaN. */
    double C[6] = {1, 2, 3, 4, 5, 6}, A[1] = {0}, B[1] = {0};
    mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 2, 3, 0, 1.0, A, 1, B, 3, 2.0, C, 3);
    CU_ASSERT_DOUBLE_EQUAL(C[5], 12.0, 0);
    for (int i = 0; i < 6; i++) C[i] = NAN;
    mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 2, 3, 0, 1.0, A, 1, B, 3, 0.0, C, 3);
    CU_ASSERT_DOUBLE_EQUAL(C[0], 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(C[5], 0.0, 0);
    /* m == 0 and n == 0 touch nothing. */
    C[0] = 7;
    mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 0, 3, 2, 1.0, A, 2, B, 3, 0.0, C, 3);
    mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 2, 0, 2, 1.0, A, 2, B, 1, 0.0, C, 1);
    CU_ASSERT_DOUBLE_EQUAL(C[0], 7.0, 0);
}

static void test_known_product(void)
{
    /* [1 2 3; 4 5 6] · [1 0; 0 1; 1 1] = [4 5; 10 11]; transposed operands too. */
    double A[6] = {1, 2, 3, 4, 5, 6}, At[6] = {1, 4, 2, 5, 3, 6};
    double B[6] = {1, 0, 0, 1, 1, 1}, Bt[6] = {1, 0, 1, 0, 1, 1};
    double want[4] = {4, 5, 10, 11}, C[4];
    mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 2, 2, 3, 1.0, A, 3, B, 2, 0.0, C, 2);
    for (int i = 0; i < 4; i++) CU_ASSERT_DOUBLE_EQUAL(C[i], want[i], 0);
    mtt_blas_gemm(MTT_BLAS_TRANS, MTT_BLAS_TRANS, 2, 2, 3, 1.0, At, 2, Bt, 3, 0.0, C, 2);
    for (int i = 0; i < 4; i++) CU_ASSERT_DOUBLE_EQUAL(C[i], want[i], 0);
    mtt_blas_ref_gemm(MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, 2, 2, 3, 1.0, At, 2, B, 2, 0.0, C, 2);
    for (int i = 0; i < 4; i++) CU_ASSERT_DOUBLE_EQUAL(C[i], want[i], 0);
}

static void test_single_precision(void)
{
    size_t m = 13, n = 7, k = 19;
    float A[13 * 19], B[19 * 7], C1[13 * 7], C2[13 * 7];
    for (size_t i = 0; i < m * k; i++) A[i] = (float)urand();
    for (size_t i = 0; i < k * n; i++) B[i] = (float)urand();
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            for (size_t i = 0; i < m * n; i++) C1[i] = C2[i] = (float)urand();
            /* Transposed storage of the same buffers: shapes stay consistent
             * because lda/ldb follow the stored layout. */
            size_t lda = ta ? m : k, ldb = tb ? k : n;
            mtt_blas_sgemm((mtt_blas_trans)ta, (mtt_blas_trans)tb, m, n, k, 1.0f, A, lda, B,
                           ldb, 0.5f, C1, n);
            mtt_blas_ref_sgemm((mtt_blas_trans)ta, (mtt_blas_trans)tb, m, n, k, 1.0f, A, lda,
                               B, ldb, 0.5f, C2, n);
            for (size_t i = 0; i < m * n; i++) CU_ASSERT(fabsf(C1[i] - C2[i]) < 1e-5f);
        }
}

/* Which OpenBLAS kernel mtt sets itself (src/cli/blas_kernel.c) for a
 * kernel OpenBLAS chose and a CPU's vector units. */
static void test_kernel_advice(void)
{
    const unsigned avx2 = MTT_CPU_AVX2_FMA, avx512 = avx2 | MTT_CPU_AVX512,
                   bf16 = avx512 | MTT_CPU_AVX512_BF16;
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Prescott", bf16), "Cooperlake");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Prescott", avx512), "SkylakeX");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Haswell", avx512), "SkylakeX");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Zen", bf16), "Cooperlake");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Prescott", avx2), "Haswell");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Sandybridge", avx2), "Haswell");
    CU_ASSERT_STRING_EQUAL(mtt_blas_kernel_advice("Core2", avx2), "Haswell");
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("Haswell", avx2));
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("Zen", avx2));
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("SkylakeX", avx512));
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("skylakex", bf16)); /* case as OpenBLAS's */
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("Cooperlake", bf16));
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("Prescott", 0)); /* nothing wider */
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice("unknown", bf16));
    CU_ASSERT_PTR_NULL(mtt_blas_kernel_advice(NULL, bf16));
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("blas", NULL, NULL);
    CU_add_test(s, "dgemm vs reference, all transposes, odd sizes", test_all_transposes_odd_sizes);
    CU_add_test(s, "degenerate sizes and beta = 0", test_degenerate_sizes);
    CU_add_test(s, "known product", test_known_product);
    CU_add_test(s, "sgemm vs reference", test_single_precision);
    CU_add_test(s, "the kernel mtt sets for a CPU", test_kernel_advice);
    return mtt_cunit_run_tap();
}
