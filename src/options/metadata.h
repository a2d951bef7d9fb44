/* metadata.h — model metadata (metatomic's ModelMetadata) from YAML and back.
 *
 *   name: "SOAP-BPNN for ethanol"
 *   description: "..."
 *   authors: ["A. Author <a@example.org>", ...]
 *   references: {architecture: [...], model: [...], implementation: [...]}
 *   extra: {any_key: "string value", ...}
 *
 * Every key is optional; an unknown key is an error listing the allowed
 * ones; a wrong type (a list where a text belongs, ...) names the key.
 * Texts are kept byte for byte (UTF-8).  The canonical text written by
 * mtt_metadata_to_yaml (double-quoted scalars, fixed key order) is what
 * checkpoints and models store; parsing it again gives the same struct.
 * Errors: MTT_ERR_OPTIONS "FILE:LINE:COL: key: problem" (MTT_ERR_IO when the
 * file cannot be read).
 */
#ifndef MTT_OPTIONS_METADATA_H
#define MTT_OPTIONS_METADATA_H

#include <stddef.h>

#include "util/status.h"

enum { MTT_REF_ARCHITECTURE, MTT_REF_MODEL, MTT_REF_IMPLEMENTATION, MTT_REF_COUNT };

/* "architecture", "model", "implementation". */
extern const char *const mtt_metadata_reference_kind[MTT_REF_COUNT];

typedef struct mtt_metadata {
    char *name;                  /* "" when not set */
    char *description;           /* "" when not set */
    size_t n_authors;
    char **authors;
    size_t n_references[MTT_REF_COUNT];
    char **references[MTT_REF_COUNT];
    size_t n_extra;
    char **extra_keys, **extra_values;
} mtt_metadata;

/* Parse YAML text (name is used in messages); NULL or "" text → empty. */
mtt_status mtt_metadata_parse(const char *text, const char *name, mtt_metadata **out,
                              mtt_error *err);
/* Read and parse a file. */
mtt_status mtt_metadata_load_file(const char *path, mtt_metadata **out, mtt_error *err);
/* The canonical YAML text (malloc'ed). */
mtt_status mtt_metadata_to_yaml(const mtt_metadata *m, char **text, mtt_error *err);
void mtt_metadata_free(mtt_metadata *m);

#endif
