#!/bin/sh
# scripts/quickstart.sh — install what mtt needs, build it (with MPI) in
# build/, and run the bundled ethanol example: train on two ranks, export
# the best model with its metadata, evaluate it; then a short LAMMPS run of
# the exported model (when lmp and the KIM driver are there, docs/md.md).
set -eu
cd "$(dirname "$0")/.." || exit 1
. scripts/deps.sh
mtt_install_deps
mtt_build build
echo "== mtt built: $(pwd)/build/mtt"
./build/mtt --version
cd examples/ethanol
echo "== running: mpirun -n 2 mtt train options.yaml (in examples/ethanol)"
set +e
mpirun -n 2 ../../build/mtt train options.yaml
code=$?
set -e
echo "== mtt train exited with $code; the run folder is under examples/ethanol/outputs/"
[ $code -eq 0 ] || exit $code
kim=""
if [ -f ../../build/.libs/libkim-api-model-driver.so ] && command -v lmp >/dev/null; then
    mkdir -p kim-drivers/mtt
    ln -sf "$(cd ../../build/.libs && pwd)/libkim-api-model-driver.so" kim-drivers/mtt/
    export KIM_API_MODEL_DRIVERS_DIR=$(pwd)/kim-drivers KIM_API_PORTABLE_MODELS_DIR=$(pwd)/kim-models
    export LD_LIBRARY_PATH="$(cd ../../build/.libs && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    kim="--kim mtt_ethanol"
fi
echo "== running: mtt export model.ckpt -m metadata.yaml -o model.pt $kim (no mpirun needed)"
../../build/mtt export model.ckpt -m metadata.yaml -o model.pt $kim
echo "== running: mtt eval model.pt eval.yaml -o predictions.xyz"
../../build/mtt eval model.pt eval.yaml -o predictions.xyz
echo "== done: examples/ethanol/model.pt, examples/ethanol/predictions.xyz"
if [ -n "$kim" ]; then
    echo "== running: lmp -in in.lammps (2000 NVE steps of the exported model, kim-models/mtt_ethanol)"
    timeout 600 lmp -in in.lammps -log lammps.log
fi
