/* version.c — `mtt --version`: version, git revision, build configuration,
 * and the helper every sub-command uses to parse its arguments. */
#include "config.h"

#include <stdio.h>

#include "cli/commands.h"
#include "io/hdf5_info.h"
#include "model/blas.h"
#include "parallel/comm.h"
#include "parallel/launcher.h"

void mtt_cli_print_version(void)
{
    char hdf5[128], blas[512];
    mtt_hdf5_describe(hdf5, sizeof hdf5);
    mtt_blas_describe(blas, sizeof blas);
    printf("mtt %s (git %s)\n", PACKAGE_VERSION, MTT_GIT_REVISION);
    printf("  MPI:  %s\n", MTT_MPI_DESC);
#ifdef HAVE_MPI
    printf("        library: %s\n", mtt_comm_library_version());
#endif
    printf("  HDF5: %s\n", hdf5);
    printf("  BLAS: %s\n", blas);
}

int mtt_cli_parse_or_exit(const mtt_command_spec *spec, int argc, char **argv, mtt_args *args,
                          int *exit_code)
{
    mtt_error err;
    mtt_error_clear(&err);
    /* before MPI_Init: the launcher's first task speaks for all */
    const int prints = mtt_launch_rank() == 0;
    if (mtt_args_parse(spec, argc, argv, args, &err) != MTT_OK) {
        if (prints) fprintf(stderr, "%s\n", err.msg);
        *exit_code = 2;
        return 0;
    }
    if (args->help) {
        if (prints) mtt_args_print_help(spec, stdout);
        *exit_code = 0;
        return 0;
    }
    return 1;
}
