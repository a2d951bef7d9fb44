/* eval_batch.c — structures predicted concurrently (see eval_batch.h). */
#include "config.h"

#include "cli/eval_batch.h"

#include <pthread.h>

static void *run_job(void *arg)
{
    mtt_eval_job *j = arg;
    const mtt_dataset *ds = j->ds;
    size_t s = j->structure, first = (size_t)ds->atom_start[s];
    int n = (int)(ds->atom_start[s + 1] - ds->atom_start[s]);
    const unsigned char *p = ds->pbc + 3 * s;
    int pbc[3] = {p[0], p[1], p[2]};
    int periodic = pbc[0] || pbc[1] || pbc[2];
    j->status = mtt_model_compute(j->model, n, ds->positions + 3 * first, ds->numbers + first,
                                  periodic ? ds->cell + 9 * s : NULL, periodic ? pbc : NULL,
                                  &j->energy, j->forces, NULL, j->virial, &j->error);
    return NULL;
}

void mtt_eval_batch_compute(const mtt_model *model, const mtt_dataset *ds, size_t first,
                            size_t count, mtt_eval_job *jobs)
{
    pthread_t threads[4096];
    int started[4096];
    for (size_t j = 0; j < count; ++j) {
        jobs[j].model = model;
        jobs[j].ds = ds;
        jobs[j].structure = first + j;
        started[j] = 0;
    }
    /* jobs 1..count-1 on new threads (a thread that cannot start runs here) */
    for (size_t j = 1; j < count; ++j)
        started[j] = pthread_create(&threads[j], NULL, run_job, &jobs[j]) == 0;
    run_job(&jobs[0]);
    for (size_t j = 1; j < count; ++j) {
        if (started[j]) pthread_join(threads[j], NULL);
        else run_job(&jobs[j]);
    }
}
