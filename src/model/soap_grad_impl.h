/* soap_grad_impl.h — the kernels of the SOAP force, strain-derivative and
 * tangent passes (per atom: the backward ḡ and ṗ, whose per-l products are
 * in soap_product_impl.h; per pair: the contraction and the tangent
 * accumulation; the prefetch), instantiated
 * twice: by soap_grad.c for double (REAL = double) and by soap_grad_f32.c
 * for float (REAL = float, base_precision: 32); the passes themselves are
 * in soap_pass_impl.h.  Not a public header: include it only from those two
 * files, with REAL, SFX (name suffix), GEMM (mtt_blas_gemm or
 * mtt_blas_sgemm), COEFFICIENTS(w) (c of the work in REAL),
 * PAIR_FACTORS(soap, w, h, q, s) (the factored pair gradient of pair q, the
 * h-th stored, in REAL, stored or recomputed) and STORED_FACTORS(w) (the
 * stored factors of the first stored pair in REAL, or NULL when they are
 * recomputed) defined.
 *
 * Equations (docs/math.md §2–3, soap.c for the factors a, b, Y, ∇𝒴, û):
 *   backward  ḡ_{klm}(i) = α_l Σ_k' Ĝ_{kk'l} c_{k'lm},  Ĝ_kk' = g_kk'l (k≠k'), 2 g_kkl
 *   ∂φ_nlm/∂r_ij = a_nl Y_lm û + b_nl ∇𝒴_lm
 *   pair force f = ḡ(i)·∂φ/∂r_ij = û Σ_nl a_nl W_l(n) + Σ_nl b_nl ∇W_l(n),
 *              W_l(n) = Σ_m ḡ_nlm Y_lm,  ∇W_l(n) = Σ_m ḡ_nlm ∇𝒴_lm
 *   F_j -= f, F_i += f;  ∂E/∂ε_ab += f_a (r_ij)_b
 *   tangent   ċ_nlm(i) = Σ_j a_nl Y_lm (û·δ) + b_nl (∇𝒴_lm·δ),  δ = w_j − w_i (+ ε r_ij)
 *             ṗ = α_l Σ_m (ċ_k1 c_k2 + c_k1 ċ_k2)
 * The per-pair kernels run over the radial index n innermost, in blocks of
 * 8 or 4 lanes (ḡ and ċ in pair order [lm][species][n]): 4·N·(L+1)²
 * multiply-adds per force, 2·N·(L+1)² per tangent, all in full vectors.
 * Accumulation: c, ḡ, ċ, W and the per-l products are REAL; the pair
 * force's sums over n and every force, ∂E/∂ε and ṗ are double.
 */

/* Pair order: ḡ(i) or ċ(i) as [lm][a][n] (species a, n padded to NP with
 * zeros), row lm holding KP = n_species·NP values.  Each pair's kernel
 * reads one contiguous radial block per lm of its neighbour's species.
 * When NP = N a row is the coefficient index k = a·N + n, so the per-l
 * products below read and write this layout directly. */
#define SFX_KP(soap) ((size_t)(soap)->n_species * (soap)->NP)

/* Blocks of 8 lanes of REAL in registers: floats always (8 floats fill one
 * AVX2 register), doubles only in the AVX-512 copies (util/vector.h,
 * MTT_VECTOR_WIDE); otherwise the per-pair kernels run in blocks of 4 lanes
 * and the per-atom products in 4-lane columns, with the same values. */
#define SFX_WIDE_BLOCKS() (sizeof(REAL) == 4 || MTT_VECTOR_WIDE())

static void SFX(to_pair_order)(const mtt_soap *soap, const REAL *v, REAL *vp)
{
    const int N = soap->N, NP = soap->NP, L = soap->L;
    const size_t KP = SFX_KP(soap);
    memset(vp, 0, MTT_SOAP_PAIR_ORDER_SIZE(soap) * sizeof *vp);
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        const REAL *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k) {
            REAL *dst = vp + (size_t)l * l * KP + (size_t)(k / N) * NP + k % N;
            for (int m = 0; m < wl; ++m) dst[m * KP] = vl[k * wl + m];
        }
    }
}

static void SFX(from_pair_order)(const mtt_soap *soap, const REAL *vp, REAL *v)
{
    const int N = soap->N, NP = soap->NP, L = soap->L;
    const size_t KP = SFX_KP(soap);
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        REAL *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k) {
            const REAL *src = vp + (size_t)l * l * KP + (size_t)(k / N) * NP + k % N;
            for (int m = 0; m < wl; ++m) vl[k * wl + m] = src[m * KP];
        }
    }
}

#include "model/soap_product_impl.h"

/* ḡ(i) = ∂E/∂c(i) from g_i = ∂E/∂p_i (scale · the double row g, the
 * products rounded first; or of the float row gf when g is NULL, the scale
 * folded into α_l), into vp in pair order: per l,
 * ḡ_l = α_l Ĝ_l C_l with Ĝ the symmetric K×K matrix of g (diagonal
 * doubled); with NP = N its transpose α_l C_lᵀ Ĝ_l is written straight into
 * the rows l²..l²+2l of vp, else ḡ goes through cbar (NC). */
MTT_VECTOR_INLINE void SFX(backward)(const mtt_soap *soap, const REAL *c, const double *g,
                                     const float *gf, double scale, REAL *vp, REAL *cbar,
                                     REAL *G)
{
    const int K = soap->K, L = soap->L, direct = soap->NP == soap->N;
#ifdef SOAP_PACK_VECTORS
    /* the row in REAL: the double g in double, the float gf in float (its
     * scale then goes into α_l, as below) */
    const REAL *packed = SOAP_PACKED_G(g, gf);
    if (packed && direct && MTT_SOAP_PACK_VECTORS(soap) && SFX_WIDE_BLOCKS()) {
        const size_t KK = (size_t)K * K;
        SFX(unpack_g)(soap, packed, g ? (REAL)scale : (REAL)1, G);
        for (int l = 0; l <= L; ++l) {
            const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
            SFX(product)(soap, MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, w, (size_t)K, (size_t)K,
                         (REAL)(g ? soap->alpha[l] : scale * soap->alpha[l]), c + off, w,
                         G + l * KK, (size_t)K, vp + off, (size_t)K);
        }
        return;
    }
#endif
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        size_t pair = 0;
        if (g) { /* scale · g as the rows' values (a scale of 1 changes nothing) */
            for (int k1 = 0; k1 < K; ++k1) {
                G[k1 * K + k1] = (REAL)(2.0 * (scale * g[pair++ * (size_t)(L + 1) + l]));
                for (int k2 = k1 + 1; k2 < K; ++k2, ++pair)
                    G[k1 * K + k2] = G[k2 * K + k1] =
                        (REAL)(scale * g[pair * (size_t)(L + 1) + l]);
            }
        } else {
            for (int k1 = 0; k1 < K; ++k1) {
                G[k1 * K + k1] = (REAL)(2.0f * gf[pair++ * (size_t)(L + 1) + l]);
                for (int k2 = k1 + 1; k2 < K; ++k2, ++pair)
                    G[k1 * K + k2] = G[k2 * K + k1] = (REAL)gf[pair * (size_t)(L + 1) + l];
            }
        }
        const REAL alpha = (REAL)(g ? soap->alpha[l] : scale * soap->alpha[l]);
        if (direct)
            SFX(product)(soap, MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, w, (size_t)K, (size_t)K, alpha,
                         c + off, w, G, (size_t)K, vp + off, (size_t)K);
        else
            SFX(product)(soap, MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, w, (size_t)K, alpha,
                         G, (size_t)K, c + off, w, cbar + off, w);
    }
    if (!direct) SFX(to_pair_order)(soap, cbar, vp);
}

/* ṗ = α_l (M + Mᵀ), M = C_l Ċ_lᵀ per l (K×K), scale · ṗ in double (pdot), or
 * rounded to float after scaling by `scale` (pf when pdot is NULL), from ċ in pair
 * order (vp; with NP = N its rows l²..l²+2l are Ċ_lᵀ, else ċ is first
 * reordered into cdot).  The per-l products go through SFX(product)
 * (register blocks, BLAS or the small loop, above); with
 * MTT_SOAP_PACK_VECTORS ṗ is packed by SFX(pack_pdot). */
MTT_VECTOR_INLINE void SFX(pdot)(const mtt_soap *soap, const REAL *c, const REAL *vp,
                                 double *pdot, float *pf, double scale, REAL *M, REAL *cdot)
{
    const int K = soap->K, L = soap->L, direct = soap->NP == soap->N;
#ifdef SOAP_PACK_VECTORS
    if (direct && MTT_SOAP_PACK_VECTORS(soap) && SFX_WIDE_BLOCKS()) {
        const size_t KK = (size_t)K * K;
        for (int l = 0; l <= L; ++l) {
            const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
            SFX(product)(soap, MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, (size_t)K, w,
                         (REAL)1, c + off, w, vp + off, (size_t)K, M + l * KK, (size_t)K);
        }
        SFX(pack_pdot)(soap, M, scale, M + (size_t)(L + 1) * KK, pdot, pf);
        return;
    }
#endif
    if (!direct) SFX(from_pair_order)(soap, vp, cdot);
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        if (direct)
            SFX(product)(soap, MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, (size_t)K, w, (REAL)1,
                         c + off, w, vp + off, (size_t)K, M, (size_t)K);
        else
            SFX(product)(soap, MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, (size_t)K, (size_t)K, w, (REAL)1,
                         c + off, w, cdot + off, w, M, (size_t)K);
        const double a = soap->alpha[l];
        size_t pair = 0;
        if (pdot) { /* scale · (α ṗ): a scale of 1 changes nothing */
            for (int k1 = 0; k1 < K; ++k1)
                for (int k2 = k1; k2 < K; ++k2, ++pair)
                    pdot[pair * (size_t)(L + 1) + l] =
                        scale * (a * ((double)M[k1 * K + k2] + (double)M[k2 * K + k1]));
        } else {
            const double as = a * scale;
            for (int k1 = 0; k1 < K; ++k1)
                for (int k2 = k1; k2 < K; ++k2, ++pair)
                    pf[pair * (size_t)(L + 1) + l] =
                        (float)(as * ((double)M[k1 * K + k2] + (double)M[k2 * K + k1]));
        }
    }
}

/* The W sums of one l over `width` lanes: x = v (sign 0), v + vr (sign 1) or
 * v − vr (sign −1), a constant after inlining. */
MTT_VECTOR_INLINE void SFX(contract_l)(const mtt_soap *soap, int width, int l, int sign,
                                       const REAL *restrict v, const REAL *restrict vr,
                                       const REAL *restrict y, const REAL *restrict dy,
                                       REAL *restrict w0, REAL *restrict w1, REAL *restrict w2,
                                       REAL *restrict w3)
{
    const size_t KP = SFX_KP(soap);
    for (int lm = l * l; lm < (l + 1) * (l + 1); ++lm) {
        const REAL *xl = v + (size_t)lm * KP, *xr = sign ? vr + (size_t)lm * KP : NULL;
        const REAL c0 = y[lm], c1 = dy[3 * lm], c2 = dy[3 * lm + 1], c3 = dy[3 * lm + 2];
        for (int k = 0; k < width; ++k) {
            const REAL x = sign == 0 ? xl[k] : sign > 0 ? xl[k] + xr[k] : xl[k] - xr[k];
            w0[k] += c0 * x;
            w1[k] += c1 * x;
            w2[k] += c2 * x;
            w3[k] += c3 * x;
        }
    }
}

/* One block of `width` (8 or 4, a constant after inlining) radial channels
 * n0.. of the pair force: with W_l(n) = Σ_m Y_lm v_nlm and
 * W^x_l(n) = Σ_m ∂_x𝒴_lm v_nlm,
 *   Σ_lm Y_lm A_lm = Σ_ln a_nl W_l(n),  Σ_lm ∂_x𝒴_lm B_lm = Σ_ln b_nl W^x_l(n):
 * every step is a product of `width` independent lanes, and the sums over
 * lanes come last in a fixed order, so every vector clone rounds alike. */
MTT_VECTOR_INLINE void SFX(contract_block)(const mtt_soap *soap, int width, const REAL *restrict v,
                                         const REAL *restrict vr, const REAL *restrict a,
                                         const REAL *restrict b, const REAL *restrict y,
                                         const REAL *restrict dy, double sum[4])
{
    const int NP = soap->NP, L = soap->L;
    REAL ta[8] = {0}, tx[8] = {0}, ty[8] = {0}, tz[8] = {0};
    for (int l = 0; l <= L; ++l) {
        REAL w0[8] = {0}, w1[8] = {0}, w2[8] = {0}, w3[8] = {0};
        if (!vr) /* one direction */
            SFX(contract_l)(soap, width, l, 0, v, NULL, y, dy, w0, w1, w2, w3);
        else if (l & 1) /* both (soap_half.c): v_i + (−1)^l v_j */
            SFX(contract_l)(soap, width, l, -1, v, vr, y, dy, w0, w1, w2, w3);
        else
            SFX(contract_l)(soap, width, l, 1, v, vr, y, dy, w0, w1, w2, w3);
        const REAL *al = a + (size_t)l * NP, *bl = b + (size_t)l * NP;
        for (int k = 0; k < width; ++k) {
            ta[k] += al[k] * w0[k];
            tx[k] += bl[k] * w1[k];
            ty[k] += bl[k] * w2[k];
            tz[k] += bl[k] * w3[k];
        }
    }
    for (int k = 0; k < width; ++k) {
        sum[0] += (double)ta[k];
        sum[1] += (double)tx[k];
        sum[2] += (double)ty[k];
        sum[3] += (double)tz[k];
    }
}

/* f = ḡ·∂φ/∂r_ij for one pair: v is ḡ in pair order from the neighbour's
 * species block on (vp + a·NP), fac the pair's factors; with vr (ḡ(j) from
 * i's species block on), both directions' (ḡ(i) + (−1)^l ḡ(j))·∂φ/∂r_ij. */
MTT_VECTOR_INLINE void SFX(contract_pair)(const mtt_soap *soap, const REAL *restrict v,
                                        const REAL *restrict vr, const REAL *restrict fac,
                                        double f[3])
{
    const int NP = soap->NP;
    const REAL *a = fac + MTT_SOAP_FAC_A(soap), *b = fac + MTT_SOAP_FAC_B(soap);
    const REAL *y = fac + MTT_SOAP_FAC_Y(soap), *dy = fac + MTT_SOAP_FAC_DY(soap);
    const REAL *u = fac + MTT_SOAP_FAC_U(soap);
    double sum[4] = {0.0, 0.0, 0.0, 0.0};
    int n0 = 0;
    if (SFX_WIDE_BLOCKS())
        for (; n0 + 8 <= NP; n0 += 8)
            SFX(contract_block)(soap, 8, v + n0, vr ? vr + n0 : NULL, a + n0, b + n0, y, dy, sum);
    for (; n0 < NP; n0 += 4)
        SFX(contract_block)(soap, 4, v + n0, vr ? vr + n0 : NULL, a + n0, b + n0, y, dy, sum);
    f[0] = sum[0] * (double)u[0] + sum[1];
    f[1] = sum[0] * (double)u[1] + sum[2];
    f[2] = sum[0] * (double)u[2] + sum[3];
}

/* t over one l, added to v and, by mode, nothing else (0), +t (1) or −t (−1)
 * to vr, or t again to v (2: an atom's own image, even l); a constant after
 * inlining. */
MTT_VECTOR_INLINE void SFX(tangent_l)(const mtt_soap *soap, int width, int l, int mode,
                                      REAL *restrict v, REAL *restrict vr,
                                      const REAL *restrict al, const REAL *restrict bl,
                                      const REAL *restrict ys, const REAL *restrict gd)
{
    const size_t KP = SFX_KP(soap);
    for (int lm = l * l; lm < (l + 1) * (l + 1); ++lm) {
        REAL *x = v + (size_t)lm * KP, *xr = mode == 1 || mode == -1 ? vr + (size_t)lm * KP : NULL;
        const REAL s = ys[lm], g = gd[lm];
        for (int k = 0; k < width; ++k) {
            const REAL t = al[k] * s + bl[k] * g;
            if (mode == 2) x[k] += t + t;
            else x[k] += t;
            if (mode == 1) xr[k] += t;
            if (mode == -1) xr[k] -= t;
        }
    }
}

/* t_n,lm = a_nl Y_lm (û·δ) + b_nl (∇𝒴_lm·δ) over one block of `width`
 * channels, added to v; with vr (soap_half.c) also (−1)^l t to vr, or, for
 * an atom's own image (self, vr NULL), t + (−1)^l t to v. */
MTT_VECTOR_INLINE void SFX(tangent_block)(const mtt_soap *soap, int width, REAL *restrict v,
                                        REAL *restrict vr, int self, const REAL *restrict a,
                                        const REAL *restrict b, const REAL *restrict ys,
                                        const REAL *restrict gd)
{
    const int NP = soap->NP, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const REAL *al = a + (size_t)l * NP, *bl = b + (size_t)l * NP;
        if (self) {
            if (!(l & 1)) SFX(tangent_l)(soap, width, l, 2, v, NULL, al, bl, ys, gd);
        } else if (!vr) {
            SFX(tangent_l)(soap, width, l, 0, v, NULL, al, bl, ys, gd);
        } else if (l & 1) {
            SFX(tangent_l)(soap, width, l, -1, v, vr, al, bl, ys, gd);
        } else {
            SFX(tangent_l)(soap, width, l, 1, v, vr, al, bl, ys, gd);
        }
    }
}

/* v += ∂φ/∂r_ij · δ for one pair (v in pair order from the neighbour's species
 * block on), and with vr or self the reverse direction (tangent_block); E
 * scratch of 2·LM. */
MTT_VECTOR_INLINE void SFX(accumulate_tangent)(const mtt_soap *soap, REAL *restrict v,
                                             REAL *restrict vr, int self,
                                             const REAL *restrict fac, const double delta[3],
                                             REAL *restrict E)
{
    const int NP = soap->NP, LM = soap->LM;
    const REAL *a = fac + MTT_SOAP_FAC_A(soap), *b = fac + MTT_SOAP_FAC_B(soap);
    const REAL *y = fac + MTT_SOAP_FAC_Y(soap), *dy = fac + MTT_SOAP_FAC_DY(soap);
    const REAL *u = fac + MTT_SOAP_FAC_U(soap);
    const REAL d0 = (REAL)delta[0], d1 = (REAL)delta[1], d2 = (REAL)delta[2];
    const REAL s = u[0] * d0 + u[1] * d1 + u[2] * d2;
    REAL *restrict Ys = E, *restrict Gd = E + LM;
    for (int lm = 0; lm < LM; ++lm) {
        Ys[lm] = y[lm] * s;
        Gd[lm] = dy[3 * lm] * d0 + dy[3 * lm + 1] * d1 + dy[3 * lm + 2] * d2;
    }
    int n0 = 0;
    if (SFX_WIDE_BLOCKS())
        for (; n0 + 8 <= NP; n0 += 8)
            SFX(tangent_block)(soap, 8, v + n0, vr ? vr + n0 : NULL, self, a + n0, b + n0, Ys,
                               Gd);
    for (; n0 < NP; n0 += 4)
        SFX(tangent_block)(soap, 4, v + n0, vr ? vr + n0 : NULL, self, a + n0, b + n0, Ys, Gd);
}

/* The stored factors of the h-th stored pair (2.5 KB in double at the
 * defaults; h = q unless one direction per pair is kept) into the L2 cache
 * ahead of use, MTT_SOAP_PREFETCH_PAIRS stored pairs ahead of the one being
 * contracted.  The passes stream the factors of a whole batch, far
 * more than the cache holds, and the hardware prefetchers did not keep up.
 * `bench/soap/bench_soap_stream 40` (40 copper cells of 32 atoms, 3.3 MB of
 * factors each), ns per pair, forces / tangent: 339–348 / 192–197 before
 * (a13cf17), 223–247 / 128–140 with the hint; with the factors in the cache (2
 * cells) 143–183 / 125–159 either way.  1 or 3–16 pairs ahead, or a hint
 * into L1, was slower.  Changes no number. */
#define MTT_SOAP_PREFETCH_PAIRS 2

/* A hint for the `bytes` bytes from `at`. */
MTT_VECTOR_INLINE void SFX(prefetch_bytes)(const void *at, size_t bytes)
{
    const char *p = at;
    for (size_t off = 0; off < bytes; off += 64) MTT_PREFETCH(p + off);
    MTT_PREFETCH(p + bytes - 1);
}

MTT_VECTOR_INLINE void SFX(prefetch_pair)(const mtt_soap *soap, const mtt_soap_work *w, size_t h)
{
    const REAL *base = STORED_FACTORS(w);
    if (!base || h >= (w->half ? w->n_half : w->nl->n_pairs)) return;
    SFX(prefetch_bytes)(base + h * MTT_SOAP_FAC_SIZE(soap), MTT_SOAP_FAC_SIZE(soap) * sizeof *base);
}
