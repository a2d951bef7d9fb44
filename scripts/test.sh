#!/bin/sh
# scripts/test.sh — install what mtt needs, build it twice (with MPI in
# build/, without MPI in build-serial/), run `make check` in both, and print
# one closing line "N passed, N failed" counting every test case.
set -u
cd "$(dirname "$0")/.." || exit 1
. scripts/deps.sh
mtt_install_deps || exit 1

status=0
passed=0
failed=0
count_results() {  # count the TAP results automake recorded in $1/**/*.trs
    p=$(find "$1" -name '*.trs' -exec cat {} + 2>/dev/null | grep -cE '^:test-result: (PASS|XFAIL)')
    f=$(find "$1" -name '*.trs' -exec cat {} + 2>/dev/null | grep -cE '^:test-result: (FAIL|XPASS|ERROR)')
    passed=$((passed + p))
    failed=$((failed + f))
}
for variant in "build" "build-serial --without-mpi"; do
    set -- $variant
    dir=$1; shift
    echo "== $dir: configure $* && make && make check"
    if ! mtt_build "$dir" "$@"; then
        echo "== $dir: build FAILED"
        status=1
        failed=$((failed + 1))
        continue
    fi
    find "$dir" -name '*.trs' -delete 2>/dev/null
    (cd "$dir" && make -j"$(nproc)" check) || status=1
    count_results "$dir"
    [ -f "$dir/test-suite.log" ] && grep -E '^(FAIL|ERROR):' "$dir/test-suite.log" | head -20
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
