# tests/tap.sh — sourced by the shell tests: TAP output and a scratch folder.
#   . "$top_srcdir/tests/tap.sh"; tap_init NAME
#   ok "what held"; not_ok "what failed" "detail" ...; skip "why it cannot run"; tap_done
# not_ok also shows the first lines of $case_dir/err when a test sets case_dir.
MTT=${MTT:-./mtt}
top_srcdir=${top_srcdir:-.}
n=0
failures=0
case_dir=

# Fresh scratch folder $work, removed on exit.
tap_init() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/mtt-$1-XXXXXX")
    trap 'rm -rf "$work"' EXIT
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }

# A test that cannot run here (no MPI, no mpiexec): a visible SKIP line.
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

not_ok() {
    n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"
    shift
    for line in "$@"; do echo "#   $line"; done
    if [ -n "$case_dir" ] && [ -f "$case_dir/err" ]; then
        sed 's/^/#   stderr: /' "$case_dir/err" | head -5
    fi
}

# The plan, and the exit status: 0 when nothing failed.
tap_done() {
    echo "1..$n"
    [ "$failures" -eq 0 ]
}

# 1 when this is an MPI build and $MPIEXEC can start it.
tap_have_mpiexec() {
    [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ] && "$MTT" --version | grep -q "MPI:  yes"
}

# Append a program's TAP output ($1) to this stream, renumbered, each
# description prefixed by $2; its plan line is dropped.
tap_merge() {
    merged=0
    while IFS= read -r line; do
        case $line in
            "not ok "*) merged=$((merged + 1)); d=$(printf '%s' "$line" | sed 's/^not ok [0-9]* *-* *//'); not_ok "$2$d" ;;
            "ok "*"# SKIP"*) merged=$((merged + 1)); skip "$2$(printf '%s' "$line" | sed 's/^.*# SKIP *//')" ;;
            "ok "*) merged=$((merged + 1)); ok "$2$(printf '%s' "$line" | sed 's/^ok [0-9]* *-* *//')" ;;
            "#"*) echo "$line" ;;
            "Bail out!"*) not_ok "$2$line" ;;
        esac
    done <<TAP
$1
TAP
}

# tap_run_ranks PROG COUNT...: run a TAP-printing test program (rank 0
# prints) under $MPIEXEC -n COUNT for each count; in a serial build or
# without mpiexec run it once as one process and print a SKIP line for each
# count above 1, so no multi-rank test vanishes silently.  A non-empty
# $tap_ranks_label is added to each line's "[N ranks...]" prefix.
tap_run_ranks() {
    prog=$1; shift
    if tap_have_mpiexec; then
        for np in "$@"; do
            out=$(timeout 300 "$MPIEXEC" -n "$np" "$prog" 2>"$work/ranks-$np.err"); rc=$?
            tap_merge "$out" "[$np rank$([ "$np" -gt 1 ] && echo s)${tap_ranks_label:-}] "
            if [ "$merged" -eq 0 ] || { [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; }; then
                not_ok "$(basename "$prog") on $np ranks exited with $rc" "$(head -n 3 "$work/ranks-$np.err")"
            fi
        done
    else
        out=$(timeout 300 "$prog" 2>"$work/ranks-1.err"); rc=$?
        tap_merge "$out" "[1 rank] "
        if [ "$merged" -eq 0 ] || { [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; }; then
            not_ok "$(basename "$prog") exited with $rc" "$(head -n 3 "$work/ranks-1.err")"
        fi
        for np in "$@"; do
            [ "$np" -gt 1 ] && skip "$(basename "$prog") on $np ranks${tap_ranks_label:-}: serial build or no mpiexec"
        done
    fi
    return 0
}
