/* progress.h — signs of life during long phases, on rank 0's stdout only.
 *
 * One phase at a time (there is one terminal line): reading a data file,
 * computing descriptors, an epoch, an evaluation.  The code that knows what
 * a phase is calls begin/end around it; code deep inside (the XYZ reader,
 * the descriptor cache, the evaluation loop) reports how far it got with
 * mtt_progress_update, which does nothing when no phase is open.  Epochs
 * have their own call, one per step.
 *
 * Styles (chosen once by mtt_progress_configure, `mtt train --progress`):
 *   terminal — a one-line display redrawn in place ("\r" + clear-line) at
 *              most 4 times a second, first drawn 0.5 s into a phase,
 *              cleared when the phase ends and around every log line
 *              (util/log.c calls suspend/resume), so it never mixes with
 *              the log and never reaches train.log;
 *   plain    — no control characters: one ordinary line on stdout when a
 *              phase has been running ~30 s with nothing else printed, then
 *              every ~30 s (`descriptors, training set: 900/1800
 *              structures, 9.1 s, about 9 s left`); consecutive epochs count
 *              as one phase, so a run of short epochs between epoch lines
 *              still shows it is alive.  Not written to train.log either;
 *   none     — nothing (`--progress=never`, ranks other than 0, and every
 *              program that does not configure progress, e.g. the tests).
 * MTT_PROGRESS_PERIOD_S (test-only, docs/plots.md) replaces the 30 s period;
 * a period below 0.5 s also shortens the terminal delays to it, so a test can
 * make a phase "long" in milliseconds.
 *
 * With several ranks the counts are rank 0's share scaled to the whole set
 * (shards are balanced by atoms, so rank 0's fraction is the set's).
 * Cost: with no phase open or style none, one branch per call; otherwise one
 * monotonic clock read per call and a formatted line only when one is due.
 * Not thread-safe (called from the main thread only).
 */
#ifndef MTT_UTIL_PROGRESS_H
#define MTT_UTIL_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

typedef enum mtt_progress_style {
    MTT_PROGRESS_NONE = 0,
    MTT_PROGRESS_TERMINAL,
    MTT_PROGRESS_PLAIN,
    MTT_PROGRESS_STYLE_COUNT
} mtt_progress_style;

#define MTT_PROGRESS_DEFAULT_PERIOD_S 30.0

/* mode "auto" (or NULL: terminal when stdout is one, plain otherwise; plain
 * under Open MPI's mpirun, which gives ranks a pseudo-terminal even when its
 * own output goes to a file),
 * "always" (terminal display even when stdout is not a terminal) or
 * "never"; only the root prints.  An unknown mode → MTT_ERR_USAGE. */
mtt_status mtt_progress_configure(const char *mode, int is_root, mtt_error *err);

/* Lower level, for tests: style, stream (stdout if NULL), plain period (s),
 * terminal width in columns (0: ask the terminal, 80 if it cannot say). */
void mtt_progress_setup(mtt_progress_style style, FILE *out, double period_s, int width);
mtt_progress_style mtt_progress_get_style(void);

/* Open a phase of `total` units on this rank, shown as a share of
 * `shown_total` (the whole set; equal to total on one rank; total 0 = not
 * known, counts shown without a fraction).  Unit "bytes" is shown in MB.
 * The label is printf-formatted.  Ends any open phase. */
void mtt_progress_begin(int64_t total, int64_t shown_total, const char *unit, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));
/* Phase "indexing PATH" in bytes of the file (its size from stat). */
void mtt_progress_begin_file(const char *what, const char *path);
/* `done` units of the open phase are finished (epoch phases ignore it). */
void mtt_progress_update(int64_t done);
/* Step `step` (1-based) of n_steps of epoch `epoch` (0-based, of n_epochs)
 * is done; n_structures per epoch over all ranks gives the rate.  Opens the
 * epoch's phase on its first call; the time left in the run is measured
 * from the first epoch seen by this process (a restart starts the clock
 * again). */
void mtt_progress_epoch(int epoch, int n_epochs, int64_t step, int64_t n_steps,
                        int64_t n_structures);
/* Close the open phase, clearing its line (nothing when none is open). */
void mtt_progress_end(void);

/* util/log.c, around each log line: clear the display, then redraw it and
 * note that the output showed signs of life. */
void mtt_progress_suspend(void);
void mtt_progress_resume(void);

/* "9.1 s", "2 min 05 s", "1 h 02 min" into buf. */
void mtt_progress_format_duration(double seconds, char *buf, size_t n);

#endif
