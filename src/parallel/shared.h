/* shared.h — memory the ranks of one node share (MPI-3 shared windows).
 *
 * When every rank of a communicator runs on one node, each rank can read the
 * others' arrays directly instead of receiving copies of them: the training
 * step's gradient sum and parameter exchange then cost one pass over the
 * memory and two barriers (train/trainer_reduce.c) instead of the copies of
 * a reduce-scatter and an all-gather.  Each rank owns one segment; it writes
 * only its own and reads any rank's between fences.
 */
#ifndef MTT_PARALLEL_SHARED_H
#define MTT_PARALLEL_SHARED_H

#include <stddef.h>

#include "parallel/comm.h"
#include "util/status.h"

typedef struct mtt_comm_shared mtt_comm_shared;

/* Collective.  A zeroed segment of `bytes` on every rank, readable by all of
 * them, when the communicator has several ranks and all of them are on one
 * node; *out = NULL otherwise (serial build, one rank, several nodes, or a
 * window the MPI library could not make — then *why says which, for the
 * log), which is not an error: the caller keeps its message path. */
mtt_status mtt_comm_shared_create(const mtt_comm *comm, size_t bytes, mtt_comm_shared **out,
                                  const char **why, mtt_error *err);
/* Rank r's segment (this rank's own for r = mtt_comm_rank). */
void *mtt_comm_shared_segment(const mtt_comm_shared *s, int rank);
/* Collective: every rank's writes to its segment before the fence are
 * visible to every rank after it, and no rank passes it before all reached
 * it.  Counts as one collective call (mtt_comm_collective_count). */
void mtt_comm_shared_fence(const mtt_comm_shared *s);
/* Collective; NULL is a no-op. */
void mtt_comm_shared_free(mtt_comm_shared *s);

#endif
