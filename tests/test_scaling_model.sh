#!/bin/sh
# test_scaling_model.sh — bench/scaling/model.py on made-up inputs whose
# answers are known (TAP): t(b) = 1 ms + b · 2 ms exactly, Adam 0.5 ms, and
# rs+ag rows of T = 2α + bytes·β with α = 1 µs, β = 1 ns/B on 2 ranks.
# The fit must give them back, and the printed strong- and weak-scaling
# efficiencies at P = 64 must match the formulas of the file's docstring
# evaluated here independently (awk).  Needs $PYTHON3 with numpy.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init scaling-model
py=${PYTHON3:-/usr/bin/python3}
model=$top_srcdir/bench/scaling/model.py
if ! "$py" -c "import numpy" 2>/dev/null; then
    for t in "fit of t(b) and of this machine's alpha, beta" "strong scaling at P = 64" \
             "weak scaling at P = 64" "strong scaling ends where B runs out"; do
        skip "$t: $py cannot import numpy"
    done
    tap_done; exit $?
fi

{
    echo "# params 1000"
    for b in 1 2 4 8 16; do
        awk -v b="$b" 'BEGIN { printf "%d %.3f %d %.9e %.9e\n", b, b, 100, 1e-3 + b * 2e-3, 0.5e-3 }'
    done
} > "$work/steps.txt"
{
    echo "# bench_allreduce: 2 ranks, 0.20 s per (operation, size); test"
    for bytes in 16 64 256 262144 1048576 4194304; do
        awk -v m="$bytes" 'BEGIN { printf "rs+ag %d %d 100 %.6f %.6f 1\n", m, m / 8, (2e-6 + m * 1e-9) * 1e6, (2e-6 + m * 1e-9) * 1e6 }'
    done
} > "$work/coll.txt"
"$py" "$model" --collectives "$work/coll.txt" --steps toy="$work/steps.txt" --global-batch 1024 \
    --rank-batch 8 --link-gbit 100 --latency-us 2 > "$work/out" 2> "$work/err"
rc=$?

if [ $rc -eq 0 ] && grep -q "this machine (2 ranks, rs+ag fit): α = 1.00 µs, β = 1.0000 ns/B" "$work/out" \
   && grep -q "t(b) = 1.000 ms + b × 2.000 ms" "$work/out" && grep -q "Adam 0.500 ms" "$work/out"; then
    ok "fit of t(b) and of this machine's alpha, beta"
else
    not_ok "fit of t(b) and of this machine's alpha, beta" "exit $rc" "$(head -n 4 "$work/out")" \
        "$(head -n 3 "$work/err")"
fi

# Independent evaluation: cluster α = 2 µs, β = 8e-11 s/B, n = 1000, P = 64 (⌈log2⌉ = 6).
expect=$(awk 'BEGIN {
    a = 2e-6; be = 8 / 100e9; n = 1000; p = 64; lg = 6
    lat = 2 * (p - 1) * a; if (2 * lg * a < lat) lat = 2 * lg * a
    comm = lat + 2 * (p - 1) / p * 8 * n * be
    t1 = 1e-3 + 1024 * 2e-3 + 0.5e-3; tp = 1e-3 + 16 * 2e-3 + 0.5e-3 / p
    w1 = 1e-3 + 8 * 2e-3 + 0.5e-3;    wp = 1e-3 + 8 * 2e-3 + 0.5e-3 / p
    printf "%.3f %.3f\n", t1 / (p * (tp + comm)), w1 / (wp + comm) }')
# first P = 64 row of the strong table and of the weak table under the cluster network
strong=$(awk '/^-- network: cluster/ { on = 1 } on && $1 == 64 && NF == 5 { print $5; exit }' "$work/out")
weak=$(awk '/^-- network: cluster/ { on = 1 } on && $1 == 64 && NF == 5 { s++ } on && $1 == 64 && NF == 5 && s == 2 { print $5; exit }' "$work/out")
if [ -n "$strong" ] && [ "$strong" = "${expect% *}" ]; then ok "strong scaling at P = 64 ($strong)"
else not_ok "strong scaling at P = 64" "printed '$strong', expected ${expect% *}"; fi
if [ -n "$weak" ] && [ "$weak" = "${expect#* }" ]; then ok "weak scaling at P = 64 ($weak)"
else not_ok "weak scaling at P = 64" "printed '$weak', expected ${expect#* }"; fi
if grep -q "4096      <1 .*ended (fewer structures than ranks)" "$work/out" \
   && grep -q "per-rank batch < 1 beyond P = 1024" "$work/out"; then
    ok "strong scaling ends where B runs out"
else
    not_ok "strong scaling ends where B runs out"
fi
tap_done
