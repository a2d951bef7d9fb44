/* test_dataset.c — dataset statistics on ethanol and a hand-made dataset. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cunit_tap.h"
#include "data/dataset_stats.h"
#include "data/xyz.h"

static void test_stats_by_hand(void)
{
    mtt_dataset *ds = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_dataset_create(1, 0, 0, 0, &ds, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_dataset_reserve(ds, 3, 2, &err), MTT_OK);
    /* structure 0: 1 atom (Z=8) E=-2; structure 1: 2 atoms (1, 26) E=-8 */
    ds->numbers[0] = 8; ds->numbers[1] = 26; ds->numbers[2] = 1;
    ds->atom_start[0] = 0; ds->atom_start[1] = 1; ds->atom_start[2] = 3;
    ds->energy[0] = -2; ds->energy[1] = -8;
    ds->n_atoms = 3; ds->n_structures = 2;
    mtt_dataset_stats st;
    mtt_dataset_stats_compute(ds, &st);
    CU_ASSERT_EQUAL(st.n_types, 3);
    CU_ASSERT_EQUAL(st.types[0], 1);
    CU_ASSERT_EQUAL(st.types[1], 8);
    CU_ASSERT_EQUAL(st.types[2], 26);
    /* per-atom energies -2 and -4: mean -3, population std 1 */
    CU_ASSERT_DOUBLE_EQUAL(st.energy_per_atom_mean, -3.0, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(st.energy_per_atom_std, 1.0, 1e-14);
    CU_ASSERT_TRUE(st.has_energy);
    CU_ASSERT_FALSE(st.has_forces);
    mtt_dataset_stats_log(&st, "hand-made set");
    mtt_dataset_shrink(ds);
    CU_ASSERT_EQUAL(ds->cap_atoms, 3);
    CU_ASSERT(mtt_dataset_bytes(ds) > 0);
    mtt_dataset_free(ds);
    mtt_dataset_free(NULL);
}

static void test_stats_ethanol(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/xyz/ethanol_reduced_100.xyz", mtt_test_data_dir());
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    mtt_dataset *ds = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_xyz_read(path, NULL, NULL, 0, &keys, &ds, &err), MTT_OK);
    mtt_dataset_stats st;
    mtt_dataset_stats_compute(ds, &st);
    CU_ASSERT_EQUAL(st.n_structures, 100);
    CU_ASSERT_EQUAL(st.n_atoms, 900);
    CU_ASSERT_EQUAL(st.n_types, 3);
    CU_ASSERT_EQUAL(st.types[0], 1);
    CU_ASSERT_EQUAL(st.types[1], 6);
    CU_ASSERT_EQUAL(st.types[2], 8);
    /* two-pass reference */
    double mean = 0, var = 0;
    for (size_t s = 0; s < 100; ++s) mean += ds->energy[s] / 9.0;
    mean /= 100;
    for (size_t s = 0; s < 100; ++s) var += pow(ds->energy[s] / 9.0 - mean, 2);
    CU_ASSERT_DOUBLE_EQUAL(st.energy_per_atom_mean, mean, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(st.energy_per_atom_std, sqrt(var / 100), 1e-9);
    CU_ASSERT(st.energy_per_atom_mean < -10786 && st.energy_per_atom_mean > -10787);
    CU_ASSERT_TRUE(st.has_forces);
    mtt_dataset_stats_log(&st, "ethanol");
    mtt_dataset_free(ds);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dataset", NULL, NULL);
    CU_add_test(s, "statistics by hand", test_stats_by_hand);
    CU_add_test(s, "statistics of ethanol", test_stats_ethanol);
    return mtt_cunit_run_tap();
}
