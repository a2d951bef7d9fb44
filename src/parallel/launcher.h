/* launcher.h — what the process launcher (mpirun, mpiexec, srun) announced
 * in the environment, read before MPI is initialised (or in a build without
 * MPI, where there is nothing else to ask).
 *
 * Used for two things that must be decided before MPI_Init: which task
 * prints usage errors (only the first, so N ranks do not print N copies),
 * and refusing to run a serial build as N independent copies that would
 * race on outputs/.  Variables read (first found wins):
 *   size: OMPI_COMM_WORLD_SIZE (Open MPI), PMI_SIZE (PMI: MPICH, Intel MPI,
 *         srun --mpi=pmi2), SLURM_STEP_NUM_TASKS (inside a job step only);
 *   rank: OMPI_COMM_WORLD_RANK, PMI_RANK, PMIX_RANK (PMIx), SLURM_PROCID
 *         (inside a job step only).
 * A SLURM batch script (SLURM_NTASKS without SLURM_STEP_NUM_TASKS) is not a
 * launch: the script itself runs once.  No allocation; cost: a few getenv.
 */
#ifndef MTT_PARALLEL_LAUNCHER_H
#define MTT_PARALLEL_LAUNCHER_H

#include "util/status.h"

typedef struct mtt_launch {
    int size;              /* tasks started together; 1 without a launcher */
    int rank;              /* this task's rank among them; 0 when not known */
    const char *size_var;  /* variable that gave the size (or rank), NULL without one */
} mtt_launch;

/* Read the launcher's variables (malformed values are ignored). */
void mtt_launch_detect(mtt_launch *launch);

/* This task's rank as the launcher announced it, 0 without a launcher. */
int mtt_launch_rank(void);

/* In a build without MPI, a launch of more than one task is refused with
 * MTT_ERR_USAGE (exit 2) and one sentence naming the variable; with MPI,
 * and for a single task, MTT_OK. */
mtt_status mtt_launch_check_serial(const mtt_launch *launch, mtt_error *err);

#endif
