/* comm.c — MPI collectives behind intent-named calls, with a one-rank
 * fallback when mtt is built without MPI. */
#include "config.h"

#include "parallel/comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_MPI
#include <mpi.h>
#endif

struct mtt_comm {
#ifdef HAVE_MPI
    MPI_Comm comm;
    int initialized_mpi;  /* this module called MPI_Init */
    int *counts;          /* 2 × size ints: counts and displacements for the v-collectives */
    /* MPI collective calls made on comm (mtt_comm_collective_count); behind a
     * pointer so that the collectives, which take a const handle, can count */
    uint64_t *n_collectives;
#endif
    int rank;
    int size;
};

mtt_status mtt_comm_init(int *argc, char ***argv, mtt_comm **out, mtt_error *err)
{
    mtt_comm *c = calloc(1, sizeof *c);
    MTT_RETURN_ERROR_IF(!c, err, MTT_ERR_NOMEM, "out of memory creating the communicator");
#ifdef HAVE_MPI
    int flag = 0;
    MPI_Initialized(&flag);
    if (!flag) {
        if (MPI_Init(argc, argv) != MPI_SUCCESS) {
            free(c);
            return mtt_error_set(err, MTT_ERR_INTERNAL, "MPI_Init failed; check the MPI installation and the mpirun command");
        }
        c->initialized_mpi = 1;
    }
    MPI_Comm_dup(MPI_COMM_WORLD, &c->comm);
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    c->counts = malloc(2 * (size_t)c->size * sizeof *c->counts);
    c->n_collectives = calloc(1, sizeof *c->n_collectives);
    if (!c->counts || !c->n_collectives) {
        MPI_Comm_free(&c->comm);
        free(c->counts);
        free(c->n_collectives);
        free(c);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory creating the communicator");
    }
#else
    (void)argc;
    (void)argv;
    c->rank = 0;
    c->size = 1;
#endif
    *out = c;
    return MTT_OK;
}

void mtt_comm_finalize(mtt_comm *c)
{
    if (!c) return;
#ifdef HAVE_MPI
    MPI_Comm_free(&c->comm);
    free(c->counts);
    free(c->n_collectives);
    if (c->initialized_mpi) MPI_Finalize();
#endif
    free(c);
}

int mtt_comm_rank(const mtt_comm *c) { return c ? c->rank : 0; }
int mtt_comm_size(const mtt_comm *c) { return c ? c->size : 1; }

#ifdef HAVE_MPI
/* Every MPI collective call below is preceded by one count(c). */
static void count(const mtt_comm *c) { ++*c->n_collectives; }
#endif

uint64_t mtt_comm_collective_count(const mtt_comm *c)
{
#ifdef HAVE_MPI
    return c ? *c->n_collectives : 0;
#else
    (void)c;
    return 0;
#endif
}

int mtt_comm_any_true(const mtt_comm *c, int failed)
{
    int any = failed ? 1 : 0;
#ifdef HAVE_MPI
    if (c) {
        count(c);
        MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_LOR, c->comm);
    }
#else
    (void)c;
#endif
    return any;
}

mtt_status mtt_comm_agree(const mtt_comm *c, mtt_status st, mtt_error *err)
{
#ifdef HAVE_MPI
    if (!c || c->size == 1) return st;
    /* lowest failing rank */
    int mine = (st != MTT_OK) ? c->rank : c->size;
    int first = c->size;
    count(c);
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, c->comm);
    if (first == c->size) return MTT_OK;
    int code = (int)st;
    mtt_error tmp;
    if (c->rank == first && err) tmp = *err;
    else mtt_error_clear(&tmp);
    count(c);
    MPI_Bcast(&code, 1, MPI_INT, first, c->comm);
    count(c);
    MPI_Bcast(tmp.msg, (int)sizeof tmp.msg, MPI_CHAR, first, c->comm);
    if (err) {
        *err = tmp;
        err->status = (mtt_status)code;
    }
    return (mtt_status)code;
#else
    (void)c;
    (void)err;
    return st;
#endif
}

void mtt_comm_bcast_bytes(const mtt_comm *c, void *buf, size_t n, int root)
{
#ifdef HAVE_MPI
    if (!c || c->size == 1) return;
    unsigned char *p = buf;
    while (n > 0) {  /* MPI counts are int */
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        count(c);
        MPI_Bcast(p, chunk, MPI_BYTE, root, c->comm);
        p += chunk;
        n -= (size_t)chunk;
    }
#else
    (void)c;
    (void)buf;
    (void)n;
    (void)root;
#endif
}

mtt_status mtt_comm_bcast_string(const mtt_comm *c, char **s, int root, mtt_error *err)
{
    if (!c || c->size == 1) return MTT_OK;
    uint64_t len = (c->rank == root && *s) ? strlen(*s) + 1 : 0;
    mtt_comm_bcast_bytes(c, &len, sizeof len, root);
    if (c->rank != root) {
        free(*s);
        *s = NULL;
        if (len) *s = malloc(len);
    }
    int fail = (len && !*s);
    if (mtt_comm_any_true(c, fail))
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory receiving a broadcast string");
    if (len) mtt_comm_bcast_bytes(c, *s, len, root);
    return MTT_OK;
}

#ifdef HAVE_MPI
/* MPI counts are int: large arrays go in chunks of at most 2^30 elements. */
#define MTT_COMM_CHUNK ((size_t)1 << 30)

static void allreduce_in_place(const mtt_comm *c, void *x, size_t n, MPI_Datatype type,
                               size_t elem, MPI_Op op)
{
    if (!c || c->size == 1) return;
    for (size_t done = 0; done < n; done += MTT_COMM_CHUNK) {
        size_t k = n - done < MTT_COMM_CHUNK ? n - done : MTT_COMM_CHUNK;
        count(c);
        MPI_Allreduce(MPI_IN_PLACE, (char *)x + done * elem, (int)k, type, op, c->comm);
    }
}
#endif

void mtt_comm_sum_doubles(const mtt_comm *c, double *x, size_t n)
{
#ifdef HAVE_MPI
    allreduce_in_place(c, x, n, MPI_DOUBLE, sizeof *x, MPI_SUM);
#else
    (void)c, (void)x, (void)n;
#endif
}

void mtt_comm_sum_int64(const mtt_comm *c, int64_t *x, size_t n)
{
#ifdef HAVE_MPI
    allreduce_in_place(c, x, n, MPI_INT64_T, sizeof *x, MPI_SUM);
#else
    (void)c, (void)x, (void)n;
#endif
}

void mtt_comm_min_int64(const mtt_comm *c, int64_t *x, size_t n)
{
#ifdef HAVE_MPI
    allreduce_in_place(c, x, n, MPI_INT64_T, sizeof *x, MPI_MIN);
#else
    (void)c, (void)x, (void)n;
#endif
}

#ifdef HAVE_MPI
/* counts as MPI ints; 0 when some count does not fit (callers then fall
 * back to an allreduce; arrays of 2^31 doubles are 16 GiB). */
static int int_counts(const mtt_comm *c, const size_t *counts, int *out, int *displs)
{
    size_t total = 0;
    for (int r = 0; r < c->size; ++r) {
        if (counts[r] > (size_t)INT32_MAX || total > (size_t)INT32_MAX) return 0;
        out[r] = (int)counts[r];
        if (displs) displs[r] = (int)total;
        total += counts[r];
    }
    return total <= (size_t)INT32_MAX;
}
#endif

#ifdef HAVE_MPI
/* Two ranks: one exchange (each sends the other's part and receives its
 * own), then one addition per entry — all a reduce-scatter of two needs.
 * Open MPI 4.1's MPI_Reduce_scatter took 209–277 µs for the 1.64 MB ethanol
 * gradient against 143–258 µs for this, in a stand-alone loop
 * (docs/performance.md).  The sum of two terms is the same in either order,
 * so the result is the library's to the bit.  0 when a count exceeds int. */
static int reduce_scatter_pair(const mtt_comm *c, const double *send, double *recv,
                               const size_t *counts)
{
    const int me = c->rank, other = 1 - me;
    if (counts[0] > (size_t)INT32_MAX || counts[1] > (size_t)INT32_MAX) return 0;
    const size_t mine = me ? counts[0] : 0, theirs = me ? 0 : counts[0];
    count(c);
    MPI_Sendrecv(send + theirs, (int)counts[other], MPI_DOUBLE, other, 1, recv, (int)counts[me],
                 MPI_DOUBLE, other, 1, c->comm, MPI_STATUS_IGNORE);
    for (size_t i = 0; i < counts[me]; ++i) recv[i] = send[mine + i] + recv[i];
    return 1;
}
#endif

void mtt_comm_reduce_scatter_doubles(const mtt_comm *c, const double *send, double *recv,
                                     const size_t *counts)
{
#ifdef HAVE_MPI
    if (c && c->size == 2 && reduce_scatter_pair(c, send, recv, counts)) return;
    if (c && c->size > 1) {
        int *n = c->counts;
        if (int_counts(c, counts, n, n + c->size)) {
            count(c);
            MPI_Reduce_scatter(send, recv, n, MPI_DOUBLE, MPI_SUM, c->comm);
            return;
        }
        /* fallback for arrays beyond MPI's int counts: allreduce a copy */
        size_t total = 0, before = 0;
        for (int r = 0; r < c->size; ++r) {
            if (r < c->rank) before += counts[r];
            total += counts[r];
        }
        double *tmp = malloc(total * sizeof *tmp);
        if (!tmp) mtt_comm_abort(c, 1);
        memcpy(tmp, send, total * sizeof *tmp);
        allreduce_in_place(c, tmp, total, MPI_DOUBLE, sizeof *tmp, MPI_SUM);
        memcpy(recv, tmp + before, counts[c->rank] * sizeof *tmp);
        free(tmp);
        return;
    }
#endif
    (void)c;
    memcpy(recv, send, counts[0] * sizeof *send);
}

/* In-place all-gather of elements of elem bytes (MPI type t). */
static void allgather(const mtt_comm *c, void *x, size_t elem, const size_t *counts,
                      int is_float)
{
#ifdef HAVE_MPI
    if (!c || c->size == 1) return;
    int *n = c->counts;
    if (int_counts(c, counts, n, n + c->size)) {
        count(c);
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, x, n, n + c->size,
                       is_float ? MPI_FLOAT : MPI_DOUBLE, c->comm);
    } else {  /* fallback: each slice broadcast by its owner */
        size_t off = 0;
        for (int r = 0; r < c->size; ++r) {
            mtt_comm_bcast_bytes(c, (char *)x + off * elem, counts[r] * elem, r);
            off += counts[r];
        }
    }
#else
    (void)c, (void)x, (void)elem, (void)counts, (void)is_float;
#endif
}

void mtt_comm_allgather_doubles(const mtt_comm *c, double *x, const size_t *counts)
{
    allgather(c, x, sizeof *x, counts, 0);
}

void mtt_comm_allgather_floats(const mtt_comm *c, float *x, const size_t *counts)
{
    allgather(c, x, sizeof *x, counts, 1);
}

void mtt_comm_barrier(const mtt_comm *c)
{
#ifdef HAVE_MPI
    if (c) {
        count(c);
        MPI_Barrier(c->comm);
    }
#else
    (void)c;
#endif
}

void mtt_comm_abort(const mtt_comm *c, int code)
{
#ifdef HAVE_MPI
    MPI_Abort(c ? c->comm : MPI_COMM_WORLD, code);
#else
    (void)c;
#endif
    exit(code);
}

const char *mtt_comm_library_version(void)
{
#ifdef HAVE_MPI
    static char buf[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(buf, &len);
    char *nl = strpbrk(buf, ",\n");  /* first clause is enough */
    if (nl) *nl = '\0';
    return buf;
#else
    return "none (serial build)";
#endif
}

#ifdef HAVE_MPI
#include "parallel/comm_mpi.h"

MPI_Comm mtt_comm_mpi(const mtt_comm *c) { return c->comm; }
void mtt_comm_mpi_count(const mtt_comm *c) { count(c); }
#endif
