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
