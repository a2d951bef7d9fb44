/* test_comm.c — the MPI boundary, run on several ranks (tests/test_comm.sh
 * starts it with mpiexec -n 3; as a single process it checks the one-rank
 * path).  Every check is agreed over all ranks (a check fails when it fails
 * anywhere) and rank 0 prints the TAP line. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parallel/comm.h"
#include "parallel/shared.h"

static int n_tests = 0, n_failed = 0;

static void check(const mtt_comm *c, int ok, const char *what)
{
    int failed = mtt_comm_any_true(c, !ok);
    ++n_tests;
    n_failed += failed;
    if (mtt_comm_rank(c) == 0) printf("%s %d - %s\n", failed ? "not ok" : "ok", n_tests, what);
}

/* The node's shared window: in every round each rank writes its segment,
 * fences, reads every segment, fences again.  A fence that let a rank pass
 * early shows as a value of the previous round (read too soon) or of the
 * next (overwritten while another rank still read). */
static void check_shared(const mtt_comm *c)
{
    enum { WORDS = 512, ROUNDS = 1000 };
    const int rank = mtt_comm_rank(c), size = mtt_comm_size(c);
    mtt_comm_shared *w = NULL;
    const char *why = NULL;
    mtt_error err;
    mtt_status st = mtt_comm_shared_create(c, WORDS * sizeof(uint64_t), &w, &why, &err);
    if (size == 1) {
        check(c, st == MTT_OK && !w && why, "shared window: none on one rank, with the reason");
        return;
    }
    check(c, st == MTT_OK && w, "shared window on one node");
    if (!w) return;
    uint64_t wrong = 0;
    for (uint64_t round = 1; round <= ROUNDS; ++round) {
        uint64_t *own = mtt_comm_shared_segment(w, rank);
        for (uint64_t i = 0; i < WORDS; ++i) own[i] = round * 1000003u + (uint64_t)rank * WORDS + i;
        mtt_comm_shared_fence(w);
        for (int q = 0; q < size; ++q) {
            const uint64_t *seg = mtt_comm_shared_segment(w, q);
            for (uint64_t i = 0; i < WORDS; ++i)
                wrong += seg[i] != round * 1000003u + (uint64_t)q * WORDS + i;
        }
        mtt_comm_shared_fence(w);
    }
    check(c, wrong == 0, "shared window: 1000 rounds, every rank's writes seen by all after "
                         "each fence and none overwritten before all had read");
    mtt_comm_shared_free(w);
}

int main(int argc, char **argv)
{
    mtt_comm *c = NULL;
    mtt_error err;
    if (mtt_comm_init(&argc, &argv, &c, &err) != MTT_OK) {
        printf("not ok 1 - init: %s\n1..1\n", err.msg);
        return 1;
    }
    const int rank = mtt_comm_rank(c), size = mtt_comm_size(c);

    check(c, size >= 1 && rank >= 0 && rank < size, "rank and size");
    check(c, mtt_comm_any_true(c, rank == size - 1) == 1, "any_true sees the last rank's flag");
    check(c, mtt_comm_any_true(c, 0) == 0, "any_true is false when nobody is");

    /* agreement: ranks 1 and 2 fail with different messages; all learn rank 1's */
    mtt_error_clear(&err);
    mtt_status st = MTT_OK;
    if (size > 1 && rank >= 1) st = mtt_error_set(&err, MTT_ERR_DATA, "rank %d failed", rank);
    st = mtt_comm_agree(c, st, &err);
    if (size > 1)
        check(c, st == MTT_ERR_DATA && strcmp(err.msg, "rank 1 failed") == 0,
              "agree: every rank gets the lowest failing rank's status and message");
    else
        check(c, st == MTT_OK, "agree: nothing failed");
    mtt_error_clear(&err);
    check(c, mtt_comm_agree(c, MTT_OK, &err) == MTT_OK, "agree: all fine stays fine");

    /* sums and minimum */
    double d[3] = {1.0, (double)rank, 0.5};
    mtt_comm_sum_doubles(c, d, 3);
    check(c, d[0] == size && d[1] == size * (size - 1) / 2.0 && d[2] == 0.5 * size,
          "sum of doubles");
    int64_t i64[2] = {rank, INT64_C(1) << 40};
    mtt_comm_sum_int64(c, i64, 2);
    check(c, i64[0] == (int64_t)size * (size - 1) / 2 && i64[1] == (INT64_C(1) << 40) * size,
          "sum of int64");
    int64_t mn[2] = {100 - rank, rank == size - 1 ? -7 : 5};
    mtt_comm_min_int64(c, mn, 2);
    check(c, mn[0] == 100 - (size - 1) && mn[1] == -7, "minimum of int64");

    /* broadcasts */
    char *s = rank == 0 ? strdup("options text from rank 0") : NULL;
    st = mtt_comm_bcast_string(c, &s, 0, &err);
    check(c, st == MTT_OK && s && strcmp(s, "options text from rank 0") == 0, "broadcast a string");
    free(s);
    uint64_t big[4] = {0, 0, 0, 0};
    if (rank == 0) big[0] = 1, big[3] = UINT64_MAX;
    mtt_comm_bcast_bytes(c, big, sizeof big, 0);
    check(c, big[0] == 1 && big[3] == UINT64_MAX, "broadcast bytes");

    check_shared(c);

    mtt_comm_barrier(c);
    if (rank == 0) printf("1..%d\n", n_tests);
    mtt_comm_finalize(c);
    return n_failed ? 1 : 0;
}
