/* comm.h — the MPI boundary.  The only header whose implementation sees MPI.
 *
 * One communicator, duplicated from MPI_COMM_WORLD by mtt_comm_init (FFTW
 * style); functions are named by intent.  Without MPI (configure
 * --without-mpi) the same calls run a one-rank world.  Every collective takes
 * the communicator explicitly so a later change to sub-communicators needs no
 * rewrite of the callers.
 */
#ifndef MTT_PARALLEL_COMM_H
#define MTT_PARALLEL_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct mtt_comm mtt_comm;

/* Initialise MPI (when built with it) and duplicate the world communicator. */
mtt_status mtt_comm_init(int *argc, char ***argv, mtt_comm **comm, mtt_error *err);
/* Free the communicator and finalise MPI. */
void mtt_comm_finalize(mtt_comm *comm);

int mtt_comm_rank(const mtt_comm *comm);
int mtt_comm_size(const mtt_comm *comm);

/* MPI collective calls this rank has made through the functions below since
 * mtt_comm_init (a chunked array counts one per chunk; the checkpoint
 * writer's own MPI-IO is not included).  0 in a serial build.  Lets the
 * trainer log, and tests check, how many synchronisation points a training
 * step has. */
uint64_t mtt_comm_collective_count(const mtt_comm *comm);

/* 1 on every rank when `failed` is non-zero on any rank (collective). */
int mtt_comm_any_true(const mtt_comm *comm, int failed);

/* Agree on a failure: when any rank has a non-OK status, every rank returns
 * a non-OK status; the first failing rank's (lowest rank) message is
 * broadcast into err on all ranks, so rank 0 can report it. */
mtt_status mtt_comm_agree(const mtt_comm *comm, mtt_status st, mtt_error *err);

/* Broadcast n bytes from root. */
void mtt_comm_bcast_bytes(const mtt_comm *comm, void *buf, size_t n, int root);
/* Broadcast a string allocated with malloc (on non-root ranks *s is replaced). */
mtt_status mtt_comm_bcast_string(const mtt_comm *comm, char **s, int root, mtt_error *err);

/* In-place sums over all ranks. */
void mtt_comm_sum_doubles(const mtt_comm *comm, double *x, size_t n);
void mtt_comm_sum_int64(const mtt_comm *comm, int64_t *x, size_t n);

/* Reduce-scatter of a sum: send holds this rank's full-length array (the sum
 * of counts[0..size) entries); recv receives the sum over ranks of this
 * rank's slice, the counts[rank] entries after the first counts[0..rank).
 * One collective with the bytes of half an allreduce.  Serial: a copy. */
void mtt_comm_reduce_scatter_doubles(const mtt_comm *comm, const double *send, double *recv,
                                     const size_t *counts);
/* In-place all-gather: rank r's slice of x (counts[r] entries after the
 * first counts[0..r)) reaches every rank.  Serial: nothing to do. */
void mtt_comm_allgather_doubles(const mtt_comm *comm, double *x, const size_t *counts);
/* The same for floats (base_precision 32's parameters and moments). */
void mtt_comm_allgather_floats(const mtt_comm *comm, float *x, const size_t *counts);

/* In-place minimum over all ranks. */
void mtt_comm_min_int64(const mtt_comm *comm, int64_t *x, size_t n);

void mtt_comm_barrier(const mtt_comm *comm);
/* Terminate every rank (unrecoverable state); never returns. */
void mtt_comm_abort(const mtt_comm *comm, int code);

/* Human description of the MPI library ("Open MPI v4.1.4" or "none"). */
const char *mtt_comm_library_version(void);

#endif
