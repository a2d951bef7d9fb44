# src/train/local.mk — loss, optimizer, schedule, trainer loop, metrics.
libmttcore_la_SOURCES += src/train/train_data.c src/train/train_data.h
include src/train/optim.mk
