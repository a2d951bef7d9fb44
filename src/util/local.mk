# src/util/local.mk — errors, logging, RNG, run folder, CSV: the bottom layer.
libmttcore_la_SOURCES += \
  src/util/status.c src/util/status.h \
  src/util/log.c src/util/log.h
libmttcore_la_SOURCES += src/util/file.c src/util/file.h
