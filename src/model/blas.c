/* blas.c — OpenBLAS through CBLAS: thread control, kernel report, products.
 * The only file that includes cblas.h; see blas.h for the contracts. */
#include "config.h"

#include "model/blas.h"
#include "model/gemm_thin.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cblas.h>

/* OpenBLAS extensions (declared in its cblas.h, repeated for clarity). */
extern void openblas_set_num_threads(int num_threads);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

void mtt_blas_set_threads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

const char *mtt_blas_corename(void)
{
    const char *c = openblas_get_corename();
    return c ? c : "unknown";
}

void mtt_blas_describe(char *buf, size_t n)
{
    const char *cfg = openblas_get_config();
    snprintf(buf, n, "%s (kernel: %s)", cfg ? cfg : "OpenBLAS", mtt_blas_corename());
}

/* OpenBLAS 0.3.21's kernel names by the widest vectors they use. */
static int kernel_is_named(const char *core, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (strcasecmp(core, names[i]) == 0) return 1;
    return 0;
}

static int is_avx512_kernel(const char *core)
{
    static const char *const names[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    return kernel_is_named(core, names, sizeof names / sizeof *names);
}

static int is_avx2_kernel(const char *core)
{
    static const char *const names[] = {"Haswell", "Zen"};
    return is_avx512_kernel(core) || kernel_is_named(core, names, sizeof names / sizeof *names);
}

const char *mtt_blas_kernel_advice(const char *core, unsigned cpu)
{
    if (!core || strcmp(core, "unknown") == 0) return NULL;
    if ((cpu & MTT_CPU_AVX512) && !is_avx512_kernel(core))
        return (cpu & MTT_CPU_AVX512_BF16) ? "Cooperlake" : "SkylakeX";
    if ((cpu & MTT_CPU_AVX2_FMA) && !is_avx2_kernel(core)) return "Haswell";
    return NULL;
}

unsigned mtt_blas_cpu_features(void)
{
    unsigned f = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    /* __builtin_cpu_supports also checks that the operating system saves the
     * wider registers */
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= MTT_CPU_AVX2_FMA;
    /* what the SkylakeX kernels use */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        f |= MTT_CPU_AVX512;
    if ((f & MTT_CPU_AVX512) && __builtin_cpu_supports("avx512bf16")) f |= MTT_CPU_AVX512_BF16;
#endif
    return f;
}

const char *mtt_blas_better_kernel(void)
{
    return mtt_blas_kernel_advice(mtt_blas_corename(), mtt_blas_cpu_features());
}

int mtt_blas_thin_policy(const char *core, unsigned cpu)
{
    if (!core || strcmp(core, "unknown") == 0 || !(cpu & MTT_CPU_AVX2_FMA)) return 0;
    return !is_avx512_kernel(core);
}

/* -1: not decided yet; then 0 or 1.  Decided once per process, on the first
 * product (no locking: mtt calls the products from one thread, and two
 * threads racing here would store the same value). */
static int thin_state = -1;

static int thin_decide(void)
{
    if (!mtt_gemm_thin_supported()) return 0;
    const char *env = getenv("MTT_THIN_GEMM");
    if (env && strcmp(env, "0") == 0) return 0;
    if (env && strcmp(env, "1") == 0) return 1;
    return mtt_blas_thin_policy(mtt_blas_corename(), mtt_blas_cpu_features());
}

int mtt_blas_thin_active(void)
{
    if (thin_state < 0) thin_state = thin_decide();
    return thin_state;
}

const char *mtt_blas_thin_describe(void)
{
    return mtt_blas_thin_active() ? "mtt's AVX2 loops" : "OpenBLAS";
}

void mtt_blas_thin_set(int on)
{
    thin_state = on < 0 ? -1 : (on && mtt_gemm_thin_supported());
}

/* ---- products ------------------------------------------------------------- */

/* C = beta·C over an m×n block, honouring "beta == 0 means C is not read". */
#define MTT_SCALE_BLOCK(C, m, n, ldc, beta)                            \
    do {                                                               \
        for (size_t r_ = 0; r_ < (m); r_++)                            \
            for (size_t c_ = 0; c_ < (n); c_++)                        \
                (C)[r_ * (ldc) + c_] =                                 \
                    (beta) == 0 ? 0 : (beta) * (C)[r_ * (ldc) + c_];   \
    } while (0)

static enum CBLAS_TRANSPOSE cblas_trans(mtt_blas_trans t)
{
    return t == MTT_BLAS_TRANS ? CblasTrans : CblasNoTrans;
}

void mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc)
{
    if (m == 0 || n == 0) return;
    /* OpenBLAS rejects some degenerate leading dimensions; BLAS semantics are
     * simple here, so do them ourselves. */
    if (k == 0 || alpha == 0) {
        MTT_SCALE_BLOCK(C, m, n, ldc, beta);
        return;
    }
    if (mtt_gemm_thin_fits(ta, tb, m, n, k) && mtt_blas_thin_active()) {
        mtt_gemm_thin(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    assert(m <= INT_MAX && n <= INT_MAX && k <= INT_MAX);
    assert(lda <= INT_MAX && ldb <= INT_MAX && ldc <= INT_MAX);
    cblas_dgemm(CblasRowMajor, cblas_trans(ta), cblas_trans(tb), (blasint)m, (blasint)n,
                (blasint)k, alpha, A, (blasint)lda, B, (blasint)ldb, beta, C, (blasint)ldc);
}

void mtt_blas_sgemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                    float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                    float beta, float *C, size_t ldc)
{
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == 0) {
        MTT_SCALE_BLOCK(C, m, n, ldc, beta);
        return;
    }
    if (mtt_gemm_thin_fits(ta, tb, m, n, k) && mtt_blas_thin_active()) {
        mtt_gemm_thin_f32(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    assert(m <= INT_MAX && n <= INT_MAX && k <= INT_MAX);
    assert(lda <= INT_MAX && ldb <= INT_MAX && ldc <= INT_MAX);
    cblas_sgemm(CblasRowMajor, cblas_trans(ta), cblas_trans(tb), (blasint)m, (blasint)n,
                (blasint)k, alpha, A, (blasint)lda, B, (blasint)ldb, beta, C, (blasint)ldc);
}

/* The reference: C(r,c) = alpha Σ_q opA(r,q) opB(q,c) + beta C(r,c), summed in
 * long double so it is a meaningful yardstick for the optimised kernel. */
#define MTT_REF_GEMM_BODY(T)                                                   \
    do {                                                                       \
        for (size_t r = 0; r < m; r++) {                                       \
            for (size_t c = 0; c < n; c++) {                                   \
                long double s = 0;                                             \
                for (size_t q = 0; q < k; q++) {                               \
                    T a = ta == MTT_BLAS_TRANS ? A[q * lda + r] : A[r * lda + q]; \
                    T b = tb == MTT_BLAS_TRANS ? B[c * ldb + q] : B[q * ldb + c]; \
                    s += (long double)a * b;                                   \
                }                                                              \
                T old = beta == 0 ? 0 : beta * C[r * ldc + c];                 \
                C[r * ldc + c] = (T)(alpha * s) + old;                         \
            }                                                                  \
        }                                                                      \
    } while (0)

void mtt_blas_ref_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       double alpha, const double *A, size_t lda, const double *B,
                       size_t ldb, double beta, double *C, size_t ldc)
{
    MTT_REF_GEMM_BODY(double);
}

void mtt_blas_ref_sgemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                        float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                        float beta, float *C, size_t ldc)
{
    MTT_REF_GEMM_BODY(float);
}
