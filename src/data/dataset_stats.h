/* dataset_stats.h — summary of a dataset for the log and the checkpoint:
 * sizes, atomic types, per-atom energy mean/std (corrected two-pass,
 * data/moments.h), which targets exist.  Cost: O(n_atoms) once, no allocation.
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

/* Value callbacks for data/moments.h (ctx: a const mtt_dataset *):
 * E_s / N_s of structure s, and force component c (of the 3·n_atoms). */
double mtt_dataset_energy_per_atom(const void *ds, size_t s);
double mtt_dataset_force_component(const void *ds, size_t c);

/* Log the summary with mtt_log_info, prefixed by name ("training set"). */
void mtt_dataset_stats_log(const mtt_dataset_stats *st, const char *name);

#endif
