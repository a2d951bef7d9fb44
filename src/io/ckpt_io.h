/* ckpt_io.h — one interface for writing and reading a checkpoint's items, so
 * that the file's layout is listed exactly once (ckpt_layout.c) and the
 * writer and the reader cannot drift apart.  Internal to src/io/.
 *
 * The layout visits every item in the canonical order of
 * docs/checkpoint-format.md: root attributes first, then datasets.  The
 * writer (ckpt_write_items.c) implements the three operations collectively
 * (every rank calls each with the same arguments; failures are agreed inside
 * each call, so after one, every rank sees io->status != MTT_OK and later
 * calls return at once); the reader (ckpt_read_items.c) reads, checks type,
 * shape and checksum, and allocates.  Both append the item's record to the
 * root-checksum byte string (ckpt_io_record_*), in visiting order.
 */
#ifndef MTT_IO_CKPT_IO_H
#define MTT_IO_CKPT_IO_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "parallel/comm.h"
#include "util/status.h"

typedef enum ckpt_elem {
    CKPT_F64,   /* IEEE binary64, little-endian in the file */
    CKPT_I64,   /* signed 64-bit, little-endian */
    CKPT_I32,   /* signed 32-bit, little-endian */
    CKPT_TEXT   /* fixed-length NUL-padded UTF-8 strings of `width` bytes */
} ckpt_elem;

#define CKPT_SLICED 1u        /* replicated large array: each rank writes its slice */
#define CKPT_ROW_PER_RANK 2u  /* [world_size × n]: rank r writes row r from its own data */
#define CKPT_OPTIONAL 4u      /* may be absent (write: data NULL; read: present = 0) */

typedef struct ckpt_item {
    const char *path;   /* "/parameters/latest" */
    ckpt_elem elem;
    int ndims;          /* 0 (scalar), 1 or 2 */
    uint64_t dims[2];   /* write: shape (ROW_PER_RANK: dims[1] only); read: shape found */
    size_t width;       /* CKPT_TEXT: bytes per string; scalar text: its length */
    unsigned flags;
    int present;        /* read: 0 when an optional item is absent */
} ckpt_item;

typedef struct ckpt_io ckpt_io;
struct ckpt_io {
    int writing;                /* 1 writer, 0 reader */
    const char *path;           /* the checkpoint's name in messages */
    hid_t file;
    const mtt_comm *comm;       /* writer: collective; reader: NULL */
    int rank, size;
    hid_t dxpl;                 /* writer: data transfer (collective with MPI) */
    hid_t lcpl;                 /* writer: creates intermediate groups */
    int64_t world_size;         /* reader: from the root attribute (rows of per-rank items) */
    unsigned char *record;      /* root-checksum byte string */
    size_t record_len, record_cap;
    mtt_status status;          /* first (agreed) failure; later calls do nothing */
    mtt_error *err;

    /* Root attribute: text into/from buf (cap bytes with the NUL). */
    mtt_status (*attr_text)(ckpt_io *io, const char *name, char *buf, size_t cap);
    /* Root attribute: signed 64-bit integer. */
    mtt_status (*attr_i64)(ckpt_io *io, const char *name, int64_t *v);
    /* Dataset: write from *data / read into a malloc'd *data (text scalars
     * NUL-terminated).  Read: dims and width are set from the file. */
    mtt_status (*data)(ckpt_io *io, ckpt_item *item, void **data);
};

/* Element size in memory and in the file (text: the item's width). */
size_t ckpt_elem_size(const ckpt_item *item);
/* Elements in the item (1 for scalars). */
uint64_t ckpt_item_count(const ckpt_item *item);

/* Append "name\0value\0" / "name\0" + 8 LE bytes to the root record. */
mtt_status ckpt_io_record_text(ckpt_io *io, const char *name, const char *value);
mtt_status ckpt_io_record_u64(ckpt_io *io, const char *name, uint64_t value);

/* Set io->status and the message (once: the first failure is kept). */
mtt_status ckpt_io_fail(ckpt_io *io, mtt_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
