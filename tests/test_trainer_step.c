/* test_trainer_step.c — the training step's loss and gradient.
 *
 * With learning rate 0 a step leaves the parameters alone and leaves the
 * global gradient in t->reduce, so the gradient the trainer feeds Adam can
 * be checked against central finite differences of the loss it reports.
 * This covers the whole chain of the step: network units y = (E − B)/σ,
 * per-atom energies, F/σ, the stress term S/(σ) with S = (∂E/∂ε)/V, the
 * weights, mse and huber.  The finite-difference tests run on rank 0 as one
 * process (no communicator); the empty-batch test is collective and runs on
 * 2 ranks under tests/test_trainer_step.sh (on one in a serial build, with
 * a SKIP line for the 2-rank run).  Rank 0 prints the TAP lines.
 */
#include "config.h"

#include "cunit_tap.h"
#include "data/xyz.h"
#include "parallel/comm.h"
#include "train/loss.h"
#include "train/trainer_internal.h"
#include "trainer_slices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mtt_comm *comm;
/* FD step: the energies (~1e5 in ethanol's kcal/mol) carry ~1e-11 absolute
 * rounding, so the step cannot be small; 1e-4 balances that against the
 * O(h^2) error and Huber's jump of curvature at |d| = delta.  A wrong factor
 * (σ, N, V, a weight) would give errors of order 1, far above 1e-4. */
static double H = 1e-4;

static mtt_dataset *read_xyz(const char *name, const mtt_xyz_keys *keys, size_t n_frames)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/xyz/%s", mtt_test_data_dir(), name);
    size_t frames[16];
    for (size_t i = 0; i < n_frames; ++i) frames[i] = i;
    mtt_dataset *ds = NULL;
    mtt_error err;
    if (mtt_xyz_read(path, NULL, frames, n_frames, keys, &ds, &err) != MTT_OK)
        printf("# %s\n", err.msg);
    return ds;
}

/* A trainer holding only what a step needs, on communicator on (NULL: one
 * process, no collectives). */
static int setup(mtt_trainer *t, const mtt_comm *on, mtt_dataset *ds, const int *species,
                 size_t n_species, const char *loss)
{
    memset(t, 0, sizeof *t);
    mtt_error err;
    t->comm = on;
    t->rank = mtt_comm_rank(on);
    t->size = mtt_comm_size(on);
    t->cfg.batch_size = ds->n_structures;
    t->cfg.huber_delta = 0.05;
    t->cfg.w_energy = 1.3;
    t->cfg.w_forces = 0.7;
    t->cfg.w_stress = 2.0;
    t->set[MTT_TR_TRAIN].ds = ds;
    t->trained.energy = 1;
    t->trained.forces = ds->has_forces;
    t->trained.stress = ds->has_stress;
    if (mtt_trainer_loss_kind(loss, &t->loss_kind, &err) != MTT_OK) return 0;
    mtt_sbp_config c;
    memset(&c, 0, sizeof c);
    c.cutoff = 3.5;
    c.width = 0.5;
    c.max_radial = 2;
    c.max_angular = 2;
    c.num_hidden_layers = 1;
    c.num_neurons_per_layer = 6;
    c.layernorm = 1;
    c.n_species = n_species;
    c.species = species;
    if (mtt_sbp_create(&c, &t->model, &err) != MTT_OK) return 0;
    t->model->scale = 0.7;
    /* every type at the mean per-atom energy: predictions near the data, so
     * energy and force terms are of comparable size */
    double e_per_atom = 0;
    for (size_t s = 0; s < ds->n_structures; ++s)
        e_per_atom += ds->energy[s] / (double)(ds->atom_start[s + 1] - ds->atom_start[s]);
    for (size_t k = 0; k < n_species; ++k)
        t->model->composition[k] = e_per_atom / (double)ds->n_structures;
    size_t np = t->n_params = t->model->n_params;
    t->params = malloc(np * sizeof(double));
    t->reduce = calloc(np + MTT_TRAINER_REDUCE_EXTRA, sizeof(double));
    t->adam_m = malloc(np * sizeof(double));
    t->adam_v = malloc(np * sizeof(double));
    t->baseline_train = malloc(ds->n_structures * sizeof(double));
    if (!t->params || !t->reduce || !t->adam_m || !t->adam_v || !t->baseline_train) return 0;
    if (!test_trainer_slices_create(t)) return 0;  /* the sharded update on several ranks */
    mtt_sbp_init_params(t->model, t->params, 3);
    t->adam_cfg = mtt_adam_config_default();
    mtt_adam_state_init(&t->adam, np, t->adam_m, t->adam_v);
    for (size_t s = 0; s < ds->n_structures; ++s) {
        double n = (double)(ds->atom_start[s + 1] - ds->atom_start[s]);
        t->baseline_train[s] = ds->energy[s] + 0.02 * n * (s % 2 ? 1 : -1);
    }
    size_t max_atoms = mtt_batch_max_atoms(ds, ds->n_structures);
    if (mtt_feature_cache_build(&t->cache[MTT_TR_TRAIN], t->model, ds, SIZE_MAX,
                                ds->n_structures, &err) != MTT_OK)
        return 0;
    if (mtt_batch_create(&t->batch, ds->n_structures, max_atoms, &err) != MTT_OK) return 0;
    return mtt_sbp_work_create(t->model, max_atoms, &t->work, &err) == MTT_OK;
}

static void teardown(mtt_trainer *t)
{
    mtt_feature_cache_free(&t->cache[MTT_TR_TRAIN]);
    mtt_batch_free(&t->batch);
    mtt_sbp_work_free(t->work);
    mtt_sbp_free(t->model);
    free(t->params);
    free(t->reduce);
    free(t->adam_m);
    free(t->adam_v);
    free(t->baseline_train);
    test_trainer_slices_free(t);
}

static double loss_at(mtt_trainer *t, const size_t *idx, size_t n)
{
    double loss = NAN;
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_trainer_step(t, idx, n, 0.0, &loss, &err), MTT_OK);
    return loss;
}

static void check_gradient(mtt_dataset *ds, const int *species, size_t ns, const char *loss,
                           double h)
{
    mtt_trainer t;
    CU_ASSERT_FATAL(ds != NULL);
    CU_ASSERT_FATAL(setup(&t, NULL, ds, species, ns, loss));
    size_t idx[16];
    for (size_t i = 0; i < ds->n_structures; ++i) idx[i] = ds->n_structures - 1 - i;
    double l0 = loss_at(&t, idx, ds->n_structures);
    CU_ASSERT(isfinite(l0) && l0 > 0);
    double *g = malloc(t.n_params * sizeof *g);
    CU_ASSERT_FATAL(g != NULL);
    memcpy(g, t.reduce, t.n_params * sizeof *g);
    CU_ASSERT(t.reduce[t.n_params + 1] > 0);  /* a force term */
    if (ds->has_stress) CU_ASSERT(t.reduce[t.n_params + 2] > 0);
    /* lr 0: parameters unchanged, the same loss again */
    CU_ASSERT_EQUAL(loss_at(&t, idx, ds->n_structures), l0);
    double worst = 0;
    for (size_t k = 0; k < t.n_params; k += t.n_params / 23 + 1) {
        double p = t.params[k];
        t.params[k] = p + h;
        double lp = loss_at(&t, idx, ds->n_structures);
        t.params[k] = p - h;
        double lm = loss_at(&t, idx, ds->n_structures);
        t.params[k] = p;
        double fd = (lp - lm) / (2 * h);
        double rel = fabs(fd - g[k]) / (fabs(g[k]) + 1e-6 * fabs(l0) + 1e-12);
        worst = rel > worst ? rel : worst;
    }
    printf("# %s: loss %.6g, worst relative gradient error %.2e\n", loss, l0, worst);
    CU_ASSERT(worst < 1e-4);
    free(g);
    teardown(&t);
}

static void test_molecule_mse(void)
{
    if (mtt_comm_rank(comm) != 0) return; /* one process: no collectives */
    static const int sp[] = {1, 6, 8};
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    mtt_dataset *ds = read_xyz("ethanol_reduced_100.xyz", &keys, 5);
    check_gradient(ds, sp, 3, "mse", H);
    mtt_dataset_free(ds);
}

static void test_molecule_huber(void)
{
    if (mtt_comm_rank(comm) != 0) return; /* one process: no collectives */
    static const int sp[] = {1, 6, 8};
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    mtt_dataset *ds = read_xyz("ethanol_reduced_100.xyz", &keys, 5);
    check_gradient(ds, sp, 3, "huber", H);
    mtt_dataset_free(ds);
}

static void test_periodic_stress(void)
{
    if (mtt_comm_rank(comm) != 0) return; /* one process: no collectives */
    const mtt_xyz_keys keys = {"energy", "forces", "stress", NULL};
    mtt_dataset *ds = read_xyz("ase_periodic.xyz", &keys, 3);
    CU_ASSERT_FATAL(ds != NULL && ds->has_stress);
    int sp[8], n = 0;
    for (size_t a = 0; a < ds->n_atoms; ++a) {
        int known = 0;
        for (int k = 0; k < n; ++k) known |= sp[k] == ds->numbers[a];
        if (!known && n < 8) sp[n++] = ds->numbers[a];
    }
    for (int i = 1; i < n; ++i) /* sorted Z */
        for (int j = i; j > 0 && sp[j - 1] > sp[j]; --j) {
            int x = sp[j];
            sp[j] = sp[j - 1];
            sp[j - 1] = x;
        }
    check_gradient(ds, sp, (size_t)n, "mse", H);
    mtt_dataset_free(ds);
}

/* Fill the step's reduction buffer with garbage, so that a step which
 * forgot to clear it, or a rank which added stale values, shows. */
static void fill_garbage(mtt_trainer *t)
{
    for (size_t k = 0; k < t->n_params + MTT_TRAINER_REDUCE_EXTRA; ++k)
        t->reduce[k] = 7.0 + (double)k;
}

/* A rank with no structure in a step still joins the collectives and
 * contributes nothing (loss 0, gradient 0), whatever its buffer held.  On 2
 * ranks: rank 0 steps over two structures and the last rank over none: the
 * gradient and loss equal rank 0's alone (computed first as one process);
 * then no rank has structures: gradient and loss exactly 0.  Each check is
 * agreed over the ranks. */
static void test_empty_batch(void)
{
    static const int sp[] = {1, 6, 8};
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    const int rank = mtt_comm_rank(comm), size = mtt_comm_size(comm);
    mtt_dataset *ds = read_xyz("ethanol_reduced_100.xyz", &keys, 2);
    mtt_trainer t;
    int ok = ds && setup(&t, comm, ds, sp, 3, "mse");
    CU_ASSERT_FATAL(!mtt_comm_any_true(comm, !ok));
    const size_t np = t.n_params, idx[2] = {1, 0};
    double loss = NAN;
    mtt_error err;
    if (size > 1) {
        /* reference: rank 0's two structures as one process */
        double *g = malloc(np * sizeof *g);
        ok = g != NULL;
        double l_ref = NAN;
        t.comm = NULL;
        t.size = 1;  /* one process: the whole gradient stays in t.reduce */
        fill_garbage(&t);
        ok = ok && mtt_trainer_step(&t, idx, 2, 0.0, &l_ref, &err) == MTT_OK;
        if (ok) memcpy(g, t.reduce, np * sizeof *g);
        t.comm = comm;
        t.size = size;
        fill_garbage(&t);
        /* every rank steps (collective); only rank 0 has structures; the
         * summed gradient the sharded update received, gathered */
        int stepped = mtt_trainer_step(&t, idx, rank == 0 ? 2 : 0, 0.0, &loss, &err) == MTT_OK;
        double *sum = malloc(np * sizeof *sum);
        ok = ok && sum != NULL;
        if (sum) test_trainer_gradient(&t, sum);  /* collective */
        double gmax = 0, dmax = 0;
        for (size_t k = 0; ok && k < np; ++k) {
            gmax = fmax(gmax, fabs(g[k]));
            dmax = fmax(dmax, fabs(sum[k] - g[k]));
        }
        free(sum);
        ok = ok && stepped && gmax > 0 && dmax <= 1e-12 * gmax && fabs(loss - l_ref) <= 1e-12 * l_ref;
        if (rank == 0) printf("# 2 ranks, the last one empty: gradient difference %.1e of %.1e\n", dmax, gmax);
        CU_ASSERT(!mtt_comm_any_true(comm, !ok));
        free(g);
    }
    fill_garbage(&t);
    ok = mtt_trainer_step(&t, NULL, 0, 0.0, &loss, &err) == MTT_OK;
    double gmax = 0;  /* this rank's share and the loss terms */
    for (size_t k = 0; k < np + 3; ++k) gmax = fmax(gmax, fabs(t.reduce[k]));
    double *sum = malloc(np * sizeof *sum);
    ok = ok && sum != NULL && gmax == 0.0 && loss == 0.0;
    if (sum) test_trainer_gradient(&t, sum);  /* what the update received */
    for (size_t k = 0; sum && k < np; ++k) ok = ok && sum[k] == 0.0;
    free(sum);
    CU_ASSERT(!mtt_comm_any_true(comm, !ok));
    teardown(&t);
    mtt_dataset_free(ds);
}

int main(int argc, char **argv)
{
    mtt_error err;
    if (getenv("FD_H")) H = atof(getenv("FD_H"));
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    /* rank 0 prints the TAP stream; the others' verdicts reach it through
     * the agreed checks of the collective test */
    if (mtt_comm_rank(comm) != 0 && !freopen("/dev/null", "w", stdout)) return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("trainer step", NULL, NULL);
    CU_add_test(s, "gradient = finite differences of the loss, ethanol, mse", test_molecule_mse);
    CU_add_test(s, "gradient = finite differences of the loss, ethanol, huber", test_molecule_huber);
    CU_add_test(s, "gradient = finite differences, periodic cells with stress", test_periodic_stress);
    CU_add_test(s, mtt_comm_size(comm) > 1 ? "a rank without structures contributes zero (2 ranks)"
                                            : "a step without structures contributes zero (1 rank)",
                test_empty_batch);
    int rc = mtt_cunit_run_tap();
    mtt_comm_finalize(comm);
    return rc;
}
