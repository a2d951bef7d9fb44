/* compute.c — the KIM model driver's compute: energy, forces on every
 * particle, and on request per-particle energies and virials.
 *
 * The simulator passes its contributing particles and non-contributing
 * copies (ghosts: periodic images and atoms of other ranks) within the
 * influence distance.  mtt_model_compute_local builds its own neighbour list
 * over all of them, so KIM's list (which holds the simulator's skin) is not
 * read; every contributing particle's environment within the cutoff is
 * complete.  Forces land on ghosts too (scatter form); the simulator adds
 * them to their owners.
 * KIM's virial is +∂E/∂ε (Voigt order xx yy zz yz xz xy), the opposite sign
 * of libmtt's W.  Every output is optional: LAMMPS asks for the energy and
 * forces always, per-particle values only for compute pe/atom and
 * stress/atom, the global virial never.
 * Cost: libmtt's, plus copying and converting n particles.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kim/driver.h"

#define LOG_ERROR(obj, fn, msg) fn(obj, KIM_LOG_VERBOSITY_error, msg, __LINE__, __FILE__)

int mtt_kim_compute_arguments_create(KIM_ModelCompute const *const model_compute,
                                     KIM_ModelComputeArgumentsCreate *const args)
{
    (void)model_compute;
    const KIM_ComputeArgumentName names[] = {
        KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, KIM_COMPUTE_ARGUMENT_NAME_partialForces,
        KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy, KIM_COMPUTE_ARGUMENT_NAME_partialVirial,
        KIM_COMPUTE_ARGUMENT_NAME_partialParticleVirial};
    int error = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; ++k)
        error = error || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
                             args, names[k], KIM_SUPPORT_STATUS_optional);
    if (error)
        LOG_ERROR(args, KIM_ModelComputeArgumentsCreate_LogEntry,
                  "mtt: cannot declare the compute arguments");
    return error;
}

int mtt_kim_compute_arguments_destroy(KIM_ModelCompute const *const model_compute,
                                      KIM_ModelComputeArgumentsDestroy *const args)
{
    (void)model_compute;
    (void)args;
    return 0;
}

static int grow(mtt_kim_buffer *b, size_t n)
{
    if (n <= b->capacity) return 0;
    size_t cap = n + n / 2;
    double *p = realloc(b->positions, 3 * cap * sizeof *p);
    if (p) b->positions = p;
    double *f = p ? realloc(b->forces, 3 * cap * sizeof *f) : NULL;
    if (f) b->forces = f;
    double *e = f ? realloc(b->energies, cap * sizeof *e) : NULL;
    if (e) b->energies = e;
    double *v = e ? realloc(b->virials, 9 * cap * sizeof *v) : NULL;
    if (v) b->virials = v;
    int *z = v ? realloc(b->numbers, cap * sizeof *z) : NULL;
    if (z) b->numbers = z;
    int *c = z ? realloc(b->contributing, cap * sizeof *c) : NULL;
    if (c) b->contributing = c;
    if (!c) return 1;
    b->capacity = cap;
    return 0;
}

/* W (3×3, row-major, model units, libmtt's sign) → KIM's 6 components. */
static void to_kim_virial(const double *w, double factor, double *out)
{
    out[0] = -factor * w[0];
    out[1] = -factor * w[4];
    out[2] = -factor * w[8];
    out[3] = -factor * 0.5 * (w[5] + w[7]);
    out[4] = -factor * 0.5 * (w[2] + w[6]);
    out[5] = -factor * 0.5 * (w[1] + w[3]);
}

int mtt_kim_compute(KIM_ModelCompute const *const model_compute,
                    KIM_ModelComputeArguments const *const args)
{
    mtt_kim_buffer *b = NULL;
    KIM_ModelCompute_GetModelBufferPointer(model_compute, (void **)&b);
    int *n_particles = NULL, *codes = NULL, *contributing = NULL;
    double *coordinates = NULL, *energy = NULL, *forces = NULL, *particle_energy = NULL,
           *virial = NULL, *particle_virial = NULL;
    int error =
        KIM_ModelComputeArguments_GetArgumentPointerInteger(
            args, KIM_COMPUTE_ARGUMENT_NAME_numberOfParticles, &n_particles) ||
        KIM_ModelComputeArguments_GetArgumentPointerInteger(
            args, KIM_COMPUTE_ARGUMENT_NAME_particleSpeciesCodes, &codes) ||
        KIM_ModelComputeArguments_GetArgumentPointerInteger(
            args, KIM_COMPUTE_ARGUMENT_NAME_particleContributing, &contributing) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_coordinates, &coordinates) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, &energy) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_partialForces, &forces) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy, &particle_energy) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_partialVirial, &virial) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            args, KIM_COMPUTE_ARGUMENT_NAME_partialParticleVirial, &particle_virial);
    if (error) {
        LOG_ERROR(model_compute, KIM_ModelCompute_LogEntry, "mtt: cannot get the arguments");
        return 1;
    }
    const int n = *n_particles;
    if (n < 1) {  /* an empty domain: nothing to add */
        if (energy) *energy = 0.0;
        if (virial)
            for (int q = 0; q < 6; ++q) virial[q] = 0.0;
        return 0;
    }
    if (grow(b, (size_t)n)) {
        LOG_ERROR(model_compute, KIM_ModelCompute_LogEntry, "mtt: out of memory");
        return 1;
    }
    int any_contributing = 0;
    for (int i = 0; i < n; ++i) {
        if (codes[i] < 0 || (size_t)codes[i] >= b->n_types) {
            char msg[160];
            snprintf(msg, sizeof msg, "mtt: particle %d has the species code %d, not one of "
                     "the model's %zu", i, codes[i], b->n_types);
            LOG_ERROR(model_compute, KIM_ModelCompute_LogEntry, msg);
            return 1;
        }
        b->numbers[i] = b->type_of_code[codes[i]];
        b->contributing[i] = contributing[i] != 0;
        any_contributing |= b->contributing[i];
        for (int d = 0; d < 3; ++d) b->positions[3 * i + d] = coordinates[3 * i + d] / b->length_factor;
    }
    double e = 0.0, w[9] = {0};
    if (any_contributing) {
        mtt_model_error err;
        mtt_model_status st = mtt_model_compute_local(
            b->model, n, b->positions, b->numbers, b->contributing, &e, forces ? b->forces : NULL,
            particle_energy ? b->energies : NULL, virial ? w : NULL,
            particle_virial ? b->virials : NULL, &err);
        if (st != MTT_MODEL_OK) {
            char msg[MTT_MODEL_MESSAGE_MAX + 16];
            snprintf(msg, sizeof msg, "mtt: %s", err.message);
            LOG_ERROR(model_compute, KIM_ModelCompute_LogEntry, msg);
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
    } else {  /* only ghosts (a rank whose domain is empty) */
        for (int i = 0; i < n; ++i) {
            for (int d = 0; d < 3; ++d) b->forces[3 * i + d] = 0.0;
            b->energies[i] = 0.0;
            for (int q = 0; q < 9; ++q) b->virials[9 * i + q] = 0.0;
        }
    }
    const double ef = b->energy_factor, ff = b->energy_factor / b->length_factor;
    if (energy) *energy = ef * e;
    if (forces)
        for (int k = 0; k < 3 * n; ++k) forces[k] = ff * b->forces[k];
    if (particle_energy)
        for (int i = 0; i < n; ++i) particle_energy[i] = ef * b->energies[i];
    if (virial) to_kim_virial(w, ef, virial);
    if (particle_virial)
        for (int i = 0; i < n; ++i) to_kim_virial(b->virials + 9 * i, ef, particle_virial + 6 * i);
    return 0;
}
