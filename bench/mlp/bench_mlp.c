/* bench_mlp.c — GFLOP/s of the soap_bpnn network products on this machine.
 *
 * Prints, one line each: a square dgemm (the machine's practical peak), the
 * four tall-skinny shapes of one species batch (n atoms × D inputs, width H),
 * and the whole pass forward + input gradient + backward(energy + force).
 * Usage: bench_mlp [n D H L]   (defaults 4096 2100 32 2).
 * Run with OPENBLAS_NUM_THREADS=1 (and OPENBLAS_CORETYPE=SkylakeX to compare
 * kernels); bench/mlp/run.sh does both.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model/blas.h"
#include "model/mlp.h"
#include "model/mlp_pass.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double *filled(size_t count)
{
    double *x = malloc(count * sizeof *x);
    if (!x) {
        fprintf(stderr, "bench_mlp: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++) x[i] = (double)((i * 2654435761u) % 1000) * 1e-3 - 0.5;
    return x;
}

/* Best time of repeated calls (at least 3, at least ~0.5 s in total). */
static double time_gemm(mtt_blas_trans ta, mtt_blas_trans tb, size_t m, size_t n, size_t k)
{
    size_t lda = ta ? m : k, ldb = tb ? k : n;
    double *A = filled(m * k), *B = filled(k * n), *C = filled(m * n);
    double best = 1e30, total = 0;
    for (int rep = 0; rep < 3 || (total < 0.5 && rep < 200); rep++) {
        double t0 = now();
        mtt_blas_gemm(ta, tb, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, n);
        double t = now() - t0;
        total += t;
        if (t < best) best = t;
    }
    free(A);
    free(B);
    free(C);
    return best;
}

static void report(const char *what, size_t m, size_t n, size_t k, double t)
{
    printf("%-44s m=%5zu n=%5zu k=%5zu  %8.3f ms  %7.2f GFLOP/s\n", what, m, n, k, 1e3 * t,
           2.0 * (double)m * (double)n * (double)k / t * 1e-9);
}

int main(int argc, char **argv)
{
    size_t n = 4096, D = 2100, H = 32, L = 2;
    if (argc == 5) {
        n = strtoul(argv[1], NULL, 10);
        D = strtoul(argv[2], NULL, 10);
        H = strtoul(argv[3], NULL, 10);
        L = strtoul(argv[4], NULL, 10);
    }
    char desc[256];
    mtt_blas_describe(desc, sizeof desc);
    printf("# %s\n", desc);
    printf("# batch n=%zu atoms, D=%zu, width H=%zu, %zu hidden layers\n", n, D, H, L);

    size_t sq = 1024;
    report("square dgemm (peak reference)", sq, sq, sq,
           time_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, sq, sq, sq));
    report("first layer  Z = X W^T      (N,T)", n, H, D,
           time_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, n, H, D));
    report("input grad   G = E W        (N,N)", n, D, H,
           time_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, n, D, H));
    report("weight grad  dW = E^T X     (T,N)", H, D, n,
           time_gemm(MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, H, D, n));
    report("hidden layer Z = A W^T      (N,T)", n, H, H,
           time_gemm(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, n, H, H));

    /* The whole pass as the trainer runs it. */
    mtt_mlp *net = NULL;
    mtt_mlp_work *ws = NULL;
    mtt_mlp_config cfg = {D, L, H, 1};
    int z = 6;
    if (mtt_mlp_create(&cfg, 1, &z, &net, NULL) != MTT_OK ||
        mtt_mlp_work_create(net, n, &ws, NULL) != MTT_OK) {
        fprintf(stderr, "bench_mlp: cannot build the network\n");
        return 1;
    }
    double *params = filled(net->n_params), *grad = filled(net->n_params);
    double *p = filled(n * D), *v = filled(n * D), *dydp = filled(n * D);
    double *y = filled(n), *a = filled(n), *yd = filled(n);
    mtt_mlp_init_params_seeded(net, params, 1);
    double tf = 1e30, tg = 1e30, tb = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        mtt_mlp_forward(ws, params, 0, n, p, y, NULL);
        double t1 = now();
        mtt_mlp_input_gradient(ws, dydp, NULL);
        double t2 = now();
        mtt_mlp_backward(ws, a, v, yd, grad, NULL);
        double t3 = now();
        if (t1 - t0 < tf) tf = t1 - t0;
        if (t2 - t1 < tg) tg = t2 - t1;
        if (t3 - t2 < tb) tb = t3 - t2;
    }
    /* Leading-order flops (first layer; the rest is O(nH²L), J v is O(nD)):
     * forward 2nDH, input gradient 2nDH, backward 6nDH (tangent X' W^T, and
     * the two first-layer weight-gradient GEMMs). */
    double ndh = 2.0 * (double)n * (double)D * (double)H;
    printf("%-44s %8.3f ms  %7.2f GFLOP/s (first layer only)\n", "mtt_mlp_forward", 1e3 * tf,
           ndh / tf * 1e-9);
    printf("%-44s %8.3f ms  %7.2f GFLOP/s\n", "mtt_mlp_input_gradient", 1e3 * tg,
           ndh / tg * 1e-9);
    printf("%-44s %8.3f ms  %7.2f GFLOP/s\n", "mtt_mlp_backward (energy + force)", 1e3 * tb,
           3 * ndh / tb * 1e-9);
    printf("%-44s %8.3f ms for %zu atoms (%.2f us/atom)\n", "whole step", 1e3 * (tf + tg + tb),
           n, 1e6 * (tf + tg + tb) / (double)n);

    /* The same pass in single precision (base_precision: 32). */
    mtt_mlp_work *wf = NULL;
    if (mtt_mlp_work_create_f32(net, n, &wf, NULL) != MTT_OK) return 1;
    float *fbuf = malloc((2 * net->n_params + 3 * n * D + 3 * n) * sizeof *fbuf);
    if (!fbuf) return 1;
    for (size_t i = 0; i < 2 * net->n_params + 3 * n * D + 3 * n; i++)
        fbuf[i] = (float)((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
    float *fparams = fbuf, *fgrad = fparams + net->n_params, *fp = fgrad + net->n_params;
    float *fv = fp + n * D, *fdydp = fv + n * D, *fy = fdydp + n * D, *fa = fy + n;
    float *fyd = fa + n;
    for (size_t i = 0; i < net->n_params; i++) fparams[i] = (float)params[i];
    double sf = 1e30, sg = 1e30, sb = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        mtt_mlp_forward_f32(wf, fparams, 0, n, fp, fy, NULL);
        double t1 = now();
        mtt_mlp_input_gradient_f32(wf, fdydp, NULL);
        double t2 = now();
        mtt_mlp_backward_f32(wf, fa, fv, fyd, fgrad, NULL);
        double t3 = now();
        if (t1 - t0 < sf) sf = t1 - t0;
        if (t2 - t1 < sg) sg = t2 - t1;
        if (t3 - t2 < sb) sb = t3 - t2;
    }
    printf("%-44s %8.3f ms  %7.2f GFLOP/s (first layer only)\n", "mtt_mlp_forward_f32",
           1e3 * sf, ndh / sf * 1e-9);
    printf("%-44s %8.3f ms  %7.2f GFLOP/s\n", "mtt_mlp_input_gradient_f32", 1e3 * sg,
           ndh / sg * 1e-9);
    printf("%-44s %8.3f ms  %7.2f GFLOP/s\n", "mtt_mlp_backward_f32 (energy + force)",
           1e3 * sb, 3 * ndh / sb * 1e-9);
    printf("%-44s %8.3f ms for %zu atoms (%.2f us/atom)\n", "whole step, float",
           1e3 * (sf + sg + sb), n, 1e6 * (sf + sg + sb) / (double)n);
    free(fbuf);
    mtt_mlp_work_free(wf);
    free(params);
    free(grad);
    free(p);
    free(v);
    free(dydp);
    free(y);
    free(a);
    free(yd);
    mtt_mlp_work_free(ws);
    mtt_mlp_free(net);
    return 0;
}
