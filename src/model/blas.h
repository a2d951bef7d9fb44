/* blas.h — the one BLAS wrapper.  Nothing else includes cblas.h.
 *
 * Row-major dense matrices (C order: element (r, c) of a matrix with leading
 * dimension ld sits at [r * ld + c]).  Every product has a plain-loop
 * reference (mtt_blas_ref_*) with the same contract; the tests compare the
 * two, and callers (e.g. the MLP) can switch to the reference to check a
 * whole pass.
 *
 * Cost of a gemm: 2·m·n·k flops.  No allocation; global state: the OpenBLAS
 * thread count and whether mtt's thin products (gemm_thin.h) are used.
 */
#ifndef MTT_MODEL_BLAS_H
#define MTT_MODEL_BLAS_H

#include <stddef.h>

/* Limit OpenBLAS to n threads (one rank per core wants 1). */
void mtt_blas_set_threads(int n);
/* "OpenBLAS 0.3.21 ... (core: Prescott)" into buf. */
void mtt_blas_describe(char *buf, size_t n);
/* The kernel OpenBLAS chose ("Prescott", "SkylakeX", ...). */
const char *mtt_blas_corename(void);
/* The CPU's vector units that OpenBLAS's kernels can use (bits below; 0
 * off x86-64). */
#define MTT_CPU_AVX2_FMA 1u     /* AVX2 and FMA: the Haswell kernels */
#define MTT_CPU_AVX512 2u       /* AVX-512 F, CD, DQ, BW, VL: SkylakeX */
#define MTT_CPU_AVX512_BF16 4u  /* and BF16: Cooperlake */
unsigned mtt_blas_cpu_features(void);
/* The OpenBLAS kernel that would use more of a CPU with features `cpu`
 * than the kernel named `core` ("Prescott", "Haswell", ...): "Cooperlake"
 * or "SkylakeX" on AVX-512 CPUs when `core` is not an AVX-512 kernel,
 * "Haswell" on AVX2 CPUs when `core` uses neither AVX2 nor AVX-512; else
 * (and for core "unknown" or NULL) NULL.  OpenBLAS 0.3.21 runs its generic
 * Prescott kernel on CPUs it does not know, e.g. Intel's after Sapphire
 * Rapids (docs/performance.md, "OpenBLAS's kernels"). */
const char *mtt_blas_kernel_advice(const char *core, unsigned cpu);
/* mtt_blas_kernel_advice for the running kernel and this CPU. */
const char *mtt_blas_better_kernel(void);

/* Whether mtt's own products with one small dimension (gemm_thin.h) suit
 * OpenBLAS's kernel `core` on a CPU with features `cpu`: 1 on CPUs with
 * AVX2 and FMA when `core` is not an AVX-512 kernel (the Haswell, Zen or
 * older kernels, which spend a third of these products packing), 0 for
 * AVX-512 kernels (faster than mtt's loops at every shape measured),
 * "unknown" or NULL. */
int mtt_blas_thin_policy(const char *core, unsigned cpu);
/* 1 when mtt_blas_gemm runs the thin products itself: the policy for the
 * running kernel and CPU, unless MTT_THIN_GEMM=0 or 1 in the environment
 * says otherwise (1 only where the CPU has AVX2 and FMA).  Decided on the
 * first call. */
int mtt_blas_thin_active(void);
/* "mtt's AVX2 loops" or "OpenBLAS": who runs the products with one
 * dimension ≤ 64 (the networks' first layer). */
const char *mtt_blas_thin_describe(void);
/* Tests and benchmarks: 1 or 0 overrides the decision (1 only where the CPU
 * can), -1 returns it to the policy at the next product. */
void mtt_blas_thin_set(int on);

/* Whether an operand is used as stored or transposed. */
typedef enum mtt_blas_trans {
    MTT_BLAS_NOTRANS = 0,
    MTT_BLAS_TRANS = 1
} mtt_blas_trans;

/* C (m×n) = alpha · op(A) · op(B) + beta · C, row-major doubles.
 * op(A) is m×k: A is stored m×k (NOTRANS, lda ≥ k) or k×m (TRANS, lda ≥ m);
 * op(B) is k×n: B is stored k×n (NOTRANS, ldb ≥ n) or n×k (TRANS, ldb ≥ k);
 * ldc ≥ n.  As in BLAS, beta == 0 means C is not read (may hold garbage),
 * and m, n or k may be 0 (k == 0 gives C = beta·C).  Sizes must fit in int
 * (programmer error otherwise).  C must not alias A or B. */
void mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc);
/* Same contract, plain loops (slow; for tests and cross-checks). */
void mtt_blas_ref_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       double alpha, const double *A, size_t lda, const double *B,
                       size_t ldb, double beta, double *C, size_t ldc);

/* Single-precision versions, same contract. */
void mtt_blas_sgemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                    float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                    float beta, float *C, size_t ldc);
void mtt_blas_ref_sgemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                        float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                        float beta, float *C, size_t ldc);

#endif
