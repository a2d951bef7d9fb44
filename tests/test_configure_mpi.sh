#!/bin/sh
# test_configure_mpi.sh — configure's MPI detection when CC is given (TAP).
# configure only, in scratch folders (no make): CC=mpicc in auto mode gives
# an MPI build (as Cray's cc wrapper would), a plain compiler a serial one,
# and --with-mpi=yes with a compiler that cannot build MPI programs stops
# with a message.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init configure-mpi

# configure in $work/$1 with CC=$2 and the remaining arguments; sets rc and
# the summary's MPI line
run_configure() {
    d="$work/$1"; cc=$2; shift 2
    mkdir -p "$d"
    (cd "$d" && CC=$cc timeout 300 "$top_srcdir/configure" "$@" >out 2>err)
    rc=$?
    mpi_line=$(grep -E '^ *MPI +:' "$d/out" | sed 's/^ *//')
}

mpicc=$(command -v mpicc 2>/dev/null || true)
plain_cc=$(command -v gcc 2>/dev/null || command -v cc 2>/dev/null || true)

if [ -n "$mpicc" ]; then
    run_configure wrapper mpicc
    if [ $rc -eq 0 ] && echo "$mpi_line" | grep -q ': yes' \
       && grep -q '^#define HAVE_MPI 1' "$work/wrapper/config.h"; then
        ok "CC=mpicc, auto: MPI detected through the compiler ($mpi_line)"
    else
        not_ok "CC=mpicc, auto: MPI detected" "exit $rc, summary '$mpi_line'" "$(tail -n 2 "$work/wrapper/err")"
    fi
    run_configure wrapper_off mpicc --without-mpi
    if [ $rc -eq 0 ] && echo "$mpi_line" | grep -q ': no'; then
        ok "CC=mpicc --without-mpi: serial build"
    else
        not_ok "CC=mpicc --without-mpi: serial" "exit $rc, summary '$mpi_line'"
    fi
else
    skip "CC=mpicc, auto: mpicc not installed (apt-get install -y libopenmpi-dev openmpi-bin)"
    skip "CC=mpicc --without-mpi: mpicc not installed"
fi

if [ -n "$plain_cc" ]; then
    run_configure plain "$plain_cc"
    if [ $rc -eq 0 ] && echo "$mpi_line" | grep -q ': no'; then
        ok "CC=$(basename "$plain_cc"), auto: no mpi.h for this compiler, serial build"
    else
        not_ok "CC=$(basename "$plain_cc"), auto: serial" "exit $rc, summary '$mpi_line'"
    fi
    run_configure plain_yes "$plain_cc" --with-mpi=yes
    if [ $rc -ne 0 ] && grep -q "cannot compile and link a program including mpi.h" "$work/plain_yes/err"; then
        ok "CC=$(basename "$plain_cc") --with-mpi=yes: configure stops and says why"
    else
        not_ok "CC=$(basename "$plain_cc") --with-mpi=yes: stops" "exit $rc" "$(tail -n 2 "$work/plain_yes/err")"
    fi
else
    skip "plain compiler, auto: no gcc or cc in PATH"
    skip "plain compiler, --with-mpi=yes: no gcc or cc in PATH"
fi
tap_done
