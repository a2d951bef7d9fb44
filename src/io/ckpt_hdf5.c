/* ckpt_hdf5.c — HDF5 error stack → one cause and phrase; string types; paths. */
#include "config.h"

#include "io/ckpt_hdf5.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ckpt_h5_quiet_begin(ckpt_h5_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void ckpt_h5_quiet_end(const ckpt_h5_quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

static int contains_nocase(const char *s, const char *what)
{
    size_t n = strlen(what);
    for (; *s; ++s) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 32) == (what[i] | 32)) ++i;
        if (i == n) return 1;
    }
    return 0;
}

/* Walked from the API call inwards: the last description is the innermost. */
static herr_t walk_one(unsigned n, const H5E_error2_t *rec, void *data)
{
    (void)n;
    ckpt_h5_error *e = data;
    const char *d = rec->desc ? rec->desc : "";
    if (*d) snprintf(e->detail, sizeof e->detail, "%s", d);
    const char *p = strstr(d, "errno = ");
    if (p && !e->errno_value) e->errno_value = atoi(p + 8);
    if (contains_nocase(d, "no space") || contains_nocase(d, "MPI_ERR_NO_SPACE") ||
        contains_nocase(d, "quota"))
        e->cause = CKPT_CAUSE_NO_SPACE;
    if (strstr(d, "truncated file")) {
        e->cause = CKPT_CAUSE_TRUNCATED;
        p = strstr(d, "stored_eof = ");
        if (p) e->stored_eof = strtoull(p + 13, NULL, 10);
    }
    if (e->cause == CKPT_CAUSE_OTHER &&
        (contains_nocase(d, "checksum") || contains_nocase(d, "signature")))
        e->cause = CKPT_CAUSE_CORRUPT;
    return 0;
}

void ckpt_h5_error_take(ckpt_h5_error *e)
{
    memset(e, 0, sizeof *e);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_one, e);
    H5Eclear2(H5E_DEFAULT);
    if (e->cause == CKPT_CAUSE_OTHER && e->errno_value) {
        if (e->errno_value == ENOSPC || e->errno_value == EDQUOT) e->cause = CKPT_CAUSE_NO_SPACE;
        else if (e->errno_value == EFBIG) e->cause = CKPT_CAUSE_TOO_LARGE;
        else e->cause = CKPT_CAUSE_SYSTEM;
    }
    if (!e->detail[0]) snprintf(e->detail, sizeof e->detail, "unknown HDF5 error");
}

const char *ckpt_h5_error_phrase(const ckpt_h5_error *e, char *buf, size_t n)
{
    switch (e->cause) {
    case CKPT_CAUSE_NO_SPACE:
        snprintf(buf, n, "no space left on device");
        break;
    case CKPT_CAUSE_TOO_LARGE:
        snprintf(buf, n, "the file size limit of this process was reached (ulimit -f)");
        break;
    case CKPT_CAUSE_SYSTEM:
        snprintf(buf, n, "%s", strerror(e->errno_value));
        break;
    default:
        snprintf(buf, n, "HDF5 error: %s", e->detail);
        break;
    }
    return buf;
}

hid_t ckpt_h5_text_type(size_t width)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    if (H5Tset_size(t, width ? width : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

int ckpt_h5_path_exists(hid_t file, const char *path)
{
    char buf[256];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf || path[0] != '/') return 0;
    memcpy(buf, path, n + 1);
    /* test "/a", then "/a/b", ...: H5Lexists fails when a parent is missing */
    for (size_t i = 1; i <= n; ++i) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char keep = buf[i];
        buf[i] = '\0';
        htri_t ok = H5Lexists(file, buf, H5P_DEFAULT);
        buf[i] = keep;
        if (ok <= 0) return 0;
    }
    return 1;
}
