# src/parallel/local.mk — the MPI boundary (serial fallback without MPI).
libmttcore_la_SOURCES += src/parallel/comm.c src/parallel/comm.h
