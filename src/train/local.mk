# src/train/local.mk — loss, optimizer, schedule, trainer loop, metrics.
libmttcore_la_SOURCES +=
