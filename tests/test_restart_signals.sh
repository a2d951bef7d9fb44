#!/bin/sh
# test_restart_signals.sh — stopping early (TAP): SIGTERM, a second SIGINT,
# --time-limit and SLURM_JOB_END_TIME give exit 75 with a checkpoint and one
# line saying how to continue; the continued run finishes.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init restart-signals

if ! have_h5py; then
    ok "# SKIP restart tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi

# ---- SIGTERM ----------------------------------------------------------------
restart_case term 20
export MTT_TEST_STEP_DELAY_MS=50
start_train 1
sleep 1.5
for p in $(case_pids); do kill -TERM "$p"; done
wait $train_pid; c=$?
if [ "$c" -eq 75 ] && grep -q "Stopped on SIGTERM with a checkpoint in outputs/.*/model_[0-9]*_[0-9]*.ckpt; continue with: mtt train options.yaml --restart auto" "$case_dir/out"; then
    ok "SIGTERM: stops after the step, checkpoint, exit 75, one line saying how to continue"
else
    not_ok "SIGTERM" "exit $c" "$(tail -2 "$case_dir/out")"
fi

# ---- a second SIGINT stops at once ---------------------------------------------
restart_case int 20
export MTT_TEST_STEP_DELAY_MS=400
start_train 1
sleep 1.5
for p in $(case_pids); do kill -INT "$p"; done
sleep 0.05
for p in $(case_pids); do kill -INT "$p"; done
wait $train_pid; c=$?
if [ "$c" -ne 75 ] && [ "$c" -ne 0 ] && ! grep -q "Stopped on" "$case_dir/out"; then
    ok "a second SIGINT ends the run at once (exit $c, no checkpoint wait)"
else
    not_ok "second SIGINT" "exit $c"
fi

# ---- --time-limit ---------------------------------------------------------------
restart_case limit 20
export MTT_TEST_STEP_DELAY_MS=50
train 1 --time-limit 00:00:04; c=$?
ck=$(ls "$case_dir"/outputs/*/*/model_*_*.ckpt 2>/dev/null | tail -1)
if [ "$c" -eq 75 ] && [ -n "$ck" ] && grep -q "Stopped before the time limit" "$case_dir/out"; then
    ok "--time-limit 00:00:04: stops in time with a checkpoint, exit 75"
else
    not_ok "--time-limit" "exit $c" "$(tail -2 "$case_dir/out")"
fi
unset MTT_TEST_STEP_DELAY_MS
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "Continuing from .*$(basename "$ck")" "$case_dir/out"; then
    ok "... and --restart auto finishes it"
else
    not_ok "continue after --time-limit" "exit $c"
fi

# ---- SLURM_JOB_END_TIME ---------------------------------------------------------
restart_case slurm 20
export MTT_TEST_STEP_DELAY_MS=50
export SLURM_JOB_END_TIME=$(( $(date +%s) + 5 )); train 1; c=$?; unset SLURM_JOB_END_TIME
unset MTT_TEST_STEP_DELAY_MS
if [ "$c" -eq 75 ] && grep -q "Stopped before the time limit" "$case_dir/out"; then
    ok "SLURM_JOB_END_TIME gives the budget: exit 75 with a checkpoint"
else
    not_ok "SLURM_JOB_END_TIME" "exit $c"
fi

# ---- bad --time-limit -------------------------------------------------------------
restart_case badlimit 2
for v in 0 abc 1:99 1:2:3:4; do
    train 1 --time-limit "$v"; c=$?
    if [ "$c" -eq 2 ] && grep -q -- "--time-limit $v: expected seconds" "$case_dir/err" &&
       [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] && [ ! -d "$case_dir/outputs" ]; then
        ok "--time-limit $v: one line, exit 2, nothing written"
    else
        not_ok "--time-limit $v" "exit $c"
    fi
done
tap_done
