/* csv.h — train.csv: a header row, a unit row, then one row per logged epoch.
 *
 * Layout as metatrain's CSVFileHandler: first row the column names (e.g.
 * `Epoch,learning rate,training loss,training energy RMSE (per atom),...`),
 * second row their units (empty for dimensionless columns, `meV`, `meV/A`),
 * then the values.  Differences from metatrain, on purpose: lines end in
 * "\n" (Python's csv module writes "\r\n"), the epoch is written without
 * padding, and numbers are written with %.17g (they read back to the same
 * double, so a restart can rewrite them exactly) rather than the rounded text
 * of the log line, so the file keeps the precision.  Fields holding a comma,
 * a quote or a newline are quoted as in RFC 4180.
 *
 * A column named "Epoch" or "epoch" is written as an integer.  Every row is
 * flushed, so the file is complete up to the last epoch if the run dies.
 * Rank 0 only.  Cost: one formatted line per row; no allocation per row.
 */
#ifndef MTT_TRAIN_CSV_H
#define MTT_TRAIN_CSV_H

#include <stddef.h>

#include "util/status.h"

typedef struct mtt_csv mtt_csv;

/* Create (truncate) path and write the header and unit rows.  names and
 * units have n_cols entries; a NULL unit is written as an empty field. */
mtt_status mtt_csv_open(const char *path, size_t n_cols, const char *const *names,
                        const char *const *units, mtt_csv **out, mtt_error *err);

/* Append one row of n_cols values (in the units of the unit row), flushed. */
mtt_status mtt_csv_write_row(mtt_csv *csv, const double *values, mtt_error *err);

/* Close the file and free csv (NULL is fine); reports a failed final write. */
mtt_status mtt_csv_close(mtt_csv *csv, mtt_error *err);

#endif
