#!/bin/sh
# test_train_replicas.sh — the cross-rank parameter checksum (TAP):
# mpiexec -n 2 mtt train with the test-only hook MTT_TEST_PERTURB_PARAMS_RANK=1
# (rank 1 moves one parameter by one ulp before the first check) stops after
# epoch 0 on both ranks with one error line naming the epoch; the same run
# without the hook trains all epochs.  Needs the MPI build and mpiexec.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init replicas

if ! "$MTT" --version | grep -q "MPI:  yes" || [ -z "${MPIEXEC:-}" ] || [ ! -x "${MPIEXEC:-}" ]; then
    skip "a perturbed rank stops the run after epoch 0: serial build or no mpiexec"
    skip "without the hook the 2-rank run trains all epochs: serial build or no mpiexec"
    tap_done
    exit $?
fi

case_dir="$work/run"
mkdir -p "$case_dir"
cp "$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz" "$case_dir/data.xyz"
cat > "$case_dir/options.yaml" <<YAML
seed: 7
architecture:
  name: soap_bpnn
  model:
    soap:
      max_radial: 3
      max_angular: 2
    bpnn:
      num_neurons_per_layer: 8
  training:
    batch_size: 8
    num_epochs: 3
training_set:
  systems:
    read_from: data.xyz
  targets:
    energy:
      key: energy
validation_set: 0.1
test_set: 0.1
YAML

(cd "$case_dir" && MTT_TEST_PERTURB_PARAMS_RANK=1 timeout 120 "$MPIEXEC" -n 2 "$MTT" train options.yaml \
    >out 2>err); c=$?
nerr=$(grep -c ERROR "$case_dir/err")
if [ $c -eq 1 ] && [ "$nerr" -eq 1 ] && grep -q "differ between ranks after epoch 0" "$case_dir/err" \
   && ! grep -qE "Epoch: +[12] " "$case_dir/out"; then
    ok "a rank whose parameters differ stops both ranks after epoch 0, one error line"
else
    not_ok "perturbed rank detected" "exit $c, $nerr ERROR lines" "$(grep ERROR "$case_dir/err" | head -n 2)"
fi

(cd "$case_dir" && timeout 120 "$MPIEXEC" -n 2 "$MTT" train options.yaml >out2 2>err2); c=$?
if [ $c -eq 0 ] && grep -qE "Epoch: +2 " "$case_dir/out2" && ! grep -q "differ between ranks" "$case_dir/err2"; then
    ok "without the hook the 2-rank run trains all epochs (checksums agree)"
else
    not_ok "unperturbed 2-rank run" "exit $c" "$(head -n 3 "$case_dir/err2")"
fi
tap_done
