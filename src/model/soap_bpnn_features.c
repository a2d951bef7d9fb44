/* soap_bpnn_features.c — the per-structure inputs of soap_bpnn: species,
 * neighbour list, SOAP descriptors p and the position derivatives the force
 * and tangent passes read (kept per pair, as one dense Jacobian for small
 * cells, or not at all for a single prediction), in double or, at
 * base_precision 32, in float.  Moving them into an arena (the descriptor
 * cache) and their byte count are here too. */
#include "config.h"

#include "model/soap_bpnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/cell.h"

void mtt_sbp_features_init(mtt_sbp_features *f)
{
    memset(f, 0, sizeof *f);
    mtt_nlist_init(&f->nl);
    mtt_soap_work_init(&f->sw);
}

void mtt_sbp_features_free(mtt_sbp_features *f)
{
    if (!f) return;
    free(f->species_index);
    if (!f->in_arena) {
        free(f->p);
        free(f->p_f32);
    }
    mtt_nlist_free(&f->nl);
    mtt_soap_work_free(&f->sw);
    mtt_sbp_features_init(f);
}

mtt_status mtt_sbp_features_compute(const mtt_sbp_model *m, const mtt_structure *s,
                                    mtt_sbp_features *f, mtt_error *err)
{
    return mtt_sbp_features_compute_once(m, s, f, MTT_SBP_KEEP_PAIRS, err);
}

mtt_status mtt_sbp_features_compute_once(const mtt_sbp_model *m, const mtt_structure *s,
                                         mtt_sbp_features *f, int keep_gradients, mtt_error *err)
{
    const size_t n = (size_t)s->n_atoms, D = m->dim;
    const int f32 = m->precision == 32;
    if (f->in_arena) { /* the arena keeps the old descriptors */
        f->p = NULL, f->p_f32 = NULL;
        f->in_arena = 0;
        f->cap_atoms = 0; /* grows p (and species_index) anew below */
    }
    if (n > f->cap_atoms) {
        int *si = realloc(f->species_index, n * sizeof *si);
        if (si) f->species_index = si;
        void *p = NULL;
        if (si && f32) {
            p = realloc(f->p_f32, n * D * sizeof *f->p_f32);
            if (p) f->p_f32 = p;
        } else if (si) {
            p = realloc(f->p, n * D * sizeof *f->p);
            if (p) f->p = p;
        }
        MTT_RETURN_ERROR_IF(!si || !p, err, MTT_ERR_NOMEM,
                            "out of memory for the descriptors of a %zu-atom structure", n);
        f->cap_atoms = n;
    }
    f->n_atoms = s->n_atoms;
    f->dim = D;
    for (size_t i = 0; i < n; ++i) {
        int k = mtt_soap_species_index(m->soap, s->numbers[i]);
        MTT_RETURN_ERROR_IF(k < 0, err, MTT_ERR_DATA,
                            "atomic number %d is not known to the model, which was built for "
                            "the types of the training set; add structures with it to the "
                            "training set",
                            s->numbers[i]);
        f->species_index[i] = k;
    }
    int pbc[3] = {0, 0, 0};
    int any = 0;
    for (int d = 0; d < 3; ++d) any |= pbc[d] = (s->pbc && s->cell) ? s->pbc[d] != 0 : 0;
    MTT_FORWARD_IF_ERROR(mtt_nlist_build(&f->nl, s->n_atoms, s->positions, any ? s->cell : NULL,
                                         any ? pbc : NULL, m->soap->cutoff, err));
    f->min_distance = INFINITY;
    for (size_t q = 0; q < f->nl.n_pairs; ++q)
        if (f->nl.r[q] < f->min_distance) f->min_distance = f->nl.r[q];
    f->volume = (pbc[0] && pbc[1] && pbc[2]) ? mtt_cell_volume(s->cell) : 0.0;
    /* small cells: one dense Jacobian, built from the stored double pair
     * gradients, replaces them (soap_dense.c) */
    const int dense =
        keep_gradients == MTT_SBP_KEEP_SMALLEST && mtt_soap_prefers_dense(m->soap, &f->nl);
    if (!f32) {
        MTT_FORWARD_IF_ERROR(mtt_soap_compute(
            m->soap, &f->nl, f->species_index, f->p, &f->sw,
            MTT_SOAP_HALF_PAIRS | (keep_gradients ? MTT_SOAP_STORE_GRAD : 0), err));
        return dense ? mtt_soap_dense_build(m->soap, &f->sw, 0, err) : MTT_OK;
    }
    /* double expansion, float storage of p and of the position derivatives */
    MTT_FORWARD_IF_ERROR(mtt_soap_compute(m->soap, &f->nl, f->species_index, NULL, &f->sw,
                                          MTT_SOAP_HALF_PAIRS | (dense ? MTT_SOAP_STORE_GRAD
                                                                       : MTT_SOAP_STORE_GRAD_F32),
                                          err));
    mtt_soap_power_spectrum_f32(m->soap, &f->sw, f->p_f32);
    return dense ? mtt_soap_dense_build(m->soap, &f->sw, 1, err) : MTT_OK;
}

int mtt_sbp_features_move(mtt_sbp_features *f, mtt_arena *arena)
{
    if (!mtt_soap_work_move_to_arena(&f->sw, arena)) return 0;
    if (f->in_arena) return 1;
    const size_t n = f->cap_atoms * f->dim;
    void *src = f->p_f32 ? (void *)f->p_f32 : (void *)f->p;
    const size_t bytes = n * (f->p_f32 ? sizeof(float) : sizeof(double));
    if (!src || !bytes) return 1;
    void *dst = mtt_arena_alloc(arena, bytes);
    if (!dst) return 0;
    memcpy(dst, src, bytes);
    free(src);
    if (f->p_f32) f->p_f32 = dst;
    else f->p = dst;
    f->in_arena = 1;
    return 1;
}

void mtt_sbp_features_trim(mtt_sbp_features *f)
{
    mtt_soap_work_drop_double(&f->sw);
    mtt_soap_work_drop_scratch(&f->sw); /* the batch workspace lends one (soap_scratch.c) */
}

size_t mtt_sbp_features_bytes(const mtt_sbp_features *f)
{
    const mtt_nlist *nl = &f->nl;
    size_t b = sizeof *f;
    b += f->cap_atoms * sizeof(int);                                       /* species */
    b += f->cap_atoms * f->dim * (f->p_f32 ? sizeof(float) : sizeof(double)); /* p */
    b += nl->cap_pairs * (sizeof(int) * 4 + sizeof(double) * 4);          /* j, shift, rij, r */
    b += (size_t)nl->cap_atoms * (sizeof(size_t) + 5 * sizeof(int) + 3 * sizeof(double));
    b += nl->cap_bins * sizeof(int);
    b += (f->sw.cap_c + f->sw.cap_fac + f->sw.cap_scratch) * sizeof(double);
    b += (f->sw.cap_fac32 + f->sw.cap_c32 + f->sw.cap_jac32) * sizeof(float);
    b += f->sw.cap_jac * sizeof(double);
    b += f->sw.cap_half * (sizeof(size_t) + sizeof(int)) + f->sw.cap_pass * sizeof(double);
    if (f->sw.dense_acc) b += (3 * (size_t)f->n_atoms + 9) * sizeof(double);
    return b;
}
