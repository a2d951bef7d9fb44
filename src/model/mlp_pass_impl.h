/* mlp_pass_impl.h — body of the network passes, instantiated twice by
 * mlp_pass.c: for double (REAL = double, names as declared) and for float
 * (REAL = float, names with _f32).  Not a public header: include it only
 * from mlp_pass.c, with REAL, SFX, GEMM, SILU, LN_FORWARD, LN_FORWARD_ROWS and
 * LN_JVP defined.
 * The equations are in mlp_pass.c's header comment.
 */

/* Weight matrix k (0-based; k = L is the output row w) of the current species. */
static const REAL *SFX(weight)(const mtt_mlp_work *ws, size_t k)
{
    return (const REAL *)ws->params + mtt_mlp_layer(ws->net, ws->species, k)->offset;
}

/* The products with the wide first layer (one dimension D = 2100, the others
 * a batch's atoms of one species and the width H) in pieces of at most
 * MTT_MLP_GEMM_PIECE multiply-adds along that dimension: OpenBLAS's packed
 * path copies both operands, its small-matrix kernels do not, and on
 * pieces they win (mlp_pass.c's header has the measurement).  Pieces of the
 * output columns (split 'n') change no sum; pieces of the inner dimension
 * (split 'k') are added with β = 1 after the first. */
static void SFX(gemm_pieces)(const mtt_mlp_work *ws, char split, mtt_blas_trans ta,
                             mtt_blas_trans tb, size_t m, size_t n, size_t k, REAL alpha,
                             const REAL *A, size_t lda, const REAL *B, size_t ldb, REAL beta,
                             REAL *C, size_t ldc)
{
    const size_t len = split == 'n' ? n : k, other = m * (split == 'n' ? k : n);
    size_t piece = other ? MTT_MLP_GEMM_PIECE / other : len;
    piece = piece < 64 ? 64 : (piece + 7) / 8 * 8;
    if (piece >= len) {
        GEMM(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    const size_t count = (len + piece - 1) / piece;
    piece = ((len + count - 1) / count + 7) / 8 * 8; /* nearly equal, 8-aligned pieces */
    for (size_t p0 = 0; p0 < len; p0 += piece) {
        const size_t w = len - p0 < piece ? len - p0 : piece;
        if (split == 'n')
            GEMM(ta, tb, m, w, k, alpha, A, lda, tb == MTT_BLAS_NOTRANS ? B + p0 : B + p0 * ldb,
                 ldb, beta, C + p0, ldc);
        else
            GEMM(ta, tb, m, n, w, alpha, ta == MTT_BLAS_NOTRANS ? A + p0 : A + p0 * lda, lda,
                 tb == MTT_BLAS_NOTRANS ? B + p0 * ldb : B + p0, ldb, p0 ? (REAL)1 : beta, C,
                 ldc);
    }
}

/* out (n×H) = X (n×fan_in) · Wᵀ.  For the wide first layer (fan_in ≥ 4H) in
 * nearly equal chunks of rows with at most MTT_MLP_ROW_BLOCK outputs each,
 * which OpenBLAS runs in its small-matrix kernel (no sum changes: the rows
 * are independent; mlp_pass.c has the measurement). */
static void SFX(linear_rows)(mtt_mlp_work *ws, size_t n, size_t fan_in, const REAL *X,
                             const REAL *W, REAL *out)
{
    size_t H = ws->net->cfg.n_neurons;
    size_t chunk = n;
    if (fan_in >= 4 * H && n * H > MTT_MLP_ROW_BLOCK) {
        const size_t most = MTT_MLP_ROW_BLOCK / H > 4 ? MTT_MLP_ROW_BLOCK / H : 4;
        const size_t count = (n + most - 1) / most;
        chunk = (n + count - 1) / count;
    }
    for (size_t i0 = 0; i0 < n; i0 += chunk) {
        const size_t m = n - i0 < chunk ? n - i0 : chunk;
        SFX(gemm_pieces)(ws, 'k', MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, m, H, fan_in, (REAL)1,
                         X + i0 * fan_in, fan_in, W, fan_in, (REAL)0, out + i0 * H, H);
    }
}

/* The checks of both forward entry points; sets the batch's species. */
static mtt_status SFX(forward_begin)(mtt_mlp_work *ws, const REAL *params, size_t s, size_t n,
                                     mtt_error *err)
{
    const mtt_mlp *net = ws->net;
    ws->have_forward = ws->have_eps = 0;
    MTT_RETURN_ERROR_IF(ws->real_size != sizeof(REAL), err, MTT_ERR_INTERNAL,
                        "network workspace used with the wrong floating-point precision; "
                        "this is a bug, please report it");
    MTT_RETURN_ERROR_IF(n > ws->max_rows, err, MTT_ERR_INTERNAL,
                        "network batch of %zu atoms exceeds the workspace (%zu); this is a "
                        "bug, please report it",
                        n, ws->max_rows);
    MTT_RETURN_ERROR_IF(s >= net->n_species, err, MTT_ERR_INTERNAL,
                        "species index %zu out of range (%zu species); this is a bug, "
                        "please report it",
                        s, net->n_species);
    ws->params = params;
    ws->species = s;
    ws->n = n;
    return MTT_OK;
}

/* The layers from the input ws->x0 on. */
static void SFX(forward_layers)(mtt_mlp_work *ws, REAL *y)
{
    const mtt_mlp *net = ws->net;
    size_t H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers, n = ws->n;
    const REAL *prev = ws->x0;
    for (size_t l = 1; l <= L; l++) {
        size_t fan_in = width(net, l - 1);
        REAL *A = BUFR(ws, BUF_A, l);
        /* Z_l = A_{l−1} W_lᵀ, then σ in place, keeping σ' and σ''. */
        SFX(linear_rows)(ws, n, fan_in, prev, SFX(weight)(ws, l - 1), A);
        SILU(n * H, A, A, BUFR(ws, BUF_S1, l), BUFR(ws, BUF_S2, l));
        prev = A;
    }
    if (y) {
        size_t w_in = width(net, L);
        GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, n, 1, w_in, (REAL)1, prev, w_in,
             SFX(weight)(ws, L), w_in, (REAL)0, y, 1);
    }
    ws->have_forward = 1;
}

mtt_status SFX(mtt_mlp_forward)(mtt_mlp_work *ws, const REAL *params, size_t s, size_t n,
                                const REAL *p, REAL *y, mtt_error *err)
{
    const mtt_mlp *net = ws->net;
    MTT_FORWARD_IF_ERROR(SFX(forward_begin)(ws, params, s, n, err));
    if (net->cfg.layernorm) {
        LN_FORWARD(n, net->cfg.n_input, net->layernorm_eps, p, ws->xhat, ws->inv_s);
        ws->x0 = ws->xhat;
    } else {
        ws->x0 = p;
    }
    SFX(forward_layers)(ws, y);
    return MTT_OK;
}

mtt_status SFX(mtt_mlp_forward_rows)(mtt_mlp_work *ws, const REAL *params, size_t s, size_t n,
                                     const REAL *const *rows, REAL *y, mtt_error *err)
{
    const mtt_mlp *net = ws->net;
    MTT_RETURN_ERROR_IF(!net->cfg.layernorm, err, MTT_ERR_INTERNAL,
                        "network input rows given without a layer norm to gather them; this "
                        "is a bug, please report it");
    MTT_FORWARD_IF_ERROR(SFX(forward_begin)(ws, params, s, n, err));
    LN_FORWARD_ROWS(n, net->cfg.n_input, net->layernorm_eps, rows, ws->xhat, ws->inv_s);
    ws->x0 = ws->xhat;
    SFX(forward_layers)(ws, y);
    return MTT_OK;
}

/* G_l and E_l for l = L..1 (the reverse signals shared by everything). */
static void SFX(compute_eps)(mtt_mlp_work *ws)
{
    const mtt_mlp *net = ws->net;
    size_t H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers, n = ws->n;
    if (ws->have_eps) return;
    for (size_t l = L; l >= 1; l--) {
        REAL *G = BUFR(ws, BUF_G, l), *E = BUFR(ws, BUF_E, l);
        const REAL *S1 = BUFR(ws, BUF_S1, l);
        if (l == L) {
            const REAL *w = SFX(weight)(ws, L);
            for (size_t i = 0; i < n; i++) memcpy(G + i * H, w, H * sizeof *G);
        } else {
            GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, n, H, H, (REAL)1, BUFR(ws, BUF_E, l + 1),
                 H, SFX(weight)(ws, l), H, (REAL)0, G, H);
        }
        for (size_t e = 0; e < n * H; e++) E[e] = G[e] * S1[e];
    }
    ws->have_eps = 1;
}

mtt_status SFX(mtt_mlp_input_gradient)(mtt_mlp_work *ws, REAL *dydp, mtt_error *err)
{
    const mtt_mlp *net = ws->net;
    size_t D = net->cfg.n_input, H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers;
    size_t n = ws->n;
    MTT_RETURN_ERROR_IF(ws->real_size != sizeof(REAL), err, MTT_ERR_INTERNAL,
                        "network workspace used with the wrong floating-point precision; "
                        "this is a bug, please report it");
    MTT_RETURN_ERROR_IF(!ws->have_forward, err, MTT_ERR_INTERNAL,
                        "network input gradient requested before a forward pass; this is "
                        "a bug, please report it");
    SFX(compute_eps)(ws);
    if (L == 0) {
        const REAL *w = SFX(weight)(ws, 0);
        for (size_t i = 0; i < n; i++) memcpy(dydp + i * D, w, D * sizeof *dydp);
    } else {
        SFX(gemm_pieces)(ws, 'n', MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, n, D, H, (REAL)1,
                         BUFR(ws, BUF_E, 1), H, SFX(weight)(ws, 0), D, (REAL)0, dydp, D);
    }
    if (net->cfg.layernorm) LN_JVP(n, D, ws->xhat, ws->inv_s, dydp, dydp);
    return MTT_OK;
}

/* Tangent sweep up: Ȧ_0 = J v, Ż_l, Ȧ_l; ẏ into ydot when asked. */
static void SFX(tangent_up)(mtt_mlp_work *ws, const REAL *v, REAL *ydot)
{
    const mtt_mlp *net = ws->net;
    size_t D = net->cfg.n_input, H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers;
    size_t n = ws->n;
    if (net->cfg.layernorm) {
        LN_JVP(n, D, ws->xhat, ws->inv_s, v, ws->xdot);
        ws->xd0 = ws->xdot;
    } else {
        ws->xd0 = v;
    }
    const REAL *prev = ws->xd0;
    for (size_t l = 1; l <= L; l++) {
        size_t fan_in = width(net, l - 1);
        REAL *Zd = BUFR(ws, BUF_ZD, l), *Ad = BUFR(ws, BUF_AD, l);
        const REAL *S1 = BUFR(ws, BUF_S1, l);
        SFX(linear_rows)(ws, n, fan_in, prev, SFX(weight)(ws, l - 1), Zd);
        for (size_t e = 0; e < n * H; e++) Ad[e] = S1[e] * Zd[e];
        prev = Ad;
    }
    if (ydot) {
        size_t w_in = width(net, L);
        GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_TRANS, n, 1, w_in, (REAL)1, prev, w_in,
             SFX(weight)(ws, L), w_in, (REAL)0, ydot, 1);
    }
}

/* overwrite: the species' block of grad is set (the first product into
 * each tensor with β = 0), not added to: no zeroing pass before, no read of
 * the old values in the products. */
static mtt_status SFX(backward)(mtt_mlp_work *ws, const REAL *a, const REAL *v, REAL *ydot,
                                REAL *grad, int overwrite, mtt_error *err)
{
    const mtt_mlp *net = ws->net;
    size_t H = net->cfg.n_neurons, L = net->cfg.n_hidden_layers, n = ws->n;
    REAL *M = ws->M; /* scratch n×H */
    const REAL *x0 = ws->x0;
    MTT_RETURN_ERROR_IF(ws->real_size != sizeof(REAL), err, MTT_ERR_INTERNAL,
                        "network workspace used with the wrong floating-point precision; "
                        "this is a bug, please report it");
    MTT_RETURN_ERROR_IF(!ws->have_forward, err, MTT_ERR_INTERNAL,
                        "network backward pass requested before a forward pass; this is "
                        "a bug, please report it");
    MTT_RETURN_ERROR_IF(ydot && !v, err, MTT_ERR_INTERNAL,
                        "network tangent requested without a direction; this is a bug, "
                        "please report it");
    SFX(compute_eps)(ws);
    if (v) SFX(tangent_up)(ws, v, ydot);
    const REAL *xd0 = ws->xd0; /* set by the tangent sweep; read only when v */
    if (grad && overwrite && ((!a && !v) || n == 0))
        memset(grad + mtt_mlp_species_offset(net, ws->species), 0,
               net->n_params_per_species * sizeof *grad);
    if (!grad || (!a && !v) || (overwrite && n == 0)) return MTT_OK;

    /* Output row: ∂/∂w = aᵀ A_L + 1ᵀ Ȧ_L. */
    {
        size_t w_in = width(net, L);
        REAL *gw = grad + mtt_mlp_layer(net, ws->species, L)->offset;
        const REAL *AL = L ? BUFR(ws, BUF_A, L) : x0;
        const REAL *AdL = L ? BUFR(ws, BUF_AD, L) : xd0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < w_in; j++) {
                REAL g = 0;
                if (a) g += a[i] * AL[i * w_in + j];
                if (v) g += AdL[i * w_in + j];
                gw[j] = overwrite && i == 0 ? g : gw[j] + g;
            }
    }
    /* Hidden layers, top down. */
    for (size_t l = L; l >= 1; l--) {
        size_t fan_in = width(net, l - 1);
        const REAL *E = BUFR(ws, BUF_E, l), *S1 = BUFR(ws, BUF_S1, l);
        const REAL *Aprev = l > 1 ? BUFR(ws, BUF_A, l - 1) : x0;
        REAL *gW = grad + mtt_mlp_layer(net, ws->species, l - 1)->offset;
        REAL *K = BUFR(ws, BUF_K, l);
        if (v) {
            const REAL *G = BUFR(ws, BUF_G, l), *S2 = BUFR(ws, BUF_S2, l);
            const REAL *Zd = BUFR(ws, BUF_ZD, l);
            if (l == L) {
                for (size_t e = 0; e < n * H; e++) K[e] = G[e] * S2[e] * Zd[e];
            } else {
                /* M = K_{l+1} W_{l+1}: the tangent signal through the primal path. */
                GEMM(MTT_BLAS_NOTRANS, MTT_BLAS_NOTRANS, n, H, H, (REAL)1,
                     BUFR(ws, BUF_K, l + 1), H, SFX(weight)(ws, l), H, (REAL)0, M, H);
                for (size_t e = 0; e < n * H; e++) K[e] = G[e] * S2[e] * Zd[e] + M[e] * S1[e];
            }
        }
        /* (a ⊙ E_l + K_l)ᵀ A_{l−1}: both losses share one GEMM. */
        const REAL *Mat;
        if (a) {
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < H; j++)
                    M[i * H + j] = a[i] * E[i * H + j] + (v ? K[i * H + j] : (REAL)0);
            Mat = M;
        } else {
            Mat = K;
        }
        SFX(gemm_pieces)(ws, 'n', MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, H, fan_in, n, (REAL)1, Mat,
                         H, Aprev, fan_in, overwrite ? (REAL)0 : (REAL)1, gW, fan_in);
        if (v) {
            const REAL *Adprev = l > 1 ? BUFR(ws, BUF_AD, l - 1) : xd0;
            SFX(gemm_pieces)(ws, 'n', MTT_BLAS_TRANS, MTT_BLAS_NOTRANS, H, fan_in, n, (REAL)1, E,
                             H, Adprev, fan_in, (REAL)1, gW, fan_in);
        }
    }
    return MTT_OK;
}

mtt_status SFX(mtt_mlp_backward)(mtt_mlp_work *ws, const REAL *a, const REAL *v, REAL *ydot,
                                 REAL *grad, mtt_error *err)
{
    return SFX(backward)(ws, a, v, ydot, grad, 0, err);
}

mtt_status SFX(mtt_mlp_backward_set)(mtt_mlp_work *ws, const REAL *a, const REAL *v,
                                     REAL *ydot, REAL *grad, mtt_error *err)
{
    return SFX(backward)(ws, a, v, ydot, grad, 1, err);
}
