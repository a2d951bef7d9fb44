/* mtt_api_compute.c — libmtt: energy, forces, per-atom energies and virial
 * of one structure (include/mtt/mtt.h).
 *
 * The input is checked first so that nothing the caller can pass reaches
 * the numerical code as undefined behaviour: atomic types, finite and
 * bounded coordinates, a finite cell of non-zero volume when periodic.
 * Then one mtt_sbp_predict_single call on a workspace taken from the
 * model's pool: concurrent calls each hold their own, repeated calls reuse
 * the buffers (no new memory to fault in at every MD step).  No pair
 * gradients are stored: the force pass recomputes them (it runs once).
 * Cost: the SOAP features and networks of n atoms; memory ~D doubles per
 * atom per workspace, kept until mtt_model_close.
 */
#include "config.h"

#include "mtt/mtt.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/model_api_internal.h"

/* Coordinates beyond this (length unit) lose the precision the descriptors
 * need (1e6 Å keeps ~1e-10 Å resolution in a double) and are user error. */
#define MAX_COORDINATE 1e6

static mtt_model_status input_error(mtt_model_error *error, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static mtt_model_status input_error(mtt_model_error *error, const char *fmt, ...)
{
    if (error) {
        va_list ap;
        va_start(ap, fmt);
        error->status = MTT_MODEL_ERR_INPUT;
        vsnprintf(error->message, sizeof error->message, fmt, ap);
        va_end(ap);
    }
    return MTT_MODEL_ERR_INPUT;
}

static int known_type(const mtt_model *m, int z)
{
    size_t lo = 0, hi = m->file.n_species;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->types[mid] == z) return 1;
        if (m->types[mid] < z) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static mtt_model_status check_input(const mtt_model *m, int n, const double *pos, const int *z,
                                    const double *cell, const int *pbc, mtt_model_error *error)
{
    for (int i = 0; i < n; ++i) {
        if (!known_type(m, z[i])) {
            char list[256];
            size_t k = 0;
            list[0] = '\0';
            for (size_t s = 0; s < m->file.n_species && k + 12 < sizeof list; ++s)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%d", s ? ", " : "", m->types[s]);
            return input_error(error, "atom %d has atomic number %d, which the model does not "
                               "know (its atomic types: %s)", i, z[i], list);
        }
        for (int d = 0; d < 3; ++d) {
            double x = pos[3 * i + d];
            if (!isfinite(x))
                return input_error(error, "atom %d has a non-finite coordinate (%g); check the "
                                   "positions", i, x);
            if (fabs(x) > MAX_COORDINATE)
                return input_error(error, "atom %d has the coordinate %g, farther than %g from "
                                   "the origin; wrap the positions into the cell or check "
                                   "their units", i, x, MAX_COORDINATE);
        }
    }
    int periodic = pbc && (pbc[0] || pbc[1] || pbc[2]);
    if (!periodic) return MTT_MODEL_OK;
    if (!cell) return input_error(error, "the structure is periodic but no cell was given");
    double len = 1.0;
    for (int r = 0; r < 3; ++r) {
        double s = 0.0;
        for (int c = 0; c < 3; ++c) {
            if (!isfinite(cell[3 * r + c]))
                return input_error(error, "the cell has a non-finite entry (row %d, column %d)", r, c);
            s += cell[3 * r + c] * cell[3 * r + c];
        }
        len *= sqrt(s);
    }
    double det = cell[0] * (cell[4] * cell[8] - cell[5] * cell[7]) -
                 cell[1] * (cell[3] * cell[8] - cell[5] * cell[6]) +
                 cell[2] * (cell[3] * cell[7] - cell[4] * cell[6]);
    if (!(fabs(det) > 1e-9 * len) || fabs(det) < 1e-12)
        return input_error(error, "the cell has zero volume (%g); periodic structures need "
                           "three independent lattice vectors", fabs(det));
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            if (fabs(cell[3 * r + c]) > MAX_COORDINATE)
                return input_error(error, "the cell entry %g is larger than %g; check its units",
                                   cell[3 * r + c], MAX_COORDINATE);
    return MTT_MODEL_OK;
}

mtt_model_status mtt_model_compute(const mtt_model *model, int n_atoms, const double *positions,
                                   const int *numbers, const double *cell, const int *pbc,
                                   double *energy, double *forces, double *per_atom_energies,
                                   double *virial, mtt_model_error *error)
{
    if (!model || !energy || n_atoms < 1 || !positions || !numbers)
        return mtt_api_fail(error, MTT_MODEL_ERR_ARGUMENT,
                            "mtt_model_compute: model, positions, numbers and energy must not be "
                            "NULL and n_atoms must be at least 1");
    mtt_model_status ps = check_input(model, n_atoms, positions, numbers, cell, pbc, error);
    if (ps != MTT_MODEL_OK) return ps;
    const size_t n = (size_t)n_atoms;
    /* results go to scratch first: the caller's arrays change only on success */
    double *f = forces ? malloc(3 * n * sizeof *f) : NULL;
    double *ae = per_atom_energies ? malloc(n * sizeof *ae) : NULL;
    mtt_api_slot *slot = mtt_api_slot_take((mtt_model *)model);
    if ((forces && !f) || (per_atom_energies && !ae) || !slot) {
        free(f);
        free(ae);
        if (slot) mtt_api_slot_give((mtt_model *)model, slot);
        return mtt_api_fail(error, MTT_MODEL_ERR_NOMEM, "out of memory computing a structure");
    }
    unsigned char flags[3] = {0, 0, 0};
    for (int d = 0; d < 3; ++d) flags[d] = pbc && pbc[d];
    mtt_structure s = {n_atoms, numbers, positions, cell, flags};
    double e = 0.0, deps[9];
    mtt_error err;
    mtt_error_clear(&err);
    mtt_status st = mtt_sbp_predict_single(model->sbp, model->file.params, &s, &slot->single, &e,
                                           f, ae, virial ? deps : NULL, &err);
    mtt_api_slot_give((mtt_model *)model, slot);
    mtt_model_status out = MTT_MODEL_OK;
    if (st != MTT_OK) {
        out = mtt_api_fail(error, mtt_api_status_of(st), err.msg);
    } else {
        *energy = e;
        if (forces) memcpy(forces, f, 3 * n * sizeof *f);
        if (per_atom_energies) memcpy(per_atom_energies, ae, n * sizeof *ae);
        if (virial)
            for (int q = 0; q < 9; ++q) virial[q] = -deps[q];
        if (error) {
            error->status = MTT_MODEL_OK;
            error->message[0] = '\0';
        }
    }
    free(f);
    free(ae);
    return out;
}
