/* train_data.h — everything the trainer needs from the data files.
 *
 * Loads the training, validation and test sets named by the options:
 * rank 0 indexes each file once (byte offsets and atom counts per frame)
 * and broadcasts the index; every rank computes the same split from the
 * seed; then each set's list of structures is cut into contiguous,
 * atom-balanced shards (data/shard.h) and every rank parses only its own
 * frames.  Statistics and atomic types are summed over ranks, so every rank
 * ends with the same global view and its own structures.
 * Collective: every call must be made on all ranks; failures are agreed on
 * (all ranks return the same non-OK status and rank 0's err holds the first
 * failing rank's message).
 */
#ifndef MTT_TRAIN_TRAIN_DATA_H
#define MTT_TRAIN_TRAIN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "options/options.h"
#include "parallel/comm.h"
#include "util/status.h"

typedef enum mtt_set_kind {
    MTT_SET_TRAINING = 0,
    MTT_SET_VALIDATION,
    MTT_SET_TEST,
    MTT_SET_COUNT
} mtt_set_kind;

/* "training", "validation", "test" (also the names of indices/<name>.txt). */
const char *mtt_set_name(mtt_set_kind k);

#define MTT_MAX_Z 118

typedef struct mtt_set_info {
    const char *path;        /* file the set's structures come from */
    int own_file;            /* 1: read from its own file, not split off the training file */
    size_t *frames;          /* frame indices in that file, ascending (all ranks) */
    size_t n_structures;     /* all ranks */
    int64_t n_atoms;         /* all ranks */
    double energy_per_atom_mean;  /* in the data's unit, over all structures */
    double energy_per_atom_std;   /* population standard deviation */
    int has_energy, has_forces, has_stress, has_virial;  /* found in every structure */
    int64_t count_by_z[MTT_MAX_Z + 1];  /* ranks holding each atomic number (> 0: present) */
} mtt_set_info;

typedef struct mtt_train_data {
    mtt_set_info set[MTT_SET_COUNT];
    mtt_dataset *shard[MTT_SET_COUNT];   /* this rank's structures of each set */
    int atomic_types[MTT_MAX_Z + 1];     /* sorted Z the model will know */
    size_t n_atomic_types;
} mtt_train_data;

mtt_status mtt_train_data_load(const mtt_options *o, const mtt_comm *comm, mtt_train_data *td,
                               mtt_error *err);

/* Log the split and each set's statistics (rank 0 prints). */
void mtt_train_data_log(const mtt_train_data *td);

/* Write <run_dir>/indices/{training,validation,test}.txt (rank 0 only). */
mtt_status mtt_train_data_write_indices(const mtt_train_data *td, const char *run_dir,
                                        mtt_error *err);

void mtt_train_data_free(mtt_train_data *td);

#endif
