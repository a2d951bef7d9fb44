#!/bin/sh
# test_trainer_ranks.sh — the step's gradient on 1, 2, 3 and 4 ranks equals
# one process's (tests/test_trainer_ranks.c), one TAP stream; SKIP lines for
# 2-4 ranks in the serial build or without mpiexec.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init trainer-ranks
tap_run_ranks "${top_builddir:-.}/tests/test_trainer_ranks" 1 2 3 4
tap_done
