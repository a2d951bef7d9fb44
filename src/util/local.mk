# src/util/local.mk — errors, logging, RNG, run folder, CSV: the bottom layer.
libmttcore_la_SOURCES += \
  src/util/status.c src/util/status.h \
  src/util/cell.c src/util/cell.h \
  src/util/log.c src/util/log.h \
  src/util/progress.c src/util/progress.h \
  src/util/arena.c src/util/arena.h
libmttcore_la_SOURCES += src/util/file.c src/util/file.h src/util/vector.c src/util/vector.h \
  src/util/convert.c src/util/convert.h
# Counter-based RNG and the run folder.
libmttcore_la_SOURCES += \
  src/util/rng.c src/util/rng.h \
  src/util/run_dir.c src/util/run_dir.h
check_PROGRAMS += tests/test_rng tests/test_run_dir
TESTS += tests/test_rng tests/test_run_dir
tests_test_rng_SOURCES = tests/test_rng.c
tests_test_rng_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_rng_LDADD = $(TEST_LINK_LIBS)
tests_test_run_dir_SOURCES = tests/test_run_dir.c
tests_test_run_dir_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_run_dir_LDADD = $(TEST_LINK_LIBS)
# Progress display (util/progress.h)
check_PROGRAMS += tests/test_progress
TESTS += tests/test_progress
tests_test_progress_SOURCES = tests/test_progress.c
tests_test_progress_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_progress_LDADD = $(TEST_LINK_LIBS)
