/* test_schedule.c — warm-up + cosine factor at exact steps; values from
 * metatrain's lr_lambda evaluated in Python. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cunit_tap.h"
#include "train/schedule.h"

#define CLOSE(a, b) CU_ASSERT(fabs((a) - (b)) <= 1e-15)

static void test_basic(void)
{
    mtt_schedule s;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 100, 0.1, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 10);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 0), 0.0); /* first step: lr 0 */
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 5), 0.5);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 10), 1.0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 55), 0.5); /* middle of the cosine */
    CLOSE(mtt_schedule_factor(&s, 99), 0.00030458649045211894);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 100), 0.0);
}

static void test_python_values(void)
{
    /* metatrain get_scheduler with num_epochs * steps = 37, warmup_fraction 0.2 */
    mtt_schedule s;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 37, 0.2, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 7);
    const int64_t k[8] = {0, 3, 7, 8, 20, 36, 37, 40};
    const double f[8] = {0.0, 0.42857142857142855, 1.0, 0.9972609476841366,
                         0.6039558454088796, 0.002739052315863355, 0.0, 0.024471741852423234};
    for (int i = 0; i < 8; ++i) CLOSE(mtt_schedule_factor(&s, k[i]), f[i]);
    /* past the end the cosine rises again, as in metatrain (step 40 above) */
    CU_ASSERT(mtt_schedule_factor(&s, 40) > mtt_schedule_factor(&s, 37));
}

static void test_truncation(void)
{
    /* Python: int(0.57 * 100) = 56, int(0.1 * 30) = 3, int(0.29 * 10) = 2 */
    mtt_schedule s;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 100, 0.57, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 56);
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 30, 0.1, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 3);
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 10, 0.29, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 2);
}

static void test_no_warmup(void)
{
    mtt_schedule s;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 50, 0.0, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 0), 1.0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 25), 0.5);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 50), 0.0);
    /* fewer than 1/fraction steps: warm-up truncates to 0 */
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 99, 0.01, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 0), 1.0);
}

static void test_all_warmup(void)
{
    /* total == warm: linear ramp, then factor 1 at step T (span max(1, 0) = 1), 0 after */
    mtt_schedule s;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 8, 1.0, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 8);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 0), 0.0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 2), 0.25);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 7), 0.875);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 8), 1.0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 9), 0.0);
    /* one step in total, no warm-up */
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 1, 0.5, NULL), MTT_OK);
    CU_ASSERT_EQUAL(s.warmup_steps, 0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 0), 1.0);
    CU_ASSERT_EQUAL(mtt_schedule_factor(&s, 1), 0.0);
}

static void test_bad_fraction(void)
{
    mtt_schedule s;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 10, 1.5, &err), MTT_ERR_OPTIONS);
    CU_ASSERT(strstr(err.msg, "warmup_fraction") != NULL);
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 10, -0.1, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, 10, NAN, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_EQUAL(mtt_schedule_init(&s, -1, 0.1, &err), MTT_ERR_INTERNAL);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("schedule", NULL, NULL);
    CU_add_test(s, "warm-up and cosine at exact steps", test_basic);
    CU_add_test(s, "matches metatrain's lr_lambda", test_python_values);
    CU_add_test(s, "warm-up steps truncate like Python int()", test_truncation);
    CU_add_test(s, "no warm-up", test_no_warmup);
    CU_add_test(s, "warm-up covers every step", test_all_warmup);
    CU_add_test(s, "invalid warmup_fraction", test_bad_fraction);
    return mtt_cunit_run_tap();
}
