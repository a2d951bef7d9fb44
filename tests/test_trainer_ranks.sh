#!/bin/sh
# test_trainer_ranks.sh — the step's gradient on 1, 2, 3 and 4 ranks equals
# one process's (tests/test_trainer_ranks.c), with the exchange through the
# node's shared window and through messages, one TAP stream; SKIP lines for
# 2-4 ranks in the serial build or without mpiexec.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init trainer-ranks
# all ranks on this one machine: the exchange through the shared window
tap_run_ranks "${top_builddir:-.}/tests/test_trainer_ranks" 1 2 3 4
# and through messages (reduce-scatter, all-gather), as across nodes
export MTT_SHARED_EXCHANGE=0
tap_ranks_label=", messages"
tap_run_ranks "${top_builddir:-.}/tests/test_trainer_ranks" 2 3 4
unset MTT_SHARED_EXCHANGE tap_ranks_label
tap_done
