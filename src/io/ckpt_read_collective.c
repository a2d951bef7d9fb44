/* ckpt_read_collective.c — mtt_ckpt_read_collective: rank 0 reads and
 * validates, the status is agreed, then every field is broadcast.
 *
 * The struct is broadcast as bytes first (scalars, fixed texts, counts);
 * the other ranks then drop the pointers they received (rank 0's addresses),
 * allocate their own arrays from the counts, agree on the allocation, and
 * receive the contents.  A field added to mtt_ckpt with a pointer must be
 * added to clear_pointers and broadcast_arrays below (and to mtt_ckpt_free).
 * Cost: one broadcast of about 4 × n_params doubles.
 */
#include "config.h"

#include "io/checkpoint.h"

#include <stdlib.h>
#include <string.h>

static void clear_pointers(mtt_ckpt *c)
{
    c->options_yaml = c->metadata_yaml = NULL;
    c->species = NULL;
    c->composition = c->params = c->best = c->adam_m = c->adam_v = c->accum = NULL;
    c->layout = NULL;
    c->accum_local = NULL;
    c->history.names = c->history.units = NULL;
    c->history.values = NULL;
    for (int s = 0; s < 3; ++s) c->split[s] = NULL;
}

/* Allocate n elements of size bytes (at least one byte, so NULL means failure). */
static int alloc_into(void **p, size_t n, size_t size)
{
    *p = calloc(n ? n : 1, size);
    return *p == NULL;
}

static int allocate_arrays(mtt_ckpt *c)
{
    int failed = 0;
    void *p;
    failed |= alloc_into(&p, c->n_species, sizeof *c->species), c->species = p;
    failed |= alloc_into(&p, c->n_species, sizeof(double)), c->composition = p;
    failed |= alloc_into(&p, c->n_params, sizeof(double)), c->params = p;
    failed |= alloc_into(&p, c->n_params, sizeof(double)), c->best = p;
    failed |= alloc_into(&p, c->n_params, sizeof(double)), c->adam_m = p;
    failed |= alloc_into(&p, c->n_params, sizeof(double)), c->adam_v = p;
    failed |= alloc_into(&p, c->n_tensors, sizeof *c->layout), c->layout = p;
    failed |= alloc_into(&p, (size_t)c->world_size * c->n_accum, sizeof(double)), c->accum = p;
    failed |= alloc_into(&p, c->history.n_cols, sizeof(char *)), c->history.names = p;
    failed |= alloc_into(&p, c->history.n_cols, sizeof(char *)), c->history.units = p;
    failed |= alloc_into(&p, c->history.n_rows * c->history.n_cols, sizeof(double)),
        c->history.values = p;
    for (int s = 0; s < 3; ++s)
        failed |= alloc_into(&p, c->n_split[s], sizeof(int64_t)), c->split[s] = p;
    return failed;
}

static void broadcast_arrays(const mtt_comm *comm, mtt_ckpt *c)
{
    const size_t nd = sizeof(double);
    mtt_comm_bcast_bytes(comm, c->species, c->n_species * sizeof *c->species, 0);
    mtt_comm_bcast_bytes(comm, c->composition, c->n_species * nd, 0);
    mtt_comm_bcast_bytes(comm, c->params, c->n_params * nd, 0);
    mtt_comm_bcast_bytes(comm, c->best, c->n_params * nd, 0);
    mtt_comm_bcast_bytes(comm, c->adam_m, c->n_params * nd, 0);
    mtt_comm_bcast_bytes(comm, c->adam_v, c->n_params * nd, 0);
    mtt_comm_bcast_bytes(comm, c->layout, c->n_tensors * sizeof *c->layout, 0);
    mtt_comm_bcast_bytes(comm, c->accum, (size_t)c->world_size * c->n_accum * nd, 0);
    mtt_comm_bcast_bytes(comm, c->history.values, c->history.n_rows * c->history.n_cols * nd, 0);
    for (int s = 0; s < 3; ++s)
        mtt_comm_bcast_bytes(comm, c->split[s], c->n_split[s] * sizeof(int64_t), 0);
}

mtt_status mtt_ckpt_read_collective(const mtt_comm *comm, const char *path, mtt_ckpt *c,
                                    mtt_error *err)
{
    const int rank = mtt_comm_rank(comm);
    memset(c, 0, sizeof *c);
    mtt_status st = MTT_OK;
    if (rank == 0) st = mtt_ckpt_read(path, c, err);
    st = mtt_comm_agree(comm, st, err);
    if (st != MTT_OK || mtt_comm_size(comm) == 1) return st;

    mtt_comm_bcast_bytes(comm, c, sizeof *c, 0);
    int failed = 0;
    if (rank != 0) {
        clear_pointers(c);
        failed = allocate_arrays(c);
    }
    st = mtt_comm_agree(comm, failed ? mtt_error_set(err, MTT_ERR_NOMEM, "out of memory receiving "
                                                     "checkpoint %s", path)
                                     : MTT_OK, err);
    if (st == MTT_OK) {
        broadcast_arrays(comm, c);
        st = mtt_comm_bcast_string(comm, &c->options_yaml, 0, err);
        if (st == MTT_OK) st = mtt_comm_bcast_string(comm, &c->metadata_yaml, 0, err);
        for (size_t i = 0; st == MTT_OK && i < c->history.n_cols; ++i) {
            st = mtt_comm_bcast_string(comm, &c->history.names[i], 0, err);
            if (st == MTT_OK) st = mtt_comm_bcast_string(comm, &c->history.units[i], 0, err);
        }
    }
    if (st != MTT_OK) mtt_ckpt_free(c);
    return st;
}
