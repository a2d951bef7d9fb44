#!/usr/bin/env python3
"""model.py — projected parallel efficiency of mtt's data-parallel training
at P = 64, 512, 4096 ranks, from two measurements on this machine and stated
network parameters of a cluster.  Standard library and numpy only.

    python3 bench/scaling/model.py --collectives allreduce.txt \\
        --steps ethanol=steps.txt --steps large=steps_256.txt \\
        [--global-batch 1024] [--rank-batch 8] [--link-gbit 100] [--latency-us 2]

Inputs
  --collectives  output of bench/allreduce/run.sh (2 ranks): the rs+ag rows
                 give this machine's latency α and inverse bandwidth β.
  --steps        NAME=FILE, output of bench/scaling/step_vs_batch.sh: compute
                 per step vs structures per step on one rank, fitted as
                 t(b) = t0 + b·t1, plus Adam per step; "# params N" is the
                 length n of the gradient.  Repeatable (one model each).

Model of one step on P ranks, per-rank batch b (mtt's sharded update:
a reduce-scatter of the gradient that also carries the step's few scalars,
Adam on 1/P of the parameters, an all-gather of the parameters; the global
counts of every step come from one allreduce per epoch, not counted):
  compute(P, b) = t0 + b·t1 + adam/P                 (adam whole at P = 1)
  ring(P)       = 2(P−1) α + 2(P−1)/P · 8n B·β        ring reduce-scatter + all-gather
  halving(P)    = 2⌈log2 P⌉ α + 2(P−1)/P · 8n B·β     recursive halving + doubling
  comm(P)       = min(ring, halving)                  (an MPI library picks per size)
No overlap of communication and compute (mtt has none), no contention,
no load imbalance: an upper bound on the efficiency.
  strong: global batch B fixed, b = ⌈B/P⌉;  E = T(1, B) / (P · T(P, ⌈B/P⌉))
  weak:   b fixed;                         E = T(1, b) / T(P, b)
Strong scaling ends where b would drop below one structure (P > B) or
where comm(P) exceeds compute(P, ⌈B/P⌉).  Weak-scaling E can exceed 1:
Adam's share shrinks as 1/P.
"""
import argparse
import math

import numpy as np

RANKS = (64, 512, 4096)


def read_steps(spec):
    name, _, path = spec.partition("=")
    if not path:
        raise SystemExit(f"model.py: --steps wants NAME=FILE, got {spec!r}")
    params, rows = None, []
    for line in open(path):
        if line.startswith("# params"):
            params = int(line.split()[2])
        elif line.strip() and not line.startswith("#"):
            rows.append([float(v) for v in line.split()])
    if params is None or len(rows) < 2:
        raise SystemExit(f"{path}: needs a '# params N' line and at least two batch sizes")
    rows = np.array(rows)
    per_step, compute, adam = rows[:, 1], rows[:, 3], rows[:, 4]
    t1, t0 = np.polyfit(per_step, compute, 1)
    residual = np.max(np.abs(t0 + t1 * per_step - compute) / compute)
    return dict(name=name, n=params, t0=max(t0, 0.0), t1=t1, adam=float(np.median(adam)),
                residual=residual, sizes=len(rows))


def read_collectives(path):
    """α, β of the rs+ag rows (ring model): β from the slope over ≥ 256 KiB,
    then α from the median of messages ≤ 512 B less their bandwidth term."""
    ranks, rows = 2, []
    for line in open(path):
        if line.startswith("# bench_allreduce:"):
            ranks = int(line.split()[2])
        elif line.startswith("rs+ag"):
            f = line.split()
            rows.append((float(f[1]), float(f[4]) * 1e-6))
    if not rows:
        raise SystemExit(f"{path}: no rs+ag rows (output of bench/allreduce/run.sh?)")
    b, t = np.array(rows).T
    p = ranks
    small, large = b <= 512, b >= 256 * 1024
    if not small.any() or large.sum() < 2:
        raise SystemExit(f"{path}: needs rs+ag rows of <= 512 B and two of >= 256 KiB")
    volume = 2 * (p - 1) / p  # bytes through each rank's link per byte of the vector
    beta = float(np.polyfit(b[large], t[large], 1)[0]) / volume
    alpha = float(np.median(t[small] - volume * b[small] * beta)) / (2 * (p - 1))
    return alpha, beta, p


def comm(p, n, alpha, beta):
    if p == 1:
        return 0.0
    lg = math.ceil(math.log2(p))
    volume = 2 * (p - 1) / p * 8 * n * beta
    return min(2 * (p - 1) * alpha, 2 * lg * alpha) + volume


def compute(m, p, b):
    return m["t0"] + b * m["t1"] + m["adam"] / p


def strong_end(m, big_b, alpha, beta):
    """Smallest P at which communication exceeds compute (None up to P = B)."""
    for p in range(2, big_b + 1):
        if comm(p, m["n"], alpha, beta) > compute(m, p, math.ceil(big_b / p)):
            return p
    return None


def report(m, networks, big_b, b):
    ms = 1e3
    print(f"== {m['name']}: {m['n']:,} parameters ({8 * m['n'] / 1e6:.2f} MB gradient)")
    print(f"compute per step t(b) = {m['t0'] * ms:.3f} ms + b × {m['t1'] * ms:.3f} ms "
          f"({m['sizes']} batch sizes, largest relative residual {100 * m['residual']:.0f}%); "
          f"Adam {m['adam'] * ms:.3f} ms per step, ÷P when sharded")
    for label, (alpha, beta) in networks.items():
        one = compute(m, 1, big_b)
        print(f"-- network: {label}")
        print(f"   strong scaling, global batch {big_b} structures:")
        print("        P  b/rank  compute ms  comm ms  efficiency")
        for p in RANKS:
            if p > big_b:
                print(f"   {p:6d}      <1          —        —  ended (fewer structures than ranks)")
                continue
            bp = math.ceil(big_b / p)
            c, k = compute(m, p, bp), comm(p, m["n"], alpha, beta)
            print(f"   {p:6d} {bp:7d} {c * ms:11.3f} {k * ms:8.3f}  {one / (p * (c + k)):10.3f}")
        end = strong_end(m, big_b, alpha, beta)
        where = f"communication > compute from P = {end}" if end else \
            f"communication < compute up to P = {big_b}"
        print(f"   strong scaling ends: per-rank batch < 1 beyond P = {big_b}; {where}")
        one = compute(m, 1, b)
        print(f"   weak scaling, {b} structures per rank:")
        print("        P  compute ms  comm ms  comm/compute  efficiency")
        for p in RANKS:
            c, k = compute(m, p, b), comm(p, m["n"], alpha, beta)
            print(f"   {p:6d} {c * ms:11.3f} {k * ms:8.3f} {k / c:13.3f}  {one / (c + k):10.3f}")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--collectives", required=True)
    ap.add_argument("--steps", action="append", required=True)
    ap.add_argument("--global-batch", type=int, default=1024, help="strong scaling B")
    ap.add_argument("--rank-batch", type=int, default=8, help="weak scaling b per rank")
    ap.add_argument("--link-gbit", type=float, default=100.0, help="cluster link, Gb/s")
    ap.add_argument("--latency-us", type=float, default=2.0, help="cluster latency α, µs")
    a = ap.parse_args()
    alpha_m, beta_m, p_m = read_collectives(a.collectives)
    beta_c = 8 / (a.link_gbit * 1e9)
    print(f"cluster (stated): α = {a.latency_us:.2f} µs, β = {beta_c * 1e9:.4f} ns/B "
          f"({a.link_gbit:g} Gb/s)")
    print(f"this machine ({p_m} ranks, rs+ag fit): α = {alpha_m * 1e6:.2f} µs, "
          f"β = {beta_m * 1e9:.4f} ns/B ({1 / beta_m / 1e9:.2f} GB/s)")
    print()
    networks = {f"cluster ({a.link_gbit:g} Gb/s, {a.latency_us:g} µs)": (a.latency_us * 1e-6, beta_c),
                "this machine's α, β at every P": (alpha_m, beta_m)}
    for spec in a.steps:
        report(read_steps(spec), networks, a.global_batch, a.rank_batch)


if __name__ == "__main__":
    main()
