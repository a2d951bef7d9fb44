# src/parallel/local.mk — the MPI boundary (serial fallback without MPI).
libmttcore_la_SOURCES += src/parallel/comm.c src/parallel/comm.h src/parallel/comm_mpi.h
libmttcore_la_SOURCES += src/parallel/shared.c src/parallel/shared.h
libmttcore_la_SOURCES += src/parallel/launcher.c src/parallel/launcher.h
check_PROGRAMS += tests/test_comm
tests_test_comm_SOURCES = tests/test_comm.c
tests_test_comm_LDADD = libmttcore.la
TESTS += tests/test_comm.sh
