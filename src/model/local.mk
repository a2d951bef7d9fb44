# src/model/local.mk — neighbour lists, SOAP, MLP, BLAS wrapper, soap_bpnn.
libmttcore_la_SOURCES += src/model/blas.c src/model/blas.h
include src/model/soap.mk
include src/model/mlp.mk
