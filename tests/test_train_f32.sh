#!/bin/sh
# test_train_f32.sh — base_precision: 32 end to end (TAP).
#
#   - mtt train with base_precision: 32 runs, logs the precision, and its
#     checkpoint records precision 32;
#   - a 32-bit run continued with --restart from the checkpoint after 3
#     epochs ends with a model.ckpt identical bit for bit to the
#     uninterrupted run's (1 rank, and 2 and 3 ranks in the MPI build);
#   - restarting it at base_precision 64 is refused (a model hyperparameter);
#   - mtt export of the 32-bit checkpoint records precision 32 in the .pt and
#     the export's self-test passes (libmtt evaluates in double);
#   - on the ethanol example, the 32-bit training learns as the 64-bit one:
#     validation energy and force RMSEs after the same 20 epochs within 5 %.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/restart/common.sh"
tap_init train-f32

if ! have_h5py; then
    ok "# SKIP base_precision 32 tests need python3-h5py ($PYTHON3)"
    tap_done; exit 0
fi

precision_of() {
    "$PYTHON3" -c 'import h5py, sys; print(int(h5py.File(sys.argv[1], "r").attrs["precision"]))' "$1"
}

f32_resume() {  # RANKS
    r=$1
    restart_case "full$r"; full=$case_dir
    train "$r" -r base_precision=32; c=$?
    if [ "$c" -eq 0 ] && [ -f "$full/model.ckpt" ] && grep -q "Base precision 32" "$full/out" &&
       [ "$(precision_of "$full/model.ckpt")" = 32 ]; then
        ok "$r rank(s): base_precision 32 trains 6 epochs; log and model.ckpt say precision 32"
    else
        not_ok "$r rank(s): base_precision 32 run" "exit $c" "$(tail -2 "$full/err")"
        return
    fi
    ref_run=$(ls -d "$full"/outputs/*/*)
    restart_case "path$r"
    cp "$ref_run/model_2.ckpt" "$case_dir/after3.ckpt"
    train "$r" -r base_precision=32 --restart after3.ckpt; c=$?
    if [ "$c" -eq 0 ] && same_state "$full/model.ckpt" "$case_dir/model.ckpt" >"$work/diff" 2>&1 &&
       cmp -s "$ref_run/train.csv" "$(last_run)/train.csv"; then
        ok "$r rank(s): base_precision 32, 3 epochs + --restart: identical model.ckpt and train.csv"
    else
        not_ok "$r rank(s): base_precision 32 restart" "exit $c" "$(head -3 "$work/diff" 2>/dev/null)"
    fi
}

f32_resume 1
if have_mpi; then f32_resume 2; else ok "# SKIP 2-rank base_precision 32 resume: no MPI in this build"; fi
# 3 ranks: the float slices come from MPI_Reduce_scatter (2 ranks exchange directly)
if have_mpi; then f32_resume 3; else ok "# SKIP 3-rank base_precision 32 resume: no MPI in this build"; fi

# ---- the precision is a model hyperparameter --------------------------------
restart_case mix 2
train 1 -r base_precision=32
train 1 --restart model.ckpt -r architecture.training.num_epochs=3; c=$?
if [ "$c" -eq 2 ] && grep -q "base_precision" "$case_dir/err" &&
   [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ]; then
    ok "a 32-bit checkpoint restarted at base_precision 64: one line naming base_precision, exit 2"
else
    not_ok "precision change on restart" "exit $c" "$(tail -2 "$case_dir/err")"
fi

# ---- export of a 32-bit checkpoint --------------------------------------------
(cd "$case_dir" && timeout 300 "$MTT" export model.ckpt -o f32.pt >out 2>err); c=$?
if [ "$c" -eq 0 ] && [ -f "$case_dir/f32.pt" ] && [ "$(precision_of "$case_dir/f32.pt")" = 32 ]; then
    ok "mtt export of a 32-bit checkpoint: the .pt records precision 32"
else
    not_ok "export of a 32-bit checkpoint" "exit $c" "$(tail -2 "$case_dir/err")"
fi

# ---- learning on ethanol: 32 vs 64 after the same epochs ---------------------
# column COL of the last row of a train.csv
last_value() {
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == col) k = i }
                         NR > 2 { v = $k } END { print v }' "$1"
}
for p in 64 32; do
    case_dir="$work/ethanol$p"; mkdir -p "$case_dir"
    cp "$top_srcdir/examples/ethanol/options.yaml" "$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz" "$case_dir/"
    (cd "$case_dir" && OPENBLAS_NUM_THREADS=1 timeout 300 "$MTT" train options.yaml -r base_precision=$p \
        -r architecture.training.num_epochs=20 -r architecture.training.checkpoint_interval=100 >out 2>err)
    eval "c$p=\$?"
    eval "e$p=\$(last_value \"\$(last_run)/train.csv\" 'validation energy RMSE (per atom)')"
    eval "f$p=\$(last_value \"\$(last_run)/train.csv\" 'validation forces RMSE')"
done
verdict=$(awk -v e64="$e64" -v e32="$e32" -v f64="$f64" -v f32="$f32" 'BEGIN {
    de = (e32 - e64) / e64; df = (f32 - f64) / f64; if (de < 0) de = -de; if (df < 0) df = -df
    printf "%s energy %.4g vs %.4g (%.2g%%), forces %.4g vs %.4g (%.2g%%)",
           (de <= 0.05 && df <= 0.05) ? "ok" : "off", e32, e64, 100 * de, f32, f64, 100 * df }')
if [ "$c64" -eq 0 ] && [ "$c32" -eq 0 ] && [ "${verdict%% *}" = ok ]; then
    ok "ethanol, 20 epochs: validation RMSEs at 32 vs 64 within 5%:${verdict#ok}"
else
    not_ok "ethanol, 20 epochs, 32 vs 64" "exit $c32/$c64, $verdict"
fi
tap_done
