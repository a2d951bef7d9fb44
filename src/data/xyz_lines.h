/* xyz_lines.h — buffered line reader with a hard cap on line length.
 *
 * Invariants: memory is bounded by max_line + one read chunk whatever the
 * file holds (a 2 GB line without a newline is an error after reading
 * max_line bytes, not an allocation of 2 GB); every returned line is
 * NUL-terminated in place (the '\n' and a trailing '\r' are removed) and
 * stays valid and writable until the next call; line numbers are 1-based.
 * Cost: one fread per chunk (1 MiB) and one memchr per line, no allocation
 * per line.
 */
#ifndef MTT_DATA_XYZ_LINES_H
#define MTT_DATA_XYZ_LINES_H

#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

#define MTT_XYZ_MAX_LINE_DEFAULT ((size_t)64 << 20) /* 64 MiB */

typedef struct mtt_xyz_lines {
    FILE *f;
    const char *path;    /* for messages; not owned */
    char *buf;           /* [0, cap): unread data lives in [start, end) */
    size_t cap, start, end;
    size_t scan;         /* bytes of [start, end) known to hold no '\n' */
    size_t max_line;     /* bytes; longer lines are an error */
    int eof;             /* fread reached the end of the file */
    int64_t line_no;     /* 1-based number of the line last returned */
    int64_t offset;      /* byte offset of the line last returned */
    int64_t buf_offset;  /* file offset of buf[start] */
} mtt_xyz_lines;

/* Open path for reading (MTT_ERR_IO naming the file when it cannot be). */
mtt_status mtt_xyz_lines_open(mtt_xyz_lines *r, const char *path,
                              mtt_error *err);
void mtt_xyz_lines_close(mtt_xyz_lines *r);

/* Next line into *line (length *len, without newline); *line = NULL at the
 * end of the file.  MTT_ERR_DATA for a line longer than r->max_line. */
mtt_status mtt_xyz_lines_next(mtt_xyz_lines *r, char **line, size_t *len,
                              mtt_error *err);

/* Continue reading at byte offset, whose line number is line_no (1-based). */
mtt_status mtt_xyz_lines_seek(mtt_xyz_lines *r, int64_t offset,
                              int64_t line_no, mtt_error *err);

#endif
