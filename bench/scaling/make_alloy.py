#!/usr/bin/env python3
"""make_alloy.py OUT.xyz [N_STRUCTURES] [SEED] [SIZES] [--species Cu,Ni,Al] [--max-atoms N]

A periodic set of fcc supercells of different sizes, with random occupation
by the given species, strained (2 % random cell deformation) and rattled
(0.05 Å), labelled with ASE's EMT calculator (energy in eV, forces in eV/Å,
stress in eV/Å³), written as extended XYZ with the info keys `energy`,
`stress` and the per-atom array `forces` (what mtt and the PyTorch reference
read).  SIZES: "tiny" (4 to 32 atoms: cells where mtt keeps dense
Jacobians), "small" (default, 32 to 256 atoms) or "large" (128 to 500
atoms, about 300 on average); --max-atoms drops the cells above N atoms.
Needs python3-ase.

Users: bench/scaling/run.sh (defaults: Cu–Ni–Al, small), bench/memory/run.sh
(large) and bench/reference/periodic.sh (EMT Cu, and Cu–Ni–Al up to 108 atoms).
The defaults draw the same random numbers as before the options existed, so
a given N and SEED still give the same file.  With a single species every
site is that species (the occupation draw still happens, to keep the
sequence).  EMT knows Al, Cu, Ag, Au, Ni, Pd, Pt (and H, C, N, O roughly)."""
import sys

import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.io import write

SHAPES = {  # supercells of the 4-atom cubic cell
    "tiny": [(1, 1, 1), (1, 1, 2), (1, 2, 2), (2, 2, 2)],
    "small": [(2, 2, 2), (2, 2, 3), (2, 3, 3), (3, 3, 3), (3, 3, 4), (4, 4, 4)],
    "large": [(2, 4, 4), (3, 4, 4), (4, 4, 4), (4, 4, 5), (4, 5, 5), (5, 5, 5)],
}
DEFAULT_SPECIES = ["Cu", "Ni", "Al"]
DEFAULT_WEIGHTS = [0.5, 0.3, 0.2]


def main(out, n=150, seed=1, sizes="small", species=None, max_atoms=None):
    n, rng = int(n), np.random.default_rng(int(seed))
    if sizes not in SHAPES:
        raise SystemExit(f"make_alloy.py: SIZES is one of {', '.join(SHAPES)}, not {sizes!r}")
    species = species or DEFAULT_SPECIES
    weights = DEFAULT_WEIGHTS if species == DEFAULT_SPECIES else None  # None: uniform
    atoms_of = lambda s: 4 * s[0] * s[1] * s[2]
    shapes = [s for s in SHAPES[sizes] if max_atoms is None or atoms_of(s) <= int(max_atoms)]
    if not shapes:
        raise SystemExit(f"make_alloy.py: --max-atoms {max_atoms} is below the smallest "
                         f"{sizes} cell ({min(atoms_of(s) for s in SHAPES[sizes])} atoms)")
    frames, atoms_total = [], 0
    for i in range(n):
        reps = shapes[rng.integers(len(shapes))]
        a = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(reps)
        a.set_chemical_symbols(rng.choice(species, size=len(a), p=weights))
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
    print(f"{out}: {n} structures, {atoms_total} atoms, species {','.join(species)}, "
          f"cells of {min(map(atoms_of, shapes))}-{max(map(atoms_of, shapes))} atoms")


def parse(argv):
    positional, options = [], {}
    k = 0
    while k < len(argv):
        if argv[k] in ("--species", "--max-atoms") and k + 1 < len(argv):
            key = argv[k][2:].replace("-", "_")
            options[key] = argv[k + 1].split(",") if key == "species" else argv[k + 1]
            k += 2
        elif argv[k].startswith("--"):
            raise SystemExit(f"make_alloy.py: unknown option {argv[k]}\n{__doc__}")
        else:
            positional.append(argv[k])
            k += 1
    if not 1 <= len(positional) <= 4:
        raise SystemExit(__doc__)
    return positional, options


if __name__ == "__main__":
    args, opts = parse(sys.argv[1:])
    main(*args, **opts)
