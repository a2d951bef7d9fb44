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
    t->adam_m = malloc(np * sizeof(double));
    t->adam_v = malloc(np * sizeof(double));
    t->baseline_train = malloc(ds->n_structures * sizeof(double));
    if (!t->params || !t->adam_m || !t->adam_v || !t->baseline_train) return 0;
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
    free(t->adam_m);
    free(t->adam_v);
    free(t->baseline_train);
    test_trainer_slices_free(t);
}

/* One step over local structures idx[0..n) with the global counts the
 * epoch plan would give (the counting is collective on several ranks). */
static mtt_status step(mtt_trainer *t, const size_t *idx, size_t n, double lr, double *loss,
                       mtt_error *err)
{
    double totals[3];
    test_trainer_totals(t, idx, n, totals);
    return mtt_trainer_step(t, idx, n, totals, lr, loss, err);
}

static double loss_at(mtt_trainer *t, const size_t *idx, size_t n)
{
    double loss = NAN;
    mtt_error err;
    CU_ASSERT_EQUAL(step(t, idx, n, 0.0, &loss, &err), MTT_OK);
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
    CU_ASSERT(t.agreed[MTT_TRAINER_X_LOSS_FORCES] > 0);  /* a force term */
    if (ds->has_stress) CU_ASSERT(t.agreed[MTT_TRAINER_X_LOSS_STRESS] > 0);
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
    for (size_t k = 0; k < t->n_reduce; ++k) t->reduce[k] = 7.0 + (double)k;
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
        ok = ok && step(&t, idx, 2, 0.0, &l_ref, &err) == MTT_OK;
        if (ok) memcpy(g, t.reduce, np * sizeof *g);
        t.comm = comm;
        t.size = size;
        fill_garbage(&t);
        /* every rank steps (collective); only rank 0 has structures; the
         * summed gradient the sharded update received, gathered */
        int stepped = step(&t, idx, rank == 0 ? 2 : 0, 0.0, &loss, &err) == MTT_OK;
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
    ok = step(&t, NULL, 0, 0.0, &loss, &err) == MTT_OK;
    double gmax = 0;  /* this rank's share (and scalars), and the agreed loss terms */
    for (size_t k = 0; k < t.n_reduce; ++k) gmax = fmax(gmax, fabs(t.reduce[k]));
    for (size_t k = 0; k < 3; ++k) gmax = fmax(gmax, fabs(t.agreed[k]));
    double *sum = malloc(np * sizeof *sum);
    ok = ok && sum != NULL && gmax == 0.0 && loss == 0.0;
    if (sum) test_trainer_gradient(&t, sum);  /* what the update received */
    for (size_t k = 0; sum && k < np; ++k) ok = ok && sum[k] == 0.0;
    free(sum);
    CU_ASSERT(!mtt_comm_any_true(comm, !ok));
    teardown(&t);
    mtt_dataset_free(ds);
}

/* 1 when every rank holds the same parameters (collective). */
static int same_on_all_ranks(const mtt_trainer *t)
{
    uint64_t h = mtt_trainer_params_hash(t->params, t->n_params), h0 = h;
    mtt_comm_bcast_bytes(comm, &h0, sizeof h0, 0);
    return !mtt_comm_any_true(comm, h != h0);
}

/* On several ranks a step synchronises the ranks exactly twice — the
 * reduce-scatter that carries gradient and scalars, the all-gather of the
 * parameters — and not at all on one rank.  The step changes the
 * parameters (learning rate > 0) identically on every rank, and a stop
 * request of the last rank and a checkpoint request of rank 0 reach every
 * rank in that same step. */
static void test_collectives_per_step(void)
{
    static const int sp[] = {1, 6, 8};
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    const int rank = mtt_comm_rank(comm), size = mtt_comm_size(comm);
    mtt_dataset *ds = read_xyz("ethanol_reduced_100.xyz", &keys, 2);
    mtt_trainer t;
    int ok = ds && setup(&t, comm, ds, sp, 3, "mse");
    CU_ASSERT_FATAL(!mtt_comm_any_true(comm, !ok));
    const size_t idx[2] = {0, 1};
    double totals[3], loss = NAN;
    mtt_error err;
    double *before = malloc(t.n_params * sizeof *before);
    ok = before != NULL;
    if (ok) memcpy(before, t.params, t.n_params * sizeof *before);
    test_trainer_totals(&t, idx, 2, totals);
    t.want[0] = rank == size - 1;  /* a signal on the last rank only */
    t.want[2] = rank == 0;         /* the checkpoint period on rank 0 only */
    uint64_t c0 = mtt_comm_collective_count(comm);
    ok = mtt_trainer_step(&t, idx, 2, totals, 1e-3, &loss, &err) == MTT_OK && ok;
    uint64_t calls = mtt_comm_collective_count(comm) - c0;
    int changed = 0;
    for (size_t k = 0; before && k < t.n_params; ++k) changed |= t.params[k] != before[k];
    free(before);
    const uint64_t expect = size > 1 ? 2 : 0;
    if (rank == 0)
        printf("# %d rank%s: %llu collective call(s) in the step (expected %llu)\n", size,
               size > 1 ? "s" : "", (unsigned long long)calls, (unsigned long long)expect);
    CU_ASSERT(!mtt_comm_any_true(comm, !ok || calls != expect || t.step_collectives != expect));
    CU_ASSERT(!mtt_comm_any_true(comm, !changed || !isfinite(loss) || loss <= 0));
    CU_ASSERT(same_on_all_ranks(&t));
    CU_ASSERT(!mtt_comm_any_true(comm, t.agreed[MTT_TRAINER_X_STOP_SIGNAL] != 1.0 ||
                                           t.agreed[MTT_TRAINER_X_CHECKPOINT] != 1.0 ||
                                           t.agreed[MTT_TRAINER_X_STOP_BUDGET] != 0.0));
    teardown(&t);
    mtt_dataset_free(ds);
}

/* A failure on the last rank only — its batch does not load (the test
 * hook of trainer_step.c) — makes every rank return that rank's error in
 * the same step, and no rank changes a parameter; then a non-finite loss
 * on the last rank only (a reference energy of 1e300: its squared residual
 * overflows) gives MTT_ERR_NUMERIC on every rank, parameters untouched; a
 * normal step afterwards works. */
static void test_failure_agreed(void)
{
    static const int sp[] = {1, 6, 8};
    const mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    const int rank = mtt_comm_rank(comm), size = mtt_comm_size(comm);
    mtt_dataset *ds = read_xyz("ethanol_reduced_100.xyz", &keys, 2);
    mtt_trainer t;
    int ok = ds && setup(&t, comm, ds, sp, 3, "mse");
    CU_ASSERT_FATAL(!mtt_comm_any_true(comm, !ok));
    const size_t idx[2] = {0, 1};
    double loss = NAN;
    mtt_error err;
    double *before = malloc(t.n_params * sizeof *before);
    CU_ASSERT_FATAL(!mtt_comm_any_true(comm, before == NULL));
    memcpy(before, t.params, t.n_params * sizeof *before);
    const int64_t steps0 = t.adam.step;

    t.test_fail_rank = size - 1;
    t.test_fail_step = t.adam.step + 1;
    mtt_error_clear(&err);
    mtt_status st = step(&t, idx, 2, 1e-3, &loss, &err);
    char expect[64];
    snprintf(expect, sizeof expect, "rank %d failed loading its batch", size - 1);
    int same = memcmp(before, t.params, t.n_params * sizeof *before) == 0;
    if (rank == 0) printf("# failure on rank %d: '%s'\n", size - 1, err.msg);
    CU_ASSERT(!mtt_comm_any_true(comm, st != MTT_ERR_DATA || !strstr(err.msg, expect)));
    CU_ASSERT(!mtt_comm_any_true(comm, !same || t.adam.step != steps0));

    t.test_fail_step = 0;
    mtt_dataset *mine = (mtt_dataset *)t.set[MTT_TR_TRAIN].ds;
    double e0 = mine->energy[0];
    if (rank == size - 1) mine->energy[0] = 1e300;
    st = step(&t, idx, 2, 1e-3, &loss, &err);
    same = memcmp(before, t.params, t.n_params * sizeof *before) == 0;
    CU_ASSERT(!mtt_comm_any_true(comm, st != MTT_ERR_NUMERIC || !same || t.adam.step != steps0));

    mine->energy[0] = e0;
    st = step(&t, idx, 2, 1e-3, &loss, &err);
    same = memcmp(before, t.params, t.n_params * sizeof *before) == 0;
    CU_ASSERT(!mtt_comm_any_true(comm, st != MTT_OK || same || t.adam.step != steps0 + 1));
    CU_ASSERT(same_on_all_ranks(&t));
    free(before);
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
    CU_add_test(s, mtt_comm_size(comm) > 1
                       ? "a step: 2 collective calls, requests of one rank reach all (2 ranks)"
                       : "a step: no collective call (1 rank)",
                test_collectives_per_step);
    CU_add_test(s, mtt_comm_size(comm) > 1
                       ? "a failure or non-finite loss on one rank stops every rank (2 ranks)"
                       : "a failure or non-finite loss stops the step untouched (1 rank)",
                test_failure_agreed);
    int rc = mtt_cunit_run_tap();
    mtt_comm_finalize(comm);
    return rc;
}
