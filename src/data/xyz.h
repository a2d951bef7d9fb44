/* xyz.h — extended-XYZ files (the format ASE writes) -> mtt_dataset.
 *
 * A frame is: a line with the atom count N; a comment line of key=value
 * pairs (see xyz_header.h: Lattice, pbc, Properties, energy, stress, ...);
 * N atom lines with the Properties columns.  The data layer knows nothing of
 * the options file: callers pass the key names.
 *
 * Policy: a missing energy key is an error (when energy is wanted); a
 * missing forces column, stress or virial key is not: the dataset comes back
 * without that array (has_* = 0) and ds->missing_line records the first
 * frame without it, for the caller's warning (stress and virial missing from
 * molecules are not recorded: they mean nothing there).
 * Stress and virial may be 9 numbers (row-major 3x3) or 6 in Voigt order
 * xx yy zz yz xz xy (ASE itself writes and accepts only 9).  Every user error is MTT_ERR_DATA (MTT_ERR_IO for a
 * missing file) with one sentence "FILE:LINE: problem; what to do".
 * Cost: one streaming pass, memory = the dataset arrays + one 1 MiB buffer
 * (lines are capped at 64 MiB); no allocation per line.
 */
#ifndef MTT_DATA_XYZ_H
#define MTT_DATA_XYZ_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "util/status.h"

/* Names of the quantities to read; NULL = not wanted. */
typedef struct mtt_xyz_keys {
    const char *energy;   /* comment-line key, e.g. "energy" or "U0" */
    const char *forces;   /* Properties column (R:3), e.g. "forces" */
    const char *stress;   /* comment-line key, 9 or 6 numbers */
    const char *virial;   /* comment-line key, 9 or 6 numbers */
} mtt_xyz_keys;

/* Where each frame starts, so a rank can parse only its own frames. */
typedef struct mtt_xyz_index {
    size_t n_frames;
    int64_t *offset;      /* byte offset of each frame's atom-count line */
    int64_t *line;        /* 1-based line number of that line */
    int32_t *n_atoms;     /* atom count of each frame */
} mtt_xyz_index;

/* One streaming pass over path: validates every atom-count line and that
 * each frame has its comment and atom lines (not their content). */
mtt_status mtt_xyz_index_build(const char *path, mtt_xyz_index **out,
                               mtt_error *err);
void mtt_xyz_index_free(mtt_xyz_index *idx);

/* Read frames of path into a new dataset.  frames (n_frames entries, any
 * order, NULL = all frames in file order) selects frames by index in the
 * file; idx (may be NULL; built internally when a selection needs it) lets
 * the reader seek straight to them.  Structure i of the result is
 * frames[i]; ds->frame[i] records it. */
mtt_status mtt_xyz_read(const char *path, const mtt_xyz_index *idx,
                        const size_t *frames, size_t n_frames,
                        const mtt_xyz_keys *keys, mtt_dataset **out,
                        mtt_error *err);

#endif
