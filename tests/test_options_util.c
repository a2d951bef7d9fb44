/* test_options_util.c — helpers shared by the options test programs. */
#include "config.h"

#include "test_options_util.h"

#include "cunit_tap.h"

#include <stdio.h>
#include <string.h>

const char *opt_data(const char *rel)
{
    static char buf[8][4096];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/options/%s", mtt_test_data_dir(), rel);
    return buf[k];
}

mtt_options *opt_load_file_ok(const char *rel, const char *const *ov, size_t n)
{
    mtt_options *o = NULL;
    mtt_error err = {0};
    mtt_status st = mtt_options_load_file(opt_data(rel), ov, n, &o, &err);
    if (st != MTT_OK) printf("# unexpected error: %s\n", err.msg);
    CU_ASSERT_EQUAL(st, MTT_OK);
    return o;
}

mtt_options *opt_load_text_ok(const char *text, const char *const *ov, size_t n)
{
    mtt_options *o = NULL;
    mtt_error err = {0};
    mtt_status st = mtt_options_load_text(text, "opts.yaml", ov, n, &o, &err);
    if (st != MTT_OK) printf("# unexpected error: %s\n", err.msg);
    CU_ASSERT_EQUAL(st, MTT_OK);
    return o;
}

/* Load must fail with st and exactly msg. */
void opt_expect_text_error(const char *text, const char *const *ov, size_t n,
                              mtt_status want, const char *msg)
{
    mtt_options *o = NULL;
    mtt_error err = {0};
    mtt_status st = mtt_options_load_text(text, "opts.yaml", ov, n, &o, &err);
    CU_ASSERT_EQUAL(st, want);
    CU_ASSERT_PTR_NULL(o);
    if (strcmp(err.msg, msg) != 0) printf("# got:  %s\n# want: %s\n", err.msg, msg);
    CU_ASSERT_STRING_EQUAL(err.msg, msg);
    mtt_options_free(o);
}

void opt_expect_file_error(const char *rel, const char *msg_after_path)
{
    mtt_options *o = NULL;
    mtt_error err = {0};
    char want[2048];
    snprintf(want, sizeof want, "%s%s", opt_data(rel), msg_after_path);
    mtt_status st = mtt_options_load_file(opt_data(rel), NULL, 0, &o, &err);
    CU_ASSERT_EQUAL(st, MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NULL(o);
    if (strcmp(err.msg, want) != 0) printf("# got:  %s\n# want: %s\n", err.msg, want);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
}
