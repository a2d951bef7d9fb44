/* trainer_prepare.c — everything sized before the first epoch: descriptor
 * caches (with the close-contact warnings), the batch buffers and model
 * workspace for the largest batch, the shuffle order, the number of steps
 * per epoch (and room for their global counts, trainer_plan.c) and the
 * learning-rate schedule.
 * Collective.  Cost: one feature computation per local training and
 * validation structure; a few small allreduces.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/trainer_internal.h"
#include "util/log.h"
#include "util/progress.h"

#define MTT_CLOSE_CONTACT 0.1 /* Å: closer atoms are almost surely a broken structure */

/* Warn once per structure of the set with two atoms closer than 0.1 Å,
 * naming file and frame.  Only flagged structures travel: each rank's count
 * goes into its slot of a rank-sized array (one allreduce), which gives every
 * rank its offset in a list of [frame, distance] pairs that a second
 * allreduce assembles; memory is O(ranks + flagged), not O(structures). */
static mtt_status warn_close_contacts(mtt_trainer *t, int set, mtt_error *err)
{
    const mtt_trainer_set *s = &t->set[set];
    const mtt_feature_cache *c = &t->cache[set];
    const int size = mtt_comm_size(t->comm), rank = mtt_comm_rank(t->comm);
    int64_t *counts = calloc((size_t)size, sizeof *counts);
    mtt_status st = counts ? MTT_OK : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) {
        free(counts);
        return st;
    }
    for (size_t i = 0; i < c->n; ++i) counts[rank] += c->min_distance[i] < MTT_CLOSE_CONTACT;
    mtt_comm_sum_int64(t->comm, counts, (size_t)size);
    int64_t total = 0, offset = 0;
    for (int r = 0; r < size; ++r) {
        if (r < rank) offset += counts[r];
        total += counts[r];
    }
    free(counts);
    if (total == 0) return MTT_OK;
    double *d = calloc(2 * (size_t)total, sizeof *d);
    st = d ? MTT_OK : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) {
        free(d);
        return st;
    }
    for (size_t i = 0, k = (size_t)offset; i < c->n; ++i)
        if (c->min_distance[i] < MTT_CLOSE_CONTACT) {
            d[2 * k] = (double)s->ds->frame[i];
            d[2 * k + 1] = c->min_distance[i];
            ++k;
        }
    mtt_comm_sum_doubles(t->comm, d, 2 * (size_t)total);
    for (int64_t k = 0; k < total; ++k)
        mtt_log_warn("%s: frame %.0f (%s set): two atoms are %.4g A apart, closer than %.1f A; "
                     "check this structure",
                     s->path, d[2 * k], s->name, d[2 * k + 1], MTT_CLOSE_CONTACT);
    free(d);
    return MTT_OK;
}

/* The descriptor path and why (docs/performance.md, "Descriptor path"):
 * per structure, the position derivatives are kept as factored pair
 * gradients of one direction per pair (2·NP·(L+1) + 4·(L+1)² + 3 per pair,
 * the fewest operations per pair too), or, for cells of a few atoms with
 * many neighbours, as one dense Jacobian (n·D·(3n + 9)) when it has fewer
 * values than the factored gradients of both directions (its passes need no
 * per-pair or per-atom products); structures over the cache budget
 * recompute the pair gradients at each use.  The sizes of the other forms
 * for the whole set are logged so the choice can be checked. */
static void log_descriptor_path(const mtt_trainer *t, int set)
{
    const mtt_feature_cache *c = &t->cache[set];
    double v[MTT_SOAP_FORMS + 4];
    memcpy(v, c->form_values, sizeof c->form_values);
    v[MTT_SOAP_FORMS] = c->chosen_values[0];
    v[MTT_SOAP_FORMS + 1] = c->chosen_values[1];
    v[MTT_SOAP_FORMS + 2] = (double)c->n_dense;
    v[MTT_SOAP_FORMS + 3] = (double)c->n;
    mtt_comm_sum_doubles(t->comm, v, MTT_SOAP_FORMS + 4);
    const double mib = (t->model->precision == 32 ? 4.0 : 8.0) / (1024.0 * 1024.0);
    if (!(v[MTT_SOAP_FORM_FACTORED] > 0)) return;
    char chosen[160];
    if (v[MTT_SOAP_FORMS + 2] > 0)
        snprintf(chosen, sizeof chosen,
                 "as factored pair gradients for %.0f structures, %.1f MiB, and as dense "
                 "Jacobians for %.0f small cells, %.1f MiB",
                 v[MTT_SOAP_FORMS + 3] - v[MTT_SOAP_FORMS + 2], v[MTT_SOAP_FORMS] * mib,
                 v[MTT_SOAP_FORMS + 2], v[MTT_SOAP_FORMS + 1] * mib);
    else
        snprintf(chosen, sizeof chosen, "as factored pair gradients, %.1f MiB",
                 v[MTT_SOAP_FORMS] * mib);
    mtt_log_info("Descriptor path (%s set): position derivatives %s (factored for one "
                 "direction of each pair; a dense Jacobian where it has fewer values than the "
                 "factored gradients of both directions; for the whole set factored pair "
                 "gradients would take %.1f MiB, expanded pair gradients %.1f MiB, per-pair "
                 "descriptor "
                 "gradients %.1f MiB, dense per-structure Jacobians %.1f MiB); structures "
                 "beyond the cache budget recompute them at each use",
                 t->set[set].name, chosen, v[MTT_SOAP_FORM_FACTORED] * mib,
                 v[MTT_SOAP_FORM_EXPANDED] * mib, v[MTT_SOAP_FORM_DESCRIPTOR] * mib,
                 v[MTT_SOAP_FORM_DENSE] * mib);
}

mtt_status mtt_trainer_build_cache(mtt_trainer *t, int set, double budget_bytes, mtt_error *err)
{
    size_t budget = budget_bytes > 0 ? (budget_bytes >= 1.8e19 ? SIZE_MAX : (size_t)budget_bytes) : 0;
    const mtt_dataset *ds = t->set[set].ds;
    mtt_progress_begin(ds ? (int64_t)ds->n_structures : 0, (int64_t)t->set[set].n_global,
                       "structures", "descriptors, %s set", t->set[set].name);
    mtt_status st = mtt_feature_cache_build(&t->cache[set], t->model, ds, budget,
                                            t->cfg.batch_size, err);
    mtt_progress_end();
    if (st != MTT_OK) mtt_error_prefix(err, "%s: ", t->set[set].path);
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) return st;
    MTT_FORWARD_IF_ERROR(warn_close_contacts(t, set, err));
    const mtt_feature_cache *c = &t->cache[set];
    double sums[4] = {(double)c->n_cached, (double)c->n, (double)c->bytes, (double)c->scratch_bytes};
    mtt_comm_sum_doubles(t->comm, sums, 4);
    /* The sum hides how the memory is spread: with several ranks the line
     * also says what the lightest and the heaviest rank hold (one minimum
     * over [bytes, -bytes] gives both), the number that must fit a node. */
    int64_t extremes[2] = {(int64_t)c->bytes, -(int64_t)c->bytes};
    mtt_comm_min_int64(t->comm, extremes, 2);
    char per_rank[96] = "";
    if (t->size > 1)
        snprintf(per_rank, sizeof per_rank, "; per rank %.1f to %.1f MiB",
                 (double)extremes[0] / (1024.0 * 1024.0), (double)-extremes[1] / (1024.0 * 1024.0));
    if (sums[1] > 0 && sums[0] == sums[1])
        mtt_log_info("Descriptor cache (%s set): %.0f of %.0f structures cached, %.1f MiB "
                     "(all ranks%s)",
                     t->set[set].name, sums[0], sums[1], sums[2] / (1024.0 * 1024.0), per_rank);
    else if (sums[1] > 0)
        mtt_log_info("Descriptor cache (%s set): %.0f of %.0f structures cached, %.1f MiB, plus "
                     "up to %.1f MiB of scratch for recomputing the others (all ranks%s)",
                     t->set[set].name, sums[0], sums[1], sums[2] / (1024.0 * 1024.0),
                     sums[3] / (1024.0 * 1024.0), per_rank);
    if (set == MTT_TR_TRAIN) log_descriptor_path(t, set);
    return MTT_OK;
}

/* Steps per epoch, the same on every rank, as metatrain's loaders: on one
 * process floor(training set / batch_size), the last partial batch dropped
 * (its DataLoader's drop_last=True; a set smaller than one batch is refused,
 * as there); on several ranks ceil(largest local shard / batch_size), every
 * rank's last batch kept (its DistributedSampler's per-rank loaders), and a
 * rank whose shard is used up sits out the last steps. */
static mtt_status count_steps(mtt_trainer *t, mtt_error *err)
{
    int64_t *n = calloc((size_t)t->size, sizeof *n);
    mtt_status st = n ? MTT_OK : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) {
        free(n);
        return st;
    }
    const mtt_dataset *ds = t->set[MTT_TR_TRAIN].ds;
    n[t->rank] = ds ? (int64_t)ds->n_structures : 0;
    mtt_comm_sum_int64(t->comm, n, (size_t)t->size);
    int64_t most = 0;
    for (int r = 0; r < t->size; ++r) most = n[r] > most ? n[r] : most;
    free(n);
    int64_t bs = (int64_t)t->cfg.batch_size;
    MTT_RETURN_ERROR_IF(most == 0, err, MTT_ERR_DATA,
                        "%s: the training set is empty; nothing to train on",
                        t->set[MTT_TR_TRAIN].path);
    MTT_RETURN_ERROR_IF(t->size == 1 && most < bs, err, MTT_ERR_OPTIONS,
                        "%s: the training set has %lld structures, fewer than "
                        "architecture.training.batch_size (%lld); lower batch_size to at most "
                        "%lld (metatrain refuses this too)",
                        t->set[MTT_TR_TRAIN].path, (long long)most, (long long)bs,
                        (long long)most);
    t->steps_per_epoch = t->size == 1 ? most / bs : (most + bs - 1) / bs;
    return mtt_schedule_init(&t->schedule, t->steps_per_epoch * (int64_t)t->cfg.num_epochs,
                             t->cfg.warmup_fraction, err);
}

mtt_status mtt_trainer_prepare(mtt_trainer *t, mtt_error *err)
{
    mtt_log_info("Computing descriptors (budget %.0f MiB per rank)",
                 t->cfg.cache_bytes / (1024.0 * 1024.0));
    MTT_FORWARD_IF_ERROR(mtt_trainer_build_cache(t, MTT_TR_TRAIN, t->cfg.cache_bytes, err));
    MTT_FORWARD_IF_ERROR(mtt_trainer_build_cache(
        t, MTT_TR_VAL, t->cfg.cache_bytes - (double)t->cache[MTT_TR_TRAIN].bytes, err));

    size_t max_atoms = 0;
    for (int k = 0; k < MTT_TR_SETS; ++k) {
        size_t a = mtt_batch_max_atoms(t->set[k].ds, t->cfg.batch_size);
        max_atoms = a > max_atoms ? a : max_atoms;
    }
    const mtt_dataset *tr = t->set[MTT_TR_TRAIN].ds;
    size_t n_train = tr ? tr->n_structures : 0;
    mtt_status st = mtt_batch_create(&t->batch, t->cfg.batch_size, max_atoms, err);
    if (st == MTT_OK) st = mtt_sbp_work_create(t->model, max_atoms ? max_atoms : 1, &t->work, err);
    if (st == MTT_OK) {
        t->order = malloc((n_train ? n_train : 1) * sizeof *t->order);
        if (!t->order) st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
    }
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) return st;
    MTT_FORWARD_IF_ERROR(count_steps(t, err));
    t->step_totals = malloc(3 * (size_t)t->steps_per_epoch * sizeof *t->step_totals);
    t->step_work = calloc((size_t)t->steps_per_epoch, sizeof *t->step_work);
    st = t->step_totals && t->step_work ? mtt_trainer_plan_alloc(t, err)
                                        : mtt_error_set(err, MTT_ERR_NOMEM,
                                                        "out of memory for %lld steps",
                                                        (long long)t->steps_per_epoch);
    MTT_FORWARD_IF_ERROR(mtt_comm_agree(t->comm, st, err));
    const size_t n_global = t->set[MTT_TR_TRAIN].n_global;
    const size_t per_epoch = mtt_trainer_epoch_structures(t, n_global);
    mtt_log_info("Training: %d epochs of %lld steps (batches of up to %zu structures per rank%s), "
                 "%zu of %zu training structures per epoch, %lld warm-up steps, %s loss",
                 t->cfg.num_epochs, (long long)t->steps_per_epoch, t->cfg.batch_size,
                 t->cfg.balance_batches ? ", balanced by atoms" : "", per_epoch, n_global,
                 (long long)t->schedule.warmup_steps, t->cfg.loss_name);
    return MTT_OK;
}
