/* shard.c — contiguous, atom-balanced ranges of structures per rank. */
#include "config.h"

#include "data/shard.h"

/* First index i such that the atoms before i reach target (prefix scan). */
static size_t cut_at(const int32_t *n_atoms, size_t n, int64_t total, int part, int size)
{
    if (part <= 0) return 0;
    if (part >= size) return n;
    /* target = total * part / size, in integers to stay exact */
    int64_t acc = 0;
    for (size_t i = 0; i < n; ++i) {
        /* cut before structure i when its midpoint lies past the target */
        int64_t mid2 = 2 * acc + n_atoms[i];
        if (mid2 * size > 2 * total * part) return i;
        acc += n_atoms[i];
    }
    return n;
}

void mtt_shard_range(const int32_t *n_atoms, size_t n, int rank, int size, size_t *begin,
                     size_t *end)
{
    int64_t total = 0;
    for (size_t i = 0; i < n; ++i) total += n_atoms[i];
    *begin = cut_at(n_atoms, n, total, rank, size);
    *end = cut_at(n_atoms, n, total, rank + 1, size);
}
