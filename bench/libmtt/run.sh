#!/bin/sh
# run.sh — libmtt energy + forces, µs per atom on one core (DESIGN §8 speed).
#
# Usage:  bench/libmtt/run.sh [BUILD_DIR] [MODEL.pt]
#   BUILD_DIR (default: the current directory) holds a built mtt and
#   bench/libmtt/bench_libmtt (`make`).  Without MODEL.pt an ethanol model
#   with the example's hyperparameters (cutoff 5 Å, max_radial 7,
#   max_angular 6, 2 × 32 neurons) is trained for 2 epochs and exported in a
#   scratch folder: the timing does not depend on how well it is trained.
#   REPEATS (default 5) passes per case; the median is printed.
# Cases: the 100 ethanol molecules of examples/ethanol, and a periodic
# 1125-atom cell of 125 ethanol copies (bench_libmtt.c).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-${MTT_BUILD_DIR:-.}}" && pwd)
bench="$build/bench/libmtt/bench_libmtt"
export OPENBLAS_NUM_THREADS=1
[ -x "$bench" ] || { echo "run.sh: $bench not built; run 'make' in $build" >&2; exit 1; }
model=${2:-}
if [ -z "$model" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-libmtt-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    cp "$src/examples/ethanol/options.yaml" "$src/examples/ethanol/ethanol_reduced_100.xyz" "$tmp/"
    (cd "$tmp" && "$build/mtt" train options.yaml -r architecture.training.num_epochs=2 >train.log 2>&1 &&
        "$build/mtt" export model.ckpt -o model.pt >export.log 2>&1) ||
        { echo "run.sh: training the benchmark model failed (see $tmp)" >&2; exit 1; }
    model="$tmp/model.pt"
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
"$build/mtt" --version | sed -n 's/^  BLAS: /# BLAS: /p'
"$bench" "$model" "$src/examples/ethanol/ethanol_reduced_100.xyz" "${REPEATS:-5}"
