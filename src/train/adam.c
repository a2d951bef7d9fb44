/* adam.c — torch.optim.Adam on a flat double array; equations in adam.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "train/adam.h"

mtt_adam_config mtt_adam_config_default(void)
{
    mtt_adam_config c = {.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.0};
    return c;
}

void mtt_adam_state_init(mtt_adam_state *s, size_t n, double *m, double *v)
{
    s->n = n;
    s->m = m;
    s->v = v;
    s->step = 0;
    if (n > 0) {
        memset(m, 0, n * sizeof *m);
        memset(v, 0, n * sizeof *v);
    }
}

mtt_status mtt_adam_step(const mtt_adam_config *cfg, double lr, mtt_adam_state *s,
                         double *params, const double *grad, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!(lr >= 0.0) || !isfinite(lr), err, MTT_ERR_INTERNAL,
                        "Adam: learning rate %g is not a finite non-negative number", lr);
    MTT_RETURN_ERROR_IF(!(cfg->beta1 >= 0.0 && cfg->beta1 < 1.0) ||
                            !(cfg->beta2 >= 0.0 && cfg->beta2 < 1.0) || !(cfg->eps >= 0.0) ||
                            !isfinite(cfg->weight_decay),
                        err, MTT_ERR_INTERNAL,
                        "Adam: invalid configuration (beta1 %g, beta2 %g, eps %g, weight decay %g)",
                        cfg->beta1, cfg->beta2, cfg->eps, cfg->weight_decay);

    s->step += 1;
    /* Scalars computed exactly as PyTorch does in Python double arithmetic. */
    const double t = (double)s->step;
    const double w1 = 1.0 - cfg->beta1; /* lerp weight */
    const double w2 = 1.0 - cfg->beta2;
    const double bias_correction1 = 1.0 - pow(cfg->beta1, t);
    const double bias_correction2 = 1.0 - pow(cfg->beta2, t);
    const double neg_step_size = -(lr / bias_correction1);
    const double bias_correction2_sqrt = sqrt(bias_correction2);
    const double beta2 = cfg->beta2, eps = cfg->eps, wd = cfg->weight_decay;
    const int small_weight = w1 < 0.5; /* torch's lerp switches formula at 0.5 */

    double *restrict m = s->m, *restrict v = s->v;
    for (size_t i = 0; i < s->n; ++i) {
        double g = grad[i];
        if (wd != 0.0) g = g + wd * params[i];
        m[i] = small_weight ? m[i] + w1 * (g - m[i]) : g - (g - m[i]) * (1.0 - w1);
        v[i] = v[i] * beta2 + w2 * g * g;
        double denom = sqrt(v[i]) / bias_correction2_sqrt + eps;
        params[i] = params[i] + neg_step_size * m[i] / denom;
    }
    return MTT_OK;
}
