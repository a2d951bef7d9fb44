#!/bin/sh
# test_train_qm9.sh — energy-only training on 100 QM9 molecules (key U0, no
# forces, molecules of H, C, N, O) must beat the composition
# baseline: validation energy RMSE per atom <= 0.5 x the baseline's (TAP).
#
# The split (seed 42, 80/20) is fixed; with only 20 validation molecules the
# ratio depends on the split (0.23-0.56 over seeds 1-4 and 42 in
# docs/training.md), so the bound is checked for this seed only.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init train-qm9

cp "$top_srcdir/tests/data/xyz/qm9_reduced_100.xyz" "$work/"
cat > "$work/options.yaml" <<'YAML'
seed: 42
architecture:
  name: soap_bpnn
  training:
    batch_size: 8
    num_epochs: 40
    log_interval: 10
training_set:
  systems:
    read_from: qm9_reduced_100.xyz
    length_unit: angstrom
  targets:
    energy:
      key: U0
      unit: eV
      forces: off
validation_set: 0.2
test_set: 0.0
YAML
(cd "$work" && timeout 600 "$MTT" train options.yaml >out 2>err); c=$?
run=$(ls -d "$work"/outputs/*/* 2>/dev/null | head -n 1)
log="$run/train.log"
if [ $c -eq 0 ] && [ -f "$log" ]; then ok "qm9 (U0, no forces) trains, exit 0"
else not_ok "qm9 trains" "exit $c"; sed 's/^/#   /' "$work/err" | head -5; fi
r=$(grep "Ratio: validation energy RMSE (per atom) / composition" "$log" | sed 's/.*= \([0-9.]*\).*/\1/')
echo "# validation energy RMSE (per atom) / composition baseline's = $r"
if awk -v a="$r" 'BEGIN { exit !(a != "" && a + 0 <= 0.5) }'; then
    ok "validation energy RMSE/atom <= 0.5 x the composition baseline's ($r)"
else
    not_ok "validation energy RMSE/atom <= 0.5 x the composition baseline's" "ratio '$r'"
fi
if [ -f "$run/train.csv" ] && [ "$(sed -n 1p "$run/train.csv")" = "Epoch,learning rate,training loss,training energy RMSE (per atom),validation energy RMSE (per atom)" ] \
   && [ "$(sed -n 2p "$run/train.csv")" = ",,,meV,meV" ] && ! grep -q "forces" "$run/train.csv"; then
    ok "no forces: no force columns; eV shown as meV"
else
    not_ok "train.csv columns without forces" "$(sed -n 1,2p "$run/train.csv" 2>/dev/null | tr '\n' ' ')"
fi
if grep -q "Composition baseline (energy per atom of each type, eV): 1: .*, 6: .*, 7: .*, 8: .*" "$log"; then
    ok "composition baseline has one energy per element (H, C, N, O)"
else
    not_ok "composition baseline per element"
fi
tap_done
