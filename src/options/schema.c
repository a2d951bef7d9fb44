/* schema.c — THE table of options: one row per option of the expanded tree.
 *
 * Parsing (apply.c), defaults, range checks, the written options_restart.yaml
 * and the printed configuration (writer.c) all read these rows; to add an
 * option add a row (and a struct field).  Rows are in tree order: siblings
 * are contiguous and a block's rows follow its switch row (forces -> forces.*),
 * which the writer relies on.  Dataset rows (scope DATASET) are relative to
 * one of training_set / validation_set / test_set.  Lookups are linear: the
 * table has ~60 rows and is read a few hundred times per load.
 */
#include "config.h"

#include "options/internal.h"

#include <float.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define R(field) offsetof(mtt_options, field)
#define D(field) offsetof(mtt_dataset_opts, field)
#define NS MTT_OPT_NO_STORE
#define ROOT MTT_SCOPE_ROOT
#define DSET MTT_SCOPE_DATASET
#define REQ MTT_OPT_REQUIRED
#define GT0 MTT_OPT_MIN_OPEN
#define LT1 MTT_OPT_MAX_OPEN
#define MDL MTT_OPT_MODEL
#define BIG 1e300

const mtt_opt_row mtt_opt_table[] = {
    {"seed", MTT_OPT_INT64, ROOT, 0, NULL, 0, (double)INT64_MAX, NULL, R(seed), R(seed_given),
     "random seed; drawn and logged when absent"},
    {"base_precision", MTT_OPT_INT, ROOT, MDL, "64", 32, 64, "32|64", R(base_precision), 0,
     "floating-point bits of the model; 32: float descriptors, networks, parameters and "
     "Adam, double sums"},
    {"device", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0, "cpu", NS, 0,
     "metatrain's device; mtt runs on CPUs"},
    {"architecture.name", MTT_OPT_STRING, ROOT, REQ | MDL, NULL, 0, 0, "soap_bpnn",
     R(architecture_name), 0, "the architecture; mtt implements soap_bpnn"},
    {"architecture.atomic_types", MTT_OPT_INT_LIST, ROOT, MDL, NULL, 1, 118, NULL,
     R(atomic_types), R(n_atomic_types), "atomic numbers the model knows; empty: from the data"},
    {"architecture.model.soap.cutoff.radius", MTT_OPT_DOUBLE, ROOT, GT0 | MDL, "5.0", 0, 100, NULL,
     R(model.cutoff_radius), 0, "cutoff radius (length unit)"},
    {"architecture.model.soap.cutoff.width", MTT_OPT_DOUBLE, ROOT, GT0 | MDL, "0.5", 0, 100, NULL,
     R(model.cutoff_width), 0, "width of the smooth cutoff, below the radius"},
    {"architecture.model.soap.max_radial", MTT_OPT_INT, ROOT, MDL, "7", 0, 50, NULL,
     R(model.max_radial), 0, "largest radial index n"},
    {"architecture.model.soap.max_angular", MTT_OPT_INT, ROOT, MDL, "6", 0, 20, NULL,
     R(model.max_angular), 0, "largest angular index l"},
    {"architecture.model.bpnn.num_hidden_layers", MTT_OPT_INT, ROOT, MDL, "2", 1, 64, NULL,
     R(model.num_hidden_layers), 0, "hidden layers of each species' network"},
    {"architecture.model.bpnn.num_neurons_per_layer", MTT_OPT_INT, ROOT, MDL, "32", 1, 65536,
     NULL, R(model.num_neurons_per_layer), 0, "width of the hidden layers"},
    {"architecture.model.bpnn.layernorm", MTT_OPT_BOOL, ROOT, MDL, "true", 0, 1, NULL,
     R(model.layernorm), 0, "layer norm on the descriptors"},
    {"architecture.training.batch_size", MTT_OPT_INT, ROOT, 0, "8", 1, 1000000, NULL,
     R(training.batch_size), 0, "structures per rank per step"},
    {"architecture.training.num_epochs", MTT_OPT_INT, ROOT, 0, "100", 1, 100000000, NULL,
     R(training.num_epochs), 0, "passes over the training set"},
    {"architecture.training.learning_rate", MTT_OPT_DOUBLE, ROOT, GT0, "0.001", 0, 100, NULL,
     R(training.learning_rate), 0, "peak Adam learning rate"},
    {"architecture.training.warmup_fraction", MTT_OPT_DOUBLE, ROOT, LT1, "0.01", 0, 1, NULL,
     R(training.warmup_fraction), 0, "fraction of steps of linear warm-up"},
    {"architecture.training.log_interval", MTT_OPT_INT, ROOT, 0, "5", 1, INT_MAX, NULL,
     R(training.log_interval), 0, "epochs between log lines"},
    {"architecture.training.checkpoint_interval", MTT_OPT_INT, ROOT, 0, "25", 1, INT_MAX,
     NULL, R(training.checkpoint_interval), 0, "epochs between checkpoints"},
    {"architecture.training.scale_targets", MTT_OPT_BOOL, ROOT, 0, "true", 0, 1, NULL,
     R(training.scale_targets), 0, "scale energies by the RMS residual"},
    {"architecture.training.log_mae", MTT_OPT_BOOL, ROOT, 0, "false", 0, 1, NULL,
     R(training.log_mae), 0, "also log MAE"},
    {"architecture.training.balance_batches", MTT_OPT_BOOL, ROOT, 0, "true", 0, 1, NULL,
     R(training.balance_batches), 0, "each rank's batches of an epoch hold equal atoms"},
    {"architecture.training.descriptor_cache_mb", MTT_OPT_DOUBLE, ROOT, 0, "4096", 0, 1e9,
     NULL, R(training.descriptor_cache_mb), 0, "MiB per rank for cached descriptors"},
    {"architecture.training.keep_checkpoints", MTT_OPT_INT, ROOT, 0, "0", 0, INT_MAX, NULL,
     R(training.keep_checkpoints), 0, "periodic checkpoints kept, 0 = all"},
    {"architecture.training.checkpoint_every_minutes", MTT_OPT_DOUBLE, ROOT, 0, "0", 0, 1e7,
     NULL, R(training.checkpoint_every_minutes), 0, "wall-clock checkpoint period, 0 = off"},
    {"architecture.training.finetune.method", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0, "full",
     R(training.finetune_method), 0, "fine-tuning: full (all weights trained)"},
    {"architecture.training.finetune.read_from", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0, NULL,
     R(training.finetune_read_from), 0, "checkpoint to fine-tune from (its best weights)"},
    {"architecture.training.loss.energy.type", MTT_OPT_LOSS, ROOT, 0, "mse", 0, 0,
     "mse|mae|huber", R(training.loss_type), 0, "loss of energies, forces and stress"},
    {"architecture.training.loss.energy.weight", MTT_OPT_DOUBLE, ROOT, 0, "1.0", 0, 1e12,
     NULL, R(training.energy_weight), 0, "weight of the energy loss"},
    {"architecture.training.loss.energy.reduction", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0,
     "mean", NS, 0, "metatrain's reduction; mtt averages"},
    {"architecture.training.loss.energy.delta", MTT_OPT_DOUBLE, ROOT, GT0, "1.0", 0, BIG,
     NULL, R(training.huber_delta), 0, "Huber delta (target units); huber only"},
    {"architecture.training.loss.energy.forces.weight", MTT_OPT_DOUBLE, ROOT, 0, "1.0", 0,
     1e12, NULL, R(training.forces_weight), 0, "weight of the force loss"},
    {"architecture.training.loss.energy.forces.reduction", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0,
     "mean", NS, 0, "metatrain's reduction; mtt averages"},
    {"architecture.training.loss.energy.stress.weight", MTT_OPT_DOUBLE, ROOT, 0, "1.0", 0,
     1e12, NULL, R(training.stress_weight), 0, "weight of the stress (or virial) loss"},
    {"architecture.training.loss.energy.stress.reduction", MTT_OPT_STRING, ROOT, 0, NULL, 0, 0,
     "mean", NS, 0, "metatrain's reduction; mtt averages"},
    {"training_set", MTT_OPT_DATASET, ROOT, REQ, NULL, 0, 0, NULL, R(training_set), 0,
     "training structures: a file or a dataset block"},
    {"validation_set", MTT_OPT_DATASET, ROOT, REQ, NULL, 0, 1, NULL, R(validation_set), 0,
     "a fraction of the training file, a file, or a dataset block"},
    {"test_set", MTT_OPT_DATASET, ROOT, 0, "0.0", 0, 1, NULL, R(test_set), 0,
     "a fraction of the training file, a file, or a dataset block"},
    /* ---- inside each dataset block ---- */
    {"systems.read_from", MTT_OPT_STRING, DSET, REQ, NULL, 0, 0, NULL, D(read_from), 0,
     "structures file"},
    {"systems.reader", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "ase", D(reader), 0,
     "ase or null: mtt reads extended XYZ itself either way"},
    {"systems.length_unit", MTT_OPT_STRING, DSET, 0, "", 0, 0, NULL, D(length_unit), 0,
     "length unit label"},
    {"targets.energy.quantity", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "energy", NS, 0,
     "metatrain's quantity"},
    {"targets.energy.key", MTT_OPT_STRING, DSET, 0, "energy", 0, 0, NULL, D(energy.key), 0,
     "info key of the energy"},
    {"targets.energy.unit", MTT_OPT_STRING, DSET, 0, "", 0, 0, NULL, D(energy.unit), 0,
     "energy unit label"},
    {"targets.energy.per_atom", MTT_OPT_BOOL, DSET, 0, NULL, 0, 0, NULL, NS, 0,
     "metatrain's per_atom; energies are per structure"},
    {"targets.energy.type", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "scalar", NS, 0,
     "metatrain's target type"},
    {"targets.energy.num_subtargets", MTT_OPT_INT, DSET, 0, NULL, 1, 1, NULL, NS, 0,
     "metatrain's num_subtargets"},
    {"targets.energy.description", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, NULL, NS, 0,
     "free text"},
    {"targets.energy.read_from", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, NULL,
     D(energy.read_from), 0, "must be systems.read_from (targets come from the structures file)"},
    {"targets.energy.reader", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "ase", D(energy.reader), 0,
     "ase or null: mtt reads extended XYZ itself either way"},
    {"targets.energy.forces", MTT_OPT_BOOL, DSET, 0, "true", 0, 1, NULL, D(energy.forces), 0,
     "train on forces"},
    {"targets.energy.forces.read_from", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, NULL,
     D(energy.forces_read_from), 0, "must be systems.read_from, as the energy's"},
    {"targets.energy.forces.reader", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "ase",
     D(energy.forces_reader), 0, "ase or null: mtt reads extended XYZ itself either way"},
    {"targets.energy.forces.key", MTT_OPT_STRING, DSET, 0, "forces", 0, 0, NULL,
     D(energy.forces_key), 0, "per-atom array of the forces"},
    {"targets.energy.stress", MTT_OPT_BOOL, DSET, 0, "true", 0, 1, NULL, D(energy.stress), 0,
     "train on stress (periodic structures)"},
    {"targets.energy.stress.read_from", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, NULL,
     D(energy.stress_read_from), 0, "must be systems.read_from, as the energy's"},
    {"targets.energy.stress.reader", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "ase",
     D(energy.stress_reader), 0, "ase or null: mtt reads extended XYZ itself either way"},
    {"targets.energy.stress.key", MTT_OPT_STRING, DSET, 0, "stress", 0, 0, NULL,
     D(energy.stress_key), 0, "info key of the stress"},
    {"targets.energy.virial", MTT_OPT_BOOL, DSET, 0, "false", 0, 1, NULL, D(energy.virial), 0,
     "train on the virial instead of the stress"},
    {"targets.energy.virial.read_from", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, NULL,
     D(energy.virial_read_from), 0, "must be systems.read_from, as the energy's"},
    {"targets.energy.virial.reader", MTT_OPT_STRING, DSET, 0, NULL, 0, 0, "ase",
     D(energy.virial_reader), 0, "ase or null: mtt reads extended XYZ itself either way"},
    {"targets.energy.virial.key", MTT_OPT_STRING, DSET, 0, "virial", 0, 0, NULL,
     D(energy.virial_key), 0, "info key of the virial"},
};
const size_t mtt_opt_table_len = sizeof mtt_opt_table / sizeof mtt_opt_table[0];

static const char *const dataset_names[] = {"training_set", "validation_set", "test_set"};

const char *mtt_opt_dataset_rest(const char *path, const char **set_name)
{
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(dataset_names[i]);
        if (!strncmp(path, dataset_names[i], len) && path[len] == '.') {
            if (set_name) *set_name = dataset_names[i];
            return path + len + 1;
        }
    }
    return NULL;
}

const mtt_opt_row *mtt_opt_find(const char *path)
{
    const char *rest = mtt_opt_dataset_rest(path, NULL);
    mtt_opt_scope scope = rest ? DSET : ROOT;
    const char *p = rest ? rest : path;
    for (size_t i = 0; i < mtt_opt_table_len; i++)
        if (mtt_opt_table[i].scope == scope && !strcmp(mtt_opt_table[i].path, p))
            return &mtt_opt_table[i];
    return NULL;
}

/* Row paths in the same scope as path, relative; prefix = path + ".". */
static int child_key(const mtt_opt_row *row, const char *path, const char **seg, size_t *len)
{
    const char *rest = mtt_opt_dataset_rest(path, NULL);
    const char *p = path;
    mtt_opt_scope scope = ROOT;
    int set_root = 0;
    if (rest) {
        scope = DSET;
        p = rest;
    } else {
        for (size_t i = 0; i < 3; i++)
            if (!strcmp(path, dataset_names[i])) set_root = 1;
        if (set_root) {
            scope = DSET;
            p = "";
        }
    }
    if (row->scope != scope) return 0;
    size_t plen = strlen(p);
    const char *r = row->path;
    if (plen) {
        if (strncmp(r, p, plen) || r[plen] != '.') return 0;
        r += plen + 1;
    }
    *seg = r;
    *len = strcspn(r, ".");
    return 1;
}

int mtt_opt_has_children(const char *path)
{
    const char *seg;
    size_t len;
    for (size_t i = 0; i < mtt_opt_table_len; i++)
        if (child_key(&mtt_opt_table[i], path, &seg, &len)) return 1;
    return 0;
}

/* Levenshtein distance, bounded: long keys are not compared. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t prev[65], cur[65];
    if (la > 64 || lb > 64) return (size_t)-1;
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *mtt_opt_suggest(const char *parent_path, const char *key, char *best,
                            size_t best_n, char *list, size_t n)
{
    size_t best_d = (size_t)-1, klen = strlen(key), used = 0;
    const char *seg;
    size_t len;
    if (n) list[0] = '\0';
    for (size_t i = 0; i < mtt_opt_table_len; i++) {
        if (!child_key(&mtt_opt_table[i], parent_path, &seg, &len)) continue;
        /* list each distinct key once (siblings are contiguous in the table) */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *s2;
            size_t l2;
            if (child_key(&mtt_opt_table[j], parent_path, &s2, &l2) && l2 == len &&
                !strncmp(s2, seg, len))
                seen = 1;
        }
        if (seen) continue;
        if (used + len + 3 < n) used += (size_t)snprintf(list + used, n - used, "%s%.*s",
                                                         used ? ", " : "", (int)len, seg);
        size_t d = edit_distance(key, klen, seg, len);
        if (d < best_d && len < best_n) {
            best_d = d;
            memcpy(best, seg, len);
            best[len] = '\0';
        }
    }
    /* close enough to be a typo: a third of the length, at least 2 edits */
    size_t limit = klen / 3 > 2 ? klen / 3 : 2;
    return best_d <= limit ? best : NULL;
}
