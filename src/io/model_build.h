/* model_build.h — from an exported model file to a model that computes, and
 * the self-test that ties the two together.
 *
 * mtt_model_file_build checks that the stored layout is exactly the one this
 * mtt builds for the stored hyperparameters (names, offsets, shapes), so a
 * file can never be silently read with another parameter order.
 *
 * Self-test: one periodic structure holding every atomic type of the model
 * (a jittered simple-cubic arrangement, deterministic), with the energy,
 * forces and virial computed at export.  The check recomputes them and
 * compares with tolerance MTT_SELF_TEST_RTOL relative to the largest
 * magnitude of each quantity (absolute floor 1e-8):
 * the same code and parameters on another CPU, compiler or BLAS kernel
 * differ only by summation order, ~1e-14 relative for these few hundred
 * terms; a wrong parameter, layout, hyperparameter or radial table changes
 * them by far more than 1e-7.
 */
#ifndef MTT_IO_MODEL_BUILD_H
#define MTT_IO_MODEL_BUILD_H

#include "io/model_file.h"
#include "model/soap_bpnn.h"
#include "util/status.h"

#define MTT_SELF_TEST_RTOL 1e-7

/* Create the soap_bpnn model of mf (composition and scale set). */
mtt_status mtt_model_file_build(const mtt_model_file *mf, const char *path, mtt_sbp_model **out,
                                mtt_error *err);

/* Fill mf's self-test fields (allocating its arrays) from the model. */
mtt_status mtt_model_selftest_make(mtt_model_file *mf, const mtt_sbp_model *m, mtt_error *err);

/* Recompute mf's self-test with m and compare (MTT_ERR_CHECKPOINT naming
 * the quantity, both values and the tolerance when they differ). */
mtt_status mtt_model_selftest_check(const mtt_model_file *mf, const char *path,
                                    const mtt_sbp_model *m, mtt_error *err);

#endif
