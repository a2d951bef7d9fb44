#!/usr/bin/env python3
"""cache_estimate.py DATA.xyz [float64|float32] [CUTOFF] [MAX_RADIAL] [MAX_ANGULAR]

Estimates the memory the PyTorch reference trainer (torch_soap_bpnn.py) needs
with --cache on DATA.xyz, so that bench/reference/periodic.sh can skip that
mode, with a note, instead of letting it swap or exhaust the machine.
Defaults: float64, cutoff 5 Å, max_radial 7, max_angular 6 (the reference's).

Prints one line of key=value (bytes, except where named):
    stored=  the cache itself: for every structure (training and validation)
             p (n·D) and the dense Jacobian dp/dr (n·D × 3n), i.e. 3·n²·D + n·D
             numbers of the dtype;
    build=   the peak of building the Jacobian of the largest structure
             (torch's forward-mode jacobian, vectorised over the 3n directions,
             holds every intermediate of the descriptor once per direction);
    total=   stored + build + 0.35 GB for the process itself (interpreter,
             torch, data);
    seconds= the time of building the cache of all structures, one thread;
and n_structures, max_atoms, mean_neighbours, descriptor_dim.

The build term is a fit, not a derivation: 3n directions × (P pairs ×
1782 numbers + n atoms × (L+1)·K² + n·D), where 1782 numbers per pair and
direction were measured (peak RSS, /usr/bin/time -v) with torch 1.13 on
rattled fcc Cu (45 neighbours per atom within 5 Å, D = 252): 2.32 GB for
32-atom cells and 22.8 GB for 108-atom cells in float64.  float32 is assumed
to halve every term.  The estimate says whether --cache can fit, not what it
will use; periodic.sh also runs the reference under an address-space limit so
that a wrong estimate fails cleanly.

The time is a fit too, of the same two measurements (2026-12-01, a 2-core AMD
EPYC VM under load from other jobs, so rather high): 4.5 s per 32-atom and
88 s per 108-atom Cu cell in float64, i.e. t = 4.5 s · (x / x32)^1.22 with
x = 3n·P the number of (direction, pair) combinations and x32 = 3·32·1434; a
float32 build took 0.38 of the float64 one in one check, assumed 0.5 here.
It only serves to skip runs that would take far longer than a timeout."""
import sys

import numpy as np
from ase.io import read
from ase.neighborlist import neighbor_list

NUMBERS_PER_PAIR_AND_DIRECTION = 1782  # measured, see above
PROCESS_BYTES = 0.35e9
SECONDS_32_ATOMS, X_32_ATOMS, TIME_EXPONENT = 4.5, 3 * 32 * 1434, 1.22  # measured, see above


def main(path, dtype="float64", cutoff=5.0, max_radial=7, max_angular=6):
    size = {"float64": 8, "float32": 4}[dtype]
    cutoff, nmax, lmax = float(cutoff), int(max_radial) + 1, int(max_angular) + 1
    frames = read(path, ":")
    n_species = len({int(z) for a in frames for z in a.numbers})
    K = n_species * nmax
    D = K * (K + 1) // 2 * lmax
    stored, build, seconds, neighbours, atoms = 0.0, 0.0, 0.0, 0, 0
    for a in frames:
        n = len(a)
        pairs = len(neighbor_list("i", a, cutoff))
        neighbours += pairs
        atoms += n
        stored += (3.0 * n * n * D + n * D) * size
        per_direction = pairs * NUMBERS_PER_PAIR_AND_DIRECTION + n * (lmax * K * K + D)
        build = max(build, 3.0 * n * per_direction * size)
        seconds += SECONDS_32_ATOMS * (3.0 * n * pairs / X_32_ATOMS) ** TIME_EXPONENT
    if size == 4:
        seconds *= 0.5
    print(f"stored={stored:.0f} build={build:.0f} total={stored + build + PROCESS_BYTES:.0f} "
          f"seconds={seconds:.0f} "
          f"n_structures={len(frames)} max_atoms={max(len(a) for a in frames)} "
          f"mean_neighbours={neighbours / max(atoms, 1):.1f} descriptor_dim={D}")


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
