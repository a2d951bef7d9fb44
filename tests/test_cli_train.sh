#!/bin/sh
# test_cli_train.sh — `mtt train` end to end on good and bad input (TAP).
#
# Every bad input must give exactly one ERROR line naming the file and the
# line/column or key, exit 2 for options errors and 1 for data errors, and
# leave no run folder behind.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
ethanol="$top_srcdir/examples/ethanol/ethanol_reduced_100.xyz"
tap_init cli


# new_case NAME: fresh folder with a valid options.yaml and data.xyz
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
    num_epochs: 10
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

# expect_fail NAME CODE PATTERN [mtt args...]: run in the case folder
expect_fail() {
    name=$1; code=$2; pattern=$3; shift 3
    (cd "$case_dir" && timeout 120 "$MTT" train "$@" >out 2>err)
    got=$?
    nerr=$(grep -c 'ERROR' "$case_dir/err")
    if [ "$got" -ne "$code" ]; then
        not_ok "$name" "exit code $got, expected $code"
    elif ! grep -qF -- "$pattern" "$case_dir/err"; then
        not_ok "$name" "stderr lacks: $pattern"
    elif [ "$nerr" -ne 1 ]; then
        not_ok "$name" "expected one ERROR line, got $nerr"
    elif [ -d "$case_dir/outputs" ]; then
        not_ok "$name" "a run folder was left behind"
    else
        ok "$name"
    fi
}

# set_option SED-EXPRESSION: edit options.yaml
edit_options() { sed -i "$1" "$case_dir/options.yaml"; }

# ---- command line ------------------------------------------------------------
new_case usage
(cd "$case_dir" && "$MTT" frobnicate >out 2>err); c=$?
if [ $c -eq 2 ] && grep -q "unknown command" "$case_dir/err" && grep -q usage "$case_dir/err"; then
    ok "unknown sub-command: usage, exit 2"; else not_ok "unknown sub-command: usage, exit 2" "exit $c"; fi
(cd "$case_dir" && "$MTT" train options.yaml --frobnicate >out 2>err); c=$?
if [ $c -eq 2 ] && grep -q "unknown option '--frobnicate'" "$case_dir/err"; then
    ok "unknown flag: exit 2"; else not_ok "unknown flag: exit 2" "exit $c"; fi
(cd "$case_dir" && "$MTT" train --help >out 2>err); c=$?
if [ $c -eq 0 ] && grep -q -- "--override" "$case_dir/out"; then
    ok "train --help"; else not_ok "train --help" "exit $c"; fi
for sub in export eval; do
    (cd "$case_dir" && "$MTT" $sub --help >out 2>err); c=$?
    if [ $c -eq 0 ] && grep -q "usage: mtt $sub" "$case_dir/out"; then
        ok "$sub --help"; else not_ok "$sub --help" "exit $c"; fi
done
(cd "$case_dir" && "$MTT" --version >out 2>err); c=$?
if [ $c -eq 0 ] && grep -q "^mtt " "$case_dir/out" && grep -q "HDF5:" "$case_dir/out" \
   && grep -q "BLAS:" "$case_dir/out" && grep -q "MPI:" "$case_dir/out"; then
    ok "--version shows the build configuration"; else not_ok "--version" "exit $c"; fi
# the revision is the one built, not the one configured (mtt_revision.h, rewritten by make)
head_rev=$(cd "$top_srcdir" && git rev-parse --short=12 HEAD 2>/dev/null)
if [ -z "$head_rev" ]; then
    skip "--version revision: the sources are not a git checkout"
elif [ "$(sed -n '1s/^mtt [^ ]* (git \([^)]*\)).*/\1/p' "$case_dir/out")" = "$head_rev" ]; then
    ok "--version names the git revision that was built ($head_rev)"
else
    not_ok "--version revision" "$(head -1 "$case_dir/out"), HEAD is $head_rev"
fi

# ---- OpenBLAS kernels: mtt runs the widest unless the user chose -------------
# (src/cli/blas_kernel.c; docs/training.md, "BLAS kernels")
avx512=1
for flag in avx512f avx512cd avx512dq avx512bw avx512vl; do
    grep -qw "$flag" /proc/cpuinfo 2>/dev/null || avx512=0
done
if [ "$avx512" -eq 1 ] && "$MTT" --version | grep -q "DYNAMIC_ARCH"; then
    wide=SkylakeX; grep -qw avx512_bf16 /proc/cpuinfo && wide=Cooperlake
    new_case blas_narrow
    edit_options 's/num_epochs: 10/num_epochs: 1/'
    # a narrower kernel the user set stays, with one warning naming the wide one
    for narrow in Haswell Prescott; do
        rm -rf "$case_dir/outputs"
        (cd "$case_dir" && OPENBLAS_CORETYPE=$narrow timeout 120 "$MTT" train options.yaml \
            --progress=never >out 2>err); c=$?
        nwarn=$(cat "$case_dir/out" "$case_dir/err" | grep -c "leaves this CPU's AVX-512 unused")
        if [ $c -eq 0 ] && [ "$nwarn" -eq 1 ] && grep -q "kernel: $narrow)" "$case_dir/out" && \
           grep -q "unset OPENBLAS_CORETYPE or set it to $wide" "$case_dir/out" "$case_dir/err" && \
           grep -q "dimension <= 64: mtt's AVX2 loops" "$case_dir/out"; then
            ok "OPENBLAS_CORETYPE=$narrow on an AVX-512 CPU: kept, one warning naming $wide, mtt's thin products"
        else
            not_ok "OPENBLAS_CORETYPE=$narrow kept with a warning" "exit $c, $nwarn warnings"
        fi
    done
    rm -rf "$case_dir/outputs"
    (cd "$case_dir" && OPENBLAS_CORETYPE=$wide timeout 120 "$MTT" train options.yaml \
        --progress=never >out 2>err); c=$?
    if [ $c -eq 0 ] && grep -q "kernel: $wide" "$case_dir/out" "$case_dir/err" && \
       ! grep -q "AVX-512 unused\|mtt set OPENBLAS_CORETYPE" "$case_dir/out" "$case_dir/err" && \
       grep -q "dimension <= 64: OpenBLAS" "$case_dir/out"; then
        ok "OPENBLAS_CORETYPE=$wide: no kernel warning, OpenBLAS's thin products"
    else
        not_ok "OPENBLAS_CORETYPE=$wide: no kernel warning" "exit $c"
    fi
    # unset: an AVX-512 kernel, OpenBLAS's own or the one mtt set (and says so)
    rm -rf "$case_dir/outputs"
    (cd "$case_dir" && env -u OPENBLAS_CORETYPE timeout 120 "$MTT" train options.yaml \
        --progress=never >out 2>err); c=$?
    core=$(sed -n 's/.*(kernel: \([A-Za-z0-9]*\)).*/\1/p' "$case_dir/out" | head -n 1)
    case $core in SkylakeX|Cooperlake|SapphireRapids) core_ok=1 ;; *) core_ok=0 ;; esac
    if grep -q "mtt set OPENBLAS_CORETYPE=$wide" "$case_dir/out"; then
        how="mtt set it: OpenBLAS chose $(sed -n "s/.*OpenBLAS chose its '\([A-Za-z0-9]*\)'.*/\1/p" "$case_dir/out")"
    else how="OpenBLAS's own choice"; fi
    if [ $c -eq 0 ] && [ $core_ok -eq 1 ] && ! grep -q "AVX-512 unused" "$case_dir/out" "$case_dir/err"; then
        ok "OPENBLAS_CORETYPE unset on an AVX-512 CPU: trains with $core ($how)"
    else
        not_ok "OPENBLAS_CORETYPE unset: an AVX-512 kernel" "exit $c, kernel '$core' ($how)"
    fi
else
    for t in "OPENBLAS_CORETYPE=Haswell kept" "OPENBLAS_CORETYPE=Prescott kept" \
             "AVX-512 OPENBLAS_CORETYPE: no warning" "OPENBLAS_CORETYPE unset: an AVX-512 kernel"; do
        skip "$t: no AVX-512 CPU or no DYNAMIC_ARCH OpenBLAS"
    done
fi

# ---- options errors (exit 2) ------------------------------------------------
new_case missing_options
expect_fail "options file missing" 2 "nonexistent.yaml" nonexistent.yaml

new_case yaml_syntax
printf 'seed: 42\narchitecture:\n  name: soap_bpnn\n  training: [1, 2\ntraining_set: data.xyz\n' > "$case_dir/options.yaml"
expect_fail "YAML syntax error gives file:line:col" 2 "options.yaml:5:" options.yaml

new_case unknown_key
edit_options 's/num_epochs: 10/num_epoch: 10/'
expect_fail "unknown key suggests the nearest" 2 "did you mean num_epochs" options.yaml

new_case wrong_type
edit_options 's/num_epochs: 10/num_epochs: ten/'
expect_fail "wrong type names the key and line" 2 "options.yaml:6:" options.yaml

new_case val_range
edit_options 's/validation_set: 0.1/validation_set: 1.5/'
expect_fail "validation_set out of range" 2 "validation_set" options.yaml

new_case batch_zero
edit_options 's/batch_size: 8/batch_size: 0/'
expect_fail "batch_size 0 out of range" 2 "batch_size" options.yaml

new_case cutoff_negative
expect_fail "cutoff.radius -1 out of range (override)" 2 "radius" options.yaml \
    -r architecture.model.soap.cutoff.radius=-1

new_case fractions_sum
edit_options 's/test_set: 0.1/test_set: 0.9/'
expect_fail "validation + test fractions >= 1" 2 "test_set" options.yaml

new_case no_training_set
printf 'seed: 1\narchitecture:\n  name: soap_bpnn\nvalidation_set: 0.1\ntest_set: 0.1\n' > "$case_dir/options.yaml"
expect_fail "missing training_set" 2 "training_set" options.yaml

new_case bad_override
expect_fail "unknown key in an override" 2 "did you mean num_epochs" options.yaml \
    -r architecture.training.num_epoch=3

# ---- data errors (exit 1) ---------------------------------------------------
new_case missing_data
edit_options 's/read_from: data.xyz/read_from: nowhere.xyz/'
expect_fail "data file missing" 1 "nowhere.xyz" options.yaml

new_case empty_data
: > "$case_dir/data.xyz"
expect_fail "empty data file" 1 "data.xyz" options.yaml

new_case count_not_number
sed -i '1s/.*/nine/' "$case_dir/data.xyz"
expect_fail "atom-count line not a number" 1 "data.xyz:1:" options.yaml

new_case count_mismatch
sed -i '1s/.*/10/' "$case_dir/data.xyz"
expect_fail "atom count does not match the atom lines" 1 "data.xyz:" options.yaml

new_case bad_number
sed -i '3s/^H [^ ]*/H 0.1.2/' "$case_dir/data.xyz"
expect_fail "a number that does not parse" 1 "data.xyz:3" options.yaml

new_case nan_position
sed -i '4s/^H [^ ]*/H nan/' "$case_dir/data.xyz"
expect_fail "NaN in positions" 1 "data.xyz:4" options.yaml

new_case inf_energy
sed -i '2s/energy=[^ ]*/energy=inf/' "$case_dir/data.xyz"
expect_fail "inf energy" 1 "data.xyz:2" options.yaml

new_case nan_force
sed -i '5s/ [^ ]* *$/ nan/' "$case_dir/data.xyz"
expect_fail "NaN in forces" 1 "data.xyz:5" options.yaml

new_case columns
sed -i '6s/ [^ ]* *$//' "$case_dir/data.xyz"
expect_fail "Properties column count does not match a line" 1 "data.xyz:6" options.yaml

new_case element
sed -i '3s/^H /Xx /' "$case_dir/data.xyz"
expect_fail "unknown element symbol" 1 "Xx" options.yaml

new_case energy_absent
sed -i '13s/energy=[^ ]*//' "$case_dir/data.xyz"
expect_fail "energy key absent in a frame" 1 "data.xyz:13" options.yaml

new_case long_line
printf '9\n' > "$case_dir/data.xyz"
truncate -s 2G "$case_dir/data.xyz"  # sparse: a 2 GB second line without newline
if command -v /usr/bin/time >/dev/null 2>&1; then
    (cd "$case_dir" && /usr/bin/time -f '%M' -o rss timeout 120 "$MTT" train options.yaml >out 2>err)
    got=$?
    rss=$(tail -n 1 "$case_dir/rss" 2>/dev/null || echo 0)
else
    (cd "$case_dir" && timeout 120 "$MTT" train options.yaml >out 2>err); got=$?; rss=0
fi
if [ $got -eq 1 ] && grep -q "data.xyz:2" "$case_dir/err" && [ "${rss:-0}" -lt 400000 ] \
   && [ ! -d "$case_dir/outputs" ]; then
    ok "2 GB line without newline: clean error, bounded memory (${rss} KiB)"
else
    not_ok "2 GB line without newline" "exit $got, max RSS ${rss} KiB"
fi
rm -f "$case_dir/data.xyz"

# ---- good input ---------------------------------------------------------------
new_case forces_absent
sed -i '2,$s/^\([A-Z][a-z]*\( [^ ]*\)\{3\}\).*/\1/; s/forces:R:3//; s/Properties=species:S:1:pos:R:3:/Properties=species:S:1:pos:R:3/' "$case_dir/data.xyz"
(cd "$case_dir" && timeout 120 "$MTT" train options.yaml >out 2>err); c=$?
if grep "WARNING" "$case_dir/err" | grep -q "forces" && ! grep -q ERROR "$case_dir/err" && [ $c -eq 0 ]; then
    ok "forces absent: a warning, not an error; trains on energies"; else not_ok "forces absent: warning" "exit $c"; fi

new_case debug
(cd "$case_dir" && timeout 120 "$MTT" --debug train options.yaml -r architecture.training.num_epochs=2 \
    >out 2>err); c=$?
(cd "$case_dir" && rm -rf outputs && timeout 120 "$MTT" train options.yaml \
    -r architecture.training.num_epochs=2 >out2 2>err2); c2=$?
if [ $c -eq 0 ] && [ $c2 -eq 0 ] && [ "$(cat "$case_dir/out" "$case_dir/err" | grep -c '\[DEBUG\] - Epoch [01], time by phase on rank 0: descriptors')" -eq 2 ] \
   && ! grep -q DEBUG "$case_dir/out2" "$case_dir/err2"; then
    ok "--debug: one DEBUG line per epoch with its time by phase; none without it"
else
    not_ok "--debug" "exit $c/$c2, $(grep -c DEBUG "$case_dir/out" "$case_dir/err" | tr '\n' ' ')"
fi

new_case good
(cd "$case_dir" && timeout 120 "$MTT" train options.yaml -r architecture.training.num_epochs=3 >out 2>err); c=$?
run=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | head -n 1)
if [ -n "$run" ] && [ -f "$run/train.log" ] && [ -f "$run/options_restart.yaml" ] \
   && [ -f "$run/indices/training.txt" ] && [ -f "$run/indices/validation.txt" ] \
   && [ -f "$run/indices/test.txt" ]; then
    ok "run folder holds train.log, options_restart.yaml, indices"
else
    not_ok "run folder contents" "run=$run exit=$c"
fi
if [ -n "$run" ] && [ "$(wc -l < "$run/indices/validation.txt")" -eq 10 ] \
   && [ "$(wc -l < "$run/indices/test.txt")" -eq 10 ] \
   && [ "$(wc -l < "$run/indices/training.txt")" -eq 80 ]; then
    ok "split 80/10/10 written to indices"; else not_ok "split sizes"; fi
if [ -n "$run" ] && grep -q "num_epochs: 3" "$run/options_restart.yaml"; then
    ok "override reaches options_restart.yaml"; else not_ok "override in options_restart.yaml"; fi
if [ -n "$run" ] && diff -q "$case_dir/out" /dev/null >/dev/null; then
    not_ok "stdout mirrors train.log"
elif [ -n "$run" ] && [ $c -eq 0 ] && ! grep -q ERROR "$case_dir/err" && [ -f "$run/train.csv" ] \
     && grep -q "Evaluation of the best model" "$run/train.log" \
     && grep -q "test set (10 structures): energy RMSE" "$run/train.log" \
     && [ "$(grep -c 'Epoch: ' "$run/train.log")" -eq 2 ]; then
    ok "train runs 3 epochs (lines for epochs 0 and 2), writes train.csv, evaluates the test set, exit 0"
else
    not_ok "train runs to the end" "exit $c"
fi
if [ -n "$run" ] && grep -q "structures" "$run/train.log" && grep -qi "per-atom energy" "$run/train.log"; then
    ok "dataset statistics logged"; else not_ok "dataset statistics logged"; fi
serial_run=$run

new_case restart_options
(cd "$case_dir" && timeout 120 "$MTT" train options.yaml >out 2>err)
run=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | head -n 1)
if [ -n "$run" ]; then
    cp "$run/options_restart.yaml" "$case_dir/again.yaml"
    rm -rf "$case_dir/outputs"
    (cd "$case_dir" && timeout 120 "$MTT" train again.yaml >out2 2>err2)
    run2=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | head -n 1)
    if [ -n "$run2" ] && cmp -s "$run/options_restart.yaml" "$run2/options_restart.yaml" 2>/dev/null; then
        ok "options_restart.yaml reloads to the same options"
    elif [ -n "$run2" ] && diff "$case_dir/again.yaml" "$run2/options_restart.yaml" >/dev/null; then
        ok "options_restart.yaml reloads to the same options"
    else
        not_ok "options_restart.yaml reloads to the same options"
    fi
else
    not_ok "options_restart.yaml reloads to the same options" "no run folder"
fi

new_case seed_drawn
edit_options '/^seed:/d'
(cd "$case_dir" && timeout 120 "$MTT" train options.yaml >out 2>err)
run=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | head -n 1)
if [ -n "$run" ] && grep -qi "seed" "$run/train.log" && grep -qE "^seed: [0-9]+" "$run/options_restart.yaml"; then
    ok "absent seed is drawn, logged and written"; else not_ok "seed drawn"; fi

# expect_steps NAME STEPS TRAINED [launcher args...]: one epoch of the 80
# training structures in batches of 7 gives STEPS steps training TRAINED
expect_steps() {
    name=$1; steps=$2; trained=$3; shift 3
    new_case "steps_$steps"
    edit_options 's/batch_size: 8/batch_size: 7/; s/num_epochs: 10/num_epochs: 1/'
    (cd "$case_dir" && timeout 120 "$@" "$MTT" train options.yaml >out 2>err); c=$?
    if [ $c -eq 0 ] && grep -q "Training: 1 epochs of $steps steps" "$case_dir/out" && \
       grep -q "$trained of 80 training structures per epoch" "$case_dir/out"; then
        ok "$name"
    else
        not_ok "$name" "exit $c: $(grep 'Training:' "$case_dir/out")"
    fi
}

# one process drops the last partial batch, as metatrain's loader (drop_last)
expect_steps "one process, 80 structures in batches of 7: 11 steps (the partial batch dropped)" \
    11 77 env
new_case batch_too_large
edit_options 's/batch_size: 8/batch_size: 81/'
expect_fail "one process: batch_size above the training set's 80 structures" 2 \
    "fewer than architecture.training.batch_size (81); lower batch_size to at most 80" options.yaml

if [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ] && "$MTT" --version | grep -q "MPI:  yes"; then
    new_case mpi
    (cd "$case_dir" && timeout 120 "$MPIEXEC" -n 2 "$MTT" train options.yaml >out 2>err); c=$?
    runs=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | wc -l)
    mrun=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | head -n 1)
    if [ "$runs" -eq 1 ] && [ $c -eq 0 ] && grep -q "2 ranks" "$case_dir/out" \
       && [ "$(wc -l < "$mrun/indices/training.txt")" -eq 80 ] && [ -n "$serial_run" ] \
       && cmp -s "$mrun/indices/training.txt" "$serial_run/indices/training.txt" \
       && cmp -s "$mrun/indices/validation.txt" "$serial_run/indices/validation.txt" \
       && [ -f "$mrun/train.csv" ] && grep -q "Evaluation of the best model" "$mrun/train.log"; then
        ok "mpirun -n 2: trains, one run folder, the serial run's split"; else not_ok "mpirun -n 2" "runs=$runs exit=$c"; fi
    # the cache line gives the sum and each rank's extremes: min <= max, min + max = sum on 2 ranks
    cache_line=$(grep -h 'Descriptor cache (training set)' "$mrun/train.log" 2>/dev/null | head -n 1)
    if echo "$cache_line" | sed -n 's/.*cached, \([0-9.]*\) MiB.*per rank \([0-9.]*\) to \([0-9.]*\) MiB.*/\1 \2 \3/p' |
       awk 'NF == 3 && $2 <= $3 && $2 > 0 { d = $2 + $3 - $1; ok = d < 0.16 && d > -0.16 } END { exit !ok }'; then
        ok "mpirun -n 2: the descriptor cache line names each rank's extremes"
    else
        not_ok "mpirun -n 2: the descriptor cache line names each rank's extremes" "$cache_line"
    fi
    sleep 1  # a new run folder name
    (cd "$case_dir" && timeout 120 "$MPIEXEC" -n 2 "$MTT" train options.yaml >out2 2>err2)
    mrun2=$(ls -d "$case_dir"/outputs/*/* 2>/dev/null | tail -n 1)
    if [ -n "$mrun" ] && [ "$mrun2" != "$mrun" ] && cmp -s "$mrun/train.csv" "$mrun2/train.csv"; then
        ok "mpirun -n 2 twice: bitwise identical train.csv"; else not_ok "mpirun -n 2 twice: identical train.csv"; fi
    expect_steps "mpirun -n 2, 40 structures per rank in batches of 7: 6 steps (partial batches kept)" \
        6 80 "$MPIEXEC" -n 2
    new_case mpi_bad
    sed -i '400s/^\([A-Z][a-z]*\) [^ ]*/\1 zz/' "$case_dir/data.xyz"
    (cd "$case_dir" && timeout 120 "$MPIEXEC" -n 2 "$MTT" train options.yaml >out 2>err); c=$?
    nerr=$(grep -c ERROR "$case_dir/err")
    if [ $c -eq 1 ] && [ "$nerr" -eq 1 ] && grep -q "data.xyz:400" "$case_dir/err" && [ ! -d "$case_dir/outputs" ]; then
        ok "mpirun -n 2: a data error on one rank is reported once, all exit 1"
    else
        not_ok "mpirun -n 2 data error" "exit $c, $nerr ERROR lines"
    fi
else
    skip "mpirun -n 2: trains, one run folder, the serial run's split: serial build or no mpiexec"
    skip "mpirun -n 2: the descriptor cache line names each rank's extremes: serial build or no mpiexec"
    skip "mpirun -n 2 twice: bitwise identical train.csv: serial build or no mpiexec"
    skip "mpirun -n 2: a data error on one rank is reported once: serial build or no mpiexec"
    skip "mpirun -n 2 keeps partial batches: serial build or no mpiexec"
fi

tap_done
