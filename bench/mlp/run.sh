#!/bin/sh
# bench/mlp/run.sh — network GEMM throughput, one thread, default kernel and
# SkylakeX kernel.  Usage (from the build tree): sh bench/mlp/run.sh [n D H L]
set -e
exe=${BENCH_MLP:-./bench/mlp/bench_mlp}
[ -x "$exe" ] || make bench/mlp/bench_mlp >/dev/null
echo "## OPENBLAS_NUM_THREADS=1, default kernel"
OPENBLAS_NUM_THREADS=1 "$exe" "$@"
echo "## OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX"
OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX "$exe" "$@"
