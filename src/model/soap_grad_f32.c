/* soap_grad_f32.c — forces, strain derivative and tangent of SOAP over
 * float-stored pair gradients (MTT_SOAP_STORE_GRAD_F32, base_precision: 32).
 *
 * The equations and loop structure are those of soap_grad.c.  Here c, ∂φ/∂r,
 * the per-l K×K products (sgemm) and the per-pair contractions are float;
 * results leave in double: each pair force f (12 float partial sums over
 * N·(L+1)² terms, about 400 for the defaults, so a relative rounding of
 * roughly √400·2⁻²⁴ ≈ 1e-6) is accumulated into the forces and ∂E/∂ε in
 * double, and ṗ is written in double.  Inputs g (∂E/∂p) and the
 * displacements are rounded to float once per atom.
 * Scratch: the double scratch of the work, reinterpreted as float (each
 * region then holds twice the floats it needs; nothing reads it as double
 * in between).
 */
#include "config.h"

#include <string.h>

#include "model/blas.h"
#include "model/soap.h"
#include "model/soap_internal.h"

/* ḡ_l = α_l Ĝ_l C_l per l, float (see soap_grad.c's backward). */
static void backward_f32(const mtt_soap *soap, const float *c, const double *g, float *cbar,
                         float *G)
{
    const int K = soap->K, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1) {
            G[k1 * K + k1] = (float)(2.0 * g[pair++ * (size_t)(L + 1) + l]);
            for (int k2 = k1 + 1; k2 < K; ++k2, ++pair)
                G[k1 * K + k2] = G[k2 * K + k1] = (float)g[pair * (size_t)(L + 1) + l];
        }
        mtt_blas_sgemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, (size_t)K, w, (size_t)K,
                       (float)soap->alpha[l], G, (size_t)K, c + off, w, 0.0f, cbar + off, w);
    }
}

/* ṗ = α_l (M + Mᵀ), M = C_l Ċ_lᵀ per l (see mtt_soap_pdot_), ṗ in double. */
static void pdot_f32(const mtt_soap *soap, const float *c, const float *cdot, double *pdot,
                     float *M)
{
    const int K = soap->K, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const size_t w = (size_t)(2 * l + 1), off = (size_t)K * l * l;
        mtt_blas_sgemm(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, (size_t)K, (size_t)K, w, 1.0f, c + off,
                       w, cdot + off, w, 0.0f, M, (size_t)K);
        const double a = soap->alpha[l];
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1)
            for (int k2 = k1; k2 < K; ++k2, ++pair)
                pdot[pair * (size_t)(L + 1) + l] =
                    a * ((double)M[k1 * K + k2] + (double)M[k2 * K + k1]);
    }
}

/* Layout changes [l][k][m] ↔ [a][n][lm] (see soap_grad.c). */
static void to_pair_order_f32(const mtt_soap *soap, const float *v, float *vp)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        const float *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l, vl + k * wl,
                   (size_t)wl * sizeof *vp);
    }
}

static void from_pair_order_f32(const mtt_soap *soap, const float *vp, float *v)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    for (int l = 0; l <= L; ++l) {
        const int wl = 2 * l + 1;
        float *vl = v + (size_t)soap->K * l * l;
        for (int k = 0; k < soap->K; ++k)
            memcpy(vl + k * wl, vp + (size_t)(k / N) * N * LM + (size_t)(k % N) * LM + l * l,
                   (size_t)wl * sizeof *vp);
    }
}

/* The pair loops below work on the interleaved [j][xyz] gradients as one
 * contiguous array of 3·nlm floats, against vectors that repeat each value
 * (or each displacement component) per xyz: loops of unit stride with 48
 * independent lanes, which compilers vectorise fully, where the [j][x]
 * loops with stride 3 did not. */
#define LANES 48  /* a multiple of 3 and of 16 floats */

/* One clone per vector ISA, chosen at load time (as Adam's update, with the
 * same flags: no fused multiply-add, so every clone rounds alike and ranks
 * on different CPUs agree bit for bit). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MTT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MTT_VECTOR_CLONES
#endif

/* f_x = Σ_j v_j d_{3j+x} with v3 = v repeated per xyz (3·nlm floats). */
MTT_VECTOR_CLONES
static void contract_pair_f32(size_t nlm, const float *restrict v3, const float *restrict d,
                              double *f)
{
    float acc[LANES] = {0};
    const size_t n3 = 3 * nlm;
    size_t k = 0;
    for (; k + LANES <= n3; k += LANES)
        for (int t = 0; t < LANES; ++t) acc[t] += v3[k + t] * d[k + t];
    double sum[3] = {0.0, 0.0, 0.0};
    for (int t = 0; t < LANES; ++t) sum[t % 3] += (double)acc[t];
    for (; k < n3; ++k) sum[k % 3] += (double)(v3[k] * d[k]);
    for (int x = 0; x < 3; ++x) f[x] = sum[x];
}

/* v3 += d ⊙ (dw repeated), 3·nlm floats; the xyz triples are summed at the end. */
MTT_VECTOR_CLONES
static void accumulate_tangent_f32(size_t nlm, float *restrict v3, const float *restrict d,
                                   const float *dw)
{
    float pattern[LANES];
    for (int t = 0; t < LANES; ++t) pattern[t] = dw[t % 3];
    const size_t n3 = 3 * nlm;
    size_t k = 0;
    for (; k + LANES <= n3; k += LANES)
        for (int t = 0; t < LANES; ++t) v3[k + t] += d[k + t] * pattern[t];
    for (; k < n3; ++k) v3[k] += d[k] * dw[k % 3];
}

void mtt_soap_forces_f32_(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                          double *forces, double *dE_deps)
{
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    const size_t nlm = (size_t)soap->N * soap->LM, per = 3 * nlm;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    float *cbar = (float *)s.vec, *vp = (float *)s.vp, *G = (float *)s.kk1;
    float *v3 = (float *)s.wide;
    memset(forces, 0, 3 * (size_t)n * sizeof *forces);
    if (dE_deps) memset(dE_deps, 0, 9 * sizeof *dE_deps);
    for (int i = 0; i < n; ++i) {
        if (nl->first[i] == nl->first[i + 1]) continue;
        backward_f32(soap, w->c32 + (size_t)i * soap->NC, g + (size_t)i * soap->dim, cbar, G);
        to_pair_order_f32(soap, cbar, vp);
        for (int k = 0; k < soap->NC; ++k) v3[3 * k] = v3[3 * k + 1] = v3[3 * k + 2] = vp[k];
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double f[3];
            contract_pair_f32(nlm, v3 + (size_t)w->species_index[j] * per, w->dphi32 + q * per, f);
            for (int x = 0; x < 3; ++x) {
                forces[3 * j + x] -= f[x];
                forces[3 * i + x] += f[x];
            }
            if (dE_deps) {
                const double *v = nl->rij + 3 * q;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b) dE_deps[3 * a + b] += f[a] * v[b];
            }
        }
    }
}

void mtt_soap_tangent_strain_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                  mtt_soap_work *w, double *pdot)
{
    const mtt_nlist *nl = w->nl;
    const size_t nlm = (size_t)soap->N * soap->LM, per = 3 * nlm;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    float *cdot = (float *)s.vec, *vp = (float *)s.vp, *M = (float *)s.kk1;
    float *v3 = (float *)s.wide;
    for (int i = 0; i < w->n_atoms; ++i) {
        memset(v3, 0, 3 * (size_t)soap->NC * sizeof *v3);
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
            const float dwf[3] = {(float)dw[0], (float)dw[1], (float)dw[2]};
            accumulate_tangent_f32(nlm, v3 + (size_t)w->species_index[j] * per,
                                   w->dphi32 + q * per, dwf);
        }
        for (int k = 0; k < soap->NC; ++k) vp[k] = (v3[3 * k] + v3[3 * k + 1]) + v3[3 * k + 2];
        from_pair_order_f32(soap, vp, cdot);
        pdot_f32(soap, w->c32 + (size_t)i * soap->NC, cdot, pdot + (size_t)i * soap->dim, M);
    }
}
