/* units.c — the KIM units of an exported model, from its unit labels.
 *
 * The labels are free text from the training options (systems.length_unit,
 * targets.energy.unit); the spellings users write for KIM's units are
 * accepted.  An empty label means the model was trained without one: mtt's
 * data are Å and eV by default (the extended XYZ convention), so those are
 * assumed.  Any other label is refused: guessing a unit silently would give
 * wrong MD.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kim/driver.h"

static int any_of(const char *label, const char *const *names)
{
    for (; *names; ++names)
        if (strcasecmp(label, *names) == 0) return 1;
    return 0;
}

int mtt_kim_units_of_model(const mtt_model *model, KIM_LengthUnit *length, KIM_EnergyUnit *energy,
                           char *message, size_t message_size)
{
    static const char *const angstrom[] = {"", "angstrom", "A", "Å", "Ang", NULL};
    static const char *const bohr[] = {"bohr", "Bohr", "a0", NULL};
    static const char *const nm[] = {"nm", "nanometer", NULL};
    static const char *const ev[] = {"", "eV", "electronvolt", NULL};
    static const char *const kcal[] = {"kcal/mol", "kcal_mol", "kcal mol-1", NULL};
    static const char *const hartree[] = {"Hartree", "Ha", "Eh", NULL};
    static const char *const joule[] = {"J", "joule", NULL};
    const char *l = mtt_model_length_unit(model), *e = mtt_model_energy_unit(model);
    if (any_of(l, angstrom)) *length = KIM_LENGTH_UNIT_A;
    else if (any_of(l, bohr)) *length = KIM_LENGTH_UNIT_Bohr;
    else if (any_of(l, nm)) *length = KIM_LENGTH_UNIT_nm;
    else {
        snprintf(message, message_size, "the model's length unit '%s' is not one KIM knows "
                 "(angstrom, bohr, nm); export a model trained with one of them", l);
        return 0;
    }
    if (any_of(e, ev)) *energy = KIM_ENERGY_UNIT_eV;
    else if (any_of(e, kcal)) *energy = KIM_ENERGY_UNIT_kcal_mol;
    else if (any_of(e, hartree)) *energy = KIM_ENERGY_UNIT_Hartree;
    else if (any_of(e, joule)) *energy = KIM_ENERGY_UNIT_J;
    else {
        snprintf(message, message_size, "the model's energy unit '%s' is not one KIM knows "
                 "(eV, kcal/mol, Hartree, J); export a model trained with one of them", e);
        return 0;
    }
    return 1;
}
