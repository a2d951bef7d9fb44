#!/bin/sh
# bench/allreduce/run.sh — cost of the step's collectives on this machine:
# MPI_Allreduce, MPI_Reduce_scatter_block, MPI_Allgather and a reduce-scatter
# followed by an all-gather, 8 B to 16 MiB (powers of 2) plus the lengths mtt
# reduces, on 2 ranks bound to cores.  Run with both cores otherwise idle:
#     sh bench/allreduce/run.sh [BUILD_DIR] > allreduce.txt
# BUILD_DIR (default build/) is an MPI build; nothing is built here.
# Environment: SECONDS_PER_SIZE (default 0.2), RANKS (default 2),
# MPIEXEC (default mpirun).
# Extra lengths (doubles): 204768, the parameters of the ethanol example's
# model (the log's "Model: ... 204768 trainable parameters"), and 1810176,
# the same with bpnn.num_neurons_per_layer 256 (the larger model of
# bench/scaling/model.py).  The scalars of each step (4 doubles, 32 B) are
# among the powers of 2.
# Output: the program's table (op, bytes, doubles, calls, median and min µs
# per call, GB/s = bytes / median), the input of bench/scaling/model.py.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
bench=$build/bench/allreduce/bench_allreduce
[ -x "$bench" ] || { echo "run.sh: $bench not built (an MPI build of mtt, then make)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(getconf _NPROCESSORS_ONLN) cores, CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
timeout 600 "${MPIEXEC:-mpirun}" -n "${RANKS:-2}" --bind-to core "$bench" \
    -m $((16 * 1024 * 1024)) -t "${SECONDS_PER_SIZE:-0.2}" -s 204768 -s 1810176
