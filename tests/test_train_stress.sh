#!/bin/sh
# test_train_stress.sh — end-to-end training on periodic data with stress
# (60 rattled, strained fcc Cu cells labelled with ASE's EMT calculator,
# tests/gen/cu_emt.py): stress is found, trained and reported, and its
# loss term works: with a stress weight of 100 the training stress RMSE falls
# and ends far below that of a run where stress has weight 0 (with weight 1
# the force term, ~40x larger in units of the energy scale, dominates) (TAP).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init train-stress
cp "$top_srcdir/tests/data/xyz/cu_emt_stress.xyz" "$work/"
cat > "$work/options.yaml" <<'YAML'
seed: 42
architecture:
  name: soap_bpnn
  model:
    soap: {max_radial: 5, max_angular: 4}
  training:
    num_epochs: 30
    log_interval: 1
training_set:
  systems: {read_from: cu_emt_stress.xyz, length_unit: angstrom}
  targets:
    energy: {key: energy, unit: eV}
validation_set: 0.2
YAML
case_dir=$work
(cd "$work" && timeout 300 "$MTT" train options.yaml >out 2>err); c=$?
run=$(ls -d "$work"/outputs/*/* 2>/dev/null | head -n 1)
log="$run/train.log"
if [ $c -eq 0 ] && grep -q "training set: forces found, stress found" "$log" 2>/dev/null; then
    ok "periodic data: forces and stress found, training finishes"
else
    not_ok "periodic data with stress" "exit $c"
fi
# column 6 of train.csv: training stress RMSE (meV/A^3); row 3 = epoch 0
first_of() { awk -F, 'NR == 3 { print $6 }' "$1"; }
last_of() { awk -F, 'END { print $6 }' "$1"; }
runs=""
for w in 0 100; do
    mkdir -p "$work/w$w"
    cp "$work/options.yaml" "$work/cu_emt_stress.xyz" "$work/w$w/"
    (cd "$work/w$w" && timeout 300 "$MTT" train options.yaml \
        -r architecture.training.loss.energy.stress.weight=$w >out 2>err)
    runs="$runs $(ls -d "$work/w$w"/outputs/*/* 2>/dev/null | head -n 1)/train.csv"
done
set -- $runs
csv0=$1 csv100=$2
hdr=$(sed -n 1p "$csv100" 2>/dev/null | cut -d, -f6)
f100=$(first_of "$csv100" 2>/dev/null); l100=$(last_of "$csv100" 2>/dev/null); l0=$(last_of "$csv0" 2>/dev/null)
if [ "$hdr" = "training stress RMSE" ] \
   && awk -v a="$f100" -v b="$l100" -v z="$l0" 'BEGIN { exit !(a > 0 && b > 0 && b < 0.7 * a && b < 0.5 * z) }'; then
    ok "stress loss trains: RMSE $f100 -> $l100 meV/A^3 (weight 100) vs $l0 (weight 0)"
else
    not_ok "stress loss trains" "weight 100: $f100 -> $l100; weight 0: $l0"
fi
if grep -q "validation set (12 structures):.*stress RMSE: [0-9.]* meV/A^3 | stress MAE" "$log" 2>/dev/null; then
    ok "final evaluation reports stress RMSE and MAE"
else
    not_ok "final evaluation reports stress RMSE and MAE"
fi
tap_done
