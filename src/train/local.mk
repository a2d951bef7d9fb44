# src/train/local.mk — sources and tests of the train module.
libmttcore_la_SOURCES +=
