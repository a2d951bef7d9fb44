/* vector.c — the test-only switch of util/vector.h's MTT_VECTOR_WIDE. */
#include "config.h"

#include "util/vector.h"

int mtt_vector_blocks_forced = 0;

void mtt_vector_force_blocks(int mode)
{
    mtt_vector_blocks_forced = mode > 0 ? 1 : mode < 0 ? -1 : 0;
}
