/* dataset_stats.c — one pass over the atoms, the corrected two-pass
 * algorithm (data/moments.h) for the energy moments: stable for large
 * offsets such as -97079 kcal/mol, where Welford's one-pass update keeps
 * only about 1e-16 · mean/std of relative accuracy.
 */
#include "config.h"

#include "data/dataset_stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/moments.h"
#include "util/log.h"

void mtt_dataset_stats_compute(const mtt_dataset *ds, mtt_dataset_stats *st)
{
    unsigned char seen[MTT_ELEMENTS_MAX_Z + 1];
    memset(st, 0, sizeof *st);
    memset(seen, 0, sizeof seen);
    st->n_structures = ds->n_structures;
    st->n_atoms = ds->n_atoms;
    for (size_t a = 0; a < ds->n_atoms; ++a) {
        int z = ds->numbers[a];
        if (z >= 1 && z <= MTT_ELEMENTS_MAX_Z) seen[z] = 1;
    }
    for (int z = 1; z <= MTT_ELEMENTS_MAX_Z; ++z)
        if (seen[z]) st->types[st->n_types++] = z;
    st->has_energy = ds->has_energy;
    st->has_forces = ds->has_forces;
    st->has_stress = ds->has_stress;
    st->has_virial = ds->has_virial;
    if (ds->has_energy && ds->n_structures > 0) {
        double mean, var;
        mtt_moments_two_pass(ds->n_structures, mtt_dataset_energy_per_atom, ds, &mean, &var);
        st->energy_per_atom_mean = mean;
        st->energy_per_atom_std = sqrt(var);
    }
}

double mtt_dataset_energy_per_atom(const void *ctx, size_t s)
{
    const mtt_dataset *ds = ctx;
    return ds->energy[s] / (double)(ds->atom_start[s + 1] - ds->atom_start[s]);
}

double mtt_dataset_force_component(const void *ctx, size_t c)
{
    const mtt_dataset *ds = ctx;
    return ds->forces[c];
}

void mtt_dataset_stats_log(const mtt_dataset_stats *st, const char *name)
{
    char types[MTT_ELEMENTS_MAX_Z * 4 + 8];
    size_t k = 0;
    types[0] = '\0';
    for (size_t i = 0; i < st->n_types && k + 5 < sizeof types; ++i)
        k += (size_t)snprintf(types + k, sizeof types - k, "%s%s",
                              i ? " " : "", mtt_elements_symbol(st->types[i]));
    mtt_log_info("%s: %zu structures, %zu atoms, types [%s]", name,
                 st->n_structures, st->n_atoms, types);
    if (st->has_energy)
        mtt_log_info("%s: energy per atom mean %.6g eV, std %.6g eV", name,
                     st->energy_per_atom_mean, st->energy_per_atom_std);
    mtt_log_info("%s: energy %s, forces %s, stress %s, virial %s", name,
                 st->has_energy ? "yes" : "no", st->has_forces ? "yes" : "no",
                 st->has_stress ? "yes" : "no", st->has_virial ? "yes" : "no");
}
