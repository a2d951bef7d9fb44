/* schedule.c — warm-up + cosine learning-rate factor; equations in schedule.h. */
#include "config.h"

#include <math.h>

#include "train/schedule.h"

/* math.pi; M_PI is not ISO C */
#define MTT_PI 3.141592653589793238462643383279502884

mtt_status mtt_schedule_init(mtt_schedule *s, int64_t total_steps, double warmup_fraction,
                             mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!(warmup_fraction >= 0.0 && warmup_fraction <= 1.0), err,
                        MTT_ERR_OPTIONS,
                        "training.warmup_fraction is %g; set it to a number between 0 and 1",
                        warmup_fraction);
    MTT_RETURN_ERROR_IF(total_steps < 0, err, MTT_ERR_INTERNAL,
                        "learning-rate schedule: negative total step count %lld",
                        (long long)total_steps);
    s->total_steps = total_steps;
    /* Python: int(warmup_fraction * total_steps), a double product truncated */
    s->warmup_steps = (int64_t)(warmup_fraction * (double)total_steps);
    return MTT_OK;
}

double mtt_schedule_factor(const mtt_schedule *s, int64_t step)
{
    const int64_t warm = s->warmup_steps, total = s->total_steps;
    if (step < warm) return (double)step / (double)(warm > 1 ? warm : 1);
    const int64_t span = total - warm > 1 ? total - warm : 1;
    const double progress = (double)(step - warm) / (double)span;
    return 0.5 * (1.0 + cos(MTT_PI * progress));
}
