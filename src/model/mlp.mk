# src/model/mlp.mk — per-species networks: forward, backward, tangent pass.
libmttcore_la_SOURCES += \
  src/model/activation.c src/model/activation.h \
  src/model/layernorm.c src/model/layernorm.h \
  src/model/mlp.c src/model/mlp.h \
  src/model/mlp_pass.c src/model/mlp_pass.h src/model/mlp_pass_impl.h

check_PROGRAMS += tests/test_blas tests/test_mlp
TESTS += tests/test_blas tests/test_mlp
tests_test_blas_SOURCES = tests/test_blas.c
tests_test_blas_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_blas_LDADD = $(TEST_LINK_LIBS)
tests_test_mlp_SOURCES = tests/test_mlp.c
tests_test_mlp_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_mlp_LDADD = $(TEST_LINK_LIBS)

# Micro-benchmark: built by `make check` (so it keeps compiling), never run
# by it; run it with bench/mlp/run.sh.
check_PROGRAMS += bench/mlp/bench_mlp
bench_mlp_bench_mlp_SOURCES = bench/mlp/bench_mlp.c
bench_mlp_bench_mlp_LDADD = libmttcore.la
