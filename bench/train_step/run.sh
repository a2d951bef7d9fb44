#!/bin/sh
# run.sh — soap_bpnn training epochs: mtt vs the PyTorch reference, side by
# side in one run (the machine is shared: compare the ratios of one run).
#
# Usage:  bench/train_step/run.sh [BUILD_DIR]
#   BUILD_DIR (or $MTT_BUILD_DIR, default: the current directory) is a
#   configured and built tree; nothing is built here.
# Environment:
#   EPOCHS          epochs of every program (default 20)
#   REPEATS         how many times the three runs are repeated, interleaved
#                   (default 1); min and median over repeats are printed
#   MTT_REFERENCE   directory holding torch_soap_bpnn.py (default
#                   ../shared/reference); mtt does not depend on it
#   PYTHON          interpreter with torch for the reference (default /usr/bin/python3)
# Runs, each under /usr/bin/time -v, one thread (OPENBLAS_NUM_THREADS=1,
# --threads 1):
#   mtt   bench_train DATA EPOCHS
#   ref   torch_soap_bpnn.py DATA --epochs EPOCHS --threads 1            (descriptors in the graph)
#   ref   torch_soap_bpnn.py DATA --epochs EPOCHS --threads 1 --cache    (cached p and dp/dr)
# and prints per repeat mean epoch time, atoms/s, whole-process wall time,
# peak RSS, and the ratios reference / mtt of the mean epoch time.
# Targets: mtt epoch >= 20x faster than the reference default, >= 3x --cache (issue 8;
# the first goal was 10x).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-${MTT_BUILD_DIR:-.}}" && pwd)
bench="$build/bench/train_step/bench_train"
data="$src/examples/ethanol/ethanol_reduced_100.xyz"
epochs=${EPOCHS:-20}
repeats=${REPEATS:-1}
refdir=${MTT_REFERENCE:-$src/../shared/reference}
py=${PYTHON:-/usr/bin/python3}
tmp=${TMPDIR:-/tmp}/mtt_bench_train.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

[ -x "$bench" ] || { echo "run.sh: $bench not built; run make in $build first" >&2; exit 1; }
have_ref=1
if [ ! -f "$refdir/torch_soap_bpnn.py" ]; then
    echo "run.sh: no $refdir/torch_soap_bpnn.py (set MTT_REFERENCE); skipping the reference"
    have_ref=0
elif ! "$py" -c "import torch, ase, scipy" 2>/dev/null; then
    echo "run.sh: $py cannot import torch, ase and scipy; skipping the reference"
    have_ref=0
fi

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(getconf _NPROCESSORS_ONLN) cores, CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "# data: $data, epochs $epochs, repeats $repeats, OPENBLAS_NUM_THREADS=1"
[ $have_ref = 1 ] && echo "# reference: $("$py" -c 'import torch, sys; print("torch", torch.__version__, "python", sys.version.split()[0])')"

# "h:mm:ss" or "m:ss.ss" -> seconds
wall() {
    sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }'
}
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
# summary KEY FILE: value of KEY= on the SUMMARY line
summary() { sed -n 's/^SUMMARY.* '"$1"'=\([^ ]*\).*/\1/p' "$2"; }

# one line per run in $tmp/results: repeat name mean_epoch_s atoms_per_s wall_s rss_mib
: > "$tmp/results"
record() {  # record REPEAT NAME
    out="$tmp/$2.$1.out"; tim="$tmp/$2.$1.time"
    m=$(summary mean_epoch_s "$out"); a=$(summary atoms_per_s "$out")
    [ -n "$m" ] || { echo "run.sh: $2 printed no SUMMARY line:" >&2; cat "$out" "$tim" >&2; exit 1; }
    echo "$1 $2 $m $a $(wall "$tim") $(rss "$tim")" >> "$tmp/results"
}

r=1
while [ $r -le "$repeats" ]; do
    /usr/bin/time -v "$bench" "$data" "$epochs" > "$tmp/mtt.$r.out" 2> "$tmp/mtt.$r.time"
    record $r mtt
    [ $r = 1 ] && grep '^#' "$tmp/mtt.1.out" && tail -n 1 "$tmp/mtt.1.out"
    if [ $have_ref = 1 ]; then
        /usr/bin/time -v "$py" "$refdir/torch_soap_bpnn.py" "$data" --epochs "$epochs" --threads 1 \
            > "$tmp/ref.$r.out" 2> "$tmp/ref.$r.time"
        record $r ref
        /usr/bin/time -v "$py" "$refdir/torch_soap_bpnn.py" "$data" --epochs "$epochs" --threads 1 \
            --cache > "$tmp/refcache.$r.out" 2> "$tmp/refcache.$r.time"
        record $r refcache
        if [ $r = 1 ]; then
            grep '^# cache' "$tmp/refcache.1.out" | sed 's/^/# reference --cache: /'
            tail -n 1 "$tmp/ref.1.out" | sed 's/^/# reference: /'
            tail -n 1 "$tmp/refcache.1.out" | sed 's/^/# reference --cache: /'
        fi
    fi
    r=$((r + 1))
done

awk -v R="$repeats" '
function median(v, n,   i, j, t) {
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && v[j - 1] > v[j]; --j) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : 0.5 * (v[n / 2] + v[n / 2 + 1])
}
{ rep = $1; name = $2; ep[rep, name] = $3; ap[rep, name] = $4; wl[rep, name] = $5; rs[rep, name] = $6; seen[name] = 1 }
END {
    label["mtt"] = "mtt bench_train"; label["ref"] = "reference (default)"; label["refcache"] = "reference --cache"
    printf "\n%-3s %-22s %13s %12s %9s %12s %12s\n", "rep", "program", "mean epoch s", "atoms/s", "wall s", "max RSS MiB", "ref/mtt epoch"
    for (rep = 1; rep <= R; ++rep) {
        for (k = 1; k <= 3; ++k) {
            name = k == 1 ? "mtt" : k == 2 ? "ref" : "refcache"
            if (!((rep, name) in ep)) continue
            ratio = name == "mtt" ? "" : sprintf("%.1fx", ep[rep, name] / ep[rep, "mtt"])
            printf "%-3d %-22s %13.4f %12.1f %9.2f %12.1f %12s\n", rep, label[name], ep[rep, name], ap[rep, name], wl[rep, name], rs[rep, name] / 1024, ratio
        }
    }
    printf "\nover %d repeat(s): min / median\n", R
    for (k = 1; k <= 3; ++k) {
        name = k == 1 ? "mtt" : k == 2 ? "ref" : "refcache"
        if (!(name in seen)) continue
        for (rep = 1; rep <= R; ++rep) { e[rep] = ep[rep, name]; q[rep] = name == "mtt" ? 0 : ep[rep, name] / ep[rep, "mtt"] }
        me = median(e, R); mn = e[1]
        if (name == "mtt") printf "%-22s mean epoch s %.4f / %.4f\n", label[name], mn, me
        else { mq = median(q, R); mnq = q[1]
               printf "%-22s mean epoch s %.4f / %.4f   ratio ref/mtt (same repeat) %.1fx / %.1fx   target %s\n", label[name], mn, me, mnq, mq, name == "ref" ? ">= 20x" : ">= 3x" }
    }
}' "$tmp/results"
