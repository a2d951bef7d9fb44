/* ckpt_checksum.c — 64-bit FNV-1a over little-endian 64-bit words (see the
 * header for the algorithm and why a one-word change is always detected). */
#include "config.h"

#include "io/ckpt_checksum.h"

#include <string.h>

#define FNV_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* The word at p as the little-endian number its 8 bytes spell. */
static inline uint64_t load_le64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if HOST_BIG_ENDIAN
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Hash state over a byte stream that may arrive in pieces (used for the
 * byte-swapped path of big-endian hosts). */
typedef struct hash_state {
    uint64_t h;
    uint64_t length;
    unsigned char tail[8];
    size_t n_tail;
} hash_state;

static void hash_feed(hash_state *s, const unsigned char *p, size_t n)
{
    s->length += n;
    if (s->n_tail) {
        while (n && s->n_tail < 8) {
            s->tail[s->n_tail++] = *p++;
            --n;
        }
        if (s->n_tail < 8) return;
        s->h = (s->h ^ load_le64(s->tail)) * FNV_PRIME;
        s->n_tail = 0;
    }
    uint64_t h = s->h;
    for (; n >= 8; n -= 8, p += 8) h = (h ^ load_le64(p)) * FNV_PRIME;
    s->h = h;
    memcpy(s->tail, p, n);
    s->n_tail = n;
}

static uint64_t hash_finish(hash_state *s)
{
    if (s->n_tail) {
        memset(s->tail + s->n_tail, 0, 8 - s->n_tail);
        s->h = (s->h ^ load_le64(s->tail)) * FNV_PRIME;
    }
    return (s->h ^ s->length) * FNV_PRIME;
}

uint64_t mtt_ckpt_checksum_bytes(const void *data, size_t n)
{
    hash_state s = {FNV_BASIS, 0, {0}, 0};
    hash_feed(&s, data, n);
    return hash_finish(&s);
}

uint64_t mtt_ckpt_checksum_array(const void *data, size_t n_elem, size_t elem_size)
{
#if HOST_BIG_ENDIAN
    /* swap elements into little-endian order in small blocks */
    hash_state s = {FNV_BASIS, 0, {0}, 0};
    unsigned char block[4096];
    const unsigned char *p = data;
    size_t per_block = sizeof block / elem_size;
    for (size_t done = 0; done < n_elem;) {
        size_t k = n_elem - done < per_block ? n_elem - done : per_block;
        for (size_t i = 0; i < k; ++i)
            for (size_t b = 0; b < elem_size; ++b)
                block[i * elem_size + b] = p[(done + i) * elem_size + elem_size - 1 - b];
        hash_feed(&s, block, k * elem_size);
        done += k;
    }
    return hash_finish(&s);
#else
    return mtt_ckpt_checksum_bytes(data, n_elem * elem_size);
#endif
}
