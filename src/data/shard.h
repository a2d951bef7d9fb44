/* shard.h — split an ordered list of structures over ranks, balanced by atoms.
 *
 * Each rank owns one contiguous range of the list (so it parses only those
 * frames).  The cut points are where the running atom count crosses
 * r/size of the total, which keeps every rank within one structure's atoms
 * of the ideal share.  Deterministic: depends only on the atom counts and
 * the rank count, so every rank computes every range without communication.
 */
#ifndef MTT_DATA_SHARD_H
#define MTT_DATA_SHARD_H

#include <stddef.h>
#include <stdint.h>

/* Range [*begin, *end) of the n structures (atom counts n_atoms[i]) that
 * rank `rank` of `size` owns. */
void mtt_shard_range(const int32_t *n_atoms, size_t n, int rank, int size, size_t *begin,
                     size_t *end);

#endif
