#!/bin/sh
# test_restart_auto.sh — `--restart auto` picks by recorded progress (TAP).
#
# Real checkpoints of one 6-epoch run are copied into run folders with
# misleading names and modification times; corrupt ones (truncated, a
# flipped byte) are skipped with a warning naming them; files that are not
# candidates are ignored; a finished training ends at once with exit 0.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init restart-auto
flip_py="$top_srcdir/tests/restart/flip_byte.py"

if ! have_h5py; then
    ok "# SKIP restart tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi

restart_case source
train 1
src_run=$(last_run)
[ -f "$src_run/model_5.ckpt" ] || { not_ok "source run" "$(tail -3 "$case_dir/err")"; tap_done; exit 1; }

# ---- no outputs/: from scratch ----------------------------------------------
restart_case scratch 1
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "Starting training from scratch" "$case_dir/out"; then
    ok "no outputs/: 'Starting training from scratch', trains"
else
    not_ok "no outputs/" "exit $c"
fi

# ---- progress wins, not file time or folder name ------------------------------
restart_case pick
put() {  # SRC-CKPT RUN-FOLDER [NAME]
    mkdir -p "$case_dir/outputs/$2"
    cp "$src_run/$1" "$case_dir/outputs/$2/${3:-$1}"
}
put model_1.ckpt 2030-01-01/00-00-00          # newest name, little progress
put model_3.ckpt 2020-01-01/00-00-00          # oldest name, most progress
put model_2.ckpt 2025-06-01/12-00-00
put model_5.ckpt 2031-01-01/00-00-00 other.ckpt   # not a candidate name
cp "$src_run/model_5.ckpt" "$case_dir/unrelated.ckpt"  # nor this
touch -d '2020-01-01' "$case_dir/outputs/2020-01-01/00-00-00/model_3.ckpt"
touch "$case_dir/outputs/2030-01-01/00-00-00/model_1.ckpt"
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "2020-01-01/00-00-00/model_3.ckpt has the most progress (epoch 4, step 0)" "$case_dir/out"; then
    ok "greatest recorded progress wins over newer files and names; other .ckpt files ignored"
else
    not_ok "progress wins" "exit $c; $(grep 'restart auto' "$case_dir/out")"
fi

# ---- corrupt newest: truncated, flipped byte ----------------------------------
restart_case corrupt
put model_2.ckpt 2025-01-01/00-00-00
put model_4.ckpt 2025-01-02/00-00-00
size=$(stat -c %s "$case_dir/outputs/2025-01-02/00-00-00/model_4.ckpt")
head -c $((size / 2)) "$src_run/model_4.ckpt" > "$case_dir/outputs/2025-01-02/00-00-00/model_4.ckpt"
put model_3.ckpt 2025-01-03/00-00-00
"$PYTHON3" "$flip_py" "$case_dir/outputs/2025-01-03/00-00-00/model_3.ckpt" >/dev/null
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "Skipping .*2025-01-02/00-00-00/model_4.ckpt" "$case_dir/err" &&
   grep -q "Skipping .*2025-01-03/00-00-00/model_3.ckpt" "$case_dir/err" &&
   grep -q "2025-01-01/00-00-00/model_2.ckpt has the most progress" "$case_dir/out"; then
    ok "truncated and byte-flipped newer checkpoints: skipped with a warning naming each, the previous one used"
else
    not_ok "corrupt candidates" "exit $c" "$(grep -i 'skipping' "$case_dir/err" | head -2)"
fi

# ---- finished: exit 0 at once, final file rewritten ----------------------------
restart_case finished
put model.ckpt 2025-01-01/00-00-00
train 1 --restart auto; c=$?
runs=$(ls -d "$case_dir"/outputs/*/* | wc -l)
if [ "$c" -eq 0 ] && grep -q "already finished" "$case_dir/out" && [ "$runs" -eq 1 ] &&
   ! grep -q "Computing descriptors" "$case_dir/out" && [ -f "$case_dir/model.ckpt" ] &&
   same_state "$src_run/model.ckpt" "$case_dir/model.ckpt" >/dev/null; then
    ok "finished training: says so, exit 0 without reading data or making a run folder, missing ./model.ckpt rewritten"
else
    not_ok "finished training" "exit $c, runs $runs"
fi
rm -rf "$case_dir/outputs"
train 1 --restart auto; c=$?
if [ "$c" -eq 0 ] && grep -q "model.ckpt has the most progress" "$case_dir/out" &&
   grep -q "already finished" "$case_dir/out"; then
    ok "./model.ckpt alone is a candidate too"
else
    not_ok "./model.ckpt candidate" "exit $c"
fi

# ---- bad --restart arguments ---------------------------------------------------
restart_case bad
train 1 --restart missing.ckpt; c=$?
if [ "$c" -eq 2 ] && grep -q "missing.ckpt: no such file" "$case_dir/err" && [ ! -d "$case_dir/outputs" ]; then
    ok "--restart with a file that does not exist: one line, exit 2, nothing written"
else
    not_ok "--restart missing file" "exit $c"
fi
printf 'not a folder\n' > "$case_dir/outputs"
train 1 --restart auto; c=$?
if [ "$c" -eq 1 ] && grep -q "cannot list outputs" "$case_dir/err" && [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ]; then
    ok "--restart auto with an unreadable outputs/: one line naming it"
else
    not_ok "unreadable outputs" "exit $c"
fi
rm -f "$case_dir/outputs"
printf 'hello\n' > "$case_dir/junk.ckpt"
train 1 --restart junk.ckpt; c=$?
if [ "$c" -ne 0 ] && [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] && grep -q "junk.ckpt" "$case_dir/err" &&
   [ ! -d "$case_dir/outputs" ]; then
    ok "--restart with a file that is not a checkpoint: one line naming it, nothing written"
else
    not_ok "--restart non-checkpoint" "exit $c"
fi
tap_done
