/* test_model_file.c — the exported model: write/read round trip, libmtt
 * open/query/compute, bad input to compute, damaged files, metadata YAML. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "cunit_tap.h"
#include "io/export.h"
#include "io/model_build.h"
#include "io/model_file.h"
#include "model/neighbors.h"
#include "model_fixture.h"
#include "mtt/mtt.h"
#include "options/metadata.h"

static char dir[256];
static char path[300];

static const char *meta_text =
    "name: \"Ethanol SOAP-BPNN \xc3\xa9t\xc3\xa9\"\n"
    "description: a test model\n"
    "authors: [\"Ana \xc3\x85str\xc3\xb6m\", Bob]\n"
    "references:\n  architecture: [\"doi:10.1/arch\"]\n  implementation: [mtt]\n"
    "extra: {dataset: ethanol, \"k\\\"q\": \"v\\\\w\"}\n";

static int write_model(const char *p, mtt_model_file *mf)
{
    mtt_error err;
    if (mtt_test_model_file(mf, 42, &err) != MTT_OK) return 0;
    if (mtt_export_set_metadata(mf, meta_text, "meta", &err) != MTT_OK) return 0;
    if (mtt_export_model_file(mf, p, &err) != MTT_OK) {
        fprintf(stderr, "# %s\n", err.msg);
        return 0;
    }
    return 1;
}

static void test_round_trip(void)
{
    mtt_model_file a, b;
    mtt_error err;
    CU_ASSERT_FATAL(write_model(path, &a));
    CU_ASSERT_EQUAL_FATAL(mtt_model_file_read(path, &b, &err), MTT_OK);
    CU_ASSERT_EQUAL(b.format_version, MTT_MODEL_FORMAT_VERSION);
    CU_ASSERT_STRING_EQUAL(b.architecture, "soap_bpnn");
    CU_ASSERT_STRING_EQUAL(b.energy_unit, "eV");
    CU_ASSERT_STRING_EQUAL(b.length_unit, "angstrom");
    CU_ASSERT_EQUAL(b.epoch, 7);
    CU_ASSERT_EQUAL(b.n_params, a.n_params);
    CU_ASSERT(memcmp(a.params, b.params, a.n_params * sizeof(double)) == 0);
    CU_ASSERT_EQUAL(b.n_tensors, a.n_tensors);
    CU_ASSERT_STRING_EQUAL(b.layout[1].name, a.layout[1].name);
    CU_ASSERT_EQUAL(b.layout[1].offset, a.layout[1].offset);
    CU_ASSERT_STRING_EQUAL(b.metadata_yaml, a.metadata_yaml);
    CU_ASSERT_EQUAL(b.test_n_atoms, a.test_n_atoms);
    CU_ASSERT_DOUBLE_EQUAL(b.test_energy, a.test_energy, 0.0);
    CU_ASSERT(b.cutoff == 4.0 && b.composition_scale == 0.7 && b.composition[2] == a.composition[2]);
    mtt_model_file_free(&a);
    mtt_model_file_free(&b);
}

static const double water_pos[] = {0.0, 0.0, 0.0, 0.96, 0.0, 0.0, -0.24, 0.93, 0.0,
                                    2.5, 0.3, 0.1, 3.1, 0.9, 0.4};
static const int water_z[] = {8, 1, 1, 6, 1};

static void test_api(void)
{
    mtt_model *m = NULL;
    mtt_model_error e;
    CU_ASSERT_EQUAL_FATAL(mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &m, &e), MTT_MODEL_OK);
    size_t nt = 0;
    const int *types = mtt_model_atomic_types(m, &nt);
    CU_ASSERT(nt == 3 && types[0] == 1 && types[1] == 6 && types[2] == 8);
    CU_ASSERT_DOUBLE_EQUAL(mtt_model_cutoff(m), 4.0, 0.0);
    CU_ASSERT_STRING_EQUAL(mtt_model_energy_unit(m), "eV");
    CU_ASSERT_STRING_EQUAL(mtt_model_name(m), "Ethanol SOAP-BPNN \xc3\xa9t\xc3\xa9");
    CU_ASSERT_EQUAL(mtt_model_n_authors(m), 2);
    CU_ASSERT_STRING_EQUAL(mtt_model_author(m, 0), "Ana \xc3\x85str\xc3\xb6m");
    CU_ASSERT_PTR_NULL(mtt_model_author(m, 2));
    CU_ASSERT_EQUAL(mtt_model_n_references(m, "architecture"), 1);
    CU_ASSERT_EQUAL(mtt_model_n_references(m, "model"), 0);
    CU_ASSERT_STRING_EQUAL(mtt_model_reference(m, "implementation", 0), "mtt");
    CU_ASSERT_EQUAL(mtt_model_n_extra(m), 2);
    CU_ASSERT_STRING_EQUAL(mtt_model_extra_key(m, 1), "k\"q");
    CU_ASSERT_STRING_EQUAL(mtt_model_extra_value(m, 1), "v\\w");
    CU_ASSERT_EQUAL(mtt_model_epoch(m), 7);

    double e1 = 0, f[15], ae[5], vir[9];
    CU_ASSERT_EQUAL_FATAL(mtt_model_compute(m, 5, water_pos, water_z, NULL, NULL, &e1, f, ae,
                                            vir, &e), MTT_MODEL_OK);
    double sum = 0.0, fsum[3] = {0, 0, 0};
    for (int i = 0; i < 5; ++i) {
        sum += ae[i];
        for (int d = 0; d < 3; ++d) fsum[d] += f[3 * i + d];
    }
    CU_ASSERT_DOUBLE_EQUAL(sum, e1, 1e-10 * fabs(e1));
    for (int d = 0; d < 3; ++d) CU_ASSERT_DOUBLE_EQUAL(fsum[d], 0.0, 1e-10);  /* Newton's third law */
    /* forces are −∂E/∂x: central difference on one coordinate */
    double p[15], ep, em, h = 1e-5;
    memcpy(p, water_pos, sizeof p);
    p[3] += h;
    mtt_model_compute(m, 5, p, water_z, NULL, NULL, &ep, NULL, NULL, NULL, &e);
    p[3] -= 2 * h;
    mtt_model_compute(m, 5, p, water_z, NULL, NULL, &em, NULL, NULL, NULL, &e);
    CU_ASSERT_DOUBLE_EQUAL(-(ep - em) / (2 * h), f[3], 1e-6);
    /* the virial without forces (no force output, the force pass still runs), from a
     * workspace the calls above left in the model's pool: the same numbers */
    double e2 = 0, vir2[9];
    CU_ASSERT_EQUAL_FATAL(mtt_model_compute(m, 5, water_pos, water_z, NULL, NULL, &e2, NULL, NULL,
                                            vir2, &e), MTT_MODEL_OK);
    CU_ASSERT_DOUBLE_EQUAL(e2, e1, 0.0);
    for (int q = 0; q < 9; ++q) CU_ASSERT_DOUBLE_EQUAL(vir2[q], vir[q], 1e-12 * (1.0 + fabs(vir[q])));
    mtt_model_close(m);
}

static void expect_input_error(const mtt_model *m, int n, const double *pos, const int *z,
                               const double *cell, const int *pbc, const char *needle)
{
    mtt_model_error e;
    double en = 12345.0;
    mtt_model_status st = mtt_model_compute(m, n, pos, z, cell, pbc, &en, NULL, NULL, NULL, &e);
    CU_ASSERT_EQUAL(st, MTT_MODEL_ERR_INPUT);
    CU_ASSERT_EQUAL(e.status, MTT_MODEL_ERR_INPUT);
    CU_ASSERT_DOUBLE_EQUAL(en, 12345.0, 0.0);
    if (!strstr(e.message, needle)) {
        fprintf(stderr, "# message '%s' lacks '%s'\n", e.message, needle);
        CU_FAIL("message");
    }
}

static void test_bad_input(void)
{
    mtt_model *m = NULL;
    mtt_model_error e;
    CU_ASSERT_EQUAL_FATAL(mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &m, &e), MTT_MODEL_OK);
    double pos[15];
    int z[5];
    memcpy(pos, water_pos, sizeof pos);
    memcpy(z, water_z, sizeof z);
    z[3] = 79;
    expect_input_error(m, 5, pos, z, NULL, NULL, "atomic number 79");
    z[3] = 6;
    pos[4] = NAN;
    expect_input_error(m, 5, pos, z, NULL, NULL, "non-finite");
    pos[4] = 1e12;
    expect_input_error(m, 5, pos, z, NULL, NULL, "farther than");
    pos[4] = 0.0;
    double flat[9] = {5, 0, 0, 0, 5, 0, 5, 5, 0};
    int pbc[3] = {1, 1, 1};
    expect_input_error(m, 5, pos, z, flat, pbc, "zero volume");
    expect_input_error(m, 5, pos, z, NULL, pbc, "no cell");
    double en;
    CU_ASSERT_EQUAL(mtt_model_compute(m, 0, pos, z, NULL, NULL, &en, NULL, NULL, NULL, &e),
                    MTT_MODEL_ERR_ARGUMENT);
    CU_ASSERT_EQUAL(mtt_model_compute(NULL, 5, pos, z, NULL, NULL, &en, NULL, NULL, NULL, NULL),
                    MTT_MODEL_ERR_ARGUMENT);
    /* a periodic structure works, and gives a virial */
    double cell[9] = {6, 0, 0, 0.5, 6, 0, 0, 0, 6}, vir[9];
    CU_ASSERT_EQUAL(mtt_model_compute(m, 5, pos, z, cell, pbc, &en, NULL, NULL, vir, &e),
                    MTT_MODEL_OK);
    mtt_model_close(m);
}

/* The neighbour list itself refuses an atom 1e12 cell lengths away instead
 * of overflowing its integer image counts. */
static void test_neighbors_far_atom(void)
{
    double pos[6] = {0, 0, 0, 1e12, 0, 0}, cell[9] = {3, 0, 0, 0, 3, 0, 0, 0, 3};
    int pbc[3] = {1, 1, 1};
    mtt_nlist nl;
    mtt_error err;
    mtt_nlist_init(&nl);
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 2, pos, cell, pbc, 2.0, &err), MTT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "atom 1"));
    pos[3] = 1e12;
    CU_ASSERT_EQUAL(mtt_nlist_build(&nl, 2, pos, NULL, NULL, 2.0, &err), MTT_OK);
    CU_ASSERT_EQUAL(nl.n_pairs, 0);
    mtt_nlist_free(&nl);
}

/* Flip each byte of the parameters' raw data in turn: every flip is found. */
static void test_flipped_bytes(void)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "parameters", H5P_DEFAULT);
    haddr_t off = H5Dget_offset(ds);
    hsize_t size = H5Dget_storage_size(ds);
    H5Dclose(ds);
    H5Fclose(f);
    CU_ASSERT_FATAL(off != HADDR_UNDEF && size > 0);
    FILE *fp = fopen(path, "r+b");
    CU_ASSERT_FATAL(fp != NULL);
    int missed = 0;
    for (hsize_t i = 0; i < size; i += 3) {
        unsigned char c;
        fseek(fp, (long)(off + i), SEEK_SET);
        if (fread(&c, 1, 1, fp) != 1) break;
        unsigned char x = c ^ 0x10;
        fseek(fp, (long)(off + i), SEEK_SET);
        fwrite(&x, 1, 1, fp);
        fflush(fp);
        mtt_model *m = NULL;
        mtt_model_error e;
        if (mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &m, &e) != MTT_MODEL_ERR_FORMAT ||
            !strstr(e.message, "parameters does not match its checksum"))
            ++missed;
        mtt_model_close(m);
        fseek(fp, (long)(off + i), SEEK_SET);
        fwrite(&c, 1, 1, fp);
        fflush(fp);
    }
    fclose(fp);
    CU_ASSERT_EQUAL(missed, 0);
    mtt_model *m = NULL;
    mtt_model_error e;
    CU_ASSERT_EQUAL(mtt_model_open(path, MTT_MODEL_OPEN_QUIET, &m, &e), MTT_MODEL_OK);
    mtt_model_close(m);
}

static void test_write_errors(void)
{
    mtt_model_file mf;
    mtt_error err;
    char p[400];
    CU_ASSERT_FATAL(mtt_test_model_file(&mf, 1, &err) == MTT_OK);
    snprintf(p, sizeof p, "%s/no/such/folder/m.pt", dir);
    CU_ASSERT_EQUAL(mtt_export_model_file(&mf, p, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no/such/folder"));
    mtt_model_file_free(&mf);
    mtt_model *m = NULL;
    mtt_model_error e;
    CU_ASSERT_EQUAL(mtt_model_open(p, 0, &m, &e), MTT_MODEL_ERR_IO);
    CU_ASSERT_PTR_NULL(m);
}

static void expect_meta_error(const char *text, const char *needle)
{
    mtt_metadata *md = NULL;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_metadata_parse(text, "m.yaml", &md, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NULL(md);
    if (!strstr(err.msg, needle)) {
        fprintf(stderr, "# message '%s' lacks '%s'\n", err.msg, needle);
        CU_FAIL("metadata message");
    }
}

static void test_metadata(void)
{
    expect_meta_error("name: x\nlicence: MIT\n",
                      "m.yaml:2:1: licence: unknown key; the allowed keys are name, description, "
                      "authors, references, extra");
    expect_meta_error("references: {papers: [a]}\n", "references.papers: unknown key");
    expect_meta_error("authors: {a: b}\n", "authors: expected a list");
    expect_meta_error("name: [a, b]\n", "name: expected a text");
    expect_meta_error("name: \"unclosed\n", "m.yaml:");
    mtt_metadata *a = NULL, *b = NULL;
    mtt_error err;
    char *t1 = NULL, *t2 = NULL;
    CU_ASSERT_EQUAL_FATAL(mtt_metadata_parse(meta_text, "m", &a, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_metadata_to_yaml(a, &t1, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_metadata_parse(t1, "m", &b, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_metadata_to_yaml(b, &t2, &err), MTT_OK);
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT_STRING_EQUAL(b->authors[0], "Ana \xc3\x85str\xc3\xb6m");
    CU_ASSERT_STRING_EQUAL(b->description, "a test model");
    free(t1);
    free(t2);
    mtt_metadata_free(a);
    mtt_metadata_free(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/mtt-model-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/m.pt", dir);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("model_file", NULL, NULL);
    CU_add_test(s, "write then read gives the same model", test_round_trip);
    CU_add_test(s, "libmtt open, queries, compute (sums, forces = -dE/dx)", test_api);
    CU_add_test(s, "compute rejects unknown types, NaN, far atoms, flat cells", test_bad_input);
    CU_add_test(s, "neighbour list refuses an atom 1e12 A away", test_neighbors_far_atom);
    CU_add_test(s, "every flipped parameter byte is detected", test_flipped_bytes);
    CU_add_test(s, "output folder that does not exist", test_write_errors);
    CU_add_test(s, "metadata YAML: errors, canonical round trip, UTF-8", test_metadata);
    int rc = mtt_cunit_run_tap();
    unlink(path);
    rmdir(dir);
    return rc;
}
