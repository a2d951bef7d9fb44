/* mtt_api_local.c — libmtt for MD engines: the energy of an engine's own
 * atoms among ghost copies, forces on all (include/mtt/mtt.h,
 * mtt_model_compute_local; the KIM model driver is its first user).
 *
 * Inputs are checked as in mtt_model_compute (types, finite and bounded
 * coordinates) so that nothing a simulator passes reaches the numerical
 * code as undefined behaviour.  The work is mtt_sbp_predict_local_in, in a
 * workspace from the model's pool (reused from step to step).
 */
#include "config.h"

#include "mtt/mtt.h"

#include <math.h>
#include <stdio.h>

#include "io/model_api_internal.h"
#include "model/soap_bpnn_local.h"

#define MAX_COORDINATE 1e6  /* as in mtt_api_compute.c */

static int known_type(const mtt_model *m, int z)
{
    for (size_t s = 0; s < m->file.n_species; ++s)
        if (m->types[s] == z) return 1;
    return 0;
}

static mtt_model_status check_atoms(const mtt_model *m, int n, const double *pos, const int *z,
                                    mtt_model_error *error)
{
    char msg[MTT_MODEL_MESSAGE_MAX];
    for (int i = 0; i < n; ++i) {
        if (!known_type(m, z[i])) {
            snprintf(msg, sizeof msg, "atom %d has atomic number %d, which the model does not "
                     "know", i, z[i]);
            return mtt_api_fail(error, MTT_MODEL_ERR_INPUT, msg);
        }
        for (int d = 0; d < 3; ++d)
            if (!isfinite(pos[3 * i + d]) || fabs(pos[3 * i + d]) > MAX_COORDINATE) {
                snprintf(msg, sizeof msg, "atom %d has the coordinate %g, which is not finite "
                         "or farther than %g from the origin; check the positions and their "
                         "units", i, pos[3 * i + d], MAX_COORDINATE);
                return mtt_api_fail(error, MTT_MODEL_ERR_INPUT, msg);
            }
    }
    return MTT_MODEL_OK;
}

mtt_model_status mtt_model_compute_local(const mtt_model *model, int n_atoms,
                                         const double *positions, const int *numbers,
                                         const int *contributing, double *energy, double *forces,
                                         double *per_atom_energies, double *virial,
                                         double *per_atom_virial, mtt_model_error *error)
{
    if (!model || !energy || n_atoms < 1 || !positions || !numbers || !contributing)
        return mtt_api_fail(error, MTT_MODEL_ERR_ARGUMENT,
                            "mtt_model_compute_local: model, positions, numbers, contributing "
                            "and energy must not be NULL and n_atoms must be at least 1");
    mtt_model_status ps = check_atoms(model, n_atoms, positions, numbers, error);
    if (ps != MTT_MODEL_OK) return ps;
    double deps[9];
    mtt_error err;
    mtt_error_clear(&err);
    mtt_api_slot *slot = mtt_api_slot_take((mtt_model *)model);
    if (!slot)
        return mtt_api_fail(error, MTT_MODEL_ERR_NOMEM, "out of memory computing a structure");
    mtt_status st = mtt_sbp_predict_local_in(model->sbp, model->file.params, &slot->local,
                                             n_atoms, numbers, positions, contributing, energy,
                                             forces, per_atom_energies, virial ? deps : NULL,
                                             per_atom_virial, &err);
    mtt_api_slot_give((mtt_model *)model, slot);
    if (st != MTT_OK) return mtt_api_fail(error, mtt_api_status_of(st), err.msg);
    /* the library's virial is W = −∂E/∂ε */
    if (virial)
        for (int q = 0; q < 9; ++q) virial[q] = -deps[q];
    if (per_atom_virial)
        for (size_t q = 0; q < 9 * (size_t)n_atoms; ++q) per_atom_virial[q] = -per_atom_virial[q];
    if (error) {
        error->status = MTT_MODEL_OK;
        error->message[0] = '\0';
    }
    return MTT_MODEL_OK;
}
