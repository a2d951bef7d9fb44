/* soap_dense.c — the position derivatives of a small structure as one dense
 * Jacobian (docs/performance.md, "Descriptor path").
 *
 * For a cell of n atoms with many neighbours each (periodic images
 * included), the factored pair gradients take pairs × (2·NP·(L+1) + 4·LM + 3)
 * values, while the Jacobian of its descriptors with respect to the n atoms'
 * positions and the homogeneous strain takes n·D·(3n + 9): for copper (45
 * neighbours, D = 252) the Jacobian is smaller below 18 atoms than the
 * factors of both directions of its pairs (below 9 than those of one, which
 * is what MTT_SOAP_HALF_PAIRS stores), and its passes need neither the
 * per-pair kernels nor the per-atom per-l products.
 * mtt_soap_prefers_dense() makes that comparison; the feature set-up
 * (soap_bpnn.c) then builds the Jacobian once from the factored passes —
 * column c of J is the tangent along the unit displacement (or strain) c —
 * and drops the pair gradients and the coefficients.
 *
 * Row (i, d) of J, R = 3n + 9 values: ∂p_id/∂r_k,x at 3k + x, ∂p_id/∂ε_ab at
 * 3n + 3a + b.  Passes:
 *   forces  F = −Σ_rows g_row J_row[0..3n),  ∂E/∂ε = Σ_rows g_row J_row[3n..)
 *   tangent ṗ_row = J_row · [w | ε]
 * accumulated in double (eight partial sums per dot product, in a fixed
 * order, so every vector clone rounds alike).  Stored as doubles
 * (stored = 3) or, at base_precision 32, floats (stored = 4).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/soap.h"
#include "model/soap_internal.h"
#include "util/vector.h"

/* The factored form stores one direction of each pair (MTT_SOAP_HALF_PAIRS)
 * but its passes still do per-pair and per-atom products, which the dense
 * passes do not: against twice its values (both directions), the dense
 * Jacobian is kept up to ~14 atoms for copper.  Measured with bench_train
 * (docs/performance.md, "Descriptor path"): 2x faster SOAP passes than the
 * factored form on cells of 4 and 8 atoms, the same on 12-16. */
int mtt_soap_prefers_dense(const mtt_soap *soap, const mtt_nlist *nl)
{
    double v[MTT_SOAP_FORMS];
    mtt_soap_gradient_forms(soap, nl, v);
    return v[MTT_SOAP_FORM_DENSE] < 2.0 * v[MTT_SOAP_FORM_FACTORED];
}

mtt_status mtt_soap_dense_build(const mtt_soap *soap, mtt_soap_work *w, int store32,
                                mtt_error *err)
{
    MTT_RETURN_ERROR_IF(w->stored != 1 || !w->c || w->in_arena, err, MTT_ERR_INTERNAL,
                        "soap: the dense Jacobian is built from stored double pair gradients, "
                        "before they move to an arena; this is a bug, please report it");
    const size_t n = (size_t)w->n_atoms, D = soap->dim, R = 3 * n + 9, rows = n * D;
    double *jac = malloc((rows ? rows * R : 1) * sizeof *jac);
    double *u = calloc(R, sizeof *u);
    double *acc = malloc(R * sizeof *acc);
    double *pdot = malloc((rows ? rows : 1) * sizeof *pdot);
    float *jac32 = store32 ? malloc((rows ? rows * R : 1) * sizeof *jac32) : NULL;
    mtt_status st = MTT_OK;
    if (!jac || !u || !acc || !pdot || (store32 && !jac32)) {
        st = mtt_error_set(err, MTT_ERR_NOMEM,
                           "soap: out of memory for the dense Jacobian of %zu atoms (%.1f MiB)",
                           n, (double)(rows * R * sizeof *jac) / (1024.0 * 1024.0));
        goto done;
    }
    for (size_t col = 0; col < R; ++col) {
        u[col] = 1.0;
        st = mtt_soap_tangent_strain(soap, col < 3 * n ? u : NULL, col < 3 * n ? NULL : u + 3 * n,
                                     w, pdot, err);
        u[col] = 0.0;
        if (st != MTT_OK) goto done;
        for (size_t r = 0; r < rows; ++r) jac[r * R + col] = pdot[r];
    }
    /* the Jacobian replaces the pair gradients and the coefficients */
    free(w->fac), w->fac = NULL, w->cap_fac = 0;
    free(w->c), w->c = NULL, w->cap_c = 0;
    free(w->pass), w->pass = NULL, w->cap_pass = 0; /* and what only the pair passes use */
    free(w->half_pair), w->half_pair = NULL;
    free(w->half_centre), w->half_centre = NULL;
    w->half = 0, w->n_half = w->cap_half = 0;
    free(w->jac), free(w->jac32), free(w->dense_acc);
    w->jac = NULL, w->jac32 = NULL;
    w->dense_acc = acc, acc = NULL;
    if (store32) {
        for (size_t k = 0; k < rows * R; ++k) jac32[k] = (float)jac[k];
        w->jac32 = jac32, jac32 = NULL;
        w->cap_jac32 = rows * R;
        w->stored = 4;
    } else {
        w->jac = jac, jac = NULL;
        w->cap_jac = rows * R;
        w->stored = 3;
    }
done:
    free(jac);
    free(jac32);
    free(acc);
    free(u);
    free(pdot);
    return st;
}

/* ---- the passes, once per storage type ---------------------------------- */

#define LANES 8

MTT_VECTOR_INLINE double lane_total(const double s[LANES])
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* acc[0..R) = Σ_rows g_row J_row, g of atom i at g + rows[i]·D (double) or
 * gf + rows[i]·D (float, when g is NULL), times scale. */
#define DENSE_FORCES(NAME, JREAL)                                                          \
    MTT_VECTOR_CLONES                                                                      \
    static void NAME(const JREAL *restrict jac, size_t n, size_t D, const double *g,       \
                     const float *gf, const size_t *rows, double scale,                    \
                     double *restrict acc)                                                 \
    {                                                                                      \
        const size_t R = 3 * n + 9;                                                        \
        for (size_t c = 0; c < R; ++c) acc[c] = 0.0;                                       \
        for (size_t i = 0; i < n; ++i) {                                                   \
            const size_t row = (rows ? rows[i] : i) * D;                                   \
            for (size_t d = 0; d < D; ++d) {                                               \
                const double x = scale * (g ? g[row + d] : (double)gf[row + d]);           \
                const JREAL *restrict j = jac + (i * D + d) * R;                           \
                for (size_t c = 0; c < R; ++c) acc[c] += x * (double)j[c];                 \
            }                                                                              \
        }                                                                                  \
    }

/* ṗ_row = J_row · u for every row, scale · ṗ into pdot + rows[i]·D (double) or, when
 * pdot is NULL, (float)(scale · ṗ) into pf + rows[i]·D. */
#define DENSE_TANGENT(NAME, JREAL)                                                         \
    MTT_VECTOR_CLONES                                                                      \
    static void NAME(const JREAL *restrict jac, size_t n, size_t D, const double *u,       \
                     double *pdot, float *pf, const size_t *rows, double scale)            \
    {                                                                                      \
        const size_t R = 3 * n + 9;                                                        \
        for (size_t i = 0; i < n; ++i) {                                                   \
            const size_t row = (rows ? rows[i] : i) * D;                                   \
            for (size_t d = 0; d < D; ++d) {                                               \
                const JREAL *restrict j = jac + (i * D + d) * R;                           \
                double s[LANES] = {0};                                                     \
                size_t c = 0;                                                              \
                for (; c + LANES <= R; c += LANES)                                         \
                    for (int k = 0; k < LANES; ++k) s[k] += (double)j[c + k] * u[c + k];   \
                for (; c < R; ++c) s[0] += (double)j[c] * u[c];                            \
                const double v = lane_total(s);                                            \
                if (pdot)                                                                  \
                    pdot[row + d] = scale * v;                                             \
                else                                                                       \
                    pf[row + d] = (float)(scale * v);                                      \
            }                                                                              \
        }                                                                                  \
    }

DENSE_FORCES(forces_dense_f64, double)
DENSE_FORCES(forces_dense_f32, float)
DENSE_TANGENT(tangent_dense_f64, double)
DENSE_TANGENT(tangent_dense_f32, float)

void mtt_soap_dense_forces_(const mtt_soap *soap, mtt_soap_work *w, const double *g,
                            const float *gf, const size_t *rows, double scale, double *forces,
                            double *dE_deps)
{
    const size_t n = (size_t)w->n_atoms;
    double *acc = w->dense_acc;
    if (w->stored == 3)
        forces_dense_f64(w->jac, n, soap->dim, g, gf, rows, scale, acc);
    else
        forces_dense_f32(w->jac32, n, soap->dim, g, gf, rows, scale, acc);
    for (size_t c = 0; c < 3 * n; ++c) forces[c] = -acc[c];
    if (dE_deps) memcpy(dE_deps, acc + 3 * n, 9 * sizeof *dE_deps);
}

void mtt_soap_dense_tangent_(const mtt_soap *soap, mtt_soap_work *w, const double *wvec,
                             const double *strain, double *pdot, float *pf, const size_t *rows,
                             double scale)
{
    const size_t n = (size_t)w->n_atoms;
    double *u = w->dense_acc;
    for (size_t c = 0; c < 3 * n; ++c) u[c] = wvec ? wvec[c] : 0.0;
    for (size_t c = 0; c < 9; ++c) u[3 * n + c] = strain ? strain[c] : 0.0;
    if (w->stored == 3)
        tangent_dense_f64(w->jac, n, soap->dim, u, pdot, pf, rows, scale);
    else
        tangent_dense_f32(w->jac32, n, soap->dim, u, pdot, pf, rows, scale);
}
