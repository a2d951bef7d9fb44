/* ckpt_read_items.h — the reader's item operations (ckpt_io.h): read, check
 * type, shape and checksum, allocate.  Internal to src/io/.
 */
#ifndef MTT_IO_CKPT_READ_ITEMS_H
#define MTT_IO_CKPT_READ_ITEMS_H

#include "io/ckpt_io.h"

/* Install the read operations into io (file, path and err set by the caller). */
void ckpt_read_items_install(ckpt_io *io);

/* Read a scalar root attribute as int64 / uint64 / text without recording it;
 * 0 when present and of the right kind, -1 when absent, -2 wrong type. */
int ckpt_read_root_i64(hid_t file, const char *name, int64_t *v);
int ckpt_read_root_u64(hid_t file, const char *name, uint64_t *v);
int ckpt_read_root_text(hid_t file, const char *name, char *buf, size_t cap);

#endif
