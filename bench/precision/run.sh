#!/bin/sh
# bench/precision/run.sh — epoch time of `mtt train` at base_precision 64
# and 32, side by side (issue goal: 32 at least 1.6x faster on ethanol), with
# the validation errors both reach after the same epochs (goal: within 5 %)
# and their relative difference, on the ethanol example and on a periodic
# EMT copper set.
#
# Usage (from the top of a built tree):
#     REPEATS=5 EPOCHS=20 sh bench/precision/run.sh
# Environment: MTT (default ./mtt), REPEATS (5), EPOCHS (20), CASES (default
# "ethanol cu"), PYTHON3 (/usr/bin/python3, with ASE, for the copper set).
# Cases:
#   ethanol  examples/ethanol (options.yaml as shipped, epochs and checkpoint
#            interval overridden)
#   cu       100 fcc Cu cells of 32-108 atoms (6,592 atoms), EMT energies,
#            forces and stress, written by bench/scaling/make_alloy.py (seed 2,
#            the `cu` set of bench/reference/periodic.sh); the reference
#            trainer's hyperparameters (cutoff 5 Å, width 0.5 Å, max_radial 7,
#            max_angular 6, 2 x 32, batch 8, lr 1e-3), stress trained as well
#            (mtt's default), 10 % validation
# Each repeat runs 64 then 32 (interleaved, so a change in machine load hits
# both), one rank, one OpenBLAS thread.  Per run: the trainer's own
# "Training time: ... s per epoch" line (training steps and validation of the
# epochs; descriptors excluded), the process wall time and peak RSS
# (/usr/bin/time -v when installed), and the last validation RMSEs from
# train.csv (the units of its second row).  Prints a table per run, then per
# case the medians, their ratio and the relative difference of the errors.
# Run it on an otherwise idle machine; nothing here checks a time limit.
set -u
top=$(pwd)
MTT=${MTT:-$top/mtt}
repeats=${REPEATS:-5}
epochs=${EPOCHS:-20}
cases=${CASES:-ethanol cu}
py=${PYTHON3:-/usr/bin/python3}
[ -x "$MTT" ] || { echo "no mtt at $MTT: run from the top of a built tree or set MTT"; exit 1; }
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-precision-XXXXXX")
trap 'rm -rf "$work"' EXIT
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -v"

last_value() {  # train.csv column
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == col) k = i }
                         NR > 2 { v = $k } END { print v }' "$1"
}
unit_of() {  # train.csv column: its unit (second row)
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == col) k = i }
                         NR == 2 { print $k; exit }' "$1"
}

setup() {  # setup CASE DIR: the case's options.yaml and data in DIR
    case $1 in
        ethanol) cp "$src/examples/ethanol/options.yaml" "$src/examples/ethanol/ethanol_reduced_100.xyz" "$2/" ;;
        cu)
            [ -f "$work/cu.xyz" ] || "$py" "$src/bench/scaling/make_alloy.py" "$work/cu.xyz" 100 2 \
                --species Cu --max-atoms 108 > "$work/cu.note" || {
                echo "could not write the copper set (needs $py with ASE)"; exit 1; }
            ln -s "$work/cu.xyz" "$2/cu.xyz"
            cat > "$2/options.yaml" <<'EOF'
seed: 42
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 5.0, width: 0.5}, max_radial: 7, max_angular: 6}
    bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 32, layernorm: true}
  training: {batch_size: 8, num_epochs: 20, learning_rate: 1.0e-3, log_interval: 5}
training_set:
  systems: {read_from: cu.xyz, length_unit: angstrom}
  targets: {energy: {key: energy, unit: eV, forces: {key: forces}, stress: {key: stress}}}
validation_set: 0.1
test_set: 0.0
EOF
            ;;
        *) echo "unknown case $1 (ethanol cu)"; exit 1 ;;
    esac
}

echo "mtt: $("$MTT" --version | head -n 1); cases: $cases; $epochs epochs, $repeats repeats"
printf '%-8s %-4s %-9s %14s %12s %12s %16s %16s\n' case rep precision "s per epoch" "wall s" "RSS MiB" \
    "val E RMSE/at" "val F RMSE"
: > "$work/results"
for c in $cases; do
    r=1
    while [ "$r" -le "$repeats" ]; do
        for p in 64 32; do
            d="$work/$c-r$r-$p"; mkdir -p "$d"
            setup "$c" "$d"
            start=$(date +%s.%N)
            (cd "$d" && OPENBLAS_NUM_THREADS=1 $timer "$MTT" train options.yaml -r base_precision=$p \
                -r architecture.training.num_epochs="$epochs" \
                -r architecture.training.checkpoint_interval=100000 --progress=never >out 2>err) || {
                echo "mtt train failed ($c, precision $p)"; tail -n 5 "$d/err"; exit 1; }
            end=$(date +%s.%N)
            run=$(ls -d "$d"/outputs/*/* | head -n 1)
            per=$(sed -n 's/.*Training time: [0-9.e+-]* s, \([0-9.e+-]*\) s per epoch.*/\1/p' "$run/train.log")
            wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
            rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$d/err")
            rss=$(awk -v k="${rss:-0}" 'BEGIN { if (k > 0) printf "%.1f", k / 1024; else print "-" }')
            e=$(last_value "$run/train.csv" 'validation energy RMSE (per atom)')
            f=$(last_value "$run/train.csv" 'validation forces RMSE')
            if [ "$r" = 1 ] && [ "$p" = 64 ]; then
                eu=$(unit_of "$run/train.csv" 'validation energy RMSE (per atom)')
                fu=$(unit_of "$run/train.csv" 'validation forces RMSE')
                echo "$c $eu $fu" >> "$work/units"
            fi
            printf '%-8s %-4s %-9s %14s %12s %12s %16s %16s\n' "$c" "$r" "$p" "$per" "$wall" "$rss" "$e" "$f"
            echo "$c $p $per $e $f" >> "$work/results"
            rm -rf "$d"
        done
        r=$((r + 1))
    done
done
[ -f "$work/cu.note" ] && sed 's/^.*: /cu: /' "$work/cu.note"
median() {  # case precision column
    awk -v c="$1" -v p="$2" -v k="$3" '$1 == c && $2 == p { print $k }' "$work/results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for c in $cases; do
    m64=$(median "$c" 64 3); m32=$(median "$c" 32 3)
    echo "$c: median s per epoch: 64 $m64, 32 $m32; speed-up 64/32 = $(awk -v a="$m64" -v b="$m32" 'BEGIN { printf "%.2f", a / b }')x (goal >= 1.6x)"
    e64=$(median "$c" 64 4); e32=$(median "$c" 32 4); f64=$(median "$c" 64 5); f32=$(median "$c" 32 5)
    units=$(awk -v c="$c" '$1 == c { print "(" $2 ", " $3 ")" }' "$work/units")
    awk -v c="$c" -v u="$units" -v a="$e64" -v b="$e32" -v x="$f64" -v y="$f32" 'BEGIN {
        printf "%s: validation after the same epochs %s: energy RMSE/atom 64 %s, 32 %s (%+.3g%%); forces RMSE 64 %s, 32 %s (%+.3g%%) (goal: within 5%%)\n",
               c, u, a, b, 100 * (b - a) / a, x, y, 100 * (y - x) / x }'
done
