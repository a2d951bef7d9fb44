#!/usr/bin/env python3
"""ase_check.py — MTTCalculator checks for tests/test_ase.sh (prints TAP lines).

  ase_check.py PERIODIC.pt MOLECULE.pt NVE_STEPS

h5py is imported first: the calculator must work with Debian's serial HDF5
already in the process (libmtt may carry the parallel one).
"""
import sys

try:
    import h5py  # noqa: F401  (two HDF5 libraries in one process, on purpose)
except ImportError:
    pass
import numpy as np
from ase import units
from ase.build import bulk, molecule
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
from ase.md.verlet import VelocityVerlet

from mtt_ase import MTTCalculator

count = 0


def tap(ok, what):
    global count
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, what))


def cu_cell():
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((3, 3, 3))
    atoms.rattle(0.05, seed=3)
    atoms.set_cell(atoms.cell.array @ np.array([[1.01, 0.02, 0], [0, 0.99, 0.01], [0, 0, 1.0]]),
                   scale_atoms=True)
    return atoms


def main():
    periodic_pt, molecule_pt, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    calc = MTTCalculator(periodic_pt, quiet=True)
    atoms = cu_cell()
    atoms.calc = calc
    e = atoms.get_potential_energy()
    tap(abs(atoms.get_potential_energies().sum() - e) <= 1e-12 * abs(e),
        "per-atom energies sum to the energy (%.10g eV)" % e)
    f = atoms.get_forces()
    fn = calc.calculate_numerical_forces(atoms, d=1e-4)
    df = np.abs(f - fn).max()
    tap(df < 1e-6 * max(1.0, np.abs(f).max()) + 1e-7,
        "periodic forces = numerical derivatives of the energy (max diff %.1e eV/A)" % df)
    s = atoms.get_stress()
    sn = calc.calculate_numerical_stress(atoms, d=1e-5)
    ds = np.abs(s - sn).max()
    tap(ds < 1e-7, "stress = numerical strain derivative (max diff %.1e eV/A^3, |s| %.1e)"
        % (ds, np.abs(s).max()))

    mol = molecule("CH3CH2OH")
    mol.calc = MTTCalculator(molecule_pt, quiet=True)
    fm = mol.get_forces()
    fmn = mol.calc.calculate_numerical_forces(mol, d=1e-4)
    dm = np.abs(fm - fmn).max()
    tap(dm < 1e-6 * max(1.0, np.abs(fm).max()) + 1e-7,
        "molecule (no pbc) forces = numerical derivatives (max diff %.1e eV/A)" % dm)
    try:
        mol.get_stress()
        tap(False, "stress of a non-periodic molecule is refused")
    except Exception as exc:  # PropertyNotImplementedError
        tap("periodic" in str(exc), "stress of a non-periodic molecule is refused: %s" % exc)

    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(5))
    Stationary(atoms)
    dyn = VelocityVerlet(atoms, 2.0 * units.fs)
    etot = []
    dyn.attach(lambda: etot.append(atoms.get_total_energy()), interval=10)
    dyn.run(steps)
    etot = np.array(etot) / len(atoms)
    ke = atoms.get_kinetic_energy() / len(atoms)
    drift, fluct = etot[-1] - etot[0], etot.std()
    tap(abs(drift) < 1e-2 * ke and fluct < 2e-2 * ke,
        "ASE VelocityVerlet %d steps of 2 fs, %d atoms: drift %.2e eV/atom, fluctuation %.2e "
        "eV/atom (kinetic %.2e eV/atom)" % (steps, len(atoms), drift, fluct, ke))
    try:
        MTTCalculator(sys.argv[0])
        tap(False, "a file that is not a model is refused")
    except RuntimeError as exc:
        tap(len(str(exc).splitlines()) == 1, "a file that is not a model: %s" % exc)
    print("1..%d" % count)


main()
