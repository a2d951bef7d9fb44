/* ckpt_write_items.h — the collective writer's item operations (ckpt_io.h).
 * Internal to src/io/.
 */
#ifndef MTT_IO_CKPT_WRITE_ITEMS_H
#define MTT_IO_CKPT_WRITE_ITEMS_H

#include "io/ckpt_io.h"

/* Install the write operations into io (file, comm, rank, size, dxpl, lcpl,
 * path and err must be set by the caller). */
void ckpt_write_items_install(ckpt_io *io);

/* Root attribute of type uint64 (the root checksum), collective. */
mtt_status ckpt_write_attr_u64(ckpt_io *io, const char *name, uint64_t v);

/* Record a local failure on this rank: the HDF5 error stack's reason in the
 * message "cannot write checkpoint PATH: REASON (WHAT)"; agreed later. */
void ckpt_write_local_failure(ckpt_io *io, mtt_status *local, const char *what);

/* Agree on local failures (collective); sets io->status for every rank. */
mtt_status ckpt_write_agree(ckpt_io *io, mtt_status local);

#endif
