/* cunit_tap.h — run every registered CUnit suite and report each test in TAP.
 *
 * Usage in a test program:
 *     int main(void) {
 *         CU_initialize_registry();
 *         CU_pSuite s = CU_add_suite("xyz", NULL, NULL);
 *         CU_add_test(s, "reads ethanol", test_reads_ethanol);
 *         return mtt_cunit_run_tap();
 *     }
 * Prints `ok N - suite: test` / `not ok N - suite: test` plus `# file:line:
 * condition` for each failed assertion, then the plan; returns 0 when all
 * passed.  The TAP lines are what scripts/test.sh counts.
 */
#ifndef MTT_TESTS_CUNIT_TAP_H
#define MTT_TESTS_CUNIT_TAP_H

#include <CUnit/CUnit.h>

int mtt_cunit_run_tap(void);

/* Called inside a test that cannot run here (and then returns): its line
 * reads `ok N # SKIP suite: test: why` instead of vanishing.  `why` must
 * outlive the test (a string literal). */
void mtt_cunit_skip(const char *why);

/* Directory of committed test data (tests/data), from $top_srcdir when set. */
const char *mtt_test_data_dir(void);

#endif
