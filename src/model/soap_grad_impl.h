/* soap_grad_impl.h — body of the SOAP force, strain-derivative and tangent
 * passes, instantiated twice: by soap_grad.c for double (REAL = double) and
 * by soap_grad_f32.c for float (REAL = float, base_precision: 32).  Not a
 * public header: include it only from those two files, with REAL, SFX (name
 * suffix), GEMM (mtt_blas_gemm or mtt_blas_sgemm), COEFFICIENTS(w) (c of
 * the work in REAL) and PAIR_FACTORS(soap, w, q, s) (the factored pair
 * gradient of pair q in REAL, stored or recomputed) defined.
 *
 * Equations (docs/math.md §2–3, soap.c for the factors a, b, Y, ∇𝒴, û):
 *   backward  ḡ_{klm}(i) = α_l Σ_k' Ĝ_{kk'l} c_{k'lm},  Ĝ_kk' = g_kk'l (k≠k'), 2 g_kkl
 *   ∂φ_nlm/∂r_ij = a_nl Y_lm û + b_nl ∇𝒴_lm
 *   pair force f = ḡ(i)·∂φ/∂r_ij = û Σ_lm Y_lm A_lm + Σ_lm ∇𝒴_lm B_lm,
 *              A_lm = Σ_n ḡ_nlm a_nl,  B_lm = Σ_n ḡ_nlm b_nl
 *   F_j -= f, F_i += f;  ∂E/∂ε_ab += f_a (r_ij)_b
 *   tangent   ċ_nlm(i) = Σ_j a_nl Y_lm (û·δ) + b_nl (∇𝒴_lm·δ),  δ = w_j − w_i (+ ε r_ij)
 *             ṗ = α_l Σ_m (ċ_k1 c_k2 + c_k1 ċ_k2)
 * The per-pair work is 2·N·(L+1)² multiply-adds (the full N·(L+1)²×3
 * gradient would take three times as many, and four times the bytes).
 * Accumulation: c, ḡ, ċ and the per-l products are REAL; the pair force's
 * sums over lm and every force, ∂E/∂ε and ṗ are double.
 */

/* ḡ(i) = ∂E/∂c(i) from g_i = ∂E/∂p_i: per l, ḡ_l = α_l Ĝ_l C_l with Ĝ the
 * symmetric K×K matrix of g (diagonal doubled). */
static void SFX(backward)(const mtt_soap *soap, const REAL *c, const double *g, REAL *cbar,
                          REAL *G)
{
    const int K = soap->K, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1) {
            G[k1 * K + k1] = (REAL)(2.0 * g[pair++ * (size_t)(L + 1) + l]);
            for (int k2 = k1 + 1; k2 < K; ++k2, ++pair)
                G[k1 * K + k2] = G[k2 * K + k1] = (REAL)g[pair * (size_t)(L + 1) + l];
        }
        GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, w, (size_t)K, (REAL)soap->alpha[l],
             G, (size_t)K, c + off, w, (REAL)0, cbar + off, w);
    }
}

/* ṗ = α_l (M + Mᵀ), M = C_l Ċ_lᵀ per l (K×K), ṗ in double.  The per-l
 * products go through BLAS: the scalar loops they replaced were bound by
 * the latency of their short m-sums (2l+1 terms). */
static void SFX(pdot)(const mtt_soap *soap, const REAL *c, const REAL *cdot, double *pdot,
                      REAL *M)
{
    const int K = soap->K, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, (size_t)K, (size_t)K, w, (REAL)1, c + off, w,
             cdot + off, w, (REAL)0, M, (size_t)K);
        const double a = soap->alpha[l];
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1)
            for (int k2 = k1; k2 < K; ++k2, ++pair)
                pdot[pair * (size_t)(L + 1) + l] =
                    a * ((double)M[k1 * K + k2] + (double)M[k2 * K + k1]);
    }
}

/* Reorder an NC vector between the coefficient layout [l][k][m]
 * (k = a·N + n) and the pair layout [a][n][lm], so that the pair loops
 * below run over one contiguous block per neighbour species. */
static void SFX(to_pair_order)(const mtt_soap *soap, const REAL *v, REAL *vp)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        const REAL *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l, vl + k * wl,
                   (size_t)wl * sizeof *vp);
    }
}

static void SFX(from_pair_order)(const mtt_soap *soap, const REAL *vp, REAL *v)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        REAL *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vl + k * wl, vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l,
                   (size_t)wl * sizeof *vp);
    }
}

/* f = ḡ·∂φ/∂r_ij for one pair: v is ḡ of the neighbour's species block in
 * pair order [n][lm], fac the pair's factors, AB scratch of 2·LM. */
static void SFX(contract_pair)(const mtt_soap *soap, const REAL *restrict v,
                               const REAL *restrict fac, REAL *restrict AB, double f[3])
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    const REAL *a = fac + MTT_SOAP_FAC_A(soap), *b = fac + MTT_SOAP_FAC_B(soap);
    const REAL *y = fac + MTT_SOAP_FAC_Y(soap), *dy = fac + MTT_SOAP_FAC_DY(soap);
    const REAL *u = fac + MTT_SOAP_FAC_U(soap);
    REAL *restrict A = AB, *restrict B = AB + LM;
    memset(AB, 0, 2 * (size_t)LM * sizeof *AB);
    for (int n = 0; n < N; ++n) {
        const REAL *vn = v + (size_t)n * LM;
        for (int l = 0; l <= L; ++l) {
            const REAL an = a[l * N + n], bn = b[l * N + n];
            for (int lm = l * l; lm < (l + 1) * (l + 1); ++lm) {
                A[lm] += vn[lm] * an;
                B[lm] += vn[lm] * bn;
            }
        }
    }
    double ya = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0;
    for (int lm = 0; lm < LM; ++lm) {
        ya += (double)(y[lm] * A[lm]);
        g0 += (double)(dy[3 * lm] * B[lm]);
        g1 += (double)(dy[3 * lm + 1] * B[lm]);
        g2 += (double)(dy[3 * lm + 2] * B[lm]);
    }
    f[0] = ya * (double)u[0] + g0;
    f[1] = ya * (double)u[1] + g1;
    f[2] = ya * (double)u[2] + g2;
}

/* v += ∂φ/∂r_ij · δ for one pair (v in pair order [n][lm]); E scratch of 2·LM. */
static void SFX(accumulate_tangent)(const mtt_soap *soap, REAL *restrict v,
                                    const REAL *restrict fac, const double delta[3],
                                    REAL *restrict E)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
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
    for (int n = 0; n < N; ++n) {
        REAL *vn = v + (size_t)n * LM;
        for (int l = 0; l <= L; ++l) {
            const REAL an = a[l * N + n], bn = b[l * N + n];
            for (int lm = l * l; lm < (l + 1) * (l + 1); ++lm) vn[lm] += an * Ys[lm] + bn * Gd[lm];
        }
    }
}

/* Forces, ∂E/∂ε and its per-atom split (each may be NULL but forces). */
MTT_SOAP_VECTOR_CLONES
static void SFX(forces)(const mtt_soap *soap, const double *g, mtt_soap_work *w, double *forces,
                        double *dE_deps, double *atom_dE_deps)
{
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    const size_t nlm = (size_t)soap->N * soap->LM;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    REAL *cbar = (REAL *)s.vec, *vp = (REAL *)s.vp, *G = (REAL *)s.kk1, *AB = (REAL *)s.ab;
    memset(forces, 0, 3 * (size_t)n * sizeof *forces);
    if (dE_deps) memset(dE_deps, 0, 9 * sizeof *dE_deps);
    if (atom_dE_deps) memset(atom_dE_deps, 0, 9 * (size_t)n * sizeof *atom_dE_deps);
    for (int i = 0; i < n; ++i) {
        if (nl->first[i] == nl->first[i + 1]) continue;
        SFX(backward)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, g + (size_t)i * soap->dim,
                      cbar, G);
        SFX(to_pair_order)(soap, cbar, vp);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double f[3];
            SFX(contract_pair)(soap, vp + (size_t)w->species_index[j] * nlm,
                               PAIR_FACTORS(soap, w, q, &s), AB, f);
            for (int x = 0; x < 3; ++x) {
                forces[3 * j + x] -= f[x];
                forces[3 * i + x] += f[x];
            }
            const double *r = nl->rij + 3 * q;
            if (dE_deps)
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b) dE_deps[3 * a + b] += f[a] * r[b];
            if (atom_dE_deps) {  /* the pair's term, half to each end */
                double *ai = atom_dE_deps + 9 * (size_t)i, *aj = atom_dE_deps + 9 * (size_t)j;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b) {
                        const double t = 0.5 * f[a] * r[b];
                        ai[3 * a + b] += t;
                        aj[3 * a + b] += t;
                    }
            }
        }
    }
}

/* ṗ along per-atom displacements w (or NULL) plus a homogeneous strain (or NULL). */
MTT_SOAP_VECTOR_CLONES
static void SFX(tangent)(const mtt_soap *soap, const double *wvec, const double *strain,
                         mtt_soap_work *w, double *pdot)
{
    const mtt_nlist *nl = w->nl;
    const size_t nlm = (size_t)soap->N * soap->LM;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    REAL *cdot = (REAL *)s.vec, *vp = (REAL *)s.vp, *M = (REAL *)s.kk1, *E = (REAL *)s.ab;
    for (int i = 0; i < w->n_atoms; ++i) {
        memset(vp, 0, (size_t)soap->NC * sizeof *vp);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double delta[3] = {0.0, 0.0, 0.0};
            if (wvec)
                for (int a = 0; a < 3; ++a) delta[a] = wvec[3 * j + a] - wvec[3 * i + a];
            if (strain) {  /* r_ij → (1 + ε) r_ij moves r_ij by ε r_ij */
                const double *r = nl->rij + 3 * q;
                for (int a = 0; a < 3; ++a)
                    delta[a] += strain[3 * a] * r[0] + strain[3 * a + 1] * r[1] +
                                strain[3 * a + 2] * r[2];
            }
            if (delta[0] == 0.0 && delta[1] == 0.0 && delta[2] == 0.0) continue;
            SFX(accumulate_tangent)(soap, vp + (size_t)w->species_index[j] * nlm,
                                    PAIR_FACTORS(soap, w, q, &s), delta, E);
        }
        SFX(from_pair_order)(soap, vp, cdot);
        SFX(pdot)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, cdot, pdot + (size_t)i * soap->dim,
                  M);
    }
}
