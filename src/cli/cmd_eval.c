/* cmd_eval.c — `mtt eval`: argument table; evaluation arrives with the
 * export issue (DESIGN.md §2). */
#include "config.h"

#include <stdio.h>

#include "cli/commands.h"

static const mtt_flag_spec eval_flags[] = {
    {"output", 'o', 1, 0, "OUT.xyz", "predictions as extended XYZ (default: output.xyz)"},
    {"batch-size", 'b', 1, 0, "N", "structures evaluated together"},
    {0},
};

const mtt_command_spec mtt_cmd_eval_spec = {
    "eval", "MODEL.pt OPTIONS.yaml [-o OUT.xyz] [-b N]",
    "evaluate an exported model on a data set", 2, 2, eval_flags};

int mtt_cmd_eval(int argc, char **argv)
{
    mtt_args args;
    int code;
    if (!mtt_cli_parse_or_exit(&mtt_cmd_eval_spec, argc, argv, &args, &code)) return code;
    fprintf(stderr, "mtt eval: not built yet: evaluating models arrives with a later release "
                    "of mtt\n");
    return 1;
}
