/* shared.c — MPI-3 shared windows on one node (shared.h).
 *
 * The window is allocated with alloc_shared_noncontig, so each rank's
 * segment starts on its own pages (first touched by its owner: its own NUMA
 * node, no false sharing with a neighbour's).  The window stays in a passive
 * epoch (MPI_Win_lock_all) for its life; a fence is MPI_Win_sync, a barrier
 * and MPI_Win_sync again — the unified-memory-model idiom for loads and
 * stores by several processes (MPI 3.1, section 11.7).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parallel/shared.h"
#include "parallel/comm_mpi.h"

struct mtt_comm_shared {
#ifdef HAVE_MPI
    MPI_Win win;
    const mtt_comm *comm;
    void **segment;  /* one pointer per rank */
#else
    int unused;
#endif
};

#ifdef HAVE_MPI
/* 1 on every rank when every rank says 1 (collective on comm). */
static int all_true(const mtt_comm *comm, int yes)
{
    return !mtt_comm_any_true(comm, !yes);
}

mtt_status mtt_comm_shared_create(const mtt_comm *comm, size_t bytes, mtt_comm_shared **out,
                                  const char **why, mtt_error *err)
{
    *out = NULL;
    *why = "one rank";
    const int size = mtt_comm_size(comm);
    if (size <= 1) return MTT_OK;
    MPI_Comm node;
    int node_size = 0;
    MPI_Comm_split_type(mtt_comm_mpi(comm), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_size);
    MPI_Comm_free(&node);
    *why = "the ranks run on several nodes";
    if (!all_true(comm, node_size == size)) return MTT_OK;

    mtt_comm_shared *s = calloc(1, sizeof *s);
    void **segment = calloc((size_t)size, sizeof *segment);
    *why = "out of memory";
    if (!all_true(comm, s && segment)) {
        free(s);
        free(segment);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for a shared window of %d ranks",
                             size);
    }
    /* errors of the window's creation come back instead of aborting */
    MPI_Comm with_errors;
    MPI_Comm_dup(mtt_comm_mpi(comm), &with_errors);
    MPI_Comm_set_errhandler(with_errors, MPI_ERRORS_RETURN);
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true");
    void *base = NULL;
    int rc = MPI_Win_allocate_shared((MPI_Aint)(bytes ? bytes : 1), 1, info, with_errors, &base,
                                     &s->win);
    MPI_Info_free(&info);
    MPI_Comm_free(&with_errors);
    *why = "the MPI library could not allocate a shared window";
    if (!all_true(comm, rc == MPI_SUCCESS)) {
        /* a window some ranks hold is left to MPI_Finalize: freeing it is
         * collective over ranks that may not have it */
        free(segment);
        free(s);
        return MTT_OK;
    }
    for (int r = 0; r < size; ++r) {
        MPI_Aint n;
        int unit;
        MPI_Win_shared_query(s->win, r, &n, &unit, &segment[r]);
    }
    memset(base, 0, bytes);
    MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win);
    s->comm = comm;
    s->segment = segment;
    mtt_comm_shared_fence(s);
    *why = NULL;
    *out = s;
    return MTT_OK;
}

void *mtt_comm_shared_segment(const mtt_comm_shared *s, int rank) { return s->segment[rank]; }

void mtt_comm_shared_fence(const mtt_comm_shared *s)
{
    mtt_comm_mpi_count(s->comm);
    MPI_Win_sync(s->win);
    MPI_Barrier(mtt_comm_mpi(s->comm));
    MPI_Win_sync(s->win);
}

void mtt_comm_shared_free(mtt_comm_shared *s)
{
    if (!s) return;
    MPI_Win_unlock_all(s->win);
    MPI_Win_free(&s->win);
    free(s->segment);
    free(s);
}
#else
mtt_status mtt_comm_shared_create(const mtt_comm *comm, size_t bytes, mtt_comm_shared **out,
                                  const char **why, mtt_error *err)
{
    (void)comm, (void)bytes, (void)err;
    *out = NULL;
    *why = "serial build";
    return MTT_OK;
}

void *mtt_comm_shared_segment(const mtt_comm_shared *s, int rank)
{
    (void)s, (void)rank;
    return NULL;
}

void mtt_comm_shared_fence(const mtt_comm_shared *s) { (void)s; }

void mtt_comm_shared_free(mtt_comm_shared *s) { (void)s; }
#endif
