#!/bin/sh
# test_restart_exact.sh — exact resume (TAP).
#
# With 1 rank and (MPI build) 2 ranks: an uninterrupted 6-epoch run, a run
# continued with --restart PATH from the checkpoint written after 3 epochs,
# and a run stopped by SIGUSR1 in the middle of an epoch then continued with
# --restart auto all end with identical final and best parameters, optimiser
# state (every dataset of model.ckpt compared bit for bit) and train.csv.
# Then: num_epochs is the total; a different rank count continues without a
# jump in the validation error; changed options are logged, a changed model
# hyperparameter is refused.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init restart-exact

if ! have_h5py; then
    ok "# SKIP restart tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi

# final_csv: train.csv of the newest run folder
final_csv() { echo "$(last_run)/train.csv"; }

exact_resume() {  # RANKS
    r=$1
    restart_case "full$r"; full=$case_dir
    train "$r"; c=$?
    if [ "$c" -ne 0 ] || [ ! -f "$full/model.ckpt" ]; then
        not_ok "$r rank(s): uninterrupted run" "exit $c"; return
    fi
    ok "$r rank(s): uninterrupted 6-epoch run writes model.ckpt and model_0..5.ckpt"
    ref_run=$(ls -d "$full"/outputs/*/*)

    # --restart PATH from the checkpoint after 3 epochs (epochs 0, 1, 2)
    restart_case "path$r"
    cp "$ref_run/model_2.ckpt" "$case_dir/after3.ckpt"
    train "$r" --restart after3.ckpt; c=$?
    if [ "$c" -eq 0 ] && same_state "$full/model.ckpt" "$case_dir/model.ckpt" >"$work/diff" 2>&1 &&
       cmp -s "$ref_run/train.csv" "$(final_csv)"; then
        ok "$r rank(s): 3 epochs + --restart PATH: identical model.ckpt datasets and train.csv"
    else
        not_ok "$r rank(s): 3 epochs + --restart PATH" "exit $c" "$(head -3 "$work/diff" 2>/dev/null)"
    fi
    if grep -q "Restarting from checkpoint after3.ckpt" "$(last_run)/train.log" &&
       grep -q "Continuing from after3.ckpt at epoch 3, step 0" "$(last_run)/train.log"; then
        ok "$r rank(s): the new run folder's log names the checkpoint and the position"
    else
        not_ok "$r rank(s): log names the checkpoint"
    fi

    # SIGUSR1 in the middle of an epoch, then --restart auto
    restart_case "sig$r"
    stopped=0
    for delay in 0.9 1.3 1.7; do
        rm -rf "$case_dir/outputs" "$case_dir/model.ckpt"
        export MTT_TEST_STEP_DELAY_MS=40; start_train "$r"; unset MTT_TEST_STEP_DELAY_MS
        sleep "$delay"
        # the signal goes to the last rank only: the stop flag must reach the others
        target=$(case_pids | tail -1)
        [ -n "$target" ] && kill -USR1 "$target"
        wait $train_pid; c=$?
        ck=$(ls "$case_dir"/outputs/*/*/model_*_*.ckpt 2>/dev/null | head -1)
        if [ "$c" -eq 75 ] && [ -n "$ck" ]; then stopped=1; break; fi
    done
    if [ "$stopped" -eq 1 ] && grep -q "Stopped on SIGUSR1" "$case_dir/out" &&
       grep -q -- "--restart auto" "$case_dir/out"; then
        ok "$r rank(s): SIGUSR1 mid-epoch: exit 75, $(basename "$ck"), one line saying how to continue"
    else
        not_ok "$r rank(s): SIGUSR1 mid-epoch" "exit $c, checkpoint '$ck'"
    fi
    train "$r" --restart auto; c=$?
    if [ "$c" -eq 0 ] && same_state "$full/model.ckpt" "$case_dir/model.ckpt" >"$work/diff" 2>&1 &&
       cmp -s "$ref_run/train.csv" "$(final_csv)"; then
        ok "$r rank(s): stopped mid-epoch + --restart auto: identical model.ckpt datasets and train.csv"
    else
        not_ok "$r rank(s): SIGUSR1 + --restart auto" "exit $c" "$(head -3 "$work/diff" 2>/dev/null)"
    fi
}

exact_resume 1
if have_mpi; then exact_resume 2; else ok "# SKIP 2-rank exact resume: no MPI in this build"; fi

# ---- num_epochs is the total ------------------------------------------------
restart_case total 3
train 1
sed -i 's/num_epochs: 3/num_epochs: 5/' "$case_dir/options.yaml"
train 1 --restart model.ckpt; c=$?
rows=$(tail -n +3 "$(final_csv)" | cut -d, -f1 | tr '\n' ' ')
if [ "$c" -eq 0 ] && [ "$rows" = "0 1 2 3 4 " ] &&
   grep -q "architecture.training.num_epochs: 3 -> 5" "$case_dir/out"; then
    ok "num_epochs is the total: 3 done + num_epochs 5 trains epochs 3 and 4; the change is logged"
else
    not_ok "num_epochs is the total" "exit $c, epochs '$rows'"
fi
train 1 --restart model.ckpt; c=$?
if [ "$c" -eq 0 ] && grep -q "already finished" "$case_dir/out"; then
    ok "restart of a finished training: says so, exit 0"
else
    not_ok "finished training" "exit $c"
fi

# ---- changed model hyperparameter -------------------------------------------
sed -i 's/num_neurons_per_layer: 8/num_neurons_per_layer: 9/' "$case_dir/options.yaml"
before=$(ls -d "$case_dir"/outputs/*/* | wc -l)
train 1 --restart model.ckpt; c=$?
after=$(ls -d "$case_dir"/outputs/*/* | wc -l)
if [ "$c" -eq 2 ] && grep -q "num_neurons_per_layer" "$case_dir/err" &&
   grep -q "finetune" "$case_dir/err" && [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] &&
   [ "$before" -eq "$after" ]; then
    ok "changed model hyperparameter on restart: one line naming it and how to fine-tune, exit 2"
else
    not_ok "changed model hyperparameter" "exit $c, runs $before -> $after"
fi

# ---- changed data file --------------------------------------------------------
sed -i 's/num_neurons_per_layer: 9/num_neurons_per_layer: 8/' "$case_dir/options.yaml"
cp "$case_dir/data.xyz" "$case_dir/other.xyz"
sed -i 's/read_from: data.xyz/read_from: other.xyz/' "$case_dir/options.yaml"
before=$(ls -d "$case_dir"/outputs/*/* | wc -l)
train 1 --restart model.ckpt; c=$?
after=$(ls -d "$case_dir"/outputs/*/* | wc -l)
if [ "$c" -eq 2 ] && grep -q "training_set.systems.read_from changed from 'data.xyz' to 'other.xyz'" "$case_dir/err" &&
   grep -q "fine-tune instead" "$case_dir/err" && [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] &&
   [ "$before" -eq "$after" ]; then
    ok "changed data file on restart: one line naming it and how to fine-tune, exit 2"
else
    not_ok "changed data file" "exit $c, runs $before -> $after"
fi

# ---- other rank counts: 2 -> 1 and 1 -> 3 ---------------------------------
# validation forces RMSE of epoch E in a train.csv
val_force() {
    awk -F, -v e="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "validation forces RMSE") k = i }
                      NR > 2 && $1 == e { print $k }' "$1"
}
rank_change() {  # FROM TO
    restart_case "ranks$1to$2"
    train "$1"
    ref=$(last_run)
    cp "$ref/model_2.ckpt" "$case_dir/after3.ckpt"
    rm -f "$case_dir/model.ckpt"
    train "$2" --restart after3.ckpt; c=$?
    a=$(val_force "$ref/train.csv" 3); b=$(val_force "$(final_csv)" 3)
    jump=$(awk -v a="$a" -v b="$b" 'BEGIN { d = (b - a) / a; if (d < 0) d = -d; print (d <= 0.05) ? "ok" : d }')
    if [ "$c" -eq 0 ] && [ -f "$case_dir/model.ckpt" ] && [ "$jump" = ok ] &&
       grep -q "now $2 rank" "$case_dir/out"; then
        ok "$1 -> $2 ranks: continues, re-shard logged, validation forces RMSE at epoch 3 $b vs $a (<= 5%)"
    else
        not_ok "$1 -> $2 ranks" "exit $c, epoch-3 validation forces RMSE $b vs $a ($jump)"
    fi
}
if have_mpi; then
    rank_change 2 1
    rank_change 1 3
else
    ok "# SKIP rank-count changes: no MPI in this build"
fi
tap_done
