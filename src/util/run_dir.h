/* run_dir.h — the run folder `base/YYYY-MM-DD/HH-MM-SS[.N]` (metatrain's layout).
 *
 * Rank 0 creates it, then broadcasts the path.  Creation is race-safe between
 * processes: the date level is created with mkdir -p semantics, the leaf with
 * one atomic mkdir(2); when the leaf exists (another run started in the same
 * second) the next suffix .1, .2, ... is tried, so two runs never share a
 * folder.  Times are local time, as metatrain (hydra) names them.
 * Cost: a few system calls.
 */
#ifndef MTT_UTIL_RUN_DIR_H
#define MTT_UTIL_RUN_DIR_H

#include <stddef.h>
#include <time.h>

#include "util/status.h"

/* Suffixes tried before giving up (a bug or a full file system, not a race). */
#define MTT_RUN_DIR_MAX_SUFFIX 9999

/* Create base/YYYY-MM-DD/HH-MM-SS (or .N) for the local time of `when`;
 * the path created is written into out[0..n).  Errors (permissions, a file
 * in the way, out too small) name the path and the system's reason. */
mtt_status mtt_run_dir_create(const char *base, time_t when, char *out, size_t n,
                              mtt_error *err);

/* Remove the run folder if it is empty (a run that failed before writing
 * anything), then its date folder if that became empty too.  A non-empty
 * folder is left alone and is not an error. */
mtt_status mtt_run_dir_remove_if_empty(const char *path, mtt_error *err);
/* A run that failed: remove what it wrote in its folder (files and the
 * indices/ subfolder), then the folder as above — unless the folder holds a
 * checkpoint (*.ckpt), which is never deleted: then nothing is removed and
 * *kept is set to 1.  The date folder and the base folder go too when they
 * are left empty. */
mtt_status mtt_run_dir_remove_failed(const char *path, int *kept, mtt_error *err);

#endif
