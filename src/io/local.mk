# src/io/local.mk — HDF5 checkpoints and models, downloads, public API.
libmttcore_la_SOURCES += src/io/hdf5_info.c src/io/hdf5_info.h
libmtt_la_SOURCES += src/io/mtt_api.c
libmttcore_la_SOURCES += src/io/checkpoint.h
