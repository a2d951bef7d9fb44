/* bench_soap.c — time SOAP descriptor + gradient work per atom.
 *
 * usage: bench_soap [DATA.xyz | - | --carbon] [n_frames] [max_radial] [max_angular]
 * Default hypers: cutoff 5 Å, width 0.5 Å, max_radial 7, max_angular 6; species
 * are those of the file (sorted).  Per frame it times (1) neighbour list +
 * p + stored pair gradients, (2) forces and strain derivative from a random
 * g = ∂E/∂p, (3) the tangent ṗ along random w, for the tabulated and the exact
 * radial paths, and prints milliseconds per atom.  Without a file ("-") it uses
 * one built-in ethanol frame; --carbon uses a periodic 32-atom triclinic carbon
 * cell (about 75 neighbours per atom, as in dense solids).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/soap.h"

static const char *symbols[] = {"X", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
                                "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca"};

static int symbol_z(const char *s)
{
    for (int z = 1; z < (int)(sizeof symbols / sizeof *symbols); ++z)
        if (!strcmp(s, symbols[z])) return z;
    return -1;
}

static const double eth_pos[27] = {
    0.16712676, -1.19985031, 0.84958249, -0.93496191, -0.92263607, -0.68150202,
    -1.75179348, 0.29946017, 1.2842646, -0.2072526, 1.35456114, 1.05486243,
    -1.47331516, 1.17441302, -0.27787521, 1.05895494, -0.40161254, -1.43156577,
    -0.17406277, -0.48797864, 0.0185579, -0.98570278, 0.68695664, 0.58412528,
    1.06846394, -0.16863939, -0.50269058};
static const int eth_z[9] = {1, 1, 1, 1, 1, 1, 6, 6, 8};

typedef struct frames {
    int n_frames, n_atoms_total;
    int periodic;     /* 1: every frame uses cell, pbc 111 */
    double cell[9];   /* Å */
    int *n;      /* atoms per frame */
    double *pos; /* all positions */
    int *z;
} frames;

/* Molecule-only xyz reader: count line, comment line, "Sym x y z ..." lines. */
static int read_xyz(const char *path, int max_frames, frames *f)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    char line[4096];
    int cap = 0;
    while (f->n_frames < max_frames && fgets(line, sizeof line, fp)) {
        int n = atoi(line);
        if (n <= 0) break;
        if (!fgets(line, sizeof line, fp)) break;
        if (f->n_atoms_total + n > cap) {
            cap = 2 * (f->n_atoms_total + n);
            f->pos = realloc(f->pos, 3 * (size_t)cap * sizeof *f->pos);
            f->z = realloc(f->z, (size_t)cap * sizeof *f->z);
        }
        f->n = realloc(f->n, (size_t)(f->n_frames + 1) * sizeof *f->n);
        for (int i = 0; i < n; ++i) {
            char sym[8];
            double *x = f->pos + 3 * (size_t)(f->n_atoms_total + i);
            if (!fgets(line, sizeof line, fp) || sscanf(line, "%7s %lf %lf %lf", sym, x, x + 1, x + 2) != 4) {
                fclose(fp);
                return -1;
            }
            f->z[f->n_atoms_total + i] = symbol_z(sym);
        }
        f->n[f->n_frames++] = n;
        f->n_atoms_total += n;
    }
    fclose(fp);
    return f->n_frames > 0 ? 0 : -1;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int run(const frames *fr, int max_radial, int max_angular, double grid, int reps)
{
    int present[119] = {0}, species[119], n_species = 0;
    for (int a = 0; a < fr->n_atoms_total; ++a)
        if (fr->z[a] > 0 && fr->z[a] < 119) present[fr->z[a]] = 1;
    for (int z = 1; z < 119; ++z)
        if (present[z]) species[n_species++] = z;
    mtt_soap_params prm = {5.0, 0.5, max_radial, max_angular, n_species, species, grid};
    mtt_soap *soap = NULL;
    mtt_error err;
    if (mtt_soap_create(&soap, &prm, &err) != MTT_OK) {
        fprintf(stderr, "bench_soap: %s\n", err.msg);
        return 1;
    }
    int max_n = 0;
    for (int t = 0; t < fr->n_frames; ++t) max_n = fr->n[t] > max_n ? fr->n[t] : max_n;
    size_t D = mtt_soap_dim(soap);
    double *p = malloc((size_t)max_n * D * sizeof *p), *g = malloc((size_t)max_n * D * sizeof *g);
    double *pd = malloc((size_t)max_n * D * sizeof *pd), *F = malloc(3 * (size_t)max_n * sizeof *F);
    double *w = malloc(3 * (size_t)max_n * sizeof *w);
    int *spec = malloc((size_t)max_n * sizeof *spec);
    for (size_t a = 0; a < (size_t)max_n * D; ++a) g[a] = (double)((a * 2654435761u) % 1000) / 1000.0 - 0.5;
    for (int a = 0; a < 3 * max_n; ++a) w[a] = (double)((a * 40503u) % 100) / 100.0 - 0.5;
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_soap_work wk;
    mtt_soap_work_init(&wk);
    double t_desc = 0, t_force = 0, t_tan = 0, dE[9];
    long atoms = 0;
    for (int rep = 0; rep < reps; ++rep) {
        size_t off = 0;
        for (int t = 0; t < fr->n_frames; ++t) {
            int n = fr->n[t];
            for (int i = 0; i < n; ++i) spec[i] = mtt_soap_species_index(soap, fr->z[off + i]);
            double t0 = now();
            static const int pbc[3] = {1, 1, 1};
            mtt_nlist_build(&nl, n, fr->pos + 3 * off, fr->periodic ? fr->cell : NULL,
                            fr->periodic ? pbc : NULL, 5.0, &err);
            mtt_soap_compute(soap, &nl, spec, p, &wk, MTT_SOAP_STORE_GRAD, &err);
            double t1 = now();
            mtt_soap_forces(soap, g, &wk, F, dE, &err);
            double t2 = now();
            mtt_soap_tangent(soap, w, &wk, pd, &err);
            double t3 = now();
            t_desc += t1 - t0, t_force += t2 - t1, t_tan += t3 - t2;
            atoms += n;
            off += (size_t)n;
        }
    }
    printf("%-6s max_radial %d max_angular %d D %zu: per atom  p+pair-grad %.4f ms  forces+strain %.4f ms"
           "  tangent %.4f ms  total %.4f ms  (%ld atoms)\n",
           grid > 0 ? "table" : "exact", max_radial, max_angular, D, 1e3 * t_desc / atoms,
           1e3 * t_force / atoms, 1e3 * t_tan / atoms, 1e3 * (t_desc + t_force + t_tan) / atoms, atoms);
    mtt_soap_work_free(&wk);
    mtt_nlist_free(&nl);
    free(p), free(g), free(pd), free(F), free(w), free(spec);
    mtt_soap_free(soap);
    return 0;
}

int main(int argc, char **argv)
{
    frames fr;
    memset(&fr, 0, sizeof fr);
    int n_frames = argc > 2 ? atoi(argv[2]) : 100;
    int mr = argc > 3 ? atoi(argv[3]) : 7, ma = argc > 4 ? atoi(argv[4]) : 6;
    if (argc > 1 && !strcmp(argv[1], "--carbon")) {
        static const double c0[9] = {3.3, 0.0, 0.0, 1.1, 3.1, 0.0, 0.5, 0.7, 3.6};
        static const double p0[12] = {0.126, 0.162, 0.036, 1.392, 1.085, 0.812,
                                      2.608, 1.975, 2.196, 3.776, 3.1, 2.506};
        fr.n_frames = 1, fr.n_atoms_total = 32, fr.periodic = 1;
        fr.n = malloc(sizeof *fr.n), fr.n[0] = 32;
        fr.pos = malloc(96 * sizeof *fr.pos);
        fr.z = malloc(32 * sizeof *fr.z);
        for (int k = 0; k < 9; ++k) fr.cell[k] = 2.0 * c0[k];
        for (int a = 0, q = 0; a < 8; ++a)
            for (int i = 0; i < 4; ++i, ++q) {
                for (int x = 0; x < 3; ++x)
                    fr.pos[3 * q + x] = p0[3 * i + x] + (a & 1) * c0[x] + ((a >> 1) & 1) * c0[3 + x] +
                                        ((a >> 2) & 1) * c0[6 + x];
                fr.z[q] = 6;
            }
    } else if (argc > 1 && strcmp(argv[1], "-")) {
        if (read_xyz(argv[1], n_frames, &fr)) {
            fprintf(stderr, "bench_soap: cannot read %s as a molecular xyz file\n", argv[1]);
            return 1;
        }
    } else {
        fr.n_frames = 1, fr.n_atoms_total = 9;
        fr.n = malloc(sizeof *fr.n), fr.n[0] = 9;
        fr.pos = malloc(sizeof eth_pos), memcpy(fr.pos, eth_pos, sizeof eth_pos);
        fr.z = malloc(sizeof eth_z), memcpy(fr.z, eth_z, sizeof eth_z);
    }
    int reps = fr.n_atoms_total < 1000 ? (1000 + fr.n_atoms_total - 1) / fr.n_atoms_total : 1;
    int rc = run(&fr, mr, ma, MTT_SOAP_DEFAULT_GRID, reps) || run(&fr, mr, ma, 0.0, reps);
    free(fr.n), free(fr.pos), free(fr.z);
    return rc;
}
