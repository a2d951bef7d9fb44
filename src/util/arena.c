/* arena.c — see arena.h. */
#include "config.h"

#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE_2M ((size_t)2 << 20)

struct mtt_arena_chunk {
    mtt_arena_chunk *next;
    void *map;         /* what mmap returned, and its length */
    size_t map_bytes;
    char *base;        /* 2 MiB aligned */
    size_t size, used;
};

void mtt_arena_init(mtt_arena *a)
{
    a->chunks = NULL;
    a->bytes = 0;
}

static mtt_arena_chunk *new_chunk(size_t need)
{
    const size_t size = (need > MTT_ARENA_CHUNK ? need + PAGE_2M - 1 : MTT_ARENA_CHUNK) /
                        PAGE_2M * PAGE_2M;
    mtt_arena_chunk *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->map_bytes = size + PAGE_2M; /* room to align the start */
    c->map = mmap(NULL, c->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c->map == MAP_FAILED) {
        free(c);
        return NULL;
    }
    c->base = (char *)(((uintptr_t)c->map + PAGE_2M - 1) & ~(uintptr_t)(PAGE_2M - 1));
    c->size = size;
    c->used = 0;
#ifdef MADV_HUGEPAGE
    (void)madvise(c->base, size, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
    return c;
}

void *mtt_arena_alloc(mtt_arena *a, size_t bytes)
{
    const size_t padded = (bytes + 63) / 64 * 64;
    mtt_arena_chunk *c = a->chunks;
    if (!c || c->size - c->used < padded) {
        c = new_chunk(padded);
        if (!c) return NULL;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = c->base + c->used;
    c->used += padded;
    a->bytes += padded;
    return p;
}

void mtt_arena_free(mtt_arena *a)
{
    mtt_arena_chunk *c = a->chunks;
    while (c) {
        mtt_arena_chunk *next = c->next;
        munmap(c->map, c->map_bytes);
        free(c);
        c = next;
    }
    mtt_arena_init(a);
}
