/* epoch_line.h — the metatrain-style epoch log line.
 *
 *   Epoch:   12 | learning rate: 9.100e-04 | training loss: 1.234e-01 |
 *   training energy RMSE (per atom): 3.2100 meV | training forces RMSE: 120.50 meV/A | ...
 *
 * (one line; wrapped here).  Formatting follows metatrain's MetricLogger:
 * entries "name: value[ unit]" joined by " | "; the epoch right-aligned in
 * at least 4 columns; learning rate and losses as %.3e; metrics in fixed
 * point with a width and precision chosen ONCE from the first logged value
 * (5 significant digits then, so later, smaller values stay aligned); values
 * whose unit starts with eV are shown in meV (x1000).
 *
 * Typical use: at the first logged epoch convert each metric with
 * mtt_epoch_line_to_display(), choose its digits with mtt_epoch_line_digits()
 * and keep them; every logged epoch fill mtt_epoch_metric entries and call
 * mtt_epoch_line_format().  Cost: one snprintf per entry; no allocation.
 */
#ifndef MTT_TRAIN_EPOCH_LINE_H
#define MTT_TRAIN_EPOCH_LINE_H

#include <stddef.h>

#include "util/status.h"

typedef struct mtt_epoch_metric {
    const char *name;  /* "training energy RMSE (per atom)", "validation loss" */
    double value;      /* in the display unit (already converted to meV) */
    const char *unit;  /* display unit, "" or NULL for none */
    int width;         /* field width (from mtt_epoch_line_digits) */
    int precision;     /* digits after the point; < 0: scientific %.3e (losses) */
} mtt_epoch_metric;

/* Width of the epoch field: 4 as metatrain, more when num_epochs needs it. */
int mtt_epoch_line_epoch_width(long num_epochs);

/* metatrain's _get_digits: for the first value v > 0 with order
 * k = floor(log10 v): precision 4 - k (k < 0) or max(1, 4 - k), width
 * digits before the point + precision + 1.  Non-positive or non-finite
 * values are treated as order 0 (width 6, precision 4). */
void mtt_epoch_line_digits(double first_value, int *width, int *precision);

/* metatrain's ev_to_mev: when unit starts with "eV" (or "ev") return
 * value * 1000 and write the unit with every "eV" replaced by "meV" (or
 * "ev" by "mev") into display_unit; otherwise return value and copy unit.
 * display_unit is always NUL-terminated (n >= 1), truncated if too small. */
double mtt_epoch_line_to_display(double value, const char *unit, char *display_unit,
                                 size_t n);

/* Unit of a position gradient (forces): "<base>/<length>", with angstrom
 * written "A" as metatrain does; "" when the base unit is unknown (""). */
void mtt_epoch_line_gradient_unit(const char *base_unit, const char *length_unit,
                                  char *out, size_t n);

/* Write the line (no newline, no log prefix) into buf[0..n).  Returns
 * MTT_ERR_INTERNAL with a message if buf is too small (the line is then
 * truncated but terminated). */
mtt_status mtt_epoch_line_format(char *buf, size_t n, long epoch, int epoch_width,
                                 double learning_rate, double loss,
                                 const mtt_epoch_metric *metrics, size_t n_metrics,
                                 mtt_error *err);

#endif
