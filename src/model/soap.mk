# src/model/soap.mk — neighbour lists, radial basis, spherical harmonics, SOAP.
libmttcore_la_SOURCES += \
  src/model/neighbors.c src/model/neighbors.h

check_PROGRAMS += tests/test_neighbors
TESTS += tests/test_neighbors
tests_test_neighbors_SOURCES = tests/test_neighbors.c
tests_test_neighbors_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_neighbors_LDADD = $(TEST_LINK_LIBS)

libmttcore_la_SOURCES += \
  src/model/radial.c src/model/radial.h \
  src/model/sph.c src/model/sph.h \
  src/model/soap.c src/model/soap.h src/model/soap_internal.h \
  src/model/soap_grad.c src/model/soap_grad_f32.c src/model/soap_grad_impl.h \
  src/model/soap_pass_impl.h src/model/soap_product_impl.h \
  src/model/soap_dense.c src/model/soap_half.c src/model/soap_scratch.c

check_PROGRAMS += tests/test_soap
TESTS += tests/test_soap
tests_test_soap_SOURCES = tests/test_soap.c
tests_test_soap_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_LDADD = $(TEST_LINK_LIBS)

check_PROGRAMS += tests/test_soap_fd
TESTS += tests/test_soap_fd
tests_test_soap_fd_SOURCES = tests/test_soap_fd.c
tests_test_soap_fd_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_fd_LDADD = $(TEST_LINK_LIBS)

check_PROGRAMS += tests/test_soap_blocks
TESTS += tests/test_soap_blocks
tests_test_soap_blocks_SOURCES = tests/test_soap_blocks.c
tests_test_soap_blocks_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_blocks_LDADD = $(TEST_LINK_LIBS)

check_PROGRAMS += tests/test_soap_invariance
TESTS += tests/test_soap_invariance
tests_test_soap_invariance_SOURCES = tests/test_soap_invariance.c
tests_test_soap_invariance_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_invariance_LDADD = $(TEST_LINK_LIBS)

# A small timing program (not installed, not run as a test; built by `make check`
# or `make bench/soap/bench_soap`): bench/soap/bench_soap [DATA.xyz] [n_frames].
# (check_PROGRAMS because the top Makefile.am does not define noinst_PROGRAMS.)
check_PROGRAMS += bench/soap/bench_soap
bench_soap_bench_soap_SOURCES = bench/soap/bench_soap.c
bench_soap_bench_soap_LDADD = libmttcore.la
# bench/soap/bench_soap_stream [CELLS] [REPEATS]: the force and tangent passes
# over stored pair factors of many cells (streaming from memory).
check_PROGRAMS += bench/soap/bench_soap_stream
bench_soap_bench_soap_stream_SOURCES = bench/soap/bench_soap_stream.c
bench_soap_bench_soap_stream_LDADD = libmttcore.la
