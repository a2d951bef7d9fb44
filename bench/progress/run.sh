#!/bin/sh
# bench/progress/run.sh — does the progress display slow the training step?
#
# Trains the ethanol example REPEATS times with --progress=never and with
# --progress=always, alternating (so drift in the machine's speed hits both
# alike), one rank, OPENBLAS_NUM_THREADS=1, and prints for each mode the
# median training time per step (the log's "Training time" divided by the
# steps of the run) and the ratio always/never.  --progress=always draws the
# terminal display (at most 4 redraws a second) even though stdout goes to a
# file here, so the per-step call, its clock read and the redraws all count.
# Run it on an idle machine; numbers go to docs/performance.md.
# Usage (from a build folder, or set MTT):
#     sh bench/progress/run.sh            # REPEATS=5 EPOCHS=50 by default
#     REPEATS=1 EPOCHS=3 sh bench/progress/run.sh    # quick check that it runs
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
MTT=${MTT:-$(pwd)/mtt}
repeats=${REPEATS:-5}
epochs=${EPOCHS:-50}
work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-progress-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$src/examples/ethanol/options.yaml" "$src/examples/ethanol/ethanol_reduced_100.xyz" "$work/"
[ -x "$MTT" ] || { echo "no mtt at $MTT; run from a build folder or set MTT"; exit 1; }
kernel=$("$MTT" --version 2>/dev/null | sed -n 's/.*kernel: \([^)]*\).*/\1/p' | head -n 1)
echo "progress benchmark: ethanol example, $epochs epochs, $repeats repeats per mode, 1 rank, OpenBLAS kernel ${kernel:-unknown}"

# one MODE: print the training time per step in ms
one() {
    dir="$work/$1-$2"
    mkdir -p "$dir"
    cp "$work/options.yaml" "$work/ethanol_reduced_100.xyz" "$dir/"
    (cd "$dir" && OPENBLAS_NUM_THREADS=1 "$MTT" train options.yaml --progress="$1" \
        -r architecture.training.num_epochs="$epochs" >out 2>err) || {
        echo "mtt train --progress=$1 failed:" >&2; head -n 5 "$dir/err" >&2; exit 1; }
    log=$(ls -d "$dir"/outputs/*/* | head -n 1)/train.log
    steps=$(sed -n 's/.*Training: [0-9]* epochs of \([0-9]*\) steps.*/\1/p' "$log")
    secs=$(sed -n 's/.*Training time: \([0-9.]*\) s,.*/\1/p' "$log")
    awk -v s="$secs" -v n="$steps" -v e="$epochs" 'BEGIN { printf "%.4f\n", 1000 * s / (n * e) }'
    rm -rf "$dir"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$work/never"
: > "$work/always"
i=1
while [ "$i" -le "$repeats" ]; do
    one never "$i" >> "$work/never" || exit 1
    one always "$i" >> "$work/always" || exit 1
    i=$((i + 1))
done
never=$(median < "$work/never")
always=$(median < "$work/always")
echo "ms per step, --progress=never:  $(tr '\n' ' ' < "$work/never")(median $never)"
echo "ms per step, --progress=always: $(tr '\n' ' ' < "$work/always")(median $always)"
awk -v a="$always" -v n="$never" 'BEGIN { printf "ratio always/never: %.3f\n", a / n }'
