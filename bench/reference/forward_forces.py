#!/usr/bin/env python3
"""forward_forces.py — the PyTorch reference's energy + forces (forward pass and
autograd), µs per atom, one structure per call as libmtt computes them, for
the comparison tables of docs/performance.md.  Development only: needs the
reference implementation (default ../shared/reference next to this checkout,
or MTT_REFERENCE) and Debian's python3-torch python3-scipy python3-ase; mtt
never depends on it.

    /usr/bin/python3 bench/reference/forward_forces.py [REPEATS]

Cases (the same structures as bench/libmtt and bench/md):
  ethanol   the 100 molecules of examples/ethanol, default hyperparameters
            (cutoff 5, max_radial 7, max_angular 6, 2 x 32 neurons, layer norm);
  cell1125  125 copies of the first ethanol molecule on a 5 A grid in a
            periodic 25 A cube (1125 atoms);
  cu1372    fcc Cu, a = 3.6 A, 7 x 7 x 7 cubic cells (1372 atoms), the MD case,
            with examples/copper's hyperparameters (cutoff 4.5, max_radial 5,
            max_angular 4, 2 x 32 neurons).
One torch thread (torch.set_num_threads(1)); float64; untrained weights (the
cost does not depend on them).  Prints the median over REPEATS passes.
"""
import os
import statistics
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
REF = os.environ.get("MTT_REFERENCE", os.path.join(TOP, "..", "shared", "reference"))
sys.path.insert(0, REF)

import ase.io  # noqa: E402
import torch  # noqa: E402
from ase.build import bulk  # noqa: E402

import torch_soap_bpnn as ref  # noqa: E402


def structures():
    eth = ase.io.read(os.path.join(TOP, "examples", "ethanol", "ethanol_reduced_100.xyz"), ":")
    first = eth[0].copy()
    copies = []
    for i in range(5):
        for j in range(5):
            for k in range(5):
                c = first.copy()
                c.positions += 5.0 * np.array([i, j, k])
                copies.append(c)
    cell = copies[0]
    for c in copies[1:]:
        cell += c
    cell.set_cell([25.0, 25.0, 25.0])
    cell.pbc = True
    cu = bulk("Cu", "fcc", a=3.6, cubic=True).repeat((7, 7, 7))
    for a in [cell, cu] + eth:
        a.info["energy"] = 0.0
        a.arrays["forces"] = np.zeros((len(a), 3))
    # the copper case with the hyperparameters of examples/copper (the MD benchmark's model)
    cu_hypers = ["--cutoff", "4.5", "--max-radial", "5", "--max-angular", "4"]
    return {"ethanol": (eth, []), "cell1125": ([cell], []), "cu1372": ([cu], cu_hypers)}


def time_case(frames, repeats, extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "x.xyz")
        ase.io.write(path, frames, format="extxyz")
        args = ref.parse_args([path] + extra)
        data, species = ref.load_dataset(path, "energy", "forces", args.cutoff, torch.float64)
    torch.manual_seed(0)
    model = ref.SoapBpnn(len(species), args, torch.float64)
    batches = [ref.collate([s], len(species)) for s in data]
    atoms = sum(s["n"] for s in data)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for b in batches:
            model.predict(b)
        times.append(time.perf_counter() - t0)
    return 1e6 * statistics.median(times) / atoms, atoms


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.set_num_threads(1)
    print(f"# PyTorch reference {torch.__version__}, forward + autograd forces, one thread, "
          f"float64, median of {repeats}")
    for name, (frames, extra) in structures().items():
        us, atoms = time_case(frames, repeats, extra)
        print(f"{name}: {atoms} atoms, {us:.1f} us per atom")


if __name__ == "__main__":
    main()
