/* feature_cache.c — descriptor cache within a memory budget; see feature_cache.h. */
#include "config.h"

#include "train/feature_cache.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/progress.h"

mtt_structure mtt_feature_cache_structure(const mtt_dataset *ds, size_t s)
{
    mtt_structure st;
    int64_t a0 = ds->atom_start[s];
    st.n_atoms = (int)(ds->atom_start[s + 1] - a0);
    st.numbers = ds->numbers + a0;
    st.positions = ds->positions + 3 * a0;
    const unsigned char *pbc = ds->pbc ? ds->pbc + 3 * s : NULL;
    int periodic = pbc && (pbc[0] || pbc[1] || pbc[2]);
    st.cell = periodic && ds->cell ? ds->cell + 9 * s : NULL;
    st.pbc = periodic ? pbc : NULL;
    return st;
}

mtt_status mtt_feature_cache_build(mtt_feature_cache *c, const mtt_sbp_model *m,
                                   const mtt_dataset *ds, size_t budget_bytes, size_t n_scratch,
                                   mtt_error *err)
{
    memset(c, 0, sizeof *c);
    mtt_arena_init(&c->arena);
    c->ds = ds;
    c->n = ds ? ds->n_structures : 0;
    if (n_scratch < 1) n_scratch = 1;
    c->n_scratch = n_scratch;
    c->scratch = malloc(n_scratch * sizeof *c->scratch);
    c->entry = calloc(c->n ? c->n : 1, sizeof *c->entry);
    c->min_distance = malloc((c->n ? c->n : 1) * sizeof *c->min_distance);
    if (!c->scratch || !c->entry || !c->min_distance) {
        free(c->scratch);
        c->scratch = NULL;
        c->n_scratch = 0;
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the descriptor cache");
    }
    for (size_t k = 0; k < n_scratch; ++k) mtt_sbp_features_init(&c->scratch[k]);

    int full = 0;  /* once one structure did not fit, nothing more is cached */
    /* the uncached structures that made scratch[0] grow, in order */
    size_t *grew = malloc((c->n ? c->n : 1) * sizeof *grew), n_grew = 0, scratch0 = 0;
    MTT_RETURN_ERROR_IF(!grew, err, MTT_ERR_NOMEM, "out of memory for the descriptor cache");
    for (size_t s = 0; s < c->n; ++s) {
        mtt_structure st = mtt_feature_cache_structure(ds, s);
        mtt_sbp_features *f = NULL;
        if (!full) {
            f = malloc(sizeof *f);
            if (!f) {
                free(grew);
                return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the descriptor cache");
            }
            mtt_sbp_features_init(f);
        }
        mtt_sbp_features *target = f ? f : &c->scratch[0];
        /* kept: the smallest form (a dense Jacobian for small cells); not
         * kept: the pair gradients, as every later recomputation */
        mtt_status st_ = mtt_sbp_features_compute_once(
            m, &st, target, f ? MTT_SBP_KEEP_SMALLEST : MTT_SBP_KEEP_PAIRS, err);
        if (st_ != MTT_OK) {
            mtt_error_prefix(err, "frame %zu: ", ds->frame ? ds->frame[s] : s);
            if (f) {
                mtt_sbp_features_free(f);
                free(f);
            }
            free(grew);
            return st_;
        }
        if (!f && mtt_sbp_features_bytes(target) > scratch0) {
            scratch0 = mtt_sbp_features_bytes(target);
            grew[n_grew++] = s;
        }
        c->min_distance[s] = target->min_distance;
        double forms[MTT_SOAP_FORMS];
        mtt_soap_gradient_forms(m->soap, &target->nl, forms);
        for (int k = 0; k < MTT_SOAP_FORMS; ++k) c->form_values[k] += forms[k];
        const int dense = target->sw.stored >= 3;
        c->n_dense += (size_t)dense;
        c->chosen_values[dense] += forms[dense ? MTT_SOAP_FORM_DENSE : MTT_SOAP_FORM_FACTORED];
        mtt_progress_update((int64_t)s + 1);
        if (f) {
            mtt_sbp_features_trim(f);
            size_t b = mtt_sbp_features_bytes(f) + sizeof *f;
            if (c->bytes + b <= budget_bytes) {
                (void)mtt_sbp_features_move(f, &c->arena); /* else it stays where it is */
                c->entry[s] = f;
                c->bytes += b;
                c->n_cached++;
            } else { /* the first uncached structure: scratch[0] has not seen it */
                full = 1;
                grew[n_grew++] = s;
                mtt_sbp_features_free(f);
                free(f);
            }
        }
    }
    /* every scratch entry grows now through the uncached structures that
     * made scratch[0] grow (and the first uncached one, computed into its
     * own features), in the same order, so that no training step allocates
     * (outside the budget; logged by the caller) */
    mtt_status st_ = MTT_OK;
    for (size_t k = 0; k < n_scratch && st_ == MTT_OK; ++k)
        for (size_t g = 0; g < n_grew && st_ == MTT_OK; ++g) {
            mtt_structure st = mtt_feature_cache_structure(ds, grew[g]);
            st_ = mtt_sbp_features_compute_once(m, &st, &c->scratch[k], MTT_SBP_KEEP_PAIRS, err);
        }
    free(grew);
    MTT_FORWARD_IF_ERROR(st_);
    if (full) c->scratch_bytes = n_scratch * mtt_sbp_features_bytes(&c->scratch[0]);
    return MTT_OK;
}

mtt_status mtt_feature_cache_batch(mtt_feature_cache *c, const mtt_sbp_model *m,
                                   const size_t *idx, size_t n, mtt_sbp_features **out,
                                   mtt_error *err)
{
    size_t used = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t s = idx[i];
        MTT_RETURN_ERROR_IF(s >= c->n, err, MTT_ERR_INTERNAL,
                            "descriptor cache: structure %zu out of range (%zu)", s, c->n);
        if (c->entry[s]) {
            out[i] = c->entry[s];
            continue;
        }
        MTT_RETURN_ERROR_IF(used >= c->n_scratch, err, MTT_ERR_INTERNAL,
                            "descriptor cache: batch of %zu larger than its %zu scratch entries",
                            n, c->n_scratch);
        mtt_structure st = mtt_feature_cache_structure(c->ds, s);
        mtt_status st_ = mtt_sbp_features_compute(m, &st, &c->scratch[used], err);
        if (st_ != MTT_OK) {
            mtt_error_prefix(err, "frame %zu: ", c->ds->frame ? c->ds->frame[s] : s);
            return st_;
        }
        out[i] = &c->scratch[used++];
    }
    return MTT_OK;
}

void mtt_feature_cache_free(mtt_feature_cache *c)
{
    if (!c) return;
    if (c->entry)
        for (size_t s = 0; s < c->n; ++s) {
            if (!c->entry[s]) continue;
            mtt_sbp_features_free(c->entry[s]);
            free(c->entry[s]);
        }
    for (size_t k = 0; c->scratch && k < c->n_scratch; ++k) mtt_sbp_features_free(&c->scratch[k]);
    mtt_arena_free(&c->arena); /* after the entries that pointed into it */
    free(c->entry);
    free(c->scratch);
    free(c->min_distance);
    memset(c, 0, sizeof *c);
}
