/* soap_bpnn_local.h — the SOAP-BPNN energy of a part of a larger system, as
 * MD engines with domain decomposition need it (the KIM model driver).
 *
 * The engine passes n atoms without periodicity: its own atoms
 * (contributing) and copies of atoms owned elsewhere — periodic images and
 * other ranks' atoms (ghosts).  Every atom within the cutoff of a
 * contributing atom must be in the list.  Then
 *     E = Σ_{i contributing} E_i,   F_k = −∂E/∂r_k for every k, ghosts included
 * ("scatter" form: the engine adds a ghost's force to the atom it copies), so
 * the cutoff itself is the influence distance and no ghost needs neighbours.
 * Ghost atoms are never centres: no network runs for them.
 * Units: the model's (positions in its length unit, E in its energy unit).
 */
#ifndef MTT_MODEL_SOAP_BPNN_LOCAL_H
#define MTT_MODEL_SOAP_BPNN_LOCAL_H

#include "model/soap_bpnn.h"

/* Workspace of the local prediction, kept between MD steps (one per
 * thread): buffers grow to the largest call and are reused. */
typedef struct mtt_sbp_local {
    size_t cap_atoms, n_species;
    int *species_index;     /* n */
    size_t *start, *count;  /* n_species: rows of each species (contributing atoms) */
    size_t *row;            /* n: species row of a contributing atom */
    double *p;              /* n × D, atom order (then ∂E/∂p) */
    double *P, *G, *y;      /* rows × D, rows × D, rows (species order) */
    double *f;              /* n × 3: forces when the caller wants none */
    mtt_mlp_work **mlp;     /* n_species */
    size_t *mlp_rows;       /* n_species: rows each network workspace was made for */
    mtt_nlist nl;
    mtt_soap_work sw;
} mtt_sbp_local;

void mtt_sbp_local_init(mtt_sbp_local *w);
void mtt_sbp_local_free(mtt_sbp_local *w);

/* mtt_sbp_predict_local in the caller's workspace w. */
mtt_status mtt_sbp_predict_local_in(const mtt_sbp_model *m, const double *params,
                                    mtt_sbp_local *w, int n_atoms, const int *numbers,
                                    const double *positions, const int *contributing,
                                    double *energy, double *forces, double *atom_energy,
                                    double *dE_deps, double *atom_dE_deps, mtt_error *err);

/* contributing: n flags (non-zero = the atom's energy counts).
 * Outputs (each may be NULL except energy): forces n × 3; atom_energy n
 * (0 for ghosts); dE_deps 3 × 3 = ∂E/∂ε; atom_dE_deps n × 9, its per-atom
 * split (mtt_soap_forces_virial).  Features and workspace are allocated for
 * this call only (thread safe on a shared model). */
mtt_status mtt_sbp_predict_local(const mtt_sbp_model *m, const double *params, int n_atoms,
                                 const int *numbers, const double *positions,
                                 const int *contributing, double *energy, double *forces,
                                 double *atom_energy, double *dE_deps, double *atom_dE_deps,
                                 mtt_error *err);

#endif
