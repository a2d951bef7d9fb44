/* bench_libmtt.c — libmtt energy + forces cost per atom, one thread, through
 * the public API only (what an MD engine pays per step).
 *
 * usage: bench_libmtt MODEL.pt ETHANOL.xyz [repeats]
 * Cases: (1) every frame of ETHANOL.xyz (molecules, no cell); (2) a periodic
 * cubic cell of 5×5×5 copies of its first frame on a 5 Å grid (1125 atoms
 * for ethanol).  For each: µs per atom of mtt_model_compute with forces,
 * and with the energy only; the median of `repeats` passes (default 5).
 * The model must know the file's atomic types (an ethanol model).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/xyz.h"
#include "mtt/mtt.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct system {
    int n;
    const double *pos;
    const int *z;
    const double *cell;
    const int *pbc;
} system_t;

/* Median over repeats of the µs per atom of one pass over the systems. */
static double time_pass(const mtt_model *m, const system_t *s, size_t ns, int forces, int repeats)
{
    double best[64], *f = NULL;
    size_t maxn = 0, atoms = 0;
    for (size_t i = 0; i < ns; ++i) {
        if ((size_t)s[i].n > maxn) maxn = (size_t)s[i].n;
        atoms += (size_t)s[i].n;
    }
    f = malloc(3 * maxn * sizeof *f);
    if (repeats > 64) repeats = 64;
    for (int r = 0; r < repeats; ++r) {
        double t0 = now(), e;
        mtt_model_error err;
        for (size_t i = 0; i < ns; ++i)
            if (mtt_model_compute(m, s[i].n, s[i].pos, s[i].z, s[i].cell, s[i].pbc, &e,
                                  forces ? f : NULL, NULL, NULL, &err) != MTT_MODEL_OK) {
                fprintf(stderr, "bench_libmtt: %s\n", err.message);
                exit(1);
            }
        best[r] = 1e6 * (now() - t0) / (double)atoms;
    }
    free(f);
    qsort(best, (size_t)repeats, sizeof *best, cmp);
    return best[repeats / 2];
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_libmtt MODEL.pt ETHANOL.xyz [repeats]\n");
        return 2;
    }
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    if (repeats < 1) repeats = 1;
    mtt_model *m = NULL;
    mtt_model_error err;
    if (mtt_model_open(argv[1], MTT_MODEL_OPEN_QUIET, &m, &err) != MTT_MODEL_OK) {
        fprintf(stderr, "bench_libmtt: %s\n", err.message);
        return 1;
    }
    mtt_dataset *ds = NULL;
    mtt_error e;
    mtt_xyz_keys keys = {NULL, NULL, NULL, NULL};
    if (mtt_xyz_read(argv[2], NULL, NULL, 0, &keys, &ds, &e) != MTT_OK) {
        fprintf(stderr, "bench_libmtt: %s\n", e.msg);
        return 1;
    }
    system_t *mol = calloc(ds->n_structures, sizeof *mol);
    for (size_t s = 0; s < ds->n_structures; ++s) {
        mol[s].n = (int)(ds->atom_start[s + 1] - ds->atom_start[s]);
        mol[s].pos = ds->positions + 3 * ds->atom_start[s];
        mol[s].z = ds->numbers + ds->atom_start[s];
    }
    /* periodic cell: 5×5×5 copies of frame 0 on a 5 Å grid */
    const int k = 5, n0 = mol[0].n;
    const double a = 5.0;
    const int nbig = k * k * k * n0;
    double *pos = malloc(3 * (size_t)nbig * sizeof *pos);
    int *z = malloc((size_t)nbig * sizeof *z);
    int at = 0;
    for (int x = 0; x < k; ++x)
        for (int y = 0; y < k; ++y)
            for (int w = 0; w < k; ++w)
                for (int i = 0; i < n0; ++i, ++at) {
                    pos[3 * at] = mol[0].pos[3 * i] + a * x;
                    pos[3 * at + 1] = mol[0].pos[3 * i + 1] + a * y;
                    pos[3 * at + 2] = mol[0].pos[3 * i + 2] + a * w;
                    z[at] = mol[0].z[i];
                }
    double cell[9] = {k * a, 0, 0, 0, k * a, 0, 0, 0, k * a};
    int pbc[3] = {1, 1, 1};
    system_t big = {nbig, pos, z, cell, pbc};

    printf("# libmtt %s, cutoff %g, one thread; median of %d passes, microseconds per atom\n",
           mtt_version(), mtt_model_cutoff(m), repeats);
    printf("%-34s %12s %12s\n", "case", "E+F", "E only");
    char name[64];
    snprintf(name, sizeof name, "molecules (%zu x %d atoms)", ds->n_structures, mol[0].n);
    printf("%-34s %12.1f %12.1f\n", name, time_pass(m, mol, ds->n_structures, 1, repeats),
           time_pass(m, mol, ds->n_structures, 0, repeats));
    snprintf(name, sizeof name, "periodic cell (%d atoms)", nbig);
    printf("%-34s %12.1f %12.1f\n", name, time_pass(m, &big, 1, 1, repeats),
           time_pass(m, &big, 1, 0, repeats));
    free(pos);
    free(z);
    free(mol);
    mtt_dataset_free(ds);
    mtt_model_close(m);
    return 0;
}
