/* dataset_stats.h — summary of a dataset for the log and the checkpoint:
 * sizes, atomic types, per-atom energy mean/std, which targets exist.
 * Cost: O(n_atoms) once, no allocation.
 */
#ifndef MTT_DATA_DATASET_STATS_H
#define MTT_DATA_DATASET_STATS_H

#include <stddef.h>

#include "data/dataset.h"
#include "data/elements.h"

typedef struct mtt_dataset_stats {
    size_t n_structures, n_atoms;
    size_t n_types;
    int types[MTT_ELEMENTS_MAX_Z];   /* atomic numbers found, ascending */
    double energy_per_atom_mean;     /* eV/atom (0 without energies) */
    double energy_per_atom_std;      /* eV/atom, population std */
    int has_energy, has_forces, has_stress, has_virial;
} mtt_dataset_stats;

void mtt_dataset_stats_compute(const mtt_dataset *ds, mtt_dataset_stats *st);

/* Log the summary with mtt_log_info, prefixed by name ("training set"). */
void mtt_dataset_stats_log(const mtt_dataset_stats *st, const char *name);

#endif
