/* file.c — whole-file read with a size bound; atomic small-file write. */
#include "config.h"

#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mtt_status mtt_file_read_text(const char *path, size_t max_bytes, const char *what, char **out,
                              size_t *len, mtt_error *err)
{
    mtt_status st = MTT_OK;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return mtt_error_set(err, MTT_ERR_IO, "%s: cannot open %s: %s; check the path", path,
                             what, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: is a directory, not a %s", path, what);
        goto cleanup;
    }
    size_t cap = 4096, n = 0;
    buf = malloc(cap);
    if (!buf) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                st = mtt_error_set(err, MTT_ERR_IO, "%s: %s larger than %zu bytes; is this the "
                                   "right file?", path, what, max_bytes);
                goto cleanup;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading %s", path);
                goto cleanup;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: error reading %s", path, what);
        goto cleanup;
    }
    if (n > max_bytes) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: %s larger than %zu bytes; is this the right "
                           "file?", path, what, max_bytes);
        goto cleanup;
    }
    buf[n] = '\0';
    *out = buf;
    if (len) *len = n;
    buf = NULL;
cleanup:
    free(buf);
    fclose(f);
    return st;
}

mtt_status mtt_file_write_atomic(const char *path, const char *text, size_t len, mtt_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return mtt_error_set(err, MTT_ERR_IO, "%s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return mtt_error_set(err, MTT_ERR_IO, "%s: cannot create: %s; check that the folder "
                             "is writable", tmp, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            return mtt_error_set(err, MTT_ERR_IO, "%s: write failed: %s", tmp, strerror(e));
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return mtt_error_set(err, MTT_ERR_IO, "%s: cannot flush to disk: %s", tmp, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return mtt_error_set(err, MTT_ERR_IO, "cannot rename %s to %s: %s", tmp, path,
                             strerror(e));
    }
    (void)mtt_file_fsync_folder_of(path);  /* durability of the rename; best effort */
    return MTT_OK;
}

int mtt_file_fsync(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int mtt_file_fsync_folder_of(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) dir[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    return mtt_file_fsync(dir);
}

mtt_status mtt_file_link_atomic(const char *src, const char *dst, mtt_error *err)
{
    char tmp[4200];
    MTT_RETURN_ERROR_IF(snprintf(tmp, sizeof tmp, "%s.tmp", dst) >= (int)sizeof tmp, err,
                        MTT_ERR_IO, "%s: path too long", dst);
    unlink(tmp);
    if (link(src, tmp) != 0)
        return mtt_error_set(err, MTT_ERR_IO, "cannot link %s to %s: %s", src, tmp,
                             strerror(errno));
    if (rename(tmp, dst) != 0) {
        int e = errno;
        unlink(tmp);
        return mtt_error_set(err, MTT_ERR_IO, "cannot rename %s to %s: %s", tmp, dst,
                             strerror(e));
    }
    (void)mtt_file_fsync_folder_of(dst);
    return MTT_OK;
}
