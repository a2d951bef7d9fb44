/* adam.h — the Adam optimiser, as torch.optim.Adam (amsgrad=False, maximize=False).
 *
 * Parameters are one flat double array (float for mtt_adam_step_floats; all
 * weights of the model, so that a gradient reduction is one call).  The
 * first and second moments m, v are caller-owned arrays of the same length
 * and the step count is a plain
 * integer: a checkpoint saves (m, v, step) and restoring them continues the
 * run bitwise identically.  mtt_adam_step() never allocates; it costs ~12
 * flops and one sqrt per parameter.
 *
 * One step with gradient g (t = step count after the increment, lr the
 * learning rate of this step = base lr x schedule factor):
 *     g   <- g + weight_decay * p                (only when weight_decay != 0; L2, not AdamW)
 *     m   <- m + (1 - beta1) (g - m)             (torch >= 2.0: exp_avg.lerp_(g, 1-beta1))
 *     v   <- beta2 v + ((1 - beta2) g) g         (exp_avg_sq.mul_(beta2).addcmul_(g, g, 1-beta2))
 *     bc1 = 1 - beta1^t,  bc2 = 1 - beta2^t
 *     p   <- p + (-(lr / bc1)) m / (sqrt(v) / sqrt(bc2) + eps)
 * Operation order follows PyTorch's single-tensor CPU path, so results agree
 * with it to the last bit or two (PyTorch's vectorised kernels may fuse the
 * lerp into an fma; torch < 2.0 wrote the m update as beta1 m + (1-beta1) g).
 * mtt_adam_step_floats is the same update on float parameters and moments
 * in float arithmetic (the scalars above computed in double and rounded to
 * float), as torch.optim.Adam on a float32 model (base_precision 32).
 */
#ifndef MTT_TRAIN_ADAM_H
#define MTT_TRAIN_ADAM_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct mtt_adam_config {
    double beta1;        /* first-moment decay, PyTorch default 0.9 */
    double beta2;        /* second-moment decay, default 0.999 */
    double eps;          /* added to the denominator, default 1e-8 (gradient units) */
    double weight_decay; /* L2 coefficient added to the gradient, default 0 */
} mtt_adam_config;

typedef struct mtt_adam_state {
    size_t n;      /* number of parameters */
    double *m;     /* first moment, n entries, caller-owned (gradient units) */
    double *v;     /* second moment, n entries, caller-owned (gradient units^2) */
    int64_t step;  /* completed steps; 0 before the first step */
} mtt_adam_state;

/* PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
mtt_adam_config mtt_adam_config_default(void);

/* Attach caller-owned m, v (n entries each) to s and zero them and the step
 * count.  To resume from a checkpoint, attach the arrays without this call
 * (or call it and then copy the saved m, v and step in). */
void mtt_adam_state_init(mtt_adam_state *s, size_t n, double *m, double *v);

/* One Adam update of params (n = s->n entries) with gradient grad and
 * learning rate lr (>= 0, finite).  Returns MTT_ERR_INTERNAL for an invalid
 * configuration or learning rate (those are validated with the options). */
mtt_status mtt_adam_step(const mtt_adam_config *cfg, double lr, mtt_adam_state *s,
                         double *params, const double *grad, mtt_error *err);

/* mtt_adam_step with the gradient g0[i] + g1[i] (two ranks' gradients, added
 * in that order: the same doubles as a sum written out first), every new
 * parameter also stored in copy[i] (not NULL). */
mtt_status mtt_adam_step_sum2(const mtt_adam_config *cfg, double lr, mtt_adam_state *s,
                              double *params, double *copy, const double *g0, const double *g1,
                              mtt_error *err);

/* The float form (base_precision 32): moments, parameters and arithmetic
 * in float.  The gradient is float (grad) or double (grad_double, a sum over
 * ranks): exactly one of them is not NULL. */
typedef struct mtt_adam_floats {
    size_t n;      /* number of parameters */
    float *m, *v;  /* first and second moments, n entries each, caller-owned */
    int64_t step;  /* completed steps */
} mtt_adam_floats;

void mtt_adam_floats_init(mtt_adam_floats *s, size_t n, float *m, float *v);
mtt_status mtt_adam_step_floats(const mtt_adam_config *cfg, double lr, mtt_adam_floats *s,
                                float *params, const float *grad, const double *grad_double,
                                mtt_error *err);

#endif
