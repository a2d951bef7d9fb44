# tests/restart/common.sh — sourced by the restart tests after tests/tap.sh.
#   restart_case NAME [EPOCHS]   fresh $case_dir with options.yaml + data.xyz
#   train RANKS ARGS...          mtt train in $case_dir (RANKS 1: no launcher)
#   same_state A B               the two checkpoints hold identical data
#   have_mpi                     0 when this build runs MPI tests
ethanol="$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz"
compare_py="$top_srcdir/tests/restart/ckpt_compare.py"
PYTHON3=${PYTHON3:-/usr/bin/python3}

have_mpi() {
    [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ] && "$MTT" --version | grep -q "MPI:  yes"
}

have_h5py() { "$PYTHON3" -c 'import h5py' 2>/dev/null; }

restart_case() {
    case_dir="$work/$1"
    mkdir -p "$case_dir"
    cp "$ethanol" "$case_dir/data.xyz"
    cat > "$case_dir/options.yaml" <<YAML
seed: 7
architecture:
  name: soap_bpnn
  model:
    soap: {max_radial: 3, max_angular: 2}
    bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}
  training:
    batch_size: 8
    num_epochs: ${2:-6}
    log_interval: 1
    checkpoint_interval: 1
    learning_rate: 0.01
training_set:
  systems:
    read_from: data.xyz
  targets:
    energy:
      key: energy
validation_set: 0.1
test_set: 0.1
YAML
}

# train RANKS [mtt train arguments...]: stdout in out, stderr in err
train() {
    ranks=$1; shift
    if [ "$ranks" -eq 1 ]; then
        (cd "$case_dir" && timeout 300 "$MTT" train options.yaml "$@" >out 2>err)
    else
        (cd "$case_dir" && timeout 300 "$MPIEXEC" -n "$ranks" "$MTT" train options.yaml "$@" >out 2>err)
    fi
}

same_state() { "$PYTHON3" "$compare_py" "$1" "$2"; }

# newest run folder of $case_dir (run folders sort by name = time)
last_run() { ls -d "$case_dir"/outputs/*/* | sort | tail -1; }

# case_pids: pids of mtt processes (ranks, not launchers) working in $case_dir
# — tests run in parallel, so never signal by name alone.
case_pids() {
    for p in $(pgrep -f "^$MTT train" 2>/dev/null); do
        [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$(cd "$case_dir" && pwd -P)" ] && echo "$p"
    done
}

# start_train RANKS ARGS...: like train, in the background; $train_pid
start_train() {
    ranks=$1; shift
    if [ "$ranks" -eq 1 ]; then
        (cd "$case_dir" && exec timeout 300 "$MTT" train options.yaml "$@" >out 2>err) &
    else
        (cd "$case_dir" && exec timeout 300 "$MPIEXEC" -n "$ranks" "$MTT" train options.yaml "$@" >out 2>err) &
    fi
    train_pid=$!
}
