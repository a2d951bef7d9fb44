/* restart_find.c — pick the checkpoint `--restart auto` continues from
 * (see restart_find.h). */
#include "config.h"

#include "train/restart_find.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/log.h"

int mtt_restart_progress_greater(const mtt_ckpt_progress *a, const char *path_a,
                                 const mtt_ckpt_progress *b, const char *path_b)
{
    if (a->epoch != b->epoch) return a->epoch > b->epoch;
    /* a.step / a.spe vs b.step / b.spe without rounding */
    long double fa = (long double)a->step * (long double)(b->steps_per_epoch > 0 ? b->steps_per_epoch : 1);
    long double fb = (long double)b->step * (long double)(a->steps_per_epoch > 0 ? a->steps_per_epoch : 1);
    if (fa != fb) return fa > fb;
    if (a->finished != b->finished) return a->finished > b->finished;
    return strcmp(path_a, path_b) > 0;
}

static int is_candidate_name(const char *name)
{
    size_t n = strlen(name);
    if (strcmp(name, "model.ckpt") == 0) return 1;
    return n > 11 && strncmp(name, "model_", 6) == 0 && strcmp(name + n - 5, ".ckpt") == 0;
}

typedef struct best_so_far {
    char *out;
    size_t n;
    mtt_ckpt_progress *p;
    int found;
} best_so_far;

static void consider(const char *path, best_so_far *b)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return;
    mtt_ckpt_progress p;
    mtt_error e;
    mtt_error_clear(&e);
    if (mtt_ckpt_probe(path, &p, &e) != MTT_OK) {
        mtt_log_warn("Skipping %s: %s", path, e.msg);
        return;
    }
    if (!b->found || mtt_restart_progress_greater(&p, path, b->p, b->out)) {
        if (strlen(path) >= b->n) {
            mtt_log_warn("Skipping %s: path too long", path);
            return;
        }
        snprintf(b->out, b->n, "%s", path);
        *b->p = p;
        b->found = 1;
    }
}

/* Subfolders of dir, or files of dir that are candidates. */
static mtt_status scan(const char *dir, int depth, best_so_far *b, mtt_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT && depth == 0) return MTT_OK;
        if (depth == 0)
            return mtt_error_set(err, MTT_ERR_IO,
                                 "--restart auto: cannot list %s (%s); make it a readable folder "
                                 "of run folders, or give the checkpoint with --restart PATH",
                                 dir, strerror(errno));
        mtt_log_warn("--restart auto: skipping %s (%s)", dir, strerror(errno));
        return MTT_OK;
    }
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        if (depth < 2) {
            struct stat sb;
            if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) scan(path, depth + 1, b, err);
        } else if (is_candidate_name(e->d_name)) {
            consider(path, b);
        }
    }
    closedir(d);
    return MTT_OK;
}

mtt_status mtt_restart_find(const char *base, const char *final_path, char *out, size_t n,
                            mtt_ckpt_progress *p, mtt_error *err)
{
    best_so_far b = {out, n, p, 0};
    out[0] = '\0';
    memset(p, 0, sizeof *p);
    MTT_FORWARD_IF_ERROR(scan(base, 0, &b, err));
    if (final_path) consider(final_path, &b);
    return MTT_OK;
}
