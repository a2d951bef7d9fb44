#!/bin/sh
# test_ase.sh — python/mtt_ase.py (MTTCalculator over libmtt with ctypes):
# per-atom energies, forces and stress against ASE's numerical derivatives,
# periodic and not, NVE with VelocityVerlet, a bad file (TAP from
# tests/ase_check.py).  SKIP when ASE is missing (apt-get install python3-ase).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init ase
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-/usr/bin/python3}
if ! "$PYTHON3" -c "import ase, numpy" 2>/dev/null; then
    echo "ok 1 # SKIP ASE or numpy missing (apt-get install python3-ase)"; echo "1..1"; exit 0
fi
cd "$work" || exit 1
"$top_builddir/tests/make_test_model" molecule.pt 5 2>err || { echo "Bail out! make_test_model"; exit 1; }
mkdir cu && cp "$top_srcdir/tests/data/xyz/cu_emt_stress.xyz" cu/data.xyz
cat > cu/options.yaml <<'YAML'
seed: 7
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 4.0}, max_radial: 3, max_angular: 3}
    bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 16}
  training: {num_epochs: 4, batch_size: 8}
training_set:
  systems: {read_from: data.xyz, length_unit: angstrom}
  targets:
    energy: {key: energy, unit: eV}
validation_set: 0.2
YAML
(cd cu && "$MTT" train options.yaml >out 2>err && "$MTT" export model.ckpt -o cu.pt >>out 2>>err) ||
    { echo "Bail out! training the copper model failed: $(tail -n 2 cu/err)"; exit 1; }
MTT_LIBRARY="$top_builddir/.libs/libmtt.so" PYTHONPATH="$top_srcdir/python" OPENBLAS_NUM_THREADS=1 \
    "$PYTHON3" "$top_srcdir/tests/ase_check.py" cu/cu.pt molecule.pt 1000
