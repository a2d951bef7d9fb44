#!/bin/sh
# test_cli_eval.sh — mtt eval (TAP): predictions as extended XYZ (energy,
# forces; Lattice, stress, virial and pbc for periodic cells), RMSE/MAE that
# agree with the written predictions, timing line, no targets → predictions
# only; bad input: an atomic type the model lacks, an unknown option key, a
# missing model, an output folder that does not exist, a target read from
# another file than the structures, a unit other than the model's — one
# message each,
# no output file left behind.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init eval
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
PYTHON3=${PYTHON3:-python3}
cd "$work" || exit 1
"$top_builddir/tests/make_test_model" m.pt 3 || { echo "Bail out! make_test_model"; exit 1; }
head -n 55 "$top_srcdir/tests/data/xyz/ethanol_reduced_100.xyz" > mol.xyz   # 5 molecules
# two periodic H/C/O structures with made-up references
cat > cell.xyz <<'X'
3
Lattice="4.0 0.0 0.0 0.3 4.2 0.0 0.0 0.1 3.9" Properties=species:S:1:pos:R:3:forces:R:3 energy=-45.0 stress="0.01 0 0 0 0.01 0 0 0 0.01" pbc="T T T"
C 0.0 0.0 0.0 0.1 0.0 0.0
O 1.3 0.2 0.1 -0.1 0.0 0.0
H 0.4 1.1 2.0 0.0 0.0 0.0
2
Lattice="3.5 0.0 0.0 0.0 3.5 0.0 0.0 0.0 3.5" Properties=species:S:1:pos:R:3:forces:R:3 energy=-30.0 stress="0 0 0 0 0 0 0 0 0" pbc="T T T"
O 0.0 0.0 0.0 0.0 0.0 0.0
H 0.9 0.3 0.2 0.0 0.0 0.0
X
cat > mol.yaml <<'Y'
systems: {read_from: mol.xyz, length_unit: angstrom}
targets:
  energy: {key: energy, unit: eV, forces: {key: forces}}
Y
cat > cell.yaml <<'Y'
systems: cell.xyz
targets:
  energy: {key: energy, unit: eV, forces: on, stress: on}
Y

# predictions and metrics that agree with them
if "$MTT" eval m.pt mol.yaml -o mol.pred.xyz -b 4 > mol.out 2>&1; then
    ok "eval of molecules with -b"
else not_ok "eval of molecules" "$(tail -n 2 mol.out)"; fi
check='
import math, sys
def frames(path):
    lines = open(path).read().split("\n"); i = 0
    while i < len(lines) and lines[i].strip():
        n = int(lines[i]); yield lines[i + 1], [l.split() for l in lines[i + 2:i + 2 + n]]; i += n + 2
def key(info, k):
    if k + "=\"" in info: return [float(x) for x in info.split(k + "=\"")[1].split("\"")[0].split()]
    return [float(info.split(k + "=")[1].split()[0])]
pred, ref = list(frames(sys.argv[1])), list(frames(sys.argv[2]))
assert len(pred) == len(ref)
se = sum(((key(p[0], "energy")[0] - key(r[0], "energy")[0]) / len(r[1])) ** 2 for p, r in zip(pred, ref))
sf, nf = 0.0, 0
for (pi, pa), (ri, ra) in zip(pred, ref):
    for a, b in zip(pa, ra):
        assert a[0] == b[0] and all(abs(float(x) - float(y)) < 1e-12 for x, y in zip(a[1:4], b[1:4]))
        sf += sum((float(x) - float(y)) ** 2 for x, y in zip(a[4:7], b[4:7])); nf += 3
out = open(sys.argv[3]).read()
e = float(out.split("energy (per atom) RMSE: ")[1].split()[0])
f = float(out.split("forces RMSE: ")[1].split()[0])
assert abs(e - math.sqrt(se / len(ref))) <= 1e-9 * e, (e, math.sqrt(se / len(ref)))
assert abs(f - math.sqrt(sf / nf)) <= 1e-9 * f
if len(sys.argv) > 4:
    for p, r in zip(pred, ref):
        assert "Lattice=" in p[0] and "pbc=\"T T T\"" in p[0] and len(key(p[0], "stress")) == 9 and len(key(p[0], "virial")) == 9
        lat = key(p[0], "Lattice"); ref_lat = key(r[0], "Lattice"); assert lat == ref_lat
    assert "stress RMSE: " in out
'
$PYTHON3 -c "$check" mol.pred.xyz mol.xyz mol.out 2>err.txt &&
    ok "molecules: extended XYZ with energy and forces; printed RMSEs agree with it" ||
    not_ok "molecule predictions" "$(tail -n 2 err.txt)"
grep -q "Time: [0-9.]* ms per atom" mol.out && ok "timing in ms per atom" || not_ok "timing line"
# -b N: N structures at a time on N threads: the same file, byte for byte, as one at a time
if "$MTT" eval m.pt mol.yaml -o mol1.pred.xyz -b 1 > mol1.out 2>&1 &&
   "$MTT" eval m.pt mol.yaml -o mol7.pred.xyz -b 7 > mol7.out 2>&1 &&
   cmp -s mol1.pred.xyz mol7.pred.xyz && cmp -s mol1.pred.xyz mol.pred.xyz; then
    ok "-b 1, 4 and 7 (threads) write identical predictions"
else not_ok "-b changes the predictions" "$(tail -n 1 mol7.out)"; fi
"$MTT" eval m.pt mol.yaml -o bad.xyz -b 0 > bad.out 2>&1; c=$?
[ $c -eq 2 ] && grep -q "batch-size 0: expected a whole number" bad.out && [ ! -e bad.xyz ] &&
    ok "-b 0: one line, exit 2" || not_ok "-b 0 (exit $c)" "$(tail -n 1 bad.out)"
if "$MTT" eval m.pt cell.yaml -o cell.pred.xyz > cell.out 2>&1 && $PYTHON3 -c "$check" cell.pred.xyz cell.xyz cell.out periodic 2>err.txt; then
    ok "periodic cells: Lattice, stress, virial, pbc written; stress RMSE reported"
else not_ok "periodic predictions" "$(tail -n 2 cell.out err.txt)"; fi
# stress written = −virial / V, and virial = −∂E/∂ε by a finite strain
$PYTHON3 - m.pt <<'P' 2>err.txt && ok "written stress equals -virial/V" || not_ok "stress vs virial" "$(tail -n 2 err.txt)"
lines = open("cell.pred.xyz").read().split("\n")
info = lines[1]
get = lambda k: [float(x) for x in info.split(k + "=\"")[1].split("\"")[0].split()]
L, S, W = get("Lattice"), get("stress"), get("virial")
V = abs(L[0] * (L[4] * L[8] - L[5] * L[7]) - L[1] * (L[3] * L[8] - L[5] * L[6]) + L[2] * (L[3] * L[7] - L[4] * L[6]))
assert all(abs(s + w / V) <= 1e-12 * (1 + abs(s)) for s, w in zip(S, W))
P
printf 'systems: mol.xyz\n' > none.yaml
"$MTT" eval m.pt none.yaml -o none.xyz > none.out 2>&1 && [ -s none.xyz ] && ! grep -q RMSE none.out &&
    ok "without targets: predictions only" || not_ok "no targets" "$(tail -n 2 none.out)"

fails() {  # name pattern args...
    name=$1; pattern=$2; shift 2
    "$MTT" eval "$@" -o fail.xyz > fail.out 2>&1; c=$?
    if [ $c -ne 0 ] && grep -q -- "$pattern" fail.out && [ ! -e fail.xyz ] && [ ! -e fail.xyz.tmp ]; then ok "$name"
    else not_ok "$name (exit $c)" "$(tail -n 1 fail.out)"; fi
}
cat > nitrogen.xyz <<'X'
2
Properties=species:S:1:pos:R:3
N 0.0 0.0 0.0
H 1.0 0.0 0.0
X
printf 'systems: nitrogen.xyz\n' > n.yaml
fails "an atomic type the model lacks names the atom and the types" \
    "nitrogen.xyz: structure 0 (frame 0): atom 0 has atomic number 7, which the model does not know (its atomic types: 1, 6, 8)" m.pt n.yaml
printf 'systems: mol.xyz\ntargets: {energy: {key: energy, forcez: on}}\n' > key.yaml
fails "unknown option key: file:line:col and the key, as in eval.yaml" "key.yaml:2:33: targets.energy.forcez: unknown option; did you mean forces?" m.pt key.yaml
fails "missing model" "nothere.pt: No such file" nothere.pt mol.yaml
# a reference file other than the structures is refused (mtt reads targets from systems.read_from)
printf 'systems: mol.xyz\ntargets: {energy: {key: energy, read_from: other.xyz}}\n' > other.yaml
fails "a target read_from naming another file is refused, with the key" \
    "other.yaml: targets.energy.read_from: other.xyz differs from systems.read_from mol.xyz" m.pt other.yaml
printf 'systems: mol.xyz\ntargets: {energy: {key: energy, forces: {key: forces, read_from: f.xyz}}}\n' > otherf.yaml
fails "a forces read_from naming another file is refused" \
    "otherf.yaml: targets.energy.forces.read_from: f.xyz differs from systems.read_from mol.xyz" m.pt otherf.yaml
# units are labels: a unit other than the model's is refused, one that matches is not
"$top_builddir/tests/make_test_model" mu.pt 3 eV angstrom || { echo "Bail out! make_test_model units"; exit 1; }
printf 'systems: {read_from: mol.xyz, length_unit: bohr}\n' > bohr.yaml
fails "a length_unit other than the model's is refused, with the key" \
    "bohr.yaml: systems.length_unit: 'bohr' differs from the model's 'angstrom'" mu.pt bohr.yaml
printf 'systems: mol.xyz\ntargets: {energy: {key: energy, unit: kcal/mol}}\n' > kcal.yaml
fails "an energy unit other than the model's is refused, with the key" \
    "kcal.yaml: targets.energy.unit: 'kcal/mol' differs from the model's 'eV'" mu.pt kcal.yaml
if "$MTT" eval mu.pt mol.yaml -o mu.pred.xyz > mu.out 2>&1 && grep -q "forces RMSE: .* eV/A " mu.out; then
    ok "the model's own units are accepted and printed"
else not_ok "matching units" "$(tail -n 2 mu.out)"; fi
"$MTT" eval m.pt mol.yaml -o nowhere/p.xyz > fail.out 2>&1; c=$?
[ $c -ne 0 ] && grep -q "nowhere/p.xyz: cannot create" fail.out && ok "output folder that does not exist" ||
    not_ok "output folder (exit $c)" "$(tail -n 1 fail.out)"
tap_done
