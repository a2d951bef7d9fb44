/* hdf5_info.h — describe the HDF5 library this build links (for --version). */
#ifndef MTT_IO_HDF5_INFO_H
#define MTT_IO_HDF5_INFO_H

#include <stddef.h>

/* Writes e.g. "1.10.8 (parallel)" into buf. */
void mtt_hdf5_describe(char *buf, size_t n);

#endif
