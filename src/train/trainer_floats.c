/* trainer_floats.c — base_precision 32: the parameters and Adam's moments
 * kept in float, as torch.optim.Adam keeps them for a float32 model.
 *
 * The steps read and update only the float arrays: the networks run on the
 * float parameters directly, the backward pass writes a float gradient,
 * and Adam updates float parameters and moments from it (from the double
 * sum over ranks on several ranks; trainer_step.c).  So a step converts
 * nothing and Adam streams half the bytes of the double update.  The double
 * arrays params, adam_m and adam_v stay what the rest of the trainer and
 * the checkpoints read; they are exact copies (widening is exact) brought
 * up to date at the end of each epoch's steps (params: validation, best
 * model, replica check) and before every checkpoint (all three).  Loading
 * rounds the double arrays into the floats: a checkpoint of a 32-bit run
 * holds float values, so a restart continues bit for bit.
 */
#include "config.h"

#include <stdlib.h>

#include "train/trainer_internal.h"
#include "util/convert.h"

mtt_status mtt_trainer_floats_create(mtt_trainer *t, mtt_error *err)
{
    if (t->model->precision != 32) return MTT_OK;
    const size_t n = t->n_params ? t->n_params : 1;
    t->params_f = calloc(n, sizeof *t->params_f);
    t->adam_m_f = calloc(n, sizeof *t->adam_m_f);
    t->adam_v_f = calloc(n, sizeof *t->adam_v_f);
    t->grad_f = calloc(n, sizeof *t->grad_f);
    MTT_RETURN_ERROR_IF(!t->params_f || !t->adam_m_f || !t->adam_v_f || !t->grad_f, err,
                        MTT_ERR_NOMEM, "out of memory for %zu float model parameters",
                        t->n_params);
    return MTT_OK;
}

void mtt_trainer_floats_free(mtt_trainer *t)
{
    free(t->params_f);
    free(t->adam_m_f);
    free(t->adam_v_f);
    free(t->grad_f);
    t->params_f = t->adam_m_f = t->adam_v_f = t->grad_f = NULL;
}

void mtt_trainer_floats_load(mtt_trainer *t)
{
    if (!t->params_f) return;
    mtt_convert_narrow(t->n_params, t->params, t->params_f);
    mtt_convert_narrow(t->n_params, t->adam_m, t->adam_m_f);
    mtt_convert_narrow(t->n_params, t->adam_v, t->adam_v_f);
}

void mtt_trainer_floats_store(mtt_trainer *t, int moments)
{
    if (!t->params_f) return;
    mtt_convert_widen(t->n_params, t->params_f, t->params);
    if (!moments) return;
    mtt_convert_widen(t->n_params, t->adam_m_f, t->adam_m);
    mtt_convert_widen(t->n_params, t->adam_v_f, t->adam_v);
}
