/* test_ckpt.c — checkpoint round trip bit for bit (two variants), probe,
 * free, the committed golden files (written serially and by 2 MPI ranks),
 * and the simplest failures: missing file, not HDF5, unwritable folder,
 * replacing an existing checkpoint.  Damaged files, MPI identity and a full
 * disk are tested by tests/test_ckpt_*.sh. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt_fill.h"
#include "cunit_tap.h"
#include "io/checkpoint.h"
#include "io/ckpt_checksum.h"
#include "parallel/comm.h"

static mtt_comm *comm;
static char dir[256];

static void path_in_dir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void round_trip(int variant)
{
    char path[512], tmp[520];
    path_in_dir(path, sizeof path, "round.ckpt");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    mtt_ckpt want, got;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(ckpt_fill(&want, variant, 0), 0);
    CU_ASSERT_EQUAL(mtt_ckpt_write(comm, path, &want, &err), MTT_OK);
    CU_ASSERT(exists(path));
    CU_ASSERT(!exists(tmp));
    CU_ASSERT_EQUAL(mtt_ckpt_read(path, &got, &err), MTT_OK);
    char why[256] = "";
    int same = ckpt_fill_compare(&want, &got, why, sizeof why) == 0;
    if (!same) printf("# variant %d differs: %s\n", variant, why);
    CU_ASSERT(same);
    CU_ASSERT_EQUAL(got.world_size, 1);
    CU_ASSERT(got.accum_local == NULL);
    CU_ASSERT_STRING_EQUAL(got.mtt_version, PACKAGE_VERSION);
    CU_ASSERT_STRING_EQUAL(got.git_revision, MTT_GIT_REVISION);
    mtt_ckpt_free(&got);
    CU_ASSERT(got.params == NULL && got.n_params == 0);  /* zeroed */

    mtt_ckpt_progress p;
    CU_ASSERT_EQUAL(mtt_ckpt_probe(path, &p, &err), MTT_OK);
    CU_ASSERT(p.epoch == want.epoch && p.step == want.step && p.global_step == want.global_step);
    CU_ASSERT(p.finished == want.finished && p.world_size == 1);
    CU_ASSERT(p.steps_per_epoch == want.steps_per_epoch);

    CU_ASSERT_EQUAL(mtt_ckpt_read_collective(comm, path, &got, &err), MTT_OK);
    CU_ASSERT_EQUAL(ckpt_fill_compare(&want, &got, why, sizeof why), 0);
    mtt_ckpt_free(&got);
    ckpt_fill_release(&want);
    unlink(path);
}

static void test_round_trip_full(void) { round_trip(0); }
static void test_round_trip_empty(void) { round_trip(1); }

static void test_free_null_and_zeroed(void)
{
    mtt_ckpt_free(NULL);
    mtt_ckpt c;
    memset(&c, 0, sizeof c);
    mtt_ckpt_free(&c);
    mtt_ckpt_free(&c);
    CU_PASS("freeing NULL and a zeroed struct is fine");
}

static void golden(const char *name, int world_size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ckpt/%s", mtt_test_data_dir(), name);
    mtt_ckpt want, got;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(ckpt_fill(&want, 0, 0), 0);
    mtt_status st = mtt_ckpt_read(path, &got, &err);
    if (st != MTT_OK) printf("# %s\n", err.msg);
    CU_ASSERT_EQUAL(st, MTT_OK);
    if (st == MTT_OK) {
        char why[256] = "";
        int same = ckpt_fill_compare(&want, &got, why, sizeof why) == 0;
        if (!same) printf("# %s differs: %s\n", name, why);
        CU_ASSERT(same);
        CU_ASSERT_EQUAL(got.world_size, world_size);
        CU_ASSERT_STRING_EQUAL(got.mtt_version, "0.1.0");
    }
    mtt_ckpt_free(&got);
    ckpt_fill_release(&want);
}

static void test_golden_serial(void) { golden("v1_golden.ckpt", 1); }
static void test_golden_mpi2(void) { golden("v1_golden_mpi2.ckpt", 2); }

static void test_missing_file(void)
{
    char path[512];
    path_in_dir(path, sizeof path, "nothing-here.ckpt");
    mtt_ckpt c;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_ckpt_read(path, &c, &err), MTT_ERR_IO);
    CU_ASSERT(strstr(err.msg, path) && strstr(err.msg, "does not exist"));
    CU_ASSERT(c.params == NULL);
    mtt_ckpt_progress p;
    CU_ASSERT_EQUAL(mtt_ckpt_probe(path, &p, &err), MTT_ERR_IO);
    CU_ASSERT(!exists(path));
}

static void test_not_hdf5(void)
{
    char path[512];
    path_in_dir(path, sizeof path, "text.ckpt");
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("epoch: 3\nthis is not HDF5\n", f);
    fclose(f);
    mtt_ckpt c;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_ckpt_read(path, &c, &err), MTT_ERR_CHECKPOINT);
    CU_ASSERT(strstr(err.msg, path) && strstr(err.msg, "not an HDF5 file"));
    CU_ASSERT(strchr(err.msg, '\n') == NULL);
    unlink(path);
}

static void test_unwritable_folder(void)
{
    char path[512];
    path_in_dir(path, sizeof path, "no-such-folder/model.ckpt");
    mtt_ckpt c;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(ckpt_fill(&c, 1, 0), 0);
    CU_ASSERT_EQUAL(mtt_ckpt_write(comm, path, &c, &err), MTT_ERR_IO);
    CU_ASSERT(strstr(err.msg, path) && strstr(err.msg, "No such file or directory"));
    CU_ASSERT(strchr(err.msg, '\n') == NULL);
    ckpt_fill_release(&c);
}

static void test_replace_existing(void)
{
    char path[512], tmp[520];
    path_in_dir(path, sizeof path, "replace.ckpt");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    mtt_ckpt c, got;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(ckpt_fill(&c, 1, 0), 0);
    CU_ASSERT_EQUAL(mtt_ckpt_write(comm, path, &c, &err), MTT_OK);
    c.epoch = 13;
    /* a stale .tmp from a killed run is overwritten */
    FILE *f = fopen(tmp, "w");
    if (f) fclose(f);
    CU_ASSERT_EQUAL(mtt_ckpt_write(comm, path, &c, &err), MTT_OK);
    CU_ASSERT(!exists(tmp));
    CU_ASSERT_EQUAL(mtt_ckpt_read(path, &got, &err), MTT_OK);
    CU_ASSERT_EQUAL(got.epoch, 13);
    mtt_ckpt_free(&got);
    ckpt_fill_release(&c);
    unlink(path);
}

static void test_checksum_detects_every_byte(void)
{
    /* a flip of any bit of any byte changes the checksum (bijection per word) */
    unsigned char buf[37];
    for (size_t i = 0; i < sizeof buf; ++i) buf[i] = (unsigned char)(i * 29 + 1);
    uint64_t ref = mtt_ckpt_checksum_bytes(buf, sizeof buf);
    int all = 1;
    for (size_t i = 0; i < sizeof buf; ++i)
        for (int b = 0; b < 8; ++b) {
            buf[i] ^= (unsigned char)(1u << b);
            all &= mtt_ckpt_checksum_bytes(buf, sizeof buf) != ref;
            buf[i] ^= (unsigned char)(1u << b);
        }
    CU_ASSERT(all);
    /* zero padding of the tail does not hide a length change */
    CU_ASSERT(mtt_ckpt_checksum_bytes("a", 1) != mtt_ckpt_checksum_bytes("a\0", 2));
    CU_ASSERT(mtt_ckpt_checksum_bytes("", 0) != mtt_ckpt_checksum_bytes("\0\0\0\0\0\0\0\0", 8));
    /* known values (recomputed in Python by tests/test_ckpt_bad.sh) */
    CU_ASSERT_EQUAL(mtt_ckpt_checksum_bytes("", 0), UINT64_C(0xaf63bd4c8601b7df));
}

int main(int argc, char **argv)
{
    mtt_error err;
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        printf("not ok 1 - init: %s\n1..1\n", err.msg);
        return 1;
    }
    snprintf(dir, sizeof dir, "%s/mtt-test-ckpt-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        printf("not ok 1 - mkdtemp\n1..1\n");
        return 1;
    }
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("checkpoint", NULL, NULL);
    CU_add_test(s, "round trip bit for bit (metadata, NaN/inf/-0, odd sizes)", test_round_trip_full);
    CU_add_test(s, "round trip of empty history, layout and splits, no metadata", test_round_trip_empty);
    CU_add_test(s, "free accepts NULL and zeroed structs", test_free_null_and_zeroed);
    CU_add_test(s, "golden v1 file written serially", test_golden_serial);
    CU_add_test(s, "golden v1 file written by 2 MPI ranks", test_golden_mpi2);
    CU_add_test(s, "missing file is an I/O error naming it", test_missing_file);
    CU_add_test(s, "a text file is not HDF5", test_not_hdf5);
    CU_add_test(s, "missing folder: error names the file and the reason", test_unwritable_folder);
    CU_add_test(s, "replacing a checkpoint, stale .tmp overwritten", test_replace_existing);
    CU_add_test(s, "checksum: every single-bit change is detected", test_checksum_detects_every_byte);
    int rc = mtt_cunit_run_tap();
    rmdir(dir);
    mtt_comm_finalize(comm);
    return rc;
}
