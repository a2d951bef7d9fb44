# src/data/splits.mk — train/validation/test splits and index files.
