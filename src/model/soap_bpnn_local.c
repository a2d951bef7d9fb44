/* soap_bpnn_local.c — energy of the contributing atoms of an MD engine's
 * domain, forces on all of them (soap_bpnn_local.h).
 *
 * Steps: neighbour list of all atoms (cell lists, no periodicity), pairs of
 * ghost centres dropped; SOAP coefficients and power spectra (ghost centres
 * have no pairs, so their c and p are zero and cheap); the networks of the
 * contributing atoms only, grouped by species; g = ∂E/∂p is σ ∂y/∂p for a
 * contributing atom and 0 for a ghost; mtt_soap_forces_virial turns g into
 * forces on every atom.  Pair gradients are recomputed rather than stored
 * (one pass each way per MD step).  Cost: the contributing atoms' SOAP and
 * networks plus O(all atoms) for the list.
 */
#include "config.h"

#include "model/soap_bpnn_local.h"

#include <stdlib.h>
#include <string.h>

/* Keep only the pairs whose centre contributes (the list stays CSR). */
static void drop_ghost_centres(mtt_nlist *nl, const int *contributing)
{
    size_t out = 0;
    for (int i = 0; i < nl->n_atoms; ++i) {
        const size_t begin = nl->first[i], end = nl->first[i + 1];
        nl->first[i] = out;
        if (!contributing[i]) continue;
        for (size_t q = begin; q < end; ++q, ++out) {
            if (out == q) continue;
            nl->j[out] = nl->j[q];
            nl->r[out] = nl->r[q];
            memcpy(nl->shift + 3 * out, nl->shift + 3 * q, 3 * sizeof *nl->shift);
            memcpy(nl->rij + 3 * out, nl->rij + 3 * q, 3 * sizeof *nl->rij);
        }
    }
    nl->first[nl->n_atoms] = out;
    nl->n_pairs = out;
}

typedef struct local_work {
    int *species_index;     /* n */
    size_t *start, *count;  /* n_species: rows of each species (contributing atoms) */
    size_t *row;            /* n: species row of a contributing atom */
    double *p;              /* n × D, atom order */
    double *P, *G, *y;      /* rows × D, rows × D, rows (species order) */
    double *g;              /* n × D: ∂E/∂p, atom order */
    mtt_mlp_work **mlp;     /* n_species */
    mtt_nlist nl;
    mtt_soap_work sw;
} local_work;

static void local_work_free(local_work *w, size_t n_species)
{
    free(w->species_index);
    free(w->start);
    free(w->count);
    free(w->row);
    free(w->p);
    free(w->P);
    free(w->G);
    free(w->y);
    free(w->g);
    if (w->mlp)
        for (size_t s = 0; s < n_species; ++s) mtt_mlp_work_free(w->mlp[s]);
    free(w->mlp);
    mtt_nlist_free(&w->nl);
    mtt_soap_work_free(&w->sw);
}

mtt_status mtt_sbp_predict_local(const mtt_sbp_model *m, const double *params, int n_atoms,
                                 const int *numbers, const double *positions,
                                 const int *contributing, double *energy, double *forces,
                                 double *atom_energy, double *dE_deps, double *atom_dE_deps,
                                 mtt_error *err)
{
    const size_t n = (size_t)n_atoms, D = m->dim, S = m->n_species ? m->n_species : 1;
    mtt_status st = MTT_OK;
    local_work w;
    memset(&w, 0, sizeof w);
    mtt_nlist_init(&w.nl);
    mtt_soap_work_init(&w.sw);
    w.species_index = malloc(n * sizeof *w.species_index);
    w.start = calloc(S, sizeof *w.start);
    w.count = calloc(S, sizeof *w.count);
    w.row = malloc(n * sizeof *w.row);
    w.p = malloc(n * D * sizeof *w.p);
    w.mlp = calloc(S, sizeof *w.mlp);
    if (!w.species_index || !w.start || !w.count || !w.row || !w.p || !w.mlp) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for %zu atoms", n);
        goto cleanup;
    }
    size_t rows = 0;
    for (size_t i = 0; i < n; ++i) {
        int k = mtt_soap_species_index(m->soap, numbers[i]);
        if (k < 0) {
            st = mtt_error_set(err, MTT_ERR_DATA, "atom %zu has atomic number %d, which the "
                               "model does not know", i, numbers[i]);
            goto cleanup;
        }
        w.species_index[i] = k;
        if (contributing[i]) {
            w.count[k]++;
            rows++;
        }
    }
    st = mtt_nlist_build(&w.nl, n_atoms, positions, NULL, NULL, m->soap->cutoff, err);
    if (st != MTT_OK) goto cleanup;
    drop_ghost_centres(&w.nl, contributing);
    st = mtt_soap_compute(m->soap, &w.nl, w.species_index, w.p, &w.sw, 0, err);
    if (st != MTT_OK) goto cleanup;

    const size_t R = rows ? rows : 1;
    w.P = malloc(R * D * sizeof *w.P);
    w.G = malloc(R * D * sizeof *w.G);
    w.y = malloc(R * sizeof *w.y);
    if (!w.P || !w.G || !w.y) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for %zu atoms", n);
        goto cleanup;
    }
    size_t acc = 0;
    for (size_t s = 0; s < m->n_species; ++s) {
        w.start[s] = acc;
        acc += w.count[s];
        if (w.count[s]) {
            st = mtt_mlp_work_create(m->mlp, w.count[s], &w.mlp[s], err);
            if (st != MTT_OK) goto cleanup;
        }
        w.count[s] = 0;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!contributing[i]) continue;
        const int s = w.species_index[i];
        w.row[i] = w.start[s] + w.count[s]++;
        memcpy(w.P + w.row[i] * D, w.p + i * D, D * sizeof *w.P);
    }
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w.count[s]) continue;
        st = mtt_mlp_forward(w.mlp[s], params, s, w.count[s], w.P + w.start[s] * D,
                             w.y + w.start[s], err);
        if (st != MTT_OK) goto cleanup;
    }
    double e = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double ei = 0.0;
        if (contributing[i])
            ei = m->scale * w.y[w.row[i]] + m->composition[w.species_index[i]];
        if (atom_energy) atom_energy[i] = ei;
        e += ei;
    }
    *energy = e;
    if (!forces && !dE_deps && !atom_dE_deps) goto cleanup;

    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w.count[s]) continue;
        st = mtt_mlp_input_gradient(w.mlp[s], w.G + w.start[s] * D, err);
        if (st != MTT_OK) goto cleanup;
    }
    /* reuse p for g = ∂E/∂p (the forces need c, kept in the soap work, not p) */
    w.g = w.p;
    w.p = NULL;
    for (size_t i = 0; i < n; ++i) {
        double *dst = w.g + i * D;
        if (!contributing[i]) {
            memset(dst, 0, D * sizeof *dst);
            continue;
        }
        const double *src = w.G + w.row[i] * D;
        for (size_t d = 0; d < D; ++d) dst[d] = m->scale * src[d];
    }
    double *f = forces;
    if (!f) {
        f = malloc(3 * n * sizeof *f);
        if (!f) {
            st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for %zu atoms", n);
            goto cleanup;
        }
    }
    st = mtt_soap_forces_virial(m->soap, w.g, &w.sw, f, dE_deps, atom_dE_deps, err);
    if (f != forces) free(f);
cleanup:
    local_work_free(&w, m->n_species);
    return st;
}
