/* gemm_thin.c — double products with one small dimension (gemm_thin.h).
 *
 * Two block shapes, both 12 accumulators of 4 doubles:
 *   outer  (NN, TN)  R ≤ 4 rows × V ≤ 3 vectors of 4 columns of C; per k:
 *                    V loads of B's row, R broadcasts of op(A), R·V FMAs;
 *   dot    (NT)      R ≤ 3 rows × O ≤ 4 columns of C; per 4 steps of k:
 *                    R loads of A's rows, O of B's rows, R·O FMAs.
 * Every (R, V) or (R, O) is an always-inlined instance with constant sizes,
 * so the accumulators live in registers at -O2.  Columns of NN/TN beyond
 * the last whole vector run the same chain in scalar fma(). */
#include "config.h"

#include "model/gemm_thin.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MTT_THIN_X86 1
#include <immintrin.h>
#include <math.h>
#else
#define MTT_THIN_X86 0
#endif

/* The small dimension mtt_gemm_thin takes (the width H, or a batch's rows). */
#define MTT_THIN_MAX 64

int mtt_gemm_thin_fits(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k)
{
    if (ta == MTT_BLAS_NOTRANS && tb == MTT_BLAS_NOTRANS) return k <= MTT_THIN_MAX;
    if (ta == MTT_BLAS_TRANS && tb == MTT_BLAS_NOTRANS) return m <= MTT_THIN_MAX;
    if (ta == MTT_BLAS_NOTRANS && tb == MTT_BLAS_TRANS) return n <= MTT_THIN_MAX && k >= 8;
    return 0;
}

#if MTT_THIN_X86

int mtt_gemm_thin_supported(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#define THIN_TARGET __attribute__((target("avx2,fma")))
#define THIN_INLINE static inline __attribute__((always_inline)) THIN_TARGET

/* c = alpha·s + beta·c (beta == 0: c is not read), 4 lanes or 1. */
THIN_INLINE void store4(double *c, __m256d s, double alpha, double beta)
{
    __m256d v = _mm256_mul_pd(_mm256_set1_pd(alpha), s);
    if (beta != 0) v = _mm256_add_pd(v, _mm256_mul_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(c)));
    _mm256_storeu_pd(c, v);
}

THIN_INLINE void store1(double *c, double s, double alpha, double beta)
{
    double v = alpha * s;
    if (beta != 0) v = v + beta * *c;
    *c = v;
}

/* ---- outer blocks: C[r, 0..4V) over rows r < R ------------------------- */

/* op(A)(r, q) = a[r·ars + q·aqs]: NN has (lda, 1), TN (1, lda). */
#define OUTER_ROW(r)                                                           \
    if (R > r) {                                                               \
        const __m256d x = _mm256_broadcast_sd(aq + (r) * ars);                 \
        c##r##0 = _mm256_fmadd_pd(x, b0, c##r##0);                             \
        if (V > 1) c##r##1 = _mm256_fmadd_pd(x, b1, c##r##1);                  \
        if (V > 2) c##r##2 = _mm256_fmadd_pd(x, b2, c##r##2);                  \
    }
#define OUTER_STORE(r)                                                         \
    if (R > r) {                                                               \
        store4(c + (r) * ldc, c##r##0, alpha, beta);                           \
        if (V > 1) store4(c + (r) * ldc + 4, c##r##1, alpha, beta);            \
        if (V > 2) store4(c + (r) * ldc + 8, c##r##2, alpha, beta);            \
    }

THIN_INLINE void outer_block(const int R, const int V, size_t k, const double *a, size_t ars,
                             size_t aqs, const double *b, size_t ldb, double alpha, double beta,
                             double *c, size_t ldc)
{
    const __m256d z = _mm256_setzero_pd();
    __m256d c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
    __m256d c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
    for (size_t q = 0; q < k; ++q) {
        const double *bq = b + q * ldb, *aq = a + q * aqs;
        const __m256d b0 = _mm256_loadu_pd(bq);
        const __m256d b1 = V > 1 ? _mm256_loadu_pd(bq + 4) : z;
        const __m256d b2 = V > 2 ? _mm256_loadu_pd(bq + 8) : z;
        OUTER_ROW(0) OUTER_ROW(1) OUTER_ROW(2) OUTER_ROW(3)
    }
    OUTER_STORE(0) OUTER_STORE(1) OUTER_STORE(2) OUTER_STORE(3)
}

/* All m rows of the 4V columns at b and c: blocks of 4 rows, then the rest. */
THIN_INLINE void outer_columns(const int V, size_t m, size_t k, const double *a, size_t ars,
                               size_t aqs, const double *b, size_t ldb, double alpha,
                               double beta, double *c, size_t ldc)
{
    size_t i = 0;
    for (; i + 4 <= m; i += 4)
        outer_block(4, V, k, a + i * ars, ars, aqs, b, ldb, alpha, beta, c + i * ldc, ldc);
    const double *ai = a + i * ars;
    double *ci = c + i * ldc;
    switch (m - i) {
    case 3: outer_block(3, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    case 2: outer_block(2, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    case 1: outer_block(1, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    default: break;
    }
}

THIN_TARGET static void outer(size_t m, size_t n, size_t k, double alpha, const double *a,
                              size_t ars, size_t aqs, const double *b, size_t ldb, double beta,
                              double *c, size_t ldc)
{
    size_t j = 0;
    for (; j + 12 <= n; j += 12)
        outer_columns(3, m, k, a, ars, aqs, b + j, ldb, alpha, beta, c + j, ldc);
    for (; j + 4 <= n; j += 4)
        outer_columns(1, m, k, a, ars, aqs, b + j, ldb, alpha, beta, c + j, ldc);
    for (; j < n; ++j) /* the same chain as a vector lane */
        for (size_t i = 0; i < m; ++i) {
            double s = 0;
            for (size_t q = 0; q < k; ++q) s = fma(a[i * ars + q * aqs], b[q * ldb + j], s);
            store1(c + i * ldc + j, s, alpha, beta);
        }
}

/* ---- dot blocks: C[r, o] over r < R, o < O ------------------------------ */

/* (l0 + l1) + (l2 + l3) */
THIN_INLINE double lanes_sum(__m256d v)
{
    const __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    const __m128d l01 = _mm_add_sd(lo, _mm_unpackhi_pd(lo, lo));
    const __m128d l23 = _mm_add_sd(hi, _mm_unpackhi_pd(hi, hi));
    return _mm_cvtsd_f64(_mm_add_sd(l01, l23));
}

#define DOT_COLUMN(o)                                                          \
    if (O > o) {                                                               \
        const __m256d y = _mm256_loadu_pd(b + (o) * ldb + q);                  \
        s0##o = _mm256_fmadd_pd(x0, y, s0##o);                                 \
        if (R > 1) s1##o = _mm256_fmadd_pd(x1, y, s1##o);                      \
        if (R > 2) s2##o = _mm256_fmadd_pd(x2, y, s2##o);                      \
    }
#define DOT_STORE_ONE(r, o)                                                    \
    if (R > r && O > o) {                                                      \
        double t = lanes_sum(s##r##o);                                         \
        for (size_t q = k4; q < k; ++q) t = fma(a[(r) * lda + q], b[(o) * ldb + q], t); \
        store1(c + (r) * ldc + (o), t, alpha, beta);                           \
    }
#define DOT_STORE(r) DOT_STORE_ONE(r, 0) DOT_STORE_ONE(r, 1) DOT_STORE_ONE(r, 2) DOT_STORE_ONE(r, 3)

THIN_INLINE void dot_block(const int R, const int O, size_t k, const double *a, size_t lda,
                           const double *b, size_t ldb, double alpha, double beta, double *c,
                           size_t ldc)
{
    const __m256d z = _mm256_setzero_pd();
    __m256d s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
    __m256d s20 = z, s21 = z, s22 = z, s23 = z;
    const size_t k4 = k & ~(size_t)3;
    for (size_t q = 0; q < k4; q += 4) {
        const __m256d x0 = _mm256_loadu_pd(a + q);
        const __m256d x1 = R > 1 ? _mm256_loadu_pd(a + lda + q) : z;
        const __m256d x2 = R > 2 ? _mm256_loadu_pd(a + 2 * lda + q) : z;
        DOT_COLUMN(0) DOT_COLUMN(1) DOT_COLUMN(2) DOT_COLUMN(3)
    }
    DOT_STORE(0) DOT_STORE(1) DOT_STORE(2)
}

/* R rows of C, all n columns: blocks of 4 columns, then the rest. */
THIN_INLINE void dot_rows(const int R, size_t n, size_t k, const double *a, size_t lda,
                          const double *b, size_t ldb, double alpha, double beta, double *c,
                          size_t ldc)
{
    size_t o = 0;
    for (; o + 4 <= n; o += 4)
        dot_block(R, 4, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc);
    switch (n - o) {
    case 3: dot_block(R, 3, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    case 2: dot_block(R, 2, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    case 1: dot_block(R, 1, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    default: break;
    }
}

THIN_TARGET static void dot(size_t m, size_t n, size_t k, double alpha, const double *a,
                            size_t lda, const double *b, size_t ldb, double beta, double *c,
                            size_t ldc)
{
    size_t i = 0;
    for (; i + 3 <= m; i += 3)
        dot_rows(3, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
    if (m - i == 2) dot_rows(2, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
    if (m - i == 1) dot_rows(1, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
}

void mtt_gemm_thin(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc)
{
    if (tb == MTT_BLAS_TRANS)
        dot(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (ta == MTT_BLAS_TRANS)
        outer(m, n, k, alpha, A, 1, lda, B, ldb, beta, C, ldc);
    else
        outer(m, n, k, alpha, A, lda, 1, B, ldb, beta, C, ldc);
}

#else /* not x86-64 with GCC or clang */

int mtt_gemm_thin_supported(void) { return 0; }

void mtt_gemm_thin(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc)
{
    mtt_blas_ref_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

#endif
