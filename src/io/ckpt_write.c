/* ckpt_write.c — mtt_ckpt_write: the collective, atomic checkpoint write.
 *
 * Protocol (docs/checkpoint-format.md, "Write protocol"):
 *   1. rank 0's path and creation time are broadcast; the counts every rank
 *      passes are checked to agree;
 *   2. rank 0 creates <path>.tmp (so that a folder that is missing or not
 *      writable is reported with the system's reason), then all ranks open it
 *      collectively (MPI-IO with MPI, the POSIX driver without);
 *   3. every item of ckpt_layout.c is written (ckpt_write_items.c), then the
 *      root checksum; the file is flushed; the `complete` attribute is
 *      written last; all close;
 *   4. rank 0 fsyncs <path>.tmp, renames it to <path> and fsyncs the folder.
 * Any failure on any rank is agreed on; then rank 0 removes <path>.tmp, an
 * existing <path> is never touched, and every rank returns the same status
 * and message.  A crash at any moment leaves <path> either old or new.
 *
 * Test-only: MTT_TEST_CKPT_RENAME_DELAY_MS=N makes rank 0 sleep N ms between
 * the fsync of the .tmp and the rename (crash-safety tests kill runs there).
 */
#include "config.h"

#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/ckpt_checksum.h"
#include "io/ckpt_hdf5.h"
#include "io/ckpt_io.h"
#include "io/ckpt_layout.h"
#include "io/ckpt_mpi.h"
#include "io/ckpt_space.h"
#include "io/ckpt_write_items.h"
#include "util/file.h"

/* The counts that size collective calls must be the same on every rank. */
static mtt_status check_counts_agree(const mtt_comm *comm, const mtt_ckpt *c, const char *path,
                                     mtt_error *err)
{
    int64_t v[2 * 10] = {(int64_t)c->n_params, (int64_t)c->n_species, (int64_t)c->n_tensors,
                         (int64_t)c->n_accum, (int64_t)c->history.n_rows,
                         (int64_t)c->history.n_cols, (int64_t)c->n_split[0],
                         (int64_t)c->n_split[1], (int64_t)c->n_split[2],
                         c->metadata_yaml != NULL};
    for (int i = 0; i < 10; ++i) v[10 + i] = -v[i];
    mtt_comm_min_int64(comm, v, 20);
    for (int i = 0; i < 10; ++i)
        if (v[i] != -v[10 + i])
            return mtt_error_set(err, MTT_ERR_INTERNAL, "cannot write checkpoint %s: the ranks "
                                 "pass different array sizes (item %d); please report this bug",
                                 path, i);
    return MTT_OK;
}

/* Rank 0: create (truncate) the .tmp file with the system's reason on failure. */
static mtt_status precreate(const char *tmp, const char *path, mtt_error *err)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        int e = errno;
        return mtt_error_set(err, MTT_ERR_IO, "cannot write checkpoint %s: cannot create %s: %s%s",
                             path, tmp, strerror(e),
                             e == ENOSPC ? "; free space on that file system"
                                         : "; check that the folder exists and is writable");
    }
    close(fd);
    return MTT_OK;
}

static void test_delay_before_rename(void)
{
    const char *ms = getenv("MTT_TEST_CKPT_RENAME_DELAY_MS");
    if (!ms || !*ms) return;
    long v = strtol(ms, NULL, 10);
    if (v <= 0) return;
    struct timespec t = {v / 1000, (v % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* Rank 0: make the .tmp durable under its final name. */
static mtt_status publish(const char *tmp, const char *path, mtt_error *err)
{
    ckpt_space_trim(tmp);
    if (mtt_file_fsync(tmp) != 0) {
        int e = errno;
        return mtt_error_set(err, MTT_ERR_IO, "cannot write checkpoint %s: flushing %s to disk "
                             "failed: %s", path, tmp, strerror(e));
    }
    test_delay_before_rename();
    if (rename(tmp, path) != 0) {
        int e = errno;
        return mtt_error_set(err, MTT_ERR_IO, "cannot write checkpoint %s: renaming %s failed: %s",
                             path, tmp, strerror(e));
    }
    /* the rename is done; a folder that cannot be fsynced (some network file
     * systems refuse) only loses durability, not consistency */
    (void)mtt_file_fsync_folder_of(path);
    return MTT_OK;
}

static void iso8601_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Steps 2 and 3: the HDF5 file, written collectively; closed on return. */
static mtt_status write_file(const mtt_comm *comm, const char *tmp, const char *path,
                             mtt_ckpt *h, mtt_error *err)
{
    ckpt_io io = {.path = path, .file = -1, .comm = comm, .rank = mtt_comm_rank(comm),
                  .size = mtt_comm_size(comm), .dxpl = -1, .lcpl = -1, .err = err};
    ckpt_write_items_install(&io);
    mtt_status local = MTT_OK;
    hid_t fapl = ckpt_mpi_file_access(comm);
    io.dxpl = ckpt_mpi_transfer(comm);
    io.lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (fapl < 0 || io.dxpl < 0 || io.lcpl < 0 || H5Pset_create_intermediate_group(io.lcpl, 1) < 0 ||
        (io.file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0)
        ckpt_write_local_failure(&io, &local, "creating the file");
    ckpt_write_agree(&io, local);
    /* a full disk is found here, before HDF5 can run into it (ckpt_space.h) */
    if (io.status == MTT_OK) {
        local = io.rank == 0 ? ckpt_space_reserve(tmp, path, ckpt_space_estimate(h, io.size), err)
                             : MTT_OK;
        ckpt_write_agree(&io, local);
    }
    if (io.status == MTT_OK) {
        ckpt_layout_visit(&io, h);
        /* the root checksum over every record, identical on every rank */
        uint64_t root = mtt_ckpt_checksum_bytes(io.record, io.record_len);
        ckpt_write_attr_u64(&io, "checksum", root);
        local = MTT_OK;
        if (io.status == MTT_OK && H5Fflush(io.file, H5F_SCOPE_GLOBAL) < 0)
            ckpt_write_local_failure(&io, &local, "flushing");
        ckpt_write_agree(&io, local);
        /* last: a file without it was cut short */
        int64_t complete = 1;
        if (io.status == MTT_OK) io.attr_i64(&io, "complete", &complete);
    }
    local = MTT_OK;
    /* after a failure: free the blocks first, so that the close can write */
    if (io.status != MTT_OK && io.file >= 0) {
        if (io.rank == 0) ckpt_space_release(tmp);
        mtt_comm_barrier(comm);
    }
    if (io.file >= 0 && H5Fclose(io.file) < 0) ckpt_write_local_failure(&io, &local, "closing");
    if (io.lcpl >= 0) H5Pclose(io.lcpl);
    if (io.dxpl >= 0) H5Pclose(io.dxpl);
    if (fapl >= 0) H5Pclose(fapl);
    free(io.record);
    if (io.status == MTT_OK) return ckpt_write_agree(&io, local);
    /* after an earlier agreed failure: every rank takes this path; the close
     * status no longer matters */
    return io.status;
}

mtt_status mtt_ckpt_write(const mtt_comm *comm, const char *path, const mtt_ckpt *c,
                          mtt_error *err)
{
    ckpt_h5_quiet quiet;
    ckpt_h5_quiet_begin(&quiet);
    const int rank = mtt_comm_rank(comm);
    char *final = NULL, *tmp = NULL;
    mtt_status st = MTT_OK;
    int tmp_exists = 0;

    if (rank == 0) {
        final = strdup(path ? path : "");
        if (!final) st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory writing a checkpoint");
    }
    st = mtt_comm_agree(comm, st, err);
    if (st == MTT_OK) st = mtt_comm_bcast_string(comm, &final, 0, err);
    if (st != MTT_OK) goto cleanup;
    if (!final || !*final) {
        st = mtt_error_set(err, MTT_ERR_INTERNAL, "checkpoint path is empty; please report this bug");
        goto cleanup;
    }
    size_t len = strlen(final);
    tmp = malloc(len + 5);
    st = mtt_comm_agree(comm, tmp ? MTT_OK : mtt_error_set(err, MTT_ERR_NOMEM, "out of memory "
                        "writing checkpoint %s", final), err);
    if (st != MTT_OK) goto cleanup;
    memcpy(tmp, final, len);
    memcpy(tmp + len, ".tmp", 5);

    /* the writer's own fields; the struct passed in stays untouched */
    mtt_ckpt h = *c;
    snprintf(h.mtt_version, sizeof h.mtt_version, "%s", PACKAGE_VERSION);
    snprintf(h.git_revision, sizeof h.git_revision, "%s", MTT_GIT_REVISION);
    if (rank == 0) iso8601_now(h.created, sizeof h.created);
    mtt_comm_bcast_bytes(comm, h.created, sizeof h.created, 0);
    h.format_version = MTT_CKPT_FORMAT_VERSION;
    h.world_size = mtt_comm_size(comm);

    st = check_counts_agree(comm, c, final, err);
    if (st != MTT_OK) goto cleanup;
    if (rank == 0) st = precreate(tmp, final, err);
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK) goto cleanup;
    tmp_exists = 1;

    st = write_file(comm, tmp, final, &h, err);
    if (st == MTT_OK) {
        if (rank == 0) st = publish(tmp, final, err);
        st = mtt_comm_agree(comm, st, err);
        if (st == MTT_OK) tmp_exists = 0;
    }
cleanup:
    if (tmp_exists && rank == 0) unlink(tmp);  /* every rank has closed it */
    if (st != MTT_OK) mtt_comm_barrier(comm);  /* nobody returns before the .tmp is gone */
    free(final);
    free(tmp);
    ckpt_h5_quiet_end(&quiet);
    return st;
}
