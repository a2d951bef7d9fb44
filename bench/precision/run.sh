#!/bin/sh
# bench/precision/run.sh — epoch time of `mtt train` at base_precision 64
# and 32 on the ethanol example, side by side (issue goal: 32 at least
# 1.6x faster), with the validation errors both reach after the same epochs.
#
# Usage (from the top of a built tree):
#     REPEATS=5 EPOCHS=20 sh bench/precision/run.sh
# Each repeat runs 64 then 32 (interleaved, so a change in machine load hits
# both), one rank, one OpenBLAS thread.  Per run: the trainer's own
# "Training time: ... s per epoch" line (training steps and validation of the
# epochs; descriptors excluded), the process wall time and peak RSS
# (/usr/bin/time -v when installed), and the last validation RMSEs from
# train.csv.  Prints a table per run, then the medians and their ratio.
# Run it on an otherwise idle machine; nothing here checks a time limit.
set -u
top=$(pwd)
MTT=${MTT:-$top/mtt}
repeats=${REPEATS:-5}
epochs=${EPOCHS:-20}
[ -x "$MTT" ] || { echo "no mtt at $MTT: run from the top of a built tree or set MTT"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-precision-XXXXXX")
trap 'rm -rf "$work"' EXIT
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -v"

last_value() {  # train.csv column
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == col) k = i }
                         NR > 2 { v = $k } END { print v }' "$1"
}

echo "mtt: $("$MTT" --version | head -n 1); ethanol example, $epochs epochs, $repeats repeats"
printf '%-4s %-9s %14s %12s %12s %14s %14s\n' rep precision "s per epoch" "wall s" "RSS MiB" \
    "val E RMSE/at" "val F RMSE"
: > "$work/results"
r=1
while [ "$r" -le "$repeats" ]; do
    for p in 64 32; do
        d="$work/r$r-$p"; mkdir -p "$d"
        cp examples/ethanol/options.yaml examples/ethanol/ethanol_reduced_100.xyz "$d/"
        start=$(date +%s.%N)
        (cd "$d" && OPENBLAS_NUM_THREADS=1 $timer "$MTT" train options.yaml -r base_precision=$p \
            -r architecture.training.num_epochs="$epochs" \
            -r architecture.training.checkpoint_interval=100000 >out 2>err) || {
            echo "mtt train failed (precision $p)"; tail -n 5 "$d/err"; exit 1; }
        end=$(date +%s.%N)
        run=$(ls -d "$d"/outputs/*/* | head -n 1)
        per=$(sed -n 's/.*Training time: [0-9.e+-]* s, \([0-9.e+-]*\) s per epoch.*/\1/p' "$run/train.log")
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$d/err")
        rss=$(awk -v k="${rss:-0}" 'BEGIN { if (k > 0) printf "%.1f", k / 1024; else print "-" }')
        e=$(last_value "$run/train.csv" 'validation energy RMSE (per atom)')
        f=$(last_value "$run/train.csv" 'validation forces RMSE')
        printf '%-4s %-9s %14s %12s %12s %14s %14s\n' "$r" "$p" "$per" "$wall" "$rss" "$e" "$f"
        echo "$p $per $e $f" >> "$work/results"
    done
    r=$((r + 1))
done
median() {  # precision column
    awk -v p="$1" -v c="$2" '$1 == p { print $c }' "$work/results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
m64=$(median 64 2); m32=$(median 32 2)
echo "median s per epoch: 64 $m64, 32 $m32; speed-up 64/32 = $(awk -v a="$m64" -v b="$m32" 'BEGIN { printf "%.2f", a / b }')x (goal >= 1.6x)"
e64=$(median 64 3); e32=$(median 32 3); f64=$(median 64 4); f32=$(median 32 4)
awk -v a="$e64" -v b="$e32" -v c="$f64" -v d="$f32" 'BEGIN {
    printf "validation after the same epochs: energy RMSE/atom 64 %s, 32 %s (%+.3g%%); forces RMSE 64 %s, 32 %s (%+.3g%%)\n",
           a, b, 100 * (b - a) / a, c, d, 100 * (d - c) / c }'
