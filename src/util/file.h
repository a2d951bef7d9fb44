/* file.h — small whole-file helpers (options files, index files). */
#ifndef MTT_UTIL_FILE_H
#define MTT_UTIL_FILE_H

#include <stddef.h>

#include "util/status.h"

/* Read a whole text file (at most max_bytes) into a NUL-terminated malloc'd
 * buffer.  Missing/unreadable → MTT_ERR_IO naming the path; larger than
 * max_bytes → MTT_ERR_IO saying so.  `what` names the file's role in
 * messages ("options file"). */
mtt_status mtt_file_read_text(const char *path, size_t max_bytes, const char *what, char **out,
                              size_t *len, mtt_error *err);

/* Write text to path atomically: path.tmp, fsync, rename, fsync of the folder. */
mtt_status mtt_file_write_atomic(const char *path, const char *text, size_t len, mtt_error *err);

/* fsync a file or a folder by path: 0, or -1 with errno set. */
int mtt_file_fsync(const char *path);
/* fsync the folder that holds path (".", "/" or its dirname), so that a
 * rename into it survives a crash: 0, or -1 with errno set. */
int mtt_file_fsync_folder_of(const char *path);
/* Make dst a second name of the file src (same file system), atomically:
 * link to dst.tmp, rename over dst, fsync dst's folder.  Errors (EXDEV: other
 * file system, EPERM: no hard links there) are MTT_ERR_IO; the caller may
 * fall back to writing a copy. */
mtt_status mtt_file_link_atomic(const char *src, const char *dst, mtt_error *err);
#endif
