# src/data/local.mk — extended-XYZ reader, dataset, statistics, splits.
include src/data/splits.mk
libmttcore_la_SOURCES += \
  src/data/elements.c src/data/elements.h \
  src/data/xyz.h \
  src/data/xyz_number.c src/data/xyz_number.h \
  src/data/xyz_lines.c src/data/xyz_lines.h \
  src/data/xyz_header.c src/data/xyz_header.h \
  src/data/xyz_frame.c src/data/xyz_frame.h \
  src/data/xyz_index.c src/data/xyz_read.c \
  src/data/dataset.c src/data/dataset.h \
  src/data/dataset_stats.c src/data/dataset_stats.h
