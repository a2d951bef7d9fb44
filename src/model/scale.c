/* scale.c — RMS of the per-atom residual energy; equations in scale.h. */
#include "config.h"

#include <math.h>

#include "model/scale.h"

_Static_assert(sizeof(mtt_scale_acc) == MTT_SCALE_ACC_DOUBLES * sizeof(double),
               "the accumulator is allreduced as contiguous doubles");

void mtt_scale_acc_clear(mtt_scale_acc *a)
{
    a->sum_sq = 0.0;
    a->count = 0.0;
}

void mtt_scale_accumulate(mtt_scale_acc *a, double energy, double baseline, int32_t n_atoms)
{
    const double r = (energy - baseline) / (double)n_atoms;
    a->sum_sq += r * r;
    a->count += 1.0;
}

mtt_status mtt_scale_finalize(const mtt_scale_acc *a, double *scale, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!(a->count > 0.0), err, MTT_ERR_DATA,
                        "energy scale: the training set has no structures; check the training "
                        "set size and the validation/test fractions");
    const double s = sqrt(a->sum_sq / a->count);
    MTT_RETURN_ERROR_IF(!isfinite(s), err, MTT_ERR_NUMERIC,
                        "energy scale: the per-atom residual energies are not finite; check the "
                        "training energies for inf/nan values");
    MTT_RETURN_ERROR_IF(s == 0.0, err, MTT_ERR_DATA,
                        "energy scale is 0: the composition baseline reproduces every training "
                        "energy exactly, so there is nothing to learn; check that the energy "
                        "key names the right property");
    *scale = s;
    return MTT_OK;
}
