/* launcher.c — the launcher's task count and rank from the environment
 * (see launcher.h for the variables and why they are read before MPI). */
#include "config.h"

#include "parallel/launcher.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* A non-negative decimal integer in variable name, else -1. */
static int env_int(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < 0 || v > INT_MAX) return -1;
    return (int)v;
}

void mtt_launch_detect(mtt_launch *l)
{
    /* SLURM's variables count only inside a job step (srun): a batch
     * script has SLURM_NTASKS set for the whole allocation but runs once */
    const int in_step = env_int("SLURM_STEP_NUM_TASKS") >= 0;
    static const char *const size_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                            "SLURM_STEP_NUM_TASKS"};
    static const char *const rank_vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK",
                                            "SLURM_PROCID"};
    const size_t n_rank_vars = in_step ? 4 : 3;  /* SLURM_PROCID last, in a step only */
    l->size = 1;
    l->rank = 0;
    l->size_var = NULL;
    for (size_t i = 0; i < sizeof size_vars / sizeof size_vars[0]; ++i) {
        int v = env_int(size_vars[i]);
        if (v >= 1) {
            l->size = v;
            l->size_var = size_vars[i];
            break;
        }
    }
    for (size_t i = 0; i < n_rank_vars; ++i) {
        int v = env_int(rank_vars[i]);
        if (v >= 0) {
            l->rank = v;
            /* a rank without a size (PMIx alone): at least rank + 1 tasks */
            if (l->size <= v) {
                l->size = v + 1;
                l->size_var = rank_vars[i];
            }
            break;
        }
    }
}

int mtt_launch_rank(void)
{
    mtt_launch l;
    mtt_launch_detect(&l);
    return l.rank;
}

mtt_status mtt_launch_check_serial(const mtt_launch *l, mtt_error *err)
{
#ifdef HAVE_MPI
    (void)l;
    (void)err;
    return MTT_OK;
#else
    if (l->size <= 1) return MTT_OK;
    return mtt_error_set(err, MTT_ERR_USAGE,
                         "mtt: this mtt was built without MPI but was started as one of %d "
                         "tasks (%s in the environment): they would train independently and overwrite each other's "
                         "outputs/; run it without mpirun/srun, or rebuild with MPI "
                         "(./configure --with-mpi)",
                         l->size, l->size_var ? l->size_var : "launcher environment");
#endif
}
