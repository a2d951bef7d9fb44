# src/cli/local.mk — the mtt command.
mtt_SOURCES += src/cli/main.c src/cli/args.c src/cli/args.h src/cli/commands.h \
  src/cli/version.c src/cli/blas_kernel.c src/cli/cmd_export.c \
  src/cli/export_kim.c src/cli/export_kim.h src/cli/cmd_eval.c src/cli/cmd_train.c \
  src/cli/train_start.c src/cli/train_start.h src/cli/eval_batch.c src/cli/eval_batch.h
if HAVE_KIM
# export --kim asks the KIM API where the user collection is
mtt_CFLAGS = $(AM_CFLAGS) $(KIM_CFLAGS)
mtt_LDADD += $(KIM_LIBS)
endif
