/* convert.h — float ⇄ double conversions of whole arrays (base_precision
 * 32: parameters, moments and gradients at the boundary between the float
 * passes and what is kept or summed in double).  Element-wise, cloned per
 * vector instruction set (util/vector.h); narrowing rounds to nearest, and
 * widening is exact, so narrow(widen(x)) == x. */
#ifndef MTT_UTIL_CONVERT_H
#define MTT_UTIL_CONVERT_H

#include <stddef.h>

/* dst[k] = (float)src[k], k < n */
void mtt_convert_narrow(size_t n, const double *src, float *dst);
/* dst[k] = (double)src[k] */
void mtt_convert_widen(size_t n, const float *src, double *dst);
/* dst[k] += (double)src[k] */
void mtt_convert_widen_add(size_t n, const float *src, double *dst);

#endif
