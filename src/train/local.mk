# src/train/local.mk — loss, optimizer, schedule, trainer loop, metrics.
libmttcore_la_SOURCES += src/train/train_data.c src/train/train_data.h \
  src/train/rank_moments.c src/train/rank_moments.h
libmttcore_la_SOURCES += \
  src/train/csv.c src/train/csv.h \
  src/train/epoch_line.c src/train/epoch_line.h
check_PROGRAMS += tests/test_train_log
TESTS += tests/test_train_log
tests_test_train_log_SOURCES = tests/test_train_log.c
tests_test_train_log_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_train_log_LDADD = $(TEST_LINK_LIBS)
include src/train/optim.mk
include src/train/trainer.mk

# mean and std with a large mean, one process and merged over 1-3 ranks
check_PROGRAMS += tests/test_moments
TESTS += tests/test_moments.sh
tests_test_moments_SOURCES = tests/test_moments.c
tests_test_moments_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_moments_LDADD = $(TEST_LINK_LIBS)
