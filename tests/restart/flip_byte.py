#!/usr/bin/env python3
"""flip_byte.py FILE [DATASET] — flip one byte in the middle of a dataset's
raw data in an HDF5 file (default: the largest floating-point dataset), in
place.  Prints the dataset name and the file offset.  For corruption tests."""
import sys

import h5py


def main(path, name=None):
    best = None
    with h5py.File(path, "r") as f:
        def visit(n, obj):
            nonlocal best
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and obj.id.get_offset() is not None:
                if best is None or obj.nbytes > best[1]:
                    best = (n, obj.nbytes, obj.id.get_offset())
        if name:
            d = f[name]
            best = (name, d.nbytes, d.id.get_offset())
        else:
            f.visititems(visit)
    if best is None:
        print("no contiguous floating-point dataset", file=sys.stderr)
        return 1
    offset = best[2] + best[1] // 2
    with open(path, "r+b") as g:
        g.seek(offset)
        b = g.read(1)
        g.seek(offset)
        g.write(bytes([b[0] ^ 0x10]))
    print(f"{best[0]} {offset}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
