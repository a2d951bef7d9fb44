/* ckpt_fill.h — a deterministic, non-trivial checkpoint state for the
 * checkpoint tests and the golden files (tests/data/ckpt/).
 *
 * FROZEN: tests/data/ckpt/v1_golden*.ckpt hold exactly this state; changing
 * a value here breaks the golden tests on purpose.  Add variants instead.
 *
 * Variant 0: metadata text, 4-row history, empty test split, NaN (with a
 * payload), ±inf, −0 and subnormals in the arrays, odd sizes (251
 * parameters: uneven slices on 2 and 3 ranks).  Variant 1: no metadata,
 * empty history, no layout entries, every split empty.
 */
#ifndef MTT_TESTS_CKPT_FILL_H
#define MTT_TESTS_CKPT_FILL_H

#include <stddef.h>

#include "io/checkpoint.h"

/* Fill *c (malloc'd arrays) as rank `rank` would pass it to mtt_ckpt_write.
 * Release with ckpt_fill_release.  Returns 0, or -1 when out of memory. */
int ckpt_fill(mtt_ckpt *c, int variant, int rank);
void ckpt_fill_release(mtt_ckpt *c);

/* Element j of rank r's accumulator row. */
double ckpt_fill_accum(int rank, size_t j);

/* Compare a checkpoint read back with the filled one, bit for bit; the
 * accumulator rows must be ranks 0..world_size-1's (world_size from got).
 * The writer-filled fields (mtt_version, git_revision, created) must be set
 * and format_version the current one.  0 when equal, else -1 and a
 * description of the first difference in why. */
int ckpt_fill_compare(const mtt_ckpt *expect, const mtt_ckpt *got, char *why, size_t n);

#endif
