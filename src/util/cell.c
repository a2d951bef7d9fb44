/* cell.c — geometry of a periodic cell (see cell.h). */
#include "config.h"

#include "util/cell.h"

#include <math.h>

double mtt_cell_volume(const double *c)
{
    return fabs(c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
                c[2] * (c[3] * c[7] - c[4] * c[6]));
}
