#!/bin/sh
# test_finetune.sh — architecture.training.finetune (TAP).
#
# A model trained on ethanol, fine-tuned for K epochs on the same structures
# labelled differently (energies and forces scaled by 1.1, a per-atom shift),
# reaches a lower validation error than K epochs from scratch; bad
# fine-tuning inputs (a missing checkpoint, atomic types the model lacks, a
# model option or atomic types set to other values than the checkpoint's)
# give one clear line.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init finetune
relabel="$top_srcdir/tests/restart/relabel.py"

if ! have_h5py; then
    ok "# SKIP fine-tuning tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi
val_force_last() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "validation forces RMSE") k = i }
             NR > 2 { v = $k } END { print v }' "$1"
}

restart_case base 30
train 1; c=$?
[ "$c" -eq 0 ] && ok "base model trained (30 epochs)" || not_ok "base model" "exit $c"
base=$case_dir/model.ckpt

K=4
restart_case scratch $K
"$PYTHON3" "$relabel" "$ethanol" "$case_dir/data.xyz" 1.1 0.25
train 1; c=$?
scratch=$(val_force_last "$(last_run)/train.csv")

restart_case tuned $K
"$PYTHON3" "$relabel" "$ethanol" "$case_dir/data.xyz" 1.1 0.25
cp "$base" "$case_dir/base.ckpt"
sed -i 's/    learning_rate: 0.01/    learning_rate: 0.01\n    finetune:\n      method: full\n      read_from: base.ckpt/' "$case_dir/options.yaml"
train 1; c2=$?
tuned=$(val_force_last "$(last_run)/train.csv")
better=$(awk -v a="$tuned" -v b="$scratch" 'BEGIN { print (a < b) ? "yes" : "no" }')
if [ "$c" -eq 0 ] && [ "$c2" -eq 0 ] && [ "$better" = yes ] &&
   grep -q "Fine-tuning (method full) from base.ckpt" "$case_dir/out" &&
   grep -q "fitted again on the new training set" "$case_dir/out"; then
    ok "fine-tuned $K epochs: validation forces RMSE $tuned < $scratch from scratch; the log says what happens to baseline and scale"
else
    not_ok "fine-tuning beats scratch" "exit $c/$c2, tuned $tuned vs scratch $scratch"
fi
# a job chain may restart a fine-tuning with the same command
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "already finished" "$case_dir/out"; then
    ok "--restart auto on a finished fine-tuning with finetune in the options: exit 0"
else
    not_ok "restart of a fine-tuning" "exit $c" "$(tail -2 "$case_dir/err")"
fi

# ---- bad input ------------------------------------------------------------
restart_case missing 2
sed -i 's/    learning_rate: 0.01/    learning_rate: 0.01\n    finetune:\n      method: full\n      read_from: nothere.ckpt/' "$case_dir/options.yaml"
train 1; c=$?
if [ "$c" -eq 2 ] && grep -q "finetune.read_from: nothere.ckpt does not exist" "$case_dir/err" &&
   [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] && [ ! -d "$case_dir/outputs" ]; then
    ok "finetune.read_from missing: one line, exit 2, nothing written"
else
    not_ok "finetune.read_from missing" "exit $c"
fi
restart_case types 2
cp "$top_srcdir/tests/data/xyz/qm9_reduced_100.xyz" "$case_dir/data.xyz"
cp "$base" "$case_dir/base.ckpt"
sed -i 's/      key: energy/      key: U0\n      forces: off/' "$case_dir/options.yaml"
sed -i 's/    learning_rate: 0.01/    learning_rate: 0.01\n    finetune:\n      read_from: base.ckpt/' "$case_dir/options.yaml"
train 1; c=$?
if [ "$c" -eq 1 ] && grep -q "is unknown to the model fine-tuned from base.ckpt" "$case_dir/err" &&
   [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] && [ ! -d "$case_dir/outputs" ]; then
    ok "fine-tuning data with atomic types the model lacks: one line naming the type, nothing written"
else
    not_ok "unknown atomic types" "exit $c" "$(grep ERROR "$case_dir/err")"
fi
# a model option or atomic types the user set to other values than the
# checkpoint's would be silently replaced by the checkpoint's: refused
tune_from_base() {  # CASE SED-EXPRESSION
    restart_case "$1" 2
    cp "$base" "$case_dir/base.ckpt"
    sed -i "$2" "$case_dir/options.yaml"
    sed -i 's/    learning_rate: 0.01/    learning_rate: 0.01\n    finetune:\n      read_from: base.ckpt/' "$case_dir/options.yaml"
    train 1
}
tune_from_base radial 's/max_radial: 3/max_radial: 4/'; c=$?
if [ "$c" -eq 2 ] && grep -q "options.yaml: architecture.model.soap.max_radial is 4 but base.ckpt was trained with 3; fine-tuning keeps" "$case_dir/err" &&
   [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] && [ ! -d "$case_dir/outputs" ]; then
    ok "fine-tuning with another max_radial than the checkpoint's: one line naming the key and both values, nothing written"
else
    not_ok "fine-tuning with another max_radial" "exit $c" "$(grep ERROR "$case_dir/err")"
fi
tune_from_base types2 's/  name: soap_bpnn/  name: soap_bpnn\n  atomic_types: [1, 6, 7, 8]/'; c=$?
if [ "$c" -eq 2 ] && grep -q "options.yaml: architecture.atomic_types differs from the 3 types base.ckpt was trained with" "$case_dir/err" &&
   [ ! -d "$case_dir/outputs" ]; then
    ok "fine-tuning with other atomic_types than the checkpoint's: refused"
else
    not_ok "fine-tuning with other atomic_types" "exit $c" "$(grep ERROR "$case_dir/err")"
fi
tune_from_base same 's/  name: soap_bpnn/  name: soap_bpnn\n  atomic_types: [8, 1, 6]/'; c=$?
if [ "$c" -eq 0 ] && grep -q "Fine-tuning (method full) from base.ckpt" "$case_dir/out"; then
    ok "fine-tuning with the checkpoint's own model options and atomic types (in another order) runs"
else
    not_ok "fine-tuning with the same options" "exit $c" "$(grep ERROR "$case_dir/err")"
fi
# base_precision is the options', not the checkpoint's: a 64-bit model
# fine-tuned at 32 (its weights rounded to float)
tune_from_base f32 's/^seed: 7/seed: 7\nbase_precision: 32/'; c=$?
if [ "$c" -eq 0 ] && grep -q "trained at base_precision 64, this run trains at 32" "$case_dir/out" &&
   grep -q "^base_precision: 32" "$(last_run)/options_restart.yaml"; then
    ok "fine-tuning a 64-bit checkpoint with base_precision: 32 trains at 32"
else
    not_ok "fine-tuning at 32" "exit $c" "$(grep -E 'ERROR|precision' "$case_dir/out" "$case_dir/err" | head -3)"
fi
tap_done
