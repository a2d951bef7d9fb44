#!/bin/sh
# test_cli_export.sh — mtt export (TAP): metadata attached and printed,
# default output name, bad metadata, bad inputs, and remote downloads from
# local HTTP servers (plain URL, Hugging Face form, bearer token, redirect
# to another port, HTTP errors, refused connection, stalled server, HTML).
# Checkpoint inputs need mtt train to write them: tests/test_export_roundtrip.sh.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init export
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-python3}
mk="$top_builddir/tests/make_test_model"
cd "$work" || exit 1
"$mk" base.pt 42 || { echo "Bail out! make_test_model failed"; exit 1; }

cat > meta.yaml <<'Y'
name: "Éthanol SOAP-BPNN"
description: a model for tests
authors: ["Ana Åström <ana@example.org>", "Bob"]
references:
  architecture: ["https://doi.org/10.1063/1.3553717"]
  implementation: ["mtt"]
extra: {dataset: ethanol_reduced_100}
Y

# ---- local: metadata round trip ------------------------------------------------
case_dir=$work/c1; mkdir -p "$case_dir"
if "$MTT" export base.pt -o with_meta.pt -m meta.yaml >"$case_dir/out" 2>"$case_dir/err" &&
   grep -q "epoch 7" "$case_dir/out" && "$MTT" export with_meta.pt -o again.pt >"$case_dir/out2" 2>"$case_dir/err2"; then
    if grep -q "This is the model 'Éthanol SOAP-BPNN'" "$case_dir/err2" 2>/dev/null ||
       "$MTT" eval again.pt /dev/null 2>&1 | grep -q "Éthanol SOAP-BPNN"; then
        ok "metadata attached to a .pt, kept by a second export (UTF-8 as is), logs the epoch"
    else not_ok "metadata printed on load" "$(cat "$case_dir/err2")"; fi
else not_ok "export with metadata" "$(cat "$case_dir/out")"; fi
out=$("$MTT" eval again.pt /dev/null 2>&1)
if echo "$out" | grep -q "Ana Åström" && echo "$out" | grep -q "doi.org/10.1063/1.3553717 (architecture)"; then
    ok "loading a model prints its name, authors and references"
else not_ok "metadata printed" "$out"; fi
$PYTHON3 - again.pt <<'P' && ok "the .pt reads with h5py alone (metadata text, parameters, self-test)" || not_ok "h5py reads the model"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == b"mtt-model" and f.attrs["format_version"] == 1
assert "Éthanol" in f["metadata"][()].decode("utf-8")
assert f["parameters"].shape[0] > 0 and f["self_test/forces"].shape[1] == 3
P

# ---- default output: <stem>.pt in the current folder ------------------------------
mkdir -p sub && (cd sub && "$MTT" export ../with_meta.pt >/dev/null 2>&1)
if [ -f sub/with_meta.pt ]; then ok "default output is the stem + .pt in the current folder"
else not_ok "default output name" "$(ls sub)"; fi

# ---- bad metadata: each names the key; nothing written -----------------------------
check_fail() {  # name expected-exit pattern command...
    name=$1; want=$2; pattern=$3; shift 3
    case_dir=$work/case_$n; mkdir -p "$case_dir"
    "$@" >"$case_dir/out" 2>"$case_dir/err"; c=$?
    if [ "$c" -eq "$want" ] && grep -q -- "$pattern" "$case_dir/err"; then ok "$name"
    else not_ok "$name (exit $c, want $want, pattern '$pattern')"; fi
}
printf 'name: x\nlicense: MIT\n' > unknown.yaml
check_fail "metadata: unknown key lists the allowed ones" 2 \
    "unknown.yaml:2:1: license: unknown key; the allowed keys are name, description, authors, references, extra" \
    "$MTT" export base.pt -o u.pt -m unknown.yaml
printf 'authors: {a: b}\n' > type.yaml
check_fail "metadata: wrong type names the key" 2 "type.yaml:1:10: authors: expected a list" \
    "$MTT" export base.pt -o t.pt -m type.yaml
printf 'name: "open\n' > syntax.yaml
check_fail "metadata: syntax error gives file:line:column" 2 "syntax.yaml:" \
    "$MTT" export base.pt -o s.pt -m syntax.yaml
if [ ! -e u.pt ] && [ ! -e t.pt ] && [ ! -e s.pt ] && [ -z "$(ls ./*.tmp 2>/dev/null)" ]; then
    ok "no output file left behind by the metadata errors"
else not_ok "output left behind" "$(ls)"; fi

# ---- bad inputs --------------------------------------------------------------------
check_fail "missing input names it" 1 "nothere.ckpt: No such file" "$MTT" export nothere.ckpt
echo "hello" > text.ckpt
check_fail "a text file is not HDF5" 1 "text.ckpt: not an HDF5 file" "$MTT" export text.ckpt
$PYTHON3 -c "import h5py; f=h5py.File('other.ckpt','w'); f.attrs['format']='something'"
check_fail "HDF5 but not an mtt checkpoint" 1 "other.ckpt: HDF5 but not an mtt checkpoint" \
    "$MTT" export other.ckpt
check_fail "output folder that does not exist" 1 "does not exist" \
    "$MTT" export base.pt -o nowhere/m.pt
check_fail "--token and HF_TOKEN both set" 2 "both --token and HF_TOKEN" \
    env HF_TOKEN=a "$MTT" export org/repo base.pt --token b
check_fail "a .pt cannot become a checkpoint" 2 "cannot become a checkpoint" \
    "$MTT" export base.pt -o x.ckpt
check_fail "--token with a local input is refused" 2 "--token is only for remote checkpoints" \
    "$MTT" export base.pt --token abc -o tok.pt

# ---- remote ------------------------------------------------------------------------
if [ -z "$PYTHON3" ] || ! $PYTHON3 -c "import http.server" 2>/dev/null; then
    echo "ok $((n + 1)) # SKIP remote tests: no python3 for the local HTTP server"; n=$((n + 1))
    tap_done; exit $?
fi
mkdir -p srv/main srv/v2
cp with_meta.pt srv/model.pt; cp with_meta.pt srv/main/model.pt; cp base.pt srv/v2/model.pt
echo "<html>login</html>" > srv/page.ckpt
$PYTHON3 "$top_srcdir/tests/http_server.py" "$work/srv" "$work/ports" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
i=0; while [ ! -s ports ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r port other < ports
base="http://127.0.0.1:$port"

"$MTT" export "$base/files/model.pt" -o plain.pt >/dev/null 2>c.err &&
    [ -f plain.pt ] && ok "plain URL" || not_ok "plain URL" "$(cat c.err)"
HF_ENDPOINT=$base "$MTT" export org/repo model.pt -o hf.pt >hf.out 2>&1 &&
    grep -q "with_meta\|Wrote hf.pt" hf.out && grep -q " /org/repo/resolve/main/model.pt " requests.log &&
    ok "Hugging Face form with HF_ENDPOINT (revision main)" || not_ok "HF form" "$(cat hf.out)"
HF_ENDPOINT=$base/ "$MTT" export org/repo model.pt --revision v2 -o hfv2.pt >/dev/null 2>c.err &&
    grep -q " /org/repo/resolve/v2/model.pt " requests.log && ok "--revision picks the revision" ||
    not_ok "--revision" "$(cat c.err)"
"$MTT" export "$base/private/model.pt" -o tok.pt --token sekrit >/dev/null 2>c.err &&
    grep -q "/private/model.pt Bearer sekrit" requests.log && ok "bearer token from --token" ||
    not_ok "--token" "$(cat c.err)"
HF_TOKEN=sekrit "$MTT" export "$base/private/model.pt" -o tok2.pt >/dev/null 2>c.err &&
    [ -f tok2.pt ] && ok "bearer token from HF_TOKEN" || not_ok "HF_TOKEN" "$(cat c.err)"
check_fail "no token: 401 says it needs one" 1 "HTTP 401: needs a token (--token or HF_TOKEN)" \
    "$MTT" export "$base/private/model.pt" -o nt.pt
check_fail "wrong token: 403" 1 "HTTP 403: needs a token" \
    "$MTT" export "$base/private/model.pt" -o wt.pt --token wrong
: > requests.log
"$MTT" export "$base/redirect/model.pt" -o red.pt --token sekrit >/dev/null 2>c.err
if [ -f red.pt ] && grep -q "^$port /redirect/model.pt Bearer sekrit" requests.log &&
   grep -q "^$other /files/model.pt -$" requests.log; then
    ok "redirect to another port is followed without the token"
else not_ok "redirect drops the token" "$(cat requests.log c.err)"; fi
check_fail "404: not found, with the URL" 1 "not found: $base/files/missing.ckpt" \
    "$MTT" export "$base/files/missing.ckpt" -o m404.pt
check_fail "500: the server's status" 1 "answered HTTP 500" \
    "$MTT" export "$base/status/500" -o m500.pt
check_fail "HTML page instead of a checkpoint" 1 "$base/files/page.ckpt: not an HDF5 file" \
    "$MTT" export "$base/files/page.ckpt" -o html.pt
check_fail "stalled server times out" 1 "timed out" \
    env MTT_DOWNLOAD_STALL_SECONDS=2 "$MTT" export "$base/stall" -o stall.pt
# a port nobody listens on: the server's port after it is closed is unsafe; use port 1
check_fail "connection refused" 1 "download failed" \
    "$MTT" export "http://127.0.0.1:1/model.ckpt" -o refused.pt
if [ -z "$(ls ./*.tmp 2>/dev/null)" ] && [ ! -e nt.pt ] && [ ! -e m404.pt ] && [ ! -e html.pt ] &&
   [ ! -e stall.pt ]; then ok "no temporary or output file left by the failed downloads"
else not_ok "files left behind" "$(ls)"; fi
kill $server 2>/dev/null; wait $server 2>/dev/null
tap_done
