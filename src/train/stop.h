/* stop.h — why a training should stop early: a signal from the batch system
 * or the user, or a wall-time budget that no longer covers one more step.
 *
 * Signals (DESIGN §6): SIGTERM, SIGUSR1 and SIGINT handlers only set a flag
 * (async-signal-safe); the trainer reads it after each step and sends it in
 * the step's allreduce, so every rank stops after the same step.  A second
 * SIGINT ends the process at once (default action), for a user who does not
 * want to wait for the checkpoint.
 *
 * Budget: `--time-limit SECONDS|HH:MM:SS` counts from mtt_stop_init();
 * without it SLURM_JOB_END_TIME (Unix time, set by SLURM inside a job)
 * gives the end.  The trainer stops when the time left is less than
 *     longest step so far + measured checkpoint time + margin,
 * margin = min(10 s, 10% of the budget).  Process-global state: one
 * training per process.  Cost: one clock read per call.
 */
#ifndef MTT_TRAIN_STOP_H
#define MTT_TRAIN_STOP_H

#include "util/status.h"

/* Parse "3600", "90.5" or "HH:MM:SS" / "MM:SS" into seconds (> 0); errors
 * (MTT_ERR_USAGE) name --time-limit and the value. */
mtt_status mtt_stop_parse_time_limit(const char *text, double *seconds, mtt_error *err);

/* Install the signal handlers and start the budget clock.  limit_seconds
 * <= 0: no --time-limit (SLURM_JOB_END_TIME is still honoured). */
void mtt_stop_init(double limit_seconds);
/* Restore the default signal actions. */
void mtt_stop_finish(void);

/* The signal that asked for a stop (SIGTERM, SIGUSR1, SIGINT), or 0. */
int mtt_stop_signal(void);
/* Name of a signal for messages ("SIGUSR1"). */
const char *mtt_stop_signal_name(int sig);

/* Seconds left in the budget (a large number when there is none). */
double mtt_stop_time_left(void);
/* Whether the budget no longer covers another step: step_seconds is the
 * longest step seen, checkpoint_seconds the last measured checkpoint write
 * (an estimate before the first). */
int mtt_stop_budget_exhausted(double step_seconds, double checkpoint_seconds);
/* Seconds since mtt_stop_init (monotonic). */
double mtt_stop_elapsed(void);
/* Monotonic clock in seconds. */
double mtt_stop_now(void);

#endif
