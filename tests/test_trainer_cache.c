/* test_trainer_cache.c — descriptor cache, batches and set evaluation.
 *
 * The cache must give the same predictions whatever its budget (cached and
 * recomputed features are the same numbers, bit for bit), respect the
 * budget, reuse its scratch entries correctly batch after batch, and the
 * batched evaluation must equal one prediction of the whole set.
 */
#include "config.h"

#include "cunit_tap.h"
#include "data/xyz.h"
#include "train/evaluate.h"
#include "train/feature_cache.h"
#include "train/trainer_batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_FRAMES 12

static mtt_dataset *ds;
static mtt_sbp_model *model;
static double *params;

static mtt_sbp_model *make_model(const int *species, size_t n)
{
    mtt_sbp_config c;
    memset(&c, 0, sizeof c);
    c.cutoff = 4.0;
    c.width = 0.5;
    c.max_radial = 3;
    c.max_angular = 2;
    c.num_hidden_layers = 1;
    c.num_neurons_per_layer = 8;
    c.layernorm = 1;
    c.n_species = n;
    c.species = species;
    c.grid_spacing = 0;
    mtt_sbp_model *m = NULL;
    mtt_error err;
    if (mtt_sbp_create(&c, &m, &err) != MTT_OK) printf("# %s\n", err.msg);
    return m;
}

static int suite_init(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/xyz/ethanol_reduced_100.xyz", mtt_test_data_dir());
    size_t frames[N_FRAMES];
    for (size_t i = 0; i < N_FRAMES; ++i) frames[i] = 3 * i;
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    mtt_error err;
    if (mtt_xyz_read(path, NULL, frames, N_FRAMES, &keys, &ds, &err) != MTT_OK) {
        printf("# %s\n", err.msg);
        return 1;
    }
    static const int species[] = {1, 6, 8};
    model = make_model(species, 3);
    if (!model) return 1;
    model->scale = 0.7;
    for (size_t s = 0; s < model->n_species; ++s) model->composition[s] = -1.0 - (double)s;
    params = malloc(model->n_params * sizeof *params);
    if (!params) return 1;
    mtt_sbp_init_params(model, params, 7);
    return 0;
}

static int suite_clean(void)
{
    mtt_dataset_free(ds);
    mtt_sbp_free(model);
    free(params);
    return 0;
}

/* Predict the batch idx through cache c; energy[n], forces[3 * atoms]. */
static void predict(mtt_feature_cache *c, const size_t *idx, size_t n, double *energy,
                    double *forces)
{
    mtt_batch b;
    mtt_sbp_work *w = NULL;
    mtt_error err;
    size_t max_atoms = mtt_batch_max_atoms(ds, 4);
    CU_ASSERT_EQUAL_FATAL(mtt_batch_create(&b, 4, max_atoms, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_sbp_work_create(model, max_atoms, &w, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_batch_load(&b, c, model, idx, n, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_batch_predict(&b, model, params, w, 1, 0, &err), MTT_OK);
    memcpy(energy, b.energy, n * sizeof(double));
    memcpy(forces, b.forces, 3 * b.n_atoms * sizeof(double));
    mtt_sbp_work_free(w);
    mtt_batch_free(&b);
}

static void test_budget(void)
{
    mtt_feature_cache full, half, none;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_feature_cache_build(&full, model, ds, SIZE_MAX, 4, &err), MTT_OK);
    CU_ASSERT_EQUAL(full.n_cached, N_FRAMES);
    CU_ASSERT(full.bytes > 0);
    for (size_t s = 0; s < N_FRAMES; ++s) CU_ASSERT(full.min_distance[s] > 0.5 && full.min_distance[s] < 2.0);
    size_t budget = full.bytes / 2;
    CU_ASSERT_EQUAL_FATAL(mtt_feature_cache_build(&half, model, ds, budget, 4, &err), MTT_OK);
    CU_ASSERT(half.n_cached > 0 && half.n_cached < N_FRAMES);
    CU_ASSERT(half.bytes <= budget);
    CU_ASSERT_EQUAL_FATAL(mtt_feature_cache_build(&none, model, ds, 0, 4, &err), MTT_OK);
    CU_ASSERT_EQUAL(none.n_cached, 0);
    CU_ASSERT_EQUAL(none.bytes, 0);
    /* close contacts are found even for uncached structures */
    for (size_t s = 0; s < N_FRAMES; ++s) CU_ASSERT_EQUAL(none.min_distance[s], full.min_distance[s]);

    /* the same batches through the three caches: identical numbers; the
     * second and third batch reuse the scratch entries of the first */
    const size_t batches[3][4] = {{0, 3, 7, 11}, {10, 1, 2, 5}, {11, 7, 3, 0}};
    for (int k = 0; k < 3; ++k) {
        double e[3][4], f[3][4 * 9 * 3];
        predict(&full, batches[k], 4, e[0], f[0]);
        predict(&half, batches[k], 4, e[1], f[1]);
        predict(&none, batches[k], 4, e[2], f[2]);
        CU_ASSERT(memcmp(e[0], e[1], sizeof e[0]) == 0);
        CU_ASSERT(memcmp(e[0], e[2], sizeof e[0]) == 0);
        CU_ASSERT(memcmp(f[0], f[1], sizeof f[0]) == 0);
        CU_ASSERT(memcmp(f[0], f[2], sizeof f[0]) == 0);
        CU_ASSERT(isfinite(e[0][0]) && fabs(f[0][0]) > 0);
        if (k == 2) { /* batch 3 = batch 1 reversed */
            double e1[4], f1[4 * 9 * 3];
            predict(&none, batches[0], 4, e1, f1);
            for (int i = 0; i < 4; ++i) CU_ASSERT_EQUAL(e1[i], e[2][3 - i]);
        }
    }
    /* a batch larger than the scratch entries is refused, not overrun */
    size_t five[5] = {0, 1, 2, 3, 4};
    mtt_sbp_features *out[5];
    CU_ASSERT_EQUAL(mtt_feature_cache_batch(&none, model, five, 5, out, &err), MTT_ERR_INTERNAL);
    mtt_feature_cache_free(&full);
    mtt_feature_cache_free(&half);
    mtt_feature_cache_free(&none);
    mtt_feature_cache_free(NULL);
}

static void test_unknown_species(void)
{
    static const int species[] = {1, 6};
    mtt_sbp_model *m = make_model(species, 2);
    CU_ASSERT_FATAL(m != NULL);
    mtt_feature_cache c;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_feature_cache_build(&c, m, ds, SIZE_MAX, 4, &err), MTT_ERR_DATA);
    CU_ASSERT(strstr(err.msg, "8") != NULL);
    mtt_feature_cache_free(&c);
    mtt_sbp_free(m);
}

static void test_max_atoms(void)
{
    CU_ASSERT_EQUAL(mtt_batch_max_atoms(ds, 4), 36);
    CU_ASSERT_EQUAL(mtt_batch_max_atoms(ds, 100), 9 * N_FRAMES);
    CU_ASSERT_EQUAL(mtt_batch_max_atoms(NULL, 4), 0);
}

/* Evaluation in batches of 5 (last one partial) equals the metrics of one
 * prediction of all structures, computed here by hand. */
static void test_evaluate(void)
{
    mtt_feature_cache c;
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_feature_cache_build(&c, model, ds, SIZE_MAX, 5, &err), MTT_OK);
    mtt_batch b;
    mtt_sbp_work *w = NULL;
    CU_ASSERT_EQUAL_FATAL(mtt_batch_create(&b, 5, 45, &err), MTT_OK);
    CU_ASSERT_EQUAL_FATAL(mtt_sbp_work_create(model, N_FRAMES * 9, &w, &err), MTT_OK);
    mtt_eval_metrics m;
    mtt_eval_metrics_clear(&m);
    mtt_eval_targets t = {1, 1, 1, 1};
    CU_ASSERT_EQUAL(mtt_evaluate_set(model, params, w, &c, &b, &t, &m, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_eval_count(&m, MTT_Q_ENERGY), N_FRAMES);
    CU_ASSERT_EQUAL(mtt_eval_count(&m, MTT_Q_FORCES), N_FRAMES * 27);
    CU_ASSERT_EQUAL(mtt_eval_count(&m, MTT_Q_STRESS), 0); /* molecules: no stress */

    mtt_sbp_features *all[N_FRAMES];
    double e[N_FRAMES], f[N_FRAMES * 27];
    for (size_t s = 0; s < N_FRAMES; ++s) all[s] = c.entry[s];
    CU_ASSERT_EQUAL(mtt_sbp_predict(model, params, all, N_FRAMES, w, e, f, NULL, &err), MTT_OK);
    double se = 0, ae = 0, sf = 0;
    for (size_t s = 0; s < N_FRAMES; ++s) {
        double d = (e[s] - ds->energy[s]) / 9.0;
        se += d * d;
        ae += fabs(d);
    }
    for (size_t k = 0; k < N_FRAMES * 27; ++k) sf += (f[k] - ds->forces[k]) * (f[k] - ds->forces[k]);
    CU_ASSERT_DOUBLE_EQUAL(mtt_eval_rmse(&m, MTT_Q_ENERGY), sqrt(se / N_FRAMES), 1e-9 * sqrt(se / N_FRAMES));
    CU_ASSERT_DOUBLE_EQUAL(mtt_eval_mae(&m, MTT_Q_ENERGY), ae / N_FRAMES, 1e-9 * ae / N_FRAMES);
    CU_ASSERT_DOUBLE_EQUAL(mtt_eval_rmse(&m, MTT_Q_FORCES), sqrt(sf / (N_FRAMES * 27)),
                           1e-9 * sqrt(sf / (N_FRAMES * 27)));
    CU_ASSERT(isnan(mtt_eval_rmse(&m, MTT_Q_STRESS)));
    mtt_sbp_work_free(w);
    mtt_batch_free(&b);
    mtt_feature_cache_free(&c);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("trainer cache", suite_init, suite_clean);
    CU_add_test(s, "budget respected, cached = recomputed bitwise, scratch reuse", test_budget);
    CU_add_test(s, "an atomic type the model lacks is a data error", test_unknown_species);
    CU_add_test(s, "largest batch in atoms", test_max_atoms);
    CU_add_test(s, "batched evaluation equals one prediction", test_evaluate);
    return mtt_cunit_run_tap();
}
