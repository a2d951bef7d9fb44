/* ckpt_hdf5.h — HDF5 helpers shared by the checkpoint writer and reader:
 * silencing HDF5's own error printing, turning its error stack into one
 * reason for a user message, fixed-length string types, path tests.
 * Internal to src/io/.
 */
#ifndef MTT_IO_CKPT_HDF5_H
#define MTT_IO_CKPT_HDF5_H

#include <stddef.h>

#include <hdf5.h>

/* HDF5 prints its error stack to stderr by default; mtt reports one sentence
 * instead.  begin saves the current handler and turns printing off; end
 * restores it. */
typedef struct ckpt_h5_quiet {
    H5E_auto2_t func;
    void *data;
} ckpt_h5_quiet;
void ckpt_h5_quiet_begin(ckpt_h5_quiet *q);
void ckpt_h5_quiet_end(const ckpt_h5_quiet *q);

/* What the current HDF5 error stack says went wrong, then clear it. */
typedef enum ckpt_h5_cause {
    CKPT_CAUSE_OTHER = 0,
    CKPT_CAUSE_NO_SPACE,      /* ENOSPC, MPI_ERR_NO_SPACE, quota */
    CKPT_CAUSE_TOO_LARGE,     /* EFBIG: the process's file size limit */
    CKPT_CAUSE_TRUNCATED,     /* the file ends before HDF5's recorded end */
    CKPT_CAUSE_CORRUPT,       /* a metadata checksum or signature failed */
    CKPT_CAUSE_SYSTEM         /* another errno (in errno_value) */
} ckpt_h5_cause;
typedef struct ckpt_h5_error {
    ckpt_h5_cause cause;
    int errno_value;                /* 0 when HDF5 reported none */
    unsigned long long stored_eof;  /* CKPT_CAUSE_TRUNCATED: bytes HDF5 expected */
    char detail[256];               /* innermost HDF5 description */
} ckpt_h5_error;
void ckpt_h5_error_take(ckpt_h5_error *e);

/* A short phrase for messages: "no space left on device", "<strerror>",
 * or the HDF5 detail. */
const char *ckpt_h5_error_phrase(const ckpt_h5_error *e, char *buf, size_t n);

/* Fixed-length, NUL-padded string type of width bytes (width >= 1). */
hid_t ckpt_h5_text_type(size_t width);

/* 1 when every component of the absolute path exists as a link. */
int ckpt_h5_path_exists(hid_t file, const char *path);

#endif
