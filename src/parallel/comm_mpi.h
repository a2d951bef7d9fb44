/* comm_mpi.h — the MPI communicator behind an mtt_comm, for the node-shared
 * windows (src/parallel/shared.c) and for the one place outside
 * src/parallel/ allowed to see MPI: the collective HDF5 checkpoint writer in
 * src/io/.
 * Include only where HAVE_MPI is defined and MPI types are needed.
 */
#ifndef MTT_PARALLEL_COMM_MPI_H
#define MTT_PARALLEL_COMM_MPI_H

#include "config.h"

#ifdef HAVE_MPI
#include <mpi.h>

#include "parallel/comm.h"

/* The duplicated communicator (valid until mtt_comm_finalize). */
MPI_Comm mtt_comm_mpi(const mtt_comm *comm);
/* Count one collective call made on it outside comm.c (parallel/shared.c). */
void mtt_comm_mpi_count(const mtt_comm *comm);
#endif

#endif
