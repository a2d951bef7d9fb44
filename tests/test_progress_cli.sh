#!/bin/sh
# test_progress_cli.sh — `mtt train --progress` end to end (TAP).
#
# On a pseudo-terminal (tests/progress_pty.py) the one-line display appears
# and is cleared: the final screen holds log lines only.  Without a terminal
# the output holds no control characters and, for phases made "long" with
# MTT_PROGRESS_PERIOD_S, plain progress lines.  train.log never holds
# progress output.  The ethanol example runs 3 epochs (well under a second).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init progress
PYTHON3=${PYTHON3:-python3}
ethanol="$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz"
pty_helper="$top_srcdir/tests/progress_pty.py"

new_case() {
    case_dir="$work/$1"
    mkdir -p "$case_dir"
    cp "$ethanol" "$case_dir/data.xyz"
    cat > "$case_dir/options.yaml" <<YAML
seed: 42
architecture:
  name: soap_bpnn
  training:
    batch_size: 8
    num_epochs: 3
    log_interval: 1
training_set:
  systems: data.xyz
  targets:
    energy:
      key: energy
      unit: kcal/mol
validation_set: 0.1
test_set: 0.1
YAML
}

# progress text that must never reach train.log nor stay on the screen
progress_pattern='structures/s|descriptors, (training|validation|test) set: |reading data.xyz: |evaluating the .* set: |left in the'
control=$(printf '\r\033')

# check_log NAME: train.log of the case's run has no progress output
check_log() {
    log=$(ls "$case_dir"/outputs/*/*/train.log 2>/dev/null | head -1)
    if [ -z "$log" ]; then
        not_ok "$1: train.log written" "no train.log under $case_dir/outputs"
    elif grep -Eq "$progress_pattern" "$log" || grep -q "[$control]" "$log"; then
        not_ok "$1: train.log holds no progress output" "$(grep -E "$progress_pattern" "$log" | head -2)"
    else
        ok "$1: train.log holds no progress output"
    fi
}

if ! "$PYTHON3" -c 'import pty' 2>/dev/null; then
    ok "# SKIP no python3 with pty: terminal tests not run"
else
    # ---- on a terminal ------------------------------------------------------
    new_case tty
    (cd "$case_dir" && MTT_PROGRESS_PERIOD_S=0.005 timeout 120 "$PYTHON3" "$pty_helper" raw screen \
        "$MTT" train options.yaml >out 2>err); c=$?
    if [ $c -ne 0 ]; then
        not_ok "terminal: training runs" "exit $c"
    else
        ok "terminal: training runs"
        if grep -aq "$(printf '\r\033\\[K')epoch 0 (of 0-2): " "$case_dir/raw" \
           && grep -aq "$(printf '\r\033\\[K')descriptors, training set: " "$case_dir/raw"; then
            ok "terminal: the display is drawn in place (descriptors, epochs)"
        else
            not_ok "terminal: the display is drawn in place (descriptors, epochs)"
        fi
        if grep -Eq "$progress_pattern" "$case_dir/screen"; then
            not_ok "terminal: the display is cleared (final screen holds log lines only)" \
                "$(grep -E "$progress_pattern" "$case_dir/screen" | head -2)"
        elif ! grep -q "Training finished" "$case_dir/screen"; then
            not_ok "terminal: the display is cleared" "the log's last line is not on the screen"
        else
            ok "terminal: the display is cleared (final screen holds log lines only)"
        fi
        bad=$(grep -v '^\[' "$case_dir/screen" | grep -v '^$' | head -2)
        if [ -n "$bad" ]; then
            not_ok "terminal: no log line is mixed with the display" "$bad"
        else
            ok "terminal: no log line is mixed with the display"
        fi
        check_log "terminal"
    fi

    new_case tty_never
    (cd "$case_dir" && MTT_PROGRESS_PERIOD_S=0.005 timeout 120 "$PYTHON3" "$pty_helper" raw screen \
        "$MTT" train options.yaml --progress=never >out 2>err); c=$?
    if [ $c -eq 0 ] && ! grep -aq "$(printf '\033')" "$case_dir/raw" \
       && ! grep -Eq "$progress_pattern" "$case_dir/raw"; then
        ok "terminal, --progress=never: no display"
    else
        not_ok "terminal, --progress=never: no display" "exit $c"
    fi
fi

# ---- not on a terminal ------------------------------------------------------
new_case plain
(cd "$case_dir" && MTT_PROGRESS_PERIOD_S=0.005 timeout 120 "$MTT" train options.yaml >out 2>err); c=$?
if [ $c -ne 0 ]; then
    not_ok "not a terminal: training runs" "exit $c"
else
    ok "not a terminal: training runs"
    if grep -q "[$control]" "$case_dir/out" "$case_dir/err"; then
        not_ok "not a terminal: no control characters"
    else
        ok "not a terminal: no control characters"
    fi
    if grep -q '^\[.*\]\[INFO\] - descriptors, training set: [0-9]*/[0-9]* structures, .* s' "$case_dir/out" \
       && grep -q '^\[.*\]\[INFO\] - epoch [0-9] (of 0-2): [0-9]*/[0-9]* steps, .* structures/s, .* left in the epoch, .* left in the run' "$case_dir/out"; then
        ok "not a terminal: plain progress lines for phases made long"
    else
        not_ok "not a terminal: plain progress lines for phases made long" \
            "$(grep -E 'descriptors|epoch ' "$case_dir/out" | head -3)"
    fi
    check_log "not a terminal"
fi

new_case plain_default
(cd "$case_dir" && env -u MTT_PROGRESS_PERIOD_S timeout 120 "$MTT" train options.yaml >out 2>err); c=$?
if [ $c -eq 0 ] && ! grep -Eq "$progress_pattern" "$case_dir/out"; then
    ok "not a terminal, default period: no progress lines for phases under 30 s"
else
    not_ok "not a terminal, default period: no progress lines for phases under 30 s" "exit $c"
fi

new_case always
(cd "$case_dir" && MTT_PROGRESS_PERIOD_S=0.005 timeout 120 "$MTT" train options.yaml --progress=always >out 2>err); c=$?
if [ $c -eq 0 ] && grep -q "$(printf '\r\033\\[K')epoch" "$case_dir/out"; then
    ok "--progress=always: the display even when stdout is a file"
else
    not_ok "--progress=always: the display even when stdout is a file" "exit $c"
fi
check_log "--progress=always"

# ---- under mpirun (Open MPI gives each rank a pseudo-terminal) ----------------
if [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ] && "$MTT" --version | grep -q "MPI:  yes"; then
    new_case mpi
    (cd "$case_dir" && MTT_PROGRESS_PERIOD_S=0.005 timeout 120 "$MPIEXEC" -n 2 "$MTT" train \
        options.yaml >out 2>err); c=$?
    if [ $c -ne 0 ]; then
        not_ok "mpirun -n 2, output to a file: training runs" "exit $c"
    elif grep -q "[$control]" "$case_dir/out" "$case_dir/err"; then
        not_ok "mpirun -n 2, output to a file: no control characters"
    elif ! grep -q 'epoch [0-9] (of 0-2): .* structures/s' "$case_dir/out"; then
        not_ok "mpirun -n 2, output to a file: plain progress lines"
    else
        ok "mpirun -n 2, output to a file: plain progress lines, no control characters"
    fi
    check_log "mpirun -n 2"
else
    ok "# SKIP serial build: no mpirun test of --progress"
fi

new_case bad_mode
(cd "$case_dir" && timeout 60 "$MTT" train options.yaml --progress=sometimes >out 2>err); c=$?
if [ $c -eq 2 ] && [ "$(grep -c ERROR "$case_dir/err")" -eq 1 ] \
   && grep -q "auto, always or never" "$case_dir/err" && [ ! -d "$case_dir/outputs" ]; then
    ok "--progress=sometimes: one error line, exit 2, no run folder"
else
    not_ok "--progress=sometimes: one error line, exit 2, no run folder" "exit $c"
fi

tap_done
