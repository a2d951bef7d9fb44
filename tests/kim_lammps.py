#!/usr/bin/env python3
"""kim_lammps.py — run Debian's lmp with an mtt KIM model and compare with mtt eval.

  kim_lammps.py compare MODEL.pt KIM_NAME SYSTEM NRANKS   → TAP-free report, exit 0 if equal
  kim_lammps.py nve KIM_NAME STEPS                         → drift and fluctuation of etotal

SYSTEM is "ethanol" (tests/data/model/ethanol0.xyz in a non-periodic box,
units real: the model's kcal/mol) or "cu" (a rattled 3x3x3 fcc Cu cell,
periodic, triclinic tilt, units metal).  LAMMPS prints
energies, pressure and per-atom values at %.17g; mtt eval gets the same
positions (read back from LAMMPS's dump) as extended XYZ.  Standard library
and numpy only.  Environment: LMP, MTT, MPIEXEC, top_srcdir.
"""
import os
import subprocess
import sys

import numpy as np

NKTV2P_METAL = 1.6021765e6  # LAMMPS's eV/Å^3 → bar (update.cpp, units metal)


def lammps(input_text, nranks, log):
    with open("in.lmp", "w") as f:
        f.write(input_text)
    cmd = [os.environ.get("LMP", "lmp"), "-in", "in.lmp", "-log", log, "-screen", "none"]
    if nranks > 1:
        cmd = [os.environ["MPIEXEC"], "--oversubscribe", "-n", str(nranks)] + cmd
    r = subprocess.run(["timeout", "300"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-2000:] + r.stderr[-2000:])
        raise SystemExit("lmp failed (exit %d)" % r.returncode)


def thermo(log, names):
    rows, cols = [], None
    for line in open(log):
        w = line.split()
        if w[:1] == ["Step"]:
            cols = w
            continue
        if cols and len(w) == len(cols):
            try:
                rows.append([float(x) for x in w])
            except ValueError:
                cols = None
        elif cols:
            cols = None
    a = np.array(rows)
    return {n: a[:, cols_index] for cols_index, n in enumerate(names)}


def system_commands(system):
    if system == "ethanol":
        xyz = os.path.join(os.environ["top_srcdir"], "tests/data/model/ethanol0.xyz")
        lines = open(xyz).read().split("\n")[2:11]
        types = {"H": 1, "C": 2, "O": 3}
        with open("system.data", "w") as f:
            f.write("ethanol\n\n9 atoms\n3 atom types\n-6 6 xlo xhi\n-6 6 ylo yhi\n"
                    "-6 6 zlo zhi\n\nMasses\n\n1 1.008\n2 12.011\n3 15.999\n\nAtoms # atomic\n\n")
            for i, l in enumerate(lines):
                w = l.split()
                f.write("%d %d %s %s %s\n" % (i + 1, types[w[0]], w[1], w[2], w[3]))
        return "boundary f f f\nread_data system.data\n", "H C O", False
    return ("boundary p p p\nlattice fcc 3.61\n"
            "region box prism 0 3 0 3 0 3 0.3 -0.2 0.1\ncreate_box 1 box\n"
            "create_atoms 1 box\nmass 1 63.546\n"
            "displace_atoms all random 0.1 0.1 0.1 4321 units box\n"), "Cu", True


def compare(model, name, system, nranks):
    setup, species, periodic = system_commands(system)
    # ethanol's energies are kcal/mol (rMD17): LAMMPS units real, no conversion
    units = "real" if system == "ethanol" else "metal"
    lammps("kim init %s %s\n%s" % (name, units, setup) +
           "kim interactions %s\n" % species +
           "compute pea all pe/atom\ncompute sa all stress/atom NULL\n"
           "compute pes all reduce sum c_pea\n"
           "compute ss all reduce sum c_sa[1] c_sa[2] c_sa[3] c_sa[4] c_sa[5] c_sa[6]\n"
           "variable vol equal vol\n"
           "thermo_style custom step pe c_pes pxx pyy pzz pxy pxz pyz "
           "c_ss[1] c_ss[2] c_ss[3] c_ss[4] c_ss[5] c_ss[6] v_vol\n"
           "thermo_modify format float %.17g\n"
           "dump d all custom 1 atoms.dump id type x y z fx fy fz\n"
           "dump_modify d format float %.17g sort id\n"
           "write_dump all custom box.dump id modify format float %.17g\n"
           "run 0\n", nranks, "log.lammps")
    t = thermo("log.lammps", ["step", "pe", "pes", "pxx", "pyy", "pzz", "pxy", "pxz", "pyz",
                              "s1", "s2", "s3", "s4", "s5", "s6", "vol"])
    # the dump: box (triclinic bounds) and atoms
    lines = open("atoms.dump").read().split("\n")
    n = int(lines[3])
    box = [[float(x) for x in lines[5 + k].split()] for k in range(3)]
    atoms = np.array([[float(x) for x in l.split()] for l in lines[9:9 + n]])
    sym = {"ethanol": {1: "H", 2: "C", 3: "O"}, "cu": {1: "Cu"}}[system]
    with open("lammps.xyz", "w") as f:
        f.write("%d\n" % n)
        if periodic:
            (xlob, xhib, xy), (ylob, yhib, xz), (zlo, zhi, yz) = box
            xlo = xlob - min(0.0, xy, xz, xy + xz)
            xhi = xhib - max(0.0, xy, xz, xy + xz)
            ylo, yhi = ylob - min(0.0, yz), yhib - max(0.0, yz)
            cell = [xhi - xlo, 0, 0, xy, yhi - ylo, 0, xz, yz, zhi - zlo]
            f.write('Lattice="%s" pbc="T T T" Properties=species:S:1:pos:R:3\n'
                    % " ".join("%.17g" % c for c in cell))
        else:
            f.write("Properties=species:S:1:pos:R:3\n")
        for a in atoms:
            f.write("%s %.17g %.17g %.17g\n" % (sym[int(a[1])], a[2], a[3], a[4]))
    with open("eval.yaml", "w") as f:
        f.write("systems: lammps.xyz\n")
    r = subprocess.run([os.environ["MTT"], "eval", model, "eval.yaml", "-o", "mtt.xyz"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("mtt eval failed: " + r.stderr[-500:])
    ml = open("mtt.xyz").read().split("\n")
    header = ml[1]
    energy = float(header.split("energy=")[1].split()[0])
    f_mtt = np.array([[float(x) for x in l.split()[4:7]] for l in ml[2:2 + n]])
    f_lmp = atoms[:, 5:8]
    worst = {}
    worst["energy"] = abs(t["pe"][0] - energy) / abs(energy)
    worst["pe/atom sum"] = abs(t["pes"][0] - t["pe"][0]) / abs(energy)
    worst["forces"] = np.abs(f_lmp - f_mtt).max() / np.abs(f_mtt).max()
    # stress/atom: −(per-atom virial) in pressure×volume; Σ/V is the pressure
    s_atoms = np.array([t[k][0] for k in ("s1", "s2", "s3", "s4", "s5", "s6")])
    p_lmp = np.array([t[k][0] for k in ("pxx", "pyy", "pzz", "pxy", "pxz", "pyz")])
    if periodic:
        st = header.split('stress="')[1].split('"')[0].split()
        s = np.array([float(x) for x in st]).reshape(3, 3)
        p_mtt = -NKTV2P_METAL * np.array([s[0, 0], s[1, 1], s[2, 2], s[0, 1], s[0, 2], s[1, 2]])
        scale = np.abs(p_mtt).max()
        worst["pressure"] = np.abs(p_lmp - p_mtt).max() / scale
        worst["stress/atom sum"] = np.abs(-s_atoms / t["vol"][0] - p_lmp).max() / scale
    else:
        worst["stress/atom sum"] = (np.abs(-s_atoms / t["vol"][0] - p_lmp).max() /
                                    max(np.abs(p_lmp).max(), 1e-300))
    report = ", ".join("%s %.1e" % (k, v) for k, v in worst.items())
    print("%s on %d rank(s): %d atoms, E %.10g %s; relative differences: %s"
          % (system, nranks, n, energy, "kcal/mol" if units == "real" else "eV", report))
    return 0 if max(worst.values()) <= 1e-10 else 1


def nve(name, steps):
    setup, species, _ = system_commands("cu")
    lammps("kim init %s metal\n%s" % (name, setup) + "kim interactions %s\n" % species +
           "velocity all create 300 8765 mom yes rot no dist gaussian\n"
           "fix 1 all nve\ntimestep 0.002\n"
           "thermo 10\nthermo_style custom step pe ke etotal temp\n"
           "thermo_modify format float %%.17g\nrun %d\n" % steps, 1, "nve.log")
    t = thermo("nve.log", ["step", "pe", "ke", "etotal", "temp"])
    e, n_atoms = t["etotal"], 108
    drift = (e[-1] - e[0]) / n_atoms
    fluct = np.std(e) / n_atoms
    ke_scale = np.mean(t["ke"]) / n_atoms
    print("NVE %d steps of 2 fs, 108 Cu atoms at %.0f K: drift %.2e eV/atom, fluctuation "
          "%.2e eV/atom (kinetic energy %.2e eV/atom)" % (steps, np.mean(t["temp"]), drift,
                                                         fluct, ke_scale))
    return 0 if abs(drift) < 1e-3 * ke_scale * 10 and fluct < 2e-2 * ke_scale else 1


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
    sys.exit(nve(sys.argv[2], int(sys.argv[3])))
