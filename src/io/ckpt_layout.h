/* ckpt_layout.h — the checkpoint's items, listed once for writer and reader.
 * Internal to src/io/.
 */
#ifndef MTT_IO_CKPT_LAYOUT_H
#define MTT_IO_CKPT_LAYOUT_H

#include "io/checkpoint.h"
#include "io/ckpt_io.h"

/* Visit every root attribute and dataset of format version 1 in the
 * canonical order of docs/checkpoint-format.md.  Writing: items are taken
 * from *c (not modified).  Reading: *c is filled (arrays malloc'd; on failure
 * what was filled is left for mtt_ckpt_free). */
mtt_status ckpt_layout_visit(ckpt_io *io, mtt_ckpt *c);

#endif
