# src/data/local.mk — extended-XYZ reader, dataset, statistics, splits.
include src/data/splits.mk
