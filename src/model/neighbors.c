/* neighbors.c — cell-list neighbour search with periodic images.
 *
 * Method: fractional coordinates s = r·cell⁻¹ (Cartesian for molecules), wrapped
 * into [0,1) along periodic directions.  Bins are slabs of the fractional cube
 * whose thickness, measured along the plane normal (plane spacing h_d =
 * V/|a_{d+1}×a_{d+2}|), is ≥ cutoff unless the cell itself is thinner.  Since
 * |Δs_d|·h_d ≤ |r_ij|, a neighbour lies at most m_d = ⌈cutoff/(h_d·width_d)⌉
 * bins away; for periodic directions bin index t maps to (t mod n_d, image
 * ⌊t/n_d⌋), so each (bin, image) is visited once even when m_d > n_d (small
 * cells).  r_ij is then recomputed from the unwrapped input positions as
 * r_j - r_i + S·cell, the same formula every consumer uses.
 */
#include "config.h"

#include "model/neighbors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest |fractional coordinate| along a periodic direction (see below). */
#define MAX_CELL_LENGTHS 1e8

void mtt_nlist_init(mtt_nlist *nl)
{
    memset(nl, 0, sizeof *nl);
}

void mtt_nlist_free(mtt_nlist *nl)
{
    if (!nl) return;
    free(nl->first);
    free(nl->j);
    free(nl->shift);
    free(nl->rij);
    free(nl->r);
    free(nl->bin_of);
    free(nl->order);
    free(nl->bin_start);
    free(nl->wrap);
    free(nl->frac);
    memset(nl, 0, sizeof *nl);
}

static int grow_atoms(mtt_nlist *nl, int n)
{
    if (n <= nl->cap_atoms) return 0;
    size_t un = (size_t)n;
    size_t *first = realloc(nl->first, (un + 1) * sizeof *first);
    if (first) nl->first = first;
    int *bin_of = realloc(nl->bin_of, un * sizeof *bin_of);
    if (bin_of) nl->bin_of = bin_of;
    int *order = realloc(nl->order, un * sizeof *order);
    if (order) nl->order = order;
    int *wrap = realloc(nl->wrap, 3 * un * sizeof *wrap);
    if (wrap) nl->wrap = wrap;
    double *frac = realloc(nl->frac, 3 * un * sizeof *frac);
    if (frac) nl->frac = frac;
    if (!first || !bin_of || !order || !wrap || !frac) return -1;
    nl->cap_atoms = n;
    return 0;
}

static int grow_pairs(mtt_nlist *nl, size_t need)
{
    if (need <= nl->cap_pairs) return 0;
    size_t cap = nl->cap_pairs ? nl->cap_pairs : 64;
    while (cap < need) cap *= 2;
    int *j = realloc(nl->j, cap * sizeof *j);
    if (j) nl->j = j;
    int *shift = realloc(nl->shift, 3 * cap * sizeof *shift);
    if (shift) nl->shift = shift;
    double *rij = realloc(nl->rij, 3 * cap * sizeof *rij);
    if (rij) nl->rij = rij;
    double *r = realloc(nl->r, cap * sizeof *r);
    if (r) nl->r = r;
    if (!j || !shift || !rij || !r) return -1;
    nl->cap_pairs = cap;
    return 0;
}

/* Inverse of a 3×3 row-major matrix; returns the determinant (0 if singular). */
static double invert3(const double *a, double *inv)
{
    double c00 = a[4] * a[8] - a[5] * a[7];
    double c01 = a[5] * a[6] - a[3] * a[8];
    double c02 = a[3] * a[7] - a[4] * a[6];
    double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
    if (det == 0.0 || !isfinite(det)) return 0.0;
    double id = 1.0 / det;
    inv[0] = c00 * id;
    inv[1] = (a[2] * a[7] - a[1] * a[8]) * id;
    inv[2] = (a[1] * a[5] - a[2] * a[4]) * id;
    inv[3] = c01 * id;
    inv[4] = (a[0] * a[8] - a[2] * a[6]) * id;
    inv[5] = (a[2] * a[3] - a[0] * a[5]) * id;
    inv[6] = c02 * id;
    inv[7] = (a[1] * a[6] - a[0] * a[7]) * id;
    inv[8] = (a[0] * a[4] - a[1] * a[3]) * id;
    return det;
}

static int floor_div(int t, int n)
{
    return t >= 0 ? t / n : -((-t + n - 1) / n);
}

mtt_status mtt_nlist_build(mtt_nlist *nl, int n_atoms, const double *pos,
                           const double *cell, const int *pbc, double cutoff,
                           mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!(cutoff > 0.0) || !isfinite(cutoff), err, MTT_ERR_DATA,
                        "neighbour list: cutoff %g is not a positive number; set a positive cutoff",
                        cutoff);
    MTT_RETURN_ERROR_IF(n_atoms < 0, err, MTT_ERR_INTERNAL, "neighbour list: negative atom count");
    int per[3] = {0, 0, 0};
    int any_pbc = 0;
    for (int d = 0; d < 3; ++d) {
        per[d] = pbc && pbc[d];
        any_pbc |= per[d];
    }
    double basis[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, inv[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    double h[3] = {1.0, 1.0, 1.0}; /* Å of normal distance per fractional unit */
    if (any_pbc) {
        MTT_RETURN_ERROR_IF(!cell, err, MTT_ERR_DATA,
                            "neighbour list: periodic structure without a cell; give the lattice vectors");
        memcpy(basis, cell, sizeof basis);
        double det = invert3(basis, inv);
        MTT_RETURN_ERROR_IF(fabs(det) < 1e-12, err, MTT_ERR_DATA,
                            "neighbour list: the cell is singular (volume %g Å^3); check the Lattice vectors",
                            det);
        for (int d = 0; d < 3; ++d) {
            const double *a = basis + 3 * ((d + 1) % 3), *b = basis + 3 * ((d + 2) % 3);
            double cx = a[1] * b[2] - a[2] * b[1], cy = a[2] * b[0] - a[0] * b[2],
                   cz = a[0] * b[1] - a[1] * b[0];
            h[d] = fabs(det) / sqrt(cx * cx + cy * cy + cz * cz);
        }
    }
    if (grow_atoms(nl, n_atoms > 0 ? n_atoms : 1))
        return mtt_error_set(err, MTT_ERR_NOMEM, "neighbour list: out of memory for %d atoms", n_atoms);
    nl->n_atoms = n_atoms;
    nl->n_pairs = 0;
    nl->first[0] = 0;
    if (n_atoms == 0) return MTT_OK;

    /* fractional coordinates, wrapped along periodic directions */
    double lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
    for (int d = 0; d < 3; ++d)
        if (!per[d]) { lo[d] = INFINITY; hi[d] = -INFINITY; }
    for (int i = 0; i < n_atoms; ++i) {
        const double *x = pos + 3 * i;
        for (int d = 0; d < 3; ++d) {
            double s = x[0] * inv[d] + x[1] * inv[3 + d] + x[2] * inv[6 + d];
            MTT_RETURN_ERROR_IF(!isfinite(s), err, MTT_ERR_DATA,
                                "neighbour list: atom %d has a non-finite position; check the input",
                                i);
            int w = 0;
            if (per[d]) {
                /* image counts are ints: an atom ~1e9 cell lengths away would
                 * overflow them (and has lost all precision anyway) */
                MTT_RETURN_ERROR_IF(fabs(s) > MAX_CELL_LENGTHS, err, MTT_ERR_DATA,
                                    "neighbour list: atom %d is %.3g cell lengths outside the "
                                    "cell; wrap the positions into the cell", i, fabs(s));
                double f = floor(s);
                w = (int)f;
                s -= f;
            } else {
                if (s < lo[d]) lo[d] = s;
                if (s > hi[d]) hi[d] = s;
            }
            nl->wrap[3 * i + d] = w;
            nl->frac[3 * i + d] = s;
        }
    }
    /* bins: thickness ≥ cutoff where possible, at most ~2 per atom */
    int nb[3], m[3];
    double width[3];
    for (int d = 0; d < 3; ++d) {
        double ext = hi[d] - lo[d];
        double k = floor(h[d] * ext / cutoff);
        nb[d] = k < 1.0 ? 1 : (k > 1e6 ? 1000000 : (int)k);
    }
    size_t max_bins = (size_t)(2 * n_atoms) > 64 ? (size_t)(2 * n_atoms) : 64;
    while ((size_t)nb[0] * nb[1] * nb[2] > max_bins) {
        int d = nb[0] >= nb[1] ? (nb[0] >= nb[2] ? 0 : 2) : (nb[1] >= nb[2] ? 1 : 2);
        nb[d] = (nb[d] + 1) / 2;
    }
    for (int d = 0; d < 3; ++d) {
        double ext = hi[d] - lo[d];
        width[d] = ext > 0.0 ? ext / nb[d] : 1.0;
        double reach = cutoff / (h[d] * width[d]);
        m[d] = (int)ceil(reach * (1.0 - 1e-12));
        if (!per[d] && m[d] > nb[d] - 1) m[d] = nb[d] - 1;
    }
    size_t n_bins = (size_t)nb[0] * nb[1] * nb[2];
    if (n_bins + 1 > nl->cap_bins) {
        int *bs = realloc(nl->bin_start, (n_bins + 1) * sizeof *bs);
        if (!bs) return mtt_error_set(err, MTT_ERR_NOMEM, "neighbour list: out of memory for cell bins");
        nl->bin_start = bs;
        nl->cap_bins = n_bins + 1;
    }
    memset(nl->bin_start, 0, (n_bins + 1) * sizeof *nl->bin_start);
    for (int i = 0; i < n_atoms; ++i) {
        int b[3];
        for (int d = 0; d < 3; ++d) {
            int t = (int)((nl->frac[3 * i + d] - lo[d]) / width[d]);
            b[d] = t < 0 ? 0 : (t >= nb[d] ? nb[d] - 1 : t);
        }
        nl->bin_of[i] = (b[0] * nb[1] + b[1]) * nb[2] + b[2];
        nl->bin_start[nl->bin_of[i] + 1]++;
    }
    for (size_t b = 0; b < n_bins; ++b) nl->bin_start[b + 1] += nl->bin_start[b];
    for (int i = 0; i < n_atoms; ++i) nl->order[nl->bin_start[nl->bin_of[i]]++] = i;
    for (size_t b = n_bins; b > 0; --b) nl->bin_start[b] = nl->bin_start[b - 1];
    nl->bin_start[0] = 0;

    const double rc2 = cutoff * cutoff;
    size_t np = 0;
    for (int i = 0; i < n_atoms; ++i) {
        int bi = nl->bin_of[i];
        int b[3] = {bi / (nb[1] * nb[2]), (bi / nb[2]) % nb[1], bi % nb[2]};
        const double *xi = pos + 3 * i;
        for (int d0 = -m[0]; d0 <= m[0]; ++d0) {
            int t0 = b[0] + d0, s0 = 0;
            if (per[0]) { s0 = floor_div(t0, nb[0]); t0 -= s0 * nb[0]; }
            else if (t0 < 0 || t0 >= nb[0]) continue;
            for (int d1 = -m[1]; d1 <= m[1]; ++d1) {
                int t1 = b[1] + d1, s1 = 0;
                if (per[1]) { s1 = floor_div(t1, nb[1]); t1 -= s1 * nb[1]; }
                else if (t1 < 0 || t1 >= nb[1]) continue;
                for (int d2 = -m[2]; d2 <= m[2]; ++d2) {
                    int t2 = b[2] + d2, s2 = 0;
                    if (per[2]) { s2 = floor_div(t2, nb[2]); t2 -= s2 * nb[2]; }
                    else if (t2 < 0 || t2 >= nb[2]) continue;
                    int bin = (t0 * nb[1] + t1) * nb[2] + t2;
                    for (int q = nl->bin_start[bin]; q < nl->bin_start[bin + 1]; ++q) {
                        int j = nl->order[q];
                        int S[3] = {s0 - nl->wrap[3 * j] + nl->wrap[3 * i],
                                    s1 - nl->wrap[3 * j + 1] + nl->wrap[3 * i + 1],
                                    s2 - nl->wrap[3 * j + 2] + nl->wrap[3 * i + 2]};
                        if (j == i && S[0] == 0 && S[1] == 0 && S[2] == 0) continue;
                        const double *xj = pos + 3 * j;
                        double v[3];
                        for (int c = 0; c < 3; ++c)
                            v[c] = xj[c] - xi[c] + S[0] * basis[c] + S[1] * basis[3 + c] +
                                   S[2] * basis[6 + c];
                        double r2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
                        if (r2 >= rc2) continue;
                        if (grow_pairs(nl, np + 1))
                            return mtt_error_set(err, MTT_ERR_NOMEM,
                                                 "neighbour list: out of memory for %zu pairs", np + 1);
                        nl->j[np] = j;
                        memcpy(nl->shift + 3 * np, S, sizeof S);
                        memcpy(nl->rij + 3 * np, v, sizeof v);
                        nl->r[np] = sqrt(r2);
                        ++np;
                    }
                }
            }
        }
        nl->first[i + 1] = np;
    }
    nl->n_pairs = np;
    return MTT_OK;
}
