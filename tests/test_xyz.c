/* test_xyz.c — reading good extended-XYZ files: values checked against the
 * files (and ASE for ase_periodic.xyz), index and subset reading. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cunit_tap.h"
#include "data/xyz.h"

static const mtt_xyz_keys energy_forces = {"energy", "forces", NULL, NULL};
static const mtt_xyz_keys with_stress = {"energy", "forces", "stress", NULL};
static const mtt_xyz_keys with_virial = {"energy", "forces", "stress", "virial"};

static const char *data(const char *name)
{
    static char buf[4][4096];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/xyz/%s", mtt_test_data_dir(), name);
    return buf[k];
}

static mtt_dataset *read_ok(const char *name, const mtt_xyz_keys *keys)
{
    mtt_dataset *ds = NULL;
    mtt_error err;
    mtt_error_clear(&err);
    mtt_status st = mtt_xyz_read(data(name), NULL, NULL, 0, keys, &ds, &err);
    if (st != MTT_OK) printf("# %s\n", err.msg);
    CU_ASSERT_EQUAL(st, MTT_OK);
    return ds;
}

static void test_ethanol(void)
{
    mtt_dataset *ds = read_ok("ethanol_reduced_100.xyz", &energy_forces);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_structures, 100);
    CU_ASSERT_EQUAL(ds->n_atoms, 900);
    CU_ASSERT_EQUAL(ds->atom_start[100], 900);
    CU_ASSERT_TRUE(ds->has_energy && ds->has_forces);
    CU_ASSERT_FALSE(ds->has_stress || ds->has_virial);
    CU_ASSERT_EQUAL(ds->numbers[0], 1);
    CU_ASSERT_EQUAL(ds->positions[0], 0.16712676);
    CU_ASSERT_EQUAL(ds->positions[1], -1.19985031);
    CU_ASSERT_EQUAL(ds->positions[2], 0.84958249);
    CU_ASSERT_EQUAL(ds->forces[0], -32.31755688687498);
    CU_ASSERT_EQUAL(ds->forces[2], -8.174049461946362);
    CU_ASSERT_EQUAL(ds->energy[0], -97079.92222178938);
    CU_ASSERT_EQUAL(ds->energy[99], -97078.09991335492);
    CU_ASSERT_EQUAL(ds->numbers[899], 8);
    CU_ASSERT_EQUAL(ds->positions[3 * 899 + 0], 0.16231922);
    CU_ASSERT_EQUAL(ds->positions[3 * 899 + 2], 0.41324323);
    CU_ASSERT_EQUAL(ds->forces[3 * 899 + 1], 34.80744668309301);
    CU_ASSERT_EQUAL(ds->numbers[898], 6);
    CU_ASSERT_EQUAL(ds->frame[99], 99);
    for (int k = 0; k < 9; ++k) CU_ASSERT_EQUAL(ds->cell[9 * 50 + k], 0.0);
    CU_ASSERT_EQUAL(ds->pbc[0] + ds->pbc[1] + ds->pbc[2], 0);
    mtt_dataset_free(ds);
}

static void test_qm9_no_forces_is_a_warning(void)
{
    mtt_xyz_keys keys = {"U0", "forces", NULL, NULL};
    mtt_dataset *ds = read_ok("qm9_reduced_100.xyz", &keys);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_structures, 100);
    CU_ASSERT_FALSE(ds->has_forces);
    CU_ASSERT_PTR_NULL(ds->forces);
    CU_ASSERT_EQUAL(ds->energy[0], -40.47893);
    CU_ASSERT_EQUAL(ds->energy[99], -232.334436);
    CU_ASSERT_EQUAL(ds->numbers[0], 6);
    CU_ASSERT_EQUAL(ds->positions[0], -0.01269814);
    CU_ASSERT_EQUAL(ds->positions[1], 1.08580416);
    size_t last = ds->n_atoms - 1;
    CU_ASSERT_EQUAL(ds->numbers[last], 1);
    CU_ASSERT_EQUAL(ds->positions[3 * last + 0], 2.28152757);
    CU_ASSERT_EQUAL(ds->positions[3 * last + 1], -0.57796414);
    CU_ASSERT_EQUAL(ds->pbc[3 * 99 + 2], 0);
    mtt_dataset_free(ds);
}

static void test_forces_missing_in_one_frame(void)
{
    mtt_dataset *ds = read_ok("no_forces_second.xyz", &energy_forces);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_structures, 2);
    CU_ASSERT_FALSE(ds->has_forces);
    CU_ASSERT_EQUAL(ds->energy[1], -2.0);
    mtt_dataset_free(ds);
}

/* Reference values printed by ASE 3.2x reading the same file. */
static void test_ase_periodic(void)
{
    mtt_dataset *ds = read_ok("ase_periodic.xyz", &with_stress);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_structures, 3);
    CU_ASSERT_TRUE(ds->has_stress);
    CU_ASSERT_EQUAL(ds->energy[1], -13.5);
    const double cell[9] = {5, 0, 0, 0.5, 5.5, 0, 0.1, 0.2, 6.0};
    for (int k = 0; k < 9; ++k) CU_ASSERT_EQUAL(ds->cell[9 + k], cell[k]);
    CU_ASSERT_TRUE(ds->pbc[3] && ds->pbc[4] && !ds->pbc[5]);
    CU_ASSERT_TRUE(ds->pbc[0] && ds->pbc[1] && ds->pbc[2]);
    CU_ASSERT_EQUAL(ds->stress[9 + 0], 0.8268253295567211);
    CU_ASSERT_EQUAL(ds->stress[9 + 5], 0.24555226724317758);
    CU_ASSERT_EQUAL(ds->stress[9 + 7], 0.24555226724317758);
    CU_ASSERT_EQUAL(ds->forces[3 * 4 + 0], -0.28478183);
    CU_ASSERT_EQUAL(ds->forces[3 * 4 + 2], 0.30505483);
    CU_ASSERT_EQUAL(ds->numbers[3], 17);
    CU_ASSERT_EQUAL(ds->positions[3 * 3 + 1], 2.26053933);
    mtt_dataset_free(ds);
}

static void test_extra_columns_quotes_voigt(void)
{
    mtt_dataset *ds = read_ok("extra_columns.xyz", &with_virial);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_structures, 2);
    CU_ASSERT_EQUAL(ds->n_atoms, 5);
    CU_ASSERT_EQUAL(ds->numbers[0], 8);
    CU_ASSERT_EQUAL(ds->numbers[1], 1);
    CU_ASSERT_EQUAL(ds->positions[3], 0.75);
    CU_ASSERT_EQUAL(ds->forces[0], 0.1);       /* not dft_force */
    CU_ASSERT_EQUAL(ds->forces[3 * 2 + 2], -0.15);
    CU_ASSERT_EQUAL(ds->energy[0], -10.5);
    /* Voigt xx yy zz yz xz xy = 1 2 3 0.3 0.2 0.1 */
    const double s0[9] = {1, 0.1, 0.2, 0.1, 2, 0.3, 0.2, 0.3, 3};
    for (int k = 0; k < 9; ++k) CU_ASSERT_EQUAL(ds->stress[k], s0[k]);
    CU_ASSERT_TRUE(ds->pbc[0] && ds->pbc[1] && !ds->pbc[2]);
    CU_ASSERT_EQUAL(ds->cell[4], 6.0);
    /* frame 2: Z column, spaces around '=', quoted key, exponents */
    CU_ASSERT_EQUAL(ds->numbers[3], 26);
    CU_ASSERT_EQUAL(ds->numbers[4], 8);
    CU_ASSERT_EQUAL(ds->energy[1], -25.0);
    CU_ASSERT_EQUAL(ds->positions[3 * 4 + 0], 1.5);
    CU_ASSERT_EQUAL(ds->forces[3 * 3 + 0], 0.1);
    CU_ASSERT_EQUAL(ds->forces[3 * 3 + 1], -0.2);
    CU_ASSERT_EQUAL(ds->forces[3 * 3 + 2], 3.0);
    CU_ASSERT_EQUAL(ds->cell[9 + 3], 1.0);
    CU_ASSERT_TRUE(ds->pbc[3] && ds->pbc[4] && ds->pbc[5]);
    CU_ASSERT_EQUAL(ds->stress[9 + 8], 1.0);
    CU_ASSERT_TRUE_FATAL(ds->has_virial);
    for (int k = 0; k < 9; ++k) CU_ASSERT_EQUAL(ds->virial[k], (double)(k + 1));
    for (int k = 0; k < 9; ++k) CU_ASSERT_EQUAL(ds->virial[9 + k], s0[k]);
    mtt_dataset_free(ds);
}

static void test_index_and_subset(void)
{
    const char *path = data("ethanol_reduced_100.xyz");
    mtt_xyz_index *idx = NULL;
    mtt_dataset *all = NULL, *sub = NULL, *sub2 = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_xyz_index_build(path, &idx, &err), MTT_OK);
    CU_ASSERT_EQUAL(idx->n_frames, 100);
    CU_ASSERT_EQUAL(idx->line[0], 1);
    CU_ASSERT_EQUAL(idx->line[99], 1 + 11 * 99);
    CU_ASSERT_EQUAL(idx->offset[0], 0);
    CU_ASSERT_EQUAL(idx->n_atoms[42], 9);
    const size_t frames[] = {5, 0, 99, 42, 42};
    CU_ASSERT_EQUAL(mtt_xyz_read(path, NULL, NULL, 0, &energy_forces, &all, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_xyz_read(path, idx, frames, 5, &energy_forces, &sub, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_xyz_read(path, NULL, frames, 5, &energy_forces, &sub2, &err), MTT_OK);
    CU_ASSERT_FATAL(all && sub && sub2);
    CU_ASSERT_EQUAL(sub->n_structures, 5);
    CU_ASSERT_EQUAL(sub->n_atoms, 45);
    for (size_t i = 0; i < 5; ++i) {
        size_t f = frames[i];
        CU_ASSERT_EQUAL(sub->frame[i], f);
        CU_ASSERT_EQUAL(sub->energy[i], all->energy[f]);
        CU_ASSERT_EQUAL(sub2->energy[i], all->energy[f]);
        size_t a = (size_t)sub->atom_start[i], b = (size_t)all->atom_start[f];
        CU_ASSERT_EQUAL(memcmp(sub->positions + 3 * a, all->positions + 3 * b,
                               9 * 3 * sizeof(double)), 0);
        CU_ASSERT_EQUAL(memcmp(sub->forces + 3 * a, all->forces + 3 * b,
                               9 * 3 * sizeof(double)), 0);
        CU_ASSERT_EQUAL(memcmp(sub->numbers + a, all->numbers + b, 9 * sizeof(int)), 0);
        CU_ASSERT_EQUAL(memcmp(sub2->positions + 3 * a, all->positions + 3 * b,
                               9 * 3 * sizeof(double)), 0);
    }
    /* all frames through the index equal the streaming read */
    mtt_dataset *via_idx = NULL;
    CU_ASSERT_EQUAL(mtt_xyz_read(path, idx, NULL, 0, &energy_forces, &via_idx, &err), MTT_OK);
    CU_ASSERT_FATAL(via_idx != NULL);
    CU_ASSERT_EQUAL(via_idx->n_atoms, all->n_atoms);
    CU_ASSERT_EQUAL(memcmp(via_idx->positions, all->positions, 3 * 900 * sizeof(double)), 0);
    CU_ASSERT_EQUAL(memcmp(via_idx->energy, all->energy, 100 * sizeof(double)), 0);
    const size_t out_of_range = 100;
    mtt_dataset *bad = NULL;
    CU_ASSERT_EQUAL(mtt_xyz_read(path, idx, &out_of_range, 1, &energy_forces, &bad, &err),
                    MTT_ERR_DATA);
    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "frame 100 requested"));
    mtt_dataset_free(via_idx);
    mtt_dataset_free(all);
    mtt_dataset_free(sub);
    mtt_dataset_free(sub2);
    mtt_xyz_index_free(idx);
}

static void test_crlf_and_missing_virial(void)
{
    mtt_dataset *ds = read_ok("crlf.xyz", &with_virial);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->n_atoms, 2);
    CU_ASSERT_EQUAL(ds->energy[0], -3.5);
    CU_ASSERT_EQUAL(ds->forces[5], -3.25);
    CU_ASSERT_EQUAL(ds->numbers[1], 8);
    CU_ASSERT_FALSE(ds->has_stress || ds->has_virial);
    CU_ASSERT_PTR_NULL(ds->virial);
    mtt_dataset_free(ds);
}

static void test_no_keys_positions_only(void)
{
    mtt_dataset *ds = read_ok("ethanol_reduced_100.xyz", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_PTR_NULL(ds->energy);
    CU_ASSERT_PTR_NULL(ds->forces);
    CU_ASSERT_EQUAL(ds->n_atoms, 900);
    mtt_dataset_free(ds);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("xyz", NULL, NULL);
    CU_add_test(s, "ethanol values", test_ethanol);
    CU_add_test(s, "qm9 U0, missing forces is a warning", test_qm9_no_forces_is_a_warning);
    CU_add_test(s, "forces missing in one frame", test_forces_missing_in_one_frame);
    CU_add_test(s, "ASE periodic file with stress", test_ase_periodic);
    CU_add_test(s, "extra columns, quotes, Voigt stress", test_extra_columns_quotes_voigt);
    CU_add_test(s, "index and subset equal full read", test_index_and_subset);
    CU_add_test(s, "CRLF lines, missing stress/virial", test_crlf_and_missing_virial);
    CU_add_test(s, "no keys: positions only", test_no_keys_positions_only);
    return mtt_cunit_run_tap();
}
