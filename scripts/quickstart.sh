#!/bin/sh
# scripts/quickstart.sh — install what mtt needs, build it (with MPI) in
# build/, and run the bundled ethanol example on two ranks.
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
exit $code
