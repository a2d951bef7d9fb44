/* dataset.c — allocation, growth and release of mtt_dataset arrays.
 *
 * Growth is by 1.5x (or to the requested size when larger).  Large blocks
 * are mmap-backed in glibc, so realloc moves pages instead of copying and
 * untouched capacity costs no resident memory.
 */
#include "config.h"

#include "data/dataset.h"

#include <stdlib.h>
#include <string.h>

mtt_status mtt_dataset_create(int want_energy, int want_forces,
                              int want_stress, int want_virial,
                              mtt_dataset **out, mtt_error *err)
{
    mtt_dataset *ds = calloc(1, sizeof *ds);
    *out = NULL;
    if (!ds) return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for a dataset");
    ds->has_energy = want_energy != 0;
    ds->has_forces = want_forces != 0;
    ds->has_stress = want_stress != 0;
    ds->has_virial = want_virial != 0;
    ds->atom_start = calloc(1, sizeof *ds->atom_start);
    if (!ds->atom_start) {
        free(ds);
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for a dataset");
    }
    *out = ds;
    return MTT_OK;
}

void mtt_dataset_free(mtt_dataset *ds)
{
    if (!ds) return;
    free(ds->atom_start);
    free(ds->numbers);
    free(ds->positions);
    free(ds->forces);
    free(ds->energy);
    free(ds->cell);
    free(ds->pbc);
    free(ds->stress);
    free(ds->virial);
    free(ds->frame);
    free(ds);
}

/* realloc *p to n elements of size sz; 0 on failure (old block kept). */
static int resize(void **p, size_t n, size_t sz)
{
    if (n == 0) n = 1;
    void *q = realloc(*p, n * sz);
    if (!q) return 0;
    *p = q;
    return 1;
}

static size_t grown(size_t cap, size_t need)
{
    size_t g = cap + cap / 2 + 16;
    return need > g ? need : g;
}

mtt_status mtt_dataset_reserve(mtt_dataset *ds, size_t n_atoms,
                               size_t n_structures, mtt_error *err)
{
    int ok = 1;
    if (n_atoms > ds->cap_atoms) {
        size_t c = grown(ds->cap_atoms, n_atoms);
        ok = resize((void **)&ds->numbers, c, sizeof(int)) &&
             resize((void **)&ds->positions, 3 * c, sizeof(double)) &&
             (!ds->has_forces || resize((void **)&ds->forces, 3 * c, sizeof(double)));
        if (ok) ds->cap_atoms = c;
    }
    if (ok && n_structures > ds->cap_structures) {
        size_t c = grown(ds->cap_structures, n_structures);
        ok = resize((void **)&ds->atom_start, c + 1, sizeof(int64_t)) &&
             resize((void **)&ds->cell, 9 * c, sizeof(double)) &&
             resize((void **)&ds->pbc, 3 * c, 1) &&
             resize((void **)&ds->frame, c, sizeof(size_t)) &&
             (!ds->has_energy || resize((void **)&ds->energy, c, sizeof(double))) &&
             (!ds->has_stress || resize((void **)&ds->stress, 9 * c, sizeof(double))) &&
             (!ds->has_virial || resize((void **)&ds->virial, 9 * c, sizeof(double)));
        if (ok) ds->cap_structures = c;
    }
    if (!ok)
        return mtt_error_set(err, MTT_ERR_NOMEM,
                             "out of memory for a dataset of %zu atoms in %zu "
                             "structures; use a machine with more memory or "
                             "more MPI ranks", n_atoms, n_structures);
    return MTT_OK;
}

void mtt_dataset_shrink(mtt_dataset *ds)
{
    size_t a = ds->n_atoms, s = ds->n_structures;
    /* shrinking realloc never fails in practice; on failure keep the block */
    resize((void **)&ds->numbers, a, sizeof(int));
    resize((void **)&ds->positions, 3 * a, sizeof(double));
    if (ds->forces) resize((void **)&ds->forces, 3 * a, sizeof(double));
    ds->cap_atoms = a;
    resize((void **)&ds->atom_start, s + 1, sizeof(int64_t));
    resize((void **)&ds->cell, 9 * s, sizeof(double));
    resize((void **)&ds->pbc, 3 * s, 1);
    resize((void **)&ds->frame, s, sizeof(size_t));
    if (ds->energy) resize((void **)&ds->energy, s, sizeof(double));
    if (ds->stress) resize((void **)&ds->stress, 9 * s, sizeof(double));
    if (ds->virial) resize((void **)&ds->virial, 9 * s, sizeof(double));
    ds->cap_structures = s;
}

void mtt_dataset_drop(mtt_dataset *ds, char which)
{
    switch (which) {
    case 'f': free(ds->forces); ds->forces = NULL; ds->has_forces = 0; break;
    case 's': free(ds->stress); ds->stress = NULL; ds->has_stress = 0; break;
    case 'v': free(ds->virial); ds->virial = NULL; ds->has_virial = 0; break;
    case 'e': free(ds->energy); ds->energy = NULL; ds->has_energy = 0; break;
    default: break;
    }
}

size_t mtt_dataset_bytes(const mtt_dataset *ds)
{
    size_t a = ds->cap_atoms, s = ds->cap_structures;
    size_t b = a * (sizeof(int) + 3 * sizeof(double));
    if (ds->forces) b += 3 * a * sizeof(double);
    b += (s + 1) * sizeof(int64_t) + s * (9 * sizeof(double) + 3 + sizeof(size_t));
    if (ds->energy) b += s * sizeof(double);
    if (ds->stress) b += 9 * s * sizeof(double);
    if (ds->virial) b += 9 * s * sizeof(double);
    return b;
}
