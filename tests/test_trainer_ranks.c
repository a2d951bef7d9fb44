/* test_trainer_ranks.c — the step's gradient does not depend on the rank count.
 *
 * Run under mpiexec -n 1..4 (tests/test_trainer_ranks.sh).  A fixed set of
 * structures — periodic EMT copper cells with energy, forces and stress, and
 * ethanol molecules with energy and forces — is split into contiguous parts
 * of unequal size, one per rank, and rank 0 holds nothing when there are
 * several ranks (an empty shard).  One training step must give the same
 * summed gradient — the slices the sharded Adam update receives, gathered
 * (tests/trainer_slices.h) — and the same loss terms as one process
 * stepping over all the structures (computed on every rank with no
 * communicator), and after its Adam update (learning rate LR) the same
 * parameters, identical on every rank, through the exchange the environment
 * asks for (the node's shared window, or messages with MTT_SHARED_EXCHANGE=0):
 *   max_k |g_k − g_ref_k| ≤ 1e-12 · max_k |g_ref_k|,
 * for each loss term alone (energy, forces, stress by their weights) and
 * for all together.  A wrong normalisation (local instead of global counts,
 * a term summed twice, a missing rank) gives errors of order 1.  Also: the
 * parameter checksum of trainer_replicas.c sees a one-ulp change.
 * Every check is agreed over all ranks; rank 0 prints the TAP lines.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "data/xyz.h"
#include "parallel/comm.h"
#include "train/trainer_internal.h"
#include "trainer_slices.h"

#define N_FRAMES 7
#define TOLERANCE 1e-12

static mtt_comm *comm;
static int rank_, size_;
static int n_tests = 0, n_failed = 0;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    int failed = mtt_comm_any_true(comm, !ok);
    ++n_tests;
    n_failed += failed;
    if (rank_ != 0) return;
    printf("%s %d - ", failed ? "not ok" : "ok", n_tests);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Frames [b, e) of a test data file; an empty dataset with the same
 * targets when b == e. */
static mtt_dataset *read_part(const char *name, const mtt_xyz_keys *keys, size_t b, size_t e)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/xyz/%s", mtt_test_data_dir(), name);
    size_t frames[N_FRAMES];
    for (size_t i = b; i < e; ++i) frames[i - b] = i;
    mtt_dataset *ds = NULL;
    mtt_error err;
    mtt_status st = e > b ? mtt_xyz_read(path, NULL, frames, e - b, keys, &ds, &err)
                          : mtt_dataset_create(keys->energy != NULL, keys->forces != NULL,
                                               keys->stress != NULL, keys->virial != NULL, &ds,
                                               &err);
    if (st != MTT_OK) {
        printf("# rank %d: %s\n", rank_, err.msg);
        return NULL;
    }
    return ds;
}

typedef struct weights {
    double energy, forces, stress;
    const char *name;
} weights;

/* A trainer holding what a step needs, for local structures ds whose first
 * one is global structure `first`.  Everything that must be identical on
 * all ranks (model, parameters, composition, scale, baseline of each global
 * structure) depends only on global quantities. */
static int setup(mtt_trainer *t, const mtt_comm *c, mtt_dataset *ds, size_t first,
                 const int *species, size_t n_species, double e_per_atom, weights w)
{
    memset(t, 0, sizeof *t);
    mtt_error err;
    t->comm = c;
    t->rank = mtt_comm_rank(c);
    t->size = mtt_comm_size(c);
    t->cfg.batch_size = ds->n_structures;
    t->cfg.w_energy = w.energy;
    t->cfg.w_forces = w.forces;
    t->cfg.w_stress = w.stress;
    t->set[MTT_TR_TRAIN].ds = ds;
    t->trained.energy = 1;
    t->trained.forces = ds->has_forces;
    t->trained.stress = ds->has_stress;
    if (mtt_trainer_loss_kind("mse", &t->loss_kind, &err) != MTT_OK) return 0;
    mtt_sbp_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.cutoff = 3.5;
    cfg.width = 0.5;
    cfg.max_radial = 2;
    cfg.max_angular = 2;
    cfg.num_hidden_layers = 1;
    cfg.num_neurons_per_layer = 6;
    cfg.layernorm = 1;
    cfg.n_species = n_species;
    cfg.species = species;
    if (mtt_sbp_create(&cfg, &t->model, &err) != MTT_OK) return 0;
    t->model->scale = 0.7;
    for (size_t k = 0; k < n_species; ++k) t->model->composition[k] = e_per_atom;
    size_t np = t->n_params = t->model->n_params;
    size_t n = ds->n_structures;
    t->params = malloc(np * sizeof(double));
    t->adam_m = malloc(np * sizeof(double));
    t->adam_v = malloc(np * sizeof(double));
    t->baseline_train = malloc((n ? n : 1) * sizeof(double));
    if (!t->params || !t->adam_m || !t->adam_v || !t->baseline_train) return 0;
    if (!test_trainer_slices_create(t)) return 0;
    mtt_sbp_init_params(t->model, t->params, 3);
    /* on one node with several ranks the parameters move into the shared
     * window, as trainer.c does (trainer_reduce.c) */
    mtt_trainer_reduce_share_params(t);
    t->adam_cfg = mtt_adam_config_default();
    mtt_adam_state_init(&t->adam, np, t->adam_m, t->adam_v);
    for (size_t s = 0; s < n; ++s) {  /* by the GLOBAL index: the same on any split */
        double na = (double)(ds->atom_start[s + 1] - ds->atom_start[s]);
        t->baseline_train[s] = ds->energy[s] + 0.02 * na * ((first + s) % 2 ? 1 : -1);
    }
    size_t max_atoms = mtt_batch_max_atoms(ds, n);
    if (mtt_feature_cache_build(&t->cache[MTT_TR_TRAIN], t->model, ds, SIZE_MAX, n ? n : 1,
                                &err) != MTT_OK)
        return 0;
    if (mtt_batch_create(&t->batch, n, max_atoms, &err) != MTT_OK) return 0;
    return mtt_sbp_work_create(t->model, max_atoms ? max_atoms : 1, &t->work, &err) == MTT_OK;
}

static void teardown(mtt_trainer *t)
{
    mtt_feature_cache_free(&t->cache[MTT_TR_TRAIN]);
    mtt_batch_free(&t->batch);
    mtt_sbp_work_free(t->work);
    mtt_sbp_free(t->model);
    test_trainer_slices_free(t);  /* first: it owns shared parameters */
    free(t->params);
    free(t->adam_m);
    free(t->adam_v);
    free(t->baseline_train);
}

/* One step over every local structure with learning rate LR. */
#define LR 1e-3
static int step_all(mtt_trainer *t, double *loss)
{
    size_t idx[N_FRAMES];
    size_t n = t->set[MTT_TR_TRAIN].ds->n_structures;
    for (size_t i = 0; i < n; ++i) idx[i] = i;
    mtt_error err;
    double totals[3];
    test_trainer_totals(t, idx, n, totals);  /* collective on several ranks */
    mtt_status st = mtt_trainer_step(t, idx, n, totals, LR, loss, &err);
    if (st != MTT_OK) printf("# rank %d: %s\n", rank_, err.msg);
    return st == MTT_OK;
}

/* Part of rank r among P: with several ranks rank 0 holds nothing and the
 * others contiguous parts of unequal size. */
static void part_of(int r, int p, size_t n, size_t *b, size_t *e)
{
    if (p == 1) {
        *b = 0;
        *e = n;
        return;
    }
    if (r == 0) {
        *b = *e = 0;
        return;
    }
    size_t holders = (size_t)p - 1, k = (size_t)r - 1;
    *b = n * k / holders;
    *e = n * (k + 1) / holders;
}

static void compare_split(const char *file, const mtt_xyz_keys *keys, const int *species,
                          size_t n_species, weights w)
{
    mtt_dataset *all = read_part(file, keys, 0, N_FRAMES);
    size_t b = 0, e = 0;
    part_of(rank_, size_, N_FRAMES, &b, &e);
    mtt_dataset *mine = read_part(file, keys, b, e);
    int ok = all && mine;
    double e_per_atom = 0;
    if (all) {
        for (size_t s = 0; s < all->n_structures; ++s)
            e_per_atom += all->energy[s] / (double)(all->atom_start[s + 1] - all->atom_start[s]);
        e_per_atom /= (double)all->n_structures;
    }
    mtt_trainer ref, dist;
    memset(&ref, 0, sizeof ref);
    memset(&dist, 0, sizeof dist);
    /* the single-process reference: no communicator, all structures */
    ok = ok && setup(&ref, NULL, all, 0, species, n_species, e_per_atom, w);
    ok = ok && setup(&dist, comm, mine, b, species, n_species, e_per_atom, w);
    if (mtt_comm_any_true(comm, !ok)) {
        check(0, "%s, %s term(s): set-up", file, w.name);
    } else {
        double l_ref = 0, l_dist = 0;
        int stepped = step_all(&ref, &l_ref);
        int stepped_dist = step_all(&dist, &l_dist);  /* collective: every rank steps */
        stepped = stepped && stepped_dist;
        size_t np = ref.n_params;
        double *g = malloc(np * sizeof *g);
        const int have_g = g != NULL;
        if (have_g) test_trainer_gradient(&dist, g);  /* collective */
        double gmax = 0, dmax = 0, tdiff = 0, tmax = 0;
        for (size_t k = 0; have_g && k < np; ++k) {
            gmax = fmax(gmax, fabs(ref.reduce[k]));
            dmax = fmax(dmax, fabs(ref.reduce[k] - g[k]));
        }
        free(g);
        for (size_t k = 0; k < 3; ++k) {
            tmax = fmax(tmax, fabs(ref.agreed[k]));
            tdiff = fmax(tdiff, fabs(ref.agreed[k] - dist.agreed[k]));
        }
        /* the terms asked for are really there (a zero gradient would pass) */
        int present = gmax > 0 && (w.energy == 0 || ref.agreed[MTT_TRAINER_X_LOSS_ENERGY] > 0) &&
                      (w.forces == 0 || ref.agreed[MTT_TRAINER_X_LOSS_FORCES] > 0) &&
                      (w.stress == 0 || ref.agreed[MTT_TRAINER_X_LOSS_STRESS] > 0);
        double rel = gmax > 0 ? dmax / gmax : INFINITY;
        double trel = tmax > 0 ? tdiff / tmax : INFINITY;
        /* the allreduced gradient and the reference are the same on every
         * rank, so rel and trel are too; check() agrees on the verdict */
        check(stepped && present && rel <= TOLERANCE && trel <= TOLERANCE,
              "%s, %s term(s), rank 0 %s: gradient = one process's, relative difference "
              "%.1e, loss terms %.1e",
              file, w.name, size_ > 1 ? "empty" : "holds all", rel, trel);
        /* the sharded Adam step and the exchange of its slices: the same
         * parameters as one process's update of all of them, on every rank
         * (bit for bit, checksum), up to the gradient's rounding */
        double pmax = 0, pdiff = 0;
        for (size_t k = 0; k < np; ++k) {
            pmax = fmax(pmax, fabs(ref.params[k]));
            pdiff = fmax(pdiff, fabs(ref.params[k] - dist.params[k]));
        }
        /* the update really moved them (a step that changed nothing would pass) */
        double *init = malloc(np * sizeof *init), moved = 0;
        if (init) {
            mtt_sbp_init_params(ref.model, init, 3);
            for (size_t k = 0; k < np; ++k) moved = fmax(moved, fabs(ref.params[k] - init[k]));
        }
        free(init);
        mtt_error err;
        int same = mtt_trainer_check_replicas(&dist, 1, &err) == MTT_OK;  /* collective */
        const char *off = getenv("MTT_SHARED_EXCHANGE");
        int path = size_ == 1 || (dist.shared != NULL) == !(off && strcmp(off, "0") == 0);
        double prel = pmax > 0 ? pdiff / pmax : INFINITY;
        check(stepped && same && path && moved > 0 && prel <= TOLERANCE,
              "%s, %s term(s): parameters after one Adam step (learning rate %g) = one "
              "process's, relative difference %.1e, identical on all ranks (%s)",
              file, w.name, LR, prel,
              size_ == 1 ? "one rank" : dist.shared ? "shared window" : "messages");
    }
    teardown(&ref);
    teardown(&dist);
    mtt_dataset_free(all);
    mtt_dataset_free(mine);
}

static void test_hash(void)
{
    /* 21 entries: full 8-word lanes and a tail; also a prefix (n = 5) */
    enum { N = 21 };
    double p[N], q[N];
    for (int i = 0; i < N; ++i) p[i] = (i % 3 ? 1.0 : -1.0) * (0.5 + i) * pow(10.0, i % 7 - 3);
    p[3] = 1e-300;
    memcpy(q, p, sizeof p);
    int same = 1, differs = 1;
    for (size_t n = 5; n <= N; n += N - 5) {
        uint64_t h = mtt_trainer_params_hash(p, n);
        same = same && h == mtt_trainer_params_hash(q, n);
        for (size_t i = 0; i < n; ++i) {
            q[i] = nextafter(p[i], INFINITY);
            differs = differs && mtt_trainer_params_hash(q, n) != h;
            q[i] = p[i];
        }
    }
    /* the same words in another order are another array */
    q[0] = p[8], q[8] = p[0];
    differs = differs && mtt_trainer_params_hash(q, N) != mtt_trainer_params_hash(p, N);
    check(same && differs, "parameter checksum: equal arrays agree, a one-ulp change in any "
                           "entry changes it");
}

int main(int argc, char **argv)
{
    mtt_error err;
    if (mtt_comm_init(&argc, &argv, &comm, &err) != MTT_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    rank_ = mtt_comm_rank(comm);
    size_ = mtt_comm_size(comm);

    static const int cu[] = {29}, hco[] = {1, 6, 8};
    const mtt_xyz_keys cu_keys = {"energy", "forces", "stress", NULL};
    const mtt_xyz_keys mol_keys = {"energy", "forces", NULL, NULL};
    const weights cu_w[] = {{1, 0, 0, "energy"}, {0, 1, 0, "forces"}, {0, 0, 1, "stress"},
                            {1.3, 0.7, 2.0, "all"}};
    const weights mol_w[] = {{1, 0, 0, "energy"}, {0, 1, 0, "forces"}, {1.3, 0.7, 0, "all"}};
    for (size_t i = 0; i < sizeof cu_w / sizeof cu_w[0]; ++i)
        compare_split("cu_emt_stress.xyz", &cu_keys, cu, 1, cu_w[i]);
    for (size_t i = 0; i < sizeof mol_w / sizeof mol_w[0]; ++i)
        compare_split("ethanol_reduced_100.xyz", &mol_keys, hco, 3, mol_w[i]);
    test_hash();

    if (rank_ == 0) printf("1..%d\n", n_tests);
    mtt_comm_finalize(comm);
    return n_failed ? 1 : 0;
}
