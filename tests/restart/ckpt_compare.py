#!/usr/bin/env python3
"""ckpt_compare.py A.ckpt B.ckpt [--float-only] — compare two mtt checkpoints.

Every dataset is compared byte for byte (floating-point data bit for bit:
NaN payloads and signed zeros included), plus the numeric root attributes
that describe training progress.  Prints one line per difference and exits
1 when there is any, 0 when the files hold the same state.  Used by the
restart tests; needs h5py and numpy.
"""
import sys

import h5py
import numpy as np

PROGRESS = ("epoch", "step", "global_step", "finished", "precision")


def datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = obj

    f.visititems(visit)
    return out


def main(argv):
    float_only = "--float-only" in argv
    paths = [a for a in argv[1:] if not a.startswith("--")]
    if len(paths) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    diffs = []
    with h5py.File(paths[0], "r") as a, h5py.File(paths[1], "r") as b:
        da, db = datasets(a), datasets(b)
        for name in sorted(set(da) | set(db)):
            if name not in da or name not in db:
                diffs.append(f"{name}: only in {'B' if name in db else 'A'}")
                continue
            x, y = da[name], db[name]
            if float_only and x.dtype.kind != "f":
                continue
            if x.shape != y.shape or x.dtype != y.dtype:
                diffs.append(f"{name}: shape/type {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
                continue
            vx, vy = x[()], y[()]
            if x.dtype.kind == "f":
                same = np.asarray(vx).tobytes() == np.asarray(vy).tobytes()
            else:
                same = np.array_equal(np.asarray(vx), np.asarray(vy))
            if not same:
                extra = ""
                if x.dtype.kind == "f" and np.asarray(vx).size:
                    d = np.nanmax(np.abs(np.asarray(vx, float) - np.asarray(vy, float)))
                    extra = f" (max |difference| {d:.3g})"
                diffs.append(f"{name}: values differ{extra}")
        for key in PROGRESS:
            va, vb = a.attrs.get(key), b.attrs.get(key)
            if va is not None and vb is not None and va != vb:
                diffs.append(f"root attribute {key}: {va} vs {vb}")
    for d in diffs:
        print(d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
