#!/bin/sh
# examples/copper/run.sh [BUILD_DIR] — end to end: train, export as a KIM
# portable model, a short LAMMPS run.  BUILD_DIR (default ../../build) holds
# the mtt build; with an installed mtt pass the installation's prefix
# instead (then $prefix/bin/mtt and $prefix/lib/mtt/kim/model-drivers).
set -eu
cd "$(dirname "$0")"
build=$(cd "${1:-../../build}" && pwd)
if [ -x "$build/mtt" ]; then                     # a build tree
    mtt=$build/mtt
    mkdir -p kim-drivers/mtt
    ln -sf "$build/.libs/libkim-api-model-driver.so" kim-drivers/mtt/
    export KIM_API_MODEL_DRIVERS_DIR=$PWD/kim-drivers
    export LD_LIBRARY_PATH="$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else                                             # an installation prefix
    mtt=$build/bin/mtt
    export KIM_API_MODEL_DRIVERS_DIR=$build/lib/mtt/kim/model-drivers
fi
export KIM_API_PORTABLE_MODELS_DIR=$PWD/kim-models
"$mtt" train options.yaml
"$mtt" export model.ckpt -o copper.pt --kim mtt_copper
timeout 600 lmp -in in.lammps -log lammps.log
echo "== LAMMPS finished: lammps.log; the model: copper.pt and kim-models/mtt_copper/"
