/* bench_wrap.h — counters filled by the --wrap shims of bench_wrap.c.
 * Units: seconds and flops, summed over the calls made while
 * bench_counting != 0 (the training passes only). */
#ifndef MTT_BENCH_WRAP_H
#define MTT_BENCH_WRAP_H

#include <stddef.h>

#include "model/blas.h"
#include "model/mlp_pass.h"
#include "model/soap.h"

typedef struct bench_counters {
    double net_s;      /* s inside mtt_mlp_forward/input_gradient/backward */
    double net_rows;   /* atoms passed to mtt_mlp_forward */
    double gemm_s;     /* s inside mtt_blas_gemm (part of net_s) */
    double gemm_flops; /* Σ 2·m·n·k of those gemms */
    double gemm_calls;
    double soap_s;     /* s inside mtt_soap_forces and mtt_soap_tangent_strain */
} bench_counters;

extern bench_counters bench_count;
extern int bench_counting;

double bench_now(void);

/* The unwrapped gemm (no counting), for the peak measurement. */
void __real_mtt_blas_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k,
                          double alpha, const double *A, size_t lda, const double *B, size_t ldb,
                          double beta, double *C, size_t ldc);

#endif
