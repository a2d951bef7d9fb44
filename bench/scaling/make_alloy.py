#!/usr/bin/env python3
"""make_alloy.py OUT.xyz [N_STRUCTURES] [SEED] [SIZES] — a periodic Cu–Ni–Al
set of structures of different sizes (fcc supercells, random occupation,
strained and rattled), labelled with ASE's EMT calculator (energy, forces,
stress), for the scaling and memory benchmarks.  SIZES: "small" (default,
32 to 256 atoms, bench/scaling/run.sh) or "large" (128 to 500 atoms, about
300 on average, bench/memory/run.sh).  Needs python3-ase."""
import sys

import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.io import write


SHAPES = {
    "small": [(2, 2, 2), (2, 2, 3), (2, 3, 3), (3, 3, 3), (3, 3, 4), (4, 4, 4)],
    "large": [(2, 4, 4), (3, 4, 4), (4, 4, 4), (4, 4, 5), (4, 5, 5), (5, 5, 5)],
}


def main(out, n=150, seed=1, sizes="small"):
    n, rng = int(n), np.random.default_rng(int(seed))
    if sizes not in SHAPES:
        raise SystemExit(f"make_alloy.py: SIZES is one of {', '.join(SHAPES)}, not {sizes!r}")
    shapes = SHAPES[sizes]
    frames, atoms_total = [], 0
    for i in range(n):
        reps = shapes[rng.integers(len(shapes))]
        a = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(reps)
        a.set_chemical_symbols(rng.choice(["Cu", "Ni", "Al"], size=len(a), p=[0.5, 0.3, 0.2]))
        strain = np.eye(3) + 0.02 * rng.standard_normal((3, 3))
        a.set_cell(a.cell[:] @ strain, scale_atoms=True)
        a.rattle(0.05, seed=int(rng.integers(1 << 30)))
        a.calc = EMT()
        e, f, s = a.get_potential_energy(), a.get_forces(), a.get_stress(voigt=False)
        a.calc = None
        a.info["energy"] = e
        a.info["stress"] = s
        a.arrays["forces"] = f
        frames.append(a)
        atoms_total += len(a)
    write(out, frames, format="extxyz")
    print(f"{out}: {n} structures, {atoms_total} atoms")


if __name__ == "__main__":
    main(*sys.argv[1:])
