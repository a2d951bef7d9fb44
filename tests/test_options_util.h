/* test_options_util.h — helpers shared by the options test programs. */
#ifndef MTT_TESTS_TEST_OPTIONS_UTIL_H
#define MTT_TESTS_TEST_OPTIONS_UTIL_H

#include <stddef.h>

#include "options/options.h"

/* tests/data/options/REL (a rotating static buffer: valid for 8 calls). */
const char *opt_data(const char *rel);
/* Load and assert success (prints the message otherwise); NULL on failure. */
mtt_options *opt_load_file_ok(const char *rel, const char *const *ov, size_t n);
mtt_options *opt_load_text_ok(const char *text, const char *const *ov, size_t n);
/* Load text named "opts.yaml"; assert status want and exactly message msg. */
void opt_expect_text_error(const char *text, const char *const *ov, size_t n,
                           mtt_status want, const char *msg);
/* Load tests/data/options/REL; assert MTT_ERR_OPTIONS and "<path>" msg_after_path. */
void opt_expect_file_error(const char *rel, const char *msg_after_path);

#define MIN_HEAD "architecture: {name: soap_bpnn}\nvalidation_set: 0.1\n"

#endif
