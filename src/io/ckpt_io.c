/* ckpt_io.c — what the checkpoint writer and reader share: element sizes,
 * the root-checksum record, the first-failure rule. */
#include "config.h"

#include "io/ckpt_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ckpt_elem_size(const ckpt_item *item)
{
    switch (item->elem) {
    case CKPT_F64:
    case CKPT_I64: return 8;
    case CKPT_I32: return 4;
    case CKPT_TEXT: return item->width;
    }
    return 0;
}

uint64_t ckpt_item_count(const ckpt_item *item)
{
    uint64_t n = 1;
    for (int d = 0; d < item->ndims; ++d) n *= item->dims[d];
    return n;
}

static mtt_status record_append(ckpt_io *io, const void *bytes, size_t n)
{
    if (io->record_len + n > io->record_cap) {
        size_t cap = io->record_cap ? io->record_cap : 1024;
        while (cap < io->record_len + n) cap *= 2;
        unsigned char *p = realloc(io->record, cap);
        if (!p)
            return ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory for the checksum of %s",
                                io->path);
        io->record = p;
        io->record_cap = cap;
    }
    memcpy(io->record + io->record_len, bytes, n);
    io->record_len += n;
    return MTT_OK;
}

mtt_status ckpt_io_record_text(ckpt_io *io, const char *name, const char *value)
{
    MTT_FORWARD_IF_ERROR(record_append(io, name, strlen(name) + 1));
    return record_append(io, value, strlen(value) + 1);
}

mtt_status ckpt_io_record_u64(ckpt_io *io, const char *name, uint64_t value)
{
    unsigned char le[8];
    for (int i = 0; i < 8; ++i) le[i] = (unsigned char)(value >> (8 * i));
    MTT_FORWARD_IF_ERROR(record_append(io, name, strlen(name) + 1));
    return record_append(io, le, sizeof le);
}

mtt_status ckpt_io_fail(ckpt_io *io, mtt_status st, const char *fmt, ...)
{
    if (io->status != MTT_OK) return io->status;
    io->status = st;
    if (io->err) {
        va_list ap;
        va_start(ap, fmt);
        io->err->status = st;
        vsnprintf(io->err->msg, sizeof io->err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}
