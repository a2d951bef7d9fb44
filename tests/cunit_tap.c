/* cunit_tap.c — CUnit runner that prints one TAP line per test. */
#include "config.h"

#include "cunit_tap.h"

#include <stdio.h>
#include <stdlib.h>

#include <CUnit/TestRun.h>

static int tap_count = 0;
static int tap_failed = 0;
static const char *tap_skip_reason = NULL;

void mtt_cunit_skip(const char *why) { tap_skip_reason = why; }

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
                             const CU_pFailureRecord failures)
{
    ++tap_count;
    if (failures) ++tap_failed;
    if (tap_skip_reason && !failures)
        printf("ok %d # SKIP %s: %s: %s\n", tap_count, suite->pName, test->pName,
               tap_skip_reason);
    else
        printf("%s %d - %s: %s\n", failures ? "not ok" : "ok", tap_count, suite->pName,
               test->pName);
    tap_skip_reason = NULL;
    for (CU_pFailureRecord f = failures; f; f = f->pNext)
        printf("#   %s:%u: %s\n", f->strFileName ? f->strFileName : "?",
               f->uiLineNumber, f->strCondition ? f->strCondition : "");
    fflush(stdout);
}

static void on_suite_init_failure(const CU_pSuite suite)
{
    ++tap_count;
    ++tap_failed;
    printf("not ok %d - %s: suite set-up failed\n", tap_count, suite->pName);
}

int mtt_cunit_run_tap(void)
{
    CU_set_test_complete_handler(on_test_complete);
    CU_set_suite_init_failure_handler(on_suite_init_failure);
    CU_run_all_tests();
    printf("1..%d\n", tap_count);
    CU_cleanup_registry();
    return tap_failed ? 1 : 0;
}

const char *mtt_test_data_dir(void)
{
    static char buf[4096];
    const char *top = getenv("top_srcdir");
    snprintf(buf, sizeof buf, "%s/tests/data", top ? top : ".");
    return buf;
}
