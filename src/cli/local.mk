# src/cli/local.mk — the mtt command.
mtt_SOURCES += src/cli/main.c src/cli/args.c src/cli/args.h src/cli/commands.h \
  src/cli/version.c src/cli/cmd_export.c src/cli/cmd_eval.c src/cli/cmd_train.c \
  src/cli/train_start.c src/cli/train_start.h
