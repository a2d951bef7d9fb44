/* test_splits.c — split sizes (metatrain arithmetic), partitions, seeds,
 * index files against golden files, errors. */
#include "config.h"

#include "cunit_tap.h"
#include "data/splits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char tmp_dir[256];

static int suite_init(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/mtt_test_splits.XXXXXX");
    return mkdtemp(tmp_dir) ? 0 : 1;
}

static int suite_clean(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : 1;
}

/* Disjoint, sorted, covering 0..n-1 (own-file sets are empty). */
static void assert_partition(const mtt_splits *s, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(s->n_training + s->n_validation + s->n_test, n);
    unsigned char *seen = calloc(n, 1);
    const size_t *lists[3] = {s->training, s->validation, s->test};
    size_t counts[3] = {s->n_training, s->n_validation, s->n_test};
    for (int l = 0; l < 3; ++l)
        for (size_t i = 0; i < counts[l]; ++i) {
            CU_ASSERT_FATAL(lists[l][i] < n);
            CU_ASSERT(seen[lists[l][i]] == 0);
            seen[lists[l][i]] = 1;
            if (i > 0) CU_ASSERT(lists[l][i - 1] < lists[l][i]);
        }
    for (size_t i = 0; i < n; ++i) CU_ASSERT(seen[i] == 1);
    free(seen);
}

static void test_issue_example(void)
{
    mtt_splits s;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(100, 0.1, 0.5, 42, &s, &err), MTT_OK);
    CU_ASSERT_EQUAL(s.n_validation, 10);
    CU_ASSERT_EQUAL(s.n_test, 50);
    CU_ASSERT_EQUAL(s.n_training, 40);
    assert_partition(&s, 100);
    mtt_splits_free(&s);
}

/* Sizes from metatrain's formula evaluated with Python floats. */
static void test_metatrain_sizes(void)
{
    static const struct { size_t n; double v, t; size_t nv, nt, ntr; } cases[] = {
        {100, 0.1, 0.1, 10, 10, 80},
        {10, 0.25, 0.25, 2, 2, 6},   /* floor(2.5)=2; floor(8*0.25/0.75)=floor(2.67)=2 */
        {7, 0.5, 0.0, 3, 0, 4},
        {7, 0.0, 0.5, 0, 3, 4},
        {1, 0.5, 0.0, 0, 0, 1},
        {3, 0.34, 0.33, 1, 1, 1},     /* floor(1.02)=1; floor(2*0.33/(0.33+0.33))=1 */
        {20, 0.2, 0.3, 4, 5, 11},     /* 16*0.3/(0.5+0.3) is 5.999... in doubles */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        mtt_splits s;
        mtt_error err;
        CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(cases[c].n, cases[c].v, cases[c].t,
                                                        1, &s, &err), MTT_OK);
        CU_ASSERT_EQUAL(s.n_validation, cases[c].nv);
        CU_ASSERT_EQUAL(s.n_test, cases[c].nt);
        CU_ASSERT_EQUAL(s.n_training, cases[c].ntr);
        assert_partition(&s, cases[c].n);
        mtt_splits_free(&s);
    }
}

static int same_split(const mtt_splits *a, const mtt_splits *b)
{
    return a->n_training == b->n_training && a->n_validation == b->n_validation &&
           a->n_test == b->n_test &&
           !memcmp(a->training, b->training, a->n_training * sizeof(size_t)) &&
           !memcmp(a->validation, b->validation, a->n_validation * sizeof(size_t)) &&
           !memcmp(a->test, b->test, a->n_test * sizeof(size_t));
}

static void test_seeds(void)
{
    mtt_splits a, b, c;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(200, 0.1, 0.2, 7, &a, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(200, 0.1, 0.2, 7, &b, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(200, 0.1, 0.2, 8, &c, &err), MTT_OK);
    CU_ASSERT(same_split(&a, &b));
    CU_ASSERT(!same_split(&a, &c));
    CU_ASSERT_EQUAL(a.n_training, c.n_training);
    /* the validation set is not simply the first or last indices */
    CU_ASSERT(a.validation[0] != 0 || a.validation[a.n_validation - 1] != 19);
    mtt_splits_free(&a);
    mtt_splits_free(&b);
    mtt_splits_free(&c);
}

static void test_own_files(void)
{
    mtt_splits s;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(50, MTT_SPLITS_OWN_FILE,
                                                    MTT_SPLITS_OWN_FILE, 3, &s, &err),
                          MTT_OK);
    CU_ASSERT_EQUAL(s.n_training, 50);
    CU_ASSERT_EQUAL(s.n_validation, 0);
    CU_ASSERT_EQUAL(s.n_test, 0);
    CU_ASSERT(s.validation_from_file && s.test_from_file);
    for (size_t i = 0; i < 50; ++i) CU_ASSERT(s.training[i] == i);
    mtt_splits_free(&s);

    /* validation from its own file, test from the training file */
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(100, MTT_SPLITS_OWN_FILE, 0.5, 3,
                                                    &s, &err), MTT_OK);
    CU_ASSERT_EQUAL(s.n_validation, 0);
    CU_ASSERT_EQUAL(s.n_test, 50);
    CU_ASSERT_EQUAL(s.n_training, 50);
    assert_partition(&s, 100);
    mtt_splits_free(&s);
}

static void test_errors(void)
{
    mtt_splits s;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(100, 1.0, 0.0, 1, &s, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "validation_set"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "[0, 1)"));
    CU_ASSERT_PTR_NULL(s.training);
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(100, 0.1, -0.2, 1, &s, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "test_set"));
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(100, 0.5, 0.5, 1, &s, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "leaves no training structures"));
    /* 1 - 0.7 - 0.3 is 5.6e-17 in doubles: still "no training" */
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(100, 0.7, 0.3, 1, &s, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "leaves no training structures"));
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(0, 0.1, 0.1, 1, &s, &err), MTT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no structures"));
    double nan = 0.0 / 0.0;
    CU_ASSERT_EQUAL(mtt_splits_from_fractions(10, nan, 0.1, 1, &s, &err), MTT_ERR_OPTIONS);
    mtt_splits_free(&s);
    mtt_splits_free(NULL);
}

/* Compare a file with a golden file byte for byte. */
static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int eq = fa && fb;
    while (eq) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) eq = 0;
        if (ca == EOF || cb == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return eq;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Golden files pin the exact members for (n=20, 0.2, 0.3, seed 42): any
 * change to the RNG or the split order shows up here. */
static void test_index_files(void)
{
    mtt_splits s;
    mtt_error err;
    char run[300], got[400], want[400];
    snprintf(run, sizeof run, "%s/run1", tmp_dir);
    CU_ASSERT_FATAL(mkdir(run, 0777) == 0);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(20, 0.2, 0.3, 42, &s, &err), MTT_OK);
    CU_ASSERT_EQUAL(s.n_validation, 4);
    CU_ASSERT_EQUAL(s.n_test, 5);
    CU_ASSERT_EQUAL(s.n_training, 11);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_write_indices(&s, run, &err), MTT_OK);
    const char *names[3] = {"training", "validation", "test"};
    for (int i = 0; i < 3; ++i) {
        snprintf(got, sizeof got, "%s/indices/%s.txt", run, names[i]);
        snprintf(want, sizeof want, "%s/splits/n20_v0.2_t0.3_seed42/%s.txt",
                 mtt_test_data_dir(), names[i]);
        CU_ASSERT(files_equal(got, want));
    }
    /* the format itself: first training index, one per line */
    snprintf(got, sizeof got, "%s/indices/training.txt", run);
    FILE *f = fopen(got, "r");
    CU_ASSERT_FATAL(f != NULL);
    size_t v, count = 0;
    while (fscanf(f, "%zu", &v) == 1) CU_ASSERT(v == s.training[count++]);
    fclose(f);
    CU_ASSERT_EQUAL(count, s.n_training);
    /* writing again into the same folder is fine (indices/ exists) */
    CU_ASSERT_EQUAL(mtt_splits_write_indices(&s, run, &err), MTT_OK);
    mtt_splits_free(&s);

    /* own-file validation: no validation.txt */
    snprintf(run, sizeof run, "%s/run2", tmp_dir);
    CU_ASSERT_FATAL(mkdir(run, 0777) == 0);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(5, MTT_SPLITS_OWN_FILE, 0.2, 1, &s,
                                                    &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_write_indices(&s, run, &err), MTT_OK);
    snprintf(got, sizeof got, "%s/indices/validation.txt", run);
    CU_ASSERT(!exists(got));
    snprintf(got, sizeof got, "%s/indices/test.txt", run);
    CU_ASSERT(exists(got));
    mtt_splits_free(&s);

    /* both own files: no indices folder at all (as metatrain) */
    snprintf(run, sizeof run, "%s/run3", tmp_dir);
    CU_ASSERT_FATAL(mkdir(run, 0777) == 0);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(5, MTT_SPLITS_OWN_FILE,
                                                    MTT_SPLITS_OWN_FILE, 1, &s, &err),
                          MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_write_indices(&s, run, &err), MTT_OK);
    snprintf(got, sizeof got, "%s/indices", run);
    CU_ASSERT(!exists(got));

    /* a missing run folder: an error naming the path */
    snprintf(run, sizeof run, "%s/missing/run", tmp_dir);
    mtt_splits_free(&s);
    CU_ASSERT_EQUAL_FATAL(mtt_splits_from_fractions(5, 0.2, 0.2, 1, &s, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_splits_write_indices(&s, run, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "missing/run/indices"));
    mtt_splits_free(&s);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("splits", suite_init, suite_clean);
    CU_add_test(s, "100 structures, 0.1 / 0.5 -> 10 / 50 / 40", test_issue_example);
    CU_add_test(s, "sizes follow metatrain's arithmetic", test_metatrain_sizes);
    CU_add_test(s, "same seed same split, other seed other split", test_seeds);
    CU_add_test(s, "sets from their own files", test_own_files);
    CU_add_test(s, "errors", test_errors);
    CU_add_test(s, "index files match golden files", test_index_files);
    return mtt_cunit_run_tap();
}
