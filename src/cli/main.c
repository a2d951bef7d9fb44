/* main.c — `mtt`: dispatch to the train, export and eval sub-commands.
 *
 * mtt [--debug] <command> [args]   |   mtt --version   |   mtt --help
 *
 * Under mpirun/srun every task runs this before MPI is initialised: only the
 * launcher's first task prints usage, help and version (parallel/launcher.h),
 * and a build without MPI started as several tasks refuses to run.  First
 * of all, mtt may execute itself again with OpenBLAS's widest kernel for
 * the CPU (blas_kernel.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "parallel/launcher.h"
#include "util/log.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const mtt_command_spec *spec;
} command_entry;

static const command_entry commands[] = {
    {"train", mtt_cmd_train, &mtt_cmd_train_spec},
    {"export", mtt_cmd_export, &mtt_cmd_export_spec},
    {"eval", mtt_cmd_eval, &mtt_cmd_eval_spec},
};

static void print_usage(FILE *f)
{
    fprintf(f, "usage: mtt [--debug] <command> [arguments]\n"
               "       mtt --version | --help\n\n"
               "Train machine-learned interatomic potentials (metatrain-compatible options).\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].spec->summary);
    fprintf(f, "\nRun 'mtt <command> --help' for the arguments of a command.\n");
}

int main(int argc, char **argv)
{
    mtt_cli_blas_kernel_choose(argv); /* may execute mtt again, first of all */
    mtt_launch launch;
    mtt_launch_detect(&launch);
    const int prints = launch.rank == 0;  /* one copy of every message, not one per task */
    mtt_log_set_root(prints);
    mtt_error err;
    mtt_error_clear(&err);
    if (mtt_launch_check_serial(&launch, &err) != MTT_OK) {
        if (prints) fprintf(stderr, "%s\n", err.msg);
        return mtt_status_exit_code(err.status);
    }
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; ++a) {
        if (strcmp(argv[a], "--version") == 0 || strcmp(argv[a], "-V") == 0) {
            if (prints) mtt_cli_print_version();
            return 0;
        } else if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            if (prints) print_usage(stdout);
            return 0;
        } else if (strcmp(argv[a], "--debug") == 0) {
            mtt_log_set_debug(1);
        } else {
            if (prints) {
                fprintf(stderr, "mtt: unknown option '%s'\n\n", argv[a]);
                print_usage(stderr);
            }
            return 2;
        }
    }
    if (a >= argc) {
        if (prints) print_usage(stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
        if (strcmp(argv[a], commands[i].name) == 0)
            return commands[i].run(argc - a - 1, argv + a + 1);
    if (prints) {
        fprintf(stderr, "mtt: unknown command '%s'\n\n", argv[a]);
        print_usage(stderr);
    }
    return 2;
}
