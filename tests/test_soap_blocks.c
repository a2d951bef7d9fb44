/* test_soap_blocks.c — the SOAP force and tangent passes give the same bits
 * with the 8-lane register blocks of AVX-512 machines and with the 4-lane
 * blocks the other machines run (util/vector.h, MTT_VECTOR_WIDE): the block
 * width only changes how many independent per-lane sums are kept in
 * registers at once, never the order of any sum.  Both widths run on every
 * machine (the wide blocks are compiled into every vector copy, only slower
 * without AVX-512), forced by the test-only mtt_vector_force_blocks.
 *
 * Cases: ethanol (3 species, K = 24: the per-atom products in registers and
 * the packed transposes), a rattled periodic copper cell (K = 8), and
 * max_radial 5 (N = 6 padded to NP = 8: the BLAS or small-loop products);
 * pair factors stored for one direction of each pair (as training keeps
 * them) and recomputed; forces, ∂E/∂ε and the tangent along displacements
 * and a strain, and the row-wise variants the trainer calls.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "ethanol_frame.h"
#include "model/neighbors.h"
#include "model/soap.h"
#include "util/vector.h"

enum { MAX_ATOMS = 32 };

typedef struct pass_out {
    size_t nD; /* atoms × descriptor size: the length of pdot and trows */
    double forces[3 * MAX_ATOMS], dE[9], *pdot, frows[3 * MAX_ATOMS], dErows[9], *trows;
} pass_out;

typedef struct case_def {
    const char *name;
    int n, n_species, max_radial, max_angular;
    const int *species;  /* atomic numbers of the species list */
    const int *spec;     /* per-atom index into it */
    const double *pos, *box;
    const int *pbc;
} case_def;

static const double ethanol_pos[27] = MTT_TEST_ETHANOL_POS;
static const int ethanol_spec[9] = {0, 0, 0, 0, 0, 0, 1, 1, 2};
static const int chno[3] = {1, 6, 8};
static const int copper[1] = {29};
static const int no_pbc[3] = {0, 0, 0}, all_pbc[3] = {1, 1, 1};
static const double copper_box[9] = {7.22, 0, 0, 0, 7.22, 0, 0, 0, 7.22};
static double copper_pos[3 * MAX_ATOMS];
static int copper_spec[MAX_ATOMS];

/* A 2×2×2 fcc cell, every coordinate rattled by up to ±0.05 Å. */
static void make_copper(void)
{
    static const double basis[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
    unsigned seed = 7;
    int q = 0;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
                for (int b = 0; b < 4; ++b, ++q) {
                    const int cell[3] = {i, j, k};
                    for (int x = 0; x < 3; ++x) {
                        seed = seed * 1103515245u + 12345u;
                        const double u = (double)((seed >> 8) & 0xffff) / 65535.0 - 0.5;
                        copper_pos[3 * q + x] = 3.61 * (cell[x] + basis[b][x]) + 0.1 * u;
                    }
                    copper_spec[q] = 0;
                }
}

/* Every pass of one case with the blocks forced to `mode`; 0 on success. */
static int run_passes(const case_def *c, int flags, int mode, pass_out *o)
{
    mtt_vector_force_blocks(mode);
    mtt_soap_params prm = {5.0, 0.5, c->max_radial, c->max_angular, c->n_species, c->species,
                           MTT_SOAP_DEFAULT_GRID};
    mtt_soap *soap = NULL;
    mtt_error err;
    mtt_nlist nl;
    mtt_soap_work w;
    mtt_nlist_init(&nl);
    mtt_soap_work_init(&w);
    int bad = mtt_soap_create(&soap, &prm, &err) != MTT_OK;
    const size_t D = bad ? 0 : mtt_soap_dim(soap), nD = (size_t)c->n * D;
    o->nD = nD;
    double *p = malloc((nD ? nD : 1) * sizeof *p), *g = malloc((nD ? nD : 1) * sizeof *g);
    size_t rows[MAX_ATOMS];
    double disp[3 * MAX_ATOMS], strain[9];
    for (int i = 0; i < c->n; ++i) rows[i] = (size_t)(c->n - 1 - i); /* reversed rows */
    for (size_t a = 0; a < nD && g; ++a) g[a] = (double)((a * 2654435761u) % 1000) / 1000.0 - 0.5;
    for (int a = 0; a < 3 * c->n; ++a) disp[a] = (double)((a * 40503u) % 100) / 100.0 - 0.5;
    for (int a = 0; a < 9; ++a) strain[a] = 0.01 * (double)(a % 4) - 0.015;
    o->pdot = calloc(nD ? nD : 1, sizeof *o->pdot);
    o->trows = calloc(nD ? nD : 1, sizeof *o->trows);
    bad = bad || !p || !g || !o->pdot || !o->trows ||
          mtt_nlist_build(&nl, c->n, c->pos, c->box, c->pbc, 5.0, &err) != MTT_OK ||
          mtt_soap_compute(soap, &nl, c->spec, p, &w, flags, &err) != MTT_OK ||
          mtt_soap_forces(soap, g, &w, o->forces, o->dE, &err) != MTT_OK ||
          mtt_soap_tangent_strain(soap, disp, strain, &w, o->pdot, &err) != MTT_OK ||
          mtt_soap_forces_rows(soap, g, rows, 0.75, &w, o->frows, o->dErows, &err) != MTT_OK ||
          mtt_soap_tangent_strain_rows(soap, disp, strain, &w, o->trows, rows, 0.75, &err) !=
              MTT_OK;
    if (bad) fprintf(stderr, "# %s: %s\n", c->name, err.msg);
    mtt_soap_work_free(&w);
    mtt_nlist_free(&nl);
    mtt_soap_free(soap);
    free(p);
    free(g);
    mtt_vector_force_blocks(0);
    return bad;
}

static void check_case(const case_def *c)
{
    const int flag_sets[2] = {MTT_SOAP_STORE_GRAD | MTT_SOAP_HALF_PAIRS, 0};
    for (int f = 0; f < 2; ++f) {
        pass_out wide, narrow;
        memset(&wide, 0, sizeof wide);
        memset(&narrow, 0, sizeof narrow);
        CU_ASSERT_EQUAL_FATAL(run_passes(c, flag_sets[f], 1, &wide), 0);
        CU_ASSERT_EQUAL_FATAL(run_passes(c, flag_sets[f], -1, &narrow), 0);
        const size_t nD = wide.nD;
        CU_ASSERT_FATAL(nD > 0 && narrow.nD == nD);
        const size_t nf = 3 * (size_t)c->n * sizeof(double);
        int same = memcmp(wide.forces, narrow.forces, nf) == 0 &&
                   memcmp(wide.dE, narrow.dE, sizeof wide.dE) == 0 &&
                   memcmp(wide.pdot, narrow.pdot, nD * sizeof(double)) == 0 &&
                   memcmp(wide.frows, narrow.frows, nf) == 0 &&
                   memcmp(wide.dErows, narrow.dErows, sizeof wide.dErows) == 0 &&
                   memcmp(wide.trows, narrow.trows, nD * sizeof(double)) == 0;
        double nonzero = 0.0; /* the passes produced something to compare */
        for (int a = 0; a < 3 * c->n; ++a) nonzero += wide.forces[a] * wide.forces[a];
        if (!same)
            fprintf(stderr, "# %s, flags %d: the block widths differ\n", c->name, flag_sets[f]);
        CU_ASSERT(same);
        CU_ASSERT(nonzero > 0.0);
        free(wide.pdot), free(wide.trows), free(narrow.pdot), free(narrow.trows);
    }
}

static void test_ethanol(void)
{
    const case_def c = {"ethanol", 9, 3, 7, 6, chno, ethanol_spec, ethanol_pos, NULL, no_pbc};
    check_case(&c);
}

static void test_copper(void)
{
    make_copper();
    const case_def c = {"copper", 32, 1, 7, 6, copper, copper_spec, copper_pos, copper_box,
                        all_pbc};
    check_case(&c);
}

static void test_padded(void)
{
    const case_def c = {"ethanol, max_radial 5", 9, 3, 5, 4, chno, ethanol_spec, ethanol_pos,
                        NULL, no_pbc};
    check_case(&c);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap register blocks", NULL, NULL);
    CU_add_test(s, "ethanol (K = 24): 8-lane and 4-lane blocks give the same bits", test_ethanol);
    CU_add_test(s, "periodic copper (K = 8): the same bits", test_copper);
    CU_add_test(s, "padded radial blocks (N = 6, NP = 8): the same bits", test_padded);
    return mtt_cunit_run_tap();
}
