/* trainer_loop.c — the epochs: shuffle, steps, validation, best model,
 * epoch lines and train.csv.
 *
 * Epochs are numbered from 0 as metatrain; an epoch line (and a CSV row) is
 * written when epoch % log_interval == 0 and for the last epoch.  The
 * learning rate shown is the one of the epoch's last step; the training
 * loss is the mean of the epoch's global batch losses; training metrics come
 * from the predictions made during the steps (before each update), the
 * validation metrics from a pass over the validation set after the epoch.
 * The best parameters are those of the epoch with the lowest product of the
 * validation RMSEs (training RMSEs when there is no validation set).
 * Collective; rank 0 logs and writes the CSV.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train/csv.h"
#include "train/stop.h"
#include "train/epoch_line.h"
#include "train/trainer_internal.h"
#include "util/log.h"
#include "util/progress.h"

#define MAX_COLUMNS MTT_TRAINER_MAX_COLUMNS
typedef mtt_trainer_column column;

void mtt_trainer_unit(const mtt_trainer *t, int q, int per_atom, char *out, size_t n)
{
    const char *e = t->cfg.energy_unit;
    char grad[64];
    (void)per_atom;
    out[0] = '\0';
    if (q == MTT_Q_ENERGY || q == MTT_Q_VIRIAL) {
        snprintf(out, n, "%s", e);
        return;
    }
    mtt_epoch_line_gradient_unit(e, t->cfg.length_unit, grad, sizeof grad);
    if (q == MTT_Q_FORCES) snprintf(out, n, "%s", grad);
    else if (grad[0]) snprintf(out, n, "%s^3", grad);
}

static int quantity_on(const mtt_trainer *t, int set, int q)
{
    const mtt_eval_targets *a = &t->trained, *h = &t->set[set].has;
    int on[MTT_Q_COUNT] = {a->energy, a->forces, a->stress, a->virial};
    int has[MTT_Q_COUNT] = {h->energy, h->forces, h->stress, h->virial};
    return on[q] && (set == MTT_TR_TRAIN || has[q]);
}

static size_t make_columns(const mtt_trainer *t, column *c)
{
    size_t n = 0;
    for (int set = MTT_TR_TRAIN; set <= MTT_TR_VAL; ++set) {
        if (set == MTT_TR_VAL && t->set[set].n_global == 0) continue;
        for (int q = 0; q < MTT_Q_COUNT; ++q)
            for (int mae = 0; mae <= (t->cfg.log_mae ? 1 : 0); ++mae) {
                if (!quantity_on(t, set, q)) continue;
                column *k = &c[n++];
                snprintf(k->name, sizeof k->name, "%s %s %s%s", t->set[set].name,
                         mtt_eval_quantity_name(q), mae ? "MAE" : "RMSE",
                         q == MTT_Q_ENERGY ? " (per atom)" : "");
                char unit[64];
                mtt_trainer_unit(t, q, 1, unit, sizeof unit);
                (void)mtt_epoch_line_to_display(1.0, unit, k->unit, sizeof k->unit);
                k->set = set;
                k->q = q;
                k->mae = mae;
                k->width = -1;
            }
    }
    return n;
}

/* Lowest product of the validation RMSEs is best. */
static double selection_metric(const mtt_trainer *t)
{
    int set = t->set[MTT_TR_VAL].n_global > 0 ? MTT_TR_VAL : MTT_TR_TRAIN;
    const mtt_eval_metrics *m = set == MTT_TR_VAL ? &t->val_m : &t->train_m;
    double p = 1.0;
    for (int q = 0; q < MTT_Q_COUNT; ++q)
        if (quantity_on(t, set, q) && mtt_eval_count(m, q) > 0) p *= mtt_eval_rmse(m, q);
    return p;
}

/* The epoch's row (every rank: the numbers are global), appended to the
 * history; rank 0 prints the epoch line and writes the CSV row. */
static mtt_status log_epoch(mtt_trainer *t, int epoch, column *cols, size_t n_cols,
                            mtt_csv *csv, mtt_error *err)
{
    mtt_epoch_metric em[MAX_COLUMNS];
    double row[MAX_COLUMNS + 3];
    char unused[64];
    row[0] = epoch;
    row[1] = t->last_lr;
    row[2] = t->epoch_loss;
    for (size_t i = 0; i < n_cols; ++i) {
        column *c = &cols[i];
        const mtt_eval_metrics *m = c->set == MTT_TR_VAL ? &t->val_m : &t->train_m;
        double v = c->mae ? mtt_eval_mae(m, c->q) : mtt_eval_rmse(m, c->q);
        char unit[64];
        mtt_trainer_unit(t, c->q, 1, unit, sizeof unit);
        v = mtt_epoch_line_to_display(v, unit, unused, sizeof unused);
        if (c->width < 0) mtt_epoch_line_digits(v, &c->width, &c->precision);
        em[i].name = c->name;
        em[i].value = v;
        em[i].unit = c->unit;
        em[i].width = c->width;
        em[i].precision = c->precision;
        row[3 + i] = v;
    }
    MTT_FORWARD_IF_ERROR(mtt_trainer_history_append(t, row, err));
    if (t->rank != 0) return MTT_OK;
    char line[4096];
    mtt_status st = mtt_epoch_line_format(line, sizeof line, epoch,
                                          mtt_epoch_line_epoch_width(t->cfg.num_epochs),
                                          t->last_lr, t->epoch_loss, em, n_cols, err);
    if (st != MTT_OK) return st;
    mtt_log_info("%s", line);
    return csv ? mtt_csv_write_row(csv, row, err) : MTT_OK;
}

/* Column names and units (kept in t for checkpoints); rank 0 creates
 * train.csv and, on a restart, writes the rows the checkpoint carried. */
static mtt_status open_csv(mtt_trainer *t, const char *run_dir, const column *cols,
                           size_t n_cols, mtt_csv **csv, mtt_error *err)
{
    (void)cols;
    char path[4200];
    snprintf(path, sizeof path, "%s/train.csv", run_dir);
    mtt_status st = MTT_OK;
    if (t->rank == 0) {
        st = mtt_csv_open(path, n_cols + 3, t->csv_names, t->csv_units, csv, err);
        for (size_t r = 0; st == MTT_OK && r < t->n_history; ++r)
            st = mtt_csv_write_row(*csv, t->history + r * (n_cols + 3), err);
    }
    return mtt_comm_agree(t->comm, st, err);
}

/* This rank's requests for the coming step: a signal, the time budget,
 * the wall-clock checkpoint period. */
static void set_requests(mtt_trainer *t)
{
    t->want[0] = mtt_stop_signal() != 0;
    t->want[1] = mtt_stop_budget_exhausted(t->longest_step_s, t->checkpoint_s);
    t->want[2] = t->cfg.checkpoint_seconds > 0 &&
                 mtt_stop_now() - t->last_checkpoint_at >= t->cfg.checkpoint_seconds;
}

/* The per-step load imbalance of the epoch just finished: each step waits
 * for its slowest rank, so Σ_steps max_ranks(work) against the mean rank's
 * Σ_steps work is what imbalance costs (a whole-run ratio of the ranks'
 * totals hides it: steps of different sizes average out over an epoch).
 * One collective per epoch (microseconds, max via the min of negatives),
 * none on one rank. */
static void add_step_imbalance(mtt_trainer *t)
{
    const size_t n = (size_t)t->steps_per_epoch;
    int64_t local = 0;
    for (size_t k = 0; k < n; ++k) local += t->step_work[k];
    t->step_work_s += 1e-6 * (double)local;
    if (t->size == 1) {
        t->step_work_max_s += 1e-6 * (double)local;
        return;
    }
    for (size_t k = 0; k < n; ++k) t->step_work[k] = -t->step_work[k];
    mtt_comm_min_int64(t->comm, t->step_work, n);
    for (size_t k = 0; k < n; ++k) t->step_work_max_s += -1e-6 * (double)t->step_work[k];
}

static const char *const phase_names[MTT_PHASE_COUNT] = {
    "descriptors", "forward+backward", "collectives", "Adam", "validation", "checkpoints"};

/* mtt --debug: this rank's time by phase in the epoch just finished (rank 0
 * prints). */
static void log_epoch_phases(const mtt_trainer *t, int epoch, const double *before)
{
    char line[512];
    size_t n = 0;
    for (int k = 0; k < MTT_PHASE_COUNT && n + 64 < sizeof line; ++k)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s %.4f s", k ? ", " : "",
                              phase_names[k], t->phase_s[k] - before[k]);
    mtt_log_debug("Epoch %d, time by phase on rank %d: %s", epoch, t->rank, line);
}

/* Steps start..steps_per_epoch of the epoch, then its training metrics and
 * the validation pass.  After each step the agreed requests are acted on:
 * a checkpoint at (epoch, step + 1), and for a stop, return with t->stopped
 * set. */
static mtt_status run_epoch(mtt_trainer *t, int epoch, int64_t first_step, mtt_error *err)
{
    /* the shuffle and every step's global counts, also when a restart
     * resumes in the middle of the epoch (collective) */
    double before[MTT_PHASE_COUNT];
    memcpy(before, t->phase_s, sizeof before);
    double p0 = mtt_stop_now();
    mtt_trainer_plan_epoch(t, epoch);
    t->phase_s[MTT_PHASE_COLLECTIVE] += mtt_stop_now() - p0;
    if (first_step == 0) {
        mtt_eval_metrics_clear(&t->train_m);
        t->epoch_loss_sum = 0.0;
    }
    memset(t->step_work, 0, (size_t)t->steps_per_epoch * sizeof *t->step_work);
    for (int64_t k = first_step; k < t->steps_per_epoch; ++k) {
        size_t start, n;
        mtt_trainer_plan_batch(t, k, &start, &n);
        int64_t global_step = (int64_t)epoch * t->steps_per_epoch + k;
        double lr = t->cfg.learning_rate * mtt_schedule_factor(&t->schedule, global_step);
        double loss = 0.0, t0 = mtt_stop_now();
        const double work0 = t->phase_s[MTT_PHASE_FEATURES] + t->phase_s[MTT_PHASE_COMPUTE];
        set_requests(t);
        mtt_status st = mtt_trainer_step(t, t->order + start, n, t->step_totals + 3 * k, lr,
                                         &loss, err);
        if (st == MTT_ERR_NUMERIC)
            return mtt_error_set(err, MTT_ERR_NUMERIC,
                                 "the training loss became %g at epoch %d, step %lld of %lld; "
                                 "lower architecture.training.learning_rate (now %g) or check "
                                 "the data for extreme values",
                                 loss, epoch, (long long)k, (long long)t->steps_per_epoch,
                                 t->cfg.learning_rate);
        if (st != MTT_OK) return st;
        t->step_work[k] = (int64_t)(1e6 * (t->phase_s[MTT_PHASE_FEATURES] +
                                           t->phase_s[MTT_PHASE_COMPUTE] - work0));
        t->epoch_loss_sum += loss;
        t->last_lr = lr;
        mtt_progress_epoch(epoch, t->cfg.num_epochs, k + 1, t->steps_per_epoch,
                           (int64_t)t->set[MTT_TR_TRAIN].n_global);
        if (t->test_step_delay_s > 0) {  /* test-only: make steps long enough to interrupt */
            struct timespec d = {(time_t)t->test_step_delay_s,
                                 (long)(1e9 * (t->test_step_delay_s - floor(t->test_step_delay_s)))};
            nanosleep(&d, NULL);
        }
        double dt = mtt_stop_now() - t0;
        if (dt > t->longest_step_s) t->longest_step_s = dt;
        const double *a = t->agreed;  /* the requests, summed over ranks in the step */
        int stop_signal = a[MTT_TRAINER_X_STOP_SIGNAL] > 0;
        int stop_budget = a[MTT_TRAINER_X_STOP_BUDGET] > 0;
        if (stop_signal || stop_budget || a[MTT_TRAINER_X_CHECKPOINT] > 0) {
            MTT_FORWARD_IF_ERROR(mtt_trainer_checkpoint(t, epoch, k + 1, err));
            if (stop_signal || stop_budget) {
                t->stopped = stop_signal ? MTT_TRAINER_STOP_SIGNAL : MTT_TRAINER_STOP_BUDGET;
                /* which signal: maybe only one rank received it */
                int64_t sig = mtt_stop_signal() ? mtt_stop_signal() : INT64_MAX;
                mtt_comm_min_int64(t->comm, &sig, 1);
                t->stop_signal = sig == INT64_MAX ? 0 : (int)sig;
                return MTT_OK;
            }
        }
    }
    mtt_progress_end();
    mtt_trainer_floats_store(t, 0);  /* base_precision 32: t->params as the steps left them */
    add_step_imbalance(t);
    /* the training metrics summed over ranks and, in the same allreduce,
     * rank 0's sum of the step losses (the others add exact zeros): with 3
     * or more ranks the per-step loss may differ in the last bit between
     * ranks (trainer_reduce.c), the epoch's loss must not */
    double acc[MTT_EVAL_DOUBLES + 1];
    memcpy(acc, t->train_m.acc, sizeof t->train_m.acc);
    acc[MTT_EVAL_DOUBLES] = t->rank == 0 ? t->epoch_loss_sum : 0.0;
    mtt_comm_sum_doubles(t->comm, acc, MTT_EVAL_DOUBLES + 1);
    memcpy(t->train_m.acc, acc, sizeof t->train_m.acc);
    t->epoch_loss_sum = acc[MTT_EVAL_DOUBLES];
    t->epoch_loss = t->epoch_loss_sum / (double)t->steps_per_epoch;
    double v0 = mtt_stop_now();
    if (t->set[MTT_TR_VAL].n_global > 0)
        MTT_FORWARD_IF_ERROR(mtt_trainer_evaluate(t, MTT_TR_VAL, t->params, &t->val_m, err));
    t->phase_s[MTT_PHASE_VALIDATION] += mtt_stop_now() - v0;
    log_epoch_phases(t, epoch, before);
    return MTT_OK;
}

/* Once per run: where the loop's time went, on the slowest rank of each
 * phase, and the share spent inside the step's collectives. */
static void log_phases(const mtt_trainer *t, double loop_s)
{
    double mx[MTT_PHASE_COUNT], mean[MTT_PHASE_COUNT];
    int64_t us[MTT_PHASE_COUNT];
    for (int k = 0; k < MTT_PHASE_COUNT; ++k) us[k] = -(int64_t)(1e6 * t->phase_s[k]);
    mtt_comm_min_int64(t->comm, us, MTT_PHASE_COUNT);  /* max via min of negatives */
    for (int k = 0; k < MTT_PHASE_COUNT; ++k) {
        mx[k] = -1e-6 * (double)us[k];
        mean[k] = t->phase_s[k];
    }
    double work_sum = t->step_work_s;
    mtt_comm_sum_doubles(t->comm, mean, MTT_PHASE_COUNT);
    if (t->size > 1) mtt_comm_sum_doubles(t->comm, &work_sum, 1);
    char line[1024];
    size_t n = 0;
    for (int k = 0; k < MTT_PHASE_COUNT && n + 64 < sizeof line; ++k)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s %.3f s", k ? ", " : "",
                              phase_names[k], mx[k]);
    mtt_log_info("Time by phase (slowest rank): %s", line);
    if (t->size > 1) {
        double work_max = mx[MTT_PHASE_FEATURES] + mx[MTT_PHASE_COMPUTE];
        double work_mean = (mean[MTT_PHASE_FEATURES] + mean[MTT_PHASE_COMPUTE]) / t->size;
        const double step_mean = work_sum / t->size;
        mtt_log_info("Time inside the step's collectives (transfer and waiting for other ranks): "
                     "%.1f%% of the training loop (mean over ranks); load imbalance per step "
                     "(slowest rank's step work / mean rank's, summed over the steps of full "
                     "epochs): %.3f; over the whole run (busiest rank's total / mean): %.3f",
                     loop_s > 0 ? 100.0 * mean[MTT_PHASE_COLLECTIVE] / t->size / loop_s : 0.0,
                     step_mean > 0 ? t->step_work_max_s / step_mean : 1.0,
                     work_mean > 0 ? work_max / work_mean : 1.0);
        mtt_log_info("Collective calls per training step: %.3g (%llu in %lld steps, rank 0; "
                     "plus one allreduce per epoch for the steps' counts)",
                     t->steps_run > 0 ? (double)t->step_collectives / (double)t->steps_run : 0.0,
                     (unsigned long long)t->step_collectives, (long long)t->steps_run);
    }
}

mtt_status mtt_trainer_columns(mtt_trainer *t)
{
    t->n_cols = make_columns(t, t->cols);
    t->csv_names[0] = "Epoch";
    t->csv_names[1] = "learning rate";
    t->csv_names[2] = "training loss";
    t->csv_units[0] = t->csv_units[1] = t->csv_units[2] = "";
    for (size_t i = 0; i < t->n_cols; ++i) {
        t->csv_names[3 + i] = t->cols[i].name;
        t->csv_units[3 + i] = t->cols[i].unit;
    }
    return MTT_OK;
}

mtt_status mtt_trainer_loop(mtt_trainer *t, const char *run_dir, mtt_error *err)
{
    column *cols = t->cols;
    size_t n_cols = t->n_cols;
    mtt_csv *csv = NULL;
    mtt_status st = open_csv(t, run_dir, cols, n_cols, &csv, err);
    if (st != MTT_OK) return st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t->last_checkpoint_at = mtt_stop_now();
    /* MTT_TEST_STEP_DELAY_MS: test-only (docs/restart.md), a pause after every
     * step so that tests can signal or kill a run in the middle of an epoch */
    const char *delay = getenv("MTT_TEST_STEP_DELAY_MS");
    t->test_step_delay_s = delay ? atof(delay) / 1000.0 : 0.0;
    /* MTT_TEST_STEP_FAIL=RANK:STEP: test-only (trainer_step.c), rank RANK
     * fails loading its batch at global step STEP */
    const char *fail = getenv("MTT_TEST_STEP_FAIL");
    long long fail_step = -1;
    if (fail && sscanf(fail, "%d:%lld", &t->test_fail_rank, &fail_step) == 2 && fail_step >= 0)
        t->test_fail_step = (int64_t)fail_step + 1;
    mtt_trainer_floats_load(t);  /* base_precision 32: initial, fine-tuned or restored */
    const int last = t->cfg.num_epochs - 1;
    for (int epoch = t->start_epoch; epoch <= last && st == MTT_OK; ++epoch) {
        st = run_epoch(t, epoch, epoch == t->start_epoch ? t->start_step : 0, err);
        if (st == MTT_OK) st = mtt_trainer_check_replicas(t, epoch, err);
        if (st != MTT_OK || t->stopped) break;
        double metric = selection_metric(t);
        if (t->best_epoch < 0 || metric < t->best_metric) {
            t->best_metric = metric;
            t->best_epoch = epoch;
            memcpy(t->best, t->params, t->n_params * sizeof(double));
        }
        if (epoch % t->cfg.log_interval == 0 || epoch == last) {
            st = log_epoch(t, epoch, cols, n_cols, csv, err);
            st = mtt_comm_agree(t->comm, st, err);
        }
        if (st == MTT_OK && epoch % t->cfg.checkpoint_interval == 0)
            st = mtt_trainer_checkpoint(t, epoch + 1, 0, err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    mtt_error cerr;
    mtt_status cst = mtt_csv_close(csv, &cerr);
    if (st == MTT_OK && cst != MTT_OK) {
        *err = cerr;
        st = cst;
    }
    st = mtt_comm_agree(t->comm, st, err);
    if (st != MTT_OK) return st;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (t->stopped) return MTT_OK;
    int ran = t->cfg.num_epochs - t->start_epoch;
    mtt_log_info("Training time: %.3f s, %.4f s per epoch (wall time, rank 0)", secs,
                 ran > 0 ? secs / ran : 0.0);
    log_phases(t, secs);
    mtt_log_info("Best model: epoch %d (lowest product of %s RMSEs: %.6g)", t->best_epoch,
                 t->set[MTT_TR_VAL].n_global > 0 ? "validation" : "training", t->best_metric);
    return MTT_OK;
}
