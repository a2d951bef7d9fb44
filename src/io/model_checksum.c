/* model_checksum.c — 64-bit FNV-1a over little-endian words (model_checksum.h). */
#include "config.h"

#include "io/model_checksum.h"

#define FNV_PRIME UINT64_C(0x100000001b3)

uint64_t mtt_checksum_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = MTT_CHECKSUM_INIT;
    size_t i = 0;
    for (; i < n; i += 8) {
        uint64_t w = 0;
        size_t k = n - i < 8 ? n - i : 8;
        for (size_t b = 0; b < k; ++b) w |= (uint64_t)p[i + b] << (8 * b);  /* little-endian */
        h = (h ^ w) * FNV_PRIME;
    }
    h = (h ^ (uint64_t)n) * FNV_PRIME;
    return h;
}
