#!/bin/sh
# test_train_dense.sh — small cells train through dense Jacobians (TAP).
#
# tests/data/xyz/cu_emt_stress.xyz holds EMT copper cells of 12 and 32 atoms.
# At the default SOAP hyperparameters (cutoff 5 Å, max_radial 7, max_angular
# 6: D = 252, ~45 neighbours per atom) the dense Jacobian of a 12-atom cell
# (12·252·45 values) is smaller than its factored pair gradients
# (12·45·311), that of a 32-atom cell is not, so the cached training set is
# mixed.  Checked:
#   - the log names both forms and the number of small cells, for
#     base_precision 64 and 32;
#   - 3 epochs with forces and stress give the same train.csv as the same run
#     with descriptor_cache_mb: 0 (nothing cached: every structure recomputes
#     its pair gradients), to 1e-9 relative at precision 64 (the two paths
#     round differently; the file has 10 digits) and 1e-6 at 32.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init train-dense

run() {  # NAME PRECISION CACHE_MB
    case_dir="$work/$1"; mkdir -p "$case_dir"
    cp "$top_srcdir/tests/data/xyz/cu_emt_stress.xyz" "$case_dir/data.xyz"
    cat > "$case_dir/options.yaml" <<YAML
seed: 3
base_precision: $2
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 5.0}, max_radial: 7, max_angular: 6}
    bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 16}
  training: {num_epochs: 3, batch_size: 6, descriptor_cache_mb: $3, log_interval: 1}
training_set:
  systems: {read_from: data.xyz, length_unit: angstrom}
  targets:
    energy: {key: energy, unit: eV, forces: {key: forces}, stress: {key: stress}}
validation_set: 0.2
test_set: 0.0
YAML
    (cd "$case_dir" && timeout 300 "$MTT" train options.yaml --progress=never >out 2>err)
    code=$?
    csv=$(ls "$case_dir"/outputs/*/*/train.csv 2>/dev/null | head -n 1)
}

# largest relative difference of the numeric cells of two train.csv files
csv_diff() {
    awk -F, 'NR == FNR { if (FNR > 2) for (i = 1; i <= NF; ++i) a[FNR, i] = $i; next }
             FNR > 2 { for (i = 1; i <= NF; ++i) { x = a[FNR, i]; y = $i
                 d = x - y; if (d < 0) d = -d; s = (x < 0 ? -x : x); if (s < 1e-300) s = 1e-300
                 if (d / s > worst) worst = d / s } n++ }
             END { printf "%.3g\n", n ? worst : 1 }' "$1" "$2"
}

for p in 64 32; do
    run dense$p $p 4096; dense_csv=$csv; dense_code=$code
    line=$(grep -h "Descriptor path (training set)" "$case_dir/out" | head -n 1)
    n_small=$(echo "$line" | sed -n 's/.*as dense Jacobians for \([0-9]*\) small cells.*/\1/p')
    if [ "$dense_code" -eq 0 ] && [ -n "$n_small" ] && [ "$n_small" -gt 0 ] &&
       echo "$line" | grep -q "as factored pair gradients for [0-9]* structures"; then
        ok "precision $p: the log keeps $n_small small cells as dense Jacobians, the others as factored pair gradients"
    else
        not_ok "precision $p: descriptor path line" "exit $dense_code" "$line"
    fi
    run recomputed$p $p 0; rec_code=$code
    tol=1e-9; [ "$p" = 32 ] && tol=1e-6
    if [ "$dense_code" -eq 0 ] && [ "$rec_code" -eq 0 ] && [ -n "$dense_csv" ] && [ -n "$csv" ]; then
        worst=$(csv_diff "$dense_csv" "$csv")
        if awk -v w="$worst" -v t="$tol" 'BEGIN { exit !(w <= t) }'; then
            ok "precision $p: 3 epochs with forces and stress, dense vs recomputed pair gradients: train.csv within $worst (tolerance $tol)"
        else
            not_ok "precision $p: dense vs recomputed train.csv differ by $worst (tolerance $tol)"
        fi
    else
        not_ok "precision $p: the runs failed (exit $dense_code, $rec_code)"
    fi
done
tap_done
