/* evaluate.h — error metrics of a model on one rank's share of a set.
 *
 * Quantities: energy per atom (E/N), force components, stress components
 * (periodic structures only, S = (1/V) ∂E/∂ε), virial components
 * (W = −∂E/∂ε).  Each quantity has an accumulator of three doubles (sum of
 * squared errors, sum of absolute errors, count); all of them together are
 * MTT_EVAL_DOUBLES contiguous doubles, so the caller sums them over ranks
 * with one allreduce before taking RMSE or MAE.  Units: the data's.
 * Cost: one prediction pass over the set (no backward); no allocation.
 */
#ifndef MTT_TRAIN_EVALUATE_H
#define MTT_TRAIN_EVALUATE_H

#include <stddef.h>

#include "train/trainer_batch.h"

enum { MTT_Q_ENERGY = 0, MTT_Q_FORCES, MTT_Q_STRESS, MTT_Q_VIRIAL, MTT_Q_COUNT };

#define MTT_EVAL_DOUBLES (3 * MTT_Q_COUNT)

typedef struct mtt_eval_metrics {
    double acc[MTT_EVAL_DOUBLES];  /* per quantity: sum of squares, sum of |.|, count */
} mtt_eval_metrics;

/* Which quantities a set is evaluated on (1/0 each). */
typedef struct mtt_eval_targets {
    int energy, forces, stress, virial;
} mtt_eval_targets;

/* "energy", "forces", "stress", "virial". */
const char *mtt_eval_quantity_name(int q);

void mtt_eval_metrics_clear(mtt_eval_metrics *m);
/* NaN when nothing was added. */
double mtt_eval_rmse(const mtt_eval_metrics *m, int q);
double mtt_eval_mae(const mtt_eval_metrics *m, int q);
double mtt_eval_count(const mtt_eval_metrics *m, int q);

/* Add the errors of a predicted batch (energy, forces, ∂E/∂ε as asked).
 * Stress and virial references come from ds, which the batch was loaded from. */
void mtt_eval_add_batch(mtt_eval_metrics *m, const mtt_batch *b, const mtt_dataset *ds,
                        const mtt_eval_targets *t);

/* Predict every structure of the cache's dataset in batches of at most
 * b->cap_structures and add the errors to m (local; not reduced). */
mtt_status mtt_evaluate_set(const mtt_sbp_model *model, const double *params, mtt_sbp_work *w,
                            mtt_feature_cache *c, mtt_batch *b, const mtt_eval_targets *t,
                            mtt_eval_metrics *m, mtt_error *err);

#endif
