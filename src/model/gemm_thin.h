/* gemm_thin.h — double products with one small dimension, in AVX2 and FMA.
 *
 * The networks' first layer multiplies a batch's rows of one species (4-64)
 * by the wide descriptor (D = 2100) through the width H (32): C = X·Wᵀ
 * (NT, n = H), E·W (NN, k = H) and Eᵀ·X (TN, m = H).  OpenBLAS packs both
 * operands before its kernels run; at these shapes its AVX2 (Haswell)
 * kernels spend a third of their time copying and reach 25-44 GFLOP/s on
 * one core, while its AVX-512 kernels reach 58-101.  These loops read the
 * operands as stored and keep 12 vector accumulators per block in
 * registers: 46-54 GFLOP/s at the same shapes on an AVX-512 CPU running
 * 256-bit vectors (docs/performance.md, "Thin products").  model/blas.c
 * uses them where OpenBLAS runs kernels narrower than AVX-512.
 *
 * Every element of C is one chain of fused multiply-adds over k in
 * increasing order (NN, TN), or W such chains over k ≡ 0..W−1 (mod W; W = 4
 * doubles or 8 floats per vector) summed pairwise in a fixed order and then
 * the k mod W last terms (NT), then
 * C = alpha·sum + beta·C (beta == 0: C is not read).  An element's value so
 * depends only on its row of op(A), its column of op(B), alpha, beta and
 * its old value — not on m, n, the leading dimensions or its position in a
 * block: one atom's network output is the same in any batch.
 *
 * Fused multiply-adds round differently from OpenBLAS's kernels and from
 * the mtt_blas_ref_gemm reference (tests/test_blas.c bounds the difference
 * by k·ε).  Ranks on different CPUs still train identical parameters: the
 * gradients are summed once, and each parameter slice is updated by one
 * rank and then copied to all (train/trainer_step.c).
 */
#ifndef MTT_MODEL_GEMM_THIN_H
#define MTT_MODEL_GEMM_THIN_H

#include <stddef.h>

#include "model/blas.h"

/* 1 when this build and CPU can run the loops (x86-64, GCC or clang, a CPU
 * with AVX2 and FMA); 0 otherwise. */
int mtt_gemm_thin_supported(void);

/* 1 when mtt_gemm_thin takes this product: NN with k ≤ 64, TN with m ≤ 64,
 * NT with n ≤ 64 (and k ≥ 8); 0 for TT and wider shapes. */
int mtt_gemm_thin_fits(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k);

/* mtt_blas_gemm's contract (blas.h) for a product mtt_gemm_thin_fits takes,
 * with m, n, k > 0; only when mtt_gemm_thin_supported(). */
void mtt_gemm_thin(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                   double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                   double beta, double *C, size_t ldc);
/* The same in float (8 lanes per vector; fmaf chains; the NT lanes summed
 * as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))). */
void mtt_gemm_thin_f32(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                       float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                       float beta, float *C, size_t ldc);

#endif
