/* cmd_export.c — `mtt export`: argument table; the exporter itself arrives
 * with the export issue (DESIGN.md §2, §8). */
#include "config.h"

#include <stdio.h>

#include "cli/commands.h"

static const mtt_flag_spec export_flags[] = {
    {"output", 'o', 1, 0, "OUT", "output file (default: <stem>.pt in the current directory)"},
    {"metadata", 'm', 1, 0, "META.yaml", "metadata to attach (name, description, authors, references)"},
    {"revision", 0, 1, 0, "REV", "revision of a Hugging Face repository (default: main)"},
    {"token", 0, 1, 0, "TOK", "bearer token for a remote checkpoint (or HF_TOKEN)"},
    {0},
};

const mtt_command_spec mtt_cmd_export_spec = {
    "export", "PATH [PATH_IN_REPO] [-o OUT] [-m META.yaml] [--revision REV] [--token TOK]",
    "export a checkpoint to a standalone model (.pt)", 1, 2, export_flags};

int mtt_cmd_export(int argc, char **argv)
{
    mtt_args args;
    int code;
    if (!mtt_cli_parse_or_exit(&mtt_cmd_export_spec, argc, argv, &args, &code)) return code;
    fprintf(stderr, "mtt export: not built yet: exporting models arrives with a later release "
                    "of mtt\n");
    return 1;
}
