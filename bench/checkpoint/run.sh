#!/bin/sh
# bench/checkpoint/run.sh — checkpoint write and read against the disk's
# bandwidth.  For each size (MB of the four parameter-sized arrays; the file
# is a little larger) and 1 and 2 ranks: bench_ckpt's medians of REPEATS
# writes (from a barrier to the rename, fsync included) and reads; then
# `dd ... conv=fsync` of about as many bytes (whole MiB) to the same folder as the
# reference bandwidth.  Reads right after a write come from the page cache.
#
# Usage (from the top of the source tree, after building build/):
#     sh bench/checkpoint/run.sh [DIR [REPEATS [SIZES...]]]
# DIR (default: a fresh folder under the current one, so on the same disk)
# is where the files go; SIZES default to 1 10 100 250.  Needs ~2×the
# largest size free.  Keep the machine otherwise idle.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
bench="$build/bench/checkpoint/bench_ckpt"
[ -x "$bench" ] || { echo "run.sh: $bench not built; run make in $build first" >&2; exit 1; }
dir=${1:-$(pwd)/bench-ckpt.$$}
repeats=${2:-3}
[ $# -gt 2 ] && shift 2 || set --
sizes=${*:-1 10 100 250}
mkdir -p "$dir"
trap 'rm -rf "$dir/bench.ckpt" "$dir/dd.bin"; rmdir "$dir" 2>/dev/null || true' EXIT
mpiexec=${MPIEXEC:-$(command -v mpiexec || true)}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "# $("$build/mtt" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores"
echo "# folder: $dir ($(df -T "$dir" | awk 'NR == 2 {print $2}'))"
for mb in $sizes; do
    "$bench" "$dir" "$mb" "$repeats"
    if [ -n "$mpiexec" ] && "$build/mtt" --version | grep -q "MPI:  yes"; then
        timeout 600 "$mpiexec" -n 2 --oversubscribe "$bench" "$dir" "$mb" "$repeats"
    fi
    count=$(( mb * 1000000 / 1048576 + 1 ))  # MiB covering the file
    line=$(dd if=/dev/zero of="$dir/dd.bin" bs=1M count="$count" conv=fsync 2>&1 | tail -1)
    rm -f "$dir/dd.bin"
    echo "dd bs=1M count=$count conv=fsync: $line"
done
