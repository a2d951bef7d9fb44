/* test_trainer_plan.c — an epoch's batches (train/trainer_plan.c).
 *
 * On one process (no communicator): every local structure is in exactly one
 * batch; no batch holds more than batch_size structures; with
 * balance_batches the batches of cells of 32-256 atoms hold nearly equal
 * atoms (within −6%..+3% of the mean after the local search, where
 * consecutive runs of the shuffle are far apart); the plan of an epoch is the same when computed
 * again (a restart in the middle of it) and changes from epoch to epoch;
 * equal sizes give batches of equal counts; a shard smaller than the number
 * of steps leaves empty batches; balance_batches false gives consecutive
 * runs with the last one partial.
 */
#include "config.h"

#include "cunit_tap.h"
#include "train/trainer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define MAX_STRUCTURES 200

static int64_t atom_start[MAX_STRUCTURES + 1];
static mtt_dataset ds;
static size_t order[MAX_STRUCTURES];
static double totals[3 * MAX_STRUCTURES];
static int64_t work[MAX_STRUCTURES];

/* n structures of the given sizes (cycled through with a stride, so
 * neighbours differ) and a trainer planning them in batches of bs over
 * `steps` steps per epoch (0: ⌈n / bs⌉, as for the largest shard). */
static void setup(mtt_trainer *t, size_t n, const int *sizes, size_t n_sizes, size_t bs,
                  int balance, int64_t steps)
{
    memset(t, 0, sizeof *t);
    memset(&ds, 0, sizeof ds);
    atom_start[0] = 0;
    for (size_t s = 0; s < n; ++s) atom_start[s + 1] = atom_start[s] + sizes[(7 * s) % n_sizes];
    ds.n_structures = n;
    ds.n_atoms = (size_t)atom_start[n];
    ds.atom_start = atom_start;
    t->set[MTT_TR_TRAIN].ds = &ds;
    t->size = 1;
    t->cfg.seed = 11;
    t->cfg.batch_size = bs;
    t->cfg.balance_batches = balance;
    t->steps_per_epoch = steps ? steps : (int64_t)((n + bs - 1) / bs);
    t->order = order;
    t->step_totals = totals;
    t->step_work = work;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_trainer_plan_alloc(t, &err), MTT_OK);
}

static void teardown(mtt_trainer *t)
{
    free(t->plan_first);
    free(t->plan_scratch);
    free(t->plan_load);
    free(t->plan_items);
    free(t->plan_members);
}

/* Every structure once, at most bs per batch; the atoms of the fullest and
 * emptiest batch and their mean into *hi, *lo, *mean. */
static int check_partition(const mtt_trainer *t, int64_t *hi, int64_t *lo, double *mean)
{
    const size_t n = ds.n_structures;
    int seen[MAX_STRUCTURES] = {0}, ok = 1;
    *hi = 0, *lo = INT64_MAX;
    size_t total = 0;
    for (int64_t k = 0; k < t->steps_per_epoch; ++k) {
        size_t start, m;
        mtt_trainer_plan_batch(t, k, &start, &m);
        ok &= m <= t->cfg.batch_size && start + m <= n;
        int64_t atoms = 0;
        for (size_t i = start; i < start + m && i < n; ++i) {
            ok &= t->order[i] < n && !seen[t->order[i]];
            if (t->order[i] < n) seen[t->order[i]] = 1;
            atoms += atom_start[t->order[i] + 1] - atom_start[t->order[i]];
        }
        ok &= totals[3 * k] == (double)m;
        total += m;
        if (atoms > *hi) *hi = atoms;
        if (atoms < *lo) *lo = atoms;
    }
    *mean = (double)ds.n_atoms / (double)t->steps_per_epoch;
    return ok && total == n;
}

static void test_balanced_cells(void)
{
    const int sizes[] = {32, 48, 72, 108, 144, 256, 32, 72, 108, 48};
    mtt_trainer t;
    int64_t hi, lo;
    double mean;
    setup(&t, 171, sizes, 10, 4, 0, 0);
    mtt_trainer_plan_epoch(&t, 3);
    CU_ASSERT(check_partition(&t, &hi, &lo, &mean));
    const double spread_runs = (double)(hi - lo) / mean;
    printf("# consecutive runs: batch atoms %lld..%lld, mean %.1f\n", (long long)lo,
           (long long)hi, mean);
    teardown(&t);
    setup(&t, 171, sizes, 10, 4, 1, 0);
    for (int epoch = 0; epoch < 5; ++epoch) {
        mtt_trainer_plan_epoch(&t, epoch);
        CU_ASSERT(check_partition(&t, &hi, &lo, &mean));
        printf("# balanced, epoch %d: batch atoms %lld..%lld, mean %.1f\n", epoch,
               (long long)lo, (long long)hi, mean);
        CU_ASSERT((double)hi <= 1.03 * mean && (double)lo >= 0.94 * mean);
        CU_ASSERT((double)(hi - lo) / mean < 0.5 * spread_runs);
    }
    teardown(&t);
}

static void test_same_epoch_same_plan(void)
{
    const int sizes[] = {32, 48, 72, 108, 144, 256};
    mtt_trainer t;
    setup(&t, 50, sizes, 6, 4, 1, 0);
    size_t first[MAX_STRUCTURES + 1], ord[MAX_STRUCTURES];
    mtt_trainer_plan_epoch(&t, 7);
    const size_t S = (size_t)t.steps_per_epoch;
    memcpy(first, t.plan_first, (S + 1) * sizeof *first);
    memcpy(ord, t.order, 50 * sizeof *ord);
    mtt_trainer_plan_epoch(&t, 8);
    int differs = memcmp(ord, t.order, 50 * sizeof *ord) != 0;
    mtt_trainer_plan_epoch(&t, 7);
    CU_ASSERT(memcmp(first, t.plan_first, (S + 1) * sizeof *first) == 0);
    CU_ASSERT(memcmp(ord, t.order, 50 * sizeof *ord) == 0);
    CU_ASSERT(differs);
    teardown(&t);
}

static void test_equal_sizes_and_small_shards(void)
{
    const int nine[] = {9};
    mtt_trainer t;
    int64_t hi, lo;
    double mean;
    setup(&t, 90, nine, 1, 8, 1, 0);  /* 12 steps of 7 or 8 molecules */
    mtt_trainer_plan_epoch(&t, 0);
    CU_ASSERT(check_partition(&t, &hi, &lo, &mean));
    CU_ASSERT_EQUAL(t.steps_per_epoch, 12);
    CU_ASSERT(hi == 8 * 9 && lo == 7 * 9);
    teardown(&t);
    setup(&t, 3, nine, 1, 8, 1, 5);  /* another rank's larger shard sets 5 steps */
    mtt_trainer_plan_epoch(&t, 0);
    CU_ASSERT(check_partition(&t, &hi, &lo, &mean));
    CU_ASSERT(hi == 9 && lo == 0);
    teardown(&t);
}

static void test_consecutive_runs(void)
{
    const int sizes[] = {32, 256};
    mtt_trainer t;
    int64_t hi, lo;
    double mean;
    setup(&t, 90, sizes, 2, 8, 0, 0);
    mtt_trainer_plan_epoch(&t, 0);
    CU_ASSERT(check_partition(&t, &hi, &lo, &mean));
    for (int64_t k = 0; k <= t.steps_per_epoch; ++k)
        CU_ASSERT_EQUAL(t.plan_first[k], k < 12 ? (size_t)k * 8 : 90);
    teardown(&t);
}

/* One process (steps = ⌊n / bs⌋, as trainer_prepare.c sets them there):
 * whole batches only, as metatrain's drop_last; which structures sit out
 * changes with the epoch's shuffle. */
static void test_one_process_drops_partial_batch(void)
{
    const int sizes[] = {9, 12, 20};
    for (int balance = 0; balance <= 1; ++balance) {
        mtt_trainer t;
        setup(&t, 90, sizes, 3, 8, balance, 90 / 8);
        int out_differs = 0;
        size_t last_out = SIZE_MAX;
        for (int epoch = 0; epoch < 4; ++epoch) {
            mtt_trainer_plan_epoch(&t, epoch);
            int seen[MAX_STRUCTURES] = {0}, ok = 1;
            for (int64_t k = 0; k < t.steps_per_epoch; ++k) {
                size_t start, m;
                mtt_trainer_plan_batch(&t, k, &start, &m);
                ok &= m == 8 && totals[3 * k] == 8.0;
                for (size_t i = start; i < start + m; ++i) ok &= !seen[t.order[i]]++;
            }
            size_t out = 0, first_out = SIZE_MAX;
            for (size_t s2 = 0; s2 < 90; ++s2)
                if (!seen[s2]) out++, first_out = first_out == SIZE_MAX ? s2 : first_out;
            CU_ASSERT(ok && t.plan_first[t.steps_per_epoch] == 88 && out == 2);
            if (epoch > 0 && first_out != last_out) out_differs = 1;
            last_out = first_out;
        }
        CU_ASSERT(out_differs);
        teardown(&t);
    }
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("trainer plan", NULL, NULL);
    CU_add_test(s, "balanced batches of cells of 32-256 atoms", test_balanced_cells);
    CU_add_test(s, "one process: whole batches only, the rest sits out",
                test_one_process_drops_partial_batch);
    CU_add_test(s, "the same epoch gives the same plan, another epoch another",
                test_same_epoch_same_plan);
    CU_add_test(s, "equal sizes: counts 7 or 8; a small shard leaves empty batches",
                test_equal_sizes_and_small_shards);
    CU_add_test(s, "balance_batches false: consecutive runs, the last partial",
                test_consecutive_runs);
    return mtt_cunit_run_tap();
}
