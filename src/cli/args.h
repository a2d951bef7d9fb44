/* args.h — table-driven command-line parsing for the mtt sub-commands.
 *
 * Each sub-command declares a table of flags (long name, short letter,
 * whether it takes a value, whether it may repeat, help text) and the number
 * of positional arguments it accepts.  The same table prints --help, so the
 * documentation of a flag can never drift from its parsing.
 */
#ifndef MTT_CLI_ARGS_H
#define MTT_CLI_ARGS_H

#include <stddef.h>

#include "util/status.h"

#define MTT_ARGS_MAX_VALUES 64

typedef struct mtt_flag_spec {
    const char *long_name;   /* "override" for --override */
    char short_name;         /* 'r' for -r, 0 for none */
    int takes_value;         /* 1: "--name VALUE" or "--name=VALUE" */
    int repeatable;          /* 1: may be given several times */
    const char *value_name;  /* "KEY=VALUE", shown in --help */
    const char *help;
} mtt_flag_spec;

typedef struct mtt_flag_value {
    int count;                                /* times given */
    const char *values[MTT_ARGS_MAX_VALUES];  /* argv strings, in order */
} mtt_flag_value;

typedef struct mtt_args {
    const char *command;         /* "train" */
    const char *positional[8];
    int n_positional;
    mtt_flag_value flags[16];    /* parallel to the spec table */
    int help;                    /* --help / -h given */
} mtt_args;

typedef struct mtt_command_spec {
    const char *name;            /* "train" */
    const char *synopsis;        /* "OPTIONS.yaml [-o MODEL.pt] ..." */
    const char *summary;         /* one line */
    int min_positional, max_positional;
    const mtt_flag_spec *flags;  /* terminated by a zeroed row */
} mtt_command_spec;

/* Parse argv[0..argc) (after the sub-command name).  Usage errors give
 * MTT_ERR_USAGE with a one-sentence message in err. */
mtt_status mtt_args_parse(const mtt_command_spec *spec, int argc, char **argv,
                          mtt_args *out, mtt_error *err);

/* Print the sub-command's help (synopsis and flag table) to f. */
void mtt_args_print_help(const mtt_command_spec *spec, void *file);

/* Last value of a flag, or NULL when absent. */
const char *mtt_args_value(const mtt_command_spec *spec, const mtt_args *a, const char *long_name);
/* The flag's record (count and every value). */
const mtt_flag_value *mtt_args_flag(const mtt_command_spec *spec, const mtt_args *a,
                                    const char *long_name);

#endif
