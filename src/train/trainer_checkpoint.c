/* trainer_checkpoint.c — when and where the trainer writes checkpoints.
 *
 * Names (DESIGN §4), all in the run folder:
 *   model_<E>.ckpt       after epoch E ended (state: epoch E+1, step 0);
 *   model_<E>_<S>.ckpt   inside epoch E after S of its steps (a stop request,
 *                        a time budget, checkpoint_every_minutes);
 *   model.ckpt           the finished training, also in the working folder
 *                        (final_path, a hard link when possible, else a second
 *                        write): the run folder's copy first, so
 *                        a kill between the two leaves a finished checkpoint
 *                        that --restart auto finds and completes from.
 * keep_checkpoints: N > 0 keeps the N newest model_*.ckpt of this run folder
 * (by recorded progress, read from the name) and deletes the others, never
 * the one just written.  Collective: the writer agrees on failure; rank 0
 * prunes and logs.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "train/stop.h"
#include "train/trainer_internal.h"
#include "util/file.h"
#include "util/log.h"

typedef struct periodic_file {
    long long epoch, step;  /* model_<E>.ckpt counts as (E + 1, 0) */
    char name[256];
} periodic_file;

/* 1 when name is model_<E>.ckpt or model_<E>_<S>.ckpt. */
static int parse_periodic(const char *name, periodic_file *p)
{
    long long e = -1, s = -1;
    int used = 0;
    if (sscanf(name, "model_%lld_%lld.ckpt%n", &e, &s, &used) == 2 && name[used] == '\0' &&
        e >= 0 && s >= 0) {
        p->epoch = e;
        p->step = s;
    } else if (sscanf(name, "model_%lld.ckpt%n", &e, &used) == 1 && name[used] == '\0' && e >= 0) {
        p->epoch = e + 1;
        p->step = 0;
    } else {
        return 0;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    return 1;
}

static int newer_first(const void *a, const void *b)
{
    const periodic_file *x = a, *y = b;
    if (x->epoch != y->epoch) return x->epoch > y->epoch ? -1 : 1;
    if (x->step != y->step) return x->step > y->step ? -1 : 1;
    return 0;
}

/* Rank 0: delete all but the `keep` newest periodic checkpoints of dir. */
static void prune(const char *dir, int keep, const char *just_written)
{
    DIR *d = opendir(dir);
    if (!d) return;
    periodic_file *files = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        periodic_file p;
        if (!parse_periodic(e->d_name, &p)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            periodic_file *f = realloc(files, cap * sizeof *f);
            if (!f) break;
            files = f;
        }
        files[n++] = p;
    }
    closedir(d);
    qsort(files, n, sizeof *files, newer_first);
    for (size_t i = (size_t)keep; i < n; ++i) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        if (strcmp(path, just_written) == 0) continue;
        if (unlink(path) == 0) mtt_log_info("Removed %s (keep_checkpoints: %d)", path, keep);
        else mtt_log_warn("%s: could not remove an old checkpoint (%s)", path, strerror(errno));
    }
    free(files);
}

static mtt_status write_timed(mtt_trainer *t, const char *path, const mtt_ckpt *c,
                              const char *what, mtt_error *err)
{
    double t0 = mtt_stop_now();
    mtt_trainer_gather_optimizer(t);  /* the moments of every slice, on every rank */
    MTT_FORWARD_IF_ERROR(mtt_ckpt_write(t->comm, path, c, err));
    double t1 = mtt_stop_now();
    t->checkpoint_s = t1 - t0;
    t->phase_s[MTT_PHASE_CHECKPOINT] += t1 - t0;
    t->last_checkpoint_at = t1;
    snprintf(t->last_checkpoint, sizeof t->last_checkpoint, "%s", path);
    struct stat sb;
    double mib = t->rank == 0 && stat(path, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0.0;
    mtt_log_info("Checkpoint %s: %s (continues at epoch %lld, step %lld; %.1f MiB in %.3f s)", what, path,
                 (long long)c->epoch, (long long)c->step, mib, t->checkpoint_s);
    return MTT_OK;
}

mtt_status mtt_trainer_checkpoint(mtt_trainer *t, int64_t epoch, int64_t step, mtt_error *err)
{
    char path[4200];
    if (step == 0)
        snprintf(path, sizeof path, "%s/model_%lld.ckpt", t->run_dir, (long long)(epoch - 1));
    else
        snprintf(path, sizeof path, "%s/model_%lld_%lld.ckpt", t->run_dir, (long long)epoch,
                 (long long)step);
    mtt_ckpt c;
    mtt_trainer_state_view(t, epoch, step, 0, &c);
    MTT_FORWARD_IF_ERROR(write_timed(t, path, &c, "written", err));
    if (t->rank == 0 && t->cfg.keep_checkpoints > 0) prune(t->run_dir, t->cfg.keep_checkpoints, path);
    return MTT_OK;
}

mtt_status mtt_trainer_checkpoint_final(mtt_trainer *t, mtt_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/model.ckpt", t->run_dir);
    mtt_ckpt c;
    mtt_trainer_state_view(t, t->cfg.num_epochs, 0, 1, &c);
    MTT_FORWARD_IF_ERROR(write_timed(t, path, &c, "of the finished training", err));
    /* the working folder's copy: a hard link when the file system allows it
     * (no second write), else a second write */
    int linked = 0;
    if (t->rank == 0) {
        mtt_error e;
        linked = mtt_file_link_atomic(path, t->final_path, &e) == MTT_OK;
    }
    mtt_comm_bcast_bytes(t->comm, &linked, sizeof linked, 0);
    if (linked) {
        mtt_log_info("Final checkpoint: %s (the same file as %s)", t->final_path, path);
        return MTT_OK;
    }
    return write_timed(t, t->final_path, &c, "of the finished training", err);
}
