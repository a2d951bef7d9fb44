#!/bin/sh
# run.sh — SOAP descriptor + gradient cost per atom, one thread.
#
# Usage:  bench/soap/run.sh [BUILD_DIR]
#   BUILD_DIR (or $MTT_BUILD_DIR, default: the current directory) holds a
#   built bench/soap/bench_soap (`make check` or `make bench/soap/bench_soap`);
#   nothing is built here.  REPEATS (default 3) runs of each case.
# Cases (cutoff 5 Å, width 0.5 Å, max_radial 7, max_angular 6):
#   ethanol  examples/ethanol/ethanol_reduced_100.xyz, all 100 frames (9 atoms,
#            ~8 neighbours per atom)
#   carbon   the built-in periodic 32-atom dense carbon cell (~75 neighbours per atom)
# bench_soap prints per atom: neighbour list + p + stored pair gradients,
# forces + strain derivative from ∂E/∂p, the tangent ṗ, and their total, for
# the tabulated radial basis (the default) and the exact one.
#   copper   bench_soap_stream: the force and tangent passes over the stored
#            pair factors of 40 periodic 32-atom Cu cells (streaming from
#            memory, as in a training epoch) and of 2 (in the cache), ns per pair
# Target (ethanol): descriptor + gradient <= 0.5 ms per atom.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-${MTT_BUILD_DIR:-.}}" && pwd)
bench="$build/bench/soap/bench_soap"
repeats=${REPEATS:-3}
export OPENBLAS_NUM_THREADS=1
[ -x "$bench" ] || { echo "run.sh: $bench not built; run 'make bench/soap/bench_soap' in $build" >&2; exit 1; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
r=1
while [ $r -le "$repeats" ]; do
    echo "## repeat $r: ethanol"
    "$bench" "$src/examples/ethanol/ethanol_reduced_100.xyz" 100
    echo "## repeat $r: carbon"
    "$bench" --carbon
    if [ -x "$build/bench/soap/bench_soap_stream" ]; then
        echo "## repeat $r: copper, stored pair factors streaming (40 cells) and in cache (2 cells)"
        "$build/bench/soap/bench_soap_stream" 40
        "$build/bench/soap/bench_soap_stream" 2 200
    else
        echo "## copper skipped: $build/bench/soap/bench_soap_stream not built (make bench/soap/bench_soap_stream)"
    fi
    r=$((r + 1))
done
