# src/data/local.mk — extended-XYZ reader, dataset, statistics, splits.
include src/data/splits.mk
libmttcore_la_SOURCES += src/data/shard.c src/data/shard.h
libmttcore_la_SOURCES += \
  src/data/elements.c src/data/elements.h \
  src/data/xyz.h \
  src/data/xyz_number.c src/data/xyz_number.h \
  src/data/xyz_lines.c src/data/xyz_lines.h \
  src/data/xyz_header.c src/data/xyz_header.h \
  src/data/xyz_frame.c src/data/xyz_frame.h \
  src/data/xyz_index.c src/data/xyz_read.c \
  src/data/dataset.c src/data/dataset.h \
  src/data/dataset_stats.c src/data/dataset_stats.h \
  src/data/moments.c src/data/moments.h

check_PROGRAMS += tests/test_xyz tests/test_xyz_number tests/test_xyz_broken tests/test_dataset
TESTS += tests/test_xyz tests/test_xyz_number tests/test_xyz_broken tests/test_dataset
tests_test_xyz_SOURCES = tests/test_xyz.c
tests_test_xyz_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_xyz_LDADD = $(TEST_LINK_LIBS)
tests_test_xyz_number_SOURCES = tests/test_xyz_number.c
tests_test_xyz_number_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_xyz_number_LDADD = $(TEST_LINK_LIBS)
tests_test_xyz_broken_SOURCES = tests/test_xyz_broken.c
tests_test_xyz_broken_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_xyz_broken_LDADD = $(TEST_LINK_LIBS)
tests_test_dataset_SOURCES = tests/test_dataset.c
tests_test_dataset_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_dataset_LDADD = $(TEST_LINK_LIBS)

# Benchmark of the reader (bench/xyz_reader/run.sh); built by `make`, not
# installed.
noinst_PROGRAMS += bench/xyz_reader/bench_xyz
bench_xyz_reader_bench_xyz_SOURCES = bench/xyz_reader/bench_xyz.c
bench_xyz_reader_bench_xyz_LDADD = libmttcore.la
