/* soap.c — SOAP expansion coefficients and power spectrum (see soap.h).
 *
 * Per pair: one radial evaluation (table or exact), one spherical-harmonic
 * recursion, then φ_nlm = g_nl Y_lm and, on request, the factors of
 *     ∂φ/∂r_ij = g'_nl Y_lm û + (g_nl/r)(∇𝒴_lm(û) - l Y_lm û)       (docs/math.md §1)
 *              = a_nl Y_lm û + b_nl ∇𝒴_lm
 * (a, b, Y, ∇𝒴, û: soap_internal.h), never the N·(L+1)²×3 product itself.
 * φ is accumulated into c(i) in the [l][k][m] layout, which makes the power
 * spectrum of each l a K×K Gram matrix of contiguous rows.  With
 * MTT_SOAP_STORE_GRAD_F32 everything is computed in double and the stored
 * factors and a copy of c are rounded to float (base_precision: 32).
 */
#include "config.h"

#include "model/soap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/soap_internal.h"
#include "model/sph.h"

void mtt_soap_free(mtt_soap *soap)
{
    if (!soap) return;
    free(soap->species);
    free(soap->alpha);
    free(soap->ylm_k);
    mtt_radial_free(&soap->radial);
    free(soap);
}

mtt_status mtt_soap_create(mtt_soap **out, const mtt_soap_params *pr, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_soap *s = NULL;
    *out = NULL;
    MTT_RETURN_ERROR_IF(pr->n_species < 1 || !pr->species, err, MTT_ERR_OPTIONS,
                        "soap: no species given; the dataset must contain at least one element");
    for (int a = 1; a < pr->n_species; ++a)
        MTT_RETURN_ERROR_IF(pr->species[a] <= pr->species[a - 1], err, MTT_ERR_INTERNAL,
                            "soap: species list is not strictly increasing at position %d", a);
    MTT_RETURN_ERROR_IF(pr->max_angular > MTT_SPH_MAX_L, err, MTT_ERR_OPTIONS,
                        "soap: max_angular %d exceeds %d; choose a smaller value", pr->max_angular,
                        MTT_SPH_MAX_L);
    s = calloc(1, sizeof *s);
    if (!s) return mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory");
    st = mtt_radial_init(&s->radial, pr->max_radial, pr->max_angular, pr->cutoff, pr->width,
                         pr->grid_spacing, err);
    if (st != MTT_OK) goto cleanup;
    s->cutoff = pr->cutoff;
    s->width = pr->width;
    s->n_species = pr->n_species;
    s->N = pr->max_radial + 1;
    s->NP = (s->N + 3) / 4 * 4;
    s->L = pr->max_angular;
    s->K = s->n_species * s->N;
    s->LM = (s->L + 1) * (s->L + 1);
    s->NC = s->K * s->LM;
    s->dim = (size_t)s->K * (s->K + 1) / 2 * (s->L + 1);
    s->species = malloc((size_t)s->n_species * sizeof *s->species);
    s->alpha = malloc((size_t)(s->L + 1) * sizeof *s->alpha);
    s->ylm_k = malloc((size_t)s->LM * sizeof *s->ylm_k);
    if (!s->species || !s->alpha || !s->ylm_k) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory");
        goto cleanup;
    }
    memcpy(s->species, pr->species, (size_t)s->n_species * sizeof *s->species);
    for (int l = 0; l <= s->L; ++l) s->alpha[l] = 1.0 / sqrt(2.0 * l + 1.0);
    mtt_sph_prefactors(s->L, s->ylm_k);
    *out = s;
    s = NULL;
cleanup:
    mtt_soap_free(s);
    return st;
}

size_t mtt_soap_dim(const mtt_soap *soap)
{
    return soap->dim;
}

int mtt_soap_species_index(const mtt_soap *soap, int z)
{
    for (int a = 0; a < soap->n_species; ++a)
        if (soap->species[a] == z) return a;
    return -1;
}

size_t mtt_soap_feature(const mtt_soap *soap, int k1, int k2, int l)
{
    /* rows before k1 hold Σ_{r<k1} (K - r) = k1·K - k1(k1-1)/2 pairs */
    size_t K = (size_t)soap->K, a = (size_t)k1;
    size_t pair = a * K - a * (a ? a - 1 : 0) / 2 + (size_t)(k2 - k1);
    return pair * (size_t)(soap->L + 1) + (size_t)l;
}

void mtt_soap_work_init(mtt_soap_work *w)
{
    memset(w, 0, sizeof *w);
}

/* Forget the arrays an arena holds (it frees them). */
static void leave_arena(mtt_soap_work *w)
{
    if (!w->in_arena) return;
    w->c = NULL, w->fac = NULL, w->fac32 = NULL, w->c32 = NULL, w->jac = NULL, w->jac32 = NULL;
    w->cap_c = w->cap_fac = w->cap_fac32 = w->cap_c32 = w->cap_jac = w->cap_jac32 = 0;
    w->in_arena = 0;
}

/* Copy n elements of `size` bytes from *p into the block at *at, point *p there. */
static void move_array(void **p, size_t n, size_t size, char **at)
{
    if (!*p || !n) return;
    memcpy(*at, *p, n * size);
    free(*p);
    *p = *at;
    *at += (n * size + 63) / 64 * 64;
}

int mtt_soap_work_move_to_arena(mtt_soap_work *w, mtt_arena *arena)
{
    if (w->in_arena) return 1;
    size_t caps[6] = {w->c ? w->cap_c : 0,       w->fac ? w->cap_fac : 0,
                      w->fac32 ? w->cap_fac32 : 0, w->c32 ? w->cap_c32 : 0,
                      w->jac ? w->cap_jac : 0,   w->jac32 ? w->cap_jac32 : 0};
    const size_t sizes[6] = {sizeof(double), sizeof(double), sizeof(float),
                             sizeof(float),  sizeof(double), sizeof(float)};
    size_t bytes = 0;
    for (int k = 0; k < 6; ++k) bytes += (caps[k] * sizes[k] + 63) / 64 * 64;
    if (!bytes) return 1;
    char *at = mtt_arena_alloc(arena, bytes);
    if (!at) return 0;
    move_array((void **)&w->c, caps[0], sizes[0], &at);
    move_array((void **)&w->fac, caps[1], sizes[1], &at);
    move_array((void **)&w->fac32, caps[2], sizes[2], &at);
    move_array((void **)&w->c32, caps[3], sizes[3], &at);
    move_array((void **)&w->jac, caps[4], sizes[4], &at);
    move_array((void **)&w->jac32, caps[5], sizes[5], &at);
    w->in_arena = 1;
    return 1;
}

void mtt_soap_work_free(mtt_soap_work *w)
{
    if (!w) return;
    leave_arena(w);
    free(w->c);
    free(w->fac);
    free(w->fac32);
    free(w->c32);
    free(w->scratch);
    free(w->jac);
    free(w->jac32);
    free(w->dense_acc);
    free(w->half_pair);
    free(w->half_centre);
    free(w->pass);
    memset(w, 0, sizeof *w);
}

void mtt_soap_gradient_forms(const mtt_soap *soap, const mtt_nlist *nl, double values[MTT_SOAP_FORMS])
{
    double pairs = 0.0, kept = 0.0, n = (double)nl->n_atoms, D = (double)soap->dim;
    for (int i = 0; i < nl->n_atoms; ++i)
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q)
            if (nl->r[q] < soap->cutoff) {
                pairs += 1.0;
                kept += mtt_soap_pair_kept_(nl, i, q);
            }
    /* one direction per pair i↔j (MTT_SOAP_HALF_PAIRS), for both gradient forms */
    values[MTT_SOAP_FORM_FACTORED] = kept * (double)MTT_SOAP_FAC_SIZE(soap);
    values[MTT_SOAP_FORM_EXPANDED] = kept * 3.0 * soap->N * soap->LM;
    values[MTT_SOAP_FORM_DESCRIPTOR] = pairs * 3.0 * D;
    values[MTT_SOAP_FORM_DENSE] = n * D * (3.0 * n + 9.0);  /* positions and strain */
}

void mtt_soap_work_drop_double(mtt_soap_work *w)
{
    if (w->stored != 2) return;
    if (!w->in_arena) free(w->c);
    w->c = NULL;
    w->cap_c = 0;
}

size_t mtt_soap_pair_gradient_size(const mtt_soap *soap)
{
    return MTT_SOAP_FAC_SIZE(soap);
}

void mtt_soap_pair_(const mtt_soap *soap, const double *rij, double r, soap_scratch *s,
                    double *phi, double *fac)
{
    const int N = soap->N, L = soap->L, LM = soap->LM;
    double u[3] = {rij[0] / r, rij[1] / r, rij[2] / r};
    mtt_radial_eval(&soap->radial, r, s->g, fac ? s->dg : NULL);
    mtt_sph_eval(L, soap->ylm_k, u, s->y, fac ? s->dy : NULL);
    for (int n = 0; n < N; ++n)
        for (int l = 0; l <= L; ++l) {
            double g = s->g[l * N + n];
            int base = l * l;
            for (int m = 0; m < 2 * l + 1; ++m) phi[n * LM + base + m] = g * s->y[base + m];
        }
    if (!fac) return;
    const int NP = soap->NP;
    const double ir = 1.0 / r;
    double *a = fac + MTT_SOAP_FAC_A(soap), *b = fac + MTT_SOAP_FAC_B(soap);
    for (int l = 0; l <= L; ++l) {
        for (int n = 0; n < N; ++n) {
            const double g = s->g[l * N + n], gr = g * ir;
            a[l * NP + n] = s->dg[l * N + n] - gr * l;  /* coefficient of Y û */
            b[l * NP + n] = gr;                         /* coefficient of ∇𝒴 */
        }
        for (int n = N; n < NP; ++n) a[l * NP + n] = b[l * NP + n] = 0.0;
    }
    memcpy(fac + MTT_SOAP_FAC_Y(soap), s->y, (size_t)LM * sizeof *fac);
    memcpy(fac + MTT_SOAP_FAC_DY(soap), s->dy, 3 * (size_t)LM * sizeof *fac);
    memcpy(fac + MTT_SOAP_FAC_U(soap), u, sizeof u);
}

static mtt_status grow_work(const mtt_soap *soap, mtt_soap_work *w, int n_atoms, size_t n_pairs,
                            int store, int store32, mtt_error *err)
{
    leave_arena(w); /* a new compute: the arena keeps the old arrays until it goes */
    /* capacities count doubles: one workspace may serve several mtt_soap */
    size_t need_c = (size_t)n_atoms * soap->NC;
    if (need_c > w->cap_c) {
        double *c = realloc(w->c, need_c * sizeof *c);
        if (!c) return mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory for %d atoms", n_atoms);
        w->c = c;
        w->cap_c = need_c;
    }
    MTT_FORWARD_IF_ERROR(mtt_soap_scratch_ready_(soap, w, err));
    size_t need_d = n_pairs * MTT_SOAP_FAC_SIZE(soap);
    if (store && need_d > w->cap_fac) {
        double *d = realloc(w->fac, need_d * sizeof *d);
        if (!d)
            return mtt_error_set(err, MTT_ERR_NOMEM,
                                 "soap: out of memory storing gradients of %zu pairs (%zu MB); "
                                 "compute without MTT_SOAP_STORE_GRAD",
                                 n_pairs, need_d * 8 >> 20);
        w->fac = d;
        w->cap_fac = need_d;
    }
    if (store32 && need_d > w->cap_fac32) {
        float *d = realloc(w->fac32, need_d * sizeof *d);
        if (!d)
            return mtt_error_set(err, MTT_ERR_NOMEM,
                                 "soap: out of memory storing gradients of %zu pairs (%zu MB); "
                                 "compute without MTT_SOAP_STORE_GRAD_F32",
                                 n_pairs, need_d * 4 >> 20);
        w->fac32 = d;
        w->cap_fac32 = need_d;
    }
    if (store32 && need_c > w->cap_c32) {
        float *c = realloc(w->c32, need_c * sizeof *c);
        if (!c) return mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory for %d atoms", n_atoms);
        w->c32 = c;
        w->cap_c32 = need_c;
    }
    return MTT_OK;
}

/* p_{k1k2l} = α_l Σ_m c_{k1lm} c_{k2lm} for one atom. */
static void power_spectrum(const mtt_soap *soap, const double *c, double *p)
{
    const int K = soap->K, L = soap->L;
    for (int l = 0; l <= L; ++l) {
        const int w = 2 * l + 1;
        const double *cl = c + (size_t)K * l * l, a = soap->alpha[l];
        size_t pair = 0;
        for (int k1 = 0; k1 < K; ++k1) {
            const double *x = cl + k1 * w;
            for (int k2 = k1; k2 < K; ++k2, ++pair) {
                const double *y = cl + k2 * w;
                double sum = 0.0;
                for (int m = 0; m < w; ++m) sum += x[m] * y[m];
                p[pair * (size_t)(L + 1) + l] = a * sum;
            }
        }
    }
}

void mtt_soap_power_spectrum_f32(const mtt_soap *soap, mtt_soap_work *w, float *p)
{
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    for (int i = 0; i < w->n_atoms; ++i) {
        power_spectrum(soap, w->c + (size_t)i * soap->NC, s.pdot);
        float *row = p + (size_t)i * soap->dim;
        for (size_t d = 0; d < soap->dim; ++d) row[d] = (float)s.pdot[d];
    }
}

const double *mtt_soap_pair_factors_(const mtt_soap *soap, mtt_soap_work *w, size_t h, size_t q,
                                     soap_scratch *s)
{
    const size_t per = MTT_SOAP_FAC_SIZE(soap);
    if (w->stored == 1) return w->fac + h * per;
    if (w->stored == 2) {  /* widen the stored floats (slow paths only) */
        const float *d = w->fac32 + h * per;
        for (size_t k = 0; k < per; ++k) s->fac[k] = d[k];
        return s->fac;
    }
    const mtt_nlist *nl = w->nl;
    mtt_soap_pair_(soap, nl->rij + 3 * q, nl->r[q], s, s->phi, s->fac);
    return s->fac;
}

const double *mtt_soap_pair_grad_(const mtt_soap *soap, mtt_soap_work *w, size_t q, soap_scratch *s)
{
    const int N = soap->N, NP = soap->NP, L = soap->L, LM = soap->LM;
    const mtt_nlist *nl = w->nl;
    const double *fac = s->fac;
    mtt_soap_pair_(soap, nl->rij + 3 * q, nl->r[q], s, s->phi, s->fac);
    const double *a = fac + MTT_SOAP_FAC_A(soap), *b = fac + MTT_SOAP_FAC_B(soap);
    const double *y = fac + MTT_SOAP_FAC_Y(soap), *dy = fac + MTT_SOAP_FAC_DY(soap);
    const double *u = fac + MTT_SOAP_FAC_U(soap);
    for (int n = 0; n < N; ++n)
        for (int l = 0; l <= L; ++l)
            for (int lm = l * l; lm < (l + 1) * (l + 1); ++lm)
                for (int x = 0; x < 3; ++x)
                    s->dphi[3 * (n * LM + lm) + x] =
                        a[l * NP + n] * y[lm] * u[x] + b[l * NP + n] * dy[3 * lm + x];
    return s->dphi;
}

mtt_status mtt_soap_compute(const mtt_soap *soap, const mtt_nlist *nl, const int *species_index,
                            double *p, mtt_soap_work *w, int flags, mtt_error *err)
{
    const int n = nl->n_atoms, N = soap->N, L = soap->L, K = soap->K, LM = soap->LM;
    const int store32 = (flags & MTT_SOAP_STORE_GRAD_F32) != 0;
    const int store = !store32 && (flags & MTT_SOAP_STORE_GRAD) != 0;
    if (flags & MTT_SOAP_HALF_PAIRS) MTT_FORWARD_IF_ERROR(mtt_soap_half_build_(w, nl, err));
    else w->half = 0;
    mtt_soap_work_lend_pass(w, NULL, 0); /* a lent buffer may not outlive this compute */
    mtt_soap_work_lend_scratch(w, NULL, 0);
    const int half = w->half;
    for (int i = 0; i < n; ++i)
        MTT_RETURN_ERROR_IF(species_index[i] < 0 || species_index[i] >= soap->n_species, err,
                            MTT_ERR_DATA,
                            "soap: atom %d has species index %d outside 0..%d; the species list must "
                            "contain every element of the dataset",
                            i, species_index[i], soap->n_species - 1);
    MTT_FORWARD_IF_ERROR(grow_work(soap, w, n, half ? w->n_half : nl->n_pairs, store, store32,
                                   err));
    w->nl = nl;
    w->species_index = species_index;
    w->n_atoms = n;
    w->stored = 0;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    const size_t per = MTT_SOAP_FAC_SIZE(soap);
    size_t h = 0; /* the stored pairs so far: every pair, or the kept directions */
    for (int i = 0; i < n; ++i) {
        double *c = w->c + (size_t)i * soap->NC;
        memset(c, 0, (size_t)soap->NC * sizeof *c);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            double r = nl->r[q];
            const int keep = (store || store32) && (!half || mtt_soap_pair_kept_(nl, i, q));
            double *fac = !keep ? NULL : store ? w->fac + h * per : s.fac;
            float *fac32 = keep && store32 ? w->fac32 + h * per : NULL;
            h += keep;
            if (r >= soap->cutoff) {
                if (fac) memset(fac, 0, per * sizeof *fac);
                if (fac32) memset(fac32, 0, per * sizeof *fac32);
                continue;
            }
            MTT_RETURN_ERROR_IF(r < 1e-8, err, MTT_ERR_DATA,
                                "soap: atoms %d and %d overlap (distance %g Å); check the positions", i,
                                nl->j[q], r);
            mtt_soap_pair_(soap, nl->rij + 3 * q, r, &s, s.phi, fac);
            if (fac32)
                for (size_t k = 0; k < per; ++k) fac32[k] = (float)fac[k];
            const int a = species_index[nl->j[q]];
            for (int l = 0; l <= L; ++l) {
                const int wl = 2 * l + 1;
                double *cl = c + (size_t)K * l * l + (size_t)a * N * wl;
                for (int nn = 0; nn < N; ++nn) {
                    const double *ph = s.phi + nn * LM + l * l;
                    double *cc = cl + nn * wl;
                    for (int m = 0; m < wl; ++m) cc[m] += ph[m];
                }
            }
        }
        if (p) power_spectrum(soap, c, p + (size_t)i * soap->dim);
        if (store32)
            for (int k = 0; k < soap->NC; ++k) w->c32[(size_t)i * soap->NC + k] = (float)c[k];
    }
    w->stored = store ? 1 : store32 ? 2 : 0;
    return MTT_OK;
}
