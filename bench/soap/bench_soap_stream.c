/* bench_soap_stream.c — the SOAP force and tangent passes over stored pair
 * factors that do not fit in the cache, as in a training epoch.
 *
 * usage: bench_soap_stream [CELLS] [REPEATS] [SPECIES] [half|both] [2m|4k]
 *        (default 40 cells, 10 repeats, 1 species, half, 2m)
 *
 * Builds CELLS periodic fcc cells of 32 atoms (a = 3.61 Å, every atom
 * rattled by up to ±0.05 Å, a fixed seed; SPECIES 1: copper; 2 or 3: atom i
 * is the (i mod SPECIES)-th of Al, Ni, Cu), stores their factored pair gradients
 * (cutoff 5 Å, width 0.5 Å, max_radial 7, max_angular 6: K = 8 per species,
 * about 42 neighbours per atom, 3.3 MB of factors per cell), then runs the
 * force pass (from a fixed ∂E/∂p) and the tangent pass (along a fixed
 * displacement) over all cells in turn, REPEATS times, and prints ns per
 * (directed) pair of each.  "half" stores and runs one direction of each
 * pair i↔j (MTT_SOAP_HALF_PAIRS, as training does), "both" every direction;
 * "2m" moves each cell's stored data into an arena of 2 MiB pages, as the
 * training cache does (util/arena.h), "4k" leaves it in 4 KiB pages.
 * 40 cells (~65 MB half, ~130 MB both) stream from memory on every pass; 2
 * cells stay in the cache.  Compare on one idle core:
 *     taskset -c 0 bench/soap/bench_soap_stream 40
 *     taskset -c 0 bench/soap/bench_soap_stream 2 200
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/neighbors.h"
#include "model/soap.h"

enum { ATOMS = 32 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* A 2×2×2 fcc copper cell, rattled from the linear congruential state *seed. */
static void copper_cell(unsigned *seed, double pos[3 * ATOMS])
{
    static const double basis[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
    int q = 0;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
                for (int b = 0; b < 4; ++b, ++q) {
                    const int cell[3] = {i, j, k};
                    for (int x = 0; x < 3; ++x) {
                        *seed = *seed * 1103515245u + 12345u;
                        const double u = (double)((*seed >> 8) & 0xffff) / 65535.0 - 0.5;
                        pos[3 * q + x] = 3.61 * (cell[x] + basis[b][x]) + 0.1 * u;
                    }
                }
}

int main(int argc, char **argv)
{
    const int cells = argc > 1 ? atoi(argv[1]) : 40, repeats = argc > 2 ? atoi(argv[2]) : 10;
    const int n_species = argc > 3 ? atoi(argv[3]) : 1;
    const int both = argc > 4 && strcmp(argv[4], "both") == 0;
    const int small_pages = argc > 5 && strcmp(argv[5], "4k") == 0;
    if (cells < 1 || repeats < 1 || n_species < 1 || n_species > 3 ||
        (argc > 4 && !both && strcmp(argv[4], "half") != 0) ||
        (argc > 5 && !small_pages && strcmp(argv[5], "2m") != 0)) {
        fprintf(stderr, "usage: bench_soap_stream [CELLS >= 1] [REPEATS >= 1] [SPECIES 1-3] "
                        "[half|both] [2m|4k]\n");
        return 2;
    }
    mtt_arena arena;
    mtt_arena_init(&arena);
    const int flags = MTT_SOAP_STORE_GRAD | (both ? 0 : MTT_SOAP_HALF_PAIRS);
    int species[3] = {13, 28, 29}, spec[ATOMS], pbc[3] = {1, 1, 1};
    if (n_species == 1) species[0] = 29;
    for (int i = 0; i < ATOMS; ++i) spec[i] = i % n_species;
    const double box[9] = {7.22, 0, 0, 0, 7.22, 0, 0, 0, 7.22};
    mtt_soap_params prm = {5.0, 0.5, 7, 6, n_species, species, MTT_SOAP_DEFAULT_GRID};
    mtt_soap *soap = NULL;
    mtt_error err;
    if (mtt_soap_create(&soap, &prm, &err) != MTT_OK) {
        fprintf(stderr, "bench_soap_stream: %s\n", err.msg);
        return 1;
    }
    const size_t D = mtt_soap_dim(soap);
    mtt_nlist *nl = calloc((size_t)cells, sizeof *nl);
    mtt_soap_work *work = calloc((size_t)cells, sizeof *work);
    double *p = malloc(ATOMS * D * sizeof *p), *g = malloc(ATOMS * D * sizeof *g);
    double *pdot = malloc(ATOMS * D * sizeof *pdot);
    double forces[3 * ATOMS], disp[3 * ATOMS], pos[3 * ATOMS];
    if (!nl || !work || !p || !g || !pdot) {
        fprintf(stderr, "bench_soap_stream: out of memory\n");
        return 1;
    }
    for (size_t a = 0; a < ATOMS * D; ++a) g[a] = (double)((a * 2654435761u) % 1000) / 1000.0 - 0.5;
    for (int a = 0; a < 3 * ATOMS; ++a) disp[a] = (double)((a * 40503u) % 100) / 100.0 - 0.5;
    unsigned seed = 1;
    long pairs = 0;
    double factors = 0.0; /* stored values */
    for (int c = 0; c < cells; ++c) {
        copper_cell(&seed, pos);
        mtt_nlist_init(&nl[c]);
        mtt_soap_work_init(&work[c]);
        if (mtt_nlist_build(&nl[c], ATOMS, pos, box, pbc, 5.0, &err) != MTT_OK ||
            mtt_soap_compute(soap, &nl[c], spec, p, &work[c], flags, &err) != MTT_OK) {
            fprintf(stderr, "bench_soap_stream: %s\n", err.msg);
            return 1;
        }
        pairs += (long)nl[c].n_pairs;
        factors += (double)(work[c].half ? work[c].n_half : nl[c].n_pairs) *
                   (double)mtt_soap_pair_gradient_size(soap);
        if (!small_pages) (void)mtt_soap_work_move_to_arena(&work[c], &arena);
    }
    double t_force = 0, t_tangent = 0, dE[9];
    for (int r = 0; r < repeats; ++r)
        for (int c = 0; c < cells; ++c) {
            double t0 = now();
            mtt_soap_forces(soap, g, &work[c], forces, dE, &err);
            double t1 = now();
            mtt_soap_tangent(soap, disp, &work[c], pdot, &err);
            t_force += t1 - t0;
            t_tangent += now() - t1;
        }
    const double n = (double)repeats * (double)pairs;
    printf("%d cells of %d atoms, %d species, %.0f pairs per cell, %s, %s pages, %.1f MB of pair "
           "factors per cell: forces %.1f ns per pair, tangent %.1f ns per pair\n",
           cells, ATOMS, n_species, (double)pairs / cells, both ? "both directions" : "half",
           small_pages ? "4 KiB" : "2 MiB",
           8e-6 * factors / cells, 1e9 * t_force / n,
           1e9 * t_tangent / n);
    for (int c = 0; c < cells; ++c) {
        mtt_soap_work_free(&work[c]);
        mtt_nlist_free(&nl[c]);
    }
    mtt_arena_free(&arena);
    free(nl), free(work), free(p), free(g), free(pdot);
    mtt_soap_free(soap);
    return 0;
}
