/* options.h — the training options (metatrain's options.yaml), typed and expanded.
 *
 * mtt_options_load_* read YAML (libyaml, only in this module), apply
 * `-r key.path=value` overrides to the tree, expand metatrain's shorthands
 * (`training_set: data.xyz`, `forces: off`, `loss: mse`, ...), check every key
 * against the one schema table (src/options/schema.c: type, default, bounds,
 * help) and fill this struct.  After a successful load every field holds its
 * final value: defaults applied, derived defaults (read_from of targets and
 * gradients) resolved.  Strings are owned by the struct; NULL means YAML null.
 * Units are labels only: nothing is converted.
 * Errors are one sentence `FILE:LINE:COL: KEY.PATH: message` (or
 * `--override TEXT: message`) with status MTT_ERR_OPTIONS, MTT_ERR_IO for an
 * unreadable file.  Inputs are bounded (MTT_OPTIONS_MAX_BYTES, nesting depth,
 * node count) so a hostile file cannot exhaust memory.
 */
#ifndef MTT_OPTIONS_OPTIONS_H
#define MTT_OPTIONS_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define MTT_OPTIONS_MAX_BYTES ((size_t)1 << 20) /* options files are small */

typedef enum mtt_loss_type {
    MTT_OPTIONS_LOSS_MSE,
    MTT_OPTIONS_LOSS_MAE,
    MTT_OPTIONS_LOSS_HUBER,
    MTT_OPTIONS_LOSS_TYPE_COUNT
} mtt_loss_type;

/* "mse", "mae", "huber". */
const char *mtt_loss_type_name(mtt_loss_type t);

/* The energy target of one dataset block (metatrain's targets.energy). */
typedef struct mtt_target_opts {
    char *key;             /* info key of the energy in the file, default "energy" */
    char *unit;            /* label, e.g. "eV"; default "" */
    char *read_from;       /* default: systems.read_from */
    char *reader;          /* "ase" or NULL (guess from extension) */
    int forces;            /* train on forces (default on) */
    char *forces_key;      /* per-atom array name, default "forces" */
    char *forces_read_from; /* default: the target's read_from */
    char *forces_reader;
    int stress;            /* default on (off when virial is set and stress untouched) */
    char *stress_key;      /* default "stress" */
    char *stress_read_from;
    char *stress_reader;
    int virial;            /* default off; stress and virial both on is an error */
    char *virial_key;      /* default "virial" */
    char *virial_read_from;
    char *virial_reader;
} mtt_target_opts;

/* One of training_set / validation_set / test_set. */
typedef struct mtt_dataset_opts {
    int present;           /* 1: its own systems/targets block below is used */
    int is_fraction;       /* 1: a fraction of the training file (validation/test only) */
    double fraction;       /* in [0, 1) when is_fraction */
    char *read_from;       /* systems.read_from: the structures file */
    char *reader;          /* systems.reader: "ase" or NULL */
    char *length_unit;     /* systems.length_unit label, default "" */
    mtt_target_opts energy;
} mtt_dataset_opts;

typedef struct mtt_options {
    char *source_path;     /* the options file (or "<text>") */
    int64_t seed;          /* >= 0 */
    int seed_given;        /* 0: caller draws one and calls mtt_options_set_seed */
    int base_precision;    /* 64 or 32 (bits of the floating-point type) */
    char *architecture_name; /* "soap_bpnn" */
    int *atomic_types;     /* optional list of Z; n_atomic_types == 0: infer from data */
    size_t n_atomic_types;
    struct {
        double cutoff_radius;   /* Å */
        double cutoff_width;    /* Å, smooth part of the cutoff, < radius */
        int max_radial;         /* n = 0..max_radial */
        int max_angular;        /* l = 0..max_angular */
        int num_hidden_layers;
        int num_neurons_per_layer;
        int layernorm;          /* bool */
    } model;
    struct {
        int batch_size;         /* structures per rank per step */
        int num_epochs;
        double learning_rate;
        double warmup_fraction; /* of all steps, in [0, 1) */
        int log_interval;       /* epochs */
        int checkpoint_interval; /* epochs */
        int scale_targets;      /* bool */
        int log_mae;            /* bool */
        int balance_batches;    /* bool: batches of an epoch balanced by atoms */
        double descriptor_cache_mb; /* MiB per rank for cached descriptors */
        int keep_checkpoints;   /* periodic checkpoints kept, 0 = all */
        double checkpoint_every_minutes; /* wall-clock checkpoints, 0 = off */
        char *finetune_method;  /* "full" or NULL (no fine-tuning) */
        char *finetune_read_from; /* checkpoint whose best weights start the training */
        mtt_loss_type loss_type; /* energy, forces and stress alike */
        double energy_weight;
        double forces_weight;
        double stress_weight;   /* also weights the virial when virial is trained */
        double huber_delta;     /* in target units, huber only */
    } training;
    mtt_dataset_opts training_set, validation_set, test_set;
    /* Not an option: set by the caller when atomic_types come from a
     * checkpoint being fine-tuned (its path, used in messages); not owned. */
    const char *atomic_types_source;
} mtt_options;

/* Read, override, expand and check an options file.  overrides are
 * "key.path=value" strings (value parsed as a YAML scalar or flow node),
 * applied in order to the tree after the text shorthands are spelled out (so
 * `training_set.systems.read_from=x` works on `training_set: FILE`) and
 * before the other expansion rules and all checks.  On success *out is owned by the caller
 * (mtt_options_free). */
mtt_status mtt_options_load_file(const char *path, const char *const *overrides,
                                 size_t n_overrides, mtt_options **out,
                                 mtt_error *err);

/* Every option at its default (required ones unset): what a file that
 * names nothing would give.  Owned by the caller (mtt_options_free). */
mtt_status mtt_options_defaults(mtt_options **out, mtt_error *err);

/* Same from YAML text in memory (e.g. broadcast by rank 0); name is used in
 * messages and as source_path (NULL: "<text>"). */
mtt_status mtt_options_load_text(const char *text, const char *name,
                                 const char *const *overrides, size_t n_overrides,
                                 mtt_options **out, mtt_error *err);

/* Read a whole file of at most MTT_OPTIONS_MAX_BYTES into a NUL-terminated
 * malloc'ed buffer (what rank 0 broadcasts). */
mtt_status mtt_options_read_text(const char *path, char **text, size_t *len,
                                 mtt_error *err);

void mtt_options_set_seed(mtt_options *o, int64_t seed);
/* mtt reads energies, forces, stress and virials from the structures file:
 * a target of dataset d (`set` prefixes the key in the message, e.g.
 * "training_set"; NULL for eval's options, whose keys are top-level)
 * whose read_from names another file is refused with one sentence, rather
 * than silently read from systems.read_from.  Used by train and eval. */
mtt_status mtt_options_check_targets_file(const mtt_dataset_opts *d, const char *set,
                                          mtt_error *err);

/* Eval: a systems.length_unit or targets.energy.unit that names another unit
 * than the model's (both non-empty) is refused; units are labels and mtt
 * converts none, so the errors would be printed in the wrong unit. */
mtt_status mtt_options_check_model_units(const mtt_dataset_opts *d, const char *length_unit,
                                         const char *energy_unit, mtt_error *err);

/* The fully expanded options as YAML text (malloc'ed, NUL-terminated);
 * loading it again gives an identical struct (except source_path). */
mtt_status mtt_options_to_yaml(const mtt_options *o, char **text, mtt_error *err);

/* Write mtt_options_to_yaml to path (temp file + rename). */
mtt_status mtt_options_write_yaml(const mtt_options *o, const char *path,
                                  mtt_error *err);

/* Print the configuration, one `path: value` line per option, via mtt_log_info. */
void mtt_options_log(const mtt_options *o);

/* Restart check between the options stored in a checkpoint (old) and the
 * current ones: every changed option is logged as `path: old -> new` and
 * counted in *n_changed (may be NULL); a changed model hyperparameter
 * (base_precision, architecture.name/atomic_types/model.*) is an
 * MTT_ERR_OPTIONS error naming it.  Set cur's seed from the checkpoint first
 * if the new file has none. */
mtt_status mtt_options_compare(const mtt_options *old, const mtt_options *cur,
                               size_t *n_changed, mtt_error *err);

void mtt_options_free(mtt_options *o);

#endif
