/* convert.c — float ⇄ double array conversions; see convert.h. */
#include "config.h"

#include "util/convert.h"
#include "util/vector.h"

MTT_VECTOR_CLONES
void mtt_convert_narrow(size_t n, const double *restrict src, float *restrict dst)
{
    for (size_t k = 0; k < n; ++k) dst[k] = (float)src[k];
}

MTT_VECTOR_CLONES
void mtt_convert_widen(size_t n, const float *restrict src, double *restrict dst)
{
    for (size_t k = 0; k < n; ++k) dst[k] = (double)src[k];
}

MTT_VECTOR_CLONES
void mtt_convert_widen_add(size_t n, const float *restrict src, double *restrict dst)
{
    for (size_t k = 0; k < n; ++k) dst[k] += (double)src[k];
}
