# src/options/local.mk — sources and tests of the options module.
