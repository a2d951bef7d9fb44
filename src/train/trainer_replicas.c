/* trainer_replicas.c — the parameters are the same on every rank.
 *
 * Data parallelism rests on one invariant (trainer_internal.h): the
 * parameter arrays are bitwise identical on all ranks (each rank updates its
 * slice from the summed gradient, the slices are all-gathered).  Hardware
 * that rounds differently, a build mixing compilers, a wrong slice layout or
 * a corrupted message would break it silently and the ranks would train
 * different models.  After each epoch
 * every rank hashes its parameter bytes; the minimum and maximum of the
 * hashes over all ranks (one 2-integer allreduce) differ exactly when some
 * rank's hash differs, and every rank learns it from the same collective, so
 * all stop together with the same one-line error naming the epoch.
 *
 * Hash: per 64-bit word h = (h ^ w) · P, then an xor-shift, in eight
 * interleaved lanes folded by the same step at the end; each step is a
 * bijection of h for fixed w and of w for fixed h, so any single changed
 * word changes its lane and so the hash.  Cost: one pass over the n_params doubles (less
 * than one step's Adam update) and one 2-integer allreduce per epoch;
 * nothing on one rank.
 *
 * Test-only hook: MTT_TEST_PERTURB_PARAMS_RANK=R makes rank R move its
 * first parameter by one ulp just before the first check, so tests can show
 * the check fires.  Never set it in production runs.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train/trainer_internal.h"

/* One lane's step: a bijection of h for fixed w and of w for fixed h. */
static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * UINT64_C(0x100000001b3);
    return h ^ (h >> 29);
}

uint64_t mtt_trainer_params_hash(const double *params, size_t n)
{
    /* eight independent lanes (word i goes to lane i mod 8), so the chain of
     * multiplies is not one long dependency: ~8 times faster than one lane */
    enum { LANES = 8 };
    uint64_t lane[LANES];
    for (int k = 0; k < LANES; ++k) lane[k] = UINT64_C(0xcbf29ce484222325) + (uint64_t)k;
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; ++k) {
            uint64_t w;
            memcpy(&w, &params[i + (size_t)k], sizeof w);
            lane[k] = hash_step(lane[k], w);
        }
    for (int k = 0; i < n; ++i, ++k) {
        uint64_t w;
        memcpy(&w, &params[i], sizeof w);
        lane[k] = hash_step(lane[k], w);
    }
    uint64_t h = (uint64_t)n;
    for (int k = 0; k < LANES; ++k) h = hash_step(h, lane[k]);
    return h;
}

/* The test-only hook (see the header comment); applied once per process. */
static void test_perturb(mtt_trainer *t)
{
    static int done = 0;
    const char *s = getenv("MTT_TEST_PERTURB_PARAMS_RANK");
    if (done || !s || !*s || t->n_params == 0) return;
    done = 1;
    if (atoi(s) == t->rank) t->params[0] = nextafter(t->params[0], INFINITY);
}

mtt_status mtt_trainer_check_replicas(mtt_trainer *t, int epoch, mtt_error *err)
{
    if (t->size <= 1) return MTT_OK;
    test_perturb(t);
    uint64_t h = mtt_trainer_params_hash(t->params, t->n_params);
    /* min of h and min of ~h (= ~max h) in one allreduce; the cast of the
     * bits to int64 keeps the order of ~ reversed, so the two agree exactly
     * when every rank holds the same hash */
    int64_t v[2];
    memcpy(&v[0], &h, sizeof h);
    v[1] = ~v[0];
    mtt_comm_min_int64(t->comm, v, 2);
    if (v[0] == ~v[1]) return MTT_OK;
    uint64_t lo, hi;
    int64_t max = ~v[1];
    memcpy(&lo, &v[0], sizeof lo);
    memcpy(&hi, &max, sizeof hi);
    return mtt_error_set(err, MTT_ERR_INTERNAL,
                         "the model parameters differ between ranks after epoch %d (checksums "
                         "%016" PRIx64 " to %016" PRIx64 "): the ranks no longer train the same "
                         "model; check that every node runs the same mtt build and report it "
                         "with the log",
                         epoch, lo, hi);
}
