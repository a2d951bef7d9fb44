/* ckpt_space.h — reserving the disk space of a checkpoint before HDF5
 * writes it.  Internal to src/io/.
 *
 * Why: HDF5 1.10 does not recover from a failed metadata flush (a later
 * close fails again and the library crashes at exit), so a full disk must
 * be found before HDF5 runs into it.  Rank 0 reserves the estimated size of
 * the file in the .tmp with fallocate(FALLOC_FL_KEEP_SIZE): the file's size
 * stays 0 for HDF5, the blocks are set aside, and a disk that is full or a
 * quota that is exceeded is reported as ENOSPC/EDQUOT right there.  File
 * systems without fallocate skip the reservation (failures then surface in
 * the writes, reported the same way).
 */
#ifndef MTT_IO_CKPT_SPACE_H
#define MTT_IO_CKPT_SPACE_H

#include <stdint.h>

#include "io/checkpoint.h"

/* Bytes the file of c will take, written by world_size ranks: the raw data
 * plus a margin for HDF5's metadata (about 1 KB per item, measured). */
uint64_t ckpt_space_estimate(const mtt_ckpt *c, int world_size);

/* Reserve bytes in the existing file tmp; MTT_ERR_IO naming path on ENOSPC,
 * EDQUOT or EFBIG; MTT_OK also when the file system cannot reserve. */
mtt_status ckpt_space_reserve(const char *tmp, const char *path, uint64_t bytes, mtt_error *err);

/* After a successful write: free what was reserved past the file's end
 * (the MPI-IO driver leaves it; the POSIX one truncates). */
void ckpt_space_trim(const char *tmp);

/* Give the blocks of a failed .tmp back (truncate to 0) so that closing it
 * can still write HDF5's last few bytes of metadata. */
void ckpt_space_release(const char *tmp);

#endif
