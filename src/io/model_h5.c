/* model_h5.c — the root attribute table, dataset list and root checksum of
 * the .pt format (model_h5.h; docs/model-format.md). */
#include "config.h"

#include "io/model_h5.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "io/ckpt_checksum.h"

#define ROW(n, t, field) {n, t, offsetof(mtt_model_file, field), sizeof(((mtt_model_file *)0)->field)}

/* "format" is not a field: the writer writes MTT_MODEL_FORMAT_NAME and the
 * reader checks it before anything else; it is still the first item of the
 * root checksum (offset unused). */
const mtt_h5_attr_row mtt_model_root_attrs[] = {
    {"format", MTT_H5_STR, 0, 0},
    ROW("format_version", MTT_H5_I32, format_version),
    ROW("architecture", MTT_H5_STR, architecture),
    ROW("mtt_version", MTT_H5_STR, mtt_version),
    ROW("git_revision", MTT_H5_STR, git_revision),
    ROW("created", MTT_H5_STR, created),
    ROW("precision", MTT_H5_I32, precision),
    ROW("epoch", MTT_H5_I64, epoch),
    ROW("energy_unit", MTT_H5_STR, energy_unit),
    ROW("length_unit", MTT_H5_STR, length_unit),
    ROW("cutoff", MTT_H5_F64, cutoff),
    ROW("cutoff_width", MTT_H5_F64, cutoff_width),
    ROW("radial_grid_spacing", MTT_H5_F64, radial_grid_spacing),
    ROW("max_radial", MTT_H5_I32, max_radial),
    ROW("max_angular", MTT_H5_I32, max_angular),
    ROW("num_hidden_layers", MTT_H5_I32, num_hidden_layers),
    ROW("num_neurons_per_layer", MTT_H5_I32, num_neurons_per_layer),
    ROW("layernorm", MTT_H5_I32, layernorm),
    ROW("composition_scale", MTT_H5_F64, composition_scale),
};
const size_t mtt_model_n_root_attrs = sizeof mtt_model_root_attrs / sizeof mtt_model_root_attrs[0];

const char *const mtt_model_dataset_path[MTT_DS_COUNT] = {
    [MTT_DS_ATOMIC_TYPES] = "atomic_types",
    [MTT_DS_COMPOSITION] = "composition",
    [MTT_DS_PARAMETERS] = "parameters",
    [MTT_DS_LAYOUT_NAMES] = "layout/names",
    [MTT_DS_LAYOUT_OFFSETS] = "layout/offsets",
    [MTT_DS_LAYOUT_SHAPES] = "layout/shapes",
    [MTT_DS_METADATA] = "metadata",
    [MTT_DS_TEST_NUMBERS] = "self_test/numbers",
    [MTT_DS_TEST_POSITIONS] = "self_test/positions",
    [MTT_DS_TEST_CELL] = "self_test/cell",
    [MTT_DS_TEST_PBC] = "self_test/pbc",
    [MTT_DS_TEST_ENERGY] = "self_test/energy",
    [MTT_DS_TEST_FORCES] = "self_test/forces",
    [MTT_DS_TEST_VIRIAL] = "self_test/virial",
};

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static int put(bytes *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        while (cap < b->n + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
    return 1;
}

mtt_status mtt_model_root_checksum(const mtt_model_file *m, const uint64_t *ds_sums,
                                   uint64_t *out, mtt_error *err)
{
    bytes b = {NULL, 0, 0};
    int okay = 1;
    const char zero = 0;
    for (size_t i = 0; i < mtt_model_n_root_attrs && okay; ++i) {
        const mtt_h5_attr_row *r = &mtt_model_root_attrs[i];
        const char *field = (const char *)m + r->offset;
        okay = put(&b, r->name, strlen(r->name)) && put(&b, &zero, 1);
        if (!okay) break;
        switch (r->type) {
        case MTT_H5_STR: {
            const char *s = i == 0 ? MTT_MODEL_FORMAT_NAME : field;
            okay = put(&b, s, strnlen(s, i == 0 ? 64 : r->size)) && put(&b, &zero, 1);
            break;
        }
        case MTT_H5_I32: okay = put(&b, field, 4); break;   /* little-endian host */
        case MTT_H5_I64:
        case MTT_H5_F64: okay = put(&b, field, 8); break;
        }
    }
    for (int d = 0; d < MTT_DS_COUNT && okay; ++d)
        okay = put(&b, mtt_model_dataset_path[d], strlen(mtt_model_dataset_path[d])) &&
               put(&b, &zero, 1) && put(&b, &ds_sums[d], 8);
    if (!okay) {
        free(b.p);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory computing a model checksum");
    }
    *out = mtt_ckpt_checksum_bytes(b.p, b.n);
    free(b.p);
    return MTT_OK;
}

void mtt_h5_quiet_begin(mtt_h5_quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void mtt_h5_quiet_end(const mtt_h5_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}
