/* export.h — turn a training state into an exported model (.pt).
 *
 * mtt_export_model_from_ckpt is what `mtt export` and the end of `mtt train`
 * call: the checkpoint's BEST parameters (best_epoch), its hyperparameters,
 * atomic types, units, composition and scale, and its metadata go into the
 * model; the self-test is computed; the file is written atomically; then it
 * is opened again through libmtt (mtt_model_open: checksums and self-test),
 * and removed if that fails.  Serial: call it on one rank only.
 */
#ifndef MTT_IO_EXPORT_H
#define MTT_IO_EXPORT_H

#include "io/checkpoint.h"
#include "io/model_file.h"
#include "util/status.h"

/* Export c's best model to out_path. */
mtt_status mtt_export_model_from_ckpt(const mtt_ckpt *c, const char *out_path, mtt_error *err);

/* Export mf (everything but the self-test and the identity fields, which
 * are computed here; mf's self-test arrays are replaced and owned by mf
 * afterwards: free them with the rest of mf). */
mtt_status mtt_export_model_file(mtt_model_file *mf, const char *out_path, mtt_error *err);

/* Replace mf->metadata_yaml (owned by mf) with the canonical form of the
 * YAML text (NULL or "" = no metadata); errors name source. */
mtt_status mtt_export_set_metadata(mtt_model_file *mf, const char *yaml, const char *source,
                                   mtt_error *err);

#endif
