/* schedule.h — learning-rate factor per optimiser step: linear warm-up, then cosine decay.
 *
 * The learning rate of step k (k = 0 for the first optimiser step) is
 * base_lr * factor(k), as torch.optim.lr_scheduler.LambdaLR stepped once per
 * batch.  With T = total steps and W = (int64)(warmup_fraction * T)
 * (truncation, as Python's int()):
 *     factor(k) = k / max(1, W)                                   for k < W
 *     factor(k) = 0.5 (1 + cos(pi (k - W) / max(1, T - W)))         otherwise
 * so the first step runs with lr 0 when W > 0, factor(W) = 1, factor(T) = 0.
 *
 * Checked against metatrain's soap_bpnn trainer (get_scheduler in
 * src/metatrain/soap_bpnn/trainer.py) and the reference torch_soap_bpnn.py
 * (lr_factor).  Same formula, same integer arithmetic; the differences:
 *   - metatrain writes min_lr_ratio + (1 - min_lr_ratio) * cosine with a
 *     hard-coded min_lr_ratio = 0, which is the same number exactly;
 *   - the reference clamps with max(0, .), a no-op since 0.5 (1 + cos) >= 0;
 *   - neither stops at T: for k > T the cosine rises again (period 2 (T - W)).
 *     metatrain reaches k > T when it continues from a checkpoint (the
 *     scheduler state keeps counting while T is recomputed for the new run);
 *     this function reproduces that; clamping is the caller's decision.
 *   - metatrain's T is num_epochs * len(train_dataloader), i.e. batches per
 *     epoch of one process (distributed: per-rank batches of batch_size).
 * Cost: one cos per call.
 */
#ifndef MTT_TRAIN_SCHEDULE_H
#define MTT_TRAIN_SCHEDULE_H

#include <stdint.h>

#include "util/status.h"

typedef struct mtt_schedule {
    int64_t total_steps;  /* T = epochs * batches per epoch */
    int64_t warmup_steps; /* W = (int64)(warmup_fraction * T) */
} mtt_schedule;

/* Fill s for total_steps >= 0 and warmup_fraction in [0, 1]; otherwise
 * MTT_ERR_OPTIONS naming the key. */
mtt_status mtt_schedule_init(mtt_schedule *s, int64_t total_steps, double warmup_fraction,
                             mtt_error *err);

/* Learning-rate factor of optimiser step `step` (0-based, >= 0). */
double mtt_schedule_factor(const mtt_schedule *s, int64_t step);

#endif
