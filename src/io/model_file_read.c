/* model_file_read.c — read and validate an exported model (.pt).
 *
 * Order of the checks, each with its own message naming the file and the
 * item: the file exists → it is HDF5 → its `format` is "mtt-model" (a
 * checkpoint is named as such) → its version is not newer than this mtt →
 * every attribute and dataset is present with the expected shape → each
 * dataset's checksum → the root checksum → the sizes agree with each other.
 * HDF5's own error stack is silenced; every failure is our one sentence.
 */
#include "config.h"

#include "io/model_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/ckpt_checksum.h"
#include "io/model_h5.h"

typedef struct reader {
    hid_t file;
    const char *path;
    uint64_t sums[MTT_DS_COUNT];
    mtt_error *err;
} reader;

static mtt_status corrupt(reader *r, const char *item, const char *what)
{
    return mtt_error_set(r->err, MTT_ERR_CHECKPOINT,
                         "%s: %s %s; the model file is damaged: export it again from its "
                         "checkpoint", r->path, item, what);
}

/* Read a scalar string attribute of obj into buf (n bytes). */
static int read_string_attr(hid_t obj, const char *name, char *buf, size_t n)
{
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t ft = H5Aget_type(a);
    int rc = -1;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft)) {
        size_t size = H5Tget_size(ft);
        char *tmp = calloc(size + 1, 1);  /* + 1: NUL even for a NUL-padded full string */
        if (tmp && H5Aread(a, ft, tmp) >= 0 && strlen(tmp) < n) {
            memcpy(buf, tmp, strlen(tmp) + 1);
            rc = 0;
        }
        free(tmp);
    }
    if (ft >= 0) H5Tclose(ft);
    H5Aclose(a);
    return rc;
}

static int read_num_attr(hid_t obj, const char *name, hid_t mem, void *out)
{
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t sp = H5Aget_space(a);
    hid_t ft = H5Aget_type(a);
    int rc = -1;
    if (H5Sget_simple_extent_npoints(sp) == 1 && H5Tget_class(ft) == H5Tget_class(mem) &&
        H5Aread(a, mem, out) >= 0)
        rc = 0;
    H5Tclose(ft);
    H5Sclose(sp);
    H5Aclose(a);
    return rc;
}

/* Read dataset d: its element count must be `count` (or, when count is
 * SIZE_MAX, any; the found count is stored in *found), into a fresh buffer
 * of count × elem bytes.  Verifies the dataset's checksum. */
static mtt_status get_dataset(reader *r, int d, hid_t mem, size_t elem, size_t count,
                              size_t *found, void **out)
{
    const char *path = mtt_model_dataset_path[d];
    *out = NULL;
    if (H5Lexists(r->file, "layout", H5P_DEFAULT) <= 0 ||
        H5Lexists(r->file, "self_test", H5P_DEFAULT) <= 0 || H5Lexists(r->file, path, H5P_DEFAULT) <= 0)
        return corrupt(r, path, "is missing");
    hid_t ds = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (ds < 0) return corrupt(r, path, "cannot be opened");
    hid_t sp = H5Dget_space(ds);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    mtt_status st = MTT_OK;
    uint64_t stored = 0;
    if (n < 0 || (count != SIZE_MAX && (size_t)n != count)) {
        st = corrupt(r, path, "has the wrong number of elements");
        goto done;
    }
    if (found) *found = (size_t)n;
    void *buf = calloc((size_t)n ? (size_t)n : 1, elem);
    if (!buf) {
        st = mtt_error_set(r->err, MTT_ERR_NOMEM, "out of memory reading %s of %s", path, r->path);
        goto done;
    }
    *out = buf;
    if (n > 0 && H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        st = corrupt(r, path, "cannot be read");
        goto done;
    }
    if (read_num_attr(ds, "checksum", H5T_NATIVE_UINT64, &stored) < 0) {
        st = corrupt(r, path, "has no checksum attribute");
        goto done;
    }
    r->sums[d] = mtt_ckpt_checksum_bytes(buf, (size_t)n * elem);
    if (r->sums[d] != stored) st = corrupt(r, path, "does not match its checksum");
done:
    H5Dclose(ds);
    return st;
}

/* The metadata text (a scalar fixed-length string). */
static mtt_status get_metadata(reader *r, char **out)
{
    const char *path = mtt_model_dataset_path[MTT_DS_METADATA];
    *out = NULL;
    if (H5Lexists(r->file, path, H5P_DEFAULT) <= 0) return corrupt(r, path, "is missing");
    hid_t ds = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (ds < 0) return corrupt(r, path, "cannot be opened");
    hid_t ft = H5Dget_type(ds);
    mtt_status st = MTT_OK;
    uint64_t stored = 0;
    if (H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft)) {
        st = corrupt(r, path, "is not a fixed-length string");
        goto done;
    }
    size_t size = H5Tget_size(ft);
    char *text = calloc(size + 1, 1);
    if (!text) {
        st = mtt_error_set(r->err, MTT_ERR_NOMEM, "out of memory reading %s", r->path);
        goto done;
    }
    *out = text;
    if (H5Dread(ds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0) {
        st = corrupt(r, path, "cannot be read");
        goto done;
    }
    if (read_num_attr(ds, "checksum", H5T_NATIVE_UINT64, &stored) < 0) {
        st = corrupt(r, path, "has no checksum attribute");
        goto done;
    }
    r->sums[MTT_DS_METADATA] = mtt_ckpt_checksum_bytes(text, strlen(text));
    if (r->sums[MTT_DS_METADATA] != stored) st = corrupt(r, path, "does not match its checksum");
done:
    H5Tclose(ft);
    H5Dclose(ds);
    return st;
}

static mtt_status get_root_attrs(reader *r, mtt_model_file *m)
{
    for (size_t i = 1; i < mtt_model_n_root_attrs; ++i) {
        const mtt_h5_attr_row *row = &mtt_model_root_attrs[i];
        char *field = (char *)m + row->offset;
        int rc = -1;
        switch (row->type) {
        case MTT_H5_STR: rc = read_string_attr(r->file, row->name, field, row->size); break;
        case MTT_H5_I32: rc = read_num_attr(r->file, row->name, H5T_NATIVE_INT32, field); break;
        case MTT_H5_I64: rc = read_num_attr(r->file, row->name, H5T_NATIVE_INT64, field); break;
        case MTT_H5_F64: rc = read_num_attr(r->file, row->name, H5T_NATIVE_DOUBLE, field); break;
        }
        if (rc < 0) {
            char item[96];
            snprintf(item, sizeof item, "root attribute %s", row->name);
            return corrupt(r, item, "is missing or has the wrong type");
        }
    }
    return MTT_OK;
}

/* Everything after the format checks. */
static mtt_status get_everything(reader *r, mtt_model_file *m)
{
    size_t ns = 0, nt = 0, np = 0, na = 0;
    void *p = NULL;
    MTT_FORWARD_IF_ERROR(get_root_attrs(r, m));
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_ATOMIC_TYPES, H5T_NATIVE_INT32, 4, SIZE_MAX, &ns, &p));
    m->species = p;
    m->n_species = ns;
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_COMPOSITION, H5T_NATIVE_DOUBLE, 8, ns, NULL, &p));
    m->composition = p;
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_PARAMETERS, H5T_NATIVE_DOUBLE, 8, SIZE_MAX, &np, &p));
    m->params = p;
    m->n_params = np;
    /* layout */
    hid_t name_type = H5Tcopy(H5T_C_S1);
    H5Tset_size(name_type, MTT_MODEL_TENSOR_NAME_MAX);
    H5Tset_strpad(name_type, H5T_STR_NULLPAD);
    H5Tset_cset(name_type, H5T_CSET_UTF8);
    mtt_status st = get_dataset(r, MTT_DS_LAYOUT_NAMES, name_type, MTT_MODEL_TENSOR_NAME_MAX,
                                SIZE_MAX, &nt, &p);
    H5Tclose(name_type);
    char *names = p;
    int64_t *offsets = NULL, *shapes = NULL;
    if (st == MTT_OK)
        st = get_dataset(r, MTT_DS_LAYOUT_OFFSETS, H5T_NATIVE_INT64, 8, nt, NULL, (void **)&offsets);
    if (st == MTT_OK)
        st = get_dataset(r, MTT_DS_LAYOUT_SHAPES, H5T_NATIVE_INT64, 8, 2 * nt, NULL, (void **)&shapes);
    if (st == MTT_OK && !(m->layout = calloc(nt ? nt : 1, sizeof *m->layout)))
        st = mtt_error_set(r->err, MTT_ERR_NOMEM, "out of memory reading %s", r->path);
    if (st == MTT_OK) {
        m->n_tensors = nt;
        for (size_t i = 0; i < nt; ++i) {
            memcpy(m->layout[i].name, names + i * MTT_MODEL_TENSOR_NAME_MAX,
                   MTT_MODEL_TENSOR_NAME_MAX - 1);
            m->layout[i].offset = offsets[i];
            m->layout[i].rows = shapes[2 * i];
            m->layout[i].cols = shapes[2 * i + 1];
        }
    }
    free(names);
    free(offsets);
    free(shapes);
    if (st != MTT_OK) return st;
    MTT_FORWARD_IF_ERROR(get_metadata(r, &m->metadata_yaml));
    /* self-test */
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_TEST_NUMBERS, H5T_NATIVE_INT32, 4, SIZE_MAX, &na, &p));
    m->test_numbers = p;
    m->test_n_atoms = (int)na;
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_TEST_POSITIONS, H5T_NATIVE_DOUBLE, 8, 3 * na, NULL, &p));
    m->test_positions = p;
    MTT_FORWARD_IF_ERROR(get_dataset(r, MTT_DS_TEST_FORCES, H5T_NATIVE_DOUBLE, 8, 3 * na, NULL, &p));
    m->test_forces = p;
    struct { int d; void *dst; size_t elem, count; hid_t mem; } small[] = {
        {MTT_DS_TEST_CELL, m->test_cell, 8, 9, H5T_NATIVE_DOUBLE},
        {MTT_DS_TEST_PBC, m->test_pbc, 4, 3, H5T_NATIVE_INT32},
        {MTT_DS_TEST_ENERGY, &m->test_energy, 8, 1, H5T_NATIVE_DOUBLE},
        {MTT_DS_TEST_VIRIAL, m->test_virial, 8, 9, H5T_NATIVE_DOUBLE},
    };
    for (size_t i = 0; i < sizeof small / sizeof small[0]; ++i) {
        MTT_FORWARD_IF_ERROR(get_dataset(r, small[i].d, small[i].mem, small[i].elem,
                                         small[i].count, NULL, &p));
        memcpy(small[i].dst, p, small[i].elem * small[i].count);
        free(p);
    }
    /* the root checksum over the attributes read and the dataset sums */
    uint64_t stored = 0, root = 0;
    if (read_num_attr(r->file, "checksum", H5T_NATIVE_UINT64, &stored) < 0)
        return corrupt(r, "root attribute checksum", "is missing");
    MTT_FORWARD_IF_ERROR(mtt_model_root_checksum(m, r->sums, &root, r->err));
    if (root != stored) return corrupt(r, "the root attributes", "do not match the root checksum");
    /* sizes that must agree */
    for (size_t i = 0; i < nt; ++i) {
        const mtt_model_tensor *t = &m->layout[i];
        if (t->offset < 0 || t->rows < 0 || t->cols < 0 ||
            (uint64_t)t->offset + (uint64_t)t->rows * (uint64_t)t->cols > (uint64_t)np)
            return corrupt(r, "layout", "points outside the parameters");
    }
    return MTT_OK;
}

mtt_status mtt_h5_file_kind(const char *path, char *kind, size_t n, mtt_error *err)
{
    struct stat sb;
    kind[0] = '\0';
    if (stat(path, &sb) != 0)
        return mtt_error_set(err, MTT_ERR_IO, "%s: %s; check the path", path, strerror(errno));
    mtt_h5_quiet q;
    mtt_h5_quiet_begin(&q);
    mtt_status st = MTT_OK;
    if (H5Fis_hdf5(path) <= 0) {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                           "%s: not an HDF5 file, so neither an mtt checkpoint (.ckpt) nor an "
                           "mtt model (.pt); check the path", path);
    } else {
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0)
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                               "%s: cannot be opened as HDF5 (truncated or damaged file)", path);
        else {
            if (read_string_attr(f, "format", kind, n) < 0) kind[0] = '\0';
            H5Fclose(f);
        }
    }
    mtt_h5_quiet_end(&q);
    return st;
}

mtt_status mtt_model_file_read(const char *path, mtt_model_file *m, mtt_error *err)
{
    memset(m, 0, sizeof *m);
    char kind[64];
    MTT_FORWARD_IF_ERROR(mtt_h5_file_kind(path, kind, sizeof kind, err));
    if (strcmp(kind, MTT_MODEL_FORMAT_NAME) != 0) {
        if (strcmp(kind, "mtt-checkpoint") == 0)
            return mtt_error_set(err, MTT_ERR_CHECKPOINT,
                                 "%s: is an mtt checkpoint, not an exported model; export it "
                                 "first: mtt export %s", path, path);
        return mtt_error_set(err, MTT_ERR_CHECKPOINT,
                             "%s: not an mtt model (root attribute format is '%s', expected "
                             "'%s'); give a .pt written by mtt export", path, kind,
                             MTT_MODEL_FORMAT_NAME);
    }
    mtt_h5_quiet q;
    mtt_h5_quiet_begin(&q);
    reader r = {.path = path, .err = err};
    mtt_status st = MTT_OK;
    r.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.file < 0) {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                           "%s: cannot be opened as HDF5 (truncated or damaged file)", path);
        goto done;
    }
    if (read_num_attr(r.file, "format_version", H5T_NATIVE_INT32, &m->format_version) < 0) {
        st = corrupt(&r, "root attribute format_version", "is missing");
    } else if (m->format_version > MTT_MODEL_FORMAT_VERSION) {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                           "%s: written by a newer mtt (model format %d > %d); upgrade mtt to "
                           "load it", path, m->format_version, MTT_MODEL_FORMAT_VERSION);
    } else if (m->format_version < 1) {
        st = corrupt(&r, "root attribute format_version", "is not a valid version");
    } else {
        st = get_everything(&r, m);
    }
    H5Fclose(r.file);
done:
    mtt_h5_quiet_end(&q);
    if (st != MTT_OK) mtt_model_file_free(m);
    return st;
}

void mtt_model_file_free(mtt_model_file *m)
{
    if (!m) return;
    free(m->species);
    free(m->composition);
    free(m->params);
    free(m->layout);
    free(m->metadata_yaml);
    free(m->test_numbers);
    free(m->test_positions);
    free(m->test_forces);
    memset(m, 0, sizeof *m);
}
