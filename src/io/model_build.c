/* model_build.c — model file → soap_bpnn model; the self-test (model_build.h). */
#include "config.h"

#include "io/model_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

mtt_status mtt_model_file_build(const mtt_model_file *mf, const char *path, mtt_sbp_model **out,
                                mtt_error *err)
{
    *out = NULL;
    MTT_RETURN_ERROR_IF(strcmp(mf->architecture, "soap_bpnn") != 0, err, MTT_ERR_CHECKPOINT,
                        "%s: architecture '%s' is not one this mtt can run (soap_bpnn)", path,
                        mf->architecture);
    MTT_RETURN_ERROR_IF(mf->n_species == 0, err, MTT_ERR_CHECKPOINT,
                        "%s: the model has no atomic types", path);
    int *species = malloc(mf->n_species * sizeof *species);
    MTT_RETURN_ERROR_IF(!species, err, MTT_ERR_NOMEM, "out of memory building %s", path);
    for (size_t i = 0; i < mf->n_species; ++i) species[i] = mf->species[i];
    mtt_sbp_config cfg = {
        .cutoff = mf->cutoff, .width = mf->cutoff_width, .max_radial = mf->max_radial,
        .max_angular = mf->max_angular, .num_hidden_layers = mf->num_hidden_layers,
        .num_neurons_per_layer = mf->num_neurons_per_layer, .layernorm = mf->layernorm,
        .n_species = mf->n_species, .species = species,
        .grid_spacing = mf->radial_grid_spacing};
    mtt_sbp_model *m = NULL;
    mtt_status st = mtt_sbp_create(&cfg, &m, err);
    free(species);
    if (st != MTT_OK) {
        mtt_error_prefix(err, "%s: the stored hyperparameters do not build a model: ", path);
        err->status = st = MTT_ERR_CHECKPOINT;
        return st;
    }
    const mtt_mlp *net = m->mlp;
    if (mf->n_params != m->n_params || mf->n_tensors != net->n_tensors) {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                           "%s: %zu parameters in %zu tensors stored, but the hyperparameters "
                           "need %zu in %zu; the file is inconsistent", path, mf->n_params,
                           mf->n_tensors, m->n_params, net->n_tensors);
        goto fail;
    }
    for (size_t i = 0; i < net->n_tensors; ++i) {
        const mtt_mlp_tensor *a = &net->tensors[i];
        const mtt_model_tensor *b = &mf->layout[i];
        if (strcmp(a->name, b->name) != 0 || (int64_t)a->offset != b->offset ||
            (int64_t)a->rows != b->rows || (int64_t)a->cols != b->cols) {
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                               "%s: layout entry %zu is %s at %lld [%lld x %lld], expected %s at "
                               "%zu [%zu x %zu]", path, i, b->name, (long long)b->offset,
                               (long long)b->rows, (long long)b->cols, a->name, a->offset,
                               a->rows, a->cols);
            goto fail;
        }
    }
    memcpy(m->composition, mf->composition, mf->n_species * sizeof *m->composition);
    m->scale = mf->composition_scale;
    *out = m;
    return MTT_OK;
fail:
    mtt_sbp_free(m);
    return st;
}

mtt_status mtt_model_selftest_make(mtt_model_file *mf, const mtt_sbp_model *m, mtt_error *err)
{
    /* k³ sites of a simple cubic lattice, spacing a, jittered by ±0.15 a:
     * every type at least once, neighbours within any cutoff ≥ a. */
    size_t k = 2;
    while (k * k * k < m->n_species) ++k;
    const size_t n = k * k * k;
    const double a = m->soap->cutoff / 2.5 > 1.2 ? m->soap->cutoff / 2.5 : 1.2;
    free(mf->test_numbers);
    free(mf->test_positions);
    free(mf->test_forces);
    mf->test_numbers = malloc(n * sizeof *mf->test_numbers);
    mf->test_positions = malloc(3 * n * sizeof *mf->test_positions);
    mf->test_forces = malloc(3 * n * sizeof *mf->test_forces);
    MTT_RETURN_ERROR_IF(!mf->test_numbers || !mf->test_positions || !mf->test_forces, err,
                        MTT_ERR_NOMEM, "out of memory for the self-test structure");
    mf->test_n_atoms = (int)n;
    uint64_t counter = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t site[3] = {i / (k * k), (i / k) % k, i % k};
        mf->test_numbers[i] = m->species[i % m->n_species];
        for (int d = 0; d < 3; ++d)
            mf->test_positions[3 * i + d] =
                a * ((double)site[d] + 0.3 * (mtt_rng_uniform(20261201, 0, counter++) - 0.5));
    }
    memset(mf->test_cell, 0, sizeof mf->test_cell);
    for (int d = 0; d < 3; ++d) {
        mf->test_cell[4 * d] = a * (double)k;
        mf->test_pbc[d] = 1;
    }
    mf->test_cell[3] = 0.1 * a;  /* slightly triclinic: every virial component matters */
    int *numbers = malloc(n * sizeof *numbers);
    MTT_RETURN_ERROR_IF(!numbers, err, MTT_ERR_NOMEM, "out of memory for the self-test");
    for (size_t i = 0; i < n; ++i) numbers[i] = mf->test_numbers[i];
    unsigned char pbc[3] = {1, 1, 1};
    mtt_structure s = {(int)n, numbers, mf->test_positions, mf->test_cell, pbc};
    double deps[9];
    mtt_status st = mtt_sbp_predict_one(m, mf->params, &s, &mf->test_energy, mf->test_forces,
                                        NULL, deps, err);
    for (int q = 0; q < 9; ++q) mf->test_virial[q] = -deps[q];
    free(numbers);
    return st;
}

/* Largest |x| of n values, at least 1e-8 / rtol so tiny values compare absolutely. */
static double scale_of(const double *x, size_t n)
{
    double s = 1e-8 / MTT_SELF_TEST_RTOL;
    for (size_t i = 0; i < n; ++i)
        if (fabs(x[i]) > s) s = fabs(x[i]);
    return s;
}

mtt_status mtt_model_selftest_check(const mtt_model_file *mf, const char *path,
                                    const mtt_sbp_model *m, mtt_error *err)
{
    const size_t n = (size_t)mf->test_n_atoms;
    MTT_RETURN_ERROR_IF(n == 0, err, MTT_ERR_CHECKPOINT, "%s: the self-test structure is empty",
                        path);
    int *numbers = malloc(n * sizeof *numbers);
    double *forces = malloc(3 * n * sizeof *forces);
    mtt_status st = MTT_OK;
    if (!numbers || !forces) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory for the self-test of %s", path);
        goto done;
    }
    unsigned char pbc[3];
    for (int d = 0; d < 3; ++d) pbc[d] = mf->test_pbc[d] != 0;
    for (size_t i = 0; i < n; ++i) numbers[i] = mf->test_numbers[i];
    mtt_structure s = {(int)n, numbers, mf->test_positions, mf->test_cell, pbc};
    double energy = 0.0, deps[9], virial[9];
    st = mtt_sbp_predict_one(m, mf->params, &s, &energy, forces, NULL, deps, err);
    if (st != MTT_OK) {
        mtt_error_prefix(err, "%s: self-test failed: ", path);
        err->status = st = MTT_ERR_CHECKPOINT;
        goto done;
    }
    for (int q = 0; q < 9; ++q) virial[q] = -deps[q];
    const double te = MTT_SELF_TEST_RTOL * scale_of(&mf->test_energy, 1);
    const double tf = MTT_SELF_TEST_RTOL * scale_of(mf->test_forces, 3 * n);
    const double tv = MTT_SELF_TEST_RTOL * scale_of(mf->test_virial, 9);
    if (!(fabs(energy - mf->test_energy) <= te)) {
        st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                           "%s: self-test failed: energy %.12g computed, %.12g stored (tolerance "
                           "%.1e); the model does not reproduce what was exported", path, energy,
                           mf->test_energy, te);
        goto done;
    }
    for (size_t q = 0; q < 3 * n; ++q)
        if (!(fabs(forces[q] - mf->test_forces[q]) <= tf)) {
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                               "%s: self-test failed: force component %zu of atom %zu is %.12g "
                               "computed, %.12g stored (tolerance %.1e)", path, q % 3, q / 3,
                               forces[q], mf->test_forces[q], tf);
            goto done;
        }
    for (int q = 0; q < 9; ++q)
        if (!(fabs(virial[q] - mf->test_virial[q]) <= tv)) {
            st = mtt_error_set(err, MTT_ERR_CHECKPOINT,
                               "%s: self-test failed: virial component %d is %.12g computed, "
                               "%.12g stored (tolerance %.1e)", path, q, virial[q],
                               mf->test_virial[q], tv);
            goto done;
        }
done:
    free(numbers);
    free(forces);
    return st;
}
