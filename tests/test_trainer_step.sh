#!/bin/sh
# test_trainer_step.sh — tests/test_trainer_step.c on 2 ranks (its empty-batch
# test is collective); in a serial build or without mpiexec on one process,
# with a SKIP line for the 2-rank run.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init trainer-step
tap_run_ranks "${top_builddir:-.}/tests/test_trainer_step" 2
tap_done
