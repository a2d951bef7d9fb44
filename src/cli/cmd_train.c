/* placeholder until train lands */
#include "config.h"
#include <stdio.h>
#include "cli/commands.h"
static const mtt_flag_spec train_flags[] = {{0}};
const mtt_command_spec mtt_cmd_train_spec = {"train", "OPTIONS.yaml", "train a model", 1, 1, train_flags};
int mtt_cmd_train(int argc, char **argv) { (void)argc; (void)argv; return 1; }
