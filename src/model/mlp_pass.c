/* mlp_pass.c — forward, input gradient, tangent and parameter gradients of
 * one species' network over a batch (see mlp_pass.h, docs/math.md §4).
 *
 * Notation (rows = atoms, l = 1..L hidden layers, width H; layer 0 = input):
 *   A_0 = x̂ (or p), Z_l = A_{l−1} W_lᵀ, A_l = σ(Z_l), y = A_L w;
 *   G_l = ∂y/∂A_l (G_L = rows of w, G_l = E_{l+1} W_{l+1}), E_l = G_l ⊙ σ'(Z_l);
 *   tangent: Ȧ_0 = J v, Ż_l = Ȧ_{l−1} W_lᵀ, Ȧ_l = σ'(Z_l) ⊙ Ż_l, ẏ = Ȧ_L w;
 *   K_l = ∂ẏ/∂Z_l through the primal path
 *       = G_l ⊙ σ''(Z_l) ⊙ Ż_l + (K_{l+1} W_{l+1}) ⊙ σ'(Z_l)   (no second term at L);
 *   ∂/∂W_l [Σ a_i y_i + Σ ẏ_i] = (a ⊙ E_l + K_l)ᵀ A_{l−1} + E_lᵀ Ȧ_{l−1},
 *   ∂/∂w   [ ... ]            = aᵀ A_L + 1ᵀ Ȧ_L.
 * (E and K are docs/math.md's ε and κ, as rows.)
 * The passes are written once in mlp_pass_impl.h and instantiated here for
 * double and for float (the _f32 API).
 *
 * The first layer's products (one dimension D = 2100, the others n atoms of
 * a species and H = 32) go to BLAS in pieces of at most MTT_MLP_GEMM_PIECE
 * multiply-adds along D.  Measured with OpenBLAS 0.3.21's Cooperlake kernels
 * (one thread, a stand-alone loop over the forward, input-gradient and
 * weight-gradient products, µs per set of three): double n = 48: 451 whole
 * vs 406 in pieces of 5·10⁵; n = 24: 246 vs 189; n = 16: 179 vs 128; n ≤ 12:
 * unchanged (already below the size where OpenBLAS switches to its packed
 * path); float n = 48: 227 vs 206, n = 16: 92 vs 62.  docs/performance.md
 * has the step-level A/B.
 */
#include "config.h"

#include "model/mlp_pass.h"

#include <stdlib.h>
#include <string.h>

#include "model/activation.h"
#include "model/blas.h"
#include "model/layernorm.h"

enum { BUF_A, BUF_S1, BUF_S2, BUF_G, BUF_E, BUF_ZD, BUF_AD, BUF_K, BUF_COUNT };

struct mtt_mlp_work {
    const mtt_mlp *net;
    size_t max_rows;
    size_t real_size;  /* sizeof(double) or sizeof(float): the precision */
    int reference_blas; /* 1: plain-loop products (tests) */
    /* state of the last forward */
    const void *params;
    size_t species;
    size_t n;
    int have_forward;
    int have_eps;
    /* buffers of REAL, all inside `block` */
    void *block;
    void *xhat;  /* max_rows×D, layernorm only */
    void *xdot;  /* max_rows×D, layernorm only */
    void *inv_s; /* max_rows, layernorm only */
    void *M;     /* max_rows×H scratch */
    void **buf;  /* buf[b * (L+1) + l], l = 1..L: max_rows×H each */
    const void *x0;  /* A_0: xhat or the caller's p */
    const void *xd0; /* Ȧ_0: xdot or the caller's v */
};

#define BUF(ws, b, l) ((ws)->buf[(size_t)(b) * ((ws)->net->cfg.n_hidden_layers + 1) + (l)])
#define BUFR(ws, b, l) ((REAL *)BUF(ws, b, l))

static size_t work_reals(const mtt_mlp *net, size_t max_rows)
{
    size_t D = net->cfg.n_input, H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers;
    size_t n = max_rows * H * (BUF_COUNT * L + 1);
    if (net->cfg.layernorm) n += max_rows * (2 * D + 1);
    return n;
}

static size_t work_bytes(const mtt_mlp *net, size_t max_rows, size_t real_size)
{
    size_t L = net->cfg.n_hidden_layers;
    return sizeof(mtt_mlp_work) + work_reals(net, max_rows) * real_size +
           BUF_COUNT * (L + 1) * sizeof(void *);
}

size_t mtt_mlp_work_bytes(const mtt_mlp *net, size_t max_rows)
{
    return work_bytes(net, max_rows, sizeof(double));
}

size_t mtt_mlp_work_bytes_f32(const mtt_mlp *net, size_t max_rows)
{
    return work_bytes(net, max_rows, sizeof(float));
}

static mtt_status work_create(const mtt_mlp *net, size_t max_rows, size_t real_size,
                              mtt_mlp_work **out, mtt_error *err)
{
    size_t D = net->cfg.n_input, H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers;
    mtt_mlp_work *ws = calloc(1, sizeof *ws);
    *out = NULL;
    if (!ws) goto nomem;
    ws->net = net;
    ws->max_rows = max_rows;
    ws->real_size = real_size;
    /* +1 so a zero-size request still returns a pointer. */
    ws->block = malloc((work_reals(net, max_rows) + 1) * real_size);
    ws->buf = calloc(BUF_COUNT * (L + 1), sizeof *ws->buf);
    if (!ws->block || !ws->buf) goto nomem;
    char *q = ws->block;
    ws->M = q;
    q += max_rows * H * real_size;
    for (size_t b = 0; b < BUF_COUNT; b++)
        for (size_t l = 1; l <= L; l++) {
            BUF(ws, b, l) = q;
            q += max_rows * H * real_size;
        }
    if (net->cfg.layernorm) {
        ws->xhat = q;
        q += max_rows * D * real_size;
        ws->xdot = q;
        q += max_rows * D * real_size;
        ws->inv_s = q;
    }
    *out = ws;
    return MTT_OK;
nomem:
    mtt_mlp_work_free(ws);
    return mtt_error_set(err, MTT_ERR_NOMEM,
                         "out of memory allocating the network workspace for %zu atoms "
                         "(%zu bytes); reduce the batch size",
                         max_rows, work_bytes(net, max_rows, real_size));
}

mtt_status mtt_mlp_work_create(const mtt_mlp *net, size_t max_rows, mtt_mlp_work **out,
                               mtt_error *err)
{
    return work_create(net, max_rows, sizeof(double), out, err);
}

mtt_status mtt_mlp_work_create_f32(const mtt_mlp *net, size_t max_rows, mtt_mlp_work **out,
                                   mtt_error *err)
{
    return work_create(net, max_rows, sizeof(float), out, err);
}

void mtt_mlp_work_free(mtt_mlp_work *ws)
{
    if (!ws) return;
    free(ws->block);
    free(ws->buf);
    free(ws);
}

void mtt_mlp_work_use_reference_blas(mtt_mlp_work *ws, int on) { ws->reference_blas = on; }

static size_t width(const mtt_mlp *net, size_t l)
{
    return l == 0 ? net->cfg.n_input : net->cfg.n_neurons;
}

/* Largest m·n·k of one first-layer product (see the header). */
#define MTT_MLP_GEMM_PIECE ((size_t)500000)
/* Largest n·H of one first-layer forward product X·Wᵀ: more rows go in
 * chunks.  Measured (OpenBLAS 0.3.21 Cooperlake, one thread, a stand-alone
 * loop, D = 2100 in pieces, H = 32, GFLOP/s): n = 48 rows 35.6 whole, 50.3
 * in two chunks of 24; n = 40 34.5 vs 51.0 (chunks of 20); n = 32 51.7
 * whole (1,024 outputs, below the size where OpenBLAS's NT product leaves
 * its small-matrix kernel); float n = 48 80 vs 97.  From 64 rows on it
 * replaces the transposed product W·Xᵀ that was used there: n = 64 39.7
 * transposed vs 48.3 in chunks, n = 256 40.4 vs 47.6, n = 4096 27.7 vs
 * 37.0. */
#define MTT_MLP_ROW_BLOCK ((size_t)768)

/* ---- double precision ------------------------------------------------------ */
#define REAL double
#define SFX(name) name
#define GEMM(...) (ws->reference_blas ? mtt_blas_ref_gemm : mtt_blas_gemm)(__VA_ARGS__)
#define SILU mtt_silu_eval
#define LN_FORWARD mtt_layernorm_forward
#define LN_FORWARD_ROWS mtt_layernorm_forward_rows
#define LN_JVP mtt_layernorm_jvp
#include "model/mlp_pass_impl.h"
#undef REAL
#undef SFX
#undef GEMM
#undef SILU
#undef LN_FORWARD
#undef LN_FORWARD_ROWS
#undef LN_JVP

/* ---- single precision (base_precision: 32) --------------------------------- */
#define REAL float
#define SFX(name) name##_f32
#define GEMM(...) (ws->reference_blas ? mtt_blas_ref_sgemm : mtt_blas_sgemm)(__VA_ARGS__)
#define SILU mtt_silu_evalf
#define LN_FORWARD mtt_layernorm_forwardf
#define LN_FORWARD_ROWS mtt_layernorm_forward_rowsf
#define LN_JVP mtt_layernorm_jvpf
#include "model/mlp_pass_impl.h"
