#!/bin/sh
# scripts/quickstart.sh — install what mtt needs, build it (with MPI) in
# build/, and run the bundled ethanol example: train on two ranks, export
# the best model with its metadata, evaluate it.
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
echo "== running: mtt export model.ckpt -m metadata.yaml -o model.pt (no mpirun needed)"
../../build/mtt export model.ckpt -m metadata.yaml -o model.pt
echo "== running: mtt eval model.pt eval.yaml -o predictions.xyz"
../../build/mtt eval model.pt eval.yaml -o predictions.xyz
echo "== done: examples/ethanol/model.pt, examples/ethanol/predictions.xyz"
