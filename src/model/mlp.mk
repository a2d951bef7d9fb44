# src/model/mlp.mk — per-species networks: forward, backward, tangent pass.
