/* gemm_thin.c — products with one small dimension (gemm_thin.h), in double
 * and in float: the loops are gemm_thin_impl.h, included once per type.
 *
 * Two block shapes, both 12 accumulators of W lanes (4 doubles, 8 floats):
 *   outer  (NN, TN)  R ≤ 4 rows × V ≤ 3 vectors of W columns of C; per k:
 *                    V loads of B's row, R broadcasts of op(A), R·V FMAs;
 *   dot    (NT)      R ≤ 3 rows × O ≤ 4 columns of C; per W steps of k:
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

/* ---- double: 4 lanes ---------------------------------------------------- */

/* (l0 + l1) + (l2 + l3) */
THIN_INLINE double lanes_sum_f64(__m256d v)
{
    const __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    const __m128d l01 = _mm_add_sd(lo, _mm_unpackhi_pd(lo, lo));
    const __m128d l23 = _mm_add_sd(hi, _mm_unpackhi_pd(hi, hi));
    return _mm_cvtsd_f64(_mm_add_sd(l01, l23));
}

#define REAL double
#define SFX(name) name##_f64
#define W 4
#define VEC __m256d
#define VZERO _mm256_setzero_pd
#define VSET1 _mm256_set1_pd
#define VLOAD _mm256_loadu_pd
#define VSTORE _mm256_storeu_pd
#define VBCAST _mm256_broadcast_sd
#define VFMA _mm256_fmadd_pd
#define VMUL _mm256_mul_pd
#define VADD _mm256_add_pd
#define SFMA fma
#include "model/gemm_thin_impl.h"
#undef REAL
#undef SFX
#undef W
#undef VEC
#undef VZERO
#undef VSET1
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VFMA
#undef VMUL
#undef VADD
#undef SFMA

/* ---- float: 8 lanes ----------------------------------------------------- */

/* ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) */
THIN_INLINE float quad_sum(__m128 q)
{
    const __m128 l01 = _mm_add_ss(q, _mm_shuffle_ps(q, q, 1));
    const __m128 l23 = _mm_add_ss(_mm_shuffle_ps(q, q, 2), _mm_shuffle_ps(q, q, 3));
    return _mm_cvtss_f32(_mm_add_ss(l01, l23));
}

THIN_INLINE float lanes_sum_f32(__m256 v)
{
    return quad_sum(_mm256_castps256_ps128(v)) + quad_sum(_mm256_extractf128_ps(v, 1));
}

#define REAL float
#define SFX(name) name##_f32
#define W 8
#define VEC __m256
#define VZERO _mm256_setzero_ps
#define VSET1 _mm256_set1_ps
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#define VBCAST _mm256_broadcast_ss
#define VFMA _mm256_fmadd_ps
#define VMUL _mm256_mul_ps
#define VADD _mm256_add_ps
#define SFMA fmaf
#include "model/gemm_thin_impl.h"
#undef REAL
#undef SFX
#undef W
#undef VEC
#undef VZERO
#undef VSET1
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VFMA
#undef VMUL
#undef VADD
#undef SFMA

void mtt_gemm_thin(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc)
{
    if (tb == MTT_BLAS_TRANS)
        dot_f64(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (ta == MTT_BLAS_TRANS)
        outer_f64(m, n, k, alpha, A, 1, lda, B, ldb, beta, C, ldc);
    else
        outer_f64(m, n, k, alpha, A, lda, 1, B, ldb, beta, C, ldc);
}

void mtt_gemm_thin_f32(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                       float beta, float *C, size_t ldc)
{
    if (tb == MTT_BLAS_TRANS)
        dot_f32(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (ta == MTT_BLAS_TRANS)
        outer_f32(m, n, k, alpha, A, 1, lda, B, ldb, beta, C, ldc);
    else
        outer_f32(m, n, k, alpha, A, lda, 1, B, ldb, beta, C, ldc);
}

#else /* not x86-64 with GCC or clang */

int mtt_gemm_thin_supported(void) { return 0; }

void mtt_gemm_thin(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc)
{
    mtt_blas_ref_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void mtt_gemm_thin_f32(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                       float beta, float *C, size_t ldc)
{
    mtt_blas_ref_sgemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

#endif
