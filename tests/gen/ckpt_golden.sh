#!/bin/sh
# tests/gen/ckpt_golden.sh — regenerate the golden checkpoints of format 1
# (tests/data/ckpt/): the frozen state of tests/ckpt_fill.c written by the
# serial build and by the MPI build on 2 ranks.  Only needed when a new
# format version adds goldens: the committed v1 files must stay as they are
# (every later mtt must read them).
# Usage: sh tests/gen/ckpt_golden.sh SERIAL_BUILD_DIR MPI_BUILD_DIR
set -eu
serial=${1:?serial build dir}
mpi=${2:?MPI build dir}
out=$(dirname "$0")/../data/ckpt
mkdir -p "$out"
make -C "$serial" tests/ckpt_tool >/dev/null
make -C "$mpi" tests/ckpt_tool >/dev/null
"$serial/tests/ckpt_tool" write "$out/v1_golden.ckpt" 0
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    timeout 120 mpiexec -n 2 --oversubscribe "$mpi/tests/ckpt_tool" write "$out/v1_golden_mpi2.ckpt" 0
"$mpi/tests/ckpt_tool" check "$out/v1_golden.ckpt" 0
"$serial/tests/ckpt_tool" check "$out/v1_golden_mpi2.ckpt" 0
