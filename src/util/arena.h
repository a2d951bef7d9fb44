/* arena.h — memory for large data kept for a whole run, in 2 MiB pages.
 *
 * The descriptor cache keeps each structure's stored pair factors and
 * descriptors for the whole training and streams through all of them at
 * every epoch.  From ordinary 4 KiB pages that stream costs a page-table
 * walk every 4 KiB (expensive under virtualisation, and the hardware
 * prefetchers stop at page boundaries): `bench/soap/bench_soap_stream 40`
 * measured the force pass at ~150 ns per pair from 4 KiB pages against
 * ~110 from 2 MiB pages (docs/performance.md, "Descriptor cache in 2 MiB
 * pages").  An arena hands out 64-byte aligned blocks, bump-allocated from
 * chunks of at least MTT_ARENA_CHUNK bytes mapped 2 MiB aligned and, where
 * the system has it, marked for transparent huge pages
 * (madvise(MADV_HUGEPAGE); untouched parts of a chunk are never committed).
 * Blocks are not freed one by one: mtt_arena_free releases them all.
 */
#ifndef MTT_UTIL_ARENA_H
#define MTT_UTIL_ARENA_H

#include <stddef.h>

#define MTT_ARENA_CHUNK ((size_t)64 << 20)

typedef struct mtt_arena_chunk mtt_arena_chunk;

typedef struct mtt_arena {
    mtt_arena_chunk *chunks; /* newest first */
    size_t bytes;            /* handed out, padding included */
} mtt_arena;

void mtt_arena_init(mtt_arena *a);
/* A block of `bytes` (64-byte aligned), or NULL when no memory could be
 * mapped (the caller then keeps its own). */
void *mtt_arena_alloc(mtt_arena *a, size_t bytes);
void mtt_arena_free(mtt_arena *a);

#endif
