/* soap_grad_f32.c — forces, strain derivative and tangent of SOAP over
 * float-stored factored pair gradients (MTT_SOAP_STORE_GRAD_F32,
 * base_precision: 32): the kernels and passes of soap_grad_impl.h and
 * soap_pass_impl.h instantiated for float.  c, the factors, ḡ, ċ and the
 * per-l K×K products (sgemm) are float; each pair force's sums over lm
 * (about 50 terms for the defaults, each a float sum of N products) and
 * every force, ∂E/∂ε and ṗ are double.
 * Inputs g (∂E/∂p) and the displacements are rounded to float where they
 * enter.  Scratch: the double scratch of the work, reinterpreted as float
 * (each region then holds twice the floats it needs; nothing reads it as
 * double in between), and so is the half passes' buffer.
 */
#include "config.h"

#include <string.h>

#include "model/blas.h"
#include "model/soap.h"
#include "model/soap_internal.h"

#define REAL float
#define SFX(name) name##_f32
#define GEMM mtt_blas_sgemm
#define SOAP_LANE_INDEX int        /* lanes of the g/ṗ transposes */
#define SOAP_PACKED_G(g, gf) (gf)  /* the row they unpack: gf in float */
#define COEFFICIENTS(w) ((const float *)(w)->c32)
#define PAIR_FACTORS(soap, w, h, q, s) ((w)->fac32 + (h) * MTT_SOAP_FAC_SIZE(soap))
#define STORED_FACTORS(w) ((const float *)(w)->fac32)
#include "model/soap_grad_impl.h"
#include "model/soap_pass_impl.h"

void mtt_soap_forces_f32_(const mtt_soap *soap, const double *g, mtt_soap_work *w,
                          double *forces, double *dE_deps, double *atom_dE_deps, double *pass)
{
    forces_f32(soap, g, NULL, NULL, 1.0, w, forces, dE_deps, atom_dE_deps, (float *)pass);
}

void mtt_soap_tangent_strain_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                  mtt_soap_work *w, double *pdot, double *pass)
{
    tangent_f32(soap, wvec, strain, w, pdot, NULL, NULL, 1.0, (float *)pass);
}

void mtt_soap_forces_rows_f32_(const mtt_soap *soap, const float *g, const size_t *rows,
                               double scale, mtt_soap_work *w, double *forces, double *dE_deps,
                               double *pass)
{
    forces_f32(soap, NULL, g, rows, scale, w, forces, dE_deps, NULL, (float *)pass);
}

void mtt_soap_tangent_rows_f32_(const mtt_soap *soap, const double *wvec, const double *strain,
                                mtt_soap_work *w, float *out, const size_t *rows, double scale,
                                double *pass)
{
    tangent_f32(soap, wvec, strain, w, NULL, out, rows, scale, (float *)pass);
}
