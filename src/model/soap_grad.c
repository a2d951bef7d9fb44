/* soap_grad.c — forces, strain derivative, tangent and dense Jacobian of SOAP.
 *
 * All work through c(i) and the pair gradients ∂φ/∂r_ij (docs/math.md §2–3):
 *   backward  ḡ_{klm}(i) = α_l Σ_k' Ĝ_{kk'l} c_{k'lm},  Ĝ_kk' = g_kk'l (k≠k'), 2 g_kkl
 *   pair force f = ḡ(i)·∂φ/∂r_ij;  F_j -= f, F_i += f;  ∂E/∂ε_ab += f_a (r_ij)_b
 *   tangent   ċ(i) = Σ_j ∂φ/∂r_ij·(w_j - w_i);  ṗ = α_l Σ_m (ċ_k1 c_k2 + c_k1 ċ_k2)
 * so no D×3 Jacobian is ever formed except by mtt_soap_jacobian (tests only).
 * Work whose pair gradients were stored as floats (MTT_SOAP_STORE_GRAD_F32)
 * goes to the float versions in soap_grad_f32.c.
 */
#include "config.h"

#include <string.h>

#include "model/blas.h"
#include "model/soap.h"
#include "model/soap_internal.h"

/* For each l the tangent and the backward are small dense products of
 * K×(2l+1) blocks of c (layout [l][k][m]), done through the BLAS wrapper:
 * the scalar loops they replace were bound by the latency of their short
 * m-sums (2l+1 terms). */
void mtt_soap_pdot_(const mtt_soap *soap, const double *c, const double *cdot, double *pdot,
                    soap_scratch *s)
{
    const int K = soap->K, L = soap->L;
    double *M = s->kk1;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        /* M = C_l Ċ_lᵀ (K×K); ṗ_{k1k2l} = α_l (M_{k1k2} + M_{k2k1}) */
        mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, (size_t)K, (size_t)K, w, 1.0, c + off, w,
                      cdot + off, w, 0.0, M, (size_t)K);
        const double a = soap->alpha[l];
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1)
            for (int k2 = k1; k2 < K; ++k2, ++pair)
                pdot[pair * (size_t)(L + 1) + l] = a * (M[k1 * K + k2] + M[k2 * K + k1]);
    }
}

/* ḡ(i) = ∂E/∂c(i) from g_i = ∂E/∂p_i: per l, ḡ_l = α_l Ĝ_l C_l with Ĝ the
 * symmetric K×K matrix of g (diagonal doubled). */
static void backward(const mtt_soap *soap, const double *c, const double *g, double *cbar,
                     soap_scratch *s)
{
    const int K = soap->K, L = soap->L;
    double *G = s->kk1;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1) {
            G[k1 * K + k1] = 2.0 * g[pair++ * (size_t)(L + 1) + l];
            for (int k2 = k1 + 1; k2 < K; ++k2, ++pair)
                G[k1 * K + k2] = G[k2 * K + k1] = g[pair * (size_t)(L + 1) + l];
        }
        mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, w, (size_t)K,
                      soap->alpha[l], G, (size_t)K, c + off, w, 0.0, cbar + off, w);
    }
}

/* Reorder an NC vector between the coefficient layout [l][k][m]
 * (k = a·N + n) and the pair-gradient layout [a][n][lm], so that the pair
 * loops below run over one contiguous block per neighbour species. */
static void to_pair_order(const mtt_soap *soap, const double *v, double *vp)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        const double *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l, vl + k * wl,
                   (size_t)wl * sizeof *vp);
    }
}

static void from_pair_order(const mtt_soap *soap, const double *vp, double *v)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        double *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vl + k * wl, vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l,
                   (size_t)wl * sizeof *vp);
    }
}

/* f = Σ_j v_j ∂φ_j/∂r over the N·(L+1)² functions of one species block
 * (v in pair order).  Four independent partial sums per component keep
 * the loop from waiting on the latency of one long chain of additions. */
static void contract_pair(size_t nlm, const double *restrict v, const double *restrict d,
                          double *f)
{
    double s[4][3] = {{0}};
    size_t j = 0;
    for (; j + 4 <= nlm; j += 4)
        for (int u = 0; u < 4; ++u)
            for (int x = 0; x < 3; ++x) s[u][x] += v[j + u] * d[3 * (j + u) + x];
    for (; j < nlm; ++j)
        for (int x = 0; x < 3; ++x) s[0][x] += v[j] * d[3 * j + x];
    for (int x = 0; x < 3; ++x) f[x] = (s[0][x] + s[1][x]) + (s[2][x] + s[3][x]);
}

/* v += ∂φ/∂r · dw over one species block (v in pair order). */
static void accumulate_tangent(size_t nlm, double *restrict v, const double *restrict d,
                               const double *dw)
{
    const double w0 = dw[0], w1 = dw[1], w2 = dw[2];
    for (size_t j = 0; j < nlm; ++j) v[j] += d[3 * j] * w0 + d[3 * j + 1] * w1 + d[3 * j + 2] * w2;
}

static mtt_status check_ready(const mtt_soap_work *w, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!w->nl || !w->c, err, MTT_ERR_INTERNAL,
                        "soap: gradient requested before mtt_soap_compute on this workspace");
    return MTT_OK;
}

mtt_status mtt_soap_forces(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                           double *forces, double *dE_deps, mtt_error *err)
{
    return mtt_soap_forces_virial(soap, g, w, forces, dE_deps, NULL, err);
}

mtt_status mtt_soap_forces_virial(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                                  double *forces, double *dE_deps, double *atom_dE_deps,
                                  mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_ready(w, err));
    if (w->have_dphi == 2 && !atom_dE_deps) {  /* per-atom virials: the slow double path */
        mtt_soap_forces_f32_(soap, g, w, forces, dE_deps);
        return MTT_OK;
    }
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    soap_scratch s;
    const size_t nlm = (size_t)soap->N * soap->LM;
    mtt_soap_scratch_(soap, w, &s);
    memset(forces, 0, 3 * (size_t)n * sizeof *forces);
    if (dE_deps) memset(dE_deps, 0, 9 * sizeof *dE_deps);
    if (atom_dE_deps) memset(atom_dE_deps, 0, 9 * (size_t)n * sizeof *atom_dE_deps);
    for (int i = 0; i < n; ++i) {
        if (nl->first[i] == nl->first[i + 1]) continue;
        const double *c = w->c + (size_t)i * soap->NC;
        backward(soap, c, g + (size_t)i * soap->dim, s.vec, &s);
        to_pair_order(soap, s.vec, s.vp);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            const double *dphi = mtt_soap_pair_grad_(soap, w, q, &s);
            double f[3];
            contract_pair(nlm, s.vp + (size_t)w->species_index[j] * nlm, dphi, f);
            for (int x = 0; x < 3; ++x) {
                forces[3 * j + x] -= f[x];
                forces[3 * i + x] += f[x];
            }
            if (dE_deps) {
                const double *v = nl->rij + 3 * q;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b) dE_deps[3 * a + b] += f[a] * v[b];
            }
            if (atom_dE_deps) {  /* the pair's term, half to each end */
                const double *v = nl->rij + 3 * q;
                double *ai = atom_dE_deps + 9 * (size_t)i, *aj = atom_dE_deps + 9 * (size_t)j;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b) {
                        const double t = 0.5 * f[a] * v[b];
                        ai[3 * a + b] += t;
                        aj[3 * a + b] += t;
                    }
            }
        }
    }
    return MTT_OK;
}

mtt_status mtt_soap_tangent(const mtt_soap *soap, const double *wvec, mtt_soap_work *w,
                            double *pdot, mtt_error *err)
{
    return mtt_soap_tangent_strain(soap, wvec, NULL, w, pdot, err);
}

mtt_status mtt_soap_tangent_strain(const mtt_soap *soap, const double *wvec, const double *strain,
                                   mtt_soap_work *w, double *pdot, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_ready(w, err));
    if (w->have_dphi == 2) {
        mtt_soap_tangent_strain_f32_(soap, wvec, strain, w, pdot);
        return MTT_OK;
    }
    const mtt_nlist *nl = w->nl;
    soap_scratch s;
    const size_t nlm = (size_t)soap->N * soap->LM;
    mtt_soap_scratch_(soap, w, &s);
    for (int i = 0; i < w->n_atoms; ++i) {
        memset(s.vp, 0, (size_t)soap->NC * sizeof *s.vp);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double dw[3] = {0.0, 0.0, 0.0};
            if (wvec)
                for (int a = 0; a < 3; ++a) dw[a] = wvec[3 * j + a] - wvec[3 * i + a];
            if (strain) {  /* r_ij → (1 + ε) r_ij moves r_ij by ε r_ij */
                const double *r = nl->rij + 3 * q;
                for (int a = 0; a < 3; ++a)
                    dw[a] += strain[3 * a] * r[0] + strain[3 * a + 1] * r[1] + strain[3 * a + 2] * r[2];
            }
            if (dw[0] == 0.0 && dw[1] == 0.0 && dw[2] == 0.0) continue;
            const double *dphi = mtt_soap_pair_grad_(soap, w, q, &s);
            accumulate_tangent(nlm, s.vp + (size_t)w->species_index[j] * nlm, dphi, dw);
        }
        from_pair_order(soap, s.vp, s.vec);
        mtt_soap_pdot_(soap, w->c + (size_t)i * soap->NC, s.vec, pdot + (size_t)i * soap->dim, &s);
    }
    return MTT_OK;
}

mtt_status mtt_soap_jacobian(const mtt_soap *soap, mtt_soap_work *w, double *jac, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_ready(w, err));
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    const size_t D = soap->dim;
    soap_scratch s;
    const size_t nlm = (size_t)soap->N * soap->LM;
    mtt_soap_scratch_(soap, w, &s);
    memset(jac, 0, (size_t)n * D * n * 3 * sizeof *jac);
    for (int i = 0; i < n; ++i) {
        const double *c = w->c + (size_t)i * soap->NC;
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            const double *dphi = mtt_soap_pair_grad_(soap, w, q, &s);
            for (int x = 0; x < 3; ++x) {
                double e[3] = {0, 0, 0};
                e[x] = 1.0;
                memset(s.vp, 0, (size_t)soap->NC * sizeof *s.vp);
                accumulate_tangent(nlm, s.vp + (size_t)w->species_index[j] * nlm, dphi, e);
                from_pair_order(soap, s.vp, s.vec);
                mtt_soap_pdot_(soap, c, s.vec, s.pdot, &s);
                for (size_t d = 0; d < D; ++d) {
                    double *row = jac + ((size_t)i * D + d) * n * 3;
                    row[3 * j + x] += s.pdot[d];
                    row[3 * i + x] -= s.pdot[d];
                }
            }
        }
    }
    return MTT_OK;
}
