/* soap_bpnn.c — SOAP descriptors → per-species MLPs → E, F, ∂E/∂ε, and the
 * parameter gradient of an energy/force/stress loss (docs/math.md §5).
 *
 * The batch's atoms are gathered by species into contiguous rows (P), so
 * each network layer is one GEMM per species; per-structure quantities
 * (∂E/∂p for forces, ṗ from the tangent) are scattered back and forth with
 * a row map.  At precision 32 the same flow runs with float rows (Pf, Gf)
 * and float networks; the per-structure buffer S stays double, because the
 * SOAP force and tangent passes accumulate in double.  Cost per step ≈ 10·n·D·H flops in the networks plus the SOAP
 * force and tangent passes over stored pair gradients.  The per-structure
 * features are made in soap_bpnn_features.c.
 */
#include "config.h"

#include "model/soap_bpnn.h"
#include "model/soap_bpnn_internal.h"

#include <stdlib.h>
#include <string.h>

mtt_status mtt_sbp_create(const mtt_sbp_config *cfg, mtt_sbp_model **out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_sbp_model *m = calloc(1, sizeof *m);
    MTT_RETURN_ERROR_IF(!m, err, MTT_ERR_NOMEM, "out of memory creating the model");
    m->n_species = cfg->n_species;
    m->species = malloc((cfg->n_species ? cfg->n_species : 1) * sizeof *m->species);
    m->composition = calloc(cfg->n_species ? cfg->n_species : 1, sizeof *m->composition);
    if (!m->species || !m->composition) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory creating the model");
        goto cleanup;
    }
    memcpy(m->species, cfg->species, cfg->n_species * sizeof *m->species);
    m->scale = 1.0;
    m->precision = cfg->precision == 32 ? 32 : 64;
    if (cfg->precision != 0 && cfg->precision != 32 && cfg->precision != 64) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS, "base_precision: %d is not 32 or 64; choose one",
                           cfg->precision);
        goto cleanup;
    }
    mtt_soap_params sp = {cfg->cutoff, cfg->width, cfg->max_radial, cfg->max_angular,
                          (int)cfg->n_species, cfg->species, cfg->grid_spacing};
    st = mtt_soap_create(&m->soap, &sp, err);
    if (st != MTT_OK) goto cleanup;
    m->dim = mtt_soap_dim(m->soap);
    mtt_mlp_config mc = {m->dim, (size_t)cfg->num_hidden_layers,
                         (size_t)cfg->num_neurons_per_layer, cfg->layernorm};
    st = mtt_mlp_create(&mc, cfg->n_species, cfg->species, &m->mlp, err);
    if (st != MTT_OK) goto cleanup;
    m->n_params = m->mlp->n_params;
    *out = m;
    return MTT_OK;
cleanup:
    mtt_sbp_free(m);
    return st;
}

void mtt_sbp_free(mtt_sbp_model *m)
{
    if (!m) return;
    mtt_soap_free(m->soap);
    mtt_mlp_free(m->mlp);
    free(m->species);
    free(m->composition);
    free(m);
}

void mtt_sbp_init_params(const mtt_sbp_model *m, double *params, uint64_t seed)
{
    mtt_mlp_init_params_seeded(m->mlp, params, seed);
}

static void work_free_mlp(mtt_sbp_work *w)
{
    if (!w->mlp) return;
    for (size_t s = 0; s < w->n_species; ++s) mtt_mlp_work_free(w->mlp[s]);
    free(w->mlp);
}

void mtt_sbp_work_free(mtt_sbp_work *w)
{
    if (!w) return;
    work_free_mlp(w);
    free(w->start);
    free(w->count);
    free(w->row);
    free(w->rows);
    free(w->rows_f32);
    free(w->P);
    free(w->G);
    free(w->y);
    free(w->a);
    free(w->wneg);
    free(w->Pf);
    free(w->Gf);
    free(w->yf);
    free(w->af);
    free(w->params_f32);
    free(w->grad_f32);
    free(w->soap_pass);
    free(w->soap_scratch);
    free(w);
}

mtt_status mtt_sbp_work_create(const mtt_sbp_model *m, size_t max_atoms, mtt_sbp_work **out,
                               mtt_error *err)
{
    mtt_status st = MTT_OK;
    const size_t D = m->dim, A = max_atoms ? max_atoms : 1, S = m->n_species ? m->n_species : 1;
    mtt_sbp_work *w = calloc(1, sizeof *w);
    MTT_RETURN_ERROR_IF(!w, err, MTT_ERR_NOMEM, "out of memory for the batch workspace");
    w->max_atoms = max_atoms;
    w->n_species = m->n_species;
    w->mlp = calloc(S, sizeof *w->mlp);
    w->start = calloc(S, sizeof *w->start);
    w->count = calloc(S, sizeof *w->count);
    w->row = malloc(A * sizeof *w->row);
    const int f32 = m->precision == 32;
    const int gather = !m->mlp->cfg.layernorm; /* else the layer norm reads the rows in place */
    w->wneg = malloc(3 * A * sizeof *w->wneg);
    w->cap_soap_scratch = mtt_soap_scratch_size(m->soap);
    w->soap_scratch = malloc(w->cap_soap_scratch * sizeof *w->soap_scratch);
    int ok = w->mlp && w->start && w->count && w->row && w->wneg && w->soap_scratch;
    if (f32) {
        const size_t np = m->n_params ? m->n_params : 1;
        w->n_params = m->n_params;
        ok = ok && (gather ? !!(w->Pf = malloc(A * D * sizeof *w->Pf))
                           : !!(w->rows_f32 = malloc(A * sizeof *w->rows_f32))) &&
             (w->Gf = malloc(A * D * sizeof *w->Gf)) &&
             (w->yf = malloc(A * sizeof *w->yf)) && (w->af = malloc(A * sizeof *w->af)) &&
             (w->params_f32 = malloc(np * sizeof *w->params_f32)) &&
             (w->grad_f32 = malloc(np * sizeof *w->grad_f32));
    } else {
        ok = ok && (gather ? !!(w->P = malloc(A * D * sizeof *w->P))
                           : !!(w->rows = malloc(A * sizeof *w->rows))) &&
             (w->G = malloc(A * D * sizeof *w->G)) &&
             (w->y = malloc(A * sizeof *w->y)) && (w->a = malloc(A * sizeof *w->a));
    }
    if (!ok) {
        st = mtt_error_set(err, MTT_ERR_NOMEM,
                           "out of memory for a batch workspace of %zu atoms (%.1f MiB); lower "
                           "batch_size", max_atoms, 3.0 * (double)(A * D * 8) / 1048576.0);
        goto cleanup;
    }
    for (size_t s = 0; s < m->n_species; ++s) {
        st = f32 ? mtt_mlp_work_create_f32(m->mlp, A, &w->mlp[s], err)
                 : mtt_mlp_work_create(m->mlp, A, &w->mlp[s], err);
        if (st != MTT_OK) goto cleanup;
    }
    *out = w;
    return MTT_OK;
cleanup:
    mtt_sbp_work_free(w);
    return st;
}

mtt_status mtt_sbp_gather_rows_(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                              mtt_sbp_work *w, mtt_error *err)
{
    size_t total = 0, pass = 0;
    memset(w->count, 0, m->n_species * sizeof *w->count);
    for (size_t b = 0; b < n; ++b) {
        total += (size_t)f[b]->n_atoms;
        for (int i = 0; i < f[b]->n_atoms; ++i) w->count[f[b]->species_index[i]]++;
        /* the soap work borrows these; the features may have moved since */
        f[b]->sw.nl = &f[b]->nl;
        f[b]->sw.species_index = f[b]->species_index;
        if (f[b]->sw.half) {
            const size_t need = mtt_soap_pass_size(m->soap, f[b]->n_atoms);
            if (need > pass) pass = need;
        }
    }
    if (pass > w->cap_soap_pass) { /* a larger structure than so far: once per size */
        double *buf = realloc(w->soap_pass, pass * sizeof *buf);
        MTT_RETURN_ERROR_IF(!buf, err, MTT_ERR_NOMEM,
                            "out of memory for the SOAP passes of a structure (%zu MB)",
                            pass * sizeof *buf >> 20);
        w->soap_pass = buf;
        w->cap_soap_pass = pass;
    }
    for (size_t b = 0; b < n; ++b) {
        if (f[b]->sw.half) mtt_soap_work_lend_pass(&f[b]->sw, w->soap_pass, w->cap_soap_pass);
        mtt_soap_work_lend_scratch(&f[b]->sw, w->soap_scratch, w->cap_soap_scratch);
    }
    MTT_RETURN_ERROR_IF(total > w->max_atoms, err, MTT_ERR_INTERNAL,
                        "batch of %zu atoms exceeds the workspace (%zu)", total, w->max_atoms);
    size_t acc = 0;
    for (size_t s = 0; s < m->n_species; ++s) {
        w->start[s] = acc;
        acc += w->count[s];
        w->count[s] = 0;
    }
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b)
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom) {
            int s = f[b]->species_index[i];
            w->row[atom] = w->start[s] + w->count[s]++;
        }
    return MTT_OK;
}

mtt_status mtt_sbp_predict(const mtt_sbp_model *m, const double *params,
                           mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                           double *energy, double *forces, double *dE_deps, mtt_error *err)
{
    if (m->precision == 32)
        return mtt_sbp_predict_f32_(m, params, f, n, w, energy, forces, dE_deps, err);
    const size_t D = m->dim;
    MTT_FORWARD_IF_ERROR(mtt_sbp_gather_rows_(m, f, n, w, err));
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b)
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom) {
            if (w->P) memcpy(w->P + w->row[atom] * D, f[b]->p + (size_t)i * D, D * sizeof *w->P);
            else w->rows[w->row[atom]] = f[b]->p + (size_t)i * D;
        }
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        MTT_FORWARD_IF_ERROR(
            w->P ? mtt_mlp_forward(w->mlp[s], params, s, w->count[s], w->P + w->start[s] * D,
                                   w->y + w->start[s], err)
                 : mtt_mlp_forward_rows(w->mlp[s], params, s, w->count[s],
                                        w->rows + w->start[s],
                                        w->y + w->start[s], err));
    }
    atom = 0;
    for (size_t b = 0; b < n; ++b) {
        double e_net = 0.0, e_base = 0.0;
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom) {
            e_net += w->y[w->row[atom]];
            e_base += m->composition[f[b]->species_index[i]];
        }
        energy[b] = m->scale * e_net + e_base;
    }
    if (!forces && !dE_deps) return MTT_OK;

    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        MTT_FORWARD_IF_ERROR(mtt_mlp_input_gradient(w->mlp[s], w->G + w->start[s] * D, err));
    }
    atom = 0;
    size_t first = 0;
    for (size_t b = 0; b < n; ++b) {
        const size_t nb = (size_t)f[b]->n_atoms;
        /* g = ∂E/∂p = σ ∂y/∂p, read from the species rows in place */
        double *fb = forces ? forces + 3 * first : w->wneg;
        MTT_FORWARD_IF_ERROR(mtt_soap_forces_rows(m->soap, w->G, w->row + atom, m->scale,
                                                  &f[b]->sw, fb,
                                                  dE_deps ? dE_deps + 9 * b : NULL, err));
        atom += nb;
        first += nb;
    }
    return MTT_OK;
}

void mtt_sbp_atom_energies(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                           const mtt_sbp_work *w, double *atom_energy)
{
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b)
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom)
            atom_energy[atom] =
                m->scale * w->y[w->row[atom]] + m->composition[f[b]->species_index[i]];
}

mtt_status mtt_sbp_predict_one(const mtt_sbp_model *m, const double *params,
                               const mtt_structure *s, double *energy, double *forces,
                               double *atom_energy, double *dE_deps, mtt_error *err)
{
    mtt_sbp_single w = {0};
    mtt_sbp_features_init(&w.f);
    mtt_status st = mtt_sbp_predict_single(m, params, s, &w, energy, forces, atom_energy,
                                           dE_deps, err);
    mtt_sbp_single_free(&w);
    return st;
}

mtt_status mtt_sbp_predict_single(const mtt_sbp_model *m, const double *params,
                                  const mtt_structure *s, mtt_sbp_single *w, double *energy,
                                  double *forces, double *atom_energy, double *dE_deps,
                                  mtt_error *err)
{
    mtt_sbp_features *fp = &w->f;
    /* the force pass runs once: recomputing each pair's gradient there is
     * cheaper than storing it (and touching that memory) for one use */
    mtt_status st = mtt_sbp_features_compute_once(m, s, &w->f, MTT_SBP_KEEP_NONE, err);
    if (st == MTT_OK && (size_t)s->n_atoms > w->max_atoms) {
        mtt_sbp_work_free(w->work);
        w->work = NULL;
        w->max_atoms = 0;
        st = mtt_sbp_work_create(m, (size_t)s->n_atoms, &w->work, err);
        if (st == MTT_OK) w->max_atoms = (size_t)s->n_atoms;
    }
    if (st == MTT_OK)
        st = mtt_sbp_predict(m, params, &fp, 1, w->work, energy, forces, dE_deps, err);
    if (st == MTT_OK && atom_energy) mtt_sbp_atom_energies(m, &fp, 1, w->work, atom_energy);
    return st;
}

void mtt_sbp_single_free(mtt_sbp_single *w)
{
    if (!w) return;
    mtt_sbp_work_free(w->work);
    mtt_sbp_features_free(&w->f);
    w->work = NULL;
    w->max_atoms = 0;
}

/* overwrite: grad = ∂L/∂params (each species' block set by its network's
 * backward, the blocks of species absent from the batch zeroed), else +=. */
static mtt_status backward64(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                             mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                             const double *dL_dDeps, double *grad, int overwrite,
                             mtt_error *err)
{
    const size_t D = m->dim;
    const int tangent = dL_dF || dL_dDeps;
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b)
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom)
            w->a[w->row[atom]] = dL_dE ? m->scale * dL_dE[b] : 0.0;
    if (tangent) {
        /* v_i = σ ṗ_i along the displacement −∂L/∂F and the strain ∂L/∂(∂E/∂ε):
         * Σ_k ∂L/∂F_k·F_k + Σ U:∂E/∂ε = σ Σ_i ∂y_i/∂p_i · ṗ_i (docs/math.md §5) */
        atom = 0;
        size_t first = 0;
        for (size_t b = 0; b < n; ++b) {
            const size_t nb = (size_t)f[b]->n_atoms;
            if (dL_dF)
                for (size_t k = 0; k < 3 * nb; ++k) w->wneg[k] = -dL_dF[3 * first + k];
            /* the rows σ ṗ, written in place */
            MTT_FORWARD_IF_ERROR(mtt_soap_tangent_strain_rows(
                m->soap, dL_dF ? w->wneg : NULL, dL_dDeps ? dL_dDeps + 9 * b : NULL, &f[b]->sw,
                w->G, w->row + atom, m->scale, err));
            atom += nb;
            first += nb;
        }
    }
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) {
            if (overwrite && grad)
                memset(grad + mtt_mlp_species_offset(m->mlp, s), 0,
                       m->mlp->n_params_per_species * sizeof *grad);
            continue;
        }
        MTT_FORWARD_IF_ERROR((overwrite ? mtt_mlp_backward_set : mtt_mlp_backward)(
            w->mlp[s], dL_dE ? w->a + w->start[s] : NULL, tangent ? w->G + w->start[s] * D : NULL,
            NULL, grad, err));
    }
    return MTT_OK;
}

mtt_status mtt_sbp_backward(const mtt_sbp_model *m, const double *params,
                            mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                            const double *dL_dE, const double *dL_dF, const double *dL_dDeps,
                            double *grad, mtt_error *err)
{
    (void)params;  /* the networks kept what they need from the forward */
    if (m->precision == 32)
        return mtt_sbp_backward_f32_(m, f, n, w, dL_dE, dL_dF, dL_dDeps, grad, err);
    return backward64(m, f, n, w, dL_dE, dL_dF, dL_dDeps, grad, 0, err);
}

mtt_status mtt_sbp_backward_set(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                const double *dL_dDeps, double *grad, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(m->precision == 32, err, MTT_ERR_INTERNAL,
                        "a double gradient was set from a 32-bit model; this is a bug, please "
                        "report it");
    return backward64(m, f, n, w, dL_dE, dL_dF, dL_dDeps, grad, 1, err);
}
