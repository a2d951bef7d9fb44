# src/cli/local.mk — the mtt command.
mtt_SOURCES += src/cli/main.c
