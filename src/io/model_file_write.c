/* model_file_write.c — write an exported model (.pt) atomically.
 *
 * <path>.tmp is created (HDF5 ≥ 1.8 object headers, which carry their own
 * checksums), every dataset is written with a `checksum` attribute over its
 * raw little-endian bytes, then the root attributes and the root checksum;
 * the file is closed, fsynced, renamed over <path> and the folder fsynced.
 * Any failure removes the .tmp and leaves an existing <path> untouched.
 */
#include "config.h"

#include "io/model_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/ckpt_checksum.h"
#include "io/model_h5.h"
#include "util/file.h"

typedef struct writer {
    hid_t file;
    const char *path;   /* the final path, for messages */
    uint64_t sums[MTT_DS_COUNT];
    mtt_error *err;
} writer;

static mtt_status fail(writer *w, const char *what)
{
    return mtt_error_set(w->err, MTT_ERR_IO, "%s: cannot write %s (disk full or no permission?)",
                         w->path, what);
}

/* Create the groups "layout" and "self_test". */
static mtt_status make_groups(writer *w)
{
    static const char *const groups[] = {"layout", "self_test"};
    for (size_t i = 0; i < 2; ++i) {
        hid_t g = H5Gcreate2(w->file, groups[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0) return fail(w, groups[i]);
        H5Gclose(g);
    }
    return MTT_OK;
}

static mtt_status put_u64_attr(writer *w, hid_t obj, const char *name, uint64_t v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_UINT64, &v);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc < 0 ? fail(w, name) : MTT_OK;
}

/* One dataset: file type ftype, memory type mtype, rank 0 (scalar) to 2.
 * The checksum covers the nbytes at data. */
static mtt_status put_dataset(writer *w, int d, hid_t ftype, hid_t mtype, int rank,
                              const hsize_t *dims, const void *data, size_t nbytes)
{
    const char *path = mtt_model_dataset_path[d];
    hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t ds = sp < 0 ? -1 : H5Dcreate2(w->file, path, ftype, sp, H5P_DEFAULT, H5P_DEFAULT,
                                        H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : (nbytes ? H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0);
    mtt_status st = rc < 0 ? fail(w, path) : MTT_OK;
    w->sums[d] = mtt_ckpt_checksum_bytes(data, nbytes);
    if (st == MTT_OK) st = put_u64_attr(w, ds, "checksum", w->sums[d]);
    if (ds >= 0) H5Dclose(ds);
    if (sp >= 0) H5Sclose(sp);
    return st;
}

/* A fixed-length UTF-8 string type of n bytes (n ≥ 1). */
static hid_t string_type(size_t n, H5T_str_t pad)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, pad);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static mtt_status put_attr(writer *w, const mtt_h5_attr_row *r, const void *field)
{
    hid_t sp = H5Screate(H5S_SCALAR), type = -1, mem = -1;
    const char *text = NULL;
    switch (r->type) {
    case MTT_H5_STR:
        text = field ? (const char *)field : MTT_MODEL_FORMAT_NAME;
        type = mem = string_type(strlen(text) + 1, H5T_STR_NULLTERM);
        break;
    case MTT_H5_I32: type = H5T_STD_I32LE; mem = H5T_NATIVE_INT32; break;
    case MTT_H5_I64: type = H5T_STD_I64LE; mem = H5T_NATIVE_INT64; break;
    case MTT_H5_F64: type = H5T_IEEE_F64LE; mem = H5T_NATIVE_DOUBLE; break;
    }
    hid_t a = H5Acreate2(w->file, r->name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, mem, text ? (const void *)text : field);
    if (a >= 0) H5Aclose(a);
    if (text) H5Tclose(type);
    H5Sclose(sp);
    return rc < 0 ? fail(w, r->name) : MTT_OK;
}

static mtt_status put_everything(writer *w, const mtt_model_file *m)
{
    MTT_FORWARD_IF_ERROR(make_groups(w));
    hsize_t ns = m->n_species, np = m->n_params, nt = m->n_tensors;
    hsize_t na = (hsize_t)m->test_n_atoms;
    MTT_FORWARD_IF_ERROR(put_dataset(w, MTT_DS_ATOMIC_TYPES, H5T_STD_I32LE, H5T_NATIVE_INT32, 1,
                                     &ns, m->species, ns * 4));
    MTT_FORWARD_IF_ERROR(put_dataset(w, MTT_DS_COMPOSITION, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                     1, &ns, m->composition, ns * 8));
    MTT_FORWARD_IF_ERROR(put_dataset(w, MTT_DS_PARAMETERS, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                     1, &np, m->params, np * 8));
    /* layout: names (64-byte zero-padded), offsets, shapes [rows, cols] */
    char *names = calloc(nt ? nt : 1, MTT_MODEL_TENSOR_NAME_MAX);
    int64_t *offsets = malloc((nt ? nt : 1) * sizeof *offsets);
    int64_t *shapes = malloc((nt ? nt : 1) * 2 * sizeof *shapes);
    mtt_status st = MTT_OK;
    if (!names || !offsets || !shapes) {
        st = mtt_error_set(w->err, MTT_ERR_NOMEM, "out of memory writing %s", w->path);
        goto cleanup;
    }
    for (size_t i = 0; i < nt; ++i) {
        strncpy(names + i * MTT_MODEL_TENSOR_NAME_MAX, m->layout[i].name,
                MTT_MODEL_TENSOR_NAME_MAX - 1);
        offsets[i] = m->layout[i].offset;
        shapes[2 * i] = m->layout[i].rows;
        shapes[2 * i + 1] = m->layout[i].cols;
    }
    hid_t name_type = string_type(MTT_MODEL_TENSOR_NAME_MAX, H5T_STR_NULLPAD);
    st = put_dataset(w, MTT_DS_LAYOUT_NAMES, name_type, name_type, 1, &nt, names,
                     nt * MTT_MODEL_TENSOR_NAME_MAX);
    H5Tclose(name_type);
    if (st != MTT_OK) goto cleanup;
    if ((st = put_dataset(w, MTT_DS_LAYOUT_OFFSETS, H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &nt,
                          offsets, nt * 8)) != MTT_OK)
        goto cleanup;
    hsize_t shape_dims[2] = {nt, 2};
    if ((st = put_dataset(w, MTT_DS_LAYOUT_SHAPES, H5T_STD_I64LE, H5T_NATIVE_INT64, 2,
                          shape_dims, shapes, nt * 16)) != MTT_OK)
        goto cleanup;
    /* metadata: one NUL-terminated UTF-8 string; the checksum covers its text */
    const char *meta = m->metadata_yaml ? m->metadata_yaml : "";
    hid_t meta_type = string_type(strlen(meta) + 1, H5T_STR_NULLTERM);
    st = put_dataset(w, MTT_DS_METADATA, meta_type, meta_type, 0, NULL, meta, strlen(meta));
    if (st == MTT_OK && strlen(meta) == 0) {  /* an empty text still needs its NUL written */
        hid_t ds = H5Dopen2(w->file, "metadata", H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, meta_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, meta) < 0)
            st = fail(w, "metadata");
        if (ds >= 0) H5Dclose(ds);
    }
    H5Tclose(meta_type);
    if (st != MTT_OK) goto cleanup;
    /* self-test */
    hsize_t a3[2] = {na, 3}, m33[2] = {3, 3}, three = 3, one = 1;
    if ((st = put_dataset(w, MTT_DS_TEST_NUMBERS, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &na,
                          m->test_numbers, na * 4)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_POSITIONS, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, a3,
                          m->test_positions, na * 24)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_CELL, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, m33,
                          m->test_cell, 72)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_PBC, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &three,
                          m->test_pbc, 12)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_ENERGY, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &one,
                          &m->test_energy, 8)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_FORCES, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, a3,
                          m->test_forces, na * 24)) != MTT_OK ||
        (st = put_dataset(w, MTT_DS_TEST_VIRIAL, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, m33,
                          m->test_virial, 72)) != MTT_OK)
        goto cleanup;
    /* root attributes, then the root checksum over them and the dataset sums */
    for (size_t i = 0; i < mtt_model_n_root_attrs && st == MTT_OK; ++i)
        st = put_attr(w, &mtt_model_root_attrs[i],
                      i == 0 ? NULL : (const char *)m + mtt_model_root_attrs[i].offset);
    uint64_t root = 0;
    if (st == MTT_OK) st = mtt_model_root_checksum(m, w->sums, &root, w->err);
    if (st == MTT_OK) st = put_u64_attr(w, w->file, "checksum", root);
cleanup:
    free(names);
    free(offsets);
    free(shapes);
    return st;
}

mtt_status mtt_model_file_write(const char *path, const mtt_model_file *src, mtt_error *err)
{
    char tmp[4096], folder[4096];
    MTT_RETURN_ERROR_IF(snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp, err,
                        MTT_ERR_IO, "%s: path too long", path);
    snprintf(folder, sizeof folder, "%s", path);
    const char *dir = dirname(folder);
    MTT_RETURN_ERROR_IF(access(dir, W_OK) != 0, err, MTT_ERR_IO,
                        "%s: cannot write into the folder %s (%s); create it or choose "
                        "another output path", path, dir, strerror(errno));
    /* the writer fills in the identity fields */
    mtt_model_file m = *src;
    m.format_version = MTT_MODEL_FORMAT_VERSION;
    snprintf(m.mtt_version, sizeof m.mtt_version, "%s", PACKAGE_VERSION);
    snprintf(m.git_revision, sizeof m.git_revision, "%s", MTT_GIT_REVISION);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(m.created, sizeof m.created, "%Y-%m-%dT%H:%M:%SZ", &tm);

    mtt_h5_quiet q;
    mtt_h5_quiet_begin(&q);
    writer w = {.path = path, .err = err};
    mtt_status st = MTT_OK;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18);
    w.file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (w.file < 0) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot create the file; check that the folder "
                           "is writable", tmp);
        mtt_h5_quiet_end(&q);
        return st;
    }
    st = put_everything(&w, &m);
    if (H5Fclose(w.file) < 0 && st == MTT_OK) st = fail(&w, "the file (close)");
    mtt_h5_quiet_end(&q);
    if (st == MTT_OK) {
        (void)mtt_file_fsync(tmp);
        if (rename(tmp, path) != 0)
            st = mtt_error_set(err, MTT_ERR_IO, "cannot rename %s to %s: %s", tmp, path,
                               strerror(errno));
        else
            (void)mtt_file_fsync_folder_of(path);
    }
    if (st != MTT_OK) unlink(tmp);
    return st;
}
