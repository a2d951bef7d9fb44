/* run_dir.c — create and clean up run folders; see run_dir.h. */
#include "config.h"

#include "util/run_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* mkdir -p: create every missing component of path (modifies a copy). */
static mtt_status mkdir_parents(const char *path, mtt_error *err)
{
    char buf[4096];
    size_t len = strlen(path);
    MTT_RETURN_ERROR_IF(len == 0 || len >= sizeof buf, err, MTT_ERR_IO,
                        "%s: run folder path is empty or too long; choose a shorter "
                        "output folder", path);
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; ++i) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            return mtt_error_set(err, MTT_ERR_IO,
                                 "%s: cannot create folder (%s); check the "
                                 "permissions of its parent folder", buf, strerror(e));
        }
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return mtt_error_set(err, MTT_ERR_IO,
                             "%s: exists but is not a folder; move the file away "
                             "or run mtt elsewhere", path);
    return MTT_OK;
}

mtt_status mtt_run_dir_create(const char *base, time_t when, char *out, size_t n,
                              mtt_error *err)
{
    struct tm tm;
    char date[32], clock[32], parent[4096];
    if (!localtime_r(&when, &tm))
        return mtt_error_set(err, MTT_ERR_INTERNAL,
                             "cannot convert time %lld to local time; please report",
                             (long long)when);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    strftime(clock, sizeof clock, "%H-%M-%S", &tm);
    int len = snprintf(parent, sizeof parent, "%s/%s", base, date);
    MTT_RETURN_ERROR_IF(len < 0 || (size_t)len >= sizeof parent, err, MTT_ERR_IO,
                        "%s: output folder path is too long; choose a shorter one", base);
    MTT_FORWARD_IF_ERROR(mkdir_parents(parent, err));

    for (int suffix = 0; suffix <= MTT_RUN_DIR_MAX_SUFFIX; ++suffix) {
        int m = suffix == 0 ? snprintf(out, n, "%s/%s", parent, clock)
                            : snprintf(out, n, "%s/%s.%d", parent, clock, suffix);
        MTT_RETURN_ERROR_IF(m < 0 || (size_t)m >= n, err, MTT_ERR_INTERNAL,
                            "%s/%s: run folder path does not fit in %zu bytes; "
                            "please report", parent, clock, n);
        /* mkdir is atomic: exactly one process succeeds for a given name. */
        if (mkdir(out, 0777) == 0) return MTT_OK;
        if (errno != EEXIST) {
            int e = errno;
            return mtt_error_set(err, MTT_ERR_IO,
                                 "%s: cannot create run folder (%s); check the "
                                 "permissions and free space of %s", out,
                                 strerror(e), parent);
        }
    }
    return mtt_error_set(err, MTT_ERR_IO,
                         "%s/%s: run folders .1 to .%d all exist; remove old runs "
                         "from %s", parent, clock, MTT_RUN_DIR_MAX_SUFFIX, parent);
}

/* rmdir that treats "not empty" as success; returns 1 when removed. */
static mtt_status rmdir_if_empty(const char *path, int *removed, mtt_error *err)
{
    *removed = 0;
    if (rmdir(path) == 0) {
        *removed = 1;
        return MTT_OK;
    }
    if (errno == ENOTEMPTY || errno == EEXIST) return MTT_OK;
    int e = errno;
    return mtt_error_set(err, MTT_ERR_IO,
                         "%s: cannot remove empty run folder (%s); remove it by hand",
                         path, strerror(e));
}

mtt_status mtt_run_dir_remove_if_empty(const char *path, mtt_error *err)
{
    int removed = 0;
    MTT_FORWARD_IF_ERROR(rmdir_if_empty(path, &removed, err));
    if (!removed) return MTT_OK;

    char parent[4096];
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') --len;  /* ignore trailing slashes */
    if (len >= sizeof parent) return MTT_OK;
    memcpy(parent, path, len);
    parent[len] = '\0';
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent) return MTT_OK;
    *slash = '\0';
    /* The date folder may hold other runs, or be empty now. */
    return rmdir_if_empty(parent, &removed, err);
}

static int holds_checkpoint(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        found = n > 5 && strcmp(e->d_name + n - 5, ".ckpt") == 0;
    }
    closedir(d);
    return found;
}

/* Remove the regular files of dir (not recursive). */
static void remove_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[4400];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && !S_ISDIR(sb.st_mode)) unlink(p);
    }
    closedir(d);
}

mtt_status mtt_run_dir_remove_failed(const char *path, int *kept, mtt_error *err)
{
    *kept = 0;
    if (!path || !path[0]) return MTT_OK;
    if (holds_checkpoint(path)) {
        *kept = 1;
        return MTT_OK;
    }
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/indices", path);
    remove_files(sub);
    rmdir(sub);
    remove_files(path);
    MTT_FORWARD_IF_ERROR(mtt_run_dir_remove_if_empty(path, err));
    /* and the base folder (outputs/) when this run was all it held */
    char base[4096];
    snprintf(base, sizeof base, "%s", path);
    for (int up = 0; up < 2; ++up) {
        char *slash = strrchr(base, '/');
        if (!slash || slash == base) return MTT_OK;
        *slash = '\0';
    }
    rmdir(base);
    return MTT_OK;
}
