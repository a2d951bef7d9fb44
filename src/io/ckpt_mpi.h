/* ckpt_mpi.h — the MPI part of the collective checkpoint writer: file access
 * through MPI-IO, collective transfers, gathering per-rank rows.  Without MPI
 * these fall back to the serial HDF5 driver and plain copies.  Internal to
 * src/io/ (the only place besides src/parallel/ that sees MPI).
 */
#ifndef MTT_IO_CKPT_MPI_H
#define MTT_IO_CKPT_MPI_H

#include <stddef.h>

#include <hdf5.h>

#include "parallel/comm.h"

/* File access list: libver bounds 1.8 (checksummed object headers), MPI-IO
 * on comm in the MPI build, the default POSIX driver otherwise (and when
 * comm is NULL: a one-process write). */
hid_t ckpt_mpi_file_access(const mtt_comm *comm);

/* Data transfer list: collective MPI-IO transfers (comm non-NULL in the
 * MPI build), or the default. */
hid_t ckpt_mpi_transfer(const mtt_comm *comm);

/* Gather n doubles from every rank into all (size × n, rank order) on rank 0
 * (all is only used there).  Collective. */
void ckpt_mpi_gather_rows(const mtt_comm *comm, const double *row, size_t n, double *all);

#endif
