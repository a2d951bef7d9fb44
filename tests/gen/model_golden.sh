#!/bin/sh
# model_golden.sh — (re)generate tests/data/model/: the golden good model
# (version 1, written by today's mtt) and the golden bad ones, each broken in
# exactly one way.  Run once from a build folder, then commit the files:
#     sh ../tests/gen/model_golden.sh ../tests/data/model
# FROZEN: the committed good_v1.pt must load in every later mtt; do not
# regenerate it unless the format version changes (add good_v2.pt then).
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
cat > "$out/meta.yaml" <<'Y'
name: "golden v1 test model"
description: "H, C, O; fresh parameters (seed 11), not trained"
authors: ["mtt developers"]
references: {implementation: ["mtt"]}
extra: {purpose: "format compatibility"}
Y
./tests/make_test_model "$out/raw.pt" 11
./mtt export "$out/raw.pt" -o "$out/good_v1.pt" -m "$out/meta.yaml"
rm -f "$out/raw.pt" "$out/meta.yaml"
mk() { cp "$out/good_v1.pt" "$out/$1"; }
mk bad_flipped_byte.pt        # one byte of the parameters' raw data
mk bad_truncated.pt           # the second half cut off
mk bad_self_test.pt           # self-test energy changed, checksums made consistent
mk bad_newer_version.pt       # format_version 2, checksums consistent
mk bad_not_a_model.pt         # format attribute of another program
mk bad_root_checksum.pt       # cutoff changed, root checksum not updated
mk bad_missing_item.pt        # self_test/virial removed
mk bad_layout.pt              # two tensor names swapped, checksums consistent
"$py" - "$out" <<'P'
import os, sys
import h5py, numpy as np
out = sys.argv[1]
def p(name): return os.path.join(out, name)
with h5py.File(p("bad_flipped_byte.pt"), "r") as f:
    off = f["parameters"].id.get_offset() + 11
with open(p("bad_flipped_byte.pt"), "r+b") as fh:
    fh.seek(off); b = fh.read(1); fh.seek(off); fh.write(bytes([b[0] ^ 0x04]))
size = os.path.getsize(p("bad_truncated.pt"))
with open(p("bad_truncated.pt"), "r+b") as fh:
    fh.truncate(size // 2)
with h5py.File(p("bad_self_test.pt"), "r+") as f:
    f["self_test/energy"][0] += 1e-3
with h5py.File(p("bad_newer_version.pt"), "r+") as f:
    f.attrs.modify("format_version", np.int32(2))
with h5py.File(p("bad_not_a_model.pt"), "r+") as f:
    del f.attrs["format"]
    f.attrs.create("format", np.bytes_(b"other-program"))
with h5py.File(p("bad_root_checksum.pt"), "r+") as f:
    f.attrs.modify("cutoff", np.float64(4.5))
with h5py.File(p("bad_missing_item.pt"), "r+") as f:
    del f["self_test/virial"]
with h5py.File(p("bad_layout.pt"), "r+") as f:
    names = f["layout/names"][()]
    names[0], names[1] = names[1], names[0]
    f["layout/names"][...] = names
P
for f in bad_self_test bad_newer_version bad_layout; do "$py" "$here/model_checksums.py" fix "$out/$f.pt"; done
ls -l "$out"
