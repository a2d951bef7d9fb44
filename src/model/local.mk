# src/model/local.mk — neighbour lists, SOAP, MLP, BLAS wrapper, soap_bpnn.
libmttcore_la_SOURCES += src/model/blas.c src/model/blas.h \
	src/model/gemm_thin.c src/model/gemm_thin.h \
	src/model/gemm_thin_impl.h
include src/model/soap.mk
include src/model/mlp.mk
libmttcore_la_SOURCES += src/model/soap_bpnn.c src/model/soap_bpnn_features.c \
	src/model/soap_bpnn.h src/model/soap_bpnn_f32.c \
	src/model/soap_bpnn_internal.h
libmttcore_la_SOURCES += src/model/soap_bpnn_local.c src/model/soap_bpnn_local.h
check_PROGRAMS += tests/test_soap_bpnn
TESTS += tests/test_soap_bpnn
tests_test_soap_bpnn_SOURCES = tests/test_soap_bpnn.c
tests_test_soap_bpnn_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_bpnn_LDADD = $(TEST_LINK_LIBS)
check_PROGRAMS += tests/test_soap_bpnn_f32
TESTS += tests/test_soap_bpnn_f32
tests_test_soap_bpnn_f32_SOURCES = tests/test_soap_bpnn_f32.c
tests_test_soap_bpnn_f32_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_soap_bpnn_f32_LDADD = $(TEST_LINK_LIBS)
