/* blas.h — the one BLAS wrapper.  Nothing else includes cblas.h.
 *
 * Row-major dense matrices of doubles.  Every routine has a plain-loop
 * reference (mtt_blas_ref_*) that the tests compare against.
 */
#ifndef MTT_MODEL_BLAS_H
#define MTT_MODEL_BLAS_H

#include <stddef.h>

/* Limit OpenBLAS to n threads (one rank per core wants 1). */
void mtt_blas_set_threads(int n);
/* "OpenBLAS 0.3.21 ... (core: Prescott)" into buf. */
void mtt_blas_describe(char *buf, size_t n);
/* The kernel OpenBLAS chose ("Prescott", "SkylakeX", ...). */
const char *mtt_blas_corename(void);
/* 1 when OpenBLAS runs a generic kernel although the CPU has AVX2/AVX-512. */
int mtt_blas_generic_kernel_on_fast_cpu(void);

#endif
