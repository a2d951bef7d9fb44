/* ckpt_read.c — mtt_ckpt_read, mtt_ckpt_probe, mtt_ckpt_free: the serial
 * reader with full validation.
 *
 * Order of the checks, so that each damaged file gets the most useful
 * sentence: the file exists and is readable (MTT_ERR_IO); it is HDF5; HDF5
 * opens it (a truncated file is named as such); the root attribute `format`
 * is "mtt-checkpoint"; `format_version` is not newer than this program's;
 * `complete` is 1; then every item of ckpt_layout.c (type, shape, checksum,
 * consistent counts); last the root checksum over the root attributes and
 * the dataset checksums.  Needs no MPI; any rank count may have written.
 * Cost: one read of the whole file and one checksum pass.
 */
#include "config.h"

#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/ckpt_checksum.h"
#include "io/ckpt_hdf5.h"
#include "io/ckpt_io.h"
#include "io/ckpt_layout.h"
#include "io/ckpt_read_items.h"

/* The file is there, a regular file, and readable. */
static mtt_status check_file(const char *path, mtt_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int e = errno;
        if (e == ENOENT)
            return mtt_error_set(err, MTT_ERR_IO, "checkpoint %s does not exist; check the path",
                                 path);
        return mtt_error_set(err, MTT_ERR_IO, "cannot read checkpoint %s: %s", path, strerror(e));
    }
    if (S_ISDIR(sb.st_mode))
        return mtt_error_set(err, MTT_ERR_IO, "checkpoint %s is a directory, not a file", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        int e = errno;
        return mtt_error_set(err, MTT_ERR_IO, "cannot read checkpoint %s: %s", path, strerror(e));
    }
    close(fd);
    return MTT_OK;
}

static mtt_status open_file(const char *path, hid_t *file, mtt_error *err)
{
    *file = -1;
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s is not an HDF5 file, so not an mtt "
                             "checkpoint", path);
    }
    /* strong close: whatever a failed read left open goes with the file */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0) H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    *file = H5Fopen(path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT);
    ckpt_h5_error e;
    if (*file < 0) ckpt_h5_error_take(&e);  /* before any other call clears the stack */
    if (fapl >= 0) H5Pclose(fapl);
    if (*file >= 0) return MTT_OK;
    if (e.cause == CKPT_CAUSE_TRUNCATED) {
        struct stat sb;
        long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s is truncated (%lld bytes, the file "
                             "records %llu): the copy or the write was cut short; use another "
                             "checkpoint", path, size, e.stored_eof);
    }
    char phrase[300];
    return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s: HDF5 cannot open it (%s); the file is "
                         "damaged", path, ckpt_h5_error_phrase(&e, phrase, sizeof phrase));
}

/* Format name, version and the complete flag, before anything else. */
static mtt_status check_identity(const char *path, hid_t file, mtt_error *err)
{
    char format[64] = "";
    if (ckpt_read_root_text(file, "format", format, sizeof format) != 0 ||
        strcmp(format, MTT_CKPT_FORMAT_NAME) != 0)
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s is an HDF5 file but not an mtt "
                             "checkpoint (no root attribute format = \"%s\")", path,
                             MTT_CKPT_FORMAT_NAME);
    int64_t version = 0;
    if (ckpt_read_root_i64(file, "format_version", &version) != 0 || version < 1)
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s: missing or invalid root attribute "
                             "format_version; the file is damaged", path);
    if (version > MTT_CKPT_FORMAT_VERSION)
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s was written by a newer mtt (format %lld > "
                             "%d); upgrade mtt to read it", path, (long long)version,
                             MTT_CKPT_FORMAT_VERSION);
    int64_t complete = 0;
    if (ckpt_read_root_i64(file, "complete", &complete) != 0 || complete != 1)
        return mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s is incomplete: the run was killed while "
                             "writing it (no complete flag); use another checkpoint", path);
    return MTT_OK;
}

mtt_status mtt_ckpt_read(const char *path, mtt_ckpt *c, mtt_error *err)
{
    memset(c, 0, sizeof *c);
    ckpt_h5_quiet quiet;
    ckpt_h5_quiet_begin(&quiet);
    ckpt_io io = {.path = path, .file = -1, .dxpl = -1, .lcpl = -1, .err = err, .size = 1};
    ckpt_read_items_install(&io);
    mtt_status st = check_file(path, err);
    if (st == MTT_OK) st = open_file(path, &io.file, err);
    if (st == MTT_OK) st = check_identity(path, io.file, err);
    if (st == MTT_OK) st = ckpt_layout_visit(&io, c);
    if (st == MTT_OK) {
        uint64_t stored = 0;
        if (ckpt_read_root_u64(io.file, "checksum", &stored) != 0)
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s: missing root attribute checksum; the "
                               "file is not a complete mtt checkpoint", path);
        else if (stored != mtt_ckpt_checksum_bytes(io.record, io.record_len))
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT, "%s: the root attributes fail the root "
                               "checksum: the file was altered; use another checkpoint", path);
    }
    if (io.file >= 0) H5Fclose(io.file);
    H5Eclear2(H5E_DEFAULT);
    free(io.record);
    if (st != MTT_OK) mtt_ckpt_free(c);
    ckpt_h5_quiet_end(&quiet);
    return st;
}

mtt_status mtt_ckpt_probe(const char *path, mtt_ckpt_progress *p, mtt_error *err)
{
    mtt_ckpt c;
    memset(p, 0, sizeof *p);
    MTT_FORWARD_IF_ERROR(mtt_ckpt_read(path, &c, err));
    p->epoch = c.epoch;
    p->step = c.step;
    p->global_step = c.global_step;
    p->steps_per_epoch = c.steps_per_epoch;
    p->finished = c.finished;
    p->world_size = c.world_size;
    mtt_ckpt_free(&c);
    return MTT_OK;
}

void mtt_ckpt_free(mtt_ckpt *c)
{
    if (!c) return;
    free(c->options_yaml);
    free(c->metadata_yaml);
    free(c->species);
    free(c->composition);
    free(c->params);
    free(c->best);
    free(c->layout);
    free(c->adam_m);
    free(c->adam_v);
    free(c->accum);
    mtt_ckpt_history *h = &c->history;
    for (size_t i = 0; h->names && i < h->n_cols; ++i) free(h->names[i]);
    for (size_t i = 0; h->units && i < h->n_cols; ++i) free(h->units[i]);
    free(h->names);
    free(h->units);
    free(h->values);
    for (int s = 0; s < 3; ++s) free(c->split[s]);
    memset(c, 0, sizeof *c);
}
