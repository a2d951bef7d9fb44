#!/usr/bin/env python3
"""model_checksums.py -- the checksums of an mtt model file (.pt), computed
from docs/model-format.md with h5py and numpy only (no mtt code): proof that
the document describes what mtt writes, and the tool that makes the golden
bad files consistent where they must be.

    model_checksums.py verify FILE      exit 0 when every checksum matches
    model_checksums.py fix FILE         rewrite every checksum (dataset, root)
"""
import sys

import h5py
import numpy as np

MASK = (1 << 64) - 1

# Root attributes in checksum order: name, kind (docs/model-format.md).
ROOT_ATTRS = [
    ("format", "str"), ("format_version", "<i4"), ("architecture", "str"),
    ("mtt_version", "str"), ("git_revision", "str"), ("created", "str"),
    ("precision", "<i4"), ("epoch", "<i8"), ("energy_unit", "str"),
    ("length_unit", "str"), ("cutoff", "<f8"), ("cutoff_width", "<f8"),
    ("radial_grid_spacing", "<f8"), ("max_radial", "<i4"), ("max_angular", "<i4"),
    ("num_hidden_layers", "<i4"), ("num_neurons_per_layer", "<i4"),
    ("layernorm", "<i4"), ("composition_scale", "<f8"),
]
# Datasets in checksum order, with the element type of their raw bytes.
DATASETS = [
    ("atomic_types", "<i4"), ("composition", "<f8"), ("parameters", "<f8"),
    ("layout/names", "S64"), ("layout/offsets", "<i8"), ("layout/shapes", "<i8"),
    ("metadata", "text"), ("self_test/numbers", "<i4"), ("self_test/positions", "<f8"),
    ("self_test/cell", "<f8"), ("self_test/pbc", "<i4"), ("self_test/energy", "<f8"),
    ("self_test/forces", "<f8"), ("self_test/virial", "<f8"),
]


def checksum(data):
    """64-bit FNV-1a over little-endian 64-bit words, zero-padded, then the length."""
    h = 0xcbf29ce484222325
    padded = data + b"\0" * (-len(data) % 8)
    for w in np.frombuffer(padded, dtype="<u8"):
        h = ((h ^ int(w)) * 0x100000001b3) & MASK
    return ((h ^ len(data)) * 0x100000001b3) & MASK


def dataset_bytes(ds, kind):
    if kind == "text":
        return bytes(ds[()])
    return np.asarray(ds[()], dtype=kind).tobytes()


def attr_bytes(value, kind):
    if kind == "str":
        return bytes(value) + b"\0"
    return np.asarray(value, dtype=kind).tobytes()


def root_checksum(f, sums):
    b = b""
    for name, kind in ROOT_ATTRS:
        b += name.encode() + b"\0" + attr_bytes(f.attrs[name], kind)
    for (path, _), s in zip(DATASETS, sums):
        b += path.encode() + b"\0" + np.uint64(s).tobytes()
    return checksum(b)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r+" if mode == "fix" else "r") as f:
        sums, bad = [], []
        for name, kind in DATASETS:
            s = checksum(dataset_bytes(f[name], kind))
            sums.append(s)
            if mode == "fix":
                f[name].attrs.modify("checksum", np.uint64(s))
            elif int(f[name].attrs["checksum"]) != s:
                bad.append(name)
        root = root_checksum(f, sums)
        if mode == "fix":
            f.attrs.modify("checksum", np.uint64(root))
        elif int(f.attrs["checksum"]) != root:
            bad.append("root")
    if bad:
        print("checksum mismatch: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
