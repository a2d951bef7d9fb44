#!/bin/sh
# bench/scaling/run.sh — is training on 2 ranks faster, and how close to what
# this machine allows?  Run from the source tree after building build/,
# with both cores otherwise idle:
#     sh bench/scaling/run.sh [REPEATS]            (default 5)
#
# Same global batch in every run (1 rank × 8 structures vs 2 ranks × 4):
#   one    taskset -c 0 mtt train … batch_size 8
#   two    mpiexec -n 2 mtt train … batch_size 4   (Open MPI binds one rank per core)
#   pair   two independent 1-rank runs at the same time, pinned to cores 0 and 1:
#          what the shared memory and caches of this machine allow two
#          processes; the ideal 2-rank time is then pair/2.
# Cases: the ethanol example (50 epochs) and a generated periodic Cu–Ni–Al
# set of 190 structures of 32–256 atoms, 21,016 atoms (make_alloy.py, EMT
# labels; max_radial 4, max_angular 4 so every descriptor is cached; 5 epochs).
# Printed: medians of the wall time (descriptor set-up included) and of the
# log's "Training time" (the loop only), the ratios one/two and
# (pair/2)/two, the same as throughputs in structures trained per second
# (one process drops the last partial batch as metatrain, 2 ranks keep
# theirs, so the runs can train different numbers per epoch; two/pair
# ≥ 0.95 is the goal), the 2-rank run's own log lines on time in
# collectives and load imbalance, and the log's time by phase of the last
# repeat's runs (1 rank, 2 ranks, each process of the pair).
# EXCHANGE_AB=1: every repeat also runs the 2-rank case with
# MTT_SHARED_EXCHANGE=0 (messages instead of the node's shared window), right
# after the default one, and prints its medians next to them.
set -u
repeats=${1:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
mtt=${MTT:-$top/build/mtt}
mpiexec=${MPIEXEC:-mpiexec}
py=${PYTHON3:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $("$mtt" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores; repeats $repeats"
mkdir -p "$tmp/ethanol" "$tmp/alloy"
cp "$top/examples/ethanol/"* "$tmp/ethanol/"
"$py" "$top/bench/scaling/make_alloy.py" "$tmp/alloy/alloy.xyz" 190 1 | sed 's/^/# /'
cat > "$tmp/alloy/options.yaml" <<'YAML'
seed: 1
architecture:
  name: soap_bpnn
  model: {soap: {max_radial: 4, max_angular: 4}}
  training: {batch_size: 8, num_epochs: 5, log_interval: 5}
training_set:
  systems: {read_from: alloy.xyz, length_unit: angstrom}
  targets: {energy: {key: energy, unit: eV}}
validation_set: 0.1
test_set: 0.0
YAML

med() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ttime() { sed -n 's/.*Training time: \([0-9.]*\) s.*/\1/p' "$1"; }
per_epoch() { sed -n 's/.* \([0-9]*\) of [0-9]* training structures per epoch.*/\1/p' "$1" | head -n 1; }
# run DIR TAG CMD...: wall seconds into $TAG.wall, log into $TAG.log
run() {
    d=$1; tag=$2; shift 2
    rm -rf "$d/outputs" "$d/model.ckpt" "$d/model.pt"
    mkdir -p "$d/$tag.d"; cp "$d/options.yaml" "$d"/*.xyz "$d/$tag.d/" 2>/dev/null
    (cd "$d/$tag.d" && rm -rf outputs model.* && /usr/bin/time -f "%e" -o ../$tag.wall "$@" --progress=never >../$tag.log 2>&1)
}

for case in ethanol alloy; do
    d=$tmp/$case
    w1=""; w2=""; wp=""; t1=""; t2=""; tp=""; wm=""; tm=""
    i=0
    while [ $i -lt "$repeats" ]; do
        i=$((i + 1))
        run "$d" one taskset -c 0 "$mtt" train options.yaml -r architecture.training.batch_size=8
        run "$d" two "$mpiexec" -n 2 "$mtt" train options.yaml -r architecture.training.batch_size=4
        if [ "${EXCHANGE_AB:-0}" = 1 ]; then
            run "$d" twom env MTT_SHARED_EXCHANGE=0 "$mpiexec" -n 2 "$mtt" train options.yaml \
                -r architecture.training.batch_size=4
            wm="$wm $(cat "$d/twom.wall")"; tm="$tm $(ttime "$d/twom.log")"
        fi
        run "$d" pa taskset -c 0 "$mtt" train options.yaml -r architecture.training.batch_size=8 &
        run "$d" pb taskset -c 1 "$mtt" train options.yaml -r architecture.training.batch_size=8 &
        wait
        w1="$w1 $(cat "$d/one.wall")"; w2="$w2 $(cat "$d/two.wall")"
        wp="$wp $(awk -v a="$(cat "$d/pa.wall")" -v b="$(cat "$d/pb.wall")" 'BEGIN { print (a > b ? a : b) }')"
        t1="$t1 $(ttime "$d/one.log")"; t2="$t2 $(ttime "$d/two.log")"
        tp="$tp $(awk -v a="$(ttime "$d/pa.log")" -v b="$(ttime "$d/pb.log")" 'BEGIN { print (a > b ? a : b) }')"
    done
    echo "== $case"
    echo "wall s  one:$w1  two:$w2  pair:$wp"
    echo "loop s  one:$t1  two:$t2  pair:$tp"
    # structures trained per epoch: one process drops the last partial batch
    # (as metatrain), two ranks keep theirs, so the runs may train different
    # numbers: the throughput ratios below count them
    n1=$(per_epoch "$d/one.log"); n2=$(per_epoch "$d/two.log")
    echo "structures trained per epoch: one rank $n1, two ranks $n2 (each of the pair $n1)"
    for kind in wall loop; do
        if [ $kind = wall ]; then a=$(med $w1); b=$(med $w2); c=$(med $wp); else a=$(med $t1); b=$(med $t2); c=$(med $tp); fi
        awk -v k=$kind -v a="$a" -v b="$b" -v c="$c" -v n1="$n1" -v n2="$n2" 'BEGIN {
            printf "%s medians: one %.3f s, two %.3f s, pair %.3f s; two/one %.3f; one/two %.3f; (pair/2)/two %.3f\n",
                   k, a, b, c, b / a, a / b, (c / 2) / b
            printf "%s throughput (structures per s): one %.1f, two %.1f, pair %.1f; two/one %.3f; two/pair %.3f\n",
                   k, n1 / a, n2 / b, 2 * n1 / c, (n2 / b) / (n1 / a), (n2 / b) / (2 * n1 / c) }'
    done
    grep -h "Gradient exchange\|Time by phase\|Time inside" "$d/two.log" | sed 's/^\[[^]]*\]\[INFO\] - /last 2-rank run: /'
    if [ "${EXCHANGE_AB:-0}" = 1 ]; then
        echo "messages (MTT_SHARED_EXCHANGE=0): wall s$wm  loop s$tm"
        awk -v a="$(med $wm)" -v b="$(med $tm)" -v c="$(med $tp)" -v w="$(med $wp)" -v n1="$n1" -v n2="$n2" 'BEGIN {
            printf "messages medians: wall %.3f s, loop %.3f s; loop throughput two/pair %.3f, wall %.3f\n",
                   a, b, (n2 / b) / (2 * n1 / c), (n2 / a) / (2 * n1 / w) }'
        grep -h "Gradient exchange\|Time by phase\|Time inside" "$d/twom.log" | sed 's/^\[[^]]*\]\[INFO\] - /last messages run: /'
    fi
    grep -h "Time by phase" "$d/one.log" | sed 's/^\[[^]]*\]\[INFO\] - /last 1-rank run: /'
    for p in pa pb; do
        grep -h "Time by phase" "$d/$p.log" | sed "s/^\[[^]]*\]\[INFO\] - /last pair run ($p): /"
    done
done
