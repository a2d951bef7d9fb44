/* model_file.h — the exported model (.pt, HDF5 "mtt-model" version 1) in memory.
 *
 * docs/model-format.md specifies the file field by field.  The model is what
 * predicting needs and nothing of the trainer: the soap_bpnn hyperparameters,
 * the atomic types, units, composition baseline and scale, the parameters of
 * the exported (best) epoch as one flat array plus its layout, the metadata
 * text, and a self-test (one structure with the energy, forces and virial
 * computed at export).
 *
 * Writing is atomic (<path>.tmp, fsync, rename, fsync of the folder): an
 * existing <path> is replaced only by a complete file.  Reading validates the
 * format name and version, every item's presence, one checksum per dataset
 * and one over the root attributes (io/ckpt_checksum.h); every failure is one
 * sentence naming the file and the item (MTT_ERR_IO for a missing file,
 * MTT_ERR_CHECKPOINT otherwise).  Reading does not run the self-test (the
 * library does, libmtt's mtt_model_open).  Serial; no MPI.
 */
#ifndef MTT_IO_MODEL_FILE_H
#define MTT_IO_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define MTT_MODEL_FORMAT_NAME "mtt-model"
#define MTT_MODEL_FORMAT_VERSION 1
#define MTT_MODEL_TENSOR_NAME_MAX 64

typedef struct mtt_model_tensor {
    char name[MTT_MODEL_TENSOR_NAME_MAX]; /* "mlp.8.layer0.weight" */
    int64_t offset;                       /* index of element [0][0] in params */
    int64_t rows, cols;                   /* shape, row-major */
} mtt_model_tensor;

typedef struct mtt_model_file {
    /* ---- identity (written by the writer when empty) ------------------ */
    int format_version;         /* read back; the writer writes the current one */
    char architecture[32];      /* "soap_bpnn" */
    char mtt_version[32];       /* the exporting mtt's PACKAGE_VERSION */
    char git_revision[64];
    char created[40];           /* ISO 8601 UTC */
    int precision;              /* base_precision of training: 64 */
    int64_t epoch;              /* epoch whose parameters these are (−1: unknown) */
    /* ---- units (labels) ------------------------------------------------- */
    char energy_unit[32];       /* "eV" */
    char length_unit[32];       /* "angstrom" ("" = Å) */
    /* ---- soap_bpnn hyperparameters -------------------------------------- */
    double cutoff, cutoff_width;    /* Å */
    double radial_grid_spacing;     /* Å, radial table spacing used (0 = exact) */
    int max_radial, max_angular;
    int num_hidden_layers, num_neurons_per_layer, layernorm;
    /* ---- data-set derived ----------------------------------------------- */
    size_t n_species;
    int32_t *species;           /* sorted atomic numbers */
    double *composition;        /* n_species: energy per atom of each type */
    double composition_scale;   /* σ, energy unit */
    /* ---- parameters ------------------------------------------------------ */
    size_t n_params;
    double *params;
    size_t n_tensors;
    mtt_model_tensor *layout;
    /* ---- metadata (canonical YAML written by options/metadata.c; "" = none) */
    char *metadata_yaml;
    /* ---- self-test --------------------------------------------------------- */
    int test_n_atoms;
    int32_t *test_numbers;      /* test_n_atoms */
    double *test_positions;     /* Å, test_n_atoms × 3 */
    double test_cell[9];        /* Å, rows = lattice vectors */
    int32_t test_pbc[3];
    double test_energy;         /* energy unit */
    double *test_forces;        /* test_n_atoms × 3, energy/Å */
    double test_virial[9];      /* −∂E/∂ε, energy unit */
} mtt_model_file;

/* Write m to path atomically (format_version, mtt_version, git_revision and
 * created are set by the writer).  A folder that does not exist, a
 * non-writable one, a full disk: MTT_ERR_IO naming the path; nothing left. */
mtt_status mtt_model_file_write(const char *path, const mtt_model_file *m, mtt_error *err);

/* Read and validate path into *m (zeroed first; arrays allocated). */
mtt_status mtt_model_file_read(const char *path, mtt_model_file *m, mtt_error *err);

/* What a file is, from its root `format` attribute, without validating it:
 * "mtt-model", "mtt-checkpoint", ... copied into kind (n bytes; "" when the
 * attribute is absent).  MTT_ERR_IO: missing; MTT_ERR_CHECKPOINT: not HDF5. */
mtt_status mtt_h5_file_kind(const char *path, char *kind, size_t n, mtt_error *err);

/* Free what the reader allocated and zero *m (NULL and zeroed are fine). */
void mtt_model_file_free(mtt_model_file *m);

#endif
