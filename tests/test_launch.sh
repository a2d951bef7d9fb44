#!/bin/sh
# test_launch.sh — launch hygiene (TAP):
#   a build without MPI started as several tasks (the launcher's variables,
#   faked here) refuses with one line and exit 2, and only the first task
#   prints it; a SLURM batch script (no job step) and a single task still run;
#   an MPI build under mpiexec -n 2 prints a usage error once, not per rank.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init launch

mpi_build=0
"$MTT" --version | grep -q "MPI:  yes" && mpi_build=1

# run mtt with a clean launcher environment plus the given VAR=VALUE words;
# sets rc, and lines (stdout + stderr line count)
run_env() {
    env -u OMPI_COMM_WORLD_SIZE -u OMPI_COMM_WORLD_RANK -u PMI_SIZE -u PMI_RANK -u PMIX_RANK \
        -u SLURM_STEP_NUM_TASKS -u SLURM_PROCID -u SLURM_NTASKS -u SLURM_JOB_ID \
        "$@" "$MTT" train --help >"$work/out" 2>"$work/err"
    rc=$?
    lines=$(cat "$work/out" "$work/err" | wc -l)
}

if [ $mpi_build -eq 0 ]; then
    for launch in "OMPI_COMM_WORLD_SIZE=4 OMPI_COMM_WORLD_RANK=0:OMPI_COMM_WORLD_SIZE" \
                  "PMI_SIZE=2 PMI_RANK=0:PMI_SIZE" \
                  "PMIX_RANK=0 SLURM_STEP_NUM_TASKS=3 SLURM_PROCID=0 SLURM_NTASKS=3:SLURM_STEP_NUM_TASKS"; do
        vars=${launch%:*}; name=${launch#*:}
        run_env $vars
        if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "built without MPI" "$work/err" \
           && grep -q "$name" "$work/err"; then
            ok "serial mtt under $name: refused with one line, exit 2"
        else
            not_ok "serial mtt under $name refused" "exit $rc, $lines lines" "$(head -n 2 "$work/err")"
        fi
    done
    run_env OMPI_COMM_WORLD_SIZE=4 OMPI_COMM_WORLD_RANK=3
    if [ $rc -eq 2 ] && [ "$lines" -eq 0 ]; then
        ok "the other tasks refuse too (exit 2) and print nothing"
    else
        not_ok "task 3 of 4 refuses silently" "exit $rc, $lines lines"
    fi
    run_env PMIX_RANK=2
    if [ $rc -eq 2 ] && [ "$lines" -eq 0 ]; then
        ok "PMIx rank 2 without a size: refused (exit 2), silent"
    else
        not_ok "PMIx rank 2 refused" "exit $rc, $lines lines"
    fi
    run_env SLURM_JOB_ID=123 SLURM_NTASKS=8 SLURM_PROCID=0
    if [ $rc -eq 0 ] && grep -q "usage: mtt train" "$work/out"; then
        ok "a SLURM batch script (SLURM_NTASKS, no job step) still runs"
    else
        not_ok "SLURM batch script runs" "exit $rc" "$(head -n 2 "$work/err")"
    fi
    run_env OMPI_COMM_WORLD_SIZE=1 OMPI_COMM_WORLD_RANK=0
    if [ $rc -eq 0 ]; then ok "one task under a launcher runs"; else not_ok "one task runs" "exit $rc"; fi
else
    for what in "Open MPI" "PMI" "PMIx and SLURM step" "other tasks silent" "PMIx rank alone" \
                "SLURM batch script" "one task"; do
        skip "serial-build refusal ($what): this is the MPI build (faked launcher variables would confuse MPI_Init)"
    done
fi

# usage errors once under mpiexec (MPI build)
if [ $mpi_build -eq 1 ] && [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ]; then
    timeout 120 "$MPIEXEC" -n 2 "$MTT" train --no-such-flag x.yaml >"$work/out" 2>"$work/err"; rc=$?
    nmsg=$(grep -c "no-such-flag" "$work/err")
    if [ $rc -eq 2 ] && [ "$nmsg" -eq 1 ]; then
        ok "mpiexec -n 2 mtt train --no-such-flag: the usage error is printed once, exit 2"
    else
        not_ok "usage error once under mpiexec -n 2" "exit $rc, $nmsg lines naming the flag" "$(head -n 3 "$work/err")"
    fi
    timeout 120 "$MPIEXEC" -n 2 "$MTT" no-such-command >"$work/out" 2>"$work/err"; rc=$?
    nmsg=$(grep -c "unknown command" "$work/err")
    if [ $rc -eq 2 ] && [ "$nmsg" -eq 1 ]; then
        ok "mpiexec -n 2 mtt no-such-command: one message, exit 2"
    else
        not_ok "unknown command once under mpiexec -n 2" "exit $rc, $nmsg messages"
    fi
else
    skip "usage error once under mpiexec -n 2: serial build or no mpiexec"
    skip "unknown command once under mpiexec -n 2: serial build or no mpiexec"
fi
tap_done
