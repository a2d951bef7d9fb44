/* layernorm.h — layer norm without affine parameters, row by row.
 *
 * For one row p of length d (PyTorch nn.LayerNorm(d, elementwise_affine=False)):
 *   μ = mean(p), var = mean((p − μ)²) (biased), s = √(var + eps),
 *   x̂ = (p − μ)/s.
 * Its Jacobian J = ∂x̂/∂p is symmetric (docs/math.md §4):
 *   J v = (v − mean(v) − x̂·mean(x̂ ⊙ v)) / s,
 * so the same routine serves the tangent (J v) and the backward (Jᵀ g).
 * Rows are row-major, stride d.  Units: x̂ is dimensionless; J carries 1/[p].
 * Cost: O(n·d), two passes per row.
 */
#ifndef MTT_MODEL_LAYERNORM_H
#define MTT_MODEL_LAYERNORM_H

#include <stddef.h>

/* The eps used by soap_bpnn (PyTorch's default). */
#define MTT_LAYERNORM_EPS 1e-5

/* xhat (n×d) = LN(p) row-wise; inv_s[r] = 1/s of row r (needed by the
 * Jacobian).  xhat may alias p. */
void mtt_layernorm_forward(size_t n, size_t d, double eps, const double *p, double *xhat,
                           double *inv_s);

/* The same with row r read from rows[r] (rows scattered in memory, e.g. a
 * batch's descriptors where the cache keeps them: no gathering copy). */
void mtt_layernorm_forward_rows(size_t n, size_t d, double eps, const double *const *rows,
                                double *xhat, double *inv_s);

/* out (n×d) = J v row-wise, from the xhat and inv_s of mtt_layernorm_forward.
 * out may alias v (in place). */
void mtt_layernorm_jvp(size_t n, size_t d, const double *xhat, const double *inv_s,
                       const double *v, double *out);

/* Single-precision versions (row sums accumulated in double). */
void mtt_layernorm_forwardf(size_t n, size_t d, double eps, const float *p, float *xhat,
                            float *inv_s);
void mtt_layernorm_forward_rowsf(size_t n, size_t d, double eps, const float *const *rows,
                                 float *xhat, float *inv_s);
void mtt_layernorm_jvpf(size_t n, size_t d, const float *xhat, const float *inv_s,
                        const float *v, float *out);

#endif
