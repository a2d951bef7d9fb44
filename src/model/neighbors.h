/* neighbors.h — full neighbour lists with periodic images (cell lists, O(N)).
 *
 * For every centre atom i the list holds every (j, S) with
 *     r_ij = r_j - r_i + S·cell,   0 < |r_ij| < cutoff,
 * where S is an integer 3-vector (S·cell = Σ_d S_d · cell row d).  Both i→j and
 * j→i are stored ("full" list); an atom's own images (j == i, S != 0) appear
 * when the cell is smaller than the cutoff.  Pairs are grouped by centre
 * (CSR): the pairs of i are first[i] .. first[i+1]-1.
 *
 * Periodicity: pbc[d] != 0 makes cell row d a lattice vector; any subset of
 * directions may be periodic, the cell may be triclinic and thinner than the
 * cutoff (then several images of one atom are found).  With no periodic
 * direction the cell is ignored (molecules; cell may be NULL).  The cell must
 * be non-singular when some direction is periodic.
 *
 * Units: Å (whatever the positions use).  Cost: O(N + pairs) time; memory
 * grows once and is reused between calls (the struct owns its buffers).
 */
#ifndef MTT_MODEL_NEIGHBORS_H
#define MTT_MODEL_NEIGHBORS_H

#include <stddef.h>

#include "util/status.h"

typedef struct mtt_nlist {
    int n_atoms;
    size_t n_pairs;      /* directed pairs */
    size_t *first;       /* n_atoms+1: CSR offsets into the pair arrays */
    int *j;              /* n_pairs: neighbour atom index */
    int *shift;          /* 3·n_pairs: integer image shift S */
    double *rij;         /* 3·n_pairs: r_j - r_i + S·cell (Å) */
    double *r;           /* n_pairs: |r_ij| (Å) */
    /* owned scratch and capacities (do not touch) */
    size_t cap_pairs;
    int cap_atoms;
    size_t cap_bins;
    int *bin_of;         /* n_atoms: flat bin index */
    int *order;          /* n_atoms: atoms sorted by bin */
    int *bin_start;      /* n_bins+1 */
    int *wrap;           /* 3·n_atoms: floor of fractional coordinate (periodic dirs) */
    double *frac;        /* 3·n_atoms: fractional coordinates */
} mtt_nlist;

/* Zero a list before first use. */
void mtt_nlist_init(mtt_nlist *nl);
/* Free the buffers (nl may be NULL); the struct can be re-initialised. */
void mtt_nlist_free(mtt_nlist *nl);

/* Build the list.  pos: n_atoms×3 (Å); cell: 3×3, rows = lattice vectors (Å),
 * may be NULL when no pbc; pbc: 3 flags (NULL = none).  cutoff > 0 (Å).
 * Errors: MTT_ERR_DATA for a singular cell or bad cutoff, MTT_ERR_NOMEM. */
mtt_status mtt_nlist_build(mtt_nlist *nl, int n_atoms, const double *pos,
                           const double *cell, const int *pbc, double cutoff,
                           mtt_error *err);

#endif
