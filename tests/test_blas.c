/* test_blas.c — the GEMM wrapper against its plain-loop reference, all
 * transpose combinations, odd sizes, padded leading dimensions, beta cases;
 * mtt's thin products (model/gemm_thin.h) on and off, at every block edge,
 * and the rule that an element's value does not depend on its place. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/blas.h"
#include "model/gemm_thin.h"

static uint64_t rng_state = 12345;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

typedef void (*gemm_fn)(mtt_blas_trans, mtt_blas_trans, size_t, size_t, size_t, double,
                        const double *, size_t, const double *, size_t, double, double *,
                        size_t);

/* One case: fills A, B, C with random numbers (padding too), runs `gemm` and
 * the reference, and returns the largest |difference| relative to the
 * largest |reference|. */
static double run_case_with(gemm_fn gemm, mtt_blas_trans ta, mtt_blas_trans tb, size_t m,
                            size_t n, size_t k, double alpha, double beta, size_t pad)
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
    gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C1, ldc);
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

static double run_case(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       double alpha, double beta, size_t pad)
{
    return run_case_with(mtt_blas_gemm, ta, tb, m, n, k, alpha, beta, pad);
}

/* The cases below through mtt_blas_gemm with the thin products off (all in
 * OpenBLAS), then on where the CPU can run them. */
static void all_transposes_odd_sizes(void);

static void test_all_transposes_odd_sizes(void)
{
    mtt_blas_thin_set(0);
    all_transposes_odd_sizes();
    mtt_blas_thin_set(-1);
}

static void test_all_transposes_odd_sizes_thin(void)
{
    if (!mtt_gemm_thin_supported()) {
        mtt_cunit_skip("this CPU has no AVX2 and FMA (or this is not x86-64)");
        return;
    }
    mtt_blas_thin_set(1);
    CU_ASSERT_EQUAL(mtt_blas_thin_active(), 1);
    all_transposes_odd_sizes();
    mtt_blas_thin_set(-1);
}

static void all_transposes_odd_sizes(void)
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

/* mtt_gemm_thin against the reference at every edge of its blocks: rows
 * 1-9 (blocks of 4 or 3 and each remainder), columns around 4 and 12 (NN,
 * TN) or 4 (NT), inner lengths around 4 (NT) and the first layer's sizes;
 * alpha, beta 0 (C poisoned), 1 and 0.7; padded leading dimensions.
 * Against the long-double reference, relative to the largest |element|:
 * 2.4e-14 at worst (k = 528), under k·ε = 1.2e-13; the bound is 5e-14. */
static void test_thin_vs_reference(void)
{
    if (!mtt_gemm_thin_supported()) {
        mtt_cunit_skip("this CPU has no AVX2 and FMA (or this is not x86-64)");
        return;
    }
    static const size_t rows[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 24};
    static const size_t wide[] = {1, 3, 4, 5, 11, 12, 13, 16, 25, 304};
    static const size_t narrow[] = {1, 2, 3, 4, 5, 32, 33};
    static const size_t inner[] = {1, 2, 31, 32, 64};
    static const size_t dots[] = {8, 9, 10, 11, 12, 528};
    static const double ab[][2] = {{1.0, 0.0}, {1.0, 1.0}, {-1.3, 0.7}};
    double worst = 0;
    for (size_t c = 0; c < 3; ++c)
        for (size_t pad = 0; pad < 2; ++pad)
            for (size_t a = 0; a < sizeof rows / sizeof *rows; ++a) {
                for (size_t b = 0; b < sizeof wide / sizeof *wide; ++b)
                    for (size_t q = 0; q < sizeof inner / sizeof *inner; ++q) {
                        /* NN: k small; TN: m small, the rows summed */
                        worst = fmax(worst, run_case_with(mtt_gemm_thin, MTT_BLAS_NOTRANS,
                                                          MTT_BLAS_NOTRANS, rows[a], wide[b],
                                                          inner[q], ab[c][0], ab[c][1], pad));
                        worst = fmax(worst, run_case_with(mtt_gemm_thin, MTT_BLAS_TRANS,
                                                          MTT_BLAS_NOTRANS, inner[q], wide[b],
                                                          rows[a], ab[c][0], ab[c][1], pad));
                    }
                for (size_t b = 0; b < sizeof narrow / sizeof *narrow; ++b)
                    for (size_t q = 0; q < sizeof dots / sizeof *dots; ++q)
                        worst = fmax(worst, run_case_with(mtt_gemm_thin, MTT_BLAS_NOTRANS,
                                                          MTT_BLAS_TRANS, rows[a], narrow[b],
                                                          dots[q], ab[c][0], ab[c][1], pad));
            }
    printf("# largest relative difference %.3g\n", worst);
    CU_ASSERT(worst < 5e-14);
    CU_ASSERT(worst > 0); /* the fused rounding is not the reference's */
}

/* An element's value depends only on its row of op(A) and column of op(B):
 * the product of one row, one column or one element equals, bit for bit,
 * the same element of a 9 × 29 product (NN, TN) or 7 × 6 (NT). */
static void test_thin_place_independent(void)
{
    if (!mtt_gemm_thin_supported()) {
        mtt_cunit_skip("this CPU has no AVX2 and FMA (or this is not x86-64)");
        return;
    }
    enum { M = 9, N = 29, K = 37 };
    double A[M * K], At[K * M], B[K * N], Bt[N * K], C[M * N], one;
    for (size_t i = 0; i < M * K; ++i) A[i] = urand();
    for (size_t i = 0; i < M; ++i)
        for (size_t q = 0; q < K; ++q) At[q * M + i] = A[i * K + q];
    for (size_t i = 0; i < K * N; ++i) B[i] = urand();
    for (size_t q = 0; q < K; ++q)
        for (size_t j = 0; j < N; ++j) Bt[j * K + q] = B[q * N + j];
    int same = 1;
    mtt_gemm_thin(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, M, N, K, 1.0, A, K, B, N, 0.0, C, N);
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            mtt_gemm_thin(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, 1, 1, K, 1.0, A + i * K, K, B + j,
                          N, 0.0, &one, 1);
            same &= one == C[i * N + j];
        }
    mtt_gemm_thin(MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, M, N, K, 1.0, At, M, B, N, 0.0, C, N);
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            mtt_gemm_thin(MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, 1, 1, K, 1.0, At + i, M, B + j, N,
                          0.0, &one, 1);
            same &= one == C[i * N + j];
        }
    CU_ASSERT(same);
    /* NT: C (7 × 6) = A Btᵀ; element by element and row by row */
    double row[6];
    mtt_gemm_thin(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, 7, 6, K, 1.0, A, K, Bt, K, 0.0, C, 6);
    for (size_t i = 0; i < 7; ++i) {
        mtt_gemm_thin(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, 1, 6, K, 1.0, A + i * K, K, Bt, K, 0.0,
                      row, 6);
        for (size_t j = 0; j < 6; ++j) {
            mtt_gemm_thin(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, 1, 1, K, 1.0, A + i * K, K,
                          Bt + j * K, K, 0.0, &one, 1);
            same &= one == C[i * 6 + j] && row[j] == C[i * 6 + j];
        }
    }
    CU_ASSERT(same);
}

/* The float loops against the long-double reference at the same edges
 * (8 lanes: columns around 8 and 24 for NN and TN, k around 8 for NT), and
 * one element alone equal to its place in a whole product.  Relative to the
 * largest |element|: 2.6e-6 at worst (k = 528), under k·ε = 3.1e-5; the
 * bound is 5e-6. */
static double run_case_f32(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                           float alpha, float beta)
{
    size_t arows = ta ? k : m, acols = ta ? m : k, brows = tb ? n : k, bcols = tb ? k : n;
    float *A = malloc(arows * acols * sizeof *A), *B = malloc(brows * bcols * sizeof *B);
    float *C1 = malloc(m * n * sizeof *C1), *C2 = malloc(m * n * sizeof *C2), one;
    for (size_t i = 0; i < arows * acols; i++) A[i] = (float)urand();
    for (size_t i = 0; i < brows * bcols; i++) B[i] = (float)urand();
    for (size_t i = 0; i < m * n; i++) C1[i] = C2[i] = beta == 0 ? NAN : (float)urand();
    mtt_gemm_thin_f32(ta, tb, m, n, k, alpha, A, acols, B, bcols, beta, C1, n);
    mtt_blas_ref_sgemm(ta, tb, m, n, k, alpha, A, acols, B, bcols, beta, C2, n);
    double maxdiff = 0, maxref = 1e-30;
    for (size_t i = 0; i < m * n; i++) {
        if (!isfinite(C1[i])) maxdiff = INFINITY;
        maxdiff = fmax(maxdiff, fabs((double)C1[i] - C2[i]));
        maxref = fmax(maxref, fabs((double)C2[i]));
    }
    if (beta == 0) { /* the last element alone, at its place */
        const size_t r = m - 1, c = n - 1;
        mtt_gemm_thin_f32(ta, tb, 1, 1, k, alpha, ta ? A + r : A + r * acols, acols,
                          tb ? B + c * bcols : B + c, bcols, 0.0f, &one, 1);
        if (one != C1[r * n + c]) maxdiff = INFINITY;
    }
    free(A);
    free(B);
    free(C1);
    free(C2);
    return maxdiff / maxref;
}

static void test_thin_f32_vs_reference(void)
{
    if (!mtt_gemm_thin_supported()) {
        mtt_cunit_skip("this CPU has no AVX2 and FMA (or this is not x86-64)");
        return;
    }
    static const size_t rows[] = {1, 2, 3, 4, 5, 7, 8, 24};
    static const size_t wide[] = {1, 7, 8, 9, 23, 24, 25, 304};
    static const size_t narrow[] = {1, 3, 4, 5, 32};
    static const size_t inner[] = {1, 31, 32, 64};
    static const size_t dots[] = {8, 9, 15, 16, 17, 528};
    static const float ab[][2] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {-1.3f, 0.7f}};
    double worst = 0;
    for (size_t c = 0; c < 3; ++c)
        for (size_t a = 0; a < sizeof rows / sizeof *rows; ++a) {
            for (size_t b = 0; b < sizeof wide / sizeof *wide; ++b)
                for (size_t q = 0; q < sizeof inner / sizeof *inner; ++q) {
                    worst = fmax(worst, run_case_f32(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, rows[a],
                                                     wide[b], inner[q], ab[c][0], ab[c][1]));
                    worst = fmax(worst, run_case_f32(MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, inner[q],
                                                     wide[b], rows[a], ab[c][0], ab[c][1]));
                }
            for (size_t b = 0; b < sizeof narrow / sizeof *narrow; ++b)
                for (size_t q = 0; q < sizeof dots / sizeof *dots; ++q)
                    worst = fmax(worst, run_case_f32(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, rows[a],
                                                     narrow[b], dots[q], ab[c][0], ab[c][1]));
        }
    printf("# float: largest relative difference %.3g\n", worst);
    CU_ASSERT(worst < 5e-6);
    CU_ASSERT(worst > 0);
}

/* Which kernels get mtt's thin products, and which shapes are thin. */
static void test_thin_policy(void)
{
    const unsigned avx2 = MTT_CPU_AVX2_FMA, avx512 = avx2 | MTT_CPU_AVX512,
                   bf16 = avx512 | MTT_CPU_AVX512_BF16;
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Haswell", avx2), 1);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Zen", avx2), 1);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Haswell", bf16), 1); /* narrower than the CPU */
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Prescott", avx512), 1);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("SkylakeX", avx512), 0);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Cooperlake", bf16), 0);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("cooperlake", bf16), 0);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("SapphireRapids", bf16), 0);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("Haswell", 0), 0); /* no AVX2 and FMA */
    CU_ASSERT_EQUAL(mtt_blas_thin_policy("unknown", avx2), 0);
    CU_ASSERT_EQUAL(mtt_blas_thin_policy(NULL, avx2), 0);
    const mtt_blas_trans N = MTT_BLAS_NOTRANS, T = MTT_BLAS_TRANS;
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(N, N, 48, 2100, 32), 1);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(N, N, 48, 2100, 65), 0);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(T, N, 32, 2100, 48), 1);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(T, N, 65, 2100, 48), 0);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(N, T, 48, 32, 2100), 1);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(N, T, 48, 65, 2100), 0);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(N, T, 48, 32, 7), 0);
    CU_ASSERT_EQUAL(mtt_gemm_thin_fits(T, T, 4, 4, 4), 0);
    /* forcing follows the CPU; -1 returns to the policy */
    mtt_blas_thin_set(1);
    CU_ASSERT_EQUAL(mtt_blas_thin_active(), mtt_gemm_thin_supported());
    mtt_blas_thin_set(0);
    CU_ASSERT_EQUAL(mtt_blas_thin_active(), 0);
    mtt_blas_thin_set(-1);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("blas", NULL, NULL);
    CU_add_test(s, "dgemm vs reference, all transposes, odd sizes", test_all_transposes_odd_sizes);
    CU_add_test(s, "dgemm vs reference with mtt's thin products",
                test_all_transposes_odd_sizes_thin);
    CU_add_test(s, "thin products vs reference at every block edge", test_thin_vs_reference);
    CU_add_test(s, "thin products: an element's value does not depend on its place",
                test_thin_place_independent);
    CU_add_test(s, "thin products in float vs reference", test_thin_f32_vs_reference);
    CU_add_test(s, "thin products: kernels and shapes", test_thin_policy);
    CU_add_test(s, "degenerate sizes and beta = 0", test_degenerate_sizes);
    CU_add_test(s, "known product", test_known_product);
    CU_add_test(s, "sgemm vs reference", test_single_precision);
    CU_add_test(s, "the kernel mtt sets for a CPU", test_kernel_advice);
    return mtt_cunit_run_tap();
}
