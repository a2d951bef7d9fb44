#!/usr/bin/env python3
"""relabel.py IN.xyz OUT.xyz SCALE SHIFT_PER_ATOM — the same structures
labelled differently: energy' = SCALE * energy + SHIFT_PER_ATOM * atoms,
forces' = SCALE * forces (consistent: F = -dE/dr).  For fine-tuning tests;
handles the `Properties=species:S:1:pos:R:3:forces:R:3 energy=...` layout."""
import re
import sys


def main(src, dst, scale, shift):
    scale, shift = float(scale), float(shift)
    lines = open(src).read().splitlines()
    out, i = [], 0
    while i < len(lines):
        n = int(lines[i])
        info = lines[i + 1]
        m = re.search(r"energy=(\S+)", info)
        e = scale * float(m.group(1)) + shift * n
        out += [lines[i], info[: m.start(1)] + repr(e) + info[m.end(1):]]
        for a in lines[i + 2: i + 2 + n]:
            f = a.split()
            f[4:7] = [repr(scale * float(x)) for x in f[4:7]]
            out.append(" ".join(f))
        i += 2 + n
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
