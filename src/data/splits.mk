# src/data/splits.mk — train/validation/test splits and index files.
libmttcore_la_SOURCES += src/data/splits.c src/data/splits.h
check_PROGRAMS += tests/test_splits
TESTS += tests/test_splits
tests_test_splits_SOURCES = tests/test_splits.c
tests_test_splits_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_splits_LDADD = $(TEST_LINK_LIBS)
