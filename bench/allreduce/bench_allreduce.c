/* bench_allreduce.c — cost of the collectives of one training step:
 * MPI_Allreduce (sum of doubles), MPI_Reduce_scatter_block, MPI_Allgather,
 * and a reduce-scatter followed by an all-gather (what mtt's sharded update
 * does with the gradient and the parameters), for vectors of 8 B to 16 MiB.
 *
 * Usage:  mpiexec -n P bench_allreduce [-m MAX_BYTES] [-t SECONDS] [-s DOUBLES]...
 *   -m  largest vector in bytes (default 16 MiB); sizes are 8 B · 2^k up to it
 *       (-m 0: only the -s lengths)
 *   -t  wall time spent on each (operation, size) pair, default 0.2 s
 *       (calls in chunks of 10 until it is reached, at most 100000 calls)
 *   -s  one more vector length in doubles (repeatable), e.g. the model's
 *       parameter count
 * Output: one line per (operation, size) on rank 0,
 *   op  bytes  doubles  calls  median_us  min_us  GB/s
 * where bytes = 8 · doubles is the whole vector (what every rank holds before
 * an allreduce and after an all-gather), the times are per call and GB/s is
 * bytes / median time (the "algorithm bandwidth").  The scattered operations
 * need a vector length divisible by P: the length is rounded up to it, and
 * the printed doubles and bytes are what was actually sent.
 * Each call is timed alone between barriers, so every number is one call's
 * latency; the time of a call is the slowest rank's.  The median is what a
 * training step sees on a quiet machine; the minimum, what the hardware
 * allows.
 *
 * This is a benchmark of the MPI library, not of mtt: it calls MPI directly
 * (mtt's own code reaches MPI only through src/parallel/).
 */
#include "config.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OP_ALLREDUCE, OP_REDUCE_SCATTER, OP_ALLGATHER, OP_RS_AG, OP_COUNT };
static const char *const op_name[OP_COUNT] = {"allreduce", "reduce_scatter", "allgather",
                                              "rs+ag"};
_Static_assert(sizeof op_name / sizeof op_name[0] == OP_COUNT, "one name per operation");

#define MAX_EXTRA 16
#define MIN_CALLS 10
#define MAX_CALLS 100000

typedef struct bench {
    int rank, size;
    double *send, *recv; /* send: n doubles; recv: n doubles */
} bench;

static void run_once(const bench *b, int op, size_t n)
{
    const int chunk = (int)(n / (size_t)b->size);
    switch (op) {
    case OP_ALLREDUCE:
        MPI_Allreduce(b->send, b->recv, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        break;
    case OP_REDUCE_SCATTER:
        MPI_Reduce_scatter_block(b->send, b->recv, chunk, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        break;
    case OP_ALLGATHER:
        MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, b->recv, chunk, MPI_DOUBLE,
                      MPI_COMM_WORLD);
        break;
    case OP_RS_AG:
        MPI_Reduce_scatter_block(b->send, b->recv + (size_t)b->rank * (size_t)chunk, chunk,
                                 MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, b->recv, chunk, MPI_DOUBLE,
                      MPI_COMM_WORLD);
        break;
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Time `calls` calls of op on n doubles into t[0..calls): each rank's own
 * time of each call (the slowest rank's is taken later). */
static void time_calls(const bench *b, int op, size_t n, int calls, double *t)
{
    for (int i = 0; i < calls; ++i) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        run_once(b, op, n);
        t[i] = MPI_Wtime() - t0;
    }
}

/* The vector length op sends for a requested n: a multiple of P for the
 * scattered operations. */
static size_t length_for(const bench *b, int op, size_t n)
{
    if (op == OP_ALLREDUCE) return n;
    return (n + (size_t)b->size - 1) / (size_t)b->size * (size_t)b->size;
}

/* Calls in chunks of MIN_CALLS until `seconds` of wall time (barriers
 * included) have passed on rank 0, which decides for all; then the slowest
 * rank's time of each call, its median and minimum. */
static void measure(const bench *b, int op, size_t n, double seconds, double *t)
{
    time_calls(b, op, n, 3, t); /* warm-up: first-touch, connection set-up */
    int calls = 0, more = 1;
    double start = MPI_Wtime();
    while (more) {
        time_calls(b, op, n, MIN_CALLS, t + calls);
        calls += MIN_CALLS;
        more = calls + MIN_CALLS <= MAX_CALLS && MPI_Wtime() - start < seconds;
        MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    MPI_Allreduce(MPI_IN_PLACE, t, calls, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    qsort(t, (size_t)calls, sizeof *t, compare_doubles);
    double median = calls % 2 ? t[calls / 2] : 0.5 * (t[calls / 2 - 1] + t[calls / 2]);
    if (b->rank == 0)
        printf("%-15s %10zu %9zu %7d %12.2f %12.2f %9.3f\n", op_name[op], 8 * n, n, calls,
               median * 1e6, t[0] * 1e6, 8.0 * (double)n / median * 1e-9);
}

static int compare_sizes(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    bench b = {0};
    MPI_Comm_rank(MPI_COMM_WORLD, &b.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &b.size);
    size_t max_bytes = (size_t)16 << 20, sizes[64 + MAX_EXTRA];
    size_t n_sizes = 0;
    double seconds = 0.2;
    int c, bad = 0;
    opterr = b.rank == 0; /* one complaint, not one per rank */
    while ((c = getopt(argc, argv, "m:t:s:")) != -1) {
        if (c == 'm') max_bytes = strtoull(optarg, NULL, 10);
        else if (c == 't') seconds = strtod(optarg, NULL);
        else if (c == 's' && n_sizes < MAX_EXTRA) {
            sizes[n_sizes] = strtoull(optarg, NULL, 10);
            bad |= sizes[n_sizes++] == 0;
        } else bad = 1;
    }
        for (size_t bytes = 8; bytes <= max_bytes && !bad; bytes *= 2) sizes[n_sizes++] = bytes / 8;
    if (bad || optind != argc || n_sizes == 0 || !(seconds > 0)) {
        if (b.rank == 0)
            fprintf(stderr, "usage: bench_allreduce [-m MAX_BYTES] [-t SECONDS] [-s DOUBLES]... "
                            "(at most %d -s, each > 0)\n", MAX_EXTRA);
        MPI_Finalize();
        return 2;
    }
    qsort(sizes, n_sizes, sizeof *sizes, compare_sizes);
    size_t n_max = 0;
    for (size_t k = 0; k < n_sizes; ++k) n_max = sizes[k] > n_max ? sizes[k] : n_max;
    n_max += (size_t)b.size; /* room for rounding up to a multiple of P */
    b.send = malloc(n_max * sizeof *b.send);
    b.recv = malloc(n_max * sizeof *b.recv);
    double *t = malloc((size_t)MAX_CALLS * sizeof *t);
    int failed = !b.send || !b.recv || !t, any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    if (any) {
        if (b.rank == 0) fprintf(stderr, "bench_allreduce: out of memory for %zu doubles\n", n_max);
        MPI_Finalize();
        return 1;
    }
    for (size_t i = 0; i < n_max; ++i) {
        b.send[i] = 1.0 + (double)(i % 7) * 0.25;
        b.recv[i] = 0.0;
    }
    if (b.rank == 0) {
        char version[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        MPI_Get_library_version(version, &len);
        char *nl = strchr(version, '\n');
        if (nl) *nl = '\0';
        printf("# bench_allreduce: %d ranks, %g s per (operation, size); %s\n", b.size, seconds,
               version);
        printf("# %-13s %10s %9s %7s %12s %12s %9s\n", "op", "bytes", "doubles", "calls",
               "median_us", "min_us", "GB/s");
    }
    for (int op = 0; op < OP_COUNT; ++op) {
        size_t last = 0;
        for (size_t k = 0; k < n_sizes; ++k) {
            size_t n = length_for(&b, op, sizes[k]);
            if (n == last) continue; /* rounded up to a length already measured */
            measure(&b, op, n, seconds, t);
            last = n;
        }
    }
    free(t);
    free(b.send);
    free(b.recv);
    MPI_Finalize();
    return 0;
}
