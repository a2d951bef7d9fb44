/* bench_md.c — cost of one MD force call through libmtt directly, in
 * µs per atom per step, on an fcc Cu cell (bench/md/run.sh compares it with
 * LAMMPS through the KIM driver on the same cell).
 *
 *   bench_md MODEL.pt REPEAT STEPS      (cell: REPEAT³ cubic fcc cells, a = 3.61 Å)
 *
 * Each step displaces the atoms slightly (a fixed pattern) and calls
 * mtt_model_compute for the energy and forces, as an MD step would.  Only the
 * public API (include/mtt/mtt.h).  One thread: run with OPENBLAS_NUM_THREADS=1.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mtt/mtt.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_md MODEL.pt REPEAT STEPS\n");
        return 2;
    }
    int rep = atoi(argv[2]), steps = atoi(argv[3]);
    mtt_model *model = NULL;
    mtt_model_error err;
    if (rep < 1 || steps < 1 || mtt_model_open(argv[1], MTT_MODEL_OPEN_QUIET, &model, &err)) {
        fprintf(stderr, "bench_md: %s\n", rep < 1 || steps < 1 ? "bad arguments" : err.message);
        return 1;
    }
    const double a = 3.61, basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    const int n = 4 * rep * rep * rep;
    double *pos = malloc(3 * (size_t)n * sizeof *pos), *f = malloc(3 * (size_t)n * sizeof *f);
    int *z = malloc((size_t)n * sizeof *z);
    if (!pos || !f || !z) return 1;
    int k = 0;
    for (int i = 0; i < rep; ++i)
        for (int j = 0; j < rep; ++j)
            for (int l = 0; l < rep; ++l)
                for (int b = 0; b < 4; ++b, ++k) {
                    pos[3 * k] = a * (i + basis[b][0]);
                    pos[3 * k + 1] = a * (j + basis[b][1]);
                    pos[3 * k + 2] = a * (l + basis[b][2]);
                    z[k] = 29;
                }
    double cell[9] = {a * rep, 0, 0, 0, a * rep, 0, 0, 0, a * rep};
    int pbc[3] = {1, 1, 1};
    double e = 0.0, t0 = now();
    for (int s = 0; s < steps; ++s) {
        for (int q = 0; q < 3 * n; ++q) pos[q] += 1e-3 * sin(0.7 * q + s);
        if (mtt_model_compute(model, n, pos, z, cell, pbc, &e, f, NULL, NULL, &err)) {
            fprintf(stderr, "bench_md: %s\n", err.message);
            return 1;
        }
    }
    double t = now() - t0;
    printf("libmtt: %d atoms, %d steps, %.3f s, %.2f us/atom/step (E = %.6f)\n", n, steps, t,
           1e6 * t / ((double)n * steps), e);
    mtt_model_close(model);
    free(pos);
    free(f);
    free(z);
    return 0;
}
