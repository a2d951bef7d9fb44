# src/model/soap.mk — neighbour lists, radial basis, spherical harmonics, SOAP.
libmttcore_la_SOURCES += \
  src/model/neighbors.c src/model/neighbors.h

check_PROGRAMS += tests/test_neighbors
TESTS += tests/test_neighbors
tests_test_neighbors_SOURCES = tests/test_neighbors.c
tests_test_neighbors_CFLAGS = $(TEST_COMPILE_FLAGS)
tests_test_neighbors_LDADD = $(TEST_LINK_LIBS)
