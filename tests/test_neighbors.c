/* test_neighbors.c — cell-list neighbour list vs a brute-force image search.
 *
 * Random triclinic cells (thick and thinner than the cutoff), mixed pbc,
 * molecules; the sorted sets of (i, j, S) and the vectors r_ij must agree
 * exactly with an O(N²·images) search.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "model/neighbors.h"

typedef struct pair_rec {
    int i, j, s[3];
    double v[3];
} pair_rec;

static unsigned long long rng_state = 12345;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static int cmp_pair(const void *a, const void *b)
{
    const pair_rec *p = a, *q = b;
    if (p->i != q->i) return p->i - q->i;
    if (p->j != q->j) return p->j - q->j;
    for (int d = 0; d < 3; ++d)
        if (p->s[d] != q->s[d]) return p->s[d] - q->s[d];
    return 0;
}

static size_t brute(int n, const double *pos, const double *cell, const int *pbc, double rc,
                    pair_rec *out, size_t cap)
{
    int range[3] = {0, 0, 0};
    static const double zero[9];
    if (!cell) cell = zero;
    for (int d = 0; d < 3; ++d)
        if (pbc && pbc[d]) range[d] = 8;
    size_t np = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            for (int a = -range[0]; a <= range[0]; ++a)
                for (int b = -range[1]; b <= range[1]; ++b)
                    for (int c = -range[2]; c <= range[2]; ++c) {
                        if (i == j && !a && !b && !c) continue;
                        double v[3];
                        for (int x = 0; x < 3; ++x)
                            v[x] = pos[3 * j + x] - pos[3 * i + x] + a * cell[x] + b * cell[3 + x] +
                                   c * cell[6 + x];
                        if (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] >= rc * rc) continue;
                        if (np < cap) {
                            pair_rec *p = out + np;
                            p->i = i, p->j = j, p->s[0] = a, p->s[1] = b, p->s[2] = c;
                            memcpy(p->v, v, sizeof v);
                        }
                        ++np;
                    }
    return np;
}

/* Build both lists and compare; returns the number of pairs. */
static size_t check_structure(int n, const double *pos, const double *cell, const int *pbc, double rc)
{
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_nlist_build(&nl, n, pos, cell, pbc, rc, &err), MTT_OK);
    size_t cap = 200000;
    pair_rec *a = malloc(cap * sizeof *a), *b = malloc(cap * sizeof *b);
    size_t nb = brute(n, pos, cell, pbc, rc, b, cap);
    CU_ASSERT_EQUAL(nl.n_pairs, nb);
    size_t na = 0;
    for (int i = 0; i < n; ++i) {
        CU_ASSERT(nl.first[i] <= nl.first[i + 1]);
        for (size_t q = nl.first[i]; q < nl.first[i + 1] && na < cap; ++q, ++na) {
            a[na].i = i, a[na].j = nl.j[q];
            memcpy(a[na].s, nl.shift + 3 * q, 3 * sizeof(int));
            memcpy(a[na].v, nl.rij + 3 * q, 3 * sizeof(double));
            double r = sqrt(a[na].v[0] * a[na].v[0] + a[na].v[1] * a[na].v[1] + a[na].v[2] * a[na].v[2]);
            CU_ASSERT_DOUBLE_EQUAL(r, nl.r[q], 1e-14);
        }
    }
    if (na == nb && nb <= cap) {
        qsort(a, na, sizeof *a, cmp_pair);
        qsort(b, nb, sizeof *b, cmp_pair);
        int same = 1;
        for (size_t q = 0; q < na; ++q) {
            if (cmp_pair(a + q, b + q)) same = 0;
            for (int x = 0; x < 3; ++x)
                if (a[q].v[x] != b[q].v[x]) same = 0;
        }
        CU_ASSERT(same);
    }
    free(a);
    free(b);
    mtt_nlist_free(&nl);
    return nb;
}

static void random_cell(double *cell, double scale)
{
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) cell[3 * r + c] = (r == c ? scale : 0.0) + 0.35 * scale * (urand() - 0.5);
}

static void random_positions(int n, double *pos, const double *cell, double spill)
{
    for (int i = 0; i < n; ++i) {
        double s[3];
        for (int d = 0; d < 3; ++d) s[d] = (1.0 + 2 * spill) * urand() - spill;
        for (int x = 0; x < 3; ++x)
            pos[3 * i + x] = s[0] * cell[x] + s[1] * cell[3 + x] + s[2] * cell[6 + x];
    }
}

static void test_triclinic_large(void)
{
    double cell[9], pos[3 * 60];
    int pbc[3] = {1, 1, 1};
    for (int t = 0; t < 3; ++t) {
        random_cell(cell, 11.0);
        random_positions(60, pos, cell, 0.3); /* atoms outside the cell too */
        CU_ASSERT(check_structure(60, pos, cell, pbc, 3.0) > 0);
    }
}

static void test_small_cells(void)
{
    double cell[9], pos[3 * 4];
    int pbc[3] = {1, 1, 1};
    for (int t = 0; t < 4; ++t) {
        random_cell(cell, 2.0 + t); /* thinner than the cutoff: many images */
        random_positions(4, pos, cell, 0.5);
        CU_ASSERT(check_structure(4, pos, cell, pbc, 5.0) > 0);
    }
    /* one atom: only its own images */
    double one[3] = {0.1, 0.2, 0.3};
    double cub[9] = {2.5, 0, 0, 0, 2.5, 0, 0, 0, 2.5};
    size_t n = check_structure(1, one, cub, pbc, 2.6);
    CU_ASSERT_EQUAL(n, 6);
}

static void test_mixed_pbc(void)
{
    double cell[9], pos[3 * 20];
    int masks[6][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}};
    for (int t = 0; t < 6; ++t) {
        random_cell(cell, 3.0 + 2.0 * (t % 3));
        random_positions(20, pos, cell, 0.2);
        CU_ASSERT(check_structure(20, pos, cell, masks[t], 4.0) > 0);
    }
}

static void test_molecules(void)
{
    double pos[3 * 40];
    int none[3] = {0, 0, 0};
    for (int i = 0; i < 40; ++i)
        for (int x = 0; x < 3; ++x) pos[3 * i + x] = 12.0 * urand() - 3.0;
    CU_ASSERT(check_structure(40, pos, NULL, none, 3.5) > 0);
    /* far-apart clusters: sparse bounding box */
    for (int i = 20; i < 40; ++i) pos[3 * i] += 1000.0;
    CU_ASSERT(check_structure(40, pos, NULL, NULL, 3.5) > 0);
    /* a single atom and an empty structure */
    CU_ASSERT_EQUAL(check_structure(1, pos, NULL, none, 3.5), 0);
    CU_ASSERT_EQUAL(check_structure(0, pos, NULL, none, 3.5), 0);
}

static void test_errors(void)
{
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_error err;
    double pos[3] = {0, 0, 0}, sing[9] = {1, 0, 0, 2, 0, 0, 0, 0, 1};
    int pbc[3] = {1, 1, 1};
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 1, pos, sing, pbc, 3.0, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "singular") != NULL);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 1, pos, NULL, pbc, 3.0, &err), MTT_ERR_DATA);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 1, pos, NULL, NULL, -1.0, &err), MTT_ERR_DATA);
    mtt_nlist_free(&nl);
    mtt_nlist_free(NULL);
}

/* Reuse: the same struct rebuilt for different sizes gives correct results. */
static void test_reuse(void)
{
    mtt_nlist nl;
    mtt_nlist_init(&nl);
    mtt_error err;
    double cell[9], pos[3 * 50];
    int pbc[3] = {1, 1, 1};
    random_cell(cell, 8.0);
    random_positions(50, pos, cell, 0.0);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 50, pos, cell, pbc, 4.0, &err), MTT_OK);
    size_t big = nl.n_pairs;
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 5, pos, cell, pbc, 4.0, &err), MTT_OK);
    CU_ASSERT(nl.n_pairs < big);
    CU_ASSERT_EQUAL(nl.n_pairs, nl.first[5]);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 50, pos, cell, pbc, 4.0, &err), MTT_OK);
    CU_ASSERT_EQUAL(nl.n_pairs, big);
    mtt_nlist_free(&nl);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("neighbors", NULL, NULL);
    CU_add_test(s, "triclinic cells vs brute force", test_triclinic_large);
    CU_add_test(s, "cells smaller than the cutoff", test_small_cells);
    CU_add_test(s, "mixed periodic boundaries", test_mixed_pbc);
    CU_add_test(s, "molecules without a cell", test_molecules);
    CU_add_test(s, "bad input fails cleanly", test_errors);
    CU_add_test(s, "buffers are reused", test_reuse);
    return mtt_cunit_run_tap();
}
