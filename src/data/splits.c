/* splits.c — seeded train/validation/test splits; see splits.h. */
#include "config.h"

#include "data/splits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/log.h"
#include "util/rng.h"

/* val + test this close to 1 counts as 1: metatrain's 1 - 0.7 - 0.3 is a
 * rounding residue (5.6e-17), not a training fraction. */
#define SUM_TOLERANCE 1e-9

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static mtt_status check_fraction(const char *key, double f, mtt_error *err)
{
    if (f == MTT_SPLITS_OWN_FILE) return MTT_OK;
    MTT_RETURN_ERROR_IF(!(f >= 0.0 && f < 1.0), err, MTT_ERR_OPTIONS,
                        "%s: fraction %g is outside [0, 1); give a fraction such as "
                        "0.1 or a dataset block with its own file", key, f);
    return MTT_OK;
}

/* Copy sorted src[lo..hi) into a fresh array (NULL when empty). */
static mtt_status take_sorted(const size_t *src, size_t lo, size_t hi, size_t **dst,
                              mtt_error *err)
{
    *dst = NULL;
    if (hi <= lo) return MTT_OK;
    *dst = malloc((hi - lo) * sizeof **dst);
    MTT_RETURN_ERROR_IF(!*dst, err, MTT_ERR_NOMEM,
                        "out of memory for %zu split indices", hi - lo);
    memcpy(*dst, src + lo, (hi - lo) * sizeof **dst);
    qsort(*dst, hi - lo, sizeof **dst, cmp_size);
    return MTT_OK;
}

/* metatrain's _train_test_random_split size: floor(len * test/(train+test)). */
static size_t split_len(size_t len, double train_size, double test_size)
{
    double size_sum = train_size + test_size;
    return (size_t)floor((double)len * (test_size / size_sum));
}

mtt_status mtt_splits_from_fractions(size_t n, double val, double test, uint64_t seed,
                                     mtt_splits *out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    size_t *pool = NULL, *perm = NULL;
    memset(out, 0, sizeof *out);
    out->validation_from_file = val == MTT_SPLITS_OWN_FILE;
    out->test_from_file = test == MTT_SPLITS_OWN_FILE;

    MTT_FORWARD_IF_ERROR(check_fraction("validation_set", val, err));
    MTT_FORWARD_IF_ERROR(check_fraction("test_set", test, err));
    double v = out->validation_from_file ? 0.0 : val;
    double t = out->test_from_file ? 0.0 : test;
    MTT_RETURN_ERROR_IF(v + t >= 1.0 - SUM_TOLERANCE, err, MTT_ERR_OPTIONS,
                        "validation_set (%g) + test_set (%g) = %g leaves no training "
                        "structures; make their sum smaller than 1", v, t, v + t);
    MTT_RETURN_ERROR_IF(n == 0, err, MTT_ERR_DATA,
                        "the training set has no structures; check training_set.systems");

    pool = malloc(n * sizeof *pool);
    perm = malloc(n * sizeof *perm);
    if (!pool || !perm) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory splitting %zu structures", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; ++i) pool[i] = i;
    size_t m = n;  /* pool[0..m) are the structures still training */

    double train_size = 1.0;  /* metatrain's running training fraction */
    if (!out->validation_from_file) {
        train_size -= val;
        size_t n_val = split_len(m, train_size, val);
        if (n_val == m) {
            st = mtt_error_set(err, MTT_ERR_DATA,
                               "validation_set %g of %zu structures leaves no training "
                               "structures; lower validation_set or add structures",
                               val, n);
            goto cleanup;
        }
        mtt_rng_shuffle_sizes(pool, m, seed,
                              mtt_rng_stream_key(MTT_RNG_PURPOSE_SPLIT_VALIDATION, 0));
        st = take_sorted(pool, m - n_val, m, &out->validation, err);
        if (st != MTT_OK) goto cleanup;
        out->n_validation = n_val;
        m -= n_val;
        if (n_val == 0 && val > 0.0)
            mtt_log_warn("validation_set %g of %zu structures selects none; the "
                         "validation set is empty", val, n);
    }
    if (!out->test_from_file) {
        train_size -= test;
        size_t n_test = split_len(m, train_size, test);
        if (n_test == m) {
            st = mtt_error_set(err, MTT_ERR_DATA,
                               "test_set %g of %zu structures leaves no training "
                               "structures; lower test_set or add structures", test, n);
            goto cleanup;
        }
        /* Shuffle positions 0..m-1 of the remaining pool, as metatrain
         * shuffles indices into the already-split subset. */
        for (size_t i = 0; i < m; ++i) perm[i] = i;
        mtt_rng_shuffle_sizes(perm, m, seed,
                              mtt_rng_stream_key(MTT_RNG_PURPOSE_SPLIT_TEST, 0));
        for (size_t i = 0; i < m; ++i) perm[i] = pool[perm[i]];
        memcpy(pool, perm, m * sizeof *pool);
        st = take_sorted(pool, m - n_test, m, &out->test, err);
        if (st != MTT_OK) goto cleanup;
        out->n_test = n_test;
        m -= n_test;
        if (n_test == 0 && test > 0.0)
            mtt_log_warn("test_set %g of %zu structures selects none; the test set "
                         "is empty", test, n);
    }
    st = take_sorted(pool, 0, m, &out->training, err);
    if (st != MTT_OK) goto cleanup;
    out->n_training = m;

cleanup:
    free(pool);
    free(perm);
    if (st != MTT_OK) {
        int vf = out->validation_from_file, tf = out->test_from_file;
        mtt_splits_free(out);
        out->validation_from_file = vf;
        out->test_from_file = tf;
    }
    return st;
}

static mtt_status write_list(const char *dir, const char *name, const size_t *idx,
                             size_t n, mtt_error *err)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/indices/%s.txt", dir, name);
    MTT_RETURN_ERROR_IF(len < 0 || (size_t)len >= sizeof path, err, MTT_ERR_IO,
                        "%s: run folder path is too long for the index files", dir);
    FILE *f = fopen(path, "w");
    MTT_RETURN_ERROR_IF(!f, err, MTT_ERR_IO, "%s: cannot create index file (%s); "
                        "check the run folder's permissions", path, strerror(errno));
    int bad = 0;
    for (size_t i = 0; i < n && !bad; ++i) bad = fprintf(f, "%zu\n", idx[i]) < 0;
    bad |= ferror(f);
    bad |= fclose(f) != 0;
    MTT_RETURN_ERROR_IF(bad, err, MTT_ERR_IO, "%s: cannot write index file (%s); "
                        "check free disk space", path, strerror(errno));
    return MTT_OK;
}

mtt_status mtt_splits_write_indices(const mtt_splits *s, const char *dir,
                                    mtt_error *err)
{
    if (s->validation_from_file && s->test_from_file) return MTT_OK;
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/indices", dir);
    MTT_RETURN_ERROR_IF(len < 0 || (size_t)len >= sizeof path, err, MTT_ERR_IO,
                        "%s: run folder path is too long for the index files", dir);
    MTT_RETURN_ERROR_IF(mkdir(path, 0777) != 0 && errno != EEXIST, err, MTT_ERR_IO,
                        "%s: cannot create folder (%s); check the run folder's "
                        "permissions", path, strerror(errno));
    MTT_FORWARD_IF_ERROR(write_list(dir, "training", s->training, s->n_training, err));
    if (!s->validation_from_file)
        MTT_FORWARD_IF_ERROR(write_list(dir, "validation", s->validation,
                                        s->n_validation, err));
    if (!s->test_from_file)
        MTT_FORWARD_IF_ERROR(write_list(dir, "test", s->test, s->n_test, err));
    return MTT_OK;
}

void mtt_splits_free(mtt_splits *s)
{
    if (!s) return;
    free(s->training);
    free(s->validation);
    free(s->test);
    memset(s, 0, sizeof *s);
}
