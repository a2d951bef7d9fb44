/* soap_product_impl.h — the per-l K×K products of one atom for the SOAP
 * backward and tangent passes (soap_grad_impl.h's SFX(backward) and
 * SFX(pdot)): register blocks for K = 8, 16, 24 or 32, BLAS or a small
 * vector loop otherwise, and the moves between the packed pairs k1 ≤ k2 of
 * g or ṗ and the per-l matrices by 8×8 transposes in registers.
 * Not a public header: included by soap_grad_impl.h only, with its macros.
 */

/* The per-l products of atoms with K ≤ MTT_SOAP_SMALL_K coefficients per
 * (l, m) that the register blocks below do not take (K not a multiple of 8,
 * or the layouts with NP ≠ N) go through this loop instead of BLAS: C (m×n,
 * row stride ldc) = alpha · op(A) op(B), the sum over p in order.  At such
 * sizes a BLAS call costs about as much as its arithmetic.  Measured with
 * the prefetch below (docs/performance.md, "Streaming the stored pair
 * factors"): for K = 8 (copper) the SOAP passes of a `bench_train` epoch on
 * 40 cells took ~7% less than with one OpenBLAS call per product; for
 * K = 24 (three species) this loop was 5–15% slower than OpenBLAS, so
 * larger K keep BLAS unless the register blocks take them. */
#define MTT_SOAP_SMALL_K 16

/* Columns j0..j0+width−1 of row i (width 8 or 4, a constant after inlining). */
MTT_VECTOR_INLINE void SFX(small_block)(int width, int ta, size_t i, size_t j0, size_t k,
                                        REAL alpha, const REAL *restrict A, size_t lda,
                                        const REAL *restrict B, size_t ldb, REAL *restrict c)
{
    REAL acc[8] = {0};
    for (size_t p = 0; p < k; ++p) {
        const REAL a = ta ? A[p * lda + i] : A[i * lda + p];
        const REAL *b = B + p * ldb + j0;
        for (int j = 0; j < width; ++j) acc[j] += a * b[j];
    }
    for (int j = 0; j < width; ++j) c[j0 + j] = alpha == (REAL)1 ? acc[j] : alpha * acc[j];
}

MTT_VECTOR_INLINE void SFX(small_product)(int ta, int tb, size_t m, size_t n, size_t k,
                                          REAL alpha, const REAL *restrict A, size_t lda,
                                          const REAL *restrict B, size_t ldb, REAL *restrict C,
                                          size_t ldc)
{
    for (size_t i = 0; i < m; ++i) {
        REAL *c = C + i * ldc;
        size_t j0 = 0;
        if (!tb) {
            for (; j0 + 8 <= n; j0 += 8)
                SFX(small_block)(8, ta, i, j0, k, alpha, A, lda, B, ldb, c);
            for (; j0 + 4 <= n; j0 += 4)
                SFX(small_block)(4, ta, i, j0, k, alpha, A, lda, B, ldb, c);
        }
        for (; j0 < n; ++j0) { /* the rest, and every column of op(B) = Bᵀ */
            REAL acc = 0;
            for (size_t p = 0; p < k; ++p) {
                const REAL a = ta ? A[p * lda + i] : A[i * lda + p];
                acc += a * (tb ? B[j0 * ldb + p] : B[p * ldb + j0]);
            }
            c[j0] = alpha == (REAL)1 ? acc : alpha * acc;
        }
    }
}

#if defined(__GNUC__)
/* Eight lanes of REAL, aligned as REAL (loads and stores need no alignment). */
typedef REAL SFX(lanes) __attribute__((vector_size(8 * sizeof(REAL)), aligned(sizeof(REAL))));
#define SFX_BLOCK_PRODUCTS 1

/* Rows r < R (R ≤ 4) of C (rows of K = 8·KB values, KB ≤ 4; both constants
 * after inlining) = alpha · Σ_p a(r, p) B_p, a(r, p) = A[r·ai + p·ap], B_p
 * the p-th row of B (K values), the sum over p in order: R·KB independent
 * sums of eight lanes, in registers once the loops over r and the lane
 * blocks are unrolled. */
MTT_VECTOR_INLINE void SFX(block_rows)(int R, int KB, size_t P, REAL alpha,
                                       const REAL *restrict A, size_t ai, size_t ap,
                                       const REAL *restrict B, REAL *restrict C)
{
    const size_t K = 8 * (size_t)KB;
    SFX(lanes) acc[4][4];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int q = 0; q < KB; ++q) acc[r][q] = (SFX(lanes)){0};
    for (size_t p = 0; p < P; ++p) {
        const SFX(lanes) *b = (const SFX(lanes) *)(B + p * K);
        SFX(lanes) row[4];
#pragma GCC unroll 4
        for (int q = 0; q < KB; ++q) row[q] = b[q];
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) {
            const REAL a = A[r * ai + p * ap];
#pragma GCC unroll 4
            for (int q = 0; q < KB; ++q) acc[r][q] += a * row[q];
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int q = 0; q < KB; ++q)
            *(SFX(lanes) *)(C + r * K + 8 * (size_t)q) =
                alpha == (REAL)1 ? acc[r][q] : alpha * acc[r][q];
}

/* Four lanes of REAL (one AVX2 register of doubles). */
typedef REAL SFX(quad) __attribute__((vector_size(4 * sizeof(REAL)), aligned(sizeof(REAL))));

/* The same sums as SFX(block_rows) for the 8 columns from j0 of rows r < R
 * (R ≤ 4, a constant after inlining) of C, rows of K values: at most 8
 * accumulators of 4 lanes, which the 16 registers of AVX2 hold with the row
 * of B and the broadcasts of A. */
MTT_VECTOR_INLINE void SFX(block_rows_narrow)(int R, size_t K, size_t j0, size_t P,
                                              REAL alpha, const REAL *restrict A, size_t ai,
                                              size_t ap, const REAL *restrict B,
                                              REAL *restrict C)
{
    SFX(quad) acc[4][2];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = (SFX(quad)){0};
    for (size_t p = 0; p < P; ++p) {
        const SFX(quad) *b = (const SFX(quad) *)(B + p * K + j0);
        const SFX(quad) row0 = b[0], row1 = b[1];
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) {
            const REAL a = A[r * ai + p * ap];
            acc[r][0] += a * row0;
            acc[r][1] += a * row1;
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
        for (int q = 0; q < 2; ++q)
            *(SFX(quad) *)(C + r * K + j0 + 4 * (size_t)q) =
                alpha == (REAL)1 ? acc[r][q] : alpha * acc[r][q];
}

/* Rows r < R of C (rows of K = 8·KB): SFX(block_rows) when
 * SFX_WIDE_BLOCKS, else SFX(block_rows_narrow) over columns of 8 (two 4-lane
 * blocks); every entry is the same sum over p in order either way. */
MTT_VECTOR_INLINE void SFX(block_rows_chosen)(int R, int KB, size_t P, REAL alpha,
                                              const REAL *A, size_t ai, size_t ap,
                                              const REAL *B, REAL *C)
{
    if (SFX_WIDE_BLOCKS()) {
        SFX(block_rows)(R, KB, P, alpha, A, ai, ap, B, C);
        return;
    }
    for (size_t j0 = 0; j0 < 8 * (size_t)KB; j0 += 8)
        SFX(block_rows_narrow)(R, 8 * (size_t)KB, j0, P, alpha, A, ai, ap, B, C);
}

/* C (m rows of K = 8·KB) = alpha · Σ_p a(i, p) B_p in blocks of 4 rows. */
MTT_VECTOR_INLINE void SFX(block_product)(int KB, size_t m, size_t P, REAL alpha, const REAL *A,
                                          size_t ai, size_t ap, const REAL *B, REAL *C)
{
    const size_t K = 8 * (size_t)KB;
    size_t i = 0;
    for (; i + 4 <= m; i += 4)
        SFX(block_rows_chosen)(4, KB, P, alpha, A + i * ai, ai, ap, B, C + i * K);
    if (m - i == 3) SFX(block_rows_chosen)(3, KB, P, alpha, A + i * ai, ai, ap, B, C + i * K);
    if (m - i == 2) SFX(block_rows_chosen)(2, KB, P, alpha, A + i * ai, ai, ap, B, C + i * K);
    if (m - i == 1) SFX(block_rows_chosen)(1, KB, P, alpha, A + i * ai, ai, ap, B, C + i * K);
}
#endif

/* __builtin_shuffle is GCC's (clang has another spelling): clang builds
 * keep the scalar loops of SFX(backward) and SFX(pdot).  The including file
 * defines SOAP_LANE_INDEX, the integer type as wide as REAL (long long for
 * double, int for float). */
#if defined(SFX_BLOCK_PRODUCTS) && defined(SOAP_LANE_INDEX) && !defined(__clang__)
#define SOAP_PACK_VECTORS 1
typedef SOAP_LANE_INDEX SFX(lane_index)
    __attribute__((vector_size(8 * sizeof(SOAP_LANE_INDEX))));
/* Eight doubles (the float ṗ is summed in double before it is rounded). */
typedef double SFX(wide) __attribute__((vector_size(64), aligned(sizeof(double))));

/* An 8×8 block in registers: row t in, column t out (three rounds of
 * two-source shuffles). */
MTT_VECTOR_INLINE void SFX(transpose8)(SFX(lanes) r[8])
{
    const SFX(lane_index) even = {0, 8, 2, 10, 4, 12, 6, 14}, odd = {1, 9, 3, 11, 5, 13, 7, 15};
    const SFX(lane_index) low2 = {0, 1, 8, 9, 4, 5, 12, 13}, high2 = {2, 3, 10, 11, 6, 7, 14, 15};
    const SFX(lane_index) low4 = {0, 1, 2, 3, 8, 9, 10, 11}, high4 = {4, 5, 6, 7, 12, 13, 14, 15};
    SFX(lanes) t[8], u[8];
#pragma GCC unroll 4
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shuffle(r[i], r[i + 1], even);
        t[i + 1] = __builtin_shuffle(r[i], r[i + 1], odd);
    }
#pragma GCC unroll 2
    for (int h = 0; h < 8; h += 4)
#pragma GCC unroll 2
        for (int e = 0; e < 2; ++e) {
            u[h + e] = __builtin_shuffle(t[h + e], t[h + e + 2], low2);
            u[h + e + 2] = __builtin_shuffle(t[h + e], t[h + e + 2], high2);
        }
#pragma GCC unroll 4
    for (int e = 0; e < 4; ++e) {
        r[e] = __builtin_shuffle(u[e], u[e + 4], low4);
        r[e + 4] = __builtin_shuffle(u[e], u[e + 4], high4);
    }
}

/* The last values of a row: n < 8 of them, zeros after. */
MTT_VECTOR_INLINE void SFX(load_tail)(const REAL *x, int n, SFX(lanes) *v)
{
    REAL t[8] = {0};
    for (int l = 0; l < n; ++l) t[l] = x[l];
    *v = *(const SFX(lanes) *)t;
}

/* Ĝ_l for every l (L + 1 matrices K×K at G) from scale · g, whose pair
 * k1 ≤ k2 holds its L + 1 values at (pair index)·(L + 1): for each row k1
 * and block of 8 columns, the 8 pairs' values (one vector each, lanes = l)
 * transposed into the rows k1 of the Ĝ_l.  Same values as the scalar loop
 * (scale · g, doubled on the diagonal; the float rows come with scale 1).
 * Not inlined: inside the large passes GCC kept the block in memory. */
MTT_VECTOR_CLONES
static void SFX(unpack_g)(const mtt_soap *soap, const REAL *g, REAL scale, REAL *G)
{
    const int K = soap->K, L1 = soap->L + 1;
    const size_t KK = (size_t)K * K, n_values = (size_t)K * (K + 1) / 2 * L1;
    size_t first[32]; /* where the pairs (k, k..K−1) start */
    for (int k = 0; k < K; ++k) first[k] = (size_t)k * (2 * K - k + 1) / 2 * L1;
    for (int k1 = 0; k1 < K; ++k1)
        for (int j0 = 0; j0 < K; j0 += 8) {
            SFX(lanes) r[8];
#pragma GCC unroll 8
            for (int t = 0; t < 8; ++t) {
                const int k2 = j0 + t;
                const size_t at = k1 <= k2 ? first[k1] + (size_t)(k2 - k1) * L1
                                           : first[k2] + (size_t)(k1 - k2) * L1;
                /* lanes from L + 1 on hold the next pairs: never stored */
                SFX(lanes) v;
                if (at + 8 <= n_values) v = *(const SFX(lanes) *)(g + at);
                else SFX(load_tail)(g + at, L1, &v);
                v = scale * v;
                r[t] = k1 == k2 ? (REAL)2 * v : v;
            }
            SFX(transpose8)(r);
#pragma GCC unroll 8
            for (int l = 0; l < 8; ++l) /* constant indices keep r in registers */
                if (l < L1) *(SFX(lanes) *)(G + l * KK + (size_t)k1 * K + j0) = r[l];
        }
}

/* One pair's L + 1 values of ṗ (lanes from L + 1 on are the next pairs'
 * and rewritten by them): scale · α_l (M_l[k1][k2] + M_l[k2][k1]), in double
 * and stored as REAL (the float scalar loop's rounding: one rounding at
 * the end). */
MTT_VECTOR_INLINE void SFX(store_pdot)(SFX(lanes) upper, SFX(lanes) lower, SFX(wide) alpha,
                                       double scale, size_t at, size_t n_values, int L1,
                                       double *pdot, float *pf)
{
    if (pdot) {
        const SFX(wide) v = scale * (alpha * (__builtin_convertvector(upper, SFX(wide)) +
                                              __builtin_convertvector(lower, SFX(wide))));
        if (at + 8 <= n_values) *(SFX(wide) *)(pdot + at) = v;
        else
            for (int l = 0; l < L1; ++l) pdot[at + (size_t)l] = v[l];
    } else { /* alpha holds α_l · scale */
        const SFX(wide) v = alpha * (__builtin_convertvector(upper, SFX(wide)) +
                                     __builtin_convertvector(lower, SFX(wide)));
        typedef float narrow __attribute__((vector_size(32), aligned(sizeof(float))));
        const narrow f = __builtin_convertvector(v, narrow);
        if (at + 8 <= n_values) *(narrow *)(pf + at) = f;
        else
            for (int l = 0; l < L1; ++l) pf[at + (size_t)l] = f[l];
    }
}

/* ṗ = scale · α_l (M_l + M_lᵀ) of every pair k1 ≤ k2 from the L + 1
 * matrices at M: blocks of M transposed into F (K×K vectors of 8 lanes,
 * lane l = M_l[k1][k2]), then one vector sum per pair, in the scalar loop's
 * order: into the double pdot, or rounded into the float pf when pdot is
 * NULL. */
MTT_VECTOR_CLONES
static void SFX(pack_pdot)(const mtt_soap *soap, const REAL *M, double scale, REAL *F,
                           double *pdot, float *pf)
{
    const int K = soap->K, L1 = soap->L + 1;
    const size_t KK = (size_t)K * K, n_values = (size_t)K * (K + 1) / 2 * L1;
    for (int k1 = 0; k1 < K; ++k1)
        for (int j0 = 0; j0 < K; j0 += 8) {
            SFX(lanes) r[8];
#pragma GCC unroll 8
            for (int l = 0; l < 8; ++l)
                r[l] = l < L1 ? *(const SFX(lanes) *)(M + l * KK + (size_t)k1 * K + j0)
                              : (SFX(lanes)){0};
            SFX(transpose8)(r);
#pragma GCC unroll 8
            for (int t = 0; t < 8; ++t) *(SFX(lanes) *)(F + 8 * ((size_t)k1 * K + j0 + t)) = r[t];
        }
    SFX(wide) alpha = {0};
    for (int l = 0; l < L1; ++l) alpha[l] = pdot ? soap->alpha[l] : soap->alpha[l] * scale;
    size_t at = 0;
    for (int k1 = 0; k1 < K; ++k1)
        for (int k2 = k1; k2 < K; ++k2, at += (size_t)L1)
            SFX(store_pdot)(*(const SFX(lanes) *)(F + 8 * ((size_t)k1 * K + k2)),
                            *(const SFX(lanes) *)(F + 8 * ((size_t)k2 * K + k1)), alpha, scale,
                            at, n_values, L1, pdot, pf);
}
#endif

/* The per-l product: the register blocks above when op(B) is B with rows of
 * K = 8, 16, 24 or 32 values (both products with NP = N), else BLAS or, for
 * small K, the loop above.  Measured (docs/performance.md, "Per-atom products
 * in registers"): with the packing below, the SOAP passes of a `bench_train`
 * ethanol epoch (K = 24) take ~0.8× the time of 14 OpenBLAS calls per atom;
 * at K = 8 (copper) the passes are as fast as with the loop above. */
MTT_VECTOR_INLINE void SFX(product)(const mtt_soap *soap, mtt_blas_trans ta, mtt_blas_trans tb,
                                    size_t m, size_t n, size_t k, REAL alpha, const REAL *A,
                                    size_t lda, const REAL *B, size_t ldb, REAL *C, size_t ldc)
{
#ifdef SFX_BLOCK_PRODUCTS
    const size_t K = (size_t)soap->K;
    if (tb == MTT_BLAS_NOTRANS && n == K && ldb == K && ldc == K && K % 8 == 0 && K <= 32) {
        const size_t ai = ta == MTT_BLAS_TRANS ? 1 : lda, ap = ta == MTT_BLAS_TRANS ? lda : 1;
        switch (K / 8) {
        case 1: SFX(block_product)(1, m, k, alpha, A, ai, ap, B, C); return;
        case 2: SFX(block_product)(2, m, k, alpha, A, ai, ap, B, C); return;
        case 3: SFX(block_product)(3, m, k, alpha, A, ai, ap, B, C); return;
        default: SFX(block_product)(4, m, k, alpha, A, ai, ap, B, C); return;
        }
    }
#endif
    if (soap->K <= MTT_SOAP_SMALL_K)
        SFX(small_product)(ta == MTT_BLAS_TRANS, tb == MTT_BLAS_TRANS, m, n, k, alpha, A, lda, B,
                           ldb, C, ldc);
    else
        GEMM(ta, tb, m, n, k, alpha, A, lda, B, ldb, (REAL)0, C, ldc);
}
