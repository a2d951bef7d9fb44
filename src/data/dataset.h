/* dataset.h — structures read from a data file, as flat per-atom and
 * per-structure arrays (structure of arrays, ready for batching).
 *
 * Invariants: atom_start has n_structures + 1 entries, atom_start[0] = 0,
 * atom_start[n_structures] = n_atoms; atoms of structure s are
 * [atom_start[s], atom_start[s+1]).  Optional arrays are NULL exactly when
 * their has_* flag is 0.  Units are those of the file (mtt's data files use
 * Å, eV, eV/Å, eV/Å^3); no conversion happens here.
 * Cost: 4 + 24 (+ 24 with forces) bytes per atom, ~100 bytes per structure.
 */
#ifndef MTT_DATA_DATASET_H
#define MTT_DATA_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct mtt_dataset {
    size_t n_structures;
    size_t n_atoms;           /* all structures together */
    int64_t *atom_start;      /* n_structures + 1 prefix sums */
    int *numbers;             /* atomic numbers Z, n_atoms */
    double *positions;        /* Å, 3 * n_atoms */
    double *forces;           /* eV/Å, 3 * n_atoms, or NULL */
    double *energy;           /* eV, per structure, or NULL */
    double *cell;             /* Å, 9 per structure, rows = lattice vectors
                                 a1, a2, a3; all zero without a Lattice */
    unsigned char *pbc;       /* 3 per structure: periodic along a1, a2, a3 */
    double *stress;           /* eV/Å^3, 9 per structure (row-major 3x3), or NULL */
    double *virial;           /* eV, 9 per structure (row-major 3x3), or NULL */
    int has_energy, has_forces, has_stress, has_virial;
    /* 1-based line of the first frame that lacked forces / stress / virial
     * when that target was asked for and dropped (0: none); lets a caller
     * that read the file in parts (one per rank) report the first one. */
    int64_t missing_line[3];
    size_t *frame;            /* index of each structure's frame in the file */
    /* capacities (elements) while the dataset is being filled */
    size_t cap_atoms, cap_structures;
} mtt_dataset;

/* An empty dataset that will hold the arrays asked for (flags 0/1). */
mtt_status mtt_dataset_create(int want_energy, int want_forces,
                              int want_stress, int want_virial,
                              mtt_dataset **out, mtt_error *err);
void mtt_dataset_free(mtt_dataset *ds);

/* Make room for at least n_atoms atoms and n_structures structures in
 * total (geometric growth, amortised O(1) per append). */
mtt_status mtt_dataset_reserve(mtt_dataset *ds, size_t n_atoms,
                               size_t n_structures, mtt_error *err);

/* Release spare capacity (realloc to the exact sizes). */
void mtt_dataset_shrink(mtt_dataset *ds);

/* Drop an optional array: which = 'f' forces, 's' stress, 'v' virial,
 * 'e' energy; sets the has_* flag to 0. */
void mtt_dataset_drop(mtt_dataset *ds, char which);

/* Bytes held by the dataset's arrays (at their current capacity). */
size_t mtt_dataset_bytes(const mtt_dataset *ds);

#endif
