#!/bin/sh
# test_train_errors.sh — what goes wrong during training is reported in one
# clear line (TAP):
#   - two atoms closer than 0.1 A: a warning naming file and frame, training goes on;
#   - a non-finite loss (a force of 1e300 in the data): one ERROR naming epoch
#     and step, exit 1;  (a huge learning rate cannot do it: the options cap it
#     at 100, and Adam's bounded steps keep the loss finite at that rate)
#   - an atomic type in the validation set that the training set lacks: one
#     ERROR naming the element, exit 1, no run folder;
#   - base_precision: 48 (neither 32 nor 64): one options ERROR, exit 2, no run folder.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
ethanol="$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz"
tap_init train-errors

new_case() {
    case_dir="$work/$1"
    mkdir -p "$case_dir"
    cp "$ethanol" "$case_dir/data.xyz"
    cat > "$case_dir/options.yaml" <<YAML
seed: 42
architecture:
  name: soap_bpnn
  model:
    soap:
      max_radial: 4
      max_angular: 3
  training:
    batch_size: 8
    num_epochs: 2
training_set:
  systems:
    read_from: data.xyz
  targets:
    energy:
      key: energy
validation_set: 0.1
test_set: 0.1
YAML
}
run() { (cd "$case_dir" && timeout 300 "$MTT" train options.yaml "$@" >out 2>err); code=$?; }
nerr() { grep -c ERROR "$case_dir/err"; }

# frame 5: its second atom moved to 0.05 A from its first (lines 58, 59)
new_case close
awk 'NR==58{x=$2;y=$3;z=$4} NR==59{$2=sprintf("%.8f",x+0.05);$3=y;$4=z} {print}' "$ethanol" > "$case_dir/data.xyz"
run
if [ $code -eq 0 ] && [ "$(grep -c 'closer than 0.1 A' "$case_dir/err")" -eq 1 ] \
   && grep -q 'WARNING.*data.xyz: frame 5 .*0.05 A apart' "$case_dir/err"; then
    ok "atoms 0.05 A apart: one warning naming file and frame 5, training completes"
else
    not_ok "close atoms warning" "exit $code"
fi

# a force component of 1e300 in frame 0: its squared residual overflows
new_case nonfinite
sed -i '3s/ [^ ]* *$/ 1e300/' "$case_dir/data.xyz"
run
if [ $code -eq 1 ] && [ "$(nerr)" -eq 1 ] && grep -q 'ERROR.*training loss became inf at epoch 0, step [0-9]* of' "$case_dir/err"; then
    ok "non-finite loss: one error naming epoch and step, exit 1"
else
    not_ok "non-finite loss" "exit $code, $(nerr) ERROR lines"
fi
if [ ! -d "$case_dir/outputs" ] && [ ! -e "$case_dir/model.pt" ] && [ ! -e "$case_dir/model.ckpt" ]; then
    ok "non-finite loss before any checkpoint: the run removed its folder, no model written"
else
    not_ok "non-finite loss: run folder removed and no model" "$(ls -R "$case_dir/outputs" 2>/dev/null | head -3)"
fi

# nitrogen only in the validation file
new_case absent_type
head -n 110 "$ethanol" | sed '3s/^O /N /; 14s/^O /N /; 25s/^O /N /' > "$case_dir/val.xyz"
grep -q '^N ' "$case_dir/val.xyz" || sed -i '3s/^[A-Z][a-z]* /N /' "$case_dir/val.xyz"
cat >> "$case_dir/options.yaml" <<'YAML'
validation_set:
  systems:
    read_from: val.xyz
  targets:
    energy:
      key: energy
YAML
sed -i '/^validation_set: 0.1$/d' "$case_dir/options.yaml"
run
if [ $code -eq 1 ] && [ "$(nerr)" -eq 1 ] && grep -q 'ERROR.*val.xyz.*validation set contains atomic type 7 (N)' "$case_dir/err" \
   && [ ! -d "$case_dir/outputs" ]; then
    ok "atomic type absent from the training set: one error naming N, exit 1, no run folder"
else
    not_ok "atomic type absent from the training set" "exit $code, $(nerr) ERROR lines"
fi

new_case precision
run -r base_precision=48
if [ $code -eq 2 ] && [ "$(nerr)" -eq 1 ] && grep -q "ERROR.*base_precision=48.*allowed: 32|64" "$case_dir/err" \
   && [ ! -d "$case_dir/outputs" ]; then
    ok "base_precision 48: one options error naming 32|64, exit 2, no run folder"
else
    not_ok "base_precision 48" "exit $code"
fi

tap_done
