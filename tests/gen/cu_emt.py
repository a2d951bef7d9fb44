#!/usr/bin/python3
"""Periodic test data with stress: rattled and strained fcc copper cells
labelled with ASE's EMT calculator (energy eV, forces eV/A, stress eV/A^3).
Run by hand (needs Debian's python3-ase); the output is committed as
tests/data/xyz/cu_emt_stress.xyz, so tests never need ASE.

    /usr/bin/python3 tests/gen/cu_emt.py > tests/data/xyz/cu_emt_stress.xyz
"""
import sys

import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.io import write

rng = np.random.RandomState(7)
frames = []
for k in range(60):
    atoms = bulk("Cu", "fcc", a=3.61, cubic=(k % 2 == 0))
    atoms = atoms.repeat((2, 2, 2) if k % 2 == 0 else (2, 2, 3))
    strain = np.eye(3) + rng.uniform(-0.03, 0.03, (3, 3))
    atoms.set_cell(atoms.cell @ strain, scale_atoms=True)
    atoms.rattle(stdev=0.05, seed=int(rng.randint(1 << 30)))
    atoms.calc = EMT()
    atoms.get_potential_energy()
    atoms.get_stress(voigt=False)
    frames.append(atoms)
write(sys.stdout, frames, format="extxyz")
