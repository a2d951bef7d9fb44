/* bench_wrap.c — time and flop counters around library calls, by the GNU
 * linker's --wrap (bench/bench.mk links bench_train with
 * -Wl,--wrap=mtt_blas_gemm,--wrap=mtt_mlp_forward,...): every call the
 * library makes to a wrapped function lands here, is timed with
 * clock_gettime and forwarded to __real_<name>.  Nothing in src/ changes.
 *
 * Buckets (seconds, summed while bench_counting is 1):
 *   net  — mtt_mlp_forward / _input_gradient / _backward (LayerNorm, SiLU and
 *          the GEMMs inside them);
 *   gemm — mtt_blas_gemm alone (a subset of net), with its exact flops 2·m·n·k;
 *   soap — mtt_soap_forces and mtt_soap_tangent_strain (the SOAP force and
 *          tangent passes over the stored pair gradients).
 * Overhead: two clock_gettime calls (~50 ns) per wrapped call, a few hundred
 * calls per batch.
 */
#include "config.h"

#include "bench_wrap.h"

#include <time.h>

bench_counters bench_count;
int bench_counting;

double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void __real_mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                          double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                          double beta, double *C, size_t ldc);
void __wrap_mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                          double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                          double beta, double *C, size_t ldc);
void __wrap_mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                          double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                          double beta, double *C, size_t ldc)
{
    double t0 = bench_now();
    __real_mtt_blas_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    if (bench_counting) {
        bench_count.gemm_s += bench_now() - t0;
        bench_count.gemm_flops += 2.0 * (double)m * (double)n * (double)k;
        bench_count.gemm_calls += 1;
    }
}

/* Time one call into bucket. */
#define TIMED(bucket, call)                                          \
    do {                                                             \
        double t0_ = bench_now();                                    \
        mtt_status st_ = (call);                                     \
        if (bench_counting) bench_count.bucket += bench_now() - t0_; \
        return st_;                                                  \
    } while (0)

/* Declares __real_NAME and __wrap_NAME with the parameter list PARAMS and
 * defines the wrapper: the statement PRE (may be empty), then the real call
 * with the arguments ARGS, timed into BUCKET. */
#define WRAP(bucket, pre, name, PARAMS, ARGS) \
    mtt_status __real_##name PARAMS;          \
    mtt_status __wrap_##name PARAMS;          \
    mtt_status __wrap_##name PARAMS           \
    {                                         \
        pre                                   \
        TIMED(bucket, __real_##name ARGS);    \
    }
/* The PRE of the forward passes: their rows, for the GEMM model's count. */
#define COUNT_ROWS \
    if (bench_counting) bench_count.net_rows += (double)n;

WRAP(net_s, COUNT_ROWS, mtt_mlp_forward,
     (mtt_mlp_work *ws, const double *params, size_t s, size_t n, const double *p, double *y,
      mtt_error *err),
     (ws, params, s, n, p, y, err))

WRAP(net_s, , mtt_mlp_input_gradient,
     (mtt_mlp_work *ws, double *dydp, mtt_error *err),
     (ws, dydp, err))

WRAP(net_s, , mtt_mlp_backward,
     (mtt_mlp_work *ws, const double *a, const double *v, double *ydot, double *grad,
      mtt_error *err),
     (ws, a, v, ydot, grad, err))

/* The float passes of base_precision: 32 (bench_train --f32). */
WRAP(net_s, , mtt_mlp_forward_f32,
     (mtt_mlp_work *ws, const float *params, size_t s, size_t n, const float *p, float *y,
      mtt_error *err),
     (ws, params, s, n, p, y, err))

WRAP(net_s, , mtt_mlp_input_gradient_f32,
     (mtt_mlp_work *ws, float *dydp, mtt_error *err),
     (ws, dydp, err))

WRAP(net_s, , mtt_mlp_backward_f32,
     (mtt_mlp_work *ws, const float *a, const float *v, float *ydot, float *grad, mtt_error *err),
     (ws, a, v, ydot, grad, err))

WRAP(soap_s, , mtt_soap_forces,
     (const mtt_soap *soap, const double *g, mtt_soap_work *w, double *forces, double *dE_deps,
      mtt_error *err),
     (soap, g, w, forces, dE_deps, err))

WRAP(soap_s, , mtt_soap_tangent_strain,
     (const mtt_soap *soap, const double *wvec, const double *strain, mtt_soap_work *w,
      double *pdot, mtt_error *err),
     (soap, wvec, strain, w, pdot, err))

/* base_precision 32: the passes over the networks' float rows */
WRAP(soap_s, , mtt_soap_forces_f32,
     (const mtt_soap *soap, const float *g, const size_t *rows, double scale, mtt_soap_work *w,
      double *forces, double *dE_deps, mtt_error *err),
     (soap, g, rows, scale, w, forces, dE_deps, err))

WRAP(soap_s, , mtt_soap_tangent_strain_f32,
     (const mtt_soap *soap, const double *wvec, const double *strain, mtt_soap_work *w, float *out,
      const size_t *rows, double scale, mtt_error *err),
     (soap, wvec, strain, w, out, rows, scale, err))

/* The entry points soap_bpnn uses since the passes read the species rows in
 * place: the layer norm on the cached rows, the backward that sets the
 * gradient, the SOAP passes over double rows. */
WRAP(net_s, COUNT_ROWS, mtt_mlp_forward_rows,
     (mtt_mlp_work *ws, const double *params, size_t s, size_t n, const double *const *rows,
      double *y, mtt_error *err),
     (ws, params, s, n, rows, y, err))

WRAP(net_s, , mtt_mlp_forward_rows_f32,
     (mtt_mlp_work *ws, const float *params, size_t s, size_t n, const float *const *rows,
      float *y, mtt_error *err),
     (ws, params, s, n, rows, y, err))

WRAP(net_s, , mtt_mlp_backward_set,
     (mtt_mlp_work *ws, const double *a, const double *v, double *ydot, double *grad,
      mtt_error *err),
     (ws, a, v, ydot, grad, err))

WRAP(net_s, , mtt_mlp_backward_set_f32,
     (mtt_mlp_work *ws, const float *a, const float *v, float *ydot, float *grad, mtt_error *err),
     (ws, a, v, ydot, grad, err))

WRAP(soap_s, , mtt_soap_forces_rows,
     (const mtt_soap *soap, const double *g, const size_t *rows, double scale, mtt_soap_work *w,
      double *forces, double *dE_deps, mtt_error *err),
     (soap, g, rows, scale, w, forces, dE_deps, err))

WRAP(soap_s, , mtt_soap_tangent_strain_rows,
     (const mtt_soap *soap, const double *wvec, const double *strain, mtt_soap_work *w,
      double *out, const size_t *rows, double scale, mtt_error *err),
     (soap, wvec, strain, w, out, rows, scale, err))
