#!/bin/sh
# test_model_golden.sh — golden model files (TAP): good_v1.pt, written by mtt
# 0.1.0, loads (checksums, self-test) and predicts the energy it predicted
# then; every golden bad file fails with its own message; the checksums
# recomputed from docs/model-format.md alone (h5py) match mtt's.
# Generator: tests/gen/model_golden.sh.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init golden
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-python3}
data="$top_srcdir/tests/data/model"
cd "$work" || exit 1
cp "$data/ethanol0.xyz" "$data/eval.yaml" .

if "$MTT" eval "$data/good_v1.pt" eval.yaml -o pred.xyz >out 2>&1; then
    got=$(sed -n 2p pred.xyz | sed 's/.*energy=\([^ ]*\).*/\1/')
    want=$(cat "$data/good_v1_ethanol0_energy.txt")
    if $PYTHON3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-10 * abs(b))" "$got" "$want"; then
        ok "good_v1.pt loads and predicts the energy of its day ($got)"
    else not_ok "good_v1.pt energy" "got $got, want $want"; fi
else not_ok "good_v1.pt loads" "$(tail -n 2 out)"; fi
if $PYTHON3 "$top_srcdir/tests/gen/model_checksums.py" verify "$data/good_v1.pt" >pyout 2>&1; then
    ok "checksums recomputed from docs/model-format.md with h5py match"
else not_ok "documented checksums" "$(cat pyout)"; fi

while read -r file pattern; do
    "$MTT" eval "$data/$file" eval.yaml -o "bad.xyz" >out 2>&1; c=$?
    if [ $c -ne 0 ] && grep -q -- "$pattern" out && [ ! -e bad.xyz ]; then ok "$file: $pattern"
    else not_ok "$file (exit $c)" "$(tail -n 1 out)"; fi
done <<'L'
bad_flipped_byte.pt parameters does not match its checksum
bad_truncated.pt cannot be opened as HDF5 (truncated or damaged file)
bad_self_test.pt self-test failed: energy
bad_newer_version.pt written by a newer mtt (model format 2 > 1); upgrade mtt
bad_not_a_model.pt not an mtt model (root attribute format is 'other-program'
bad_root_checksum.pt the root attributes do not match the root checksum
bad_missing_item.pt self_test/virial is missing
bad_layout.pt layout entry 0 is mlp.1.output.weight
L
tap_done
