/* soap_grad.c — forces, strain derivative, tangent and dense Jacobian of SOAP.
 *
 * The force and tangent passes work through c(i) and the factored pair
 * gradients (soap_grad_impl.h has the equations and kernels, soap_pass_impl.h
 * the passes, docs/math.md §2–3), so no D×3 Jacobian is ever formed except
 * by mtt_soap_jacobian (tests only).
 * Here they are instantiated for double: the factors stored by the compute
 * (MTT_SOAP_STORE_GRAD) or recomputed per pair; work whose factors were
 * stored as floats (MTT_SOAP_STORE_GRAD_F32) goes to the float instance in
 * soap_grad_f32.c.
 */
#include "config.h"

#include <string.h>

#include "model/blas.h"
#include "model/soap.h"
#include "model/soap_internal.h"

#define REAL double
#define SOAP_LANE_INDEX long long  /* lanes of the g/ṗ transposes */
#define SOAP_PACKED_G(g, gf) (g)   /* the row they unpack: g in double */
#define SFX(name) name##_f64
#define GEMM mtt_blas_gemm
#define COEFFICIENTS(w) ((const double *)(w)->c)
/* stored factors inline (the hot path), else recomputed by soap.c */
#define PAIR_FACTORS(soap, w, h, q, s)                                              \
    ((w)->stored == 1 ? (const double *)(w)->fac + (h) * MTT_SOAP_FAC_SIZE(soap)   \
                      : mtt_soap_pair_factors_(soap, w, h, q, s))
#define STORED_FACTORS(w) ((w)->stored == 1 ? (const double *)(w)->fac : NULL)
#include "model/soap_grad_impl.h"
#include "model/soap_pass_impl.h"

static mtt_status check_ready(const mtt_soap_work *w, mtt_error *err)
{
    const void *data = w->stored == 2   ? (const void *)w->c32
                       : w->stored == 3 ? (const void *)w->jac
                       : w->stored == 4 ? (const void *)w->jac32
                                        : (const void *)w->c;
    MTT_RETURN_ERROR_IF(!w->nl || !data, err, MTT_ERR_INTERNAL,
                        "soap: gradient requested before mtt_soap_compute on this workspace");
    return MTT_OK;
}

static int is_dense(const mtt_soap_work *w) { return w->stored == 3 || w->stored == 4; }

/* Ready, and the half passes' buffer (NULL when not needed). */
static mtt_status check_pass(const mtt_soap *soap, mtt_soap_work *w, double **pass,
                             mtt_error *err)
{
    *pass = NULL;
    MTT_FORWARD_IF_ERROR(check_ready(w, err));
    MTT_FORWARD_IF_ERROR(mtt_soap_scratch_ready_(soap, w, err));
    return is_dense(w) ? MTT_OK : mtt_soap_pass_buffer_(soap, w, pass, err);
}

/* The float-row entries need float position derivatives (stored 2 or 4). */
static mtt_status check_float(const mtt_soap *soap, mtt_soap_work *w, double **pass,
                              mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_pass(soap, w, pass, err));
    MTT_RETURN_ERROR_IF(w->stored != 2 && w->stored != 4, err, MTT_ERR_INTERNAL,
                        "soap: float rows used with a workspace without float position "
                        "derivatives; this is a bug, please report it");
    return MTT_OK;
}

mtt_status mtt_soap_forces(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                           double *forces, double *dE_deps, mtt_error *err)
{
    return mtt_soap_forces_virial(soap, g, w, forces, dE_deps, NULL, err);
}

mtt_status mtt_soap_forces_virial(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                                  double *forces, double *dE_deps, double *atom_dE_deps,
                                  mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_pass(soap, w, &pass, err));
    if (is_dense(w)) {
        MTT_RETURN_ERROR_IF(atom_dE_deps, err, MTT_ERR_INTERNAL,
                            "soap: the per-atom virial needs the pair gradients, which a dense "
                            "Jacobian replaced; this is a bug, please report it");
        mtt_soap_dense_forces_(soap, w, g, NULL, NULL, 1.0, forces, dE_deps);
    } else if (w->stored == 2) {
        mtt_soap_forces_f32_(soap, g, w, forces, dE_deps, atom_dE_deps, pass);
    } else {
        forces_f64(soap, g, NULL, NULL, 1.0, w, forces, dE_deps, atom_dE_deps, pass);
    }
    return MTT_OK;
}

mtt_status mtt_soap_tangent(const mtt_soap *soap, const double *wvec, mtt_soap_work *w,
                            double *pdot, mtt_error *err)
{
    return mtt_soap_tangent_strain(soap, wvec, NULL, w, pdot, err);
}

mtt_status mtt_soap_tangent_strain(const mtt_soap *soap, const double *wvec, const double *strain,
                                   mtt_soap_work *w, double *pdot, mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_pass(soap, w, &pass, err));
    if (is_dense(w))
        mtt_soap_dense_tangent_(soap, w, wvec, strain, pdot, NULL, NULL, 1.0);
    else if (w->stored == 2)
        mtt_soap_tangent_strain_f32_(soap, wvec, strain, w, pdot, pass);
    else
        tangent_f64(soap, wvec, strain, w, pdot, NULL, NULL, 1.0, pass);
    return MTT_OK;
}

/* The double-row entries need double position derivatives (stored 1 or 3,
 * or recomputed). */
static mtt_status check_double(const mtt_soap *soap, mtt_soap_work *w, double **pass,
                               mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_pass(soap, w, pass, err));
    MTT_RETURN_ERROR_IF(w->stored == 2 || w->stored == 4, err, MTT_ERR_INTERNAL,
                        "soap: double rows used with a workspace of float position "
                        "derivatives; this is a bug, please report it");
    return MTT_OK;
}

mtt_status mtt_soap_forces_rows(const mtt_soap *soap, const double *g, const size_t *rows,
                                double scale, mtt_soap_work *w, double *forces,
                                double *dE_deps, mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_double(soap, w, &pass, err));
    if (is_dense(w)) mtt_soap_dense_forces_(soap, w, g, NULL, rows, scale, forces, dE_deps);
    else forces_f64(soap, g, NULL, rows, scale, w, forces, dE_deps, NULL, pass);
    return MTT_OK;
}

mtt_status mtt_soap_tangent_strain_rows(const mtt_soap *soap, const double *wvec,
                                        const double *strain, mtt_soap_work *w, double *out,
                                        const size_t *rows, double scale, mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_double(soap, w, &pass, err));
    if (is_dense(w)) mtt_soap_dense_tangent_(soap, w, wvec, strain, out, NULL, rows, scale);
    else tangent_f64(soap, wvec, strain, w, out, NULL, rows, scale, pass);
    return MTT_OK;
}

mtt_status mtt_soap_forces_f32(const mtt_soap *soap, const float *g, const size_t *rows,
                               double scale, mtt_soap_work *w, double *forces, double *dE_deps,
                               mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_float(soap, w, &pass, err));
    if (w->stored == 4)
        mtt_soap_dense_forces_(soap, w, NULL, g, rows, scale, forces, dE_deps);
    else
        mtt_soap_forces_rows_f32_(soap, g, rows, scale, w, forces, dE_deps, pass);
    return MTT_OK;
}

mtt_status mtt_soap_tangent_strain_f32(const mtt_soap *soap, const double *wvec,
                                       const double *strain, mtt_soap_work *w, float *out,
                                       const size_t *rows, double scale, mtt_error *err)
{
    double *pass;
    MTT_FORWARD_IF_ERROR(check_float(soap, w, &pass, err));
    if (w->stored == 4)
        mtt_soap_dense_tangent_(soap, w, wvec, strain, NULL, out, rows, scale);
    else
        mtt_soap_tangent_rows_f32_(soap, wvec, strain, w, out, rows, scale, pass);
    return MTT_OK;
}

mtt_status mtt_soap_jacobian(const mtt_soap *soap, mtt_soap_work *w, double *jac, mtt_error *err)
{
    MTT_FORWARD_IF_ERROR(check_ready(w, err));
    MTT_FORWARD_IF_ERROR(mtt_soap_scratch_ready_(soap, w, err));
    MTT_RETURN_ERROR_IF(!w->c, err, MTT_ERR_INTERNAL,
                        "soap: the dense Jacobian needs the double coefficients, which this "
                        "float workspace dropped");
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    const size_t D = soap->dim, kp = (size_t)soap->n_species * soap->NP;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    memset(jac, 0, (size_t)n * D * n * 3 * sizeof *jac);
    for (int i = 0; i < n; ++i) {
        const double *c = w->c + (size_t)i * soap->NC;
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            /* the expanded gradient, independently of the factored passes */
            const double *dphi = mtt_soap_pair_grad_(soap, w, q, &s);
            for (int x = 0; x < 3; ++x) {
                memset(s.vp, 0, MTT_SOAP_PAIR_ORDER_SIZE(soap) * sizeof *s.vp);
                double *v = s.vp + (size_t)w->species_index[j] * soap->NP;
                for (int n = 0; n < soap->N; ++n)
                    for (int lm = 0; lm < soap->LM; ++lm)
                        v[(size_t)lm * kp + n] = dphi[3 * ((size_t)n * soap->LM + lm) + x];
                pdot_f64(soap, c, s.vp, s.pdot, NULL, 1.0, s.kk1, s.vec);
                for (size_t d = 0; d < D; ++d) {
                    double *row = jac + ((size_t)i * D + d) * n * 3;
                    row[3 * j + x] += s.pdot[d];
                    row[3 * i + x] -= s.pdot[d];
                }
            }
        }
    }
    return MTT_OK;
}
