/* comm_mpi.h — the MPI communicator behind an mtt_comm, for the one other
 * place allowed to see MPI: the collective HDF5 checkpoint writer in src/io/.
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
#endif

#endif
