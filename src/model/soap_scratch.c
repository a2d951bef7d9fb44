/* soap_scratch.c — the per-call scratch of a SOAP work (radial and angular
 * values of one pair, ḡ or ċ of one atom, the per-l K×K matrices), its own
 * or lent by the caller.
 *
 * Every cached structure of a training has its own mtt_soap_work, but the
 * passes run one structure at a time, so the training step lends one
 * scratch to the works it serves (soap_bpnn.c) and the feature cache drops
 * each cached work's own (mtt_sbp_features_trim): 57–120 KiB per structure at
 * max_radial 7, max_angular 6, three species, which a set of many small
 * molecules would otherwise hold once per molecule.  A work that has neither
 * grows its own on first use.
 */
#include "config.h"

#include <stdlib.h>

#include "model/soap.h"
#include "model/soap_internal.h"

size_t mtt_soap_scratch_size(const mtt_soap *s)
{
    size_t NL = (size_t)s->N * (s->L + 1), NLM = (size_t)s->N * s->LM;
    return 2 * NL + 4 * (size_t)s->LM + 4 * NLM + (size_t)s->NC + s->dim +
           MTT_SOAP_KK_SIZE(s) + MTT_SOAP_PAIR_ORDER_SIZE(s) + MTT_SOAP_FAC_SIZE(s) +
           2 * (size_t)s->LM;
}

void mtt_soap_work_lend_scratch(mtt_soap_work *w, double *buffer, size_t cap)
{
    w->scratch_lent = buffer;
    w->cap_scratch_lent = buffer ? cap : 0;
}

void mtt_soap_work_drop_scratch(mtt_soap_work *w)
{
    free(w->scratch);
    w->scratch = NULL;
    w->cap_scratch = 0;
}

/* The scratch the next call uses: the lent one when it is large enough. */
static double *scratch_in_use(const mtt_soap *soap, const mtt_soap_work *w)
{
    const size_t need = mtt_soap_scratch_size(soap);
    if (w->scratch_lent && w->cap_scratch_lent >= need) return w->scratch_lent;
    return w->cap_scratch >= need ? w->scratch : NULL;
}

mtt_status mtt_soap_scratch_ready_(const mtt_soap *soap, mtt_soap_work *w, mtt_error *err)
{
    if (scratch_in_use(soap, w)) return MTT_OK;
    const size_t need = mtt_soap_scratch_size(soap);
    double *sc = realloc(w->scratch, need * sizeof *sc);
    MTT_RETURN_ERROR_IF(!sc, err, MTT_ERR_NOMEM, "soap: out of memory for scratch (%zu KB)",
                        need * sizeof *sc >> 10);
    w->scratch = sc;
    w->cap_scratch = need;
    return MTT_OK;
}

void mtt_soap_scratch_(const mtt_soap *soap, mtt_soap_work *w, soap_scratch *s)
{
    size_t NL = (size_t)soap->N * (soap->L + 1), NLM = (size_t)soap->N * soap->LM;
    double *p = scratch_in_use(soap, w);
    s->g = p, p += NL;
    s->dg = p, p += NL;
    s->y = p, p += soap->LM;
    s->dy = p, p += 3 * (size_t)soap->LM;
    s->phi = p, p += NLM;
    s->dphi = p, p += 3 * NLM;
    s->vec = p, p += soap->NC;
    s->pdot = p, p += soap->dim;
    s->kk1 = p, p += MTT_SOAP_KK_SIZE(soap);
    s->vp = p, p += MTT_SOAP_PAIR_ORDER_SIZE(soap);
    s->fac = p, p += MTT_SOAP_FAC_SIZE(soap);
    s->ab = p;
}
