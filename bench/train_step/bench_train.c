/* bench_train.c — wall time of soap_bpnn training epochs, the C side of the
 * comparison with the PyTorch reference (bench/train_step/run.sh).
 *
 * usage: bench_train [DATA.xyz] [epochs] [--exact] [--f32] [--pairs] [--small-pages]
 *   defaults: examples/ethanol/ethanol_reduced_100.xyz, 20 epochs, the
 *   tabulated radial basis (--exact: exact Bessel functions), base
 *   precision 64 (--f32: the mixed-precision model of base_precision: 32,
 *   with float parameters, moments and Adam as mtt train keeps them;
 *   the network timers then time the float passes; the GEMM counters see
 *   only the double products left, i.e. the SOAP per-l ones), and the
 *   descriptor path of mtt train's cache (per structure the smallest form:
 *   dense Jacobians for small cells; --pairs: factored pair gradients for
 *   every structure), kept in 2 MiB pages as mtt train's cache keeps them
 *   (util/arena.h; --small-pages: where they were computed, 4 KiB pages).
 * What it does, as the reference torch_soap_bpnn.py with its defaults:
 * cutoff 5 Å, width 0.5 Å, max_radial 7, max_angular 6, 2 hidden layers × 32,
 * LayerNorm, batch 8 (last partial batch dropped), Adam lr 1e-3 with 1 %
 * linear warm-up then cosine decay, loss
 *     mean(((y − y_ref)/N)²) + mean((F − F_ref)²)   (units of the scale),
 * 90/10 split (a seeded shuffle, not numpy's: any split is fine for timing).
 * Composition and scale are fitted on the training set; the features of all
 * structures are computed once ("cache build", timed); then each epoch
 * shuffles and, per batch: mtt_sbp_predict with forces, the loss,
 * mtt_sbp_backward, Adam.  Epoch time = the training pass only (as the
 * reference's time_s); validation RMSEs are computed after each epoch,
 * untimed.  bench_wrap.c times the network calls, the GEMMs inside them and
 * the SOAP force/tangent calls (linker --wrap); the program also measures a
 * 1024³ dgemm as the machine's practical peak.  The last line is
 *     SUMMARY epochs= mean_epoch_s= atoms_per_s= ... (key=value, parsed by run.sh)
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_wrap.h"
#include "data/xyz.h"
#include "model/blas.h"
#include "model/composition.h"
#include "model/scale.h"
#include "model/soap_bpnn.h"
#include "train/adam.h"
#include "util/convert.h"
#include "train/loss.h"
#include "train/schedule.h"
#include "util/rng.h"

#define BATCH 8
#define SEED 0

static int fail(const char *what, const mtt_error *err)
{
    fprintf(stderr, "bench_train: %s: %s\n", what, err ? err->msg : "out of memory");
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Best of 3 square dgemms of size n, GFLOP/s (uncounted). */
static double dgemm_peak(size_t n)
{
    double *A = malloc(n * n * sizeof *A), *B = malloc(n * n * sizeof *B),
           *C = malloc(n * n * sizeof *C), best = 1e30;
    if (!A || !B || !C) return NAN;
    for (size_t i = 0; i < n * n; ++i) A[i] = B[i] = (double)(i % 1000) * 1e-3 - 0.5;
    for (int rep = 0; rep < 3; ++rep) {
        double t0 = bench_now();
        __real_mtt_blas_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, n, n, n, 1.0, A, n, B, n, 0.0,
                             C, n);
        double t = bench_now() - t0;
        if (t < best) best = t;
    }
    free(A), free(B), free(C);
    return 2.0 * (double)n * (double)n * (double)n / best * 1e-9;
}

static mtt_structure structure_of(const mtt_dataset *ds, size_t s)
{
    size_t a0 = (size_t)ds->atom_start[s];
    mtt_structure st = {(int)(ds->atom_start[s + 1] - ds->atom_start[s]), ds->numbers + a0,
                        ds->positions + 3 * a0, ds->cell + 9 * s, ds->pbc + 3 * s};
    return st;
}

int main(int argc, char **argv)
{
    const char *path = "examples/ethanol/ethanol_reduced_100.xyz";
    int epochs = 20, exact = 0, npos = 0, precision = 64, keep = MTT_SBP_KEEP_SMALLEST;
    int small_pages = 0;
    for (int k = 1; k < argc; ++k) {
        if (!strcmp(argv[k], "--exact")) exact = 1;
        else if (!strcmp(argv[k], "--f32")) precision = 32;
        else if (!strcmp(argv[k], "--pairs")) keep = MTT_SBP_KEEP_PAIRS;
        else if (!strcmp(argv[k], "--small-pages")) small_pages = 1;
        else if (npos++ == 0) path = argv[k];
        else epochs = atoi(argv[k]);
    }
    if (epochs < 1) epochs = 1;
    mtt_blas_set_threads(1);
    mtt_error err;
    mtt_dataset *ds = NULL;
    mtt_xyz_keys keys = {"energy", "forces", NULL, NULL};
    if (mtt_xyz_read(path, NULL, NULL, 0, &keys, &ds, &err) != MTT_OK) return fail(path, &err);
    if (!ds->has_forces) return fail(path, NULL);
    const size_t n_all = ds->n_structures;

    /* species present, sorted */
    int present[119] = {0}, species[119];
    size_t n_species = 0;
    for (size_t a = 0; a < ds->n_atoms; ++a)
        if (ds->numbers[a] > 0 && ds->numbers[a] < 119) present[ds->numbers[a]] = 1;
    for (int z = 1; z < 119; ++z)
        if (present[z]) species[n_species++] = z;

    /* split: seeded shuffle, last floor(0.1 n) are validation */
    size_t *perm = malloc(n_all * sizeof *perm);
    for (size_t s = 0; s < n_all; ++s) perm[s] = s;
    mtt_rng_shuffle_sizes(perm, n_all, SEED, MTT_RNG_PURPOSE_SPLIT_VALIDATION);
    const size_t n_val = (size_t)floor(0.1 * (double)n_all), n_train = n_all - n_val;
    if (n_train < BATCH) return fail("training set smaller than the batch", NULL);

    mtt_sbp_config cfg = {5.0, 0.5, 7, 6, 2, 32, 1, n_species, species,
                          exact ? 0.0 : MTT_SOAP_DEFAULT_GRID, precision};
    mtt_sbp_model *m = NULL;
    if (mtt_sbp_create(&cfg, &m, &err) != MTT_OK) return fail("model", &err);

    /* composition and scale on the training set */
    int32_t *counts = calloc(n_all * n_species, sizeof *counts);
    double *buf = calloc(mtt_composition_buffer_len(n_species), sizeof *buf);
    size_t max_n = 0;
    for (size_t s = 0; s < n_all; ++s) {
        mtt_structure st = structure_of(ds, s);
        if ((size_t)st.n_atoms > max_n) max_n = (size_t)st.n_atoms;
        for (int i = 0; i < st.n_atoms; ++i)
            for (size_t k = 0; k < n_species; ++k)
                if (species[k] == st.numbers[i]) counts[s * n_species + k]++;
    }
    for (size_t t = 0; t < n_train; ++t)
        mtt_composition_accumulate(buf, n_species, counts + perm[t] * n_species,
                                   ds->energy[perm[t]]);
    if (mtt_composition_solve(buf, n_species, 0.0, m->composition, NULL, &err) != MTT_OK)
        return fail("composition", &err);
    mtt_scale_acc sacc;
    mtt_scale_acc_clear(&sacc);
    for (size_t t = 0; t < n_train; ++t) {
        size_t s = perm[t];
        mtt_scale_accumulate(&sacc, ds->energy[s],
                             mtt_composition_energy(m->composition, n_species,
                                                    counts + s * n_species),
                             (int32_t)(ds->atom_start[s + 1] - ds->atom_start[s]));
    }
    if (mtt_scale_finalize(&sacc, &m->scale, &err) != MTT_OK) return fail("scale", &err);

    /* descriptor cache: every structure (train + val, as the reference's --cache) */
    mtt_sbp_features *feat = calloc(n_all, sizeof *feat);
    size_t cache_bytes = 0;
    mtt_arena arena;
    mtt_arena_init(&arena);
    double t0 = bench_now();
    for (size_t s = 0; s < n_all; ++s) {
        mtt_structure st = structure_of(ds, s);
        mtt_sbp_features_init(&feat[s]);
        if (mtt_sbp_features_compute_once(m, &st, &feat[s], keep, &err) != MTT_OK)
            return fail("features", &err);
        mtt_sbp_features_trim(&feat[s]);
        if (!small_pages) (void)mtt_sbp_features_move(&feat[s], &arena);
        cache_bytes += mtt_sbp_features_bytes(&feat[s]);
    }
    const double cache_s = bench_now() - t0;

    char blas[256];
    mtt_blas_describe(blas, sizeof blas);
    printf("# %s: %zu train / %zu val structures, %zu species, descriptor_dim %zu, n_params %zu, "
           "scale %.6g, radial %s\n", path, n_train, n_val, n_species, m->dim, m->n_params,
           m->scale, exact ? "exact" : "table");
    printf("# %s\n", blas);
    printf("# cache built in %.4f s (%zu structures, %.1f MiB)\n", cache_s, n_all,
           (double)cache_bytes / 1048576.0);

    /* training state */
    const size_t P = m->n_params, steps = n_train / BATCH, max_atoms = BATCH * max_n;
    double *params = malloc(P * sizeof *params), *grad = malloc(P * sizeof *grad);
    double *am = malloc(P * sizeof *am), *av = malloc(P * sizeof *av);
    double *E = malloc(BATCH * sizeof *E), *Fp = malloc(3 * max_atoms * sizeof *Fp);
    double *y = malloc(BATCH * sizeof *y), *yref = malloc(BATCH * sizeof *yref);
    double *f = malloc(3 * max_atoms * sizeof *f), *fref = malloc(3 * max_atoms * sizeof *fref);
    double *dy = malloc(BATCH * sizeof *dy), *df = malloc(3 * max_atoms * sizeof *df);
    double *times = malloc((size_t)epochs * sizeof *times);
    int32_t nat[BATCH];
    size_t *order = malloc(n_train * sizeof *order);
    mtt_sbp_work *w = NULL;
    if (mtt_sbp_work_create(m, max_atoms, &w, &err) != MTT_OK) return fail("work", &err);
    mtt_sbp_init_params(m, params, SEED);
    mtt_adam_config acfg = mtt_adam_config_default();
    mtt_adam_state ast;
    mtt_adam_state_init(&ast, P, am, av);
    /* --f32: as mtt train at base_precision 32, float parameters, moments
     * and gradient (the double params only for the untimed validation) */
    const int floats = precision == 32;
    float *pf = NULL, *gf = NULL, *amf = NULL, *avf = NULL;
    mtt_adam_floats astf;
    if (floats) {
        pf = malloc(P * sizeof *pf), gf = malloc(P * sizeof *gf);
        amf = malloc(P * sizeof *amf), avf = malloc(P * sizeof *avf);
        if (!pf || !gf || !amf || !avf) return fail("float parameters", NULL);
        mtt_convert_narrow(P, params, pf);
        mtt_adam_floats_init(&astf, P, amf, avf);
    }
    mtt_schedule sched;
    if (mtt_schedule_init(&sched, (int64_t)(epochs * steps), 0.01, &err) != MTT_OK)
        return fail("schedule", &err);
    mtt_loss_ef_config lcfg = {{MTT_LOSS_MSE, 0}, {MTT_LOSS_MSE, 0}, 1.0, 1.0};
    const double sig = m->scale;
    double atoms_per_epoch = 0, e_rmse = NAN, f_rmse = NAN, adam_s = 0;
    int64_t step = 0;

    for (int ep = 0; ep < epochs; ++ep) {
        for (size_t t = 0; t < n_train; ++t) order[t] = perm[t];
        mtt_rng_shuffle_sizes(order, n_train, SEED,
                              mtt_rng_stream_key(MTT_RNG_PURPOSE_EPOCH_SHUFFLE, (uint64_t)ep));
        double loss_sum = 0;
        atoms_per_epoch = 0;
        bench_counting = 1;
        t0 = bench_now();
        for (size_t k = 0; k < steps; ++k) {
            mtt_sbp_features *fb[BATCH];
            size_t na = 0;
            for (size_t b = 0; b < BATCH; ++b) {
                size_t s = order[k * BATCH + b];
                fb[b] = &feat[s];
                nat[b] = feat[s].n_atoms;
                for (size_t c = 0; c < 3 * (size_t)nat[b]; ++c)
                    fref[3 * na + c] = ds->forces[3 * (size_t)ds->atom_start[s] + c] / sig;
                yref[b] = (ds->energy[s] - mtt_composition_energy(m->composition, n_species,
                                                                  counts + s * n_species)) / sig;
                na += (size_t)nat[b];
            }
            if ((floats ? mtt_sbp_predict_floats(m, pf, fb, BATCH, w, E, Fp, NULL, &err)
                        : mtt_sbp_predict(m, params, fb, BATCH, w, E, Fp, NULL, &err)) != MTT_OK)
                return fail("predict", &err);
            for (size_t b = 0; b < BATCH; ++b)
                y[b] = (E[b] - mtt_composition_energy(m->composition, n_species,
                                                      counts + (size_t)(fb[b] - feat) * n_species)) /
                       sig;
            for (size_t c = 0; c < 3 * na; ++c) f[c] = Fp[c] / sig;
            mtt_loss_ef_batch lb = {BATCH, nat, y, yref, 3 * na, f, fref, BATCH, (double)(3 * na)};
            double loss, terms[2];
            if (mtt_loss_energy_force(&lcfg, &lb, &loss, terms, dy, df, &err) != MTT_OK)
                return fail("loss", &err);
            for (size_t b = 0; b < BATCH; ++b) dy[b] /= sig;     /* ∂L/∂E */
            for (size_t c = 0; c < 3 * na; ++c) df[c] /= sig;    /* ∂L/∂F */
            if (!floats) memset(grad, 0, P * sizeof *grad);
            if ((floats ? mtt_sbp_backward_floats(m, fb, BATCH, w, dy, df, NULL, gf, &err)
                        : mtt_sbp_backward(m, params, fb, BATCH, w, dy, df, NULL, grad, &err)) !=
                MTT_OK)
                return fail("backward", &err);
            double lr = 1e-3 * mtt_schedule_factor(&sched, step++), ta = bench_now();
            if ((floats ? mtt_adam_step_floats(&acfg, lr, &astf, pf, gf, NULL, &err)
                        : mtt_adam_step(&acfg, lr, &ast, params, grad, &err)) != MTT_OK)
                return fail("adam", &err);
            adam_s += bench_now() - ta;
            loss_sum += loss;
            atoms_per_epoch += (double)na;
        }
        times[ep] = bench_now() - t0;
        bench_counting = 0;
        if (floats) mtt_convert_widen(P, pf, params);

        /* validation, untimed: energy per atom and force components, data units */
        mtt_metric_acc ae, af;
        mtt_metric_acc_clear(&ae);
        mtt_metric_acc_clear(&af);
        for (size_t v0 = n_train; v0 < n_all; v0 += BATCH) {
            size_t nb = n_all - v0 < BATCH ? n_all - v0 : BATCH, na = 0;
            mtt_sbp_features *fb[BATCH];
            double Eref[BATCH];
            for (size_t b = 0; b < nb; ++b) {
                size_t s = perm[v0 + b];
                fb[b] = &feat[s];
                nat[b] = feat[s].n_atoms;
                Eref[b] = ds->energy[s];
                memcpy(fref + 3 * na, ds->forces + 3 * (size_t)ds->atom_start[s],
                       3 * (size_t)nat[b] * sizeof *fref);
                na += (size_t)nat[b];
            }
            if (mtt_sbp_predict(m, params, fb, nb, w, E, Fp, NULL, &err) != MTT_OK)
                return fail("predict", &err);
            mtt_metric_acc_add(&ae, nb, E, Eref, nat);
            mtt_metric_acc_add(&af, 3 * na, Fp, fref, NULL);
        }
        e_rmse = mtt_metric_rmse(&ae);
        f_rmse = mtt_metric_rmse(&af);
        printf("epoch %4d  time_s %.4f  train_loss %.6e  val_e_rmse_per_atom %.6e  val_f_rmse "
               "%.6e\n", ep, times[ep], loss_sum / (double)steps, e_rmse, f_rmse);
        fflush(stdout);
    }

    double sum = 0;
    for (int ep = 0; ep < epochs; ++ep) sum += times[ep];
    const double mean_t = sum / epochs;
    qsort(times, (size_t)epochs, sizeof *times, cmp_double);
    const double min_t = times[0], med_t = epochs % 2 ? times[epochs / 2]
                                                      : 0.5 * (times[epochs / 2 - 1] + times[epochs / 2]);
    const bench_counters c = bench_count;
    /* flop model of mlp_pass.h: forward F, input gradient F, backward 3F per atom,
     * F = 2(DH + H²(L−1) + H) */
    const double H = 32, D = (double)m->dim;
    const double model_flops = c.net_rows * 5.0 * 2.0 * (D * H + H * H + H);
    const double peak = dgemm_peak(1024);
    printf("# training passes: %.4f s total; network calls %.4f s (%.1f %%), of which GEMM "
           "%.4f s in %.0f calls; SOAP force+tangent %.4f s (%.1f %%); Adam %.4f s (%.1f %%); rest (gathering "
           "rows, scaling, loss, batch targets) %.4f s\n", sum, c.net_s, 100 * c.net_s / sum,
           c.gemm_s, c.gemm_calls, c.soap_s, 100 * c.soap_s / sum, adam_s, 100 * adam_s / sum,
           sum - c.net_s - c.soap_s - adam_s);
    printf("# GEMM flops counted %.4g (model 10·n·(DH+H²+H) = %.4g); GEMM rate %.2f GFLOP/s inside "
           "gemm, %.2f GFLOP/s over the network calls; square 1024³ dgemm %.2f GFLOP/s (%s)\n",
           c.gemm_flops, model_flops, c.gemm_flops / c.gemm_s * 1e-9,
           c.gemm_flops / c.net_s * 1e-9, peak, mtt_blas_corename());
    printf("SUMMARY epochs=%d mean_epoch_s=%.4f min_epoch_s=%.4f median_epoch_s=%.4f "
           "atoms_per_s=%.1f cache_s=%.4f net_s_per_epoch=%.4f soap_s_per_epoch=%.4f "
           "adam_s_per_epoch=%.4f gemm_gflops=%.2f peak_gflops=%.2f corename=%s val_e_rmse_per_atom=%.6e "
           "val_f_rmse=%.6e n_params=%zu descriptor_dim=%zu\n",
           epochs, mean_t, min_t, med_t, atoms_per_epoch / mean_t, cache_s, c.net_s / epochs,
           c.soap_s / epochs, adam_s / epochs, c.gemm_flops / c.gemm_s * 1e-9, peak, mtt_blas_corename(), e_rmse,
           f_rmse, m->n_params, m->dim);

    for (size_t s = 0; s < n_all; ++s) mtt_sbp_features_free(&feat[s]);
    mtt_arena_free(&arena);
    mtt_sbp_work_free(w);
    mtt_sbp_free(m);
    mtt_dataset_free(ds);
    free(feat), free(perm), free(counts), free(buf), free(params), free(grad), free(am);
    free(pf), free(gf), free(amf), free(avf);
    free(av), free(E), free(Fp), free(y), free(yref), free(f), free(fref), free(dy), free(df);
    free(times), free(order);
    return 0;
}
