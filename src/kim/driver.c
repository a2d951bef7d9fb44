/* driver.c — the KIM model driver `mtt`: create, refresh, destroy, and the
 * item's identity (KIM's shared-library schema, version 2).
 *
 * Create reads the one parameter file (an exported model, .pt) through
 * libmtt, declares the species it knows, its units converted to the
 * simulator's, and influence distance = neighbour-list cutoff = the model
 * cutoff with no neighbours of non-contributing particles: the forces are
 * in scatter form (mtt_model_compute_local), exact on any number of ranks.
 * No parameter is published, so there is no Refresh routine (KIM refuses
 * one without parameters).
 * Every failure is one KIM log line naming the file and what to do; the
 * simulator then stops with its own message.
 * The model's name, authors and references are printed once per process
 * (LAMMPS creates the model twice per rank) and, under MPI, by rank 0 only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kim/driver.h"

#define LOG_ERROR(obj, fn, msg) fn(obj, KIM_LOG_VERBOSITY_error, msg, __LINE__, __FILE__)

static int destroy(KIM_ModelDestroy *const model_destroy);

static void buffer_free(mtt_kim_buffer *b)
{
    if (!b) return;
    mtt_model_close(b->model);
    free(b->type_of_code);
    free(b->positions);
    free(b->forces);
    free(b->energies);
    free(b->virials);
    free(b->numbers);
    free(b->contributing);
    free(b);
}

/* Rank 0 of an MPI launch, or no MPI launch at all (the launchers' variables:
 * Open MPI, MPICH/Hydra, Slurm). */
static int first_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK",
                                       "SLURM_PROCID", NULL};
    for (const char *const *v = vars; *v; ++v) {
        const char *s = getenv(*v);
        if (s && *s) return atoi(s) == 0;
    }
    return 1;
}

static int declare_species(KIM_ModelDriverCreate *const mdc, mtt_kim_buffer *b, char *msg,
                           size_t msg_size)
{
    size_t n = 0;
    const int *types = mtt_model_atomic_types(b->model, &n);
    b->type_of_code = malloc((n ? n : 1) * sizeof *b->type_of_code);
    if (!b->type_of_code) {
        snprintf(msg, msg_size, "out of memory");
        return 1;
    }
    b->n_types = n;
    for (size_t k = 0; k < n; ++k) {
        KIM_SpeciesName name;
        if (KIM_SPECIES_NAME_GetSpeciesName(types[k], &name) ||
            KIM_ModelDriverCreate_SetSpeciesCode(mdc, name, (int)k)) {
            snprintf(msg, msg_size, "the model's atomic type %d has no KIM species name",
                     types[k]);
            return 1;
        }
        b->type_of_code[k] = types[k];
    }
    return 0;
}

static int set_units(KIM_ModelDriverCreate *const mdc, mtt_kim_buffer *b,
                     KIM_LengthUnit requested_length, KIM_EnergyUnit requested_energy, char *msg,
                     size_t msg_size)
{
    KIM_LengthUnit length;
    KIM_EnergyUnit energy;
    if (!mtt_kim_units_of_model(b->model, &length, &energy, msg, msg_size)) return 1;
    /* A simulator that leaves a unit unused takes the model's. */
    KIM_LengthUnit to_length =
        KIM_LengthUnit_Equal(requested_length, KIM_LENGTH_UNIT_unused) ? length : requested_length;
    KIM_EnergyUnit to_energy =
        KIM_EnergyUnit_Equal(requested_energy, KIM_ENERGY_UNIT_unused) ? energy : requested_energy;
    if (KIM_ModelDriverCreate_ConvertUnit(length, energy, KIM_CHARGE_UNIT_unused,
                                          KIM_TEMPERATURE_UNIT_unused, KIM_TIME_UNIT_unused,
                                          to_length, to_energy, KIM_CHARGE_UNIT_unused,
                                          KIM_TEMPERATURE_UNIT_unused, KIM_TIME_UNIT_unused, 1.0,
                                          0.0, 0.0, 0.0, 0.0, &b->length_factor) ||
        KIM_ModelDriverCreate_ConvertUnit(length, energy, KIM_CHARGE_UNIT_unused,
                                          KIM_TEMPERATURE_UNIT_unused, KIM_TIME_UNIT_unused,
                                          to_length, to_energy, KIM_CHARGE_UNIT_unused,
                                          KIM_TEMPERATURE_UNIT_unused, KIM_TIME_UNIT_unused, 0.0,
                                          1.0, 0.0, 0.0, 0.0, &b->energy_factor) ||
        KIM_ModelDriverCreate_SetUnits(mdc, to_length, to_energy, KIM_CHARGE_UNIT_unused,
                                       KIM_TEMPERATURE_UNIT_unused, KIM_TIME_UNIT_unused)) {
        snprintf(msg, msg_size, "cannot convert the model's units (%s, %s) to the simulator's",
                 KIM_LengthUnit_ToString(length), KIM_EnergyUnit_ToString(energy));
        return 1;
    }
    return 0;
}

static void print_metadata(const mtt_model *m)
{
    static int printed = 0;  /* once per process: LAMMPS creates the model twice */
    if (printed || !first_rank()) return;
    printed = 1;
    fprintf(stderr, "mtt KIM model: %s (%s, epoch %ld, cutoff %g %s, energy %s)\n",
            mtt_model_name(m)[0] ? mtt_model_name(m) : "(unnamed)", mtt_model_architecture(m),
            mtt_model_epoch(m), mtt_model_cutoff(m),
            mtt_model_length_unit(m)[0] ? mtt_model_length_unit(m) : "angstrom",
            mtt_model_energy_unit(m)[0] ? mtt_model_energy_unit(m) : "eV");
    if (mtt_model_description(m)[0]) fprintf(stderr, "  %s\n", mtt_model_description(m));
    for (size_t i = 0; i < mtt_model_n_authors(m); ++i)
        fprintf(stderr, "  author: %s\n", mtt_model_author(m, i));
    static const char *const kinds[] = {"architecture", "model", "implementation"};
    for (int k = 0; k < 3; ++k)
        for (size_t i = 0; i < mtt_model_n_references(m, kinds[k]); ++i)
            fprintf(stderr, "  reference (%s): %s\n", kinds[k], mtt_model_reference(m, kinds[k], i));
}

static int open_model(KIM_ModelDriverCreate *const mdc, mtt_kim_buffer *b, char *msg,
                      size_t msg_size)
{
    int n_files = 0;
    KIM_ModelDriverCreate_GetNumberOfParameterFiles(mdc, &n_files);
    if (n_files != 1) {
        snprintf(msg, msg_size, "an mtt KIM model has exactly one parameter file (the exported "
                 ".pt), this one has %d; make it again with mtt export --kim", n_files);
        return 1;
    }
    const char *dir = NULL, *base = NULL;
    KIM_ModelDriverCreate_GetParameterFileDirectoryName(mdc, &dir);
    if (KIM_ModelDriverCreate_GetParameterFileBasename(mdc, 0, &base)) {
        snprintf(msg, msg_size, "the KIM API gave no parameter file name");
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, base);
    mtt_model_error err;
    if (mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &b->model, &err) != MTT_MODEL_OK) {
        snprintf(msg, msg_size, "mtt: cannot load the KIM model's parameter file %s: %s", base,
                 err.message);
        return 1;
    }
    return 0;
}

int mtt_kim_driver_create(KIM_ModelDriverCreate *const mdc,
                          KIM_LengthUnit const requested_length,
                          KIM_EnergyUnit const requested_energy,
                          KIM_ChargeUnit const requested_charge,
                          KIM_TemperatureUnit const requested_temperature,
                          KIM_TimeUnit const requested_time);

int mtt_kim_driver_create(KIM_ModelDriverCreate *const mdc,
                          KIM_LengthUnit const requested_length,
                          KIM_EnergyUnit const requested_energy,
                          KIM_ChargeUnit const requested_charge,
                          KIM_TemperatureUnit const requested_temperature,
                          KIM_TimeUnit const requested_time)
{
    (void)requested_charge;
    (void)requested_temperature;
    (void)requested_time;
    char msg[MTT_MODEL_MESSAGE_MAX + 256];
    mtt_kim_buffer *b = calloc(1, sizeof *b);
    if (!b) {
        LOG_ERROR(mdc, KIM_ModelDriverCreate_LogEntry, "mtt: out of memory");
        return 1;
    }
    if (open_model(mdc, b, msg, sizeof msg) || declare_species(mdc, b, msg, sizeof msg) ||
        set_units(mdc, b, requested_length, requested_energy, msg, sizeof msg)) {
        LOG_ERROR(mdc, KIM_ModelDriverCreate_LogEntry, msg);
        fprintf(stderr, "%s\n", msg);  /* LAMMPS shows only "KIM ModelCreate failed" */
        buffer_free(b);
        return 1;
    }
    print_metadata(b->model);
    b->influence_distance = mtt_model_cutoff(b->model) * b->length_factor;
    b->will_not_request_ghost_neighbors = 1;
    KIM_ModelDriverCreate_SetModelNumbering(mdc, KIM_NUMBERING_zeroBased);
    KIM_ModelDriverCreate_SetInfluenceDistancePointer(mdc, &b->influence_distance);
    KIM_ModelDriverCreate_SetNeighborListPointers(mdc, 1, &b->influence_distance,
                                                  &b->will_not_request_ghost_neighbors);
    int error =
        KIM_ModelDriverCreate_SetRoutinePointer(
            mdc, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsCreate, KIM_LANGUAGE_NAME_c, 1,
            (KIM_Function *)mtt_kim_compute_arguments_create) ||
        KIM_ModelDriverCreate_SetRoutinePointer(mdc, KIM_MODEL_ROUTINE_NAME_Compute,
                                                KIM_LANGUAGE_NAME_c, 1,
                                                (KIM_Function *)mtt_kim_compute) ||
        KIM_ModelDriverCreate_SetRoutinePointer(
            mdc, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsDestroy, KIM_LANGUAGE_NAME_c, 1,
            (KIM_Function *)mtt_kim_compute_arguments_destroy) ||
        KIM_ModelDriverCreate_SetRoutinePointer(mdc, KIM_MODEL_ROUTINE_NAME_Destroy,
                                                KIM_LANGUAGE_NAME_c, 1, (KIM_Function *)destroy);
    if (error) {
        LOG_ERROR(mdc, KIM_ModelDriverCreate_LogEntry, "mtt: cannot register the routines");
        buffer_free(b);
        return 1;
    }
    KIM_ModelDriverCreate_SetModelBufferPointer(mdc, b);
    return 0;
}

static int destroy(KIM_ModelDestroy *const model_destroy)
{
    mtt_kim_buffer *b = NULL;
    KIM_ModelDestroy_GetModelBufferPointer(model_destroy, (void **)&b);
    buffer_free(b);
    return 0;
}

/* ---- the item's identity: mirrors KIM's SharedLibrarySchemaV2 -------------
 * (the C++ classes CollectionItemType and LanguageName hold one int each). */
struct mtt_kim_embedded_file {
    const char *file_name;
    unsigned int file_length;
    const unsigned char *file_pointer;
};

struct mtt_kim_schema_v2 {
    int item_type;                  /* 0 = model driver */
    const char *item_name;
    int create_language;            /* 1 = C */
    void (*create_routine)(void);
    const char *driver_name;
    const struct mtt_kim_embedded_file *simulator_model_specification;
    int n_parameter_files;
    const struct mtt_kim_embedded_file *parameter_files;
    int n_metadata_files;
    const struct mtt_kim_embedded_file *metadata_files;
};

extern int kim_shared_library_schema_version;
extern struct mtt_kim_schema_v2 kim_shared_library_schema;

__attribute__((visibility("default"))) int kim_shared_library_schema_version = 2;
__attribute__((visibility("default"))) struct mtt_kim_schema_v2 kim_shared_library_schema = {
    0, "mtt", 1, (void (*)(void))mtt_kim_driver_create, NULL, NULL, 0, NULL, 0, NULL};
