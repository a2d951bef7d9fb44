#!/bin/sh
# test_moments.sh — tests/test_moments.c on 1, 2 and 3 ranks (SKIP lines for
# 2 and 3 in the serial build or without mpiexec).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init moments
tap_run_ranks "${top_builddir:-.}/tests/test_moments" 1 2 3
tap_done
