/* test_run_dir.c — run folder naming, suffixes, concurrency, cleanup. */
#include "config.h"

#include "cunit_tap.h"
#include "util/run_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp_base[256];

static int suite_init(void)
{
    snprintf(tmp_base, sizeof tmp_base, "/tmp/mtt_test_run_dir.XXXXXX");
    return mkdtemp(tmp_base) ? 0 : 1;
}

static int suite_clean(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_base);
    return system(cmd) == 0 ? 0 : 1;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A fixed time; the expected name is computed with the same local zone. */
static void expected_leaf(time_t when, const char *base, char *buf, size_t n)
{
    struct tm tm;
    char d[32], c[32];
    localtime_r(&when, &tm);
    strftime(d, sizeof d, "%Y-%m-%d", &tm);
    strftime(c, sizeof c, "%H-%M-%S", &tm);
    snprintf(buf, n, "%s/%s/%s", base, d, c);
}

static void test_name_and_suffixes(void)
{
    char base[300], out[512], want[512], want1[600];
    mtt_error err;
    snprintf(base, sizeof base, "%s/outputs", tmp_base);
    const time_t when = 1764410400;  /* 2025-11-29 10:00:00 UTC */
    expected_leaf(when, base, want, sizeof want);

    CU_ASSERT_EQUAL_FATAL(mtt_run_dir_create(base, when, out, sizeof out, &err), MTT_OK);
    CU_ASSERT_STRING_EQUAL(out, want);
    CU_ASSERT(is_dir(out));

    CU_ASSERT_EQUAL_FATAL(mtt_run_dir_create(base, when, out, sizeof out, &err), MTT_OK);
    snprintf(want1, sizeof want1, "%s.1", want);
    CU_ASSERT_STRING_EQUAL(out, want1);
    CU_ASSERT_EQUAL_FATAL(mtt_run_dir_create(base, when, out, sizeof out, &err), MTT_OK);
    snprintf(want1, sizeof want1, "%s.2", want);
    CU_ASSERT_STRING_EQUAL(out, want1);

    /* fixed format sanity in UTC-independent form: .../YYYY-MM-DD/HH-MM-SS */
    const char *leaf = strrchr(want, '/');
    CU_ASSERT_EQUAL(strlen(leaf + 1), 8);
    CU_ASSERT(leaf[3] == '-' && leaf[6] == '-');
}

static void test_concurrent_processes(void)
{
    enum { KIDS = 8 };
    char base[300];
    snprintf(base, sizeof base, "%s/race", tmp_base);
    const time_t when = 1764410401;
    int fds[KIDS][2];
    pid_t pids[KIDS];
    for (int k = 0; k < KIDS; ++k) {
        CU_ASSERT_FATAL(pipe(fds[k]) == 0);
        pids[k] = fork();
        CU_ASSERT_FATAL(pids[k] >= 0);
        if (pids[k] == 0) {
            char out[MTT_ERROR_MSG_MAX + 16] = "";
            mtt_error err;
            int ok = mtt_run_dir_create(base, when, out, sizeof out, &err) == MTT_OK;
            if (!ok) snprintf(out, sizeof out, "ERROR %s", err.msg);
            ssize_t w = write(fds[k][1], out, strlen(out) + 1);
            _exit(ok && w > 0 ? 0 : 1);
        }
        close(fds[k][1]);
    }
    char got[KIDS][512];
    for (int k = 0; k < KIDS; ++k) {
        int status = 0;
        memset(got[k], 0, sizeof got[k]);
        ssize_t r = read(fds[k][0], got[k], sizeof got[k] - 1);
        close(fds[k][0]);
        waitpid(pids[k], &status, 0);
        CU_ASSERT(r > 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CU_ASSERT(is_dir(got[k]));
    }
    for (int i = 0; i < KIDS; ++i)
        for (int j = i + 1; j < KIDS; ++j) CU_ASSERT(strcmp(got[i], got[j]) != 0);
    /* exactly the names leaf, leaf.1 .. leaf.7 were taken */
    char want[512], name[600];
    expected_leaf(when, base, want, sizeof want);
    CU_ASSERT(is_dir(want));
    for (int s = 1; s < KIDS; ++s) {
        snprintf(name, sizeof name, "%s.%d", want, s);
        CU_ASSERT(is_dir(name));
    }
    snprintf(name, sizeof name, "%s.%d", want, KIDS);
    CU_ASSERT(!is_dir(name));
}

static void test_errors(void)
{
    char base[4200], out[512], file[300];
    mtt_error err;
    /* a regular file where the base folder should be */
    snprintf(file, sizeof file, "%s/plainfile", tmp_base);
    FILE *f = fopen(file, "w");
    CU_ASSERT_FATAL(f != NULL);
    fclose(f);
    snprintf(base, sizeof base, "%s/plainfile/outputs", tmp_base);
    CU_ASSERT_EQUAL(mtt_run_dir_create(base, 0, out, sizeof out, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "plainfile"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, strerror(ENOTDIR)));

    /* an output buffer too small */
    snprintf(base, sizeof base, "%s/small", tmp_base);
    CU_ASSERT_EQUAL(mtt_run_dir_create(base, 0, out, 8, &err), MTT_ERR_INTERNAL);

    /* a read-only parent (skipped as root, which may write anyway) */
    if (geteuid() != 0) {
        char ro[300];
        snprintf(ro, sizeof ro, "%s/readonly", tmp_base);
        CU_ASSERT_FATAL(mkdir(ro, 0555) == 0);
        snprintf(base, sizeof base, "%s/outputs", ro);
        CU_ASSERT_EQUAL(mtt_run_dir_create(base, 0, out, sizeof out, &err), MTT_ERR_IO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, strerror(EACCES)));
        chmod(ro, 0755);
    }
}

static void test_remove_if_empty(void)
{
    char base[300], out[512], out2[512], file[600], date[512];
    mtt_error err;
    snprintf(base, sizeof base, "%s/cleanup", tmp_base);
    CU_ASSERT_EQUAL_FATAL(mtt_run_dir_create(base, 1000000, out, sizeof out, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_run_dir_create(base, 1000000, out2, sizeof out2, &err), MTT_OK);
    snprintf(date, sizeof date, "%s", out);
    *strrchr(date, '/') = '\0';

    /* non-empty: kept, no error */
    snprintf(file, sizeof file, "%s/train.log", out);
    FILE *f = fopen(file, "w");
    CU_ASSERT_FATAL(f != NULL);
    fclose(f);
    CU_ASSERT_EQUAL(mtt_run_dir_remove_if_empty(out, &err), MTT_OK);
    CU_ASSERT(is_dir(out));

    /* empty: removed; date folder kept while it holds the other run */
    CU_ASSERT_EQUAL(mtt_run_dir_remove_if_empty(out2, &err), MTT_OK);
    CU_ASSERT(!is_dir(out2));
    CU_ASSERT(is_dir(date));

    /* last run removed -> date folder removed too */
    remove(file);
    CU_ASSERT_EQUAL(mtt_run_dir_remove_if_empty(out, &err), MTT_OK);
    CU_ASSERT(!is_dir(out));
    CU_ASSERT(!is_dir(date));
    CU_ASSERT(is_dir(base));

    /* missing folder: an error naming it */
    CU_ASSERT_EQUAL(mtt_run_dir_remove_if_empty(out, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, out));
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("run_dir", suite_init, suite_clean);
    CU_add_test(s, "name and .N suffixes", test_name_and_suffixes);
    CU_add_test(s, "concurrent processes get distinct folders", test_concurrent_processes);
    CU_add_test(s, "errors name path and reason", test_errors);
    CU_add_test(s, "remove if empty", test_remove_if_empty);
    return mtt_cunit_run_tap();
}
