#!/bin/sh
# test_comm.sh — the MPI boundary on 3 ranks (MPI build with mpiexec), else
# as one process.  The program prints the TAP lines from rank 0.
set -u
top_builddir=${top_builddir:-.}
prog="$top_builddir/tests/test_comm"
if [ -n "${MPIEXEC:-}" ] && [ -x "${MPIEXEC:-}" ] && "${MTT:-$top_builddir/mtt}" --version | grep -q "MPI:  yes"; then
    exec timeout 120 "$MPIEXEC" -n 3 --oversubscribe "$prog"
fi
exec timeout 120 "$prog"
