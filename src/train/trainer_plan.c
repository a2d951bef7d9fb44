/* trainer_plan.c — an epoch's batches and their global counts, known before
 * its first step.
 *
 * The loss of a step is normalised by the GLOBAL numbers of structures,
 * force components and stress entries of that step (loss.h: means over the
 * global batch), so that the summed gradient equals one process's.  Those
 * numbers depend only on which structures each rank takes in each step,
 * and that is fixed when the epoch starts: each rank shuffles its own shard
 * with a counter-based generator keyed by (seed, epoch, rank) and cuts it
 * into the epoch's steps_per_epoch batches of at most batch_size structures.
 * So every rank counts its own batches of the whole epoch and ONE allreduce
 * of 3 × steps_per_epoch doubles per epoch gives all totals — instead of one
 * small allreduce before every step, a synchronisation point where the
 * timing noise of all ranks adds up.  Counts are integers well below 2^53:
 * the sums are exact and identical on every rank.
 *
 * On one process the epoch takes the first steps_per_epoch × batch_size
 * structures of the shuffle (metatrain drops the last partial batch there;
 * trainer_prepare.c); on several ranks all of each shard.
 * Cutting (architecture.training.balance_batches):
 *   false  consecutive runs of batch_size structures of the shuffle (on
 *          several ranks the last one partial);
 *   true   (default) batches of nearly equal atoms: the structures, largest
 *          first, each go to the batch with the fewest atoms so far that
 *          still has room (batch_size), then the batches are taken in a
 *          shuffled order.  Each step waits for its slowest rank; with cells
 *          of 32-256 atoms, 4 per rank, the slowest rank's step was 18%
 *          above the mean with consecutive runs (docs/performance.md).  The
 *          sizes are jittered by a random factor in [1, 1.5) before sorting,
 *          so that batches change from epoch to epoch also when every
 *          structure has a different size.  Shards are balanced by atoms
 *          (data/shard.h), so equal batches on each rank are equal across
 *          ranks.
 *
 * A restart in the middle of an epoch calls this again for that epoch: the
 * shuffle, the batches and the counts come out the same, nothing needs
 * saving.  Cost: O(n log n) for the n local training structures per epoch,
 * one allreduce of 24 · steps_per_epoch bytes; nothing allocated after
 * mtt_trainer_plan_alloc.
 */
#include "config.h"

#include <stdlib.h>

#include "train/trainer_internal.h"
#include "util/rng.h"

/* One local structure during the balanced cut. */
struct mtt_plan_item {
    double key;   /* atoms × jitter: the sort key, largest first */
    size_t id;    /* index into the local training set */
    size_t pos;   /* position in the shuffle: breaks ties */
    size_t batch; /* the batch it went to */
};

mtt_status mtt_trainer_plan_alloc(mtt_trainer *t, mtt_error *err)
{
    const mtt_dataset *tr = t->set[MTT_TR_TRAIN].ds;
    const size_t S = (size_t)t->steps_per_epoch, n = tr ? tr->n_structures : 0;
    t->plan_first = malloc((S + 1) * sizeof *t->plan_first);
    t->plan_scratch = malloc(3 * S * sizeof *t->plan_scratch);
    t->plan_load = malloc(S * sizeof *t->plan_load);
    t->plan_items = malloc((n ? n : 1) * sizeof *t->plan_items);
    const size_t slots = S * t->cfg.batch_size; /* >= n: S is ⌈n / batch_size⌉ or more */
    t->plan_members = malloc((slots ? slots : 1) * sizeof *t->plan_members);
    if (!t->plan_first || !t->plan_scratch || !t->plan_load || !t->plan_items ||
        !t->plan_members)
        return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory planning %lld steps per epoch",
                             (long long)t->steps_per_epoch);
    return MTT_OK;
}

void mtt_trainer_plan_batch(const mtt_trainer *t, int64_t k, size_t *start, size_t *n)
{
    *start = t->plan_first[k];
    *n = t->plan_first[k + 1] - t->plan_first[k];
}

/* a goes before b: larger key first, ties in shuffle order (a total order,
 * so the result does not depend on the sort) */
static int before(const struct mtt_plan_item *a, const struct mtt_plan_item *b)
{
    return a->key > b->key || (a->key == b->key && a->pos < b->pos);
}

/* Restore the heap below i (the root is the item that sorts last). */
static void sift_items(struct mtt_plan_item *it, size_t i, size_t end)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < end && before(&it[m], &it[l])) m = l;
        if (r < end && before(&it[m], &it[r])) m = r;
        if (m == i) return;
        struct mtt_plan_item x = it[i];
        it[i] = it[m], it[m] = x;
        i = m;
    }
}

/* In-place heap sort into `before` order: qsort may allocate (glibc's merge
 * sort does above a few KiB), and an epoch allocates nothing. */
static void sort_items(struct mtt_plan_item *it, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) sift_items(it, i, n);
    for (size_t end = n; end > 1; --end) {
        struct mtt_plan_item x = it[0];
        it[0] = it[end - 1], it[end - 1] = x;
        sift_items(it, 0, end - 1);
    }
}

/* The batch with fewer atoms (ties: lower index) is the smaller heap entry. */
static int lighter(const int64_t *load, size_t a, size_t b)
{
    return load[a] < load[b] || (load[a] == load[b] && a < b);
}

static void sift_down(size_t *heap, size_t size, const int64_t *load)
{
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < size && lighter(load, heap[l], heap[m])) m = l;
        if (r < size && lighter(load, heap[r], heap[m])) m = r;
        if (m == i) return;
        size_t x = heap[i];
        heap[i] = heap[m];
        heap[m] = x;
        i = m;
    }
}

/* Pair checks of the local search per epoch (see refine). */
#define MTT_PLAN_SEARCH_CHECKS ((size_t)50000000)

static int64_t atoms_of(const mtt_dataset *tr, size_t s)
{
    return tr->atom_start[s + 1] - tr->atom_start[s];
}

/* Local search after the greedy cut.  Each round takes the fullest batch h
 * and, over every other batch l, the move that leaves the pair closest to
 * equal: one structure from h to l (when l has room) or a swap of a
 * structure of h with a smaller one of l.  A move of d atoms with
 * 0 < d < load[h] − load[l] lowers the sum of squared loads, so the search
 * ends, at the latest after 2·S rounds of O(S · cap²) each, and a budget of
 * MTT_PLAN_SEARCH_CHECKS pair checks per epoch bounds it on large shards.  The greedy cut
 * alone left batches of cells of 32-256 atoms at −8%..+8% of the mean, the
 * search −5%..+2% (tests/test_trainer_plan.c): with many ranks every step
 * waits for the fullest of P batches, so the spread, not the mean, sets the
 * step time.  members: S·cap item indices, batch b's count[b] first at
 * b·cap. */
static void refine(const mtt_dataset *tr, struct mtt_plan_item *it, size_t n, size_t S,
                   size_t cap, int64_t *load, size_t *count, size_t *members)
{
    for (size_t b = 0; b < S; ++b) count[b] = 0;
    for (size_t i = 0; i < n; ++i) {
        const size_t b = it[i].batch;
        members[b * cap + count[b]++] = i;
    }
    /* a round checks up to S·cap² pairs: at most MTT_PLAN_SEARCH_CHECKS per
     * epoch (0.11 s for 40,000 structures in batches of 4, measured), so
     * large shards only even out their fullest batches instead of spending
     * O(S²·cap²), which would be seconds per epoch there */
    const size_t checks = S * cap * cap, round_cost = checks > 0 ? checks : 1;
    const size_t rounds = MTT_PLAN_SEARCH_CHECKS / round_cost < 2 * S
                              ? MTT_PLAN_SEARCH_CHECKS / round_cost
                              : 2 * S;
    for (size_t round = 0; S > 1 && round < rounds; ++round) {
        size_t h = 0;
        for (size_t b = 1; b < S; ++b)
            if (load[b] > load[h]) h = b;
        int64_t best = -1;
        size_t best_l = S, best_a = 0, best_b = cap; /* best_b == cap: a move, no swap */
        for (size_t l = 0; l < S; ++l) {
            const int64_t gap = load[h] - load[l];
            if (gap <= 1) continue;
            for (size_t x = 0; x < count[h]; ++x) {
                const int64_t sa = atoms_of(tr, it[members[h * cap + x]].id);
                if (count[l] < cap && sa < gap) {
                    const int64_t r = gap - 2 * sa < 0 ? 2 * sa - gap : gap - 2 * sa;
                    if (best < 0 || r < best) best = r, best_l = l, best_a = x, best_b = cap;
                }
                for (size_t y = 0; y < count[l]; ++y) {
                    const int64_t d = sa - atoms_of(tr, it[members[l * cap + y]].id);
                    if (d <= 0 || d >= gap) continue;
                    const int64_t r = gap - 2 * d < 0 ? 2 * d - gap : gap - 2 * d;
                    if (best < 0 || r < best) best = r, best_l = l, best_a = x, best_b = y;
                }
            }
        }
        if (best_l == S) return; /* the fullest batch cannot give anything */
        const size_t l = best_l, ia = members[h * cap + best_a];
        int64_t d = atoms_of(tr, it[ia].id);
        if (best_b < cap) { /* swap */
            const size_t ib = members[l * cap + best_b];
            d -= atoms_of(tr, it[ib].id);
            it[ib].batch = h, members[h * cap + best_a] = ib;
            it[ia].batch = l, members[l * cap + best_b] = ia;
        } else { /* move: h's last member fills the hole */
            members[h * cap + best_a] = members[h * cap + --count[h]];
            it[ia].batch = l, members[l * cap + count[l]++] = ia;
        }
        load[h] -= d, load[l] += d;
    }
}

/* t->order (the shuffle) regrouped into balanced batches; t->plan_first. */
static void cut_balanced(mtt_trainer *t, const mtt_dataset *tr, size_t n, uint64_t stream)
{
    const size_t S = (size_t)t->steps_per_epoch, cap = t->cfg.batch_size;
    struct mtt_plan_item *it = t->plan_items;
    size_t *heap = t->plan_scratch, *count = heap + S, *step_of = count + S;
    int64_t *load = t->plan_load;
    for (size_t i = 0; i < n; ++i) {
        const size_t s = t->order[i];
        const double atoms = (double)(tr->atom_start[s + 1] - tr->atom_start[s]);
        it[i].key = atoms * (1.0 + 0.5 * mtt_rng_uniform(t->cfg.seed, stream, i));
        it[i].id = s;
        it[i].pos = i;
    }
    sort_items(it, n);
    for (size_t b = 0; b < S; ++b) heap[b] = b, load[b] = 0, count[b] = 0;
    size_t size = S; /* all loads 0: the identity is a heap; S·cap >= n, never empty */
    for (size_t i = 0; i < n; ++i) {
        const size_t b = heap[0], s = it[i].id;
        it[i].batch = b;
        load[b] += tr->atom_start[s + 1] - tr->atom_start[s];
        if (++count[b] == cap) heap[0] = heap[--size];
        sift_down(heap, size, load);
    }
    refine(tr, it, n, S, cap, load, count, t->plan_members);
    /* the batches in a shuffled order of steps (counters after the jitter's) */
    for (size_t k = 0; k < S; ++k) heap[k] = k;
    mtt_rng_shuffle_sizes(heap, S, t->cfg.seed, mtt_rng_stream_key(stream, 1));
    t->plan_first[0] = 0;
    for (size_t k = 0; k < S; ++k) {
        step_of[heap[k]] = k;
        t->plan_first[k + 1] = t->plan_first[k] + count[heap[k]];
    }
    for (size_t k = 0; k < S; ++k) count[k] = t->plan_first[k]; /* fill pointer of step k */
    for (size_t i = 0; i < n; ++i) t->order[count[step_of[it[i].batch]]++] = it[i].id;
}

size_t mtt_trainer_epoch_structures(const mtt_trainer *t, size_t n)
{
    const size_t whole = (size_t)t->steps_per_epoch * t->cfg.batch_size;
    return t->size == 1 && whole < n ? whole : n;
}

void mtt_trainer_plan_epoch(mtt_trainer *t, int epoch)
{
    const mtt_dataset *tr = t->set[MTT_TR_TRAIN].ds;
    const size_t n_local = tr ? tr->n_structures : 0, S = (size_t)t->steps_per_epoch;
    const size_t bs = t->cfg.batch_size;
    for (size_t i = 0; i < n_local; ++i) t->order[i] = i;
    uint64_t stream = mtt_rng_stream_key(
        mtt_rng_stream_key(MTT_RNG_PURPOSE_EPOCH_SHUFFLE, (uint64_t)epoch), (uint64_t)t->rank);
    mtt_rng_shuffle_sizes(t->order, n_local, t->cfg.seed, stream);
    /* one process: whole batches only (the rest of the shuffle sits out) */
    const size_t used = mtt_trainer_epoch_structures(t, n_local);
    if (t->cfg.balance_batches && used > 0) {
        uint64_t bal = mtt_rng_stream_key(
            mtt_rng_stream_key(MTT_RNG_PURPOSE_BATCH_BALANCE, (uint64_t)epoch), (uint64_t)t->rank);
        cut_balanced(t, tr, used, bal);
    } else {
        for (size_t k = 0; k <= S; ++k) t->plan_first[k] = k * bs < used ? k * bs : used;
    }
    for (int64_t k = 0; k < t->steps_per_epoch; ++k) {
        size_t start, n;
        mtt_trainer_plan_batch(t, k, &start, &n);
        double *c = t->step_totals + 3 * k;
        c[0] = c[1] = c[2] = 0.0;
        if (n > 0) mtt_batch_counts(tr, t->order + start, n, t->trained.forces, c);
    }
    mtt_comm_sum_doubles(t->comm, t->step_totals, 3 * (size_t)t->steps_per_epoch);
}
