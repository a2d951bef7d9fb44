#!/bin/sh
# scripts/quickstart.sh — install what mtt needs, build it (with MPI) in
# build/, run the bundled ethanol example on two ranks, then a short LAMMPS
# run of the exported model (when lmp and the KIM driver are there).
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
# The trained model in LAMMPS through the KIM driver (docs/md.md), when the
# build has it and Debian's lmp is installed.
if [ -f ../../build/.libs/libkim-api-model-driver.so ] && command -v lmp >/dev/null; then
    mkdir -p kim-drivers/mtt
    ln -sf "$(cd ../../build/.libs && pwd)/libkim-api-model-driver.so" kim-drivers/mtt/
    export KIM_API_MODEL_DRIVERS_DIR=$(pwd)/kim-drivers KIM_API_PORTABLE_MODELS_DIR=$(pwd)/kim-models
    export LD_LIBRARY_PATH="$(cd ../../build/.libs && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "== exporting: mtt export model.ckpt -o ethanol.pt --kim mtt_ethanol"
    ../../build/mtt export model.ckpt -o ethanol.pt --kim mtt_ethanol
    echo "== running: lmp -in in.lammps (2000 NVE steps of the exported model)"
    set +e
    timeout 600 lmp -in in.lammps -log lammps.log
    code=$?
    set -e
fi
exit $code
