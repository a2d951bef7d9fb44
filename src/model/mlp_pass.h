/* mlp_pass.h — passes of one species' network over a batch of its atoms.
 *
 * Rows = atoms, so every layer is one GEMM through model/blas.h.  Shapes
 * (row-major, n ≤ max_rows rows, D = net->cfg.n_input):
 *   p, v, dydp : n×D   descriptor, tangent direction, ∂y/∂p
 *   y, ydot, a : n     per-atom output, tangent ẏ_i = ∂y_i/∂p_i · v_i, weights
 *   params, grad: net->n_params, the flat layout of mlp.h
 * Units: y is the raw network output (the trainer multiplies by the energy
 * scale σ_s); dydp has units of y per unit of p; ẏ units of y when v has
 * units of p.
 *
 * Protocol, per batch (one species):
 *   1. mtt_mlp_forward           y; keeps activations, σ', σ'' in the workspace;
 *   2. mtt_mlp_input_gradient    ∂y_i/∂p_i (forces); optional;
 *   3. mtt_mlp_backward          adds to grad the parameter gradient of
 *                                  Σ_i a_i y_i  +  Σ_i ẏ_i(v_i)
 *                                (energy loss with a_i = ∂L/∂y_i, force loss
 *                                with v_i from docs/math.md §5); either term may be
 *                                off (a or v NULL); optionally returns ẏ.
 * Steps 2 and 3 use the state of the last forward; they may be repeated.
 * The caller must keep params (and p when layernorm is off: the workspace
 * then points at p instead of copying it) unchanged from 1 to 3.
 * The backward shares the reverse signals ε (computed once, by 2 or 3) and
 * does one tangent sweep up and one reverse sweep down:
 *   cost ≈ forward 2nDH, input gradient 2nDH, backward 6nDH (+ O(nH²L)).
 *
 * The workspace (caller-owned, sized once for max_rows) holds everything;
 * no call here allocates.  One workspace per thread; a workspace refers to
 * its net, which must outlive it.
 */
#ifndef MTT_MODEL_MLP_PASS_H
#define MTT_MODEL_MLP_PASS_H

#include <stddef.h>

#include "model/mlp.h"
#include "util/status.h"

typedef struct mtt_mlp_work mtt_mlp_work;

/* Workspace for batches of up to max_rows atoms of net. */
mtt_status mtt_mlp_work_create(const mtt_mlp *net, size_t max_rows, mtt_mlp_work **out,
                               mtt_error *err);
void mtt_mlp_work_free(mtt_mlp_work *ws);
/* Bytes a workspace for max_rows rows takes (for memory budgets). */
size_t mtt_mlp_work_bytes(const mtt_mlp *net, size_t max_rows);
/* on = 1: every product goes through the plain-loop mtt_blas_ref_*gemm
 * (tests: the GEMM path must equal the loop path); 0: OpenBLAS (default). */
void mtt_mlp_work_use_reference_blas(mtt_mlp_work *ws, int on);

/* Forward pass of species index s over n atoms: y[i] = net_s(p_i).
 * y may be NULL (activations are still kept).  Errors: MTT_ERR_INTERNAL when
 * n > max_rows or s is out of range (programmer errors). */
mtt_status mtt_mlp_forward(mtt_mlp_work *ws, const double *params, size_t s, size_t n,
                           const double *p, double *y, mtt_error *err);
/* The same with input row i at rows[i] (each D long, anywhere in memory):
 * the layer norm reads them where they are, so a batch's descriptors need
 * no gathering copy.  Only for a network with a layer norm (without one,
 * gather the rows and call mtt_mlp_forward); the rows must stay unchanged
 * until the last pass of this batch. */
mtt_status mtt_mlp_forward_rows(mtt_mlp_work *ws, const double *params, size_t s, size_t n,
                                const double *const *rows, double *y, mtt_error *err);

/* dydp (n×D) = ∂y_i/∂p_i of the last forward, LayerNorm Jacobian included. */
mtt_status mtt_mlp_input_gradient(mtt_mlp_work *ws, double *dydp, mtt_error *err);

/* grad += ∂/∂params [ Σ_i a_i y_i + Σ_i ẏ_i ],  ẏ_i = ∂y_i/∂p_i · v_i,
 * for the batch of the last forward; only the block of its species changes.
 * a (n) or v (n×D) may be NULL to drop that term; ydot (n) receives ẏ when
 * not NULL (requires v).  grad may be NULL to get ẏ only. */
mtt_status mtt_mlp_backward(mtt_mlp_work *ws, const double *a, const double *v,
                            double *ydot, double *grad, mtt_error *err);
/* The same, but the block of the batch's species in grad is SET to that
 * gradient (also when a and v are both NULL: zeros), not added to: the
 * caller needs no zeroing pass, and the products do not read the old
 * values.  The other species' blocks are untouched. */
mtt_status mtt_mlp_backward_set(mtt_mlp_work *ws, const double *a, const double *v,
                                double *ydot, double *grad, mtt_error *err);

/* ---- single precision (base_precision: 32) ---------------------------------
 * Same protocol and contracts with float arrays: params/grad are a float
 * flat array with the same layout (mtt_mlp_init_params fills doubles; convert
 * them).  Products use sgemm; layer-norm row sums are accumulated in double.
 * A workspace is created for one precision; mixing is an MTT_ERR_INTERNAL. */
mtt_status mtt_mlp_work_create_f32(const mtt_mlp *net, size_t max_rows, mtt_mlp_work **out,
                                   mtt_error *err);
size_t mtt_mlp_work_bytes_f32(const mtt_mlp *net, size_t max_rows);
mtt_status mtt_mlp_forward_f32(mtt_mlp_work *ws, const float *params, size_t s, size_t n,
                               const float *p, float *y, mtt_error *err);
mtt_status mtt_mlp_forward_rows_f32(mtt_mlp_work *ws, const float *params, size_t s, size_t n,
                                    const float *const *rows, float *y, mtt_error *err);
mtt_status mtt_mlp_input_gradient_f32(mtt_mlp_work *ws, float *dydp, mtt_error *err);
mtt_status mtt_mlp_backward_f32(mtt_mlp_work *ws, const float *a, const float *v,
                                float *ydot, float *grad, mtt_error *err);
mtt_status mtt_mlp_backward_set_f32(mtt_mlp_work *ws, const float *a, const float *v,
                                    float *ydot, float *grad, mtt_error *err);

#endif
