/* trainer_plan.c — an epoch's batches and their global counts, known before
 * its first step.
 *
 * The loss of a step is normalised by the GLOBAL numbers of structures,
 * force components and stress entries of that step (loss.h: means over the
 * global batch), so that the summed gradient equals one process's.  Those
 * numbers depend only on which structures each rank takes in each step,
 * and that is fixed when the epoch starts: each rank shuffles its own shard
 * with a counter-based generator keyed by (seed, epoch, rank) and takes
 * consecutive runs of batch_size structures.  So every rank counts its own
 * batches of the whole epoch and ONE allreduce of 3 × steps_per_epoch
 * doubles per epoch gives all totals — instead of one small allreduce
 * before every step, a synchronisation point where the timing noise of all
 * ranks adds up.  Counts are integers well below 2^53: the sums are exact
 * and identical on every rank.
 *
 * A restart in the middle of an epoch calls this again for that epoch: the
 * shuffle and the counts come out the same, nothing needs saving.
 * Cost: O(local training structures) per epoch, one allreduce of
 * 24 · steps_per_epoch bytes; nothing allocated (t->step_totals is sized by
 * trainer_prepare.c).
 */
#include "config.h"

#include "train/trainer_internal.h"
#include "util/rng.h"

void mtt_trainer_plan_batch(const mtt_trainer *t, int64_t k, size_t *start, size_t *n)
{
    const mtt_dataset *tr = t->set[MTT_TR_TRAIN].ds;
    size_t n_local = tr ? tr->n_structures : 0, bs = t->cfg.batch_size;
    size_t s = (size_t)k * bs;
    *n = s < n_local ? (n_local - s < bs ? n_local - s : bs) : 0;
    *start = *n ? s : 0;
}

void mtt_trainer_plan_epoch(mtt_trainer *t, int epoch)
{
    const mtt_dataset *tr = t->set[MTT_TR_TRAIN].ds;
    size_t n_local = tr ? tr->n_structures : 0;
    for (size_t i = 0; i < n_local; ++i) t->order[i] = i;
    uint64_t stream = mtt_rng_stream_key(
        mtt_rng_stream_key(MTT_RNG_PURPOSE_EPOCH_SHUFFLE, (uint64_t)epoch), (uint64_t)t->rank);
    mtt_rng_shuffle_sizes(t->order, n_local, t->cfg.seed, stream);
    for (int64_t k = 0; k < t->steps_per_epoch; ++k) {
        size_t start, n;
        mtt_trainer_plan_batch(t, k, &start, &n);
        double *c = t->step_totals + 3 * k;
        c[0] = c[1] = c[2] = 0.0;
        if (n > 0) mtt_batch_counts(tr, t->order + start, n, t->trained.forces, c);
    }
    mtt_comm_sum_doubles(t->comm, t->step_totals, 3 * (size_t)t->steps_per_epoch);
}
