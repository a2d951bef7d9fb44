/* xyz_read.c — mtt_xyz_read: stream all frames, or seek to selected ones.
 *
 * Without a selection the file is read in one pass and arrays grow
 * geometrically; with an index (given or built) the exact sizes are known,
 * so the arrays are allocated once.  Missing optional quantities (forces,
 * stress, virial) are warned about once per call and dropped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "data/xyz.h"
#include "data/xyz_frame.h"
#include "util/progress.h"

/* Drop what some frame lacked and record where (ds->missing_line).  The
 * warning is the caller's: it alone knows whether other parts of the file,
 * read elsewhere, lacked it too (xyz.h). */
static void drop_missing(mtt_xyz_frame_ctx *c)
{
    mtt_dataset *ds = c->ds;
    /* stress means nothing for molecules: only periodic structures count */
    int any_periodic = 0;
    for (size_t i = 0; i < 3 * ds->n_structures && !any_periodic; ++i) any_periodic = ds->pbc[i];
    if (ds->has_forces && c->missing_forces) {
        ds->missing_line[0] = c->missing_forces;
        mtt_dataset_drop(ds, 'f');
    }
    if (ds->has_stress && c->missing_stress) {
        if (any_periodic) ds->missing_line[1] = c->missing_stress;
        mtt_dataset_drop(ds, 's');
    }
    if (ds->has_virial && c->missing_virial) {
        if (any_periodic) ds->missing_line[2] = c->missing_virial;
        mtt_dataset_drop(ds, 'v');
    }
}

static mtt_status read_selected(mtt_xyz_frame_ctx *c, const char *path,
                                const mtt_xyz_index *idx, const size_t *frames,
                                size_t n_frames, mtt_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n_frames; ++i) {
        size_t f = frames ? frames[i] : i;
        if (f >= idx->n_frames)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s: frame %zu requested but the file has %zu "
                                 "frames; check the split or index file", path,
                                 f, idx->n_frames);
        total += (size_t)idx->n_atoms[f];
    }
    MTT_FORWARD_IF_ERROR(mtt_dataset_reserve(c->ds, total, n_frames, err));
    for (size_t i = 0; i < n_frames; ++i) {
        size_t f = frames ? frames[i] : i;
        int done = 0;
        MTT_FORWARD_IF_ERROR(mtt_xyz_lines_seek(&c->lines, idx->offset[f],
                                                idx->line[f], err));
        MTT_FORWARD_IF_ERROR(mtt_xyz_frame_read(c, f, idx->n_atoms[f], &done, err));
        if (done)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: frame %zu is missing; was the file "
                                 "changed since it was indexed?", path,
                                 (long long)idx->line[f], f);
        mtt_progress_update((int64_t)i + 1);
    }
    return MTT_OK;
}

static mtt_status read_all(mtt_xyz_frame_ctx *c, const char *path,
                           mtt_error *err)
{
    for (size_t f = 0;; ++f) {
        int done = 0;
        MTT_FORWARD_IF_ERROR(mtt_xyz_frame_read(c, f, -1, &done, err));
        if (done) break;
    }
    if (c->ds->n_structures == 0)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:1: empty file, no frames found; check the "
                             "path or regenerate the data file", path);
    return MTT_OK;
}

mtt_status mtt_xyz_read(const char *path, const mtt_xyz_index *idx,
                        const size_t *frames, size_t n_frames,
                        const mtt_xyz_keys *keys, mtt_dataset **out,
                        mtt_error *err)
{
    static const mtt_xyz_keys no_keys = {NULL, NULL, NULL, NULL};
    mtt_status st = MTT_OK;
    mtt_xyz_index *own_idx = NULL;
    mtt_xyz_frame_ctx c;
    int opened = 0;
    memset(&c, 0, sizeof c);
    *out = NULL;
    c.keys = keys ? keys : &no_keys;
    if (frames && !idx) {
        st = mtt_xyz_index_build(path, &own_idx, err);
        if (st != MTT_OK) goto cleanup;
        idx = own_idx;
    }
    st = mtt_xyz_lines_open(&c.lines, path, err);
    if (st != MTT_OK) goto cleanup;
    opened = 1;
    st = mtt_dataset_create(c.keys->energy != NULL, c.keys->forces != NULL,
                            c.keys->stress != NULL, c.keys->virial != NULL,
                            &c.ds, err);
    if (st != MTT_OK) goto cleanup;
    if (idx)
        st = read_selected(&c, path, idx, frames, frames ? n_frames : idx->n_frames,
                           err);
    else
        st = read_all(&c, path, err);
    if (st != MTT_OK) goto cleanup;
    drop_missing(&c);
    mtt_dataset_shrink(c.ds);
cleanup:
    if (opened) mtt_xyz_lines_close(&c.lines);
    mtt_xyz_header_free(&c.header);
    mtt_xyz_index_free(own_idx);
    if (st != MTT_OK) {
        mtt_dataset_free(c.ds);
        return st;
    }
    *out = c.ds;
    return MTT_OK;
}
