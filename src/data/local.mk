# src/data/local.mk — sources and tests of the data module.
