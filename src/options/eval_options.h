/* eval_options.h — the options file of `mtt eval` (metatrain's eval.yaml):
 * one dataset block, the same keys as a training_set block:
 *
 *   systems: {read_from: test.xyz, length_unit: angstrom}   # or systems: test.xyz
 *   targets:                                                # optional
 *     energy: {key: energy, unit: eV, forces: {key: forces}}
 *
 * Without `targets` only predictions are made (no reference is read).
 * Errors are those of options files: "FILE:LINE:COL: key: message".
 */
#ifndef MTT_OPTIONS_EVAL_OPTIONS_H
#define MTT_OPTIONS_EVAL_OPTIONS_H

#include "options/options.h"
#include "util/status.h"

typedef struct mtt_eval_options {
    mtt_options *all;            /* owns the strings */
    const mtt_dataset_opts *set; /* the block (all->training_set) */
    int has_targets;             /* 1: the file names targets: compare with references */
} mtt_eval_options;

mtt_status mtt_eval_options_load(const char *path, mtt_eval_options *out, mtt_error *err);
void mtt_eval_options_free(mtt_eval_options *e);

#endif
