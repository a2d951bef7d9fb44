/* scale.h — energy scale of the network: RMS of the per-atom residual energy.
 *
 *     scale = sqrt( (1/S) sum_s ((E_s - B_s) / N_s)^2 )
 * over the S training structures, with B_s the composition baseline of
 * structure s (composition.h) and N_s its atom count.  Uncentred, as the
 * reference (np.sqrt(np.mean(((E - X w) / n) ** 2))).  Energy units of the
 * data; float64 always.
 *
 * Ranks: accumulate the local structures into a mtt_scale_acc (two doubles:
 * sum of squares, count), allreduce those two doubles with SUM, finalise on
 * every rank.
 */
#ifndef MTT_MODEL_SCALE_H
#define MTT_MODEL_SCALE_H

#include <stdint.h>

#include "util/status.h"

typedef struct mtt_scale_acc {
    double sum_sq; /* sum of ((E - B)/N)^2, (energy/atom)^2 */
    double count;  /* structures added */
} mtt_scale_acc;

#define MTT_SCALE_ACC_DOUBLES 2

void mtt_scale_acc_clear(mtt_scale_acc *a);
/* Add one structure: energy E, baseline B (same unit), n_atoms > 0. */
void mtt_scale_accumulate(mtt_scale_acc *a, double energy, double baseline, int32_t n_atoms);
/* scale = sqrt(sum_sq / count).  MTT_ERR_DATA when no structures were added
 * or the scale is 0 (the baseline reproduces every training energy: nothing
 * to learn), MTT_ERR_NUMERIC when it is not finite. */
mtt_status mtt_scale_finalize(const mtt_scale_acc *a, double *scale, mtt_error *err);

#endif
