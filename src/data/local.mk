# src/data/local.mk — extended-XYZ reader, dataset, statistics, splits.
include src/data/splits.mk
libmttcore_la_SOURCES += src/data/shard.c src/data/shard.h
