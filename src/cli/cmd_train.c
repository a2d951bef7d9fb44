/* cmd_train.c — `mtt train OPTIONS.yaml`: the table of contents of a run.
 *
 * init → options (rank 0 reads, all parse the same text) → seed → data
 * (indexed, split, sharded, read) → run folder (rank 0, only once all input
 * is valid, so a mistake leaves nothing behind) → train (train/trainer.h).
 * Every phase ends with an agreement on failure; rank 0 reports the one
 * error line; every rank returns the same exit code.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "model/blas.h"
#include "options/options.h"
#include "parallel/comm.h"
#include "train/train_data.h"
#include "cli/train_start.h"
#include "train/stop.h"
#include "train/trainer.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/run_dir.h"

static const mtt_flag_spec train_flags[] = {
    {"output", 'o', 1, 0, "MODEL.pt", "exported model of the best epoch (default: model.pt)"},
    {"restart", 'c', 1, 0, "CKPT|auto", "continue from a checkpoint, or the newest valid one under outputs/"},
    {"override", 'r', 1, 1, "KEY.PATH=VALUE", "override an option, e.g. -r architecture.training.num_epochs=5"},
    {"time-limit", 0, 1, 0, "SECONDS|HH:MM:SS", "stop with a checkpoint before this much wall time"},
    {"progress", 0, 1, 0, "auto|always|never", "progress of long phases: a redrawn line on a terminal, a line every 30 s otherwise (default: auto)"},
    {0},
};

const mtt_command_spec mtt_cmd_train_spec = {
    "train", "OPTIONS.yaml [-o MODEL.pt] [--restart CKPT|auto] [-r KEY.PATH=VALUE]...",
    "train a model from a metatrain-style options file", 1, 1, train_flags};

/* Rank 0 prints the agreed error; returns the exit code for it. */
static int report(const mtt_comm *comm, const mtt_error *err)
{
    if (mtt_comm_rank(comm) == 0) mtt_log_error("%s", err->msg);
    return mtt_status_exit_code(err->status);
}

/* Options: rank 0 reads the file, every rank parses the same text. */
static mtt_status load_options(const mtt_comm *comm, const char *path, const mtt_flag_value *ov,
                               mtt_options **opts, mtt_error *err)
{
    char *text = NULL;
    mtt_status st = MTT_OK;
    if (mtt_comm_rank(comm) == 0) st = mtt_options_read_text(path, &text, NULL, err);
    /* an options file that cannot be read is a usage problem: exit 2 */
    if (st == MTT_ERR_IO) err->status = st = MTT_ERR_OPTIONS;
    st = mtt_comm_agree(comm, st, err);
    if (st == MTT_OK) st = mtt_comm_bcast_string(comm, &text, 0, err);
    if (st == MTT_OK)
        st = mtt_options_load_text(text, path, ov->values, (size_t)ov->count, opts, err);
    st = mtt_comm_agree(comm, st, err);
    free(text);
    return st;
}

static void log_start(const mtt_comm *comm)
{
    char blas[512];
    mtt_blas_describe(blas, sizeof blas);
    mtt_log_info("mtt %s (git %s) on %d rank%s", PACKAGE_VERSION, MTT_GIT_REVISION,
                 mtt_comm_size(comm), mtt_comm_size(comm) == 1 ? "" : "s");
    mtt_log_info("BLAS: %s", blas);
    if (mtt_blas_generic_kernel_on_fast_cpu())
        mtt_log_warn("OpenBLAS runs its generic '%s' kernel although this CPU has AVX2/AVX-512; "
                     "set OPENBLAS_CORETYPE (e.g. SkylakeX or Haswell) for up to 6x faster "
                     "network products", mtt_blas_corename());
}

/* Rank 0 creates the run folder and writes what describes the run. */
static mtt_status make_run_folder(const mtt_comm *comm, const mtt_options *opts,
                                  const mtt_train_data *td, char *dir, size_t n, mtt_error *err)
{
    mtt_status st = MTT_OK;
    dir[0] = '\0';
    if (mtt_comm_rank(comm) == 0) {
        st = mtt_run_dir_create("outputs", time(NULL), dir, n, err);
        if (st == MTT_OK) {
            char path[4200];
            snprintf(path, sizeof path, "%s/train.log", dir);
            st = mtt_log_open_file(path, err);
            if (st == MTT_OK) {
                snprintf(path, sizeof path, "%s/options_restart.yaml", dir);
                st = mtt_options_write_yaml(opts, path, err);
            }
            if (st == MTT_OK) st = mtt_train_data_write_indices(td, dir, err);
        }
    }
    st = mtt_comm_agree(comm, st, err);
    mtt_comm_bcast_bytes(comm, dir, n, 0);
    if (st == MTT_OK) mtt_log_info("Run folder: %s", dir);
    return st;
}

/* A failed run removes what it made, unless it holds a checkpoint. */
static void clean_failed_run(const mtt_comm *comm, const char *run_dir)
{
    if (mtt_comm_rank(comm) != 0 || !run_dir[0]) return;
    mtt_log_close_file();
    int kept = 0;
    mtt_error e;
    if (mtt_run_dir_remove_failed(run_dir, &kept, &e) != MTT_OK) mtt_log_warn("%s", e.msg);
    else if (kept)
        mtt_log_info("The run folder %s is kept: it holds checkpoints (continue with --restart)",
                     run_dir);
}

int mtt_cmd_train(int argc, char **argv)
{
    mtt_args args;
    int code;
    if (!mtt_cli_parse_or_exit(&mtt_cmd_train_spec, argc, argv, &args, &code)) return code;

    mtt_error err;
    mtt_error_clear(&err);
    mtt_comm *comm = NULL;
    mtt_options *opts = NULL;
    mtt_train_data td;
    memset(&td, 0, sizeof td);
    mtt_train_start start;
    memset(&start, 0, sizeof start);
    char run_dir[4096];
    run_dir[0] = '\0';
    const char *final_path = "model.ckpt";

    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        fprintf(stderr, "mtt train: %s\n", err.msg);
        return 1;
    }
    mtt_log_set_root(mtt_comm_rank(comm) == 0);
    if (mtt_progress_configure(mtt_args_value(&mtt_cmd_train_spec, &args, "progress"),
                               mtt_comm_rank(comm) == 0, &err) != MTT_OK) {
        code = report(comm, &err);  /* same argv everywhere: every rank fails */
        goto done;
    }
    mtt_blas_set_threads(1);

    double limit = 0;
    const char *limit_text = mtt_args_value(&mtt_cmd_train_spec, &args, "time-limit");
    if (limit_text && mtt_stop_parse_time_limit(limit_text, &limit, &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    mtt_stop_init(limit);
    log_start(comm);

    const char *output = mtt_args_value(&mtt_cmd_train_spec, &args, "output");
    const char *model_path = output ? output : "model.pt";
    if (mtt_train_start_resolve(comm, mtt_args_value(&mtt_cmd_train_spec, &args, "restart"),
                                final_path, &start, &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    const char *path = args.positional[0];
    if (load_options(comm, path, mtt_args_flag(&mtt_cmd_train_spec, &args, "override"), &opts,
                     &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    mtt_train_start_seed(comm, &start, opts);
    if (mtt_train_start_finetune(comm, opts, &start, &err) != MTT_OK ||
        mtt_train_start_check_options(&start, opts, &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    if (mtt_train_start_is_finished(&start, opts)) {  /* a job chain ends here */
        code = mtt_train_start_finish(comm, &start, final_path, model_path, &err) == MTT_OK
                   ? 0
                   : report(comm, &err);
        goto done;
    }
    mtt_options_log(opts);
    if (mtt_trainer_check_options(opts, &err) != MTT_OK) {  /* same on every rank */
        code = report(comm, &err);
        goto done;
    }
    if (mtt_train_data_load(opts, comm, &td, &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    mtt_train_data_log(&td);
    if (make_run_folder(comm, opts, &td, run_dir, sizeof run_dir, &err) != MTT_OK) {
        code = report(comm, &err);
        goto done;
    }
    if (start.resume_path[0]) mtt_log_info("Restarting from checkpoint %s", start.resume_path);
    mtt_trainer_run_config rc = {run_dir,
                                 final_path,
                                 model_path,
                                 start.resume_path[0] ? &start.resume : NULL,
                                 start.resume_path,
                                 start.finetune_path[0] ? &start.finetune : NULL,
                                 start.finetune_path};
    mtt_trainer_outcome outcome;
    if (mtt_trainer_run(opts, comm, &td, &rc, &outcome, &err) != MTT_OK) {
        code = report(comm, &err);
        clean_failed_run(comm, run_dir);
        goto done;
    }
    if (outcome.stopped) {
        if (outcome.stopped == MTT_TRAINER_STOPPED_SIGNAL)
            mtt_log_info("Stopped on %s with a checkpoint in %s; continue with: mtt train %s "
                         "--restart auto (exit code 75)",
                         mtt_stop_signal_name(outcome.signal), outcome.checkpoint, path);
        else
            mtt_log_info("Stopped before the time limit (%.0f s left) with a checkpoint in %s; "
                         "continue with: mtt train %s --restart auto (exit code 75)",
                         mtt_stop_time_left(), outcome.checkpoint, path);
        code = MTT_EXIT_STOPPED;
        goto done;
    }
    mtt_log_info("Training finished; final checkpoint %s, exported model %s; run folder: %s",
                 final_path, model_path, run_dir);
    code = 0;
done:
    mtt_progress_end();
    mtt_stop_finish();
    mtt_train_start_free(&start);
    mtt_train_data_free(&td);
    mtt_options_free(opts);
    mtt_log_close_file();
    mtt_comm_finalize(comm);
    return code;
}
