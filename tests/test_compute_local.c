/* test_compute_local.c — mtt_model_compute_local, the MD-engine entry of
 * libmtt (the KIM driver's): a periodic cell given as its atoms plus all
 * their images as non-contributing "ghosts" must give the periodic
 * mtt_model_compute's energy, forces (a ghost's force added to its owner),
 * virial and per-atom energies; per-atom virials sum to the virial; ghosts
 * get no energy; bad input is refused (CUnit, TAP). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_tap.h"
#include "io/export.h"
#include "model_fixture.h"
#include "mtt/mtt.h"

#define N 12
#define BOX 6.5  /* Å, > the fixture's 4 Å cutoff: images within one cell suffice */
#define NALL (27 * N)

static char dir[300], path[400];
static mtt_model *model;
static double pos[3 * N], cell[9] = {BOX, 0, 0, 0.3, BOX, 0, -0.2, 0.1, BOX};
static int z[N];

static double max_rel(const double *a, const double *b, size_t n)
{
    double d = 0.0, s = 1e-300;
    for (size_t k = 0; k < n; ++k) {
        d = fmax(d, fabs(a[k] - b[k]));
        s = fmax(s, fabs(b[k]));
    }
    return d / s;
}

static void test_periodic_as_ghosts(void)
{
    static const int types[3] = {1, 6, 8};
    unsigned long seed = 12345;
    for (int i = 0; i < N; ++i) {
        z[i] = types[i % 3];
        for (int d = 0; d < 3; ++d) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            pos[3 * i + d] = BOX * (double)(seed >> 11) / 9007199254740992.0;
        }
    }
    int pbc[3] = {1, 1, 1};
    double e = 0, f[3 * N], ae[N], w[9];
    mtt_model_error err;
    CU_ASSERT_FATAL(mtt_model_compute(model, N, pos, z, cell, pbc, &e, f, ae, w, &err) ==
                    MTT_MODEL_OK);
    /* the cell's atoms first, then every image (shift ≠ 0) as a ghost */
    static double all[3 * NALL], fl[3 * NALL], ael[NALL], wl[9], wa[9 * NALL];
    static int zall[NALL], contributing[NALL], owner[NALL];
    int k = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (int a = -1; a <= 1; ++a)
            for (int b = -1; b <= 1; ++b)
                for (int c = -1; c <= 1; ++c) {
                    int zero = a == 0 && b == 0 && c == 0;
                    if (zero != (pass == 0)) continue;
                    for (int i = 0; i < N; ++i, ++k) {
                        for (int d = 0; d < 3; ++d)
                            all[3 * k + d] = pos[3 * i + d] + a * cell[d] + b * cell[3 + d] +
                                             c * cell[6 + d];
                        zall[k] = z[i];
                        contributing[k] = zero;
                        owner[k] = i;
                    }
                }
    double el = 0;
    CU_ASSERT_FATAL(mtt_model_compute_local(model, NALL, all, zall, contributing, &el, fl, ael,
                                            wl, wa, &err) == MTT_MODEL_OK);
    CU_ASSERT(fabs(el - e) <= 1e-12 * fabs(e));
    double folded[3 * N] = {0}, sum_w[9] = {0}, sum_e = 0.0;
    int ghost_energy = 0;
    for (int q = 0; q < NALL; ++q) {
        for (int d = 0; d < 3; ++d) folded[3 * owner[q] + d] += fl[3 * q + d];
        for (int r = 0; r < 9; ++r) sum_w[r] += wa[9 * q + r];
        sum_e += ael[q];
        if (!contributing[q] && ael[q] != 0.0) ghost_energy = 1;
    }
    CU_ASSERT(max_rel(folded, f, 3 * N) <= 1e-12);
    CU_ASSERT(max_rel(ael, ae, N) <= 1e-12);
    CU_ASSERT(max_rel(wl, w, 9) <= 1e-12);
    CU_ASSERT(max_rel(sum_w, w, 9) <= 1e-12);
    CU_ASSERT(fabs(sum_e - e) <= 1e-12 * fabs(e));
    CU_ASSERT(!ghost_energy);
    /* every output but the energy is optional */
    double e2 = 0;
    CU_ASSERT(mtt_model_compute_local(model, NALL, all, zall, contributing, &e2, NULL, NULL, NULL,
                                      NULL, &err) == MTT_MODEL_OK);
    CU_ASSERT_EQUAL(e2, el);
}

static void test_bad_input(void)
{
    double p[6] = {0, 0, 0, 1, 0, 0}, e = 0;
    int zz[2] = {1, 29}, c[2] = {1, 0};
    mtt_model_error err;
    CU_ASSERT_EQUAL(mtt_model_compute_local(model, 2, p, zz, c, &e, NULL, NULL, NULL, NULL, &err),
                    MTT_MODEL_ERR_INPUT);
    CU_ASSERT(strstr(err.message, "atom 1 has atomic number 29") != NULL);
    zz[1] = 1;
    p[4] = NAN;
    CU_ASSERT_EQUAL(mtt_model_compute_local(model, 2, p, zz, c, &e, NULL, NULL, NULL, NULL, &err),
                    MTT_MODEL_ERR_INPUT);
    CU_ASSERT(strstr(err.message, "atom 1") != NULL);
    CU_ASSERT_EQUAL(mtt_model_compute_local(model, 2, p, zz, NULL, &e, NULL, NULL, NULL, NULL,
                                            &err), MTT_MODEL_ERR_ARGUMENT);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/mtt-local-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/m.pt", dir);
    mtt_model_file mf;
    mtt_error e;
    mtt_model_error me;
    if (mtt_test_model_file(&mf, 3, &e) != MTT_OK || mtt_export_model_file(&mf, path, &e) != MTT_OK ||
        mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &model, &me) != MTT_MODEL_OK) {
        printf("Bail out! cannot make the test model\n");
        return 1;
    }
    mtt_model_file_free(&mf);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("compute_local", NULL, NULL);
    CU_add_test(s, "periodic cell as atoms + ghost images = periodic compute", test_periodic_as_ghosts);
    CU_add_test(s, "unknown type, NaN, NULL contributing refused", test_bad_input);
    int rc = mtt_cunit_run_tap();
    mtt_model_close(model);
    unlink(path);
    rmdir(dir);
    return rc;
}
