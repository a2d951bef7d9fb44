/* soap_bpnn_local.c — energy of the contributing atoms of an MD engine's
 * domain, forces on all of them (soap_bpnn_local.h).
 *
 * Steps: neighbour list of all atoms (cell lists, no periodicity), pairs of
 * ghost centres dropped; SOAP coefficients and power spectra (ghost centres
 * have no pairs, so their c and p are zero and cheap); the networks of the
 * contributing atoms only, grouped by species; g = ∂E/∂p is σ ∂y/∂p for a
 * contributing atom and 0 for a ghost; mtt_soap_forces_virial turns g into
 * forces on every atom.  Pair gradients are recomputed rather than stored
 * (one pass each way per MD step).  All buffers live in an mtt_sbp_local the
 * caller keeps between steps; they only grow, so an MD run allocates on its
 * first steps only.  Cost: the contributing atoms' SOAP and networks plus
 * O(all atoms) for the list.
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

void mtt_sbp_local_init(mtt_sbp_local *w)
{
    memset(w, 0, sizeof *w);
    mtt_nlist_init(&w->nl);
    mtt_soap_work_init(&w->sw);
}

void mtt_sbp_local_free(mtt_sbp_local *w)
{
    if (!w) return;
    free(w->species_index);
    free(w->start);
    free(w->count);
    free(w->row);
    free(w->p);
    free(w->P);
    free(w->G);
    free(w->y);
    free(w->f);
    if (w->mlp)
        for (size_t s = 0; s < w->n_species; ++s) mtt_mlp_work_free(w->mlp[s]);
    free(w->mlp);
    free(w->mlp_rows);
    mtt_nlist_free(&w->nl);
    mtt_soap_work_free(&w->sw);
    mtt_sbp_local_init(w);
}

/* Grow w to n atoms (and the model's species); buffers only grow. */
static mtt_status local_grow(const mtt_sbp_model *m, mtt_sbp_local *w, size_t n, mtt_error *err)
{
    const size_t D = m->dim, S = m->n_species ? m->n_species : 1;
    if (!w->mlp) {
        w->start = calloc(S, sizeof *w->start);
        w->count = calloc(S, sizeof *w->count);
        w->mlp = calloc(S, sizeof *w->mlp);
        w->mlp_rows = calloc(S, sizeof *w->mlp_rows);
        MTT_RETURN_ERROR_IF(!w->start || !w->count || !w->mlp || !w->mlp_rows, err, MTT_ERR_NOMEM,
                            "out of memory for the model's workspace");
        w->n_species = S;
    }
    if (n <= w->cap_atoms) return MTT_OK;
    int *si = realloc(w->species_index, n * sizeof *si);
    if (si) w->species_index = si;
    size_t *row = realloc(w->row, n * sizeof *row);
    if (row) w->row = row;
    double *arrays[5] = {w->p, w->P, w->G, w->y, w->f};
    const size_t sizes[5] = {n * D, n * D, n * D, n, 3 * n};
    int ok = si && row;
    for (int k = 0; k < 5 && ok; ++k) {
        double *q = realloc(arrays[k], sizes[k] * sizeof *q);
        if (q) arrays[k] = q;
        ok = q != NULL;
    }
    w->p = arrays[0], w->P = arrays[1], w->G = arrays[2], w->y = arrays[3], w->f = arrays[4];
    MTT_RETURN_ERROR_IF(!ok, err, MTT_ERR_NOMEM, "out of memory for %zu atoms", n);
    w->cap_atoms = n;
    return MTT_OK;
}

mtt_status mtt_sbp_predict_local(const mtt_sbp_model *m, const double *params, int n_atoms,
                                 const int *numbers, const double *positions,
                                 const int *contributing, double *energy, double *forces,
                                 double *atom_energy, double *dE_deps, double *atom_dE_deps,
                                 mtt_error *err)
{
    mtt_sbp_local w;
    mtt_sbp_local_init(&w);
    mtt_status st = mtt_sbp_predict_local_in(m, params, &w, n_atoms, numbers, positions,
                                             contributing, energy, forces, atom_energy, dE_deps,
                                             atom_dE_deps, err);
    mtt_sbp_local_free(&w);
    return st;
}

mtt_status mtt_sbp_predict_local_in(const mtt_sbp_model *m, const double *params,
                                    mtt_sbp_local *wp, int n_atoms, const int *numbers,
                                    const double *positions, const int *contributing,
                                    double *energy, double *forces, double *atom_energy,
                                    double *dE_deps, double *atom_dE_deps, mtt_error *err)
{
    const size_t n = (size_t)n_atoms, D = m->dim;
    MTT_FORWARD_IF_ERROR(local_grow(m, wp, n, err));
    mtt_sbp_local *const w = wp;
    for (size_t s = 0; s < w->n_species; ++s) w->count[s] = 0;
    size_t rows = 0;
    for (size_t i = 0; i < n; ++i) {
        int k = mtt_soap_species_index(m->soap, numbers[i]);
        if (k < 0) {
            return mtt_error_set(err, MTT_ERR_DATA, "atom %zu has atomic number %d, which the "
                                 "model does not know", i, numbers[i]);
        }
        w->species_index[i] = k;
        if (contributing[i]) {
            w->count[k]++;
            rows++;
        }
    }
    /* the list and the SOAP work live in wp (they grow there) */
    mtt_status st = mtt_nlist_build(&wp->nl, n_atoms, positions, NULL, NULL, m->soap->cutoff, err);
    if (st != MTT_OK) return st;
    drop_ghost_centres(&wp->nl, contributing);
    st = mtt_soap_compute(m->soap, &wp->nl, w->species_index, w->p, &wp->sw, 0, err);
    if (st != MTT_OK) return st;
    (void)rows;

    size_t acc = 0;
    for (size_t s = 0; s < m->n_species; ++s) {
        w->start[s] = acc;
        acc += w->count[s];
        if (w->count[s] > wp->mlp_rows[s]) {  /* a network workspace for more rows */
            mtt_mlp_work_free(wp->mlp[s]);
            wp->mlp[s] = NULL;
            wp->mlp_rows[s] = 0;
            st = mtt_mlp_work_create(m->mlp, w->count[s], &wp->mlp[s], err);
            if (st != MTT_OK) return st;
            wp->mlp_rows[s] = w->count[s];
        }
        w->count[s] = 0;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!contributing[i]) continue;
        const int s = w->species_index[i];
        w->row[i] = w->start[s] + w->count[s]++;
        memcpy(w->P + w->row[i] * D, w->p + i * D, D * sizeof *w->P);
    }
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        st = mtt_mlp_forward(w->mlp[s], params, s, w->count[s], w->P + w->start[s] * D,
                             w->y + w->start[s], err);
        if (st != MTT_OK) return st;
    }
    double e = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double ei = 0.0;
        if (contributing[i])
            ei = m->scale * w->y[w->row[i]] + m->composition[w->species_index[i]];
        if (atom_energy) atom_energy[i] = ei;
        e += ei;
    }
    *energy = e;
    if (!forces && !dE_deps && !atom_dE_deps) return MTT_OK;

    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        st = mtt_mlp_input_gradient(w->mlp[s], w->G + w->start[s] * D, err);
        if (st != MTT_OK) return st;
    }
    /* p becomes g = ∂E/∂p (the forces need c, kept in the soap work, not p) */
    double *g = w->p;
    for (size_t i = 0; i < n; ++i) {
        double *dst = g + i * D;
        if (!contributing[i]) {
            memset(dst, 0, D * sizeof *dst);
            continue;
        }
        const double *src = w->G + w->row[i] * D;
        for (size_t d = 0; d < D; ++d) dst[d] = m->scale * src[d];
    }
    return mtt_soap_forces_virial(m->soap, g, &wp->sw, forces ? forces : w->f, dE_deps,
                                  atom_dE_deps, err);
}
