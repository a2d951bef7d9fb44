/* commands.h — the mtt sub-commands.  Each returns the process exit code
 * (0 done, 1 error, 2 usage/options error, 75 stopped early, resubmit). */
#ifndef MTT_CLI_COMMANDS_H
#define MTT_CLI_COMMANDS_H

#include "cli/args.h"

extern const mtt_command_spec mtt_cmd_train_spec;
extern const mtt_command_spec mtt_cmd_export_spec;
extern const mtt_command_spec mtt_cmd_eval_spec;

int mtt_cmd_train(int argc, char **argv);
int mtt_cmd_export(int argc, char **argv);
int mtt_cmd_eval(int argc, char **argv);

/* Print version, git revision and the build configuration to stdout. */
void mtt_cli_print_version(void);
/* Execute mtt again (argv as given) with OPENBLAS_CORETYPE set to OpenBLAS's
 * widest kernel for this CPU when it is unset and the library chose a
 * narrower one; returns when nothing is to be done or the execution failed
 * (blas_kernel.c). */
void mtt_cli_blas_kernel_choose(char **argv);
/* One log line on the kernel choice: what mtt set, or a warning when
 * OpenBLAS runs a kernel that leaves the CPU's vector units unused. */
void mtt_cli_blas_kernel_log(void);

/* Parse a sub-command's arguments; on --help print it and set *exit_code 0,
 * on a usage error print the message and set *exit_code 2.  Returns 1 when
 * the command should go on. */
int mtt_cli_parse_or_exit(const mtt_command_spec *spec, int argc, char **argv, mtt_args *args,
                          int *exit_code);

#endif
