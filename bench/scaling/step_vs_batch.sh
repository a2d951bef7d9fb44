#!/bin/sh
# bench/scaling/step_vs_batch.sh — compute time of one training step vs the
# per-rank batch size, on one rank: the input t(b) = t0 + b·t1 of the
# scaling model (bench/scaling/model.py).  Run from anywhere, after building
# build/, on an otherwise idle core:
#     sh bench/scaling/step_vs_batch.sh [-r key.path=value]... > steps.txt
# Every -r is passed to `mtt train` (e.g. a larger network:
# -r architecture.model.bpnn.num_neurons_per_layer=256).
# Environment: MTT (default build/mtt), BATCHES (default "1 2 4 8 16 32"),
# EPOCHS (default 5), REPEATS (default 3), CORE (default 0: taskset -c CORE).
#
# Data: the ethanol example (90 training structures of 9 atoms).  For each
# batch size b, `mtt train` runs EPOCHS epochs REPEATS times; from the log:
#   steps      = epochs × steps per epoch ("Training: E epochs of S steps")
#   per step   = structures per step (90 / S: the last batch of an epoch is
#                partial, so this is the mean, not b)
#   compute    = (descriptors + forward+backward) / steps   [the rank's work]
#   adam       = Adam / steps   (sharded over ranks in mtt's update: ÷ P)
# ("Time by phase", the minimum over repeats: the least disturbed run).
# Output: a "# params N" line (from the log's "Model:" line), then
#   b  structures_per_step  steps  compute_s  adam_s
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mtt=${MTT:-$top/build/mtt}
batches=${BATCHES:-1 2 4 8 16 32}
epochs=${EPOCHS:-5}
repeats=${REPEATS:-3}
core=${CORE:-0}
export OPENBLAS_NUM_THREADS=1
[ -x "$mtt" ] || { echo "step_vs_batch.sh: $mtt not built (set MTT)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top/examples/ethanol/options.yaml" "$top/examples/ethanol/ethanol_reduced_100.xyz" "$tmp/"

phase() { sed -n "s/.*Time by phase.* $2 \([0-9.]*\) s.*/\1/p" "$1"; }
echo "# $("$mtt" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ); epochs $epochs, repeats $repeats, core $core; overrides: $*"
echo "#    b  per_step  steps    compute_s       adam_s"
first=1
for b in $batches; do
    best=""
    i=0
    while [ $i -lt "$repeats" ]; do
        i=$((i + 1))
        rm -rf "$tmp/outputs" "$tmp/model.ckpt" "$tmp/model.pt"
        if ! (cd "$tmp" && timeout 600 taskset -c "$core" "$mtt" train options.yaml --progress=never \
                -r architecture.training.batch_size="$b" -r architecture.training.num_epochs="$epochs" \
                -r architecture.training.checkpoint_interval=1000000 "$@" > log 2>&1); then
            echo "step_vs_batch.sh: mtt train failed at batch size $b:" >&2
            tail -n 5 "$tmp/log" >&2
            exit 1
        fi
        if [ $first = 1 ]; then
            sed -n 's/.*Model: .* \([0-9]*\) trainable parameters.*/# params \1/p' "$tmp/log"
            first=0
        fi
        spe=$(sed -n 's/.*Training: [0-9]* epochs of \([0-9]*\) steps.*/\1/p' "$tmp/log")
        ntr=$(sed -n 's/.*Descriptor cache (training set): [0-9]* of \([0-9]*\) structures.*/\1/p' "$tmp/log")
        line=$(awk -v e="$epochs" -v s="$spe" -v n="$ntr" -v b="$b" \
                   -v d="$(phase "$tmp/log" descriptors)" -v f="$(phase "$tmp/log" forward+backward)" \
                   -v a="$(phase "$tmp/log" Adam)" 'BEGIN {
                steps = e * s
                printf "%4d %8.3f %6d %12.6e %12.6e\n", b, n / s, steps, (d + f) / steps, a / steps }')
        c=$(echo "$line" | awk '{ print $4 }')
        if [ -z "$best" ] || awk -v x="$c" -v y="$(echo "$best" | awk '{ print $4 }')" 'BEGIN { exit !(x < y) }'; then
            best=$line
        fi
    done
    echo "$best"
done
