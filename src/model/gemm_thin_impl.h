/* gemm_thin_impl.h — the loops of gemm_thin.c, instantiated there for
 * double (REAL = double, W = 4 lanes, names _f64) and float (W = 8, _f32).
 * Not a public header: include it only from gemm_thin.c, with REAL, SFX,
 * W, VEC, VZERO, VSET1, VLOAD, VSTORE, VBCAST, VFMA, VMUL, VADD, SFMA and
 * SFX(lanes_sum) defined. */

/* c = alpha·s + beta·c (beta == 0: c is not read), 4 lanes or 1. */
THIN_INLINE void SFX(store_vector)(REAL *c, VEC s, REAL alpha, REAL beta)
{
    VEC v = VMUL(VSET1(alpha), s);
    if (beta != 0) v = VADD(v, VMUL(VSET1(beta), VLOAD(c)));
    VSTORE(c, v);
}

THIN_INLINE void SFX(store_one)(REAL *c, REAL s, REAL alpha, REAL beta)
{
    REAL v = alpha * s;
    if (beta != 0) v = v + beta * *c;
    *c = v;
}

/* ---- outer blocks: C[r, 0..W·V) over rows r < R ------------------------- */

/* op(A)(r, q) = a[r·ars + q·aqs]: NN has (lda, 1), TN (1, lda). */
#define OUTER_ROW(r)                                                           \
    if (R > r) {                                                               \
        const VEC x = VBCAST(aq + (r) * ars);                 \
        c##r##0 = VFMA(x, b0, c##r##0);                             \
        if (V > 1) c##r##1 = VFMA(x, b1, c##r##1);                  \
        if (V > 2) c##r##2 = VFMA(x, b2, c##r##2);                  \
    }
#define OUTER_STORE(r)                                                         \
    if (R > r) {                                                               \
        SFX(store_vector)(c + (r) * ldc, c##r##0, alpha, beta);                           \
        if (V > 1) SFX(store_vector)(c + (r) * ldc + W, c##r##1, alpha, beta);            \
        if (V > 2) SFX(store_vector)(c + (r) * ldc + 2 * W, c##r##2, alpha, beta);            \
    }

THIN_INLINE void SFX(outer_block)(const int R, const int V, size_t k, const REAL *a, size_t ars,
                             size_t aqs, const REAL *b, size_t ldb, REAL alpha, REAL beta,
                             REAL *c, size_t ldc)
{
    const VEC z = VZERO();
    VEC c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
    VEC c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
    for (size_t q = 0; q < k; ++q) {
        const REAL *bq = b + q * ldb, *aq = a + q * aqs;
        const VEC b0 = VLOAD(bq);
        const VEC b1 = V > 1 ? VLOAD(bq + W) : z;
        const VEC b2 = V > 2 ? VLOAD(bq + 2 * W) : z;
        OUTER_ROW(0) OUTER_ROW(1) OUTER_ROW(2) OUTER_ROW(3)
    }
    OUTER_STORE(0) OUTER_STORE(1) OUTER_STORE(2) OUTER_STORE(3)
}

/* All m rows of the W·V columns at b and c: blocks of 4 rows, then the rest. */
THIN_INLINE void SFX(outer_columns)(const int V, size_t m, size_t k, const REAL *a, size_t ars,
                               size_t aqs, const REAL *b, size_t ldb, REAL alpha,
                               REAL beta, REAL *c, size_t ldc)
{
    size_t i = 0;
    for (; i + 4 <= m; i += 4)
        SFX(outer_block)(4, V, k, a + i * ars, ars, aqs, b, ldb, alpha, beta, c + i * ldc, ldc);
    const REAL *ai = a + i * ars;
    REAL *ci = c + i * ldc;
    switch (m - i) {
    case 3: SFX(outer_block)(3, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    case 2: SFX(outer_block)(2, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    case 1: SFX(outer_block)(1, V, k, ai, ars, aqs, b, ldb, alpha, beta, ci, ldc); break;
    default: break;
    }
}

THIN_TARGET static void SFX(outer)(size_t m, size_t n, size_t k, REAL alpha, const REAL *a,
                              size_t ars, size_t aqs, const REAL *b, size_t ldb, REAL beta,
                              REAL *c, size_t ldc)
{
    size_t j = 0;
    for (; j + 3 * W <= n; j += 3 * W)
        SFX(outer_columns)(3, m, k, a, ars, aqs, b + j, ldb, alpha, beta, c + j, ldc);
    for (; j + W <= n; j += W)
        SFX(outer_columns)(1, m, k, a, ars, aqs, b + j, ldb, alpha, beta, c + j, ldc);
    for (; j < n; ++j) /* the same chain as a vector lane */
        for (size_t i = 0; i < m; ++i) {
            REAL s = 0;
            for (size_t q = 0; q < k; ++q) s = SFMA(a[i * ars + q * aqs], b[q * ldb + j], s);
            SFX(store_one)(c + i * ldc + j, s, alpha, beta);
        }
}

/* ---- dot blocks: C[r, o] over r < R, o < O ------------------------------ */

#define DOT_COLUMN(o)                                                          \
    if (O > o) {                                                               \
        const VEC y = VLOAD(b + (o) * ldb + q);                  \
        s0##o = VFMA(x0, y, s0##o);                                 \
        if (R > 1) s1##o = VFMA(x1, y, s1##o);                      \
        if (R > 2) s2##o = VFMA(x2, y, s2##o);                      \
    }
#define DOT_STORE_ONE(r, o)                                                    \
    if (R > r && O > o) {                                                      \
        REAL t = SFX(lanes_sum)(s##r##o);                                         \
        for (size_t q = k4; q < k; ++q) t = SFMA(a[(r) * lda + q], b[(o) * ldb + q], t); \
        SFX(store_one)(c + (r) * ldc + (o), t, alpha, beta);                           \
    }
#define DOT_STORE(r) DOT_STORE_ONE(r, 0) DOT_STORE_ONE(r, 1) DOT_STORE_ONE(r, 2) DOT_STORE_ONE(r, 3)

THIN_INLINE void SFX(dot_block)(const int R, const int O, size_t k, const REAL *a, size_t lda,
                           const REAL *b, size_t ldb, REAL alpha, REAL beta, REAL *c,
                           size_t ldc)
{
    const VEC z = VZERO();
    VEC s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
    VEC s20 = z, s21 = z, s22 = z, s23 = z;
    const size_t k4 = k & ~(size_t)(W - 1);
    for (size_t q = 0; q < k4; q += W) {
        const VEC x0 = VLOAD(a + q);
        const VEC x1 = R > 1 ? VLOAD(a + lda + q) : z;
        const VEC x2 = R > 2 ? VLOAD(a + 2 * lda + q) : z;
        DOT_COLUMN(0) DOT_COLUMN(1) DOT_COLUMN(2) DOT_COLUMN(3)
    }
    DOT_STORE(0) DOT_STORE(1) DOT_STORE(2)
}

/* R rows of C, all n columns: blocks of 4 columns (each a W-lane sum), then the rest. */
THIN_INLINE void SFX(dot_rows)(const int R, size_t n, size_t k, const REAL *a, size_t lda,
                          const REAL *b, size_t ldb, REAL alpha, REAL beta, REAL *c,
                          size_t ldc)
{
    size_t o = 0;
    for (; o + 4 <= n; o += 4)
        SFX(dot_block)(R, 4, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc);
    switch (n - o) {
    case 3: SFX(dot_block)(R, 3, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    case 2: SFX(dot_block)(R, 2, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    case 1: SFX(dot_block)(R, 1, k, a, lda, b + o * ldb, ldb, alpha, beta, c + o, ldc); break;
    default: break;
    }
}

THIN_TARGET static void SFX(dot)(size_t m, size_t n, size_t k, REAL alpha, const REAL *a,
                            size_t lda, const REAL *b, size_t ldb, REAL beta, REAL *c,
                            size_t ldc)
{
    size_t i = 0;
    for (; i + 3 <= m; i += 3)
        SFX(dot_rows)(3, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
    if (m - i == 2) SFX(dot_rows)(2, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
    if (m - i == 1) SFX(dot_rows)(1, n, k, a + i * lda, lda, b, ldb, alpha, beta, c + i * ldc, ldc);
}

#undef OUTER_ROW
#undef OUTER_STORE
#undef DOT_COLUMN
#undef DOT_STORE_ONE
#undef DOT_STORE
