/* blas.c — OpenBLAS through CBLAS: thread control, kernel report, products. */
#include "config.h"

#include "model/blas.h"

#include <stdio.h>
#include <string.h>

#include <cblas.h>

/* OpenBLAS extensions (declared in its cblas.h, repeated for clarity). */
extern void openblas_set_num_threads(int num_threads);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

void mtt_blas_set_threads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

const char *mtt_blas_corename(void)
{
    const char *c = openblas_get_corename();
    return c ? c : "unknown";
}

void mtt_blas_describe(char *buf, size_t n)
{
    const char *cfg = openblas_get_config();
    snprintf(buf, n, "%s (kernel: %s)", cfg ? cfg : "OpenBLAS", mtt_blas_corename());
}

int mtt_blas_generic_kernel_on_fast_cpu(void)
{
    const char *core = mtt_blas_corename();
    int generic = strstr(core, "Prescott") || strstr(core, "prescott") ||
                  strstr(core, "Core2") || strstr(core, "Nehalem") ||
                  strstr(core, "Generic") || strstr(core, "generic");
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    int fast = __builtin_cpu_supports("avx2") || __builtin_cpu_supports("avx512f");
#else
    int fast = 0;
#endif
    return generic && fast;
}
