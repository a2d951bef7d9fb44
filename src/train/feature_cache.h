/* feature_cache.h — the descriptor cache: SOAP features of one rank's
 * structures of one set, computed once and kept within a memory budget.
 *
 * Descriptors never change during training (only the networks do), so each
 * structure's mtt_sbp_features is computed once, at build time, and kept
 * while the running total stays within the budget.  Structures that do not
 * fit are recomputed whenever a batch needs them, into scratch entries (one
 * per batch slot, reused: their buffers only grow, so after the first
 * epoch recomputing allocates nothing).  Building visits every structure
 * once, which also records each one's shortest interatomic distance.
 * Order of caching: structure 0, 1, ... of the shard until the budget is
 * reached; after that nothing more is cached (no holes are refilled).
 * Cost: build = one feature computation per structure; a batch = pointer
 * look-ups plus one computation per uncached structure.
 */
#ifndef MTT_TRAIN_FEATURE_CACHE_H
#define MTT_TRAIN_FEATURE_CACHE_H

#include <stddef.h>

#include "data/dataset.h"
#include "model/soap_bpnn.h"
#include "util/status.h"

typedef struct mtt_feature_cache {
    const mtt_dataset *ds;        /* borrowed: the structures */
    size_t n;                     /* structures of ds */
    mtt_sbp_features **entry;     /* n: cached features, or NULL (recomputed) */
    size_t n_cached;
    size_t bytes;                 /* bytes held by the cached entries */
    mtt_sbp_features *scratch;    /* n_scratch reusable entries for uncached ones */
    size_t n_scratch;
    size_t scratch_bytes;         /* bound on what the scratch entries grow to (not in the budget) */
    double *min_distance;         /* n: Å, shortest pair distance (∞: no pair) */
    double form_values[MTT_SOAP_FORMS]; /* over all n structures: values each form of the
                                           position derivatives would take (soap.h) */
    size_t n_dense;               /* structures whose derivatives are a dense Jacobian */
    double chosen_values[2];      /* values kept: [0] factored pair gradients of the others,
                                     [1] dense Jacobians (mtt_soap_prefers_dense) */
    mtt_arena arena;              /* the cached entries' descriptors and SOAP data, in 2 MiB
                                     pages (util/arena.h) */
} mtt_feature_cache;

/* A view of structure s of ds for the model (arrays borrowed).  A cell is
 * passed only when some direction is periodic. */
mtt_structure mtt_feature_cache_structure(const mtt_dataset *ds, size_t s);

/* Compute the features of every structure of ds, keeping them while the
 * total stays within budget_bytes; n_scratch = the most structures one
 * batch will ask for.  On error c is left freeable. */
mtt_status mtt_feature_cache_build(mtt_feature_cache *c, const mtt_sbp_model *m,
                                   const mtt_dataset *ds, size_t budget_bytes, size_t n_scratch,
                                   mtt_error *err);

/* Features of structures idx[0..n) (n <= n_scratch) into out[0..n):
 * cached entries directly, the others recomputed into scratch entries. */
mtt_status mtt_feature_cache_batch(mtt_feature_cache *c, const mtt_sbp_model *m,
                                   const size_t *idx, size_t n, mtt_sbp_features **out,
                                   mtt_error *err);

void mtt_feature_cache_free(mtt_feature_cache *c);

#endif
