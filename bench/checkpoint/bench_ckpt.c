/* bench_ckpt.c — time mtt_ckpt_write, mtt_ckpt_read and
 * mtt_ckpt_read_collective on a checkpoint of a chosen size.
 *
 * Usage: [mpiexec -n R] bench_ckpt DIR MEGABYTES [REPEATS]
 * Builds a state whose four parameter-sized arrays (latest, best, Adam m and
 * v) take MEGABYTES (1 MB = 1e6 bytes) in total, writes DIR/bench.ckpt
 * REPEATS times (default 3), reads it back as many times, and prints one
 * key=value line (rank 0) with the medians: ranks, file bytes, write_s,
 * read_s, read_collective_s and the rates in MB/s of file bytes.  Each write
 * is timed from a barrier to the end of the collective call (which includes
 * fsync and rename); reads may come from the page cache (run.sh says so).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "io/checkpoint.h"
#include "parallel/comm.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A state of n parameters, with the small items of a real run. */
static int fill(mtt_ckpt *c, size_t n, double *accum_row)
{
    static char options[] = "architecture:\n  name: soap_bpnn\n";
    static char *names[3] = {"epoch", "training_loss", "validation_loss"};
    static char *units[3] = {"", "", ""};
    static int32_t species[3] = {1, 6, 8};
    static double composition[3] = {-0.5, -37.8, -75.0};
    static double history[30];
    static mtt_ckpt_tensor layout[1];
    memset(c, 0, sizeof *c);
    snprintf(c->architecture, sizeof c->architecture, "soap_bpnn");
    c->precision = 64;
    c->options_yaml = options;
    c->n_species = 3;
    c->species = species;
    c->composition = composition;
    c->n_params = n;
    c->params = malloc(n * sizeof(double));
    c->best = malloc(n * sizeof(double));
    c->adam_m = malloc(n * sizeof(double));
    c->adam_v = malloc(n * sizeof(double));
    if (!c->params || !c->best || !c->adam_m || !c->adam_v) return -1;
    for (size_t i = 0; i < n; ++i) {
        c->params[i] = 1e-3 * (double)(i % 1000) - 0.5;
        c->best[i] = c->params[i] * 0.999;
        c->adam_m[i] = 1e-6 * (double)(i % 77);
        c->adam_v[i] = 1e-9 * (double)(i % 31);
    }
    layout[0] = (mtt_ckpt_tensor){"mlp.flat", 0, 1, (int64_t)n};
    c->n_tensors = 1;
    c->layout = layout;
    c->best_epoch = -1;
    c->n_accum = 12;
    c->accum_local = accum_row;
    c->history = (mtt_ckpt_history){10, 3, names, units, history};
    return 0;
}

int main(int argc, char **argv)
{
    mtt_comm *comm = NULL;
    mtt_error err;
    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR MEGABYTES [REPEATS]\n", argv[0]);
        return 2;
    }
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const int rank = mtt_comm_rank(comm);
    const double megabytes = atof(argv[2]);
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    if (repeats < 1 || repeats > 100) repeats = 3;
    char path[4096];
    snprintf(path, sizeof path, "%s/bench.ckpt", argv[1]);
    size_t n = (size_t)(megabytes * 1e6 / 32.0);
    if (n < 1) n = 1;

    double accum[12] = {0};
    mtt_ckpt c;
    int failed = fill(&c, n, accum) != 0;
    if (mtt_comm_any_true(comm, failed)) {
        if (rank == 0) fprintf(stderr, "out of memory for %zu parameters\n", n);
        mtt_comm_finalize(comm);
        return 1;
    }
    double tw[100], tr[100], tc[100];
    int rc = 0;
    for (int k = 0; k < repeats && !rc; ++k) {
        mtt_comm_barrier(comm);
        double t0 = now();
        mtt_status st = mtt_ckpt_write(comm, path, &c, &err);
        tw[k] = now() - t0;
        if (st != MTT_OK) {
            if (rank == 0) fprintf(stderr, "%s\n", err.msg);
            rc = 1;
        }
    }
    for (int k = 0; k < repeats && !rc; ++k) {
        mtt_ckpt got;
        double t0 = now();
        mtt_status st = rank == 0 ? mtt_ckpt_read(path, &got, &err) : MTT_OK;
        tr[k] = now() - t0;
        if (rank == 0) mtt_ckpt_free(&got);
        mtt_comm_barrier(comm);
        t0 = now();
        if (st == MTT_OK) st = mtt_ckpt_read_collective(comm, path, &got, &err);
        tc[k] = now() - t0;
        mtt_ckpt_free(&got);
        rc = mtt_comm_any_true(comm, st != MTT_OK);
        if (rc && rank == 0) fprintf(stderr, "%s\n", err.msg);
    }
    if (!rc && rank == 0) {
        struct stat sb;
        double bytes = stat(path, &sb) == 0 ? (double)sb.st_size : 0.0;
        double w = median(tw, repeats), r = median(tr, repeats), col = median(tc, repeats);
        printf("ranks=%d n_params=%zu file_bytes=%.0f repeats=%d write_s=%.4f write_MBps=%.1f "
               "read_s=%.4f read_MBps=%.1f read_collective_s=%.4f\n",
               mtt_comm_size(comm), n, bytes, repeats, w, bytes / 1e6 / w, r, bytes / 1e6 / r, col);
    }
    if (rank == 0) remove(path);
    free(c.params);
    free(c.best);
    free(c.adam_m);
    free(c.adam_v);
    mtt_comm_finalize(comm);
    return rc;
}
