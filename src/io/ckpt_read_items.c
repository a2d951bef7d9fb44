/* ckpt_read_items.c — reading one checkpoint item, with every check that
 * turns a damaged file into one sentence naming the file and the item.
 *
 * Each dataset is read whole into memory converted to the host's types, its
 * checksum (the `checksum` attribute) is recomputed over the little-endian
 * bytes and compared, and its record is appended for the root checksum.
 * Cost: one read and one checksum pass over each array.
 */
#include "config.h"

#include "io/ckpt_read_items.h"

#include <stdlib.h>
#include <string.h>

#include "io/ckpt_checksum.h"
#include "io/ckpt_hdf5.h"

static const char *elem_name(ckpt_elem e)
{
    switch (e) {
    case CKPT_F64: return "64-bit float";
    case CKPT_I64: return "64-bit integer";
    case CKPT_I32: return "32-bit integer";
    case CKPT_TEXT: return "fixed-length string";
    }
    return "?";
}

/* Does the file type hold this kind of element? (text: sets width) */
static int type_matches(hid_t t, ckpt_item *it)
{
    H5T_class_t cls = H5Tget_class(t);
    size_t size = H5Tget_size(t);
    switch (it->elem) {
    case CKPT_F64: return cls == H5T_FLOAT && size == 8;
    case CKPT_I64: return cls == H5T_INTEGER && size == 8 && H5Tget_sign(t) == H5T_SGN_2;
    case CKPT_I32: return cls == H5T_INTEGER && size == 4 && H5Tget_sign(t) == H5T_SGN_2;
    case CKPT_TEXT:
        if (cls != H5T_STRING || H5Tis_variable_str(t) > 0 || size == 0) return 0;
        it->width = size;
        return 1;
    }
    return 0;
}

static hid_t memory_type(const ckpt_item *it)
{
    switch (it->elem) {
    case CKPT_F64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case CKPT_I64: return H5Tcopy(H5T_NATIVE_INT64);
    case CKPT_I32: return H5Tcopy(H5T_NATIVE_INT32);
    case CKPT_TEXT: return ckpt_h5_text_type(it->width);
    }
    return -1;
}

static mtt_status hdf5_failure(ckpt_io *io, const char *what)
{
    ckpt_h5_error e;
    ckpt_h5_error_take(&e);
    char phrase[300];
    return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: cannot read %s (%s); the file is damaged",
                        io->path, what, ckpt_h5_error_phrase(&e, phrase, sizeof phrase));
}

static int read_checksum(hid_t obj, uint64_t *sum)
{
    if (H5Aexists(obj, "checksum") <= 0) return -1;
    hid_t a = H5Aopen(obj, "checksum", H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a);
    int ok = t >= 0 && H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 8 &&
             H5Aread(a, H5T_NATIVE_UINT64, sum) >= 0;
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return ok ? 0 : -1;
}

static mtt_status read_data(ckpt_io *io, ckpt_item *it, void **data)
{
    *data = NULL;
    if (io->status != MTT_OK) return io->status;
    it->present = 0;
    if (!ckpt_h5_path_exists(io->file, it->path)) {
        H5Eclear2(H5E_DEFAULT);
        if (it->flags & CKPT_OPTIONAL) return MTT_OK;
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: missing %s; the file is not a complete "
                            "mtt checkpoint", io->path, it->path);
    }
    it->present = 1;
    mtt_status st = MTT_OK;
    hid_t dset = -1, ftype = -1, space = -1, mtype = -1;
    char *buf = NULL;
    if ((dset = H5Dopen2(io->file, it->path, H5P_DEFAULT)) < 0 ||
        (ftype = H5Dget_type(dset)) < 0 || (space = H5Dget_space(dset)) < 0) {
        st = hdf5_failure(io, it->path);
        goto cleanup;
    }
    if (!type_matches(ftype, it)) {
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s is not of type %s; the file is damaged "
                          "or not from mtt", io->path, it->path, elem_name(it->elem));
        goto cleanup;
    }
    hsize_t dims[2] = {0, 0};
    int ndims = H5Sget_simple_extent_ndims(space);
    if (ndims != it->ndims || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s has %d dimensions, expected %d; the file "
                          "is damaged or not from mtt", io->path, it->path, ndims, it->ndims);
        goto cleanup;
    }
    it->dims[0] = dims[0];
    it->dims[1] = dims[1];
    if ((it->flags & CKPT_ROW_PER_RANK) && it->dims[0] != (uint64_t)io->world_size) {
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s has %llu rows but world_size is %lld; the "
                          "file is inconsistent", io->path, it->path,
                          (unsigned long long)it->dims[0], (long long)io->world_size);
        goto cleanup;
    }
    const uint64_t n = ckpt_item_count(it);
    const size_t esize = ckpt_elem_size(it);
    if (n > (SIZE_MAX - 1) / esize) {
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s is too large for this machine", io->path,
                          it->path);
        goto cleanup;
    }
    buf = malloc((size_t)n * esize + 1);  /* +1: a text scalar gets its NUL */
    if (!buf) {
        st = ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory reading %s from %s", it->path, io->path);
        goto cleanup;
    }
    if (n > 0 && ((mtype = memory_type(it)) < 0 ||
                  H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
        st = hdf5_failure(io, it->path);
        goto cleanup;
    }
    buf[(size_t)n * esize] = '\0';
    uint64_t stored = 0, sum;
    if (read_checksum(dset, &stored) != 0) {
        H5Eclear2(H5E_DEFAULT);
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s has no checksum attribute; the file is "
                          "damaged or not from mtt", io->path, it->path);
        goto cleanup;
    }
    if (it->elem == CKPT_TEXT && it->ndims == 0) {
        /* a scalar text's checksum covers its characters, not the padding */
        it->width = strnlen(buf, it->width);
        sum = mtt_ckpt_checksum_bytes(buf, it->width);
    } else if (it->elem == CKPT_TEXT) {
        sum = mtt_ckpt_checksum_bytes(buf, (size_t)n * esize);
    } else {
        sum = mtt_ckpt_checksum_array(buf, (size_t)n, esize);
    }
    if (sum != stored) {
        st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: dataset %s fails its checksum: the file is "
                          "corrupt; use another checkpoint", io->path, it->path);
        goto cleanup;
    }
    st = ckpt_io_record_u64(io, it->path, sum);
    if (st == MTT_OK) {
        *data = buf;
        buf = NULL;
    }
cleanup:
    free(buf);
    if (mtype >= 0) H5Tclose(mtype);
    if (space >= 0) H5Sclose(space);
    if (ftype >= 0) H5Tclose(ftype);
    if (dset >= 0) H5Dclose(dset);
    return st;
}

/* Open a root attribute and check its class/size; -1 absent, -2 wrong. */
static int open_root_attr(hid_t file, const char *name, H5T_class_t cls, size_t size, hid_t *attr,
                          hid_t *type)
{
    *attr = *type = -1;
    if (H5Aexists(file, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    if ((*attr = H5Aopen(file, name, H5P_DEFAULT)) < 0 || (*type = H5Aget_type(*attr)) < 0) return -2;
    hid_t space = H5Aget_space(*attr);
    int scalar = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
    if (space >= 0) H5Sclose(space);
    if (!scalar || H5Tget_class(*type) != cls) return -2;
    if (size && H5Tget_size(*type) != size) return -2;
    if (cls == H5T_STRING && H5Tis_variable_str(*type) > 0) return -2;
    return 0;
}

static void close_root_attr(hid_t attr, hid_t type)
{
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    H5Eclear2(H5E_DEFAULT);
}

int ckpt_read_root_i64(hid_t file, const char *name, int64_t *v)
{
    hid_t a, t;
    int rc = open_root_attr(file, name, H5T_INTEGER, 0, &a, &t);
    if (rc == 0 && (H5Tget_size(t) > 8 || H5Aread(a, H5T_NATIVE_INT64, v) < 0)) rc = -2;
    close_root_attr(a, t);
    return rc;
}

int ckpt_read_root_u64(hid_t file, const char *name, uint64_t *v)
{
    hid_t a, t;
    int rc = open_root_attr(file, name, H5T_INTEGER, 8, &a, &t);
    if (rc == 0 && H5Aread(a, H5T_NATIVE_UINT64, v) < 0) rc = -2;
    close_root_attr(a, t);
    return rc;
}

int ckpt_read_root_text(hid_t file, const char *name, char *buf, size_t cap)
{
    hid_t a, t, m = -1;
    int rc = open_root_attr(file, name, H5T_STRING, 0, &a, &t);
    if (rc == 0) {
        size_t width = H5Tget_size(t);
        char *tmp = malloc(width + 1);
        m = ckpt_h5_text_type(width);
        if (!tmp || m < 0 || H5Aread(a, m, tmp) < 0) rc = -2;
        else {
            tmp[width] = '\0';
            if (strlen(tmp) >= cap) rc = -2;
            else strcpy(buf, tmp);
        }
        free(tmp);
    }
    if (m >= 0) H5Tclose(m);
    close_root_attr(a, t);
    return rc;
}

static mtt_status root_attr_failure(ckpt_io *io, const char *name, int rc)
{
    if (rc == -1)
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: missing root attribute %s; the file is "
                            "not a complete mtt checkpoint", io->path, name);
    return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: root attribute %s has the wrong type or "
                        "length; the file is damaged or not from mtt", io->path, name);
}

static mtt_status read_attr_text(ckpt_io *io, const char *name, char *buf, size_t cap)
{
    if (io->status != MTT_OK) return io->status;
    int rc = ckpt_read_root_text(io->file, name, buf, cap);
    if (rc != 0) return root_attr_failure(io, name, rc);
    return ckpt_io_record_text(io, name, buf);
}

static mtt_status read_attr_i64(ckpt_io *io, const char *name, int64_t *v)
{
    if (io->status != MTT_OK) return io->status;
    int rc = ckpt_read_root_i64(io->file, name, v);
    if (rc != 0) return root_attr_failure(io, name, rc);
    return ckpt_io_record_u64(io, name, (uint64_t)*v);
}

void ckpt_read_items_install(ckpt_io *io)
{
    io->writing = 0;
    io->attr_text = read_attr_text;
    io->attr_i64 = read_attr_i64;
    io->data = read_data;
}
