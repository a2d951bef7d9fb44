#!/bin/sh
# bench/reference/periodic.sh — training epoch time of mtt vs the PyTorch
# reference (torch_soap_bpnn.py) on ethanol and on periodic sets, in float64
# and float32, side by side in one run (issue 8: >= 20x the reference's
# default mode, >= 3x its --cache mode).
#
# Usage:  bench/reference/periodic.sh [BUILD_DIR]
#   BUILD_DIR (or $MTT_BUILD_DIR, default: the current directory) is a
#   configured and built tree (mtt, bench/train_step/bench_train); nothing is
#   built here.  Run it on an otherwise idle machine; it checks no time limit.
# Environment:
#   REPEATS        interleaved repeats per data set (default 5)
#   EPOCHS         epochs of every program (default: 20 on ethanol, 5 on the
#                  periodic sets, whose reference epochs last 15-30 s)
#   SETS           data sets, any of "ethanol cu cu32 alloy" (default: all)
#   STRUCTURES     structures of each generated set instead of the sizes below
#                  (a quick check of the script, e.g. STRUCTURES=16 REPEATS=1 EPOCHS=1)
#   MTT_REFERENCE  directory holding torch_soap_bpnn.py (default
#                  ../shared/reference); mtt does not depend on it
#   PYTHON         interpreter with torch, ase, scipy (default /usr/bin/python3)
#   REF_MEMORY_GIB address-space limit of every reference run, and the limit
#                  above which --cache is not even tried (default 16)
#   REF_TIMEOUT_S  wall-time limit of one reference run, and the estimated
#                  cache build time above which --cache is not tried (default 1200)
#   CPU            core every program is pinned to with taskset (default 0)
#   OPENBLAS_CORETYPE  inherited by every program, mtt and the reference alike;
#                  unset, the kernel mtt runs is exported to all (mtt sets it
#                  itself when OpenBLAS's own choice leaves the CPU's vectors unused)
#                  (the header names the kernel; docs/performance.md, "OpenBLAS's
#                  kernels")
# Data sets (generated with bench/scaling/make_alloy.py: ASE EMT labels,
# energies in eV, forces in eV/Å, fcc cells strained by 2 % and rattled by 0.05 Å):
#   ethanol  examples/ethanol/ethanol_reduced_100.xyz, 100 molecules of 9 atoms
#   cu       100 Cu cells of 32, 48, 72 or 108 atoms (seed 2; 6,592 atoms, D = 252)
#   cu32     40 Cu cells of 32 atoms (seed 4; 1,280 atoms), small enough for --cache
#   alloy    100 Cu-Ni-Al cells of 32-108 atoms (seed 3; 6,360 atoms, D = 2100)
# Programs, in this order in every repeat, one thread each (OPENBLAS_NUM_THREADS=1
# OMP_NUM_THREADS=1, --threads 1, taskset -c $CPU), each under /usr/bin/time -v:
#   mtt train     options.yaml written here with the reference's hyperparameters
#                 (below), base_precision 64 and 32; epoch time = the log's
#                 "Training time: ... s per epoch": the training steps AND the
#                 validation pass of every epoch (descriptor cache excluded)
#   bench_train   bench/train_step/bench_train DATA EPOCHS [--f32]: the same
#                 training step without the trainer around it; epoch time =
#                 the training pass only, as the reference's
#   reference     torch_soap_bpnn.py, --dtype float64 and float32, default mode
#                 (descriptors inside the graph) and --cache (p and the dense
#                 dp/dr precomputed; its build is not in the epoch time)
# Same model and training everywhere: cutoff 5 Å, width 0.5 Å, max_radial 7,
# max_angular 6, 2 hidden layers x 32, LayerNorm, no bias, batch 8 (last
# partial batch dropped), Adam lr 1e-3, 1 % warm-up then cosine, energy and
# force weights 1, no stress, 10 % validation.  The splits differ (mtt's own
# seeded shuffle vs numpy's): validation errors are comparable in size only.
# Epoch time = the mean over all epochs, the first included (all programs).
# --cache is skipped, with the reason, when cache_estimate.py puts its memory
# above REF_MEMORY_GIB or its build time above REF_TIMEOUT_S; a reference run
# that fails (out of memory under the limit, timeout) is reported and not
# repeated.
# Printed per data set: every run, then per program the min / median mean
# epoch time, the median over repeats of reference / mtt (same repeat, same
# precision), median wall time, largest peak RSS and the validation errors.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-${MTT_BUILD_DIR:-.}}" && pwd)
mtt="$build/mtt"
bench="$build/bench/train_step/bench_train"
repeats=${REPEATS:-5}
sets=${SETS:-ethanol cu cu32 alloy}
refdir=${MTT_REFERENCE:-$src/../shared/reference}
py=${PYTHON:-/usr/bin/python3}
mem_gib=${REF_MEMORY_GIB:-16}
ref_timeout=${REF_TIMEOUT_S:-1200}
cpu=${CPU:-0}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mtt-bench-reference-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for f in "$mtt" "$bench"; do
    [ -x "$f" ] || { echo "periodic.sh: $f not built; run make in $build first" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "periodic.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
"$py" -c "import ase" 2>/dev/null ||
    { echo "periodic.sh: $py cannot import ase (python3-ase), needed for the data sets" >&2; exit 1; }
pin=""
if command -v taskset >/dev/null 2>&1; then pin="taskset -c $cpu"
else echo "periodic.sh: no taskset; programs are not pinned to a core"; fi
have_ref=1
if [ ! -f "$refdir/torch_soap_bpnn.py" ]; then
    echo "periodic.sh: no $refdir/torch_soap_bpnn.py (set MTT_REFERENCE); mtt only"; have_ref=0
elif ! "$py" -c "import torch, scipy" 2>/dev/null; then
    echo "periodic.sh: $py cannot import torch and scipy; mtt only"; have_ref=0
fi

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(getconf _NPROCESSORS_ONLN) cores, CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "# $("$mtt" --version | head -n 1); repeats $repeats; pinned: ${pin:-no}; reference limits ${mem_gib} GiB, ${ref_timeout} s"
[ $have_ref = 1 ] && echo "# reference: $("$py" -c 'import torch, sys; print("torch", torch.__version__, "python", sys.version.split()[0])')"
# every program (mtt and the reference) loads the same OpenBLAS and inherits
# this environment: same kernels on both sides.  Unset, mtt sets
# OPENBLAS_CORETYPE itself when OpenBLAS's own choice leaves the CPU's vectors
# unused (docs/training.md, "BLAS kernels"): export the kernel mtt runs, so
# that bench_train and the reference run it too.
kernel=$("$mtt" --version | sed -n 's/.*(kernel: \(.*\))$/\1/p')
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then blas_how="OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"
else
    blas_how="OPENBLAS_CORETYPE unset: mtt's choice, exported to every program"
    export OPENBLAS_CORETYPE="$kernel"
fi
echo "# OpenBLAS kernel of every program: $kernel ($blas_how)"

# "h:mm:ss" or "m:ss.ss" -> seconds
wall() {
    sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }'
}
rss_mib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }
summary() { sed -n 's/^SUMMARY.* '"$1"'=\([^ ]*\).*/\1/p' "$2"; }  # KEY FILE
# csv_last FILE COLUMN: the last value of a train.csv column, in the data's
# unit (mtt writes meV and meV/A for eV data)
csv_last() {
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == col) k = i }
        NR == 2 { f = ($k ~ /^meV/) ? 1e-3 : 1 } NR > 2 { v = $k }
        END { if (k && v != "") printf "%.8e", v * f; else print "-" }' "$1"
}

make_data() {  # make_data SET DIR: writes DIR/data.xyz, sets $unit and $set_epochs
    case $1 in
        ethanol) cp "$src/examples/ethanol/ethanol_reduced_100.xyz" "$2/data.xyz"
                 echo "# ethanol: examples/ethanol/ethanol_reduced_100.xyz, 100 molecules of 9 atoms"
                 unit=kcal/mol; set_epochs=${EPOCHS:-20} ;;
        cu)      "$py" "$src/bench/scaling/make_alloy.py" "$2/data.xyz" ${STRUCTURES:-100} 2 --species Cu --max-atoms 108 | sed 's/^.*: /# cu: /'
                 unit=eV; set_epochs=${EPOCHS:-5} ;;
        cu32)    "$py" "$src/bench/scaling/make_alloy.py" "$2/data.xyz" ${STRUCTURES:-40} 4 --species Cu --max-atoms 32 | sed 's/^.*: /# cu32: /'
                 unit=eV; set_epochs=${EPOCHS:-5} ;;
        alloy)   "$py" "$src/bench/scaling/make_alloy.py" "$2/data.xyz" ${STRUCTURES:-100} 3 --max-atoms 108 | sed 's/^.*: /# alloy: /'
                 unit=eV; set_epochs=${EPOCHS:-5} ;;
        *) echo "periodic.sh: unknown data set $1 (ethanol cu cu32 alloy)" >&2; exit 1 ;;
    esac
}

write_options() {  # write_options FILE PRECISION EPOCHS UNIT
    cat > "$1" <<EOF
seed: 0
base_precision: $2
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 5.0, width: 0.5}, max_radial: 7, max_angular: 6}
    bpnn: {num_hidden_layers: 2, num_neurons_per_layer: 32, layernorm: true}
  training:
    batch_size: 8
    num_epochs: $3
    learning_rate: 1.0e-3
    warmup_fraction: 0.01
    log_interval: $3
    checkpoint_interval: 100000
    loss: {energy: {weight: 1.0, forces: {weight: 1.0}}}
training_set:
  systems: {read_from: data.xyz, length_unit: angstrom}
  targets:
    energy: {key: energy, unit: $4, forces: {key: forces}, stress: false}
validation_set: 0.1
test_set: 0.0
EOF
}

# one line per run in $res: set rep program epoch_s wall_s rss_mib val_e val_f
res=$tmp/results
: > "$res"
failed=" "   # "set:program" of reference modes that failed once (not repeated)

# run_one SET DIR REP PROGRAM: runs it in DIR/PROGRAM.REP, appends to $res
run_one() {
    rs_set=$1; rs_dir=$2; rs_rep=$3; rs_prog=$4; w=$rs_dir/$rs_prog.$rs_rep
    mkdir -p "$w"; ln -s ../data.xyz "$w/data.xyz"
    out=$w/out; tim=$w/time
    ref="$py $refdir/torch_soap_bpnn.py data.xyz --epochs $set_epochs --threads 1 --seed 0 \
         --cutoff 5.0 --width 0.5 --max-radial 7 --max-angular 6 --layers 2 --neurons 32 \
         --batch-size 8 --lr 1e-3 --warmup-fraction 0.01 --val 0.1 --force-weight 1.0"
    limit="ulimit -v $(awk -v g="$mem_gib" 'BEGIN { printf "%d", g * 1048576 }'); exec timeout $ref_timeout"
    case $rs_prog in
        mtt64|mtt32)
            cp "$rs_dir/options${rs_prog#mtt}.yaml" "$w/options.yaml"
            (cd "$w" && /usr/bin/time -v $pin "$mtt" train options.yaml --progress=never > out 2> time) ;;
        bench64) (cd "$w" && /usr/bin/time -v $pin "$bench" data.xyz "$set_epochs" > out 2> time) ;;
        bench32) (cd "$w" && /usr/bin/time -v $pin "$bench" data.xyz "$set_epochs" --f32 > out 2> time) ;;
        ref64)   (cd "$w" && /usr/bin/time -v sh -c "$limit $pin $ref --dtype float64" > out 2> time) ;;
        ref32)   (cd "$w" && /usr/bin/time -v sh -c "$limit $pin $ref --dtype float32" > out 2> time) ;;
        refc64)  (cd "$w" && /usr/bin/time -v sh -c "$limit $pin $ref --dtype float64 --cache" > out 2> time) ;;
        refc32)  (cd "$w" && /usr/bin/time -v sh -c "$limit $pin $ref --dtype float32 --cache" > out 2> time) ;;
    esac
    status=$?
    case $rs_prog in
        mtt*)
            log=$(ls -d "$w"/outputs/*/* 2>/dev/null | head -n 1)
            e=$(sed -n 's/.*Training time: [0-9.e+-]* s, \([0-9.e+-]*\) s per epoch.*/\1/p' "$log/train.log" 2>/dev/null)
            if [ $status != 0 ] || [ -z "$e" ]; then
                echo "periodic.sh: mtt train failed on $rs_set (base_precision ${rs_prog#mtt}):" >&2
                tail -n 5 "$out" "$tim" >&2; exit 1
            fi
            ve=$(csv_last "$log/train.csv" 'validation energy RMSE (per atom)')
            vf=$(csv_last "$log/train.csv" 'validation forces RMSE')
            [ "$rs_rep" = 1 ] && sed -n 's/.*\] - \(Descriptor cache.*\)/# '"$rs_set $rs_prog"': \1/p' "$out" ;;
        *)
            e=$(summary mean_epoch_s "$out")
            if [ -z "$e" ]; then
                case $rs_prog in bench*)
                    echo "periodic.sh: bench_train failed on $rs_set:" >&2; tail -n 5 "$out" "$tim" >&2; exit 1 ;;
                esac
                why="exit status $status"
                grep -q "can't allocate memory\|MemoryError\|Cannot allocate memory\|std::bad_alloc" "$tim" &&
                    why="out of memory under the ${mem_gib} GiB limit"
                [ $status = 124 ] && why="not finished within ${ref_timeout} s"
                grep -q '^# cache built' "$out" || case $rs_prog in refc*) why="$why, while building the cache" ;; esac
                echo "# $rs_set $rs_prog: FAILED ($why); not repeated"
                failed="$failed$rs_set:$rs_prog "
                return 0
            fi
            ve=$(summary val_e_rmse_per_atom "$out"); vf=$(summary val_f_rmse "$out")
            [ "$rs_rep" = 1 ] && sed -n 's/^# cache built in/# '"$rs_set $rs_prog"': cache built in/p' "$out" ;;
    esac
    echo "$rs_set $rs_rep $rs_prog $e $(wall "$tim") $(rss_mib "$tim") $ve $vf" >> "$res"
    printf '  %-8s rep %-2s %-8s epoch %9s s   wall %8s s   RSS %9s MiB\n' "$rs_set" "$rs_rep" "$rs_prog" "$e" "$(wall "$tim")" "$(rss_mib "$tim")"
}

for s in $sets; do
    d=$tmp/$s; mkdir -p "$d"
    make_data "$s" "$d"
    write_options "$d/options64.yaml" 64 "$set_epochs" "$unit"
    write_options "$d/options32.yaml" 32 "$set_epochs" "$unit"
    progs="mtt64 mtt32 bench64 bench32"
    if [ $have_ref = 1 ]; then
        progs="$progs ref64 ref32"
        for dt in 64 32; do
            est=$("$py" "$here/cache_estimate.py" "$d/data.xyz" float$dt) ||
                { echo "periodic.sh: cache_estimate.py failed on $s" >&2; exit 1; }
            echo "# $s: reference --cache float$dt estimate: $est" |
                awk '{ for (i = 1; i <= NF; ++i) if ($i ~ /^(stored|build|total)=/) { split($i, kv, "="); $i = sprintf("%s=%.2fGiB", kv[1], kv[2] / 2^30) } print }'
            total=$(echo "$est" | sed 's/.*total=\([0-9]*\).*/\1/')
            secs=$(echo "$est" | sed 's/.*seconds=\([0-9]*\).*/\1/')
            if ! awk -v t="$total" -v g="$mem_gib" 'BEGIN { exit !(t <= g * 2^30) }'; then
                echo "# $s: reference --cache float$dt SKIPPED: estimated $(awk -v t="$total" 'BEGIN { printf "%.1f", t / 2^30 }') GiB > ${mem_gib} GiB (REF_MEMORY_GIB)"
            elif [ "$secs" -gt "$ref_timeout" ]; then
                echo "# $s: reference --cache float$dt SKIPPED: its cache build is estimated at $secs s > ${ref_timeout} s (REF_TIMEOUT_S)"
            else
                progs="$progs refc$dt"
            fi
        done
    fi
    echo "# $s: $set_epochs epochs; programs: $progs"
    r=1
    while [ "$r" -le "$repeats" ]; do
        for p in $progs; do
            case "$failed" in *" $s:$p "*) continue ;; esac
            run_one "$s" "$d" "$r" "$p"
        done
        r=$((r + 1))
    done
done

awk -v R="$repeats" -v sets="$sets" -v failed="$failed" '
function median(v, n,   i, j, t) {
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && v[j - 1] > v[j]; --j) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : 0.5 * (v[n / 2] + v[n / 2 + 1])
}
{ k = $1 SUBSEP $3; ep[k, $2] = $4; wl[k, $2] = $5; rs[k, $2] = $6; ve[k, $2] = $7; vf[k, $2] = $8; seen[k] = 1 }
END {
    np = split("mtt64 bench64 ref64 refc64 mtt32 bench32 ref32 refc32", prog, " ")
    label["mtt64"] = "mtt train, 64"; label["bench64"] = "mtt bench_train, 64"
    label["ref64"] = "reference, float64"; label["refc64"] = "reference --cache, float64"
    label["mtt32"] = "mtt train, 32"; label["bench32"] = "mtt bench_train, 32"
    label["ref32"] = "reference, float32"; label["refc32"] = "reference --cache, float32"
    ns = split(sets, set, " ")
    for (q = 1; q <= ns; ++q) {
        s = set[q]
        printf "\n%s: medians over %d repeat(s); ratios = reference / mtt of the same repeat and precision\n", s, R
        printf "%-27s %19s %12s %12s %7s %9s %9s %13s %13s\n", "program", "epoch s min/median", "ref/train", "ref/bench", "target",
               "wall s", "RSS MiB", "val E/atom", "val F"
        for (i = 1; i <= np; ++i) {
            p = prog[i]; k = s SUBSEP p
            if (!(k in seen)) {
                if (index(failed, " " s ":" p " ")) printf "%-27s %19s\n", label[p], "FAILED (see above)"
                continue
            }
            n = 0; mn = 1e300; big = 0
            for (r = 1; r <= R; ++r) if ((k, r) in ep) {
                ++n; e[n] = ep[k, r]; w[n] = wl[k, r]; if (e[n] < mn) mn = e[n]; if (rs[k, r] > big) big = rs[k, r]
                last = r
                bits = substr(p, length(p) - 1)
                if (p ~ /^ref/) { qt[n] = ep[k, r] / ep[s SUBSEP "mtt" bits, r]; qb[n] = ep[k, r] / ep[s SUBSEP "bench" bits, r] }
            }
            ratio_t = ratio_b = target = ""
            if (p ~ /^ref/) {
                ratio_t = sprintf("%.1fx", median(qt, n)); ratio_b = sprintf("%.1fx", median(qb, n))
                target = p ~ /^refc/ ? ">= 3x" : ">= 20x"
            }
            me = median(e, n); mw = median(w, n)
            printf "%-27s %9.4f/%-9.4f %12s %12s %7s %9.2f %9.1f %13s %13s\n", label[p], mn, me, ratio_t, ratio_b, target, mw, big,
                   ve[k, last], vf[k, last]
        }
        for (r = 1; r <= R; ++r) { a[r] = ep[s SUBSEP "mtt64", r] / ep[s SUBSEP "mtt32", r]; b[r] = ep[s SUBSEP "bench64", r] / ep[s SUBSEP "bench32", r] }
        printf "mtt 64/32 epoch time, median of the repeats: mtt train %.2fx, bench_train %.2fx (goal >= 1.6x)\n", median(a, R), median(b, R)
    }
    print "\nval E/atom, val F: validation RMSEs after the last epoch of the last repeat, data units (own splits)."
    print "mtt train epoch times include the validation pass of every epoch; bench_train and the reference time the training pass only."
}' "$res"
