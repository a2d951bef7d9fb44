# src/io/local.mk — HDF5 checkpoints and models, downloads, public API.
libmttcore_la_SOURCES += src/io/hdf5_info.c src/io/hdf5_info.h
libmttcore_la_SOURCES += src/io/checkpoint.h
# the exported model (.pt): format, build, self-test
libmttcore_la_SOURCES += \
  src/io/model_checksum.c src/io/model_checksum.h \
  src/io/model_h5.c src/io/model_h5.h src/io/model_file.h \
  src/io/model_file_write.c src/io/model_file_read.c \
  src/io/model_build.c src/io/model_build.h \
  src/io/export.c src/io/export.h src/io/download.c src/io/download.h
# the public API (include/mtt/mtt.h); in the core so that mtt eval uses it too
libmttcore_la_SOURCES += src/io/mtt_api.c src/io/mtt_api_compute.c src/io/model_api_internal.h
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
