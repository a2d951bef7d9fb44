/* composition.h — composition baseline: one energy per atomic type, fitted by
 * least squares of structure energies on element counts.
 *
 * Model: E_s ~ sum_z n_{s,z} w_z   (n_{s,z} atoms of type z in structure s;
 * w in the energy unit of the data, E in float64 always).
 * Fit: w = argmin |X w - E|^2 with X_{s,z} = n_{s,z}; when X^T X is singular
 * (every structure has the same composition, like an ethanol MD trajectory)
 * the minimum-norm solution, as np.linalg.lstsq in the reference.
 *
 * Ranks: the training structures are spread over ranks, so the fit goes
 * through the normal equations, which are sums over structures:
 *     mtt_composition_accumulate()  per local structure  -> buf (local sums)
 *     caller: allreduce(buf, mtt_composition_buffer_len(n), SUM)   (one call)
 *     mtt_composition_solve(buf)    on every rank (deterministic, same result)
 * buf layout: [ X^T X (n x n, row-major) | X^T E (n) | number of structures ].
 * X^T X holds sums of integer products and is exact in double (< 2^53).
 *
 * Solve: symmetric eigendecomposition X^T X = V diag(lambda) V^T by cyclic
 * Jacobi (n <= ~20 types, O(n^3) per sweep, a handful of sweeps), then
 *     w = sum_{i: lambda_i > cut} v_i (v_i . X^T E) / lambda_i
 * i.e. the pseudo-inverse, which is the minimum-norm least-squares solution.
 * Cut-off: singular values of X are sqrt(lambda_i); we drop those with
 * sqrt(lambda_i) <= rcond * sqrt(lambda_max).  numpy's rcond=None uses
 * eps * max(rows, n) on the singular values of X itself; forming X^T X
 * squares the condition number, so zero singular values only come out as
 * ~sqrt(eps) sqrt(lambda_max) and a cut that small cannot be used.  The
 * default rcond = 1e-6 therefore differs from numpy only for a composition
 * matrix with condition number above 1e6 (nearly, but not exactly,
 * proportional compositions), which real data sets do not have.
 */
#ifndef MTT_MODEL_COMPOSITION_H
#define MTT_MODEL_COMPOSITION_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define MTT_COMPOSITION_RCOND_DEFAULT 1e-6

/* Doubles in the normal-equation buffer for n_types types: n^2 + n + 1. */
size_t mtt_composition_buffer_len(size_t n_types);

/* Add one structure: type_counts[z] atoms of type z, energy E (float64). */
void mtt_composition_accumulate(double *buf, size_t n_types, const int32_t *type_counts,
                                double energy);

/* Solve the (summed) normal equations in buf for weights[n_types].
 * rcond <= 0 selects MTT_COMPOSITION_RCOND_DEFAULT.  *rank (may be NULL)
 * receives the number of kept eigenvalues (< n_types: degenerate data, the
 * minimum-norm solution was taken).  Errors: no structures or no atoms
 * (MTT_ERR_DATA), non-finite energies (MTT_ERR_NUMERIC), no memory. */
mtt_status mtt_composition_solve(const double *buf, size_t n_types, double rcond,
                                 double *weights, size_t *rank, mtt_error *err);

/* Baseline energy of a structure: sum_z type_counts[z] weights[z]. */
double mtt_composition_energy(const double *weights, size_t n_types, const int32_t *type_counts);

/* Eigendecomposition of a symmetric n x n matrix by cyclic Jacobi.
 * a (row-major) is overwritten: its diagonal ends as the eigenvalues;
 * vecs (n x n, row-major) receives the eigenvectors as columns.
 * Exposed for the tests. */
void mtt_composition_jacobi(size_t n, double *a, double *vecs);

#endif
