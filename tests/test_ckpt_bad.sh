#!/bin/sh
# test_ckpt_bad.sh — the checkpoint format document checked by an
# independent reader (tests/ckpt_check.py: every checksum recomputed with
# h5py + numpy from docs/checkpoint-format.md), then damaged files made from
# a freshly written good one: each must fail with MTT_ERR_CHECKPOINT and one
# line naming the file and the item, and reading must write nothing.
set -u
. "$top_srcdir/tests/tap.sh"
tap_init ckpt-bad
tool="$top_builddir/tests/ckpt_tool"
check_py="$top_srcdir/tests/ckpt_check.py"
py=${PYTHON3:-}

if [ -z "$py" ] || ! "$py" -c 'import h5py, numpy' 2>/dev/null; then
    echo "ok 1 # SKIP python3 with h5py and numpy not found (apt-get install python3-h5py)"
    echo "1..1"
    exit 0
fi

files="$work/files"  # only checkpoints: reading must not change this folder
mkdir -p "$files"
good="$files/good.ckpt"
if "$tool" write "$good" >"$work/out" 2>&1; then ok "a good checkpoint is written"
else not_ok "writing a good checkpoint" "$(cat "$work/out")"; fi

out=$("$py" "$check_py" verify "$good" 2>&1)
if [ "$out" = ok ]; then ok "every checksum recomputed from the documented algorithm matches"
else not_ok "documented checksums" "$out"; fi

# the raw-bytes checksum of C and Python agree for lengths 0..17
fails=
for len in 0 1 2 7 8 9 15 16 17; do
    hex=$(head -c 200 "$good" | tail -c "$len" | od -An -v -tx1 | tr -d ' \n')
    head -c 200 "$good" | tail -c "$len" > "$work/bytes"
    c=$("$tool" checksum "$work/bytes")
    p=$("$py" "$check_py" checksum "$hex")
    [ "$c" = "$p" ] || fails="$fails $len:$c/$p"
done
if [ -z "$fails" ]; then ok "C and Python checksums of raw bytes agree (lengths 0..17)"
else not_ok "raw-bytes checksums" "$fails"; fi

# read_bad KIND EXPECTED_STATUS PHRASE: make the damaged file, read it
read_bad() {
    kind=$1 want_status=$2 phrase=$3
    bad="$files/$kind.ckpt"
    if [ "$kind" != missing_file ]; then
        "$py" "$check_py" corrupt "$kind" "$good" "$bad" || { not_ok "$kind: making the file"; return; }
    fi
    before=$(ls -lA --full-time "$files")
    line=$("$tool" read "$bad" 2>"$work/stderr")
    after=$(ls -lA --full-time "$files")
    lines=$(printf '%s\n' "$line" | wc -l)
    case "$line" in
        "error $want_status: "*"$bad"*"$phrase"*) ;;
        *) not_ok "$kind: one line naming the file and '$phrase'" "got: $line"; return ;;
    esac
    if [ "$lines" -ne 1 ] || [ -s "$work/stderr" ]; then
        not_ok "$kind: exactly one line, nothing on stderr" "$line" "$(head -3 "$work/stderr")"
    elif [ "$before" != "$after" ]; then
        not_ok "$kind: reading changed the folder"
    else
        ok "$kind: $line"
    fi
}
read_bad flip_parameters 10 "dataset /parameters/latest fails its checksum"
read_bad truncated 10 "is truncated"
read_bad incomplete 10 "incomplete: the run was killed while writing it"
read_bad newer_version 10 "written by a newer mtt (format 2 > 1); upgrade mtt"
read_bad not_hdf5 10 "is not an HDF5 file"
read_bad foreign_hdf5 10 "is an HDF5 file but not an mtt checkpoint"
read_bad missing_dataset 10 "missing /optimizer/adam_v"
read_bad root_altered 10 "fail the root checksum"
read_bad missing_file 4 "does not exist"

# probe refuses the same files (restart auto relies on it)
line=$("$tool" probe "$files/flip_parameters.ckpt")
case "$line" in
    "error 10: "*) ok "probe refuses a corrupt checkpoint" ;;
    *) not_ok "probe of a corrupt checkpoint" "$line" ;;
esac
line=$("$tool" probe "$good")
case "$line" in
    "epoch 12 step 3 global_step 207 steps_per_epoch 17 finished 0 world_size 1") ok "probe of the good file: $line" ;;
    *) not_ok "probe of the good file" "$line" ;;
esac
tap_done
