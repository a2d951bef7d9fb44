#!/bin/sh
# test_train_ethanol.sh — the ethanol example (examples/ethanol/options.yaml,
# 90/10 split) trains to a useful accuracy, writes train.csv, and does so
# reproducibly (TAP).
#
# Accuracy bounds, read from the log's ratio lines:
#   validation forces RMSE <= 0.15 x std of the training force components
#   validation energy RMSE (per atom) <= 0.25 x std of the training per-atom energy
# Time is not checked here (see bench/train/ethanol.sh).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init train-ethanol
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

# run_example DIR [mtt args]: copy the example into DIR and train there
run_example() {
    dir=$1; shift
    mkdir -p "$dir"
    cp "$top_srcdir/examples/ethanol/options.yaml" "$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz" "$dir/"
    (cd "$dir" && timeout 600 "$MTT" train options.yaml "$@" >out 2>err)
    echo $? > "$dir/rc"
}
run_of() { ls -d "$1"/outputs/*/* 2>/dev/null | head -n 1; }
# ratio LOG TEXT: the number after "= " on the ratio line containing TEXT
ratio() { grep "Ratio: $2" "$1" | sed 's/.*= \([0-9.eE+-]*\).*/\1/' | head -n 1; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
# log without what legitimately changes between runs: timestamps, run folder, wall times
# (training, checkpoint writes, phases)
normalise() {
    sed -e 's/^\[[^]]*\]//' -e 's|outputs/[0-9-]*/[0-9.-]*|outputs/RUN|g' \
        -e 's/^\(\[INFO\] - Training time:\).*/\1 T/' \
        -e 's/ in [0-9.]* s)$/ in T s)/' -e '/Time by phase/d' -e '/Time inside/d' "$1"
}

run_example "$work/a"
run=$(run_of "$work/a")
if [ "$(cat "$work/a/rc")" -eq 0 ] && [ -n "$run" ] && [ -f "$run/train.log" ] && [ -f "$run/train.csv" ]; then
    ok "example trains: exit 0, train.log and train.csv"
else
    not_ok "example trains" "exit $(cat "$work/a/rc")"; sed 's/^/#   /' "$work/a/err" | head -5
fi
log="$run/train.log"
fr=$(ratio "$log" "validation forces RMSE / std")
er=$(ratio "$log" "validation energy RMSE (per atom) / std")
br=$(ratio "$log" "validation energy RMSE (per atom) / composition")
echo "# validation forces RMSE / std(F) = $fr, energy RMSE/atom / std(E/N) = $er, / baseline = $br"
if le "$fr" 0.15; then ok "validation forces RMSE <= 0.15 std of force components ($fr)"
else not_ok "validation forces RMSE <= 0.15 std of force components" "ratio '$fr'"; fi
if le "$er" 0.25; then ok "validation energy RMSE/atom <= 0.25 std of per-atom energy ($er)"
else not_ok "validation energy RMSE/atom <= 0.25 std of per-atom energy" "ratio '$er'"; fi
if le "$br" 0.999; then ok "the model beats the composition baseline ($br)"
else not_ok "the model beats the composition baseline" "ratio '$br'"; fi
check "baseline, scale and cache are logged" \
    sh -c "grep -q 'Composition baseline (energy per atom' '$log' && grep -q 'Energy scale: ' '$log' \
           && grep -q 'Composition baseline alone: validation energy RMSE' '$log' \
           && grep -q 'Descriptor cache (training set): 90 of 90 structures cached' '$log'"
# the descriptor path: factored pair gradients for every molecule (no dense
# Jacobians), with the other forms' sizes (311 vs 1176 values per pair at
# max_radial 7, max_angular 6)
path_line=$(grep -h 'Descriptor path (training set): position derivatives as factored pair gradients' "$log" | head -n 1)
fac_mib=$(printf '%s\n' "$path_line" | sed -n 's/.*factored pair gradients, \([0-9.]*\) MiB.*/\1/p')
exp_mib=$(printf '%s\n' "$path_line" | sed -n 's/.*expanded pair gradients \([0-9.]*\) MiB.*/\1/p')
n_dense=$(printf '%s\n' "$path_line" | grep -c 'dense Jacobians for')
check "the descriptor path is logged with why ($fac_mib MiB factored vs $exp_mib MiB expanded, no dense)" \
    awk -v f="$fac_mib" -v e="$exp_mib" -v d="$n_dense" \
        'BEGIN { exit !(f > 0 && f * 3.5 < e && f * 3.9 > e && d == 0) }'
check "final evaluation of the best model on training and validation sets" \
    sh -c "grep -q 'training set (90 structures): energy RMSE (per atom)' '$log' \
           && grep -q 'validation set (10 structures): energy RMSE (per atom).*forces MAE' '$log'"

# epoch lines: epochs 0, 5, ..., 45 and the last (49), metatrain style
lines=$(grep -c 'Epoch: ' "$log")
check "an epoch line every log_interval epochs plus the last ($lines)" [ "$lines" -eq 11 ]
check "epoch line format" \
    grep -qE '^\[[^]]*\]\[INFO\] - Epoch:   49 \| learning rate: [0-9.]+e[-+][0-9]+ \| training loss: [0-9.]+e[-+][0-9]+ \| training energy RMSE \(per atom\): +[0-9.]+ kcal/mol \| training forces RMSE: +[0-9.]+ kcal/mol/A \| validation energy RMSE \(per atom\)' "$log"
csv="$run/train.csv"
check "train.csv header" [ "$(sed -n 1p "$csv")" = "Epoch,learning rate,training loss,training energy RMSE (per atom),training forces RMSE,validation energy RMSE (per atom),validation forces RMSE" ]
check "train.csv unit row" [ "$(sed -n 2p "$csv")" = ",,,kcal/mol,kcal/mol/A,kcal/mol,kcal/mol/A" ]
check "train.csv: one row per logged epoch, last epoch 49" \
    sh -c "[ \$(wc -l < '$csv') -eq 13 ] && tail -n 1 '$csv' | grep -q '^49,'"
loss0=$(sed -n 3p "$csv" | cut -d, -f3); loss49=$(tail -n 1 "$csv" | cut -d, -f3)
check "training loss decreases ($loss0 -> $loss49)" awk -v a="$loss0" -v b="$loss49" 'BEGIN { exit !(b < a / 10) }'

# reproducibility: a second run in a fresh folder
run_example "$work/b"
run2=$(run_of "$work/b")
if [ -n "$run2" ] && cmp -s "$csv" "$run2/train.csv"; then ok "same run twice: train.csv bitwise identical"
else not_ok "same run twice: train.csv bitwise identical"; fi
normalise "$log" > "$work/log1"; normalise "$run2/train.log" > "$work/log2"
if [ -n "$run2" ] && cmp -s "$work/log1" "$work/log2"; then
    ok "same run twice: train.log identical apart from timestamps"
else
    not_ok "same run twice: train.log identical apart from timestamps"
    diff "$work/log1" "$work/log2" | head -5 | sed 's/^/#   /'
fi

# the descriptor cache budget changes nothing but speed
run_example "$work/c" -r architecture.training.num_epochs=3
run_example "$work/d" -r architecture.training.num_epochs=3 -r architecture.training.descriptor_cache_mb=2
rc=$(run_of "$work/c"); rd=$(run_of "$work/d")
if [ -n "$rc" ] && [ -n "$rd" ] && grep -q 'Descriptor cache (training set): [0-9] of 90 structures cached' "$rd/train.log" \
   && cmp -s "$rc/train.csv" "$rd/train.csv"; then
    ok "a 2 MiB descriptor cache (most structures recomputed) gives a bitwise identical train.csv"
else
    not_ok "small descriptor cache gives the same train.csv"
    grep 'Descriptor cache' "$rd/train.log" 2>/dev/null | sed 's/^/#   /'
fi

tap_done
