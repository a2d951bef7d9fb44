/* restart_find.h — `--restart auto`: which checkpoint continues the training.
 *
 * Candidates (DESIGN §2): <base>/<date>/<time>/model_*.ckpt and
 * <base>/<date>/<time>/model.ckpt (run folders as util/run_dir.h makes them),
 * plus the final checkpoint of the working folder (model.ckpt).  Every
 * candidate is validated (mtt_ckpt_probe: complete flag, every checksum); an
 * invalid one is skipped with a warning naming it.  The winner has the
 * greatest recorded progress — epoch, then the fraction of that epoch's steps
 * done (so checkpoints written with other rank counts compare fairly), then
 * a finished training over an unfinished one at the same point — never the
 * file time.  Ties go to the lexically greatest path (deterministic).
 * Rank 0 only (the caller broadcasts the choice).  Cost: one full
 * validation read per candidate.
 */
#ifndef MTT_TRAIN_RESTART_FIND_H
#define MTT_TRAIN_RESTART_FIND_H

#include <stddef.h>

#include "io/checkpoint.h"
#include "util/status.h"

/* out receives the chosen path ("" when there is no valid candidate) and *p
 * its progress.  A base that exists but cannot be listed is MTT_ERR_IO
 * naming it; a missing base just means no candidates there. */
mtt_status mtt_restart_find(const char *base, const char *final_path, char *out, size_t n,
                            mtt_ckpt_progress *p, mtt_error *err);

/* 1 when a has made more progress than b (the order described above). */
int mtt_restart_progress_greater(const mtt_ckpt_progress *a, const char *path_a,
                                 const mtt_ckpt_progress *b, const char *path_b);

#endif
