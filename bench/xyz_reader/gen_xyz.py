#!/usr/bin/python3
"""gen_xyz.py — write a periodic extended-XYZ benchmark file the way ASE does.

Usage: gen_xyz.py OUT.xyz [MEGABYTES=110]
Frames of 64 atoms (Si, O, H) in a triclinic cell, with energy, 9-number
stress, pbc and per-atom forces, formatted like ase.io.write(format="extxyz")
(species %-2s, then "%16.8f" columns; energy and stress with repr()).
Python standard library only; deterministic (seed 0).
"""
import random
import sys


def main():
    out = sys.argv[1]
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 110.0
    target = int(megabytes * 1e6)
    rng = random.Random(0)
    species = ["Si", "O", "O", "H"]
    n_atoms = 64
    written = 0
    with open(out, "w") as f:
        while written < target:
            a = 9.0 + rng.random()
            cell = [a, 0.0, 0.0, 0.3, a, 0.0, 0.1, 0.2, a]
            stress = [rng.uniform(-0.01, 0.01) for _ in range(9)]
            energy = rng.uniform(-400.0, -300.0)
            lines = [str(n_atoms),
                     'Lattice="%s" Properties=species:S:1:pos:R:3:forces:R:3 '
                     'energy=%r stress="%s" pbc="T T T"'
                     % (" ".join(repr(x) for x in cell), energy,
                        " ".join(repr(x) for x in stress))]
            for i in range(n_atoms):
                p = [rng.uniform(0.0, a) for _ in range(3)]
                fr = [rng.gauss(0.0, 1.0) for _ in range(3)]
                lines.append("%-2s %16.8f %16.8f %16.8f %16.8f %16.8f %16.8f"
                             % (species[i % 4], *p, *fr))
            text = "\n".join(lines) + "\n"
            f.write(text)
            written += len(text)
    print("%s: %.1f MB" % (out, written / 1e6))


if __name__ == "__main__":
    main()
