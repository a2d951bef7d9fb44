/* model_fixture.h — a small model file from a freshly initialised soap_bpnn
 * (tests and the golden-file generator; no training needed). */
#ifndef MTT_TESTS_MODEL_FIXTURE_H
#define MTT_TESTS_MODEL_FIXTURE_H

#include <stdint.h>

#include "io/model_file.h"
#include "util/status.h"

/* Types H, C, O; cutoff 4 Å; max_radial 2, max_angular 2; one hidden layer
 * of 8; parameters from seed; composition and scale set (not fitted).
 * Everything but the self-test is filled; free with mtt_model_file_free. */
mtt_status mtt_test_model_file(mtt_model_file *mf, uint64_t seed, mtt_error *err);

#endif
