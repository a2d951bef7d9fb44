/* test_shard.c — atom-balanced contiguous shards cover the list exactly once. */
#include "config.h"

#include <stdlib.h>

#include "cunit_tap.h"
#include "data/shard.h"

static void check_partition(const int32_t *na, size_t n, int size)
{
    size_t prev_end = 0;
    int64_t total = 0, worst = 0, max_one = 0;
    for (size_t i = 0; i < n; ++i) {
        total += na[i];
        if (na[i] > max_one) max_one = na[i];
    }
    for (int r = 0; r < size; ++r) {
        size_t b, e;
        mtt_shard_range(na, n, r, size, &b, &e);
        CU_ASSERT_EQUAL(b, prev_end);
        CU_ASSERT(e >= b);
        prev_end = e;
        int64_t atoms = 0;
        for (size_t i = b; i < e; ++i) atoms += na[i];
        int64_t dev = atoms * size - total;
        if (dev < 0) dev = -dev;
        if (dev > worst) worst = dev;
    }
    CU_ASSERT_EQUAL(prev_end, n);
    /* every rank within one largest structure of its share */
    CU_ASSERT(worst <= max_one * size);
}

static void test_equal_sizes(void)
{
    int32_t na[100];
    for (int i = 0; i < 100; ++i) na[i] = 9;
    size_t b, e;
    mtt_shard_range(na, 100, 0, 4, &b, &e);
    CU_ASSERT_EQUAL(b, 0);
    CU_ASSERT_EQUAL(e, 25);
    mtt_shard_range(na, 100, 3, 4, &b, &e);
    CU_ASSERT_EQUAL(b, 75);
    CU_ASSERT_EQUAL(e, 100);
    check_partition(na, 100, 4);
}

static void test_balanced_by_atoms_not_structures(void)
{
    /* one big structure then many small ones: rank 0 gets the big one only */
    int32_t na[11] = {100, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    size_t b, e;
    mtt_shard_range(na, 11, 0, 2, &b, &e);
    CU_ASSERT_EQUAL(b, 0);
    CU_ASSERT_EQUAL(e, 1);
    check_partition(na, 11, 2);
}

static void test_random_and_more_ranks_than_structures(void)
{
    int32_t na[257];
    unsigned s = 12345;
    for (int i = 0; i < 257; ++i) {
        s = s * 1103515245u + 12345u;
        na[i] = 1 + (int32_t)((s >> 16) % 500);
    }
    for (int size = 1; size <= 64; size *= 2) check_partition(na, 257, size);
    check_partition(na, 3, 8);  /* some ranks own nothing */
    check_partition(na, 0, 3);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("shard", NULL, NULL);
    CU_add_test(s, "equal sizes split evenly", test_equal_sizes);
    CU_add_test(s, "balanced by atoms", test_balanced_by_atoms_not_structures);
    CU_add_test(s, "random sizes, many ranks", test_random_and_more_ranks_than_structures);
    return mtt_cunit_run_tap();
}
