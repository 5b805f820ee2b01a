#!/usr/bin/env python3
"""corrupt.py SRC DST VARIANTS SEED: for every file of SRC, write VARIANTS damaged copies to DST
(a bit flipped, a byte replaced, cut short, or 2-10 bytes replaced), deterministically."""
import os
import random
import sys

src, dst, variants, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    data = open(os.path.join(src, name), "rb").read()
    for k in range(variants):
        x = bytearray(data)
        kind = rng.choice(["flip", "byte", "cut", "bytes"])
        if kind == "flip" and x:
            x[rng.randrange(len(x))] ^= 1 << rng.randrange(8)
        elif kind == "byte" and x:
            x[rng.randrange(len(x))] = rng.randrange(256)
        elif kind == "cut" and len(x) > 1:
            del x[rng.randrange(1, len(x)):]
        else:
            for _ in range(rng.randint(2, 10)):
                if x:
                    x[rng.randrange(len(x))] = rng.randrange(256)
        with open(os.path.join(dst, f"{name}.{k}"), "wb") as f:
            f.write(bytes(x))
