#!/bin/sh
# test_libmtt.sh — the installed libmtt (TAP): only the public API is
# exported; a C client in tests/ and the example in examples/, built only
# with `pkg-config --cflags --libs mtt` against a staged `make install`,
# compute the energies and forces mtt eval writes; 4 threads on one model
# give bitwise identical results; Python ctypes uses it without MPI.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init libmtt
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-python3}
cd "$work" || exit 1

root="$work/root"
if ! make -C "$top_builddir" install DESTDIR="$root" >install.log 2>&1; then
    echo "Bail out! make install failed: $(tail -n 3 install.log)"; exit 1
fi
lib=$(find "$root" -name 'libmtt.so' | head -n 1)
libdir=$(dirname "$lib")
pc=$(find "$root" -name mtt.pc | head -n 1)

# 1. nm -D: exactly the names of src/io/libmtt.sym
nm -D --defined-only "$lib" | awk '{print $NF}' | sort > exported.txt
sort "$top_srcdir/src/io/libmtt.sym" > public.txt
if cmp -s exported.txt public.txt; then ok "nm -D shows only the $(wc -l < public.txt) public functions"
else not_ok "exported symbols" "$(diff public.txt exported.txt | head -n 5)"; fi

# 2. a model and mtt eval's predictions on 12 ethanol structures
"$top_builddir/tests/make_test_model" m.pt 7 || { echo "Bail out! make_test_model"; exit 1; }
head -n $((12 * 11)) "$top_srcdir/tests/data/xyz/ethanol_reduced_100.xyz" > eth.xyz
printf 'systems: eth.xyz\n' > eval.yaml
"$MTT" eval m.pt eval.yaml -o pred.xyz >eval.out 2>&1 || { echo "Bail out! mtt eval: $(cat eval.out)"; exit 1; }
$PYTHON3 - <<'P'
sym = {"H": 1, "C": 6, "O": 8}
lines = open("eth.xyz").read().split("\n")
out, i = [], 0
while i < len(lines) and lines[i].strip():
    n = int(lines[i]); out.append("%d 0\n0 0 0 0 0 0 0 0 0" % n)
    for a in lines[i + 2:i + 2 + n]:
        w = a.split(); out.append("%d %s %s %s" % (sym[w[0]], w[1], w[2], w[3]))
    i += n + 2
open("frames.txt", "w").write("\n".join(out) + "\n")
P

flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$root" pkg-config --cflags --libs mtt)
# 3. the test client (4 threads)
if ${CC:-cc} "$top_srcdir/tests/libmtt_client.c" $flags -o client 2>cc.err &&
   LD_LIBRARY_PATH="$libdir" ./client m.pt frames.txt > client.out 2>client.err; then
    ok "tests/libmtt_client.c builds with pkg-config mtt alone and runs"
else not_ok "client" "$(cat cc.err client.err 2>/dev/null | head -n 5)"; fi
grep -q "^threads identical" client.out && ok "4 threads on one model: bitwise identical energies and forces" ||
    not_ok "threads" "$(tail -n 1 client.out)"
compare='
import sys
pred = open("pred.xyz").read().split("\n")
E, F, i = [], [], 0
while i < len(pred) and pred[i].strip():
    n = int(pred[i]); info = pred[i + 1]
    E.append(float(info.split("energy=")[1].split()[0]))
    F.append([[float(x) for x in l.split()[4:7]] for l in pred[i + 2:i + 2 + n]])
    i += n + 2
got = {}
for l in open(sys.argv[1]):
    w = l.split()
    if w[0] == "energy": got[("e", int(w[1]))] = float(w[2])
    if w[0] == "force": got[("f", int(w[1]), int(w[2]))] = [float(x) for x in w[3:6]]
worst = 0.0
for s in range(int(sys.argv[2])):
    worst = max(worst, abs(got[("e", s)] - E[s]) / abs(E[s]))
    for a in range(len(F[s])):
        for d in range(3):
            worst = max(worst, abs(got[("f", s, a)][d] - F[s][a][d]) / (1 + abs(F[s][a][d])))
print(worst)
sys.exit(0 if worst <= 1e-12 else 1)
'
if w=$($PYTHON3 -c "$compare" client.out 12); then ok "client energies and forces equal mtt eval's (worst relative difference $w)"
else not_ok "client vs mtt eval" "worst $w"; fi

# 4. the example in examples/libmtt (first structure)
if ${CC:-cc} "$top_srcdir/examples/libmtt/energy_forces.c" $flags -o example 2>cc.err &&
   LD_LIBRARY_PATH="$libdir" ./example m.pt eth.xyz > example.raw 2>example.err; then
    sed 's/^energy \([^ ]*\) .*/energy 0 \1/; s/^force /force 0 /' example.raw > example.out
    if w=$($PYTHON3 -c "$compare" example.out 1); then
        ok "examples/libmtt/energy_forces.c (pkg-config only) matches mtt eval ($w)"
    else not_ok "example vs mtt eval" "worst $w"; fi
    grep -q "This is the model" example.err && ok "opening prints the model's metadata once" ||
        not_ok "metadata printed by the example" "$(cat example.err)"
else not_ok "example builds and runs" "$(cat cc.err example.err 2>/dev/null | head -n 5)"; not_ok "metadata printed"; fi

# 5. Python ctypes, no MPI anywhere
cat > ct.py <<'P'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
class Err(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("message", ctypes.c_char * 1024)]
lib.mtt_model_open.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(Err)]
lib.mtt_model_compute.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_int), ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double), ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(Err)]
lib.mtt_model_close.argtypes = [ctypes.c_void_p]
m, e = ctypes.c_void_p(), Err()
assert lib.mtt_model_open(b"m.pt", 1, ctypes.byref(m), ctypes.byref(e)) == 0, e.message
lines = open("eth.xyz").read().split("\n")
n = int(lines[0])
z = {"H": 1, "C": 6, "O": 8}
pos = (ctypes.c_double * (3 * n))(*[float(x) for l in lines[2:2 + n] for x in l.split()[1:4]])
num = (ctypes.c_int * n)(*[z[l.split()[0]] for l in lines[2:2 + n]])
energy, forces = ctypes.c_double(), (ctypes.c_double * (3 * n))()
assert lib.mtt_model_compute(m, n, pos, num, None, None, ctypes.byref(energy), forces, None, None, ctypes.byref(e)) == 0
num[0] = 79
st = lib.mtt_model_compute(m, n, pos, num, None, None, ctypes.byref(energy), forces, None, None, ctypes.byref(e))
assert st == 5 and b"atomic number 79" in e.message, e.message
lib.mtt_model_close(m)
print("energy 0 %.17g" % energy.value)
for i in range(n):
    print("force 0 %d %.17g %.17g %.17g" % (i, forces[3 * i], forces[3 * i + 1], forces[3 * i + 2]))
P
if LD_LIBRARY_PATH="$libdir" $PYTHON3 ct.py "$lib" > ct.out 2>ct.err && w=$($PYTHON3 -c "$compare" ct.out 1); then
    ok "Python ctypes: open, compute (= mtt eval, $w), status for an unknown type; no MPI_Init"
else not_ok "ctypes" "$(tail -n 3 ct.err)"; fi
tap_done
