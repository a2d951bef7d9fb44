#!/usr/bin/env python3
"""Independent re-implementation of mtt's split (Philox-4x32-10 shuffle,
metatrain sizes) that writes the golden index files used by test_splits.

Run from this folder: python3 make_golden.py.  The C test compares its
output with these files byte for byte, so a change in the RNG, the stream
keys, the shuffle or the split order is caught.  Not used at run time."""
import math
import os

M64 = (1 << 64) - 1


def philox(ctr, key):
    c = list(ctr)
    k0, k1 = key
    for r in range(10):
        if r:
            k0 = (k0 + 0x9E3779B9) & 0xFFFFFFFF
            k1 = (k1 + 0xBB67AE85) & 0xFFFFFFFF
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & 0xFFFFFFFF, p1 & 0xFFFFFFFF,
             ((p0 >> 32) ^ c[3] ^ k1) & 0xFFFFFFFF, p0 & 0xFFFFFFFF]
    return c


def u64(seed, stream, counter):
    o = philox([counter & 0xFFFFFFFF, counter >> 32, stream & 0xFFFFFFFF, stream >> 32],
               [seed & 0xFFFFFFFF, seed >> 32])
    return o[0] | (o[1] << 32)


def mix64(x):
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    x ^= x >> 31
    return x


def stream_key(a, b):  # small a, b only
    return mix64(((a << 32) | b) & M64)


def shuffle(a, seed, stream):
    counter = 0
    for i in range(len(a), 1, -1):
        threshold = ((1 << 64) - i) % i
        while True:
            r = u64(seed, stream, counter)
            counter += 1
            if r >= threshold:
                break
        j = r % i
        a[i - 1], a[j] = a[j], a[i - 1]


def split(n, v, t, seed):
    pool = list(range(n))
    train_size = 1.0
    train_size -= v
    nv = math.floor(n * (v / (train_size + v)))
    shuffle(pool, seed, stream_key(1, 0))
    val = sorted(pool[n - nv:])
    m = n - nv
    train_size -= t
    nt = math.floor(m * (t / (train_size + t)))
    perm = list(range(m))
    shuffle(perm, seed, stream_key(2, 0))
    pool = [pool[p] for p in perm]
    test = sorted(pool[m - nt:])
    return sorted(pool[:m - nt]), val, test


if __name__ == "__main__":
    out = "n20_v0.2_t0.3_seed42"
    os.makedirs(out, exist_ok=True)
    for name, idx in zip(("training", "validation", "test"), split(20, 0.2, 0.3, 42)):
        with open(os.path.join(out, name + ".txt"), "w") as f:
            f.writelines(f"{i}\n" for i in idx)
