/* driver.h — the KIM model driver `mtt` (src/kim/): what its routines share.
 *
 * A KIM portable model made by `mtt export --kim NAME` is this driver plus
 * one parameter file, the exported model (.pt).  The driver opens it with
 * libmtt's public API during create (KIM deletes the file afterwards) and
 * keeps the model for the life of the KIM model object.
 * Units: the model's own (its labels, mapped to KIM units), converted to the
 * units the simulator asks for by two factors fixed at create.
 */
#ifndef MTT_KIM_DRIVER_H
#define MTT_KIM_DRIVER_H

#include <stddef.h>

#include "KIM_ModelDriverHeaders.h"
#include "mtt/mtt.h"

typedef struct mtt_kim_buffer {
    mtt_model *model;
    double influence_distance;   /* simulator length unit: the model cutoff */
    int will_not_request_ghost_neighbors;
    double length_factor;        /* simulator length per model length */
    double energy_factor;        /* simulator energy per model energy */
    size_t n_types;
    int *type_of_code;           /* KIM species code → atomic number */
    /* per-compute scratch, grown on demand (one compute at a time per model) */
    size_t capacity;
    double *positions, *forces, *energies, *virials;
    int *numbers, *contributing;
} mtt_kim_buffer;

/* The compute routines (compute.c). */
KIM_ModelComputeArgumentsCreateFunction mtt_kim_compute_arguments_create;
KIM_ModelComputeArgumentsDestroyFunction mtt_kim_compute_arguments_destroy;
KIM_ModelComputeFunction mtt_kim_compute;

/* Model units from the model's labels (units.c); 1 when known, 0 when not
 * (the message names the label). */
int mtt_kim_units_of_model(const mtt_model *model, KIM_LengthUnit *length, KIM_EnergyUnit *energy,
                           char *message, size_t message_size);

#endif
