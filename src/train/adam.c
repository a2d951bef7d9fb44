/* adam.c — torch.optim.Adam on a flat double or float array; equations in adam.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "train/adam.h"
#include "util/vector.h"

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

void mtt_adam_floats_init(mtt_adam_floats *s, size_t n, float *m, float *v)
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

/* The element-wise updates, kept free of branches on the data so that the
 * compiler can vectorise them (a clone per vector ISA, chosen at load time):
 * in double, and in float (base_precision 32: parameters, moments and
 * arithmetic float, as torch.optim.Adam on a float32 model; half the bytes
 * of the double update and the sqrt and division at 16 lanes instead of 8). */
/* torch's lerp switches formula at weight 0.5: both forms written out */
/* GRAD_AT(i): the gradient of parameter i; AFTER(i): a statement run once
 * params[i] holds its new value */
#define ADAM_LOOPS(T, SQRT, GRAD_AT, AFTER)                                        \
    const T keep = (T)1 - w1;                                                      \
    if (small_weight && wd == 0) {                                                 \
        for (size_t i = 0; i < n; ++i) {                                           \
            const T g = (T)(GRAD_AT(i));                                           \
            m[i] = m[i] + w1 * (g - m[i]);                                         \
            v[i] = v[i] * beta2 + w2 * g * g;                                      \
            params[i] = params[i] + step_size * m[i] / (SQRT(v[i]) * inv_bc2_sqrt + eps); \
            AFTER(i);                                                              \
        }                                                                          \
        return;                                                                    \
    }                                                                              \
    for (size_t i = 0; i < n; ++i) {                                               \
        const T g = (T)(GRAD_AT(i)) + wd * params[i];                              \
        m[i] = small_weight ? m[i] + w1 * (g - m[i]) : g - (g - m[i]) * keep;      \
        v[i] = v[i] * beta2 + w2 * g * g;                                          \
        params[i] = params[i] + step_size * m[i] / (SQRT(v[i]) * inv_bc2_sqrt + eps); \
        AFTER(i);                                                                  \
    }
#define ADAM_GRAD(i) grad[i]
#define ADAM_SUM2(i) (g0[i] + g1[i])
#define ADAM_NOTHING(i) ((void)0)
#define ADAM_COPY(i) (copy[i] = params[i])

#define ADAM_ARGS(T, G)                                                                    \
    size_t n, T *restrict params, const G *restrict grad, T *restrict m, T *restrict v,    \
        int small_weight, T w1, T w2, T beta2, T wd, T inv_bc2_sqrt, T eps, T step_size

MTT_VECTOR_CLONES
static void adam_update(ADAM_ARGS(double, double))
{
    ADAM_LOOPS(double, sqrt, ADAM_GRAD, ADAM_NOTHING)
}

/* The sum of two ranks' gradients read in the loop, where the sqrt and the
 * division leave the loads time; the new parameters also stored in copy. */
#define ADAM_SUM2_ARGS                                                                   \
    size_t n, double *restrict params, double *restrict copy, const double *restrict g0, \
        const double *restrict g1, double *restrict m, double *restrict v,               \
        int small_weight, double w1, double w2, double beta2, double wd,                 \
        double inv_bc2_sqrt, double eps, double step_size

MTT_VECTOR_CLONES
static void adam_update_sum2_copy(ADAM_SUM2_ARGS)
{
    ADAM_LOOPS(double, sqrt, ADAM_SUM2, ADAM_COPY)
}

MTT_VECTOR_CLONES
static void adam_update_floats(ADAM_ARGS(float, float))
{
    ADAM_LOOPS(float, sqrtf, ADAM_GRAD, ADAM_NOTHING)
}

MTT_VECTOR_CLONES
static void adam_update_floats_double_grad(ADAM_ARGS(float, double))
{
    ADAM_LOOPS(float, sqrtf, ADAM_GRAD, ADAM_NOTHING)
}

/* The step's scalars, computed exactly as PyTorch does in Python double
 * arithmetic (a float32 model then rounds them to float in its kernels). */
typedef struct adam_scalars {
    int small_weight; /* torch's lerp switches formula at 0.5 */
    double w1, w2, beta2, wd, inv_bc2_sqrt, eps, step_size;
} adam_scalars;

static mtt_status adam_begin(const mtt_adam_config *cfg, double lr, int64_t *step,
                             adam_scalars *a, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!(lr >= 0.0) || !isfinite(lr), err, MTT_ERR_INTERNAL,
                        "Adam: learning rate %g is not a finite non-negative number", lr);
    MTT_RETURN_ERROR_IF(!(cfg->beta1 >= 0.0 && cfg->beta1 < 1.0) ||
                            !(cfg->beta2 >= 0.0 && cfg->beta2 < 1.0) || !(cfg->eps >= 0.0) ||
                            !isfinite(cfg->weight_decay),
                        err, MTT_ERR_INTERNAL,
                        "Adam: invalid configuration (beta1 %g, beta2 %g, eps %g, weight decay %g)",
                        cfg->beta1, cfg->beta2, cfg->eps, cfg->weight_decay);
    *step += 1;
    const double t = (double)*step;
    a->w1 = 1.0 - cfg->beta1; /* lerp weight */
    a->w2 = 1.0 - cfg->beta2;
    a->step_size = -(lr / (1.0 - pow(cfg->beta1, t)));
    a->inv_bc2_sqrt = 1.0 / sqrt(1.0 - pow(cfg->beta2, t));
    a->beta2 = cfg->beta2;
    a->eps = cfg->eps;
    a->wd = cfg->weight_decay;
    a->small_weight = a->w1 < 0.5;
    return MTT_OK;
}

mtt_status mtt_adam_step(const mtt_adam_config *cfg, double lr, mtt_adam_state *s,
                         double *params, const double *grad, mtt_error *err)
{
    adam_scalars a;
    MTT_FORWARD_IF_ERROR(adam_begin(cfg, lr, &s->step, &a, err));
    adam_update(s->n, params, grad, s->m, s->v, a.small_weight, a.w1, a.w2, a.beta2, a.wd,
                a.inv_bc2_sqrt, a.eps, a.step_size);
    return MTT_OK;
}

mtt_status mtt_adam_step_sum2(const mtt_adam_config *cfg, double lr, mtt_adam_state *s,
                              double *params, double *copy, const double *g0, const double *g1,
                              mtt_error *err)
{
    adam_scalars a;
    MTT_FORWARD_IF_ERROR(adam_begin(cfg, lr, &s->step, &a, err));
    adam_update_sum2_copy(s->n, params, copy, g0, g1, s->m, s->v, a.small_weight, a.w1, a.w2,
                          a.beta2, a.wd, a.inv_bc2_sqrt, a.eps, a.step_size);
    return MTT_OK;
}

mtt_status mtt_adam_step_floats(const mtt_adam_config *cfg, double lr, mtt_adam_floats *s,
                                float *params, const float *grad, const double *grad_double,
                                mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!grad == !grad_double, err, MTT_ERR_INTERNAL,
                        "Adam: give the gradient in float or in double, not %s",
                        grad ? "both" : "neither");
    adam_scalars a;
    MTT_FORWARD_IF_ERROR(adam_begin(cfg, lr, &s->step, &a, err));
#define ADAM_FLOAT_SCALARS                                                                 \
    a.small_weight, (float)a.w1, (float)a.w2, (float)a.beta2, (float)a.wd,                 \
        (float)a.inv_bc2_sqrt, (float)a.eps, (float)a.step_size
    if (grad) adam_update_floats(s->n, params, grad, s->m, s->v, ADAM_FLOAT_SCALARS);
    else adam_update_floats_double_grad(s->n, params, grad_double, s->m, s->v, ADAM_FLOAT_SCALARS);
#undef ADAM_FLOAT_SCALARS
    return MTT_OK;
}
