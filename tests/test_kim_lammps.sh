#!/bin/sh
# test_kim_lammps.sh — exported models in Debian's LAMMPS through the KIM
# model driver (TAP; docs/md.md).  Two models are trained for a few epochs
# (ethanol molecules; periodic EMT copper) and exported with --kim.  Then:
# `kim init` energy, forces and pressure of the first step equal mtt eval's
# on the same positions to 1e-10 relative, on 1, 2 and 3 MPI ranks (ghosts
# of periodic images and of other ranks); compute pe/atom sums to the energy
# and compute stress/atom to the pressure; 1000 NVE steps conserve the total
# energy; bad inputs give one clear line.  SKIP lines when lmp or the KIM API
# are missing (scripts/deps.sh installs them).
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init kim-lammps
top_builddir=$(cd "${top_builddir:-.}" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
export top_srcdir
PYTHON3=${PYTHON3:-/usr/bin/python3}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
if [ "${MTT_HAVE_KIM:-no}" != yes ] || [ -z "${LMP:-}" ]; then
    skip "KIM driver or lmp missing (apt-get install lammps libkim-api-dev; configure --with-kim)"
    tap_done; exit
fi
cd "$work" || exit 1
# the driver from the build tree, as a KIM environment collection
mkdir -p drivers/mtt models
ln -s "$top_builddir/.libs/libkim-api-model-driver.so" drivers/mtt/
export KIM_API_MODEL_DRIVERS_DIR="$work/drivers" KIM_API_PORTABLE_MODELS_DIR="$work/models"
export LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LMP MTT OPENBLAS_NUM_THREADS=1

train() {  # folder data energy-unit
    mkdir -p "$1" && cp "$2" "$1/data.xyz"
    cat > "$1/options.yaml" <<YAML
seed: 7
architecture:
  name: soap_bpnn
  model:
    soap: {cutoff: {radius: 4.0}, max_radial: 3, max_angular: 3}
    bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 16}
  training: {num_epochs: 4, batch_size: 8}
training_set:
  systems: {read_from: data.xyz, length_unit: angstrom}
  targets:
    energy: {key: energy, unit: $3}
validation_set: 0.2
YAML
    (cd "$1" && "$MTT" train options.yaml >out 2>err)
}
train ethanol "$top_srcdir/tests/data/xyz/ethanol_reduced_100.xyz" kcal/mol
train cu "$top_srcdir/tests/data/xyz/cu_emt_stress.xyz" eV
case_dir=$work/ethanol
if (cd ethanol && "$MTT" export model.ckpt -o ethanol.pt --kim mtt_ethanol >out 2>err) &&
   (cd cu && "$MTT" export model.ckpt -o cu.pt --kim mtt_cu >out 2>err) &&
   [ -f models/mtt_ethanol/libkim-api-portable-model.so ] &&
   [ -f models/mtt_cu/libkim-api-portable-model.so ]; then
    ok "mtt export --kim installs into KIM_API_PORTABLE_MODELS_DIR"
else
    not_ok "mtt export --kim"; tap_done; exit
fi
case_dir=
mkdir -p run && cd run || exit 1
for ranks in 1 2 3; do
    if [ "$ranks" -gt 1 ] && [ -z "${MPIEXEC:-}" ]; then skip "no mpiexec for $ranks ranks"; continue; fi
    for sys in ethanol cu; do
        if line=$("$PYTHON3" "$top_srcdir/tests/kim_lammps.py" compare "$work/$sys/$sys.pt" \
                  "mtt_$sys" "$sys" "$ranks" 2>err); then
            ok "LAMMPS kim = mtt eval to 1e-10: $line"
        else
            not_ok "LAMMPS kim = mtt eval ($sys, $ranks ranks)" "$line" "$(tail -n 3 err)"
        fi
    done
done
# the model's metadata is shown when LAMMPS loads it
printf 'kim init mtt_cu metal\n' > in.meta
if "$LMP" -in in.meta -log none 2>&1 | grep -q "mtt KIM model.*soap_bpnn"; then
    ok "LAMMPS shows the model's metadata at kim init"
else
    not_ok "metadata at kim init"
fi
# units real: the driver converts (kcal/mol, Å)
cat > in.real <<'LMP'
kim init mtt_cu real
boundary p p p
lattice fcc 3.61
region box block 0 2 0 2 0 2
create_box 1 box
create_atoms 1 box
mass 1 63.546
kim interactions Cu
thermo_style custom pe
thermo_modify format float %.17g
run 0
LMP
sed 's/ real$/ metal/' in.real > in.metal
pe() { "$LMP" -in "$1" -log none -screen none -log "$1.log" >/dev/null 2>&1; awk '/^ *PotEng/ { getline; print $1 }' "$1.log"; }
e_real=$(pe in.real); e_metal=$(pe in.metal)
# the driver converts with KIM's factor (~23.0605 kcal/mol per eV), to 1e-6
if awk -v r="$e_real" -v m="$e_metal" 'BEGIN { k = 23.060549; exit !(r != "" && m != "" && (r - k * m) ^ 2 <= 1e-12 * r * r) }'; then
    ok "units real: $e_real kcal/mol = $e_metal eV"
else
    not_ok "units real" "real $e_real, metal $e_metal"
fi
if line=$("$PYTHON3" "$top_srcdir/tests/kim_lammps.py" nve mtt_cu 1000 2>err); then
    ok "$line"
else
    not_ok "NVE energy conservation" "$line" "$(tail -n 3 err)"
fi

# ---- bad input: one clear line, no crash ------------------------------------
sed 's/kim interactions Cu/kim interactions Ar/' in.metal > in.species
"$LMP" -in in.species -log none > species.out 2>&1; c=$?
if [ $c -ne 0 ] && [ $c -lt 128 ] && grep -qi "ERROR.*species" species.out; then
    ok "kim interactions with a species the model lacks: $(grep -m1 ERROR species.out)"
else
    not_ok "species the model lacks" "exit $c: $(tail -n 2 species.out)"
fi
# a damaged model: a byte of the embedded .pt flipped (past the HDF5 superblock)
mkdir -p "$work/bad/mtt_ba"
"$PYTHON3" - "$work/models/mtt_cu/libkim-api-portable-model.so" \
    "$work/bad/mtt_ba/libkim-api-portable-model.so" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"\x89HDF\r\n\x1a\n")
name = b.index(b"mtt_cu\x00")
b[name:name + 7] = b"mtt_ba\x00"
b[i + 6000] ^= 0x55
open(sys.argv[2], "wb").write(b)
PY
sed 's/mtt_cu/mtt_ba/' in.metal > in.bad
KIM_API_PORTABLE_MODELS_DIR="$work/bad" "$LMP" -in in.bad -log none > bad.out 2>&1; c=$?
if [ $c -ne 0 ] && [ $c -lt 128 ] && grep -q "mtt: cannot load the KIM model's parameter file" bad.out; then
    ok "damaged model file: $(grep -m1 'mtt: cannot load' bad.out | cut -c1-160)"
else
    not_ok "damaged model file" "exit $c: $(tail -n 3 bad.out)"
fi
touch "$work/a_file"
"$MTT" export "$work/cu/cu.pt" -o x.pt --kim mtt_x --kim-dir "$work/a_file/sub" > unw.out 2>&1; c=$?
if [ $c -ne 0 ] && [ "$(wc -l < unw.out)" -eq 1 ] && grep -q "not writable" unw.out && [ ! -f x.pt ]; then
    ok "unwritable collection: one line, nothing written: $(cut -c1-150 unw.out)"
else
    not_ok "unwritable collection" "exit $c: $(cat unw.out)"
fi
"$MTT" export "$work/cu/cu.pt" -o y.pt --kim 9-bad > name.out 2>&1; c=$?
if [ $c -ne 0 ] && [ "$(wc -l < name.out)" -eq 1 ] && grep -q "C identifier" name.out && [ ! -f y.pt ]; then
    ok "bad KIM name: one line: $(cut -c1-120 name.out)"
else
    not_ok "bad KIM name" "exit $c: $(cat name.out)"
fi
tap_done
