/* xyz_frame.h — parse one extended-XYZ frame into a growing mtt_dataset
 * (internal to the reader: xyz_read.c and xyz_index.c).
 *
 * Invariants: on MTT_OK the frame was appended completely; on error the
 * dataset may hold a partial frame past n_atoms, which the caller discards.
 * Missing optional quantities are recorded (first line) so the caller can
 * warn once and drop the array; frames without them hold zeros meanwhile.
 */
#ifndef MTT_DATA_XYZ_FRAME_H
#define MTT_DATA_XYZ_FRAME_H

#include "data/dataset.h"
#include "data/xyz.h"
#include "data/xyz_header.h"
#include "data/xyz_lines.h"

typedef struct mtt_xyz_frame_ctx {
    mtt_xyz_lines lines;
    mtt_xyz_header header;
    const mtt_xyz_keys *keys;
    mtt_dataset *ds;
    int64_t missing_forces;   /* line of the first frame without forces, 0 */
    int64_t missing_stress;
    int64_t missing_virial;
} mtt_xyz_frame_ctx;

/* Read the next atom-count line, skipping blank lines at the end of the
 * file: *n = atom count, or *done = 1 when only blank lines remained. */
mtt_status mtt_xyz_count_line(mtt_xyz_lines *r, int64_t *n, int *done,
                              mtt_error *err);

/* Parse the frame whose count line comes next and append it to ctx->ds as
 * frame number frame; expect_atoms >= 0 checks the count (from an index).
 * *done = 1 (nothing appended) at the end of the file. */
mtt_status mtt_xyz_frame_read(mtt_xyz_frame_ctx *ctx, size_t frame,
                              int64_t expect_atoms, int *done,
                              mtt_error *err);

#endif
