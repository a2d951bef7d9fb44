/* test_xyz_broken.c — every golden broken file fails cleanly with status
 * MTT_ERR_DATA (MTT_ERR_IO for a missing file) and a message naming the
 * file, the line and the problem. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cunit_tap.h"
#include "data/xyz.h"

typedef struct broken_case {
    const char *file;
    const char *where;   /* "file:line" suffix expected in the message */
    const char *expect;  /* substring of the message */
    int index_fails;     /* the index pass (count lines only) sees it too */
    const char *index_expect; /* its message when different, else NULL */
} broken_case;

static const broken_case cases[] = {
    {"broken_empty.xyz", ":1:", "empty file", 1, NULL},
    {"broken_count_not_number.xyz", ":1:", "expected an atom count (a whole number) but found 'two'", 1, NULL},
    {"broken_too_few_eof.xyz", ":4:", "the file ends after 2 atom lines but line 1 says 3 atoms", 1, NULL},
    {"broken_too_few_next.xyz", ":5:", "found the next frame's atom count after 2 atom lines, but line 1 says 3", 1,
     ":6: expected an atom count (a whole number) but found 'Properties"},
    {"broken_too_many.xyz", ":4:", "expected an atom count (a whole number) but found 'H'", 1, NULL},
    {"broken_bad_number.xyz", ":4:", "'0.1x' in column pos is not a finite number", 0, NULL},
    {"broken_nan_position.xyz", ":3:", "'nan' in column pos is not a finite number", 0, NULL},
    {"broken_inf_force.xyz", ":3:", "'-inf' in column forces is not a finite number", 0, NULL},
    {"broken_nan_energy.xyz", ":2:", "value 'NaN' of key 'energy' is not a finite number", 0, NULL},
    {"broken_column_count.xyz", ":4:", "fewer columns than the 7 that Properties declares", 0, NULL},
    {"broken_unknown_element.xyz", ":4:", "unknown element symbol 'Xx'", 0, NULL},
    {"broken_no_energy.xyz", ":2:", "no energy key 'energy'", 0, NULL},
    {"broken_bad_lattice.xyz", ":2:", "malformed Lattice with 8 numbers", 0, NULL},
    {"broken_bad_stress.xyz", ":2:", "'stress' has 7 numbers; expected 9", 0, NULL},
    {"broken_unterminated_quote.xyz", ":2:", "unterminated quote", 0, NULL},
    {"broken_blank_between.xyz", ":4:", "empty line where an atom count was expected", 1, NULL},
    {"broken_bad_pbc.xyz", ":2:", "malformed pbc", 0, NULL},
    {"broken_pbc_without_lattice.xyz", ":2:", "pbc is periodic but there is no Lattice", 0, NULL},
    {"broken_huge_count.xyz", ":3:", "the file ends after 1 atom lines but line 1 says 2000000000 atoms", 1, NULL},
    {"broken_no_comment.xyz", ":1:", "ends after the atom-count line", 1, NULL},
};

static char *path_of(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/xyz/%s", mtt_test_data_dir(), name);
    return buf;
}

static void test_broken_files(void)
{
    const mtt_xyz_keys keys = {"energy", "forces", "stress", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        const broken_case *c = &cases[i];
        const char *path = path_of(c->file);
        mtt_dataset *ds = NULL;
        mtt_error err;
        mtt_error_clear(&err);
        mtt_status st = mtt_xyz_read(path, NULL, NULL, 0, &keys, &ds, &err);
        char where[4200];
        snprintf(where, sizeof where, "%s%s", path, c->where);
        int ok = st == MTT_ERR_DATA && ds == NULL && strstr(err.msg, c->expect) &&
                 strncmp(err.msg, where, strlen(where)) == 0 && !strchr(err.msg, '\n');
        if (!ok) printf("# %s: status %d, message: %s\n", c->file, (int)st, err.msg);
        CU_ASSERT_TRUE(ok);
        mtt_xyz_index *idx = NULL;
        mtt_error_clear(&err);
        st = mtt_xyz_index_build(path, &idx, &err);
        if (c->index_fails) {
            int iok = st == MTT_ERR_DATA && idx == NULL && strstr(err.msg, c->index_expect ? c->index_expect : c->expect);
            if (!iok) printf("# index %s: status %d, message: %s\n", c->file, (int)st, err.msg);
            CU_ASSERT_TRUE(iok);
        } else {
            CU_ASSERT_EQUAL(st, MTT_OK);
        }
        mtt_xyz_index_free(idx);
    }
}

static void test_missing_file(void)
{
    mtt_dataset *ds = NULL;
    mtt_xyz_index *idx = NULL;
    mtt_error err;
    const mtt_xyz_keys keys = {"energy", NULL, NULL, NULL};
    CU_ASSERT_EQUAL(mtt_xyz_read("/nonexistent/data.xyz", NULL, NULL, 0, &keys, &ds, &err),
                    MTT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/data.xyz: cannot open"));
    CU_ASSERT_EQUAL(mtt_xyz_index_build("/nonexistent/data.xyz", &idx, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NULL(ds);
    CU_ASSERT_PTR_NULL(idx);
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A 2 GB "line" without a newline (a sparse file, no disk used): a clean
 * error after 64 MiB, with bounded memory. */
static void test_huge_line(void)
{
    char path[] = "/tmp/mtt_test_xyz_hugeXXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    int ok = ftruncate(fd, (off_t)2 << 30) == 0;
    close(fd);
    CU_ASSERT_FATAL(ok);
    long before = max_rss_kib();
    mtt_dataset *ds = NULL;
    mtt_error err;
    const mtt_xyz_keys keys = {"energy", NULL, NULL, NULL};
    mtt_status st = mtt_xyz_read(path, NULL, NULL, 0, &keys, &ds, &err);
    long grown_mib = (max_rss_kib() - before) / 1024;
    unlink(path);
    CU_ASSERT_EQUAL(st, MTT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, ":1: line longer than 64 MiB;"));
    printf("# memory grew by %ld MiB\n", grown_mib);
    CU_ASSERT_TRUE(grown_mib < 200);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("xyz_broken", NULL, NULL);
    CU_add_test(s, "golden broken files fail cleanly", test_broken_files);
    CU_add_test(s, "missing file is an I/O error", test_missing_file);
    CU_add_test(s, "2 GB line: clean error, bounded memory", test_huge_line);
    return mtt_cunit_run_tap();
}
