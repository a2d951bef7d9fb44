/* xyz_index.c — frame offsets of an extended-XYZ file in one pass.
 *
 * Only count lines are parsed; comment and atom lines are counted, not
 * read, so indexing runs at memchr speed.  Arrays grow geometrically.
 */
#include "config.h"

#include <stdlib.h>

#include "data/xyz.h"
#include "data/xyz_frame.h"
#include "data/xyz_lines.h"
#include "util/progress.h"

void mtt_xyz_index_free(mtt_xyz_index *idx)
{
    if (!idx) return;
    free(idx->offset);
    free(idx->line);
    free(idx->n_atoms);
    free(idx);
}

static int grow(mtt_xyz_index *idx, size_t *cap)
{
    size_t c = *cap ? 2 * *cap : 1024;
    int64_t *o = realloc(idx->offset, c * sizeof *o);
    if (o) idx->offset = o;
    int64_t *l = realloc(idx->line, c * sizeof *l);
    if (l) idx->line = l;
    int32_t *n = realloc(idx->n_atoms, c * sizeof *n);
    if (n) idx->n_atoms = n;
    if (!o || !l || !n) return 0;
    *cap = c;
    return 1;
}

mtt_status mtt_xyz_index_build(const char *path, mtt_xyz_index **out,
                               mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_xyz_lines r;
    mtt_xyz_index *idx = NULL;
    size_t cap = 0;
    *out = NULL;
    MTT_FORWARD_IF_ERROR(mtt_xyz_lines_open(&r, path, err));
    idx = calloc(1, sizeof *idx);
    if (!idx) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "%s: out of memory for the index", path);
        goto cleanup;
    }
    for (;;) {
        int64_t n = 0;
        int done = 0;
        st = mtt_xyz_count_line(&r, &n, &done, err);
        if (st != MTT_OK || done) break;
        if (idx->n_frames == cap && !grow(idx, &cap)) {
            st = mtt_error_set(err, MTT_ERR_NOMEM, "%s: out of memory for the index",
                               path);
            goto cleanup;
        }
        int64_t count_line = r.line_no;
        idx->offset[idx->n_frames] = r.offset;
        idx->line[idx->n_frames] = count_line;
        idx->n_atoms[idx->n_frames] = (int32_t)n;
        idx->n_frames++;
        /* indexing runs at memchr speed: report every 64 frames, not each */
        if ((idx->n_frames & 63) == 0) mtt_progress_update(r.offset);
        for (int64_t i = 0; i <= n; ++i) {  /* comment line + n atom lines */
            char *line;
            size_t len;
            st = mtt_xyz_lines_next(&r, &line, &len, err);
            if (st != MTT_OK) goto cleanup;
            if (!line && i == 0) {
                st = mtt_error_set(err, MTT_ERR_DATA,
                                   "%s:%lld: the file ends after the atom-count "
                                   "line; a comment line and the atom lines are "
                                   "missing", path, (long long)count_line);
                goto cleanup;
            }
            if (!line) {
                st = mtt_error_set(err, MTT_ERR_DATA,
                                   "%s:%lld: the file ends after %lld atom lines "
                                   "but line %lld says %lld atoms; fix that "
                                   "atom-count line", path, (long long)r.line_no,
                                   (long long)(i - 1),
                                   (long long)count_line, (long long)n);
                goto cleanup;
            }
        }
    }
    if (st == MTT_OK && idx->n_frames == 0)
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "%s:1: empty file, no frames found; check the path "
                           "or regenerate the data file", path);
cleanup:
    mtt_xyz_lines_close(&r);
    if (st != MTT_OK) {
        mtt_xyz_index_free(idx);
        return st;
    }
    *out = idx;
    return MTT_OK;
}
