"""ckpt_check.py — an independent reading of docs/checkpoint-format.md.

Recomputes every checksum of an mtt checkpoint from the documented
algorithm with h5py and numpy (so the document is shown to be right), makes
damaged copies of a good file for the reader's tests, and compares files
written by different rank counts.

    python3 ckpt_check.py verify FILE
    python3 ckpt_check.py checksum HEX_BYTES        (the checksum of raw bytes)
    python3 ckpt_check.py corrupt KIND GOOD OUT
    python3 ckpt_check.py same A B                  (every dataset and attribute equal)
"""
import shutil
import sys

import h5py
import numpy as np

BASIS = 0xCBF29CE484222325
PRIME = 0x100000001B3
MASK = (1 << 64) - 1

# Root attributes covered by the root checksum, in order (the doc's table).
ROOT_TEXT = {"format", "architecture", "mtt_version", "git_revision", "created"}
ROOT_ORDER = ["format", "format_version", "architecture", "mtt_version", "git_revision",
              "created", "world_size", "precision", "epoch", "step", "global_step", "finished"]
# Datasets in canonical order; /metadata/yaml is optional.
DATASETS = [
    "/options/yaml", "/metadata/yaml",
    "/dataset/species", "/dataset/energy_unit", "/dataset/length_unit",
    "/dataset/trained_energy", "/dataset/trained_forces", "/dataset/trained_stress",
    "/dataset/trained_virial",
    "/model/cutoff", "/model/cutoff_width", "/model/max_radial", "/model/max_angular",
    "/model/num_hidden_layers", "/model/num_neurons_per_layer", "/model/layernorm",
    "/model/composition_scale", "/model/composition",
    "/model/layout/name", "/model/layout/offset", "/model/layout/shape",
    "/parameters/latest", "/parameters/best", "/optimizer/adam_m", "/optimizer/adam_v",
    "/optimizer/step", "/optimizer/beta1", "/optimizer/beta2", "/optimizer/eps",
    "/optimizer/weight_decay",
    "/schedule/steps_per_epoch", "/schedule/total_steps", "/schedule/warmup_steps",
    "/schedule/learning_rate",
    "/training/best_epoch", "/training/best_metric", "/training/epoch_loss_sum",
    "/training/epoch_accumulators",
    "/history/names", "/history/units", "/history/values",
    "/splits/training", "/splits/validation", "/splits/test",
]


def checksum(data: bytes) -> int:
    """64-bit FNV-1a over little-endian 64-bit words, zero-padded, length last."""
    padded = data + b"\0" * (-len(data) % 8)
    h = BASIS
    for w in np.frombuffer(padded, dtype="<u8").tolist():
        h = ((h ^ w) * PRIME) & MASK
    return ((h ^ len(data)) * PRIME) & MASK


def dataset_bytes(ds) -> bytes:
    """The bytes a dataset's checksum covers."""
    value = ds[()]
    if ds.dtype.kind == "S":
        if ds.shape == ():
            return bytes(value)          # a text: its characters, no padding
        return np.ascontiguousarray(value).tobytes()   # fixed width, NUL padded
    return np.ascontiguousarray(value, dtype=ds.dtype.newbyteorder("<")).tobytes()


def root_record(f) -> bytes:
    out = b""
    for name in ROOT_ORDER:
        v = f.attrs[name]
        if name in ROOT_TEXT:
            out += name.encode() + b"\0" + bytes(v) + b"\0"
        else:
            out += name.encode() + b"\0" + int(v).to_bytes(8, "little", signed=True)
    for path in DATASETS:
        if path in f:
            out += path.encode() + b"\0" + int(f[path].attrs["checksum"]).to_bytes(8, "little")
    return out


def all_datasets(f):
    found = []
    f.visititems(lambda name, obj: found.append("/" + name) if isinstance(obj, h5py.Dataset) else None)
    return found


def verify(path):
    with h5py.File(path, "r") as f:
        extra = set(all_datasets(f)) - set(DATASETS)
        missing = [p for p in DATASETS if p not in f and p != "/metadata/yaml"]
        if extra or missing:
            sys.exit(f"datasets not in the documented list: {sorted(extra)}; missing: {missing}")
        for p in DATASETS:
            if p in f and checksum(dataset_bytes(f[p])) != int(f[p].attrs["checksum"]):
                sys.exit(f"{p}: recomputed checksum differs from its attribute")
        if checksum(root_record(f)) != int(f.attrs["checksum"]):
            sys.exit("root checksum differs from the recomputed one")
        if int(f.attrs["complete"]) != 1 or bytes(f.attrs["format"]) != b"mtt-checkpoint":
            sys.exit("format or complete attribute wrong")
    print("ok")


def reseal(f):
    f.attrs["checksum"] = np.uint64(checksum(root_record(f)))


def corrupt(kind, good, out):
    if kind == "not_hdf5":
        with open(out, "w") as g:
            g.write("this is a checkpoint, honestly\n" * 100)
        return
    if kind == "foreign_hdf5":
        with h5py.File(out, "w") as f:
            f["/parameters/latest"] = np.zeros(10)
            f.attrs["epoch"] = 3
        return
    shutil.copyfile(good, out)
    if kind == "flip_parameters":
        with h5py.File(out, "r") as f:
            ds = f["/parameters/latest"]
            offset = ds.id.get_offset() + ds.id.get_storage_size() // 2 + 3
        with open(out, "r+b") as g:
            g.seek(offset)
            b = g.read(1)
            g.seek(offset)
            g.write(bytes([b[0] ^ 0x10]))
    elif kind == "truncated":
        with open(out, "r+b") as g:
            g.seek(0, 2)
            g.truncate(g.tell() // 2)
    elif kind == "incomplete":
        with h5py.File(out, "r+") as f:
            del f.attrs["complete"]
    elif kind == "newer_version":
        with h5py.File(out, "r+") as f:
            f.attrs["format_version"] = np.int64(2)
            reseal(f)  # so that the version check is what fires
    elif kind == "missing_dataset":
        with h5py.File(out, "r+") as f:
            del f["/optimizer/adam_v"]
    elif kind == "root_altered":
        with h5py.File(out, "r+") as f:
            f.attrs["epoch"] = np.int64(int(f.attrs["epoch"]) + 1)
    else:
        sys.exit(f"unknown corruption {kind}")


def same(a, b):
    """Every dataset and attribute equal bit for bit, except what must differ
    with the rank count and time (world_size, created, the root checksum) and
    the per-rank accumulator rows (compared row by row by the caller)."""
    skip_attrs = {"created", "world_size", "checksum"}
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        if set(fa.attrs) != set(fb.attrs):
            sys.exit("root attribute names differ")
        for k in fa.attrs:
            if k not in skip_attrs and bytes(np.asarray(fa.attrs[k]).tobytes()) != bytes(np.asarray(fb.attrs[k]).tobytes()):
                sys.exit(f"root attribute {k} differs")
        da, db = all_datasets(fa), all_datasets(fb)
        if da != db:
            sys.exit("dataset lists differ")
        for p in da:
            if p == "/training/epoch_accumulators":
                n = min(fa[p].shape[0], fb[p].shape[0])
                if dataset_bytes(fa[p])[: n * fa[p].shape[1] * 8] != dataset_bytes(fb[p])[: n * fb[p].shape[1] * 8]:
                    sys.exit(f"{p}: common rows differ")
                continue
            if fa[p].dtype != fb[p].dtype or fa[p].shape != fb[p].shape:
                sys.exit(f"{p}: type or shape differs")
            if dataset_bytes(fa[p]) != dataset_bytes(fb[p]):
                sys.exit(f"{p}: values differ")
            if int(fa[p].attrs["checksum"]) != int(fb[p].attrs["checksum"]):
                sys.exit(f"{p}: checksum attribute differs")
    print("ok")


def main(argv):
    cmd = argv[1]
    if cmd == "verify":
        verify(argv[2])
    elif cmd == "checksum":
        print(f"{checksum(bytes.fromhex(argv[2])):016x}")
    elif cmd == "corrupt":
        corrupt(argv[2], argv[3], argv[4])
    elif cmd == "same":
        same(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
