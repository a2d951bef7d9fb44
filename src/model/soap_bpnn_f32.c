/* soap_bpnn_f32.c — mtt_sbp_predict and mtt_sbp_backward at precision 32
 * (base_precision: 32; see soap_bpnn.h for the mixed-precision contract).
 *
 * Same flow as soap_bpnn.c with float rows: each predict rounds the double
 * parameters into the workspace's float copy (n_params conversions, small
 * next to the networks' 10·n·D·H flops), the networks run in sgemm, and
 * the per-atom outputs are summed into energies in double.  The SOAP passes
 * read ∂y/∂p from the networks' float rows and write the tangent directions
 * into them in place (σ folded into the per-l products), their force and ṗ
 * sums in double over the float pair gradients.  The backward writes the float gradient
 * into its own buffer and adds it to the caller's double gradient.
 * mtt_sbp_predict_floats and mtt_sbp_backward_floats are the same passes on
 * a float parameter vector and a float gradient the caller keeps (a trainer
 * whose parameters and Adam moments are float): no conversions at all.
 */
#include "config.h"

#include <string.h>

#include "model/soap_bpnn.h"
#include "model/soap_bpnn_internal.h"
#include "util/convert.h"

mtt_status mtt_sbp_predict_f32_(const mtt_sbp_model *m, const double *params,
                                mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                                double *energy, double *forces, double *dE_deps, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!w->Gf, err, MTT_ERR_INTERNAL,
                        "a 64-bit batch workspace was used with a 32-bit model; this is a bug, "
                        "please report it");
    mtt_convert_narrow(m->n_params, params, w->params_f32);
    return mtt_sbp_predict_floats(m, w->params_f32, f, n, w, energy, forces, dE_deps, err);
}

mtt_status mtt_sbp_predict_floats(const mtt_sbp_model *m, const float *params,
                                  mtt_sbp_features *const *f, size_t n, mtt_sbp_work *w,
                                  double *energy, double *forces, double *dE_deps, mtt_error *err)
{
    const size_t D = m->dim;
    MTT_RETURN_ERROR_IF(m->precision != 32 || !w->Gf, err, MTT_ERR_INTERNAL,
                        "float parameters were given to a 64-bit model or workspace; this is a "
                        "bug, please report it");
    MTT_FORWARD_IF_ERROR(mtt_sbp_gather_rows_(m, f, n, w, err));
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b) {
        MTT_RETURN_ERROR_IF(!f[b]->p_f32 && f[b]->n_atoms > 0, err, MTT_ERR_INTERNAL,
                            "descriptors computed at precision 64 were given to a 32-bit "
                            "model; this is a bug, please report it");
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom) {
            const float *p = f[b]->p_f32 + (size_t)i * D;
            if (w->Pf) memcpy(w->Pf + w->row[atom] * D, p, D * sizeof *w->Pf);
            else w->rows_f32[w->row[atom]] = p;
        }
    }
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        MTT_FORWARD_IF_ERROR(
            w->Pf ? mtt_mlp_forward_f32(w->mlp[s], params, s, w->count[s],
                                        w->Pf + w->start[s] * D, w->yf + w->start[s], err)
                  : mtt_mlp_forward_rows_f32(w->mlp[s], params, s, w->count[s],
                                             w->rows_f32 + w->start[s],
                                             w->yf + w->start[s], err));
    }
    atom = 0;
    for (size_t b = 0; b < n; ++b) {
        double e_net = 0.0, e_base = 0.0;
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom) {
            e_net += (double)w->yf[w->row[atom]];
            e_base += m->composition[f[b]->species_index[i]];
        }
        energy[b] = m->scale * e_net + e_base;
    }
    if (!forces && !dE_deps) return MTT_OK;

    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) continue;
        MTT_FORWARD_IF_ERROR(mtt_mlp_input_gradient_f32(w->mlp[s], w->Gf + w->start[s] * D, err));
    }
    atom = 0;
    size_t first = 0;
    for (size_t b = 0; b < n; ++b) {
        const size_t nb = (size_t)f[b]->n_atoms;
        /* g = ∂E/∂p = σ ∂y/∂p, read from the float rows in place */
        double *fb = forces ? forces + 3 * first : w->wneg;
        MTT_FORWARD_IF_ERROR(mtt_soap_forces_f32(m->soap, w->Gf, w->row + atom, m->scale,
                                                 &f[b]->sw, fb, dE_deps ? dE_deps + 9 * b : NULL,
                                                 err));
        atom += nb;
        first += nb;
    }
    return MTT_OK;
}

mtt_status mtt_sbp_backward_f32_(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                 mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                 const double *dL_dDeps, double *grad, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(mtt_sbp_backward_floats(m, f, n, w, dL_dE, dL_dF, dL_dDeps,
                                                 grad ? w->grad_f32 : NULL, err));
    if (grad) mtt_convert_widen_add(m->n_params, w->grad_f32, grad);
    return MTT_OK;
}

mtt_status mtt_sbp_backward_floats(const mtt_sbp_model *m, mtt_sbp_features *const *f, size_t n,
                                   mtt_sbp_work *w, const double *dL_dE, const double *dL_dF,
                                   const double *dL_dDeps, float *grad, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(m->precision != 32 || !w->Gf, err, MTT_ERR_INTERNAL,
                        "a float gradient was asked of a 64-bit model or workspace; this is a "
                        "bug, please report it");
    const size_t D = m->dim;
    const int tangent = dL_dF || dL_dDeps;
    size_t atom = 0;
    for (size_t b = 0; b < n; ++b)
        for (int i = 0; i < f[b]->n_atoms; ++i, ++atom)
            w->af[w->row[atom]] = dL_dE ? (float)(m->scale * dL_dE[b]) : 0.0f;
    if (tangent) {
        /* v_i = σ ṗ_i, summed in double over the float pair gradients */
        atom = 0;
        size_t first = 0;
        for (size_t b = 0; b < n; ++b) {
            const size_t nb = (size_t)f[b]->n_atoms;
            if (dL_dF)
                for (size_t k = 0; k < 3 * nb; ++k) w->wneg[k] = -dL_dF[3 * first + k];
            /* the float rows σ ṗ, written in place */
            MTT_FORWARD_IF_ERROR(mtt_soap_tangent_strain_f32(
                m->soap, dL_dF ? w->wneg : NULL, dL_dDeps ? dL_dDeps + 9 * b : NULL, &f[b]->sw,
                w->Gf, w->row + atom, m->scale, err));
            atom += nb;
            first += nb;
        }
    }
    if (!grad) return MTT_OK;
    for (size_t s = 0; s < m->n_species; ++s) {
        if (!w->count[s]) { /* each species' block is set: zeros when absent */
            memset(grad + mtt_mlp_species_offset(m->mlp, s), 0,
                   m->mlp->n_params_per_species * sizeof *grad);
            continue;
        }
        MTT_FORWARD_IF_ERROR(mtt_mlp_backward_set_f32(
            w->mlp[s], dL_dE ? w->af + w->start[s] : NULL,
            tangent ? w->Gf + w->start[s] * D : NULL, NULL, grad, err));
    }
    return MTT_OK;
}
