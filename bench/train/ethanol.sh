#!/bin/sh
# bench/train/ethanol.sh — wall time of the ethanol example on one core, with
# the 2-minute limit of the soap_bpnn issue (exit 1 when exceeded).
# Usage (from the top of a built tree): sh bench/train/ethanol.sh [mtt args...]
# Optional: TORCH_REF=/path/to/torch_soap_bpnn.py also times the PyTorch
# reference trainer with the same hyperparameters (Debian /usr/bin/python3).
set -u
top=$(pwd)
MTT=${MTT:-$top/mtt}
limit=${LIMIT_SECONDS:-120}
work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-train-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp examples/ethanol/options.yaml examples/ethanol/ethanol_reduced_100.xyz "$work/"
epochs=$(sed -n 's/^ *num_epochs: *//p' "$work/options.yaml")
start=$(date +%s.%N)
(cd "$work" && OPENBLAS_NUM_THREADS=1 "$MTT" train options.yaml "$@" >out 2>err) || {
    echo "mtt train failed"; cat "$work/err"; exit 1; }
end=$(date +%s.%N)
total=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
log=$(ls -d "$work"/outputs/*/* | head -n 1)/train.log
echo "mtt: ethanol example, $epochs epochs, whole run (data, descriptors, training, evaluation): $total s"
grep -E "Training time|Ratio" "$log" | sed 's/^.*- /mtt: /'
if [ -n "${TORCH_REF:-}" ]; then
    (cd "$work" && OMP_NUM_THREADS=1 /usr/bin/python3 "$TORCH_REF" ethanol_reduced_100.xyz \
        --epochs "$epochs" --threads 1 --seed 42 --cache | tail -n 1 | sed 's/^/torch: /')
fi
awk -v t="$total" -v l="$limit" 'BEGIN { if (t > l) { print "over the limit of " l " s"; exit 1 } print "within the limit of " l " s" }'
