/* test_soap.c — SOAP power spectrum and dp/dr against the PyTorch reference.
 *
 * Golden files tests/data/soap/NAME.txt come from soap_dump.py via
 * tests/gen/soap_golden.py (format described there).  Exact radial path:
 * 1e-10 relative (per row, relative to the row's largest entry); tabulated
 * path (MTT_SOAP_DEFAULT_GRID): 1e-7 for p and 1e-6 for dp/dr.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/soap.h"

typedef struct golden_struct {
    int n, pbc[3];
    double cell[9];
    int *z;
    double *pos;
    double *p;      /* n × D */
    int n_dp;
    int *dp_key;    /* 3 per row: i, k, x */
    double *dp;     /* n_dp × D */
} golden_struct;

typedef struct golden {
    int max_radial, max_angular, n_species, species[16];
    double cutoff, width;
    int dim, n_struct;
    golden_struct s[4];
} golden;

static void golden_free(golden *g)
{
    for (int t = 0; t < g->n_struct; ++t) {
        free(g->s[t].z);
        free(g->s[t].pos);
        free(g->s[t].p);
        free(g->s[t].dp_key);
        free(g->s[t].dp);
    }
}

static int golden_read(const char *name, golden *g)
{
    char path[4096], key[64];
    snprintf(path, sizeof path, "%s/soap/%s", mtt_test_data_dir(), name);
    memset(g, 0, sizeof *g);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    golden_struct *cur = NULL;
    int n_atoms_read = 0, cap_dp = 0, ok = 1;
    while (ok && fscanf(f, "%63s", key) == 1) {
        if (key[0] == '#') {
            int ch;
            while ((ch = fgetc(f)) != '\n' && ch != EOF) {}
        } else if (!strcmp(key, "hypers")) {
            ok = fscanf(f, "%d %d %lf %lf", &g->max_radial, &g->max_angular, &g->cutoff, &g->width) == 4;
        } else if (!strcmp(key, "species")) {
            ok = fscanf(f, "%d", &g->n_species) == 1 && g->n_species <= 16;
            for (int a = 0; ok && a < g->n_species; ++a) ok = fscanf(f, "%d", &g->species[a]) == 1;
        } else if (!strcmp(key, "dim")) {
            ok = fscanf(f, "%d", &g->dim) == 1;
        } else if (!strcmp(key, "structure")) {
            cur = &g->s[g->n_struct++];
            ok = fscanf(f, "%d %d %d %d", &cur->n, &cur->pbc[0], &cur->pbc[1], &cur->pbc[2]) == 4;
            cur->z = calloc((size_t)cur->n, sizeof *cur->z);
            cur->pos = calloc(3 * (size_t)cur->n, sizeof *cur->pos);
            cur->p = calloc((size_t)cur->n * g->dim, sizeof *cur->p);
            n_atoms_read = 0;
            cap_dp = 0;
        } else if (!strcmp(key, "cell")) {
            for (int a = 0; ok && a < 9; ++a) ok = fscanf(f, "%lf", &cur->cell[a]) == 1;
        } else if (!strcmp(key, "atom")) {
            int a = n_atoms_read++;
            ok = fscanf(f, "%d %lf %lf %lf", &cur->z[a], &cur->pos[3 * a], &cur->pos[3 * a + 1],
                        &cur->pos[3 * a + 2]) == 4;
        } else if (!strcmp(key, "p")) {
            int i;
            ok = fscanf(f, "%d", &i) == 1 && i >= 0 && i < cur->n;
            for (int d = 0; ok && d < g->dim; ++d) ok = fscanf(f, "%lf", &cur->p[(size_t)i * g->dim + d]) == 1;
        } else if (!strcmp(key, "dp")) {
            if (cur->n_dp == cap_dp) {
                cap_dp = cap_dp ? 2 * cap_dp : 64;
                cur->dp_key = realloc(cur->dp_key, 3 * (size_t)cap_dp * sizeof(int));
                cur->dp = realloc(cur->dp, (size_t)cap_dp * g->dim * sizeof(double));
            }
            int *k = cur->dp_key + 3 * cur->n_dp;
            double *row = cur->dp + (size_t)cur->n_dp * g->dim;
            ok = fscanf(f, "%d %d %d", &k[0], &k[1], &k[2]) == 3;
            for (int d = 0; ok && d < g->dim; ++d) ok = fscanf(f, "%lf", &row[d]) == 1;
            cur->n_dp++;
        } else if (!strcmp(key, "end")) {
            cur = NULL;
        } else {
            ok = 0;
        }
    }
    fclose(f);
    return ok ? 0 : -1;
}

/* max over entries of |a-b| / max_row|b| */
static double row_error(const double *a, const double *b, size_t n)
{
    double scale = 0.0, err = 0.0;
    for (size_t d = 0; d < n; ++d) scale = fmax(scale, fabs(b[d]));
    for (size_t d = 0; d < n; ++d) err = fmax(err, fabs(a[d] - b[d]));
    return scale > 0.0 ? err / scale : err;
}

static void check_file(const char *name, double grid, double tol_p, double tol_dp)
{
    golden g;
    CU_ASSERT_EQUAL_FATAL(golden_read(name, &g), 0);
    mtt_soap_params prm = {g.cutoff, g.width, g.max_radial, g.max_angular, g.n_species, g.species, grid};
    mtt_soap *soap = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_soap_create(&soap, &prm, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_soap_dim(soap), (size_t)g.dim);
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_soap_work w;
    mtt_soap_work_init(&w);
    double ep = 0.0, edp = 0.0;
    for (int t = 0; t < g.n_struct; ++t) {
        golden_struct *s = &g.s[t];
        int *spec = malloc((size_t)s->n * sizeof *spec);
        for (int i = 0; i < s->n; ++i) spec[i] = mtt_soap_species_index(soap, s->z[i]);
        double *p = malloc((size_t)s->n * g.dim * sizeof *p);
        CU_ASSERT_EQUAL_FATAL(mtt_nlist_build(&nl, s->n, s->pos, s->cell, s->pbc, g.cutoff, &err), MTT_OK);
        CU_ASSERT_EQUAL_FATAL(mtt_soap_compute(soap, &nl, spec, p, &w, MTT_SOAP_STORE_GRAD, &err), MTT_OK);
        for (int i = 0; i < s->n; ++i)
            ep = fmax(ep, row_error(p + (size_t)i * g.dim, s->p + (size_t)i * g.dim, (size_t)g.dim));
        if (s->n_dp) {
            double *jac = malloc((size_t)s->n * g.dim * s->n * 3 * sizeof *jac);
            double *row = malloc((size_t)g.dim * sizeof *row);
            CU_ASSERT_EQUAL_FATAL(mtt_soap_jacobian(soap, &w, jac, &err), MTT_OK);
            for (int r = 0; r < s->n_dp; ++r) {
                int i = s->dp_key[3 * r], k = s->dp_key[3 * r + 1], x = s->dp_key[3 * r + 2];
                for (int d = 0; d < g.dim; ++d) row[d] = jac[(((size_t)i * g.dim + d) * s->n + k) * 3 + x];
                edp = fmax(edp, row_error(row, s->dp + (size_t)r * g.dim, (size_t)g.dim));
            }
            free(jac);
            free(row);
        }
        free(spec);
        free(p);
    }
    printf("# %s (grid %g): max relative error p %.3g, dp/dr %.3g\n", name, grid, ep, edp);
    CU_ASSERT(ep <= tol_p);
    CU_ASSERT(edp <= tol_dp);
    mtt_soap_work_free(&w);
    mtt_nlist_free(&nl);
    mtt_soap_free(soap);
    golden_free(&g);
}

static void test_ethanol_p_exact(void) { check_file("ethanol_p.txt", 0.0, 1e-10, 1e-10); }
static void test_ethanol_dp_exact(void) { check_file("ethanol_dp.txt", 0.0, 1e-10, 1e-10); }
static void test_carbon_exact(void) { check_file("carbon_cell.txt", 0.0, 1e-10, 1e-10); }
static void test_ethanol_p_table(void) { check_file("ethanol_p.txt", MTT_SOAP_DEFAULT_GRID, 1e-7, 1e-6); }
static void test_ethanol_dp_table(void) { check_file("ethanol_dp.txt", MTT_SOAP_DEFAULT_GRID, 1e-7, 1e-6); }
static void test_carbon_table(void) { check_file("carbon_cell.txt", MTT_SOAP_DEFAULT_GRID, 1e-7, 1e-6); }

/* The golden reader must reject a damaged file (the test would otherwise pass vacuously). */
static void test_broken_golden(void)
{
    golden g;
    CU_ASSERT_NOT_EQUAL(golden_read("broken.txt", &g), 0);
    golden_free(&g);
    CU_ASSERT_NOT_EQUAL(golden_read("does_not_exist.txt", &g), 0);
}

static void test_bad_params(void)
{
    int sp[2] = {8, 1};
    mtt_soap_params prm = {5.0, 0.5, 7, 6, 2, sp, 0.0};
    mtt_soap *soap = NULL;
    mtt_error err;
    CU_ASSERT_NOT_EQUAL(mtt_soap_create(&soap, &prm, &err), MTT_OK);
    sp[0] = 1, sp[1] = 8;
    prm.width = 6.0;
    CU_ASSERT_EQUAL(mtt_soap_create(&soap, &prm, &err), MTT_ERR_OPTIONS);
    CU_ASSERT(strstr(err.msg, "width") != NULL);
    prm.width = 0.5;
    prm.max_angular = 40;
    CU_ASSERT_EQUAL(mtt_soap_create(&soap, &prm, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NULL(soap);
    prm.max_angular = 6;
    CU_ASSERT_EQUAL_FATAL(mtt_soap_create(&soap, &prm, &err), MTT_OK);
    /* unknown species index fails cleanly */
    double pos[6] = {0, 0, 0, 1, 0, 0};
    int spec[2] = {0, 5};
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_soap_work w;
    mtt_soap_work_init(&w);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 2, pos, NULL, NULL, 5.0, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_soap_compute(soap, &nl, spec, NULL, &w, 0, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "species index 5") != NULL);
    double g[1] = {0}, f[6];
    CU_ASSERT_EQUAL(mtt_soap_forces(soap, g, &w, f, NULL, &err), MTT_ERR_INTERNAL);
    mtt_soap_work_free(&w);
    mtt_nlist_free(&nl);
    mtt_soap_free(soap);
}

/* Feature order: pairs k1 <= k2 row-major, then l (docs/design.md §7). */
static void test_feature_index(void)
{
    int sp[3] = {1, 6, 8};
    mtt_soap_params prm = {5.0, 0.5, 7, 6, 3, sp, 0.0};
    mtt_soap *soap = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_soap_create(&soap, &prm, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_soap_dim(soap), 2100);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 0, 0, 0), 0);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 0, 0, 6), 6);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 0, 1, 0), 7);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 1, 1, 0), 24 * 7);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 2, 5, 3), (24 + 23 + 3) * 7 + 3);
    CU_ASSERT_EQUAL(mtt_soap_feature(soap, 23, 23, 6), 2099);
    CU_ASSERT_EQUAL(mtt_soap_species_index(soap, 8), 2);
    CU_ASSERT_EQUAL(mtt_soap_species_index(soap, 7), -1);
    mtt_soap_free(soap);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("soap golden", NULL, NULL);
    CU_add_test(s, "ethanol p, exact radial, vs reference", test_ethanol_p_exact);
    CU_add_test(s, "ethanol dp/dr, exact radial, vs reference", test_ethanol_dp_exact);
    CU_add_test(s, "periodic carbon cell and slab p, dp/dr, exact", test_carbon_exact);
    CU_add_test(s, "ethanol p, tabulated radial", test_ethanol_p_table);
    CU_add_test(s, "ethanol dp/dr, tabulated radial", test_ethanol_dp_table);
    CU_add_test(s, "carbon p, dp/dr, tabulated radial", test_carbon_table);
    CU_add_test(s, "broken golden file is rejected", test_broken_golden);
    CU_add_test(s, "bad parameters fail cleanly", test_bad_params);
    CU_add_test(s, "feature index order", test_feature_index);
    return mtt_cunit_run_tap();
}
