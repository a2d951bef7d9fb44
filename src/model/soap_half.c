/* soap_half.c — one direction of each neighbour pair (MTT_SOAP_HALF_PAIRS).
 *
 * A full list holds every pair twice, i→j with r_ij and j→i with r_ji = −r_ij.
 * Both directions share the radial factors, and the angular ones differ by
 * the parity of l (docs/math.md §1):
 *     φ_nlm(r_ji) = (−1)^l φ_nlm(r_ij),   ∂φ_nlm/∂r (r_ji) = (−1)^(l+1) ∂φ_nlm/∂r (r_ij),
 * so the factors of i→j serve both.  The passes (soap_pass_impl.h) then run
 * over the kept directions only, with ḡ or ċ of every atom of the structure
 * at hand (n_atoms × the pair-order size):
 *     forces   f = (ḡ_i[s_j] + (−1)^l ḡ_j[s_i]) · ∂φ/∂r_ij,  F_i += f, F_j −= f,
 *              ∂E/∂ε += f ⊗ r_ij                   (the two directions' terms summed)
 *     tangent  t = ∂φ/∂r_ij · δ_ij,  ċ_i[s_j] += t,  ċ_j[s_i] += (−1)^l t
 *              (δ_ji = −δ_ij)
 * The kept direction is i→j with j > i, or, for an atom's own periodic image
 * (j = i), the shift whose first non-zero component is positive.  A list in
 * which some kept direction has no reverse (an MD domain whose ghost centres
 * were dropped) keeps both directions: checking costs O(pairs · neighbours)
 * integer comparisons per compute, small against the expansion.
 */
#include "config.h"

#include <stdlib.h>

#include "model/soap.h"
#include "model/soap_internal.h"

int mtt_soap_pair_kept_(const mtt_nlist *nl, int i, size_t q)
{
    const int j = nl->j[q];
    if (j != i) return j > i;
    const int *shift = nl->shift + 3 * q;
    for (int d = 0; d < 3; ++d)
        if (shift[d]) return shift[d] > 0;
    return 1; /* no shift: not a pair of a list (r = 0 is refused by the compute) */
}

/* Whether j's list holds j→i with the opposite shift. */
static int has_reverse(const mtt_nlist *nl, int i, size_t q)
{
    const int j = nl->j[q], *s = nl->shift + 3 * q;
    for (size_t p = nl->first[j]; p < nl->first[j + 1]; ++p) {
        const int *t = nl->shift + 3 * p;
        if (nl->j[p] == i && t[0] == -s[0] && t[1] == -s[1] && t[2] == -s[2]) return 1;
    }
    return 0;
}

mtt_status mtt_soap_half_build_(mtt_soap_work *w, const mtt_nlist *nl, mtt_error *err)
{
    size_t kept = 0;
    int symmetric = 1;
    for (int i = 0; i < nl->n_atoms && symmetric; ++i)
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q)
            if (mtt_soap_pair_kept_(nl, i, q)) {
                ++kept;
                symmetric = symmetric && has_reverse(nl, i, q);
            }
    w->half = 0;
    w->n_half = 0;
    if (!symmetric || 2 * kept != nl->n_pairs) return MTT_OK; /* keep both directions */
    if (kept > w->cap_half) {
        size_t *hp = realloc(w->half_pair, kept * sizeof *hp);
        if (hp) w->half_pair = hp;
        int *hc = hp ? realloc(w->half_centre, kept * sizeof *hc) : NULL;
        if (hc) w->half_centre = hc;
        if (!hp || !hc)
            return mtt_error_set(err, MTT_ERR_NOMEM, "soap: out of memory for %zu pairs", kept);
        w->cap_half = kept;
    }
    for (int i = 0; i < nl->n_atoms; ++i)
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q)
            if (mtt_soap_pair_kept_(nl, i, q)) {
                w->half_pair[w->n_half] = q;
                w->half_centre[w->n_half++] = i;
            }
    w->half = 1;
    return MTT_OK;
}

size_t mtt_soap_pass_size(const mtt_soap *soap, int n_atoms)
{
    return (size_t)(n_atoms > 0 ? n_atoms : 1) * MTT_SOAP_PAIR_ORDER_SIZE(soap);
}

void mtt_soap_work_lend_pass(mtt_soap_work *w, double *buffer, size_t cap)
{
    w->pass_lent = buffer;
    w->cap_pass_lent = buffer ? cap : 0;
}

mtt_status mtt_soap_pass_buffer_(const mtt_soap *soap, mtt_soap_work *w, double **out,
                                 mtt_error *err)
{
    *out = NULL;
    if (!w->half) return MTT_OK;
    const size_t need = mtt_soap_pass_size(soap, w->n_atoms);
    if (w->pass_lent && w->cap_pass_lent >= need) {
        *out = w->pass_lent;
        return MTT_OK;
    }
    if (need > w->cap_pass) {
        double *p = realloc(w->pass, need * sizeof *p);
        MTT_RETURN_ERROR_IF(!p, err, MTT_ERR_NOMEM,
                            "soap: out of memory for the passes of %d atoms (%zu MB)", w->n_atoms,
                            need * sizeof *p >> 20);
        w->pass = p;
        w->cap_pass = need;
    }
    *out = w->pass;
    return MTT_OK;
}
