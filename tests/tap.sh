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
