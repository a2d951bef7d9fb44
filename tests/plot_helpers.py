#!/usr/bin/env python3
"""plot_helpers.py — small tools for tests/test_plot.sh (standard library
and numpy only).

    plot_helpers.py png-size FILE              print WIDTHxHEIGHT of a PNG
    plot_helpers.py perturb IN OUT SEED [--stress]
        copy an extended-XYZ file with noise added to energy=, the forces
        columns (and stress=), as a stand-in for mtt eval's predictions
    plot_helpers.py metrics PRED REF            print the RMSE/MAE lines
        computed here independently (energy per atom, force components)
    plot_helpers.py compare EVAL_OUT PLOT_OUT  every "<q> RMSE/MAE...: x"
        number printed by mtt eval equals mtt-plot's to the printed digits
"""
import re
import struct
import sys


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise SystemExit("%s: not a PNG" % path)
    w, h = struct.unpack(">II", head[16:24])
    print("%dx%d" % (w, h))


def frames(path):
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        n = int(lines[i])
        yield n, lines[i + 1], lines[i + 2:i + 2 + n]
        i += 2 + n


def perturb(src, dst, seed, stress):
    import numpy as np
    rng = np.random.default_rng(int(seed))
    out = []
    for n, comment, atoms in frames(src):
        out.append(str(n))

        def energy(m):
            return "energy=%.10f" % (float(m.group(1)) + rng.normal() * 0.01 * n)
        comment = re.sub(r"energy=(\S+)", energy, comment)
        if stress:
            def noisy(m):
                v = [float(x) + rng.normal() * 1e-3 for x in m.group(1).split()]
                return 'stress="%s"' % " ".join("%.10g" % x for x in v)
            comment = re.sub(r'stress="([^"]*)"', noisy, comment)
        out.append(comment)
        for a in atoms:
            f = a.split()
            f[4:7] = ["%.10f" % (float(x) + rng.normal() * 0.05) for x in f[4:7]]
            out.append(" ".join(f))
    open(dst, "w").write("\n".join(out) + "\n")


def metrics(pred, ref):
    """Straight from the definitions, without mtt_plot's code."""
    import math
    de, df = [], []
    for (n, cp, ap), (_, cr, ar) in zip(frames(pred), frames(ref)):
        ep = float(re.search(r"energy=(\S+)", cp).group(1))
        er = float(re.search(r"energy=(\S+)", cr).group(1))
        de.append((ep - er) / n)
        for a, b in zip(ap, ar):
            df += [float(x) - float(y) for x, y in zip(a.split()[4:7], b.split()[4:7])]
    for q, d, per in (("energy", de, " (per atom)"), ("forces", df, "")):
        rmse = math.sqrt(sum(x * x for x in d) / len(d))
        mae = sum(abs(x) for x in d) / len(d)
        print("%s RMSE%s: %.6g | %s MAE%s: %.6g" % (q, per, rmse, q, per, mae))


NUMBER = re.compile(r"\b(energy|forces|stress|virial) (RMSE|MAE)( \(per atom\))?:\s*"
                    r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)")


def printed(path):
    """{(quantity, RMSE/MAE): (value, half a unit of its last digit)}."""
    found = {}
    for m in NUMBER.finditer(open(path).read()):
        text = m.group(4)
        mant = text.lower().split("e")
        exp = int(mant[1]) if len(mant) > 1 else 0
        decimals = len(mant[0].split(".")[1]) if "." in mant[0] else 0
        found[(m.group(1), m.group(2))] = (float(text), 0.5 * 10.0 ** (exp - decimals))
    return found


def compare(eval_out, plot_out):
    ev, pl = printed(eval_out), printed(plot_out)
    if not ev:
        raise SystemExit("no RMSE/MAE numbers found in %s" % eval_out)
    bad = []
    for key, (v, half) in ev.items():
        if key not in pl:
            bad.append("%s %s: mtt eval prints %g, mtt-plot shows nothing" % (key[0], key[1], v))
            continue
        w, half_w = pl[key]
        if abs(v - w) > max(half, half_w) * (1 + 1e-9):
            bad.append("%s %s: mtt eval %r, mtt-plot %r" % (key[0], key[1], v, w))
    if bad:
        raise SystemExit("; ".join(bad))
    print("%d numbers agree" % len(ev))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "png-size":
        png_size(args[0])
    elif cmd == "perturb":
        perturb(args[0], args[1], args[2], "--stress" in args[3:])
    elif cmd == "metrics":
        metrics(args[0], args[1])
    elif cmd == "compare":
        compare(args[0], args[1])
    else:
        raise SystemExit("unknown command %s" % cmd)
