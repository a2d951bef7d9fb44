/* xyz_lines.c — chunked reading, in-place NUL termination, bounded growth.
 *
 * The buffer starts at one chunk and doubles only while a single line does
 * not fit, up to max_line + chunk; so memory stays bounded and ordinary files
 * never grow it.  Already scanned bytes are remembered (r->scan) so a long
 * line is searched for '\n' once, not once per refill.
 */
#include "config.h"

#include "data/xyz_lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK ((size_t)1 << 20)

mtt_status mtt_xyz_lines_open(mtt_xyz_lines *r, const char *path,
                              mtt_error *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->max_line = MTT_XYZ_MAX_LINE_DEFAULT;
    r->f = fopen(path, "rb");
    if (!r->f)
        return mtt_error_set(err, MTT_ERR_IO,
                             "%s: cannot open the data file (%s); check the "
                             "path in the options file", path, strerror(errno));
    r->cap = CHUNK + 1;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        fclose(r->f);
        r->f = NULL;
        return mtt_error_set(err, MTT_ERR_NOMEM,
                             "%s: out of memory for the read buffer", path);
    }
    return MTT_OK;
}

void mtt_xyz_lines_close(mtt_xyz_lines *r)
{
    if (!r) return;
    if (r->f) fclose(r->f);
    free(r->buf);
    r->f = NULL;
    r->buf = NULL;
}

/* Make room and read more; keeps [start, end) and the one spare byte used
 * for the final NUL. */
static mtt_status refill(mtt_xyz_lines *r, mtt_error *err)
{
    size_t have = r->end - r->start;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, have);
        r->start = 0;
        r->end = have;
    }
    if (r->cap - 1 - r->end < CHUNK / 2) {
        size_t limit = r->max_line + CHUNK + 1;
        size_t ncap = r->cap * 2 < limit ? r->cap * 2 : limit;
        if (ncap > r->cap) {
            char *nb = realloc(r->buf, ncap);
            if (!nb)
                return mtt_error_set(err, MTT_ERR_NOMEM,
                                     "%s:%lld: out of memory while reading a "
                                     "long line", r->path,
                                     (long long)r->line_no + 1);
            r->buf = nb;
            r->cap = ncap;
        }
    }
    size_t room = r->cap - 1 - r->end;
    size_t got = room ? fread(r->buf + r->end, 1, room, r->f) : 0;
    r->end += got;
    if (got < room) {
        if (ferror(r->f))
            return mtt_error_set(err, MTT_ERR_IO, "%s: read error (%s)",
                                 r->path, strerror(errno));
        r->eof = 1;
    }
    return MTT_OK;
}

static mtt_status too_long(mtt_xyz_lines *r, mtt_error *err)
{
    return mtt_error_set(err, MTT_ERR_DATA,
                         "%s:%lld: line longer than %zu MiB; the file is not "
                         "extended XYZ or is corrupt (missing newlines)",
                         r->path, (long long)r->line_no + 1, r->max_line >> 20);
}

mtt_status mtt_xyz_lines_next(mtt_xyz_lines *r, char **line, size_t *len,
                              mtt_error *err)
{
    for (;;) {
        char *base = r->buf + r->start;
        size_t have = r->end - r->start;
        char *nl = have > r->scan ? memchr(base + r->scan, '\n',
                                           have - r->scan) : NULL;
        size_t n;
        size_t consumed;
        if (nl) {
            n = (size_t)(nl - base);
            consumed = n + 1;
        } else if (r->eof) {
            if (have == 0) { *line = NULL; *len = 0; return MTT_OK; }
            n = have;
            consumed = have;
        } else {
            r->scan = have;
            if (have > r->max_line) return too_long(r, err);
            MTT_FORWARD_IF_ERROR(refill(r, err));
            continue;
        }
        if (n > r->max_line) return too_long(r, err);
        base[n] = '\0';  /* the spare byte when the file lacks a final newline */
        if (n > 0 && base[n - 1] == '\r') base[--n] = '\0';
        r->line_no++;
        r->offset = r->buf_offset;
        r->buf_offset += (int64_t)consumed;
        r->start += consumed;
        r->scan = 0;
        *line = base;
        *len = n;
        return MTT_OK;
    }
}

mtt_status mtt_xyz_lines_seek(mtt_xyz_lines *r, int64_t offset,
                              int64_t line_no, mtt_error *err)
{
    if (offset == r->buf_offset && line_no == r->line_no + 1) return MTT_OK;
    if (fseeko(r->f, (off_t)offset, SEEK_SET) != 0)
        return mtt_error_set(err, MTT_ERR_IO,
                             "%s: cannot seek to byte %lld (%s); was the file "
                             "changed since it was indexed?", r->path,
                             (long long)offset, strerror(errno));
    r->start = r->end = r->scan = 0;
    r->eof = 0;
    r->buf_offset = offset;
    r->offset = offset;
    r->line_no = line_no - 1;
    return MTT_OK;
}
