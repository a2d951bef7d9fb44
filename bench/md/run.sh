#!/bin/sh
# bench/md/run.sh — MD cost in µs per atom per step on one fcc Cu cell:
# LAMMPS (Debian's lmp) through the KIM driver on 1 and 2 ranks, and libmtt
# called directly (bench_md), one core each.  Run on an idle machine:
#
#   bench/md/run.sh BUILD_DIR MODEL.pt KIM_NAME [REPEAT] [STEPS]
#
# MODEL.pt must be a copper model exported with `mtt export ... --kim KIM_NAME`
# (examples/copper makes one).  REPEAT³ cubic cells of 4 atoms (default 7:
# 1372 atoms), STEPS NVE steps (default 50).  KIM_API_MODEL_DRIVERS_DIR and
# KIM_API_PORTABLE_MODELS_DIR must point at the driver and the model.
# The PyTorch reference's forward + autograd forces are not timed here.
set -eu
build=$(cd "$1" && pwd); model=$2; name=$3; rep=${4:-7}; steps=${5:-50}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export LD_LIBRARY_PATH="$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$build/bench/md/bench_md" "$model" "$rep" "$steps"
n=$((4 * rep * rep * rep))
cat > "$tmp/in.bench" <<LMP
kim init $name metal
lattice fcc 3.61
region box block 0 $rep 0 $rep 0 $rep
create_box 1 box
create_atoms 1 box
mass 1 63.546
kim interactions Cu
velocity all create 300 4928 mom yes rot no
fix 1 all nve
timestep 0.002
thermo $steps
run $steps
LMP
for ranks in 1 2; do
    launcher="timeout 600"
    [ "$ranks" -gt 1 ] && launcher="timeout 600 mpiexec --oversubscribe -n $ranks"
    (cd "$tmp" && $launcher lmp -in in.bench -log lmp.out -screen none)
    loop=$(awk '/^Loop time of/ { print $4 }' "$tmp/lmp.out")
    awk -v t="$loop" -v n="$n" -v s="$steps" -v r="$ranks" 'BEGIN {
        printf "LAMMPS via KIM, %d rank(s): %d atoms, %d steps, %.3f s, %.2f us/atom/step (wall)\n",
               r, n, s, t, 1e6 * t / (n * s) }'
done
