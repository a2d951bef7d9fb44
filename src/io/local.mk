# src/io/local.mk — HDF5 checkpoints and models, downloads, public API.
libmttcore_la_SOURCES += src/io/hdf5_info.c src/io/hdf5_info.h
# Checkpoints (docs/checkpoint-format.md): the layout listed once, a writer
# and a reader of its items, the checksum, the MPI-IO part of the writer.
libmttcore_la_SOURCES += src/io/checkpoint.h \
  src/io/ckpt_checksum.c src/io/ckpt_checksum.h \
  src/io/ckpt_hdf5.c src/io/ckpt_hdf5.h \
  src/io/ckpt_io.c src/io/ckpt_io.h \
  src/io/ckpt_layout.c src/io/ckpt_layout.h \
  src/io/ckpt_mpi.c src/io/ckpt_mpi.h \
  src/io/ckpt_space.c src/io/ckpt_space.h \
  src/io/ckpt_write_items.c src/io/ckpt_write_items.h \
  src/io/ckpt_write.c \
  src/io/ckpt_read_items.c src/io/ckpt_read_items.h \
  src/io/ckpt_read.c src/io/ckpt_read_collective.c

# Tests: round trip, goldens, simple failures (CUnit); a command-line tool
# for the shell tests of damaged files, MPI identity and full disks.
check_LTLIBRARIES += tests/libckpt_fill.la
tests_libckpt_fill_la_SOURCES = tests/ckpt_fill.c tests/ckpt_fill.h
check_PROGRAMS += tests/test_ckpt tests/ckpt_tool
TESTS += tests/test_ckpt
tests_test_ckpt_SOURCES = tests/test_ckpt.c
tests_test_ckpt_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_ckpt_LDADD = tests/libckpt_fill.la $(TEST_LINK_LIBS)
tests_ckpt_tool_SOURCES = tests/ckpt_tool.c
tests_ckpt_tool_LDADD = tests/libckpt_fill.la libmttcore.la
# damaged files (python3 + h5py make them from a fresh good one)
TESTS += tests/test_ckpt_bad.sh
EXTRA_DIST += tests/ckpt_check.py tests/gen/ckpt_golden.sh
# full disk, unwritable folders; a writer killed before the rename
TESTS += tests/test_ckpt_disk.sh tests/test_ckpt_crash.sh
# 1, 2, 3 ranks give the same file (SKIP in the serial build)
TESTS += tests/test_ckpt_mpi.sh

# the exported model (.pt): format, build, self-test
libmttcore_la_SOURCES += \
  src/io/model_h5.c src/io/model_h5.h src/io/model_file.h \
  src/io/model_file_write.c src/io/model_file_read.c \
  src/io/model_build.c src/io/model_build.h \
  src/io/export.c src/io/export.h src/io/download.c src/io/download.h
# the public API (include/mtt/mtt.h); in the core so that mtt eval uses it too
libmttcore_la_SOURCES += src/io/mtt_api.c src/io/mtt_api_compute.c src/io/model_api_internal.h \
  src/io/mtt_api_local.c
# libmtt.so exports exactly the names in libmtt.sym (the internal functions
# are also called mtt_*, so a prefix pattern would leak them)
libmtt_la_LDFLAGS += -export-symbols $(top_srcdir)/src/io/libmtt.sym
EXTRA_DIST += src/io/libmtt.sym
libmtt_la_DEPENDENCIES = libmttcore.la $(top_srcdir)/src/io/libmtt.sym

check_PROGRAMS += tests/test_model_file
TESTS += tests/test_model_file
tests_test_model_file_SOURCES = tests/test_model_file.c tests/model_fixture.c tests/model_fixture.h
tests_test_model_file_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_model_file_LDADD = $(TEST_LINK_LIBS)

# a small model without training, for the command-line tests and golden files
check_PROGRAMS += tests/make_test_model
tests_make_test_model_SOURCES = tests/make_test_model.c tests/model_fixture.c tests/model_fixture.h
tests_make_test_model_LDADD = libmttcore.la
TESTS += tests/test_cli_export.sh
EXTRA_DIST += tests/http_server.py
TESTS += tests/test_libmtt.sh
EXTRA_DIST += tests/libmtt_client.c
TESTS += tests/test_export_roundtrip.sh
TESTS += tests/test_model_golden.sh
TESTS += tests/test_cli_eval.sh

# mtt_model_compute_local (MD engines, the KIM driver): ghosts = periodic images
check_PROGRAMS += tests/test_compute_local
TESTS += tests/test_compute_local
tests_test_compute_local_SOURCES = tests/test_compute_local.c tests/model_fixture.c tests/model_fixture.h
tests_test_compute_local_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_compute_local_LDADD = $(TEST_LINK_LIBS)
