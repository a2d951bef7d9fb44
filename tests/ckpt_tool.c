/* ckpt_tool.c — command-line access to the checkpoint module for the shell
 * tests and for regenerating the golden files (tests/gen/ckpt_golden.sh).
 *
 *   ckpt_tool write PATH [VARIANT]        write the ckpt_fill state (collective)
 *   ckpt_tool check PATH [VARIANT]        read and compare with the state
 *   ckpt_tool check-collective PATH [V]   collective read, compared on every rank
 *   ckpt_tool read PATH                   one line: "ok" or "error N: message"
 *   ckpt_tool probe PATH                  "epoch E step S global_step G ..."
 *   ckpt_tool checksum FILE               the checkpoint checksum of FILE's bytes
 * Exit status 0 on success, 1 otherwise.  Rank 0 prints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt_fill.h"
#include "io/checkpoint.h"
#include "io/ckpt_checksum.h"
#include "parallel/comm.h"
#include "util/file.h"

static int usage(void)
{
    fprintf(stderr, "usage: ckpt_tool write|check|check-collective|read|probe|checksum PATH "
                    "[VARIANT]\n");
    return 2;
}

static int run(const mtt_comm *comm, const char *cmd, const char *path, int variant)
{
    const int rank = mtt_comm_rank(comm);
    mtt_error err;
    mtt_error_clear(&err);
    mtt_ckpt want, got;
    if (!strcmp(cmd, "write")) {
        if (ckpt_fill(&want, variant, rank) != 0) return 1;
        mtt_status st = mtt_ckpt_write(comm, path, &want, &err);
        ckpt_fill_release(&want);
        if (rank == 0) printf(st == MTT_OK ? "ok\n" : "error %d: %s\n", (int)st, err.msg);
        return st != MTT_OK;
    }
    if (!strcmp(cmd, "read")) {
        if (rank != 0) return 0;
        mtt_status st = mtt_ckpt_read(path, &got, &err);
        printf(st == MTT_OK ? "ok\n" : "error %d: %s\n", (int)st, err.msg);
        mtt_ckpt_free(&got);
        return st != MTT_OK;
    }
    if (!strcmp(cmd, "probe")) {
        if (rank != 0) return 0;
        mtt_ckpt_progress p;
        mtt_status st = mtt_ckpt_probe(path, &p, &err);
        if (st == MTT_OK)
            printf("epoch %lld step %lld global_step %lld steps_per_epoch %lld finished %d "
                   "world_size %d\n", (long long)p.epoch, (long long)p.step,
                   (long long)p.global_step, (long long)p.steps_per_epoch, p.finished,
                   p.world_size);
        else printf("error %d: %s\n", (int)st, err.msg);
        return st != MTT_OK;
    }
    if (!strcmp(cmd, "check") || !strcmp(cmd, "check-collective")) {
        int collective = !strcmp(cmd, "check-collective");
        if (!collective && rank != 0) return 0;
        mtt_status st = collective ? mtt_ckpt_read_collective(comm, path, &got, &err)
                                   : mtt_ckpt_read(path, &got, &err);
        char why[MTT_ERROR_MSG_MAX + 32] = "";
        int bad = st != MTT_OK;
        if (bad) snprintf(why, sizeof why, "error %d: %s", (int)st, err.msg);
        else if (ckpt_fill(&want, variant, rank) != 0) bad = 1;
        else {
            bad = ckpt_fill_compare(&want, &got, why, sizeof why) != 0;
            ckpt_fill_release(&want);
        }
        mtt_ckpt_free(&got);
        if (collective) bad = mtt_comm_any_true(comm, bad);
        if (rank == 0) printf(bad ? "differs: %s\n" : "ok\n", why);
        return bad;
    }
    if (!strcmp(cmd, "checksum")) {
        if (rank != 0) return 0;
        char *text = NULL;
        size_t len = 0;
        if (mtt_file_read_text(path, (size_t)1 << 30, "file", &text, &len, &err) != MTT_OK) {
            printf("error: %s\n", err.msg);
            return 1;
        }
        printf("%016llx\n", (unsigned long long)mtt_ckpt_checksum_bytes(text, len));
        free(text);
        return 0;
    }
    return usage();
}

int main(int argc, char **argv)
{
    if (argc < 3) return usage();
    mtt_comm *comm = NULL;
    mtt_error err;
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int rc = run(comm, argv[1], argv[2], argc > 3 ? atoi(argv[3]) : 0);
    fflush(stdout);
    rc = mtt_comm_any_true(comm, rc);
    mtt_comm_finalize(comm);
    return rc;
}
