#!/bin/sh
# docs/make_plots.sh — regenerate the images of docs/plots.md from the ethanol
# example: docs/images/curves.png now, docs/images/parity.png once `mtt eval`
# exists (until then it says so and leaves the parity image alone).
# Usage, from a build folder (or set MTT and MTT_PLOT):
#     sh ../docs/make_plots.sh
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
MTT=${MTT:-$(pwd)/mtt}
MTT_PLOT=${MTT_PLOT:-$(pwd)/python/mtt-plot}
out="$src/docs/images"
work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-docs-plots-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x "$MTT" ] || { echo "no mtt at $MTT; run from a build folder or set MTT"; exit 1; }
[ -x "$MTT_PLOT" ] || { echo "no mtt-plot at $MTT_PLOT; run make, or set MTT_PLOT"; exit 1; }
mkdir -p "$out"
cp "$src/examples/ethanol/options.yaml" "$src/examples/ethanol/ethanol_reduced_100.xyz" "$work/"

# the example as it is: 50 epochs, an epoch line every 5
(cd "$work" && OPENBLAS_NUM_THREADS=1 "$MTT" train options.yaml --progress=never >train.out 2>&1) || {
    echo "mtt train failed:"; tail -n 5 "$work/train.out"; exit 1; }
run=$(ls -d "$work"/outputs/*/* | head -n 1)
"$MTT_PLOT" curves "$run/train.csv" -o "$out/curves.png" || exit 1
echo "wrote $out/curves.png"

# parity: the best model's predictions for all 100 structures
if "$MTT" eval none.pt none.yaml 2>&1 | grep -q "not built yet"; then
    echo "parity image not made: mtt eval is not built yet"
    exit 0
fi
model=$work/model.pt
[ -f "$model" ] || model=$run/model.pt
if [ ! -f "$model" ]; then
    echo "parity image not made: the training wrote no model.pt"
    exit 0
fi
cat > "$work/eval.yaml" <<YAML
systems: ethanol_reduced_100.xyz
targets:
  energy:
    key: energy
    unit: kcal/mol
YAML
(cd "$work" && "$MTT" eval "$model" eval.yaml -o predictions.xyz) || exit 1
"$MTT_PLOT" parity "$work/predictions.xyz" "$work/ethanol_reduced_100.xyz" \
    --energy-unit kcal/mol -o "$out/parity.png" || exit 1
echo "wrote $out/parity.png"
