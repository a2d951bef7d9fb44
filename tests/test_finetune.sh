#!/bin/sh
# test_finetune.sh — architecture.training.finetune (TAP).
#
# A model trained on ethanol, fine-tuned for K epochs on the same structures
# labelled differently (energies and forces scaled by 1.1, a per-atom shift),
# reaches a lower validation error than K epochs from scratch; bad
# fine-tuning inputs give one clear line.
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
tap_done
