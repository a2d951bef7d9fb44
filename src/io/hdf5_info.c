/* hdf5_info.c — HDF5 library version and flavour, for mtt --version. */
#include "config.h"

#include "io/hdf5_info.h"

#include <stdio.h>

#include <hdf5.h>

void mtt_hdf5_describe(char *buf, size_t n)
{
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
#ifdef H5_HAVE_PARALLEL
    const char *flavour = "parallel";
#else
    const char *flavour = "serial";
#endif
    snprintf(buf, n, "%u.%u.%u (%s)", maj, min, rel, flavour);
}
