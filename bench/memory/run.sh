#!/bin/sh
# bench/memory/run.sh — descriptor-cache bytes and peak RSS per rank of one
# epoch of `mtt train` on a periodic set of about 100,000 atoms, on
# N = 1, 2, 4 ranks (4 oversubscribed on a 2-core machine; memory, not time,
# is measured, so load does not spoil it).  From the source tree, after
# building build/ with MPI:
#     sh bench/memory/run.sh [N_STRUCTURES [WORKDIR]]
# N_STRUCTURES (default 340) fcc Cu–Ni–Al cells of 128–500 atoms (~300 on
# average: 340 give ~100,000 atoms), rattled and strained, EMT energies,
# forces and stress (bench/scaling/make_alloy.py ... large; needs python3-ase;
# ~0.3–0.6 s per cell).  WORKDIR keeps the generated file for the next run
# (default: a temporary folder, removed).
# Environment: RANKS (default "1 2 4"), MTT (default build/mtt), MPIEXEC
# (default mpiexec), PYTHON3 (default /usr/bin/python3).
#
# Model hyperparameters, chosen so that the whole cache fits one rank of a
# 24 GiB machine (~32 KiB per atom, ~3.2 GiB for 100,000 atoms):
#   soap: cutoff 4.0 Å (width 0.5), max_radial 3, max_angular 3 (D = 312);
#   bpnn: defaults; energies and forces trained; batch_size 8; 1 epoch;
#   validation_set 0, test_set 0 (every structure in the training cache);
#   descriptor_cache_mb 65536 per rank, so nothing is recomputed: the run
#   fails unless the log says every structure was cached.
# Per rank: peak RSS from `/usr/bin/time -f %M` around each rank's process;
# cache bytes from the log's "Descriptor cache (training set)" line (total
# over ranks, and with several ranks the smallest and largest rank's).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n_structures=${1:-340}
mtt=${MTT:-$top/build/mtt}
mpiexec=${MPIEXEC:-mpiexec}
py=${PYTHON3:-/usr/bin/python3}
ranks=${RANKS:-1 2 4}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
[ -x "$mtt" ] || { echo "run.sh: $mtt not built (set MTT)" >&2; exit 1; }
"$mtt" --version | grep -q "MPI:  yes" || { echo "run.sh: $mtt is a build without MPI" >&2; exit 1; }
if [ $# -ge 2 ]; then
    work=$2; mkdir -p "$work"
else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
data=$work/alloy_$n_structures.xyz
echo "# $("$mtt" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores; $(free -g | awk '/^Mem:/ { print $2 }') GiB"
if [ ! -s "$data" ]; then
    "$py" "$top/bench/scaling/make_alloy.py" "$data.tmp" "$n_structures" 1 large | sed -e 's/^/# /' -e 's/\.tmp:/:/' &&
        mv "$data.tmp" "$data" || { echo "run.sh: could not generate $data" >&2; exit 1; }
fi
atoms=$(awk 'skip > 0 { --skip; next } { total += $1; skip = $1 + 1 } END { print total }' "$data")
echo "# data: $n_structures structures, $atoms atoms"
cat > "$work/options.yaml" <<YAML
seed: 1
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 4.0, width: 0.5}, max_radial: 3, max_angular: 3}
  training: {batch_size: 8, num_epochs: 1, descriptor_cache_mb: 65536}
training_set:
  systems: {read_from: $(basename "$data"), length_unit: angstrom}
  targets: {energy: {key: energy, unit: eV, forces: {key: forces}, stress: off}}
validation_set: 0.0
test_set: 0.0
YAML

printf '%5s %6s %13s %13s %21s %9s\n' ranks rank "peak RSS MiB" "cache MiB" "cache per rank MiB" "wall s"
status=0
for n in $ranks; do
    d=$work/n$n
    rm -rf "$d"; mkdir -p "$d"
    cp "$work/options.yaml" "$d/"; ln -s "$data" "$d/$(basename "$data")"
    start=$(date +%s.%N)
    (cd "$d" && timeout 1800 "$mpiexec" -n "$n" --oversubscribe --bind-to none \
        sh -c 'exec /usr/bin/time -f %M -o rss.$OMPI_COMM_WORLD_RANK "$0" train options.yaml --progress=never' \
        "$mtt" > log 2>&1)
    rc=$?
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    line=$(grep -h 'Descriptor cache (training set)' "$d/log" | head -n 1)
    if [ $rc -ne 0 ] || ! echo "$line" | grep -q ": \([0-9]*\) of \1 structures cached"; then
        echo "run.sh: $n ranks: exit $rc, or not every structure cached:" >&2
        { echo "$line"; grep -h 'ERROR' "$d/log" | head -n 3; } >&2
        status=1
        continue
    fi
    total=$(echo "$line" | sed -n 's/.*cached, \([0-9.]*\) MiB.*/\1/p')
    range=$(echo "$line" | sed -n 's/.*per rank \([0-9.]*\) to \([0-9.]*\) MiB.*/\1 to \2/p')
    [ -n "$range" ] || range="$total to $total"
    r=0
    while [ $r -lt "$n" ]; do
        rss=$(tail -n 1 "$d/rss.$r" 2>/dev/null)
        printf '%5d %6d %13.1f %13s %21s %9s\n' "$n" "$r" "$(awk -v k="${rss:-0}" 'BEGIN { print k / 1024 }')" \
            "$total" "$range" "$wall"
        r=$((r + 1))
    done
done
exit $status
