/* splits.h — training/validation/test split of the training file's structures.
 *
 * Arithmetic follows metatrain (cli/train.py with _train_test_random_split):
 * the validation fraction is taken first from all n structures,
 *     n_val  = floor(n * (v / ((1 - v) + v))),
 * then the test fraction from the structures that remain (m = n - n_val),
 *     n_test = floor(m * (t / ((1 - v - t) + t))),
 * in the same double-precision operations, so the set sizes equal
 * metatrain's (100 structures, v = 0.1, t = 0.5 -> 10 / 50 / 40).  Which
 * structures go where comes from a seeded Philox shuffle (util/rng.h), not
 * from numpy, so the members differ from metatrain's.
 *
 * A set taken from its own file (validation_set: {read_from: ...}) is marked
 * with MTT_SPLITS_OWN_FILE: nothing is taken from the training file for it.
 *
 * Invariants: the three index lists are disjoint, their union is 0..n-1
 * (an own-file set is empty here), each is sorted ascending (so the files
 * read well and the order never depends on the shuffle; epoch shuffles are
 * separate).  Identical on every rank for the same (n, fractions, seed).
 * Cost: O(n log n), two arrays of n size_t.
 */
#ifndef MTT_DATA_SPLITS_H
#define MTT_DATA_SPLITS_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Fraction value meaning "this set comes from its own file". */
#define MTT_SPLITS_OWN_FILE (-1.0)

typedef struct mtt_splits {
    size_t *training;      /* 0-based structure indices into the training file */
    size_t *validation;    /* NULL when empty */
    size_t *test;          /* NULL when empty */
    size_t n_training;
    size_t n_validation;
    size_t n_test;
    int validation_from_file;  /* 1: validation set read from its own file */
    int test_from_file;        /* 1: test set read from its own file */
} mtt_splits;

/* Split n structures.  val and test are fractions in [0, 1) of the training
 * file, or MTT_SPLITS_OWN_FILE.  Errors (MTT_ERR_OPTIONS / MTT_ERR_DATA) name
 * the option and what to change: a fraction outside [0, 1), val + test >= 1,
 * or a split that leaves no training structure.  On error *out is empty. */
mtt_status mtt_splits_from_fractions(size_t n, double val, double test, uint64_t seed,
                                     mtt_splits *out, mtt_error *err);

/* Write dir/indices/{training,validation,test}.txt, one 0-based index per
 * line ("%d\n" as metatrain's np.savetxt), creating dir/indices.  As in
 * metatrain, a set read from its own file gets no file, and nothing at all
 * is written when both validation and test come from their own files. */
mtt_status mtt_splits_write_indices(const mtt_splits *s, const char *dir,
                                    mtt_error *err);

/* Free the index arrays and reset *s to empty (s may be NULL). */
void mtt_splits_free(mtt_splits *s);

#endif
