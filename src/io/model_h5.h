/* model_h5.h — what the .pt writer and reader share (internal to src/io/):
 * the table of root attributes, the list of datasets, the root checksum and
 * a few HDF5 helpers.  docs/model-format.md is the written form of these
 * tables; changing either means a new format version.
 *
 * Root checksum: FNV-1a (ckpt_checksum.h, the checkpoints' algorithm) over the canonical bytes
 *   for each root attribute in table order: name, 0x00, value
 *       (strings: UTF-8 bytes then 0x00; int32/int64/float64: little-endian)
 *   for each dataset in list order: path, 0x00, its checksum (uint64 LE).
 */
#ifndef MTT_IO_MODEL_H5_H
#define MTT_IO_MODEL_H5_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "io/model_file.h"
#include "util/status.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the model file checksums assume a little-endian host"
#endif

typedef enum { MTT_H5_STR, MTT_H5_I32, MTT_H5_I64, MTT_H5_F64 } mtt_h5_type;

typedef struct mtt_h5_attr_row {
    const char *name;
    mtt_h5_type type;
    size_t offset;   /* into mtt_model_file */
    size_t size;     /* bytes of the field (strings: the char array) */
} mtt_h5_attr_row;

extern const mtt_h5_attr_row mtt_model_root_attrs[];
extern const size_t mtt_model_n_root_attrs;

typedef enum {
    MTT_DS_ATOMIC_TYPES, MTT_DS_COMPOSITION, MTT_DS_PARAMETERS,
    MTT_DS_LAYOUT_NAMES, MTT_DS_LAYOUT_OFFSETS, MTT_DS_LAYOUT_SHAPES,
    MTT_DS_METADATA,
    MTT_DS_TEST_NUMBERS, MTT_DS_TEST_POSITIONS, MTT_DS_TEST_CELL, MTT_DS_TEST_PBC,
    MTT_DS_TEST_ENERGY, MTT_DS_TEST_FORCES, MTT_DS_TEST_VIRIAL,
    MTT_DS_COUNT
} mtt_model_dataset;

/* "atomic_types", "layout/names", "self_test/energy", ... */
extern const char *const mtt_model_dataset_path[MTT_DS_COUNT];

/* The root checksum of m's attributes and the dataset checksums. */
mtt_status mtt_model_root_checksum(const mtt_model_file *m, const uint64_t *ds_sums,
                                   uint64_t *out, mtt_error *err);

/* Turn HDF5's automatic error printing off for the calling scope: every
 * failure becomes one sentence of ours.  Restore with mtt_h5_quiet_end. */
typedef struct mtt_h5_quiet {
    H5E_auto2_t func;
    void *data;
} mtt_h5_quiet;
void mtt_h5_quiet_begin(mtt_h5_quiet *q);
void mtt_h5_quiet_end(const mtt_h5_quiet *q);

#endif
