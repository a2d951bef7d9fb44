#!/bin/sh
# test_export_roundtrip.sh — train → export → eval (TAP), with 1 rank and,
# in the MPI build, 2 ranks:
#   - mtt eval on the validation split reproduces the trainer's validation
#     RMSEs of the best epoch (train.csv, %.17g) to 1e-9 relative;
#   - mtt eval on the test split reproduces the final evaluation's test
#     RMSEs (train.log prints 6 digits: compared to 1e-5);
#   - metadata goes ckpt → ckpt (+metadata) → pt and is printed on load;
#   - the exported epoch is the best one.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init roundtrip
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-python3}
cd "$work" || exit 1
cp "$top_srcdir/tests/data/xyz/ethanol_reduced_100.xyz" data.xyz
cat > options.yaml <<'Y'
seed: 7
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 4.0, width: 0.5}, max_radial: 3, max_angular: 3}
    bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 16, layernorm: true}
  training: {batch_size: 8, num_epochs: 6, learning_rate: 3.0e-3, log_interval: 1, checkpoint_interval: 100}
training_set:
  systems: {read_from: data.xyz, length_unit: angstrom}
  targets: {energy: {key: energy, unit: kcal/mol, forces: {key: forces}}}
validation_set: 0.2
test_set: 0.2
Y
cat > meta.yaml <<'Y'
name: "Round-trip ethanol"
authors: ["Zoë Example"]
references: {model: ["this test"]}
Y

# split file → XYZ of those frames; eval options for it
extract='
import sys
idx = [int(x) for x in open(sys.argv[1]).read().split()]
lines = open("data.xyz").read().split("\n")
frames, i = [], 0
while i < len(lines) and lines[i].strip():
    n = int(lines[i]); frames.append(lines[i:i + n + 2]); i += n + 2
open(sys.argv[2], "w").write("\n".join(l for k in idx for l in frames[k]) + "\n")
'
# "name RMSE: value" lines of mtt eval → value of one quantity
rmse_of() { sed -n "s/.*- $1 RMSE: \([^ ]*\) .*/\1/p" "$2" | head -n 1; }
close() { $PYTHON3 -c "import sys; a, b, t = map(float, sys.argv[1:4]); sys.exit(0 if abs(a - b) <= t * abs(b) else 1)" "$1" "$2" "$3"; }

roundtrip() {  # label launcher...
    label=$1; shift
    d="$work/$label"; mkdir -p "$d"; cp data.xyz options.yaml meta.yaml "$d/"
    case_dir=$d
    if ! (cd "$d" && "$@" "$MTT" train options.yaml >train.out 2>err); then
        not_ok "$label: mtt train" "$(tail -n 3 "$d/train.out")"; return
    fi
    run=$(ls -d "$d"/outputs/*/*/ | head -n 1)
    best=$(sed -n 's/.*Evaluation of the best model (epoch \([0-9]*\)).*/\1/p' "$d/train.out")
    (cd "$d" && "$MTT" export model.ckpt -o with_meta.ckpt -m meta.yaml >exp1.out 2>&1 &&
        "$MTT" export with_meta.ckpt -o model.pt >exp2.out 2>&1)
    if grep -q "epoch $best " "$d/exp2.out"; then ok "$label: ckpt → ckpt+metadata → pt; exports the best epoch ($best)"
    else not_ok "$label: export" "$(cat "$d/exp1.out" "$d/exp2.out")"; fi
    for set in validation test; do
        $PYTHON3 -c "$extract" "$run/indices/$set.txt" "$d/$set.xyz"
        printf 'systems: %s.xyz\ntargets: {energy: {key: energy, unit: kcal/mol, forces: {key: forces}}}\n' "$set" > "$d/$set.yaml"
        (cd "$d" && "$MTT" eval model.pt "$set.yaml" -o "$set.pred.xyz" > "$set.eval" 2>&1)
    done
    if grep -q "This is the model 'Round-trip ethanol'" "$d/validation.eval" && grep -q "Zoë Example" "$d/validation.eval"; then
        ok "$label: the metadata survives ckpt → ckpt → pt and is printed on load"
    else not_ok "$label: metadata printed" "$(head -n 3 "$d/validation.eval")"; fi
    # validation RMSEs of the best epoch, at full precision, from train.csv
    row=$(awk -F, -v e="$best" '$1 == e' "$run/train.csv")
    ve=$(echo "$row" | awk -F, '{print $6}'); vf=$(echo "$row" | awk -F, '{print $7}')
    ge=$(rmse_of "energy (per atom)" "$d/validation.eval"); gf=$(rmse_of forces "$d/validation.eval")
    if [ -n "$row" ] && close "$ge" "$ve" 1e-9 && close "$gf" "$vf" 1e-9; then
        ok "$label: eval on the validation split = trainer's best-epoch RMSEs to 1e-9 ($ge, $gf)"
    else not_ok "$label: validation RMSE round trip" "eval $ge $gf, train.csv '$row'"; fi
    te=$(sed -n 's/.*test set ([0-9]* structures): energy RMSE (per atom): \([^ ]*\) .*/\1/p' "$d/train.out")
    tf=$(sed -n 's/.*test set ([0-9]* structures):.*forces RMSE: \([^ ]*\) .*/\1/p' "$d/train.out")
    ge=$(rmse_of "energy (per atom)" "$d/test.eval"); gf=$(rmse_of forces "$d/test.eval")
    if [ -n "$te" ] && close "$ge" "$te" 1e-5 && close "$gf" "$tf" 1e-5; then
        ok "$label: eval on the test split = the final evaluation (6 logged digits)"
    else not_ok "$label: test RMSE round trip" "eval $ge $gf, log $te $tf"; fi
}

roundtrip serial
# a checkpoint from a newer mtt, and one flipped byte in the parameters
cd "$work/serial" || exit 1
cp model.ckpt newer.ckpt; cp model.ckpt flipped.ckpt
$PYTHON3 - <<'P'
import h5py, numpy as np
with h5py.File("newer.ckpt", "r+") as f:
    f.attrs.modify("format_version", np.array(f.attrs["format_version"]) + 1)
with h5py.File("flipped.ckpt", "r") as f:
    off = f["parameters/best"].id.get_offset() + 5
with open("flipped.ckpt", "r+b") as fh:
    fh.seek(off); b = fh.read(1); fh.seek(off); fh.write(bytes([b[0] ^ 1]))
P
"$MTT" export newer.ckpt -o newer.pt >newer.out 2>&1; c=$?
[ $c -ne 0 ] && grep -q "newer mtt" newer.out && [ ! -e newer.pt ] && ok "a checkpoint of a newer format is refused" ||
    not_ok "newer checkpoint (exit $c)" "$(tail -n 1 newer.out)"
"$MTT" export flipped.ckpt -o flipped.pt >flipped.out 2>&1; c=$?
[ $c -ne 0 ] && grep -qi "checksum" flipped.out && [ ! -e flipped.pt ] && ok "a checkpoint with a flipped byte is refused" ||
    not_ok "flipped checkpoint (exit $c)" "$(tail -n 1 flipped.out)"
cd "$work" || exit 1
if [ -n "${MPIEXEC:-}" ] && "$MTT" --version | grep -q "MPI *: yes\|MPI: Open\|Open MPI"; then
    roundtrip mpi2 timeout 600 $MPIEXEC -n 2
else
    echo "ok $((n + 1)) # SKIP 2-rank round trip: serial build or no mpiexec"; n=$((n + 1))
fi
tap_done
