/* ckpt_space.c — estimate and reserve a checkpoint's disk space (see the
 * header for why a full disk must be found before HDF5 meets it). */
#include "config.h"

#define _GNU_SOURCE 1  /* fallocate, FALLOC_FL_KEEP_SIZE (Linux) */

#include "io/ckpt_space.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t ckpt_space_estimate(const mtt_ckpt *c, int world_size)
{
    const mtt_ckpt_history *h = &c->history;
    uint64_t words = 4 * (uint64_t)c->n_params + 2 * (uint64_t)c->n_species +
                     3 * (uint64_t)c->n_tensors + (uint64_t)world_size * c->n_accum +
                     (uint64_t)h->n_rows * h->n_cols + c->n_split[0] + c->n_split[1] +
                     c->n_split[2];
    uint64_t text = (c->options_yaml ? strlen(c->options_yaml) : 0) +
                    (c->metadata_yaml ? strlen(c->metadata_yaml) : 0) + 64 * (uint64_t)c->n_tensors;
    size_t widest = 1;
    for (size_t i = 0; i < h->n_cols; ++i) {
        size_t a = h->names && h->names[i] ? strlen(h->names[i]) : 0;
        size_t b = h->units && h->units[i] ? strlen(h->units[i]) : 0;
        if (a > widest) widest = a;
        if (b > widest) widest = b;
    }
    text += 2 * (uint64_t)h->n_cols * widest;
    /* HDF5's own metadata measured ~21 KB for the ~60 objects (headers,
     * B-trees, heaps); 128 KB and 1% cover it with room to spare */
    uint64_t raw = 8 * words + text;
    return raw + raw / 100 + 128 * 1024;
}

#if defined(__linux__) && defined(FALLOC_FL_KEEP_SIZE)
/* Reserve blocks past the end without changing the size HDF5 sees; where
 * the file system cannot, posix_fallocate (which keeps existing bytes and
 * may extend the file: HDF5 truncates it to its end on close, or leaves
 * zeros past its end, which readers ignore). */
static int reserve(int fd, uint64_t bytes)
{
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)bytes) == 0) return 0;
    if (errno != EOPNOTSUPP && errno != ENOSYS) return errno;
    return posix_fallocate(fd, 0, (off_t)bytes);
}
#else
static int reserve(int fd, uint64_t bytes)
{
    (void)fd;
    (void)bytes;
    return 0;
}
#endif

mtt_status ckpt_space_reserve(const char *tmp, const char *path, uint64_t bytes, mtt_error *err)
{
    /* a reservation past the end is not held to the file-size limit */
    struct rlimit lim;
    int e = 0;
    if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        (uint64_t)lim.rlim_cur < bytes)
        e = EFBIG;
    int fd = e ? -1 : open(tmp, O_WRONLY);
    if (fd >= 0) {
        e = reserve(fd, bytes);
        close(fd);
    }
    if (e == ENOSPC || e == EDQUOT)
        return mtt_error_set(err, MTT_ERR_IO, "cannot write checkpoint %s: no space left on device "
                             "(%s needs about %.1f MB); free space on that file system or write "
                             "the run's outputs elsewhere", path, tmp, (double)bytes / 1e6);
    if (e == EFBIG)
        return mtt_error_set(err, MTT_ERR_IO, "cannot write checkpoint %s: the file size limit of "
                             "this process was reached (about %.1f MB needed); raise it (ulimit -f "
                             "unlimited) in the job script", path, (double)bytes / 1e6);
    return MTT_OK;  /* EOPNOTSUPP and the like: no reservation on this file system */
}

void ckpt_space_trim(const char *tmp)
{
    int fd = open(tmp, O_WRONLY);
    if (fd < 0) return;
    struct stat sb;
    /* blocks reserved past the end (the MPI-IO driver does not truncate):
     * truncating to the same size frees them and changes no byte */
    if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_blocks * 512 > (uint64_t)sb.st_size + 65536) {
        if (ftruncate(fd, sb.st_size) != 0) {
            /* the reservation stays allocated: harmless */
        }
    }
    close(fd);
}

void ckpt_space_release(const char *tmp)
{
    if (truncate(tmp, 0) != 0) {
        /* nothing more to do: the file is removed afterwards anyway */
    }
}
