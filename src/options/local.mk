# src/options/local.mk — sources and tests of the options module.
libmttcore_la_SOURCES += \
  src/options/options.c src/options/options.h src/options/internal.h \
  src/options/node.c src/options/tree.c src/options/override.c src/options/expand.c \
  src/options/schema.c src/options/apply.c src/options/validate.c \
  src/options/writer.c src/options/compare.c \
  src/options/metadata.c src/options/metadata.h \
  src/options/eval_options.c src/options/eval_options.h

check_PROGRAMS += tests/test_options
TESTS += tests/test_options
tests_test_options_SOURCES = tests/test_options.c tests/test_options_util.c tests/test_options_util.h
tests_test_options_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_options_LDADD = $(TEST_LINK_LIBS)

check_PROGRAMS += tests/test_options_errors
TESTS += tests/test_options_errors
tests_test_options_errors_SOURCES = tests/test_options_errors.c tests/test_options_util.c \
  tests/test_options_util.h
tests_test_options_errors_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_options_errors_LDADD = $(TEST_LINK_LIBS)
