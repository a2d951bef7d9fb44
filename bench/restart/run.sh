#!/bin/sh
# bench/restart/run.sh — what checkpoints cost a training, and how fast a
# stop request ends a run.  Run from the source tree after building build/:
#     sh bench/restart/run.sh [REPEATS]
# Pin it and keep the other core idle:  taskset -c 0 sh bench/restart/run.sh 5
#
# 1. The ethanol example at the default checkpoint_interval 25 (model_0 and
#    model_25, the final model.ckpt and its hard link in the working folder)
#    — the example's own options.yaml sets 10 — against the same run
#    with checkpoint_interval 1 (50 periodic checkpoints + 2), interleaved,
#    REPEATS times each, wall time by /usr/bin/time; and the share of the
#    default run spent writing checkpoints, summed from its own log lines
#    ("Checkpoint ...: ... in X s") over its "Training time".
# 2. SIGUSR1 → exit: the example is signalled 1.5 s after start; the time
#    from the signal to the process's exit (step end + checkpoint + exit).
set -u
repeats=${1:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
mtt=${MTT:-$top/build/mtt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top/examples/ethanol/"* "$tmp/"
cd "$tmp" || exit 1
echo "# mtt: $("$mtt" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores"

wall() {  # ARGS...: wall seconds of one mtt train run
    rm -rf outputs model.ckpt
    /usr/bin/time -f "%e" -o t.txt "$mtt" train options.yaml "$@" >log.txt 2>&1 || { echo "run failed" >&2; cat log.txt >&2; exit 1; }
    cat t.txt
}
a_list=""; b_list=""; shares=""
i=0
while [ $i -lt "$repeats" ]; do
    i=$((i + 1))
    a=$(wall -r architecture.training.checkpoint_interval=25)
    ckt=$(sed -n 's/.*Checkpoint \(written\|of the finished training\):.* in \([0-9.]*\) s).*/\2/p' log.txt | awk '{ s += $1 } END { print s }')
    tt=$(sed -n 's/.*Training time: \([0-9.]*\) s.*/\1/p' log.txt)
    share=$(awk -v a="$ckt" -v b="$tt" 'BEGIN { printf "%.4f", a / b }')
    ck=$(grep -c "Checkpoint \(written\|of the finished\)" log.txt)
    b=$(wall -r architecture.training.checkpoint_interval=1)
    a_list="$a_list $a"; b_list="$b_list $b"; shares="$shares $share"
done
med() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "default (checkpoint_interval 25, $ck checkpoint writes): wall s $a_list  median $(med $a_list)"
echo "checkpoint_interval 1 (51 writes):                     wall s $b_list  median $(med $b_list)"
echo "ratio interval-1 / default (medians): $(awk -v a="$(med $a_list)" -v b="$(med $b_list)" 'BEGIN { printf "%.3f", b / a }')"
echo "checkpoint writes / training loop time, default run: $shares  median $(med $shares)"

# ---- SIGUSR1 -> exit -----------------------------------------------------------
lat=""
i=0
while [ $i -lt "$repeats" ]; do
    i=$((i + 1))
    rm -rf outputs model.ckpt
    "$mtt" train options.yaml >log.txt 2>&1 &
    pid=$!
    sleep 1.5
    t0=$(date +%s.%N)
    kill -USR1 $pid
    wait $pid; code=$?
    t1=$(date +%s.%N)
    [ "$code" -eq 75 ] || echo "# run $i: exit $code (finished before the signal?)"
    lat="$lat $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
done
echo "SIGUSR1 to exit (s): $lat  median $(med $lat)"
