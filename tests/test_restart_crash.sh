#!/bin/sh
# test_restart_crash.sh — crash safety (TAP).
#
# A training is SIGKILLed at random moments 20 times — writes included: a
# test-only pause (MTT_TEST_CKPT_RENAME_DELAY_MS) holds each checkpoint
# between its fsync and its rename, and checkpoint_every_minutes adds
# mid-epoch writes — and restarted with `--restart auto` after every kill.
# The chain must end with a finished training whose model.ckpt equals the
# uninterrupted run's, dataset for dataset, and no `.tmp` file may be
# picked up (nor left outside the folder being written).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init restart-crash

if ! have_h5py; then
    ok "# SKIP restart tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi
epochs=80
restart_case reference $epochs
sed -i 's/    checkpoint_interval: 1/    checkpoint_interval: 1\n    checkpoint_every_minutes: 0.004/' "$case_dir/options.yaml"
ref=$case_dir
train 1; c=$?
[ "$c" -eq 0 ] && ok "uninterrupted reference run" || not_ok "reference run" "exit $c"

restart_case chain $epochs
cp "$ref/options.yaml" "$case_dir/options.yaml"
export MTT_TEST_STEP_DELAY_MS=25 MTT_TEST_CKPT_RENAME_DELAY_MS=60
kills=0
seed=12345
i=0
# until 20 runs were killed while running (a run that had not started its
# training or had already finished does not count), at most 40 starts
while [ $kills -lt 20 ] && [ $i -lt 40 ]; do
    i=$((i + 1))
    start_train 1 --restart auto
    # pseudo-random 0.25 .. 1.5 s, reproducible
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    ms=$(( 250 + seed % 1250 ))
    sleep "$(awk -v m=$ms 'BEGIN { printf "%.3f", m / 1000 }')"
    for p in $(case_pids); do kill -KILL "$p" 2>/dev/null && kills=$((kills + 1)); done
    wait $train_pid 2>/dev/null
done
unset MTT_TEST_STEP_DELAY_MS MTT_TEST_CKPT_RENAME_DELAY_MS
ckpts=$(ls "$case_dir"/outputs/*/*/*.ckpt 2>/dev/null | wc -l)
tmps=$(ls "$case_dir"/outputs/*/*/*.tmp 2>/dev/null | wc -l)
if [ "$kills" -ge 20 ]; then
    ok "$kills runs killed with SIGKILL in $i starts ($ckpts checkpoints, $tmps .tmp files left by kills during writes)"
else
    not_ok "20 kills" "only $kills runs were still alive to be killed: make the training longer"
fi

train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && same_state "$ref/model.ckpt" "$case_dir/model.ckpt" >"$work/diff" 2>&1; then
    ok "the chain ends with a finished training identical to the uninterrupted run"
else
    not_ok "chain result" "exit $c" "$(head -3 "$work/diff")"
fi
if grep -q "\.tmp" "$case_dir/out"; then
    not_ok "a .tmp file was considered" "$(grep '\.tmp' "$case_dir/out" | head -2)"
else
    ok "no .tmp file was ever considered as a checkpoint"
fi
tap_done
