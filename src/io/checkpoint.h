/* checkpoint.h — the restartable training state (.ckpt, HDF5 "mtt-checkpoint").
 *
 * docs/checkpoint-format.md specifies the file field by field; this header is
 * the in-memory form.  An mtt_ckpt is plain data owned by its user: the
 * trainer fills one (pointing at its own arrays) before writing; the reader
 * allocates every array it returns and mtt_ckpt_free releases them (a filled
 * struct that points at the trainer's arrays must NOT be passed to
 * mtt_ckpt_free).
 *
 * Write protocol (DESIGN §6): collective.  Rank 0's path is used by all
 * ranks; all open <path>.tmp (MPI-IO driver with MPI, sec2 without), each
 * rank writes its contiguous slice of every large array (params, best, adam
 * moments) with a collective transfer, rank 0 the small items; close; rank 0
 * fsyncs the file, renames it to <path>, fsyncs the directory.  Any failure
 * (disk full, permission) is agreed on, the .tmp is removed, an existing
 * <path> is left untouched, and every rank returns the same status.
 *
 * Validation on read: format name, format version (newer → "written by a
 * newer mtt (format N > M); upgrade mtt"), the `complete` flag, one checksum
 * per dataset and one over the root attributes; every failure is
 * MTT_ERR_CHECKPOINT with one sentence naming the file and the item.
 * Reading needs no MPI and never depends on the rank count that wrote.
 */
#ifndef MTT_IO_CHECKPOINT_H
#define MTT_IO_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "parallel/comm.h"
#include "util/status.h"

#define MTT_CKPT_FORMAT_NAME "mtt-checkpoint"
#define MTT_CKPT_FORMAT_VERSION 1

/* One weight matrix inside the flat parameter array (model/mlp.h layout). */
typedef struct mtt_ckpt_tensor {
    char name[64];      /* "mlp.8.layer0.weight" */
    int64_t offset;     /* index of element [0][0] */
    int64_t rows, cols; /* shape, row-major */
} mtt_ckpt_tensor;

/* The rows of train.csv so far: a restart rewrites them into its new run
 * folder's train.csv before appending. */
typedef struct mtt_ckpt_history {
    size_t n_rows, n_cols;
    char **names;      /* n_cols column names */
    char **units;      /* n_cols units ("" when none) */
    double *values;    /* n_rows × n_cols, row-major */
} mtt_ckpt_history;

typedef struct mtt_ckpt {
    /* ---- root attributes ---------------------------------------------- */
    char architecture[32];      /* "soap_bpnn" */
    char mtt_version[32];       /* filled by the writer (PACKAGE_VERSION); read back */
    char git_revision[64];      /* filled by the writer (MTT_GIT_REVISION); read back */
    char created[40];           /* filled by the writer (ISO 8601 UTC); read back */
    int format_version;         /* read back; the writer always writes the current one */
    int world_size;             /* ranks that wrote this state */
    int precision;              /* base_precision: 64 (or 32) */
    int64_t epoch;              /* epoch in progress (0-based): the next step belongs to it */
    int64_t step;               /* steps of `epoch` already done, 0..steps_per_epoch */
    int64_t global_step;        /* optimiser steps done since the start (= adam_step) */
    int finished;               /* 1: every epoch done; restart just rewrites final files */

    /* ---- texts -------------------------------------------------------- */
    char *options_yaml;         /* fully expanded options (mtt_options_to_yaml) */
    char *metadata_yaml;        /* model metadata (export issue); NULL when none */

    /* ---- data-set info ------------------------------------------------ */
    size_t n_species;
    int32_t *species;           /* sorted atomic numbers the model knows */
    char energy_unit[32];       /* label, e.g. "eV" ("" when none) */
    char length_unit[32];       /* label, e.g. "angstrom" ("" when none) */
    int trained_energy, trained_forces, trained_stress, trained_virial; /* in the loss */

    /* ---- model hyperparameters (copied from the options for readers
     *      that do not parse YAML: export, libmtt) -------------------- */
    double cutoff, cutoff_width;    /* Å */
    int max_radial, max_angular;
    int num_hidden_layers, num_neurons_per_layer, layernorm;
    double composition_scale;       /* σ (energy unit) */
    double *composition;            /* n_species: b_s, energy per atom of each species */

    /* ---- parameters --------------------------------------------------- */
    size_t n_params;
    double *params;             /* latest, n_params */
    double *best;               /* of best_epoch, n_params */
    size_t n_tensors;
    mtt_ckpt_tensor *layout;    /* n_tensors entries covering [0, n_params) */

    /* ---- optimiser and schedule -------------------------------------- */
    double *adam_m, *adam_v;    /* n_params each */
    int64_t adam_step;          /* completed Adam steps */
    double adam_beta1, adam_beta2, adam_eps, adam_weight_decay;
    int64_t steps_per_epoch;    /* with world_size ranks */
    int64_t total_steps;        /* schedule T */
    int64_t warmup_steps;       /* schedule W */
    double learning_rate;       /* base learning rate used */

    /* ---- best model and the epoch in progress ------------------------ */
    int64_t best_epoch;         /* −1 before the first epoch ended */
    double best_metric;         /* product of validation RMSEs at best_epoch */
    double epoch_loss_sum;      /* sum of the global batch losses of `epoch`'s done steps */
    /* Per-rank partial training metrics of `epoch` (summed over ranks at the
     * epoch's end): world_size × n_accum doubles, row r is rank r's.  On
     * write each rank passes its own row in accum_local (n_accum doubles);
     * the reader returns all rows in accum. */
    size_t n_accum;
    const double *accum_local;  /* write: this rank's row */
    double *accum;              /* read: world_size × n_accum */

    /* ---- history and splits ------------------------------------------- */
    mtt_ckpt_history history;
    size_t n_split[3];          /* training, validation, test */
    int64_t *split[3];          /* frame indices into each set's file, ascending */
} mtt_ckpt;

/* What --restart auto needs to rank candidates, read after full validation. */
typedef struct mtt_ckpt_progress {
    int64_t epoch, step, global_step;
    int64_t steps_per_epoch;    /* to compare progress written by other rank counts */
    int finished;
    int world_size;
} mtt_ckpt_progress;

/* Write c to path atomically as described above (collective; every rank
 * passes the same c except accum_local; path is taken from rank 0).
 * `c->mtt_version`, `git_revision`, `created` are filled in by the writer. */
mtt_status mtt_ckpt_write(const mtt_comm *comm, const char *path, const mtt_ckpt *c,
                          mtt_error *err);

/* Read and fully validate path into *c (zeroed first; arrays allocated).
 * Serial, any process, no MPI needed. */
mtt_status mtt_ckpt_read(const char *path, mtt_ckpt *c, mtt_error *err);

/* Collective read: rank 0 reads and validates, the status is agreed, then
 * every field is broadcast so all ranks hold the same *c. */
mtt_status mtt_ckpt_read_collective(const mtt_comm *comm, const char *path, mtt_ckpt *c,
                                    mtt_error *err);

/* Validate path (complete flag, every checksum) and return its progress. */
mtt_status mtt_ckpt_probe(const char *path, mtt_ckpt_progress *p, mtt_error *err);

/* Free what mtt_ckpt_read allocated and zero *c (NULL and zeroed are fine). */
void mtt_ckpt_free(mtt_ckpt *c);

#endif
