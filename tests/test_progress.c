/* test_progress.c — the progress display's output in each style, written to
 * a temporary stream instead of stdout (util/progress.h).
 *
 * A period of 0 makes every update due, so the tests need no timing limits:
 * they check what is written, not when (only the epoch test sleeps, so that
 * its steps take measurable time).
 */
#include "config.h"

#include "cunit_tap.h"
#include "util/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *stream;

static void start(mtt_progress_style style, double period)
{
    stream = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(stream);
    mtt_progress_setup(style, stream, period, 60);
}

/* Everything written since start(), NUL-terminated (static buffer). */
static const char *finish(void)
{
    static char buf[65536];
    mtt_progress_setup(MTT_PROGRESS_NONE, NULL, 0, 0);
    rewind(stream);
    size_t n = fread(buf, 1, sizeof buf - 1, stream);
    buf[n] = '\0';
    fclose(stream);
    return buf;
}

static int has_control_characters(const char *s)
{
    for (; *s; ++s)
        if ((unsigned char)*s < 32 && *s != '\n') return 1;
    return 0;
}

static void test_terminal_draws_and_clears(void)
{
    start(MTT_PROGRESS_TERMINAL, 0.0);
    mtt_progress_begin(90, 90, "structures", "descriptors, %s set", "training");
    for (int i = 1; i <= 90; ++i) mtt_progress_update(i);
    mtt_progress_end();
    const char *out = finish();
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\033[Kdescriptors, training set: 1/90 structures"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "90/90 structures"));
    CU_ASSERT_PTR_NULL(strchr(out, '\n'));  /* redrawn in place, never a new line */
    size_t n = strlen(out);
    CU_ASSERT(n > 4 && strcmp(out + n - 4, "\r\033[K") == 0);  /* cleared at the end */
}

static void test_terminal_line_fits_the_width(void)
{
    start(MTT_PROGRESS_TERMINAL, 0.0);
    mtt_progress_begin(10, 10, "structures", "%s", "a very long label that goes on and on and on");
    mtt_progress_update(3);
    const char *out = finish();
    const char *line = strstr(out, "\r\033[K");
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    CU_ASSERT(strlen(line + 4) <= 59);  /* width 60 minus one column */
}

static void test_suspend_clears_and_resume_redraws(void)
{
    start(MTT_PROGRESS_TERMINAL, 0.0);
    mtt_progress_begin(10, 10, "structures", "reading");
    mtt_progress_update(2);
    long before = ftell(stream);
    mtt_progress_suspend();
    long cleared = ftell(stream);
    mtt_progress_resume();
    long after = ftell(stream);
    mtt_progress_end();
    finish();
    CU_ASSERT_EQUAL(cleared - before, 4);  /* "\r\033[K" */
    CU_ASSERT(after > cleared + 4);        /* drawn again */
}

static void test_plain_lines_have_no_control_characters(void)
{
    start(MTT_PROGRESS_PLAIN, 0.0);
    mtt_progress_begin(1800, 1800, "structures", "descriptors");
    mtt_progress_update(900);
    mtt_progress_end();
    const char *out = finish();
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[INFO] - descriptors: 900/1800 structures, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " left\n"));
    CU_ASSERT(!has_control_characters(out));
}

static void test_plain_waits_for_the_period(void)
{
    start(MTT_PROGRESS_PLAIN, 3600.0);
    mtt_progress_begin(10, 10, "structures", "descriptors");
    for (int i = 1; i <= 10; ++i) mtt_progress_update(i);
    mtt_progress_end();
    CU_ASSERT_EQUAL(strlen(finish()), 0);
}

static void test_share_is_scaled_to_the_whole_set(void)
{
    start(MTT_PROGRESS_PLAIN, 0.0);
    mtt_progress_begin(10, 40, "structures", "reading");
    mtt_progress_update(5);
    CU_ASSERT_PTR_NOT_NULL(strstr(finish(), "reading: 20/40 structures"));
}

static void test_bytes_are_shown_in_megabytes(void)
{
    start(MTT_PROGRESS_PLAIN, 0.0);
    mtt_progress_begin(8000000, 8000000, "bytes", "indexing data.xyz");
    mtt_progress_update(2000000);
    CU_ASSERT_PTR_NOT_NULL(strstr(finish(), "indexing data.xyz: 2.0/8.0 MB"));
}

static void test_epoch_line(void)
{
    start(MTT_PROGRESS_PLAIN, 0.0);
    /* steps must take some time for a rate: 20 ms, well above the coarse
     * clock's resolution (a few ms) */
    const struct timespec step = {0, 20 * 1000 * 1000};
    for (int64_t k = 1; k <= 4; ++k) {
        nanosleep(&step, NULL);
        mtt_progress_epoch(2, 10, k, 4, 32);
    }
    mtt_progress_end();
    const char *out = finish();
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "epoch 2 (of 0-9): 1/4 steps"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "epoch 2 (of 0-9): 3/4 steps"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "structures/s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "in the epoch"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "in the run"));
}

static void test_update_outside_a_phase_or_in_an_epoch_is_ignored(void)
{
    start(MTT_PROGRESS_PLAIN, 0.0);
    mtt_progress_update(5);          /* no phase */
    mtt_progress_epoch(0, 1, 1, 4, 8);
    long n = ftell(stream);
    mtt_progress_update(3);          /* an evaluation pass inside an epoch */
    CU_ASSERT_EQUAL(ftell(stream), n);
    mtt_progress_end();
    CU_ASSERT_PTR_NULL(strstr(finish(), "3/"));
}

static void test_none_prints_nothing(void)
{
    start(MTT_PROGRESS_NONE, 0.0);
    mtt_progress_begin(10, 10, "structures", "reading");
    mtt_progress_update(5);
    mtt_progress_epoch(0, 1, 1, 1, 1);
    mtt_progress_end();
    CU_ASSERT_EQUAL(strlen(finish()), 0);
}

static void test_modes(void)
{
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_progress_configure("sometimes", 1, &err), MTT_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "auto, always or never"));
    CU_ASSERT_EQUAL(mtt_progress_configure("always", 1, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_progress_get_style(), MTT_PROGRESS_TERMINAL);
    CU_ASSERT_EQUAL(mtt_progress_configure("always", 0, &err), MTT_OK);  /* not rank 0 */
    CU_ASSERT_EQUAL(mtt_progress_get_style(), MTT_PROGRESS_NONE);
    CU_ASSERT_EQUAL(mtt_progress_configure("never", 1, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_progress_get_style(), MTT_PROGRESS_NONE);
}

static void test_durations(void)
{
    char b[64];
    mtt_progress_format_duration(9.12, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "9.1 s");
    mtt_progress_format_duration(125.0, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "2 min 05 s");
    mtt_progress_format_duration(3720.0, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "1 h 02 min");
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("progress", NULL, NULL);
    CU_add_test(s, "terminal: drawn in place and cleared", test_terminal_draws_and_clears);
    CU_add_test(s, "terminal: line fits the width", test_terminal_line_fits_the_width);
    CU_add_test(s, "terminal: log lines clear and redraw", test_suspend_clears_and_resume_redraws);
    CU_add_test(s, "plain: no control characters", test_plain_lines_have_no_control_characters);
    CU_add_test(s, "plain: nothing before the period", test_plain_waits_for_the_period);
    CU_add_test(s, "rank 0's share scaled to the set", test_share_is_scaled_to_the_whole_set);
    CU_add_test(s, "bytes shown in MB", test_bytes_are_shown_in_megabytes);
    CU_add_test(s, "epoch: steps, rate, time left", test_epoch_line);
    CU_add_test(s, "updates outside their phase are ignored",
                test_update_outside_a_phase_or_in_an_epoch_is_ignored);
    CU_add_test(s, "style none prints nothing", test_none_prints_nothing);
    CU_add_test(s, "--progress modes", test_modes);
    CU_add_test(s, "durations", test_durations);
    return mtt_cunit_run_tap();
}
