#!/usr/bin/env python3
"""Writes a docker-archive (legacy layout) of 4.5 GiB that costs ~12 KB of disk: its one
layer holds a 4.5 GiB file of zeros written as a hole (sparse file), followed by a small
file, so every header after it sits past 4 GiB. Independent of layerscope: the tar
headers come from Python's tarfile, the diff_id from hashlib over the same bytes.

With --gzip the layer is stored gzip-compressed (~21 MB): its uncompressed stream,
and so every entry offset inside it, passes 4 GiB while the archive itself is small.

usage: make_huge.py [--gzip] OUT.tar      prints the facts as JSON (for huge_test.py)
"""
import hashlib
import json
import os
import sys
import tarfile
import zlib

BIG = (4 << 30) + (512 << 20)  # past 2^32: 32-bit offsets or sizes would wrap
TAIL = b"hello from past 4 GiB\n"


def hdr(name, size):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode = size, 1700000000, 0o644
    return ti.tobuf(format=tarfile.PAX_FORMAT)


def pad(n):
    return b"\0" * ((-n) % 512)


def layer_parts():
    """The layer tar as pieces: bytes, or an int for a run of that many zero bytes."""
    return [hdr("big.bin", BIG), BIG, hdr("after/tail.txt", len(TAIL)), TAIL + pad(len(TAIL)), b"\0" * 1024]


def size_of(parts):
    return sum(p if isinstance(p, int) else len(p) for p in parts)


def chunks(parts, zeros=b"\0" * (8 << 20)):
    """The layer's bytes, zero runs expanded piecewise."""
    for p in parts:
        if isinstance(p, int):
            n = p
            while n:
                k = min(n, len(zeros))
                yield zeros[:k]
                n -= k
        else:
            yield p


def diff_id_and_gzip(parts, gz):
    """The layer's diff_id and, with gz, its gzip stream: one pass over the 4.5 GiB."""
    h = hashlib.sha256()
    c = zlib.compressobj(1, zlib.DEFLATED, 31) if gz else None
    out = []
    for b in chunks(parts):
        h.update(b)
        if c:
            out.append(c.compress(b))
    return "sha256:" + h.hexdigest(), (b"".join(out) + c.flush()) if c else None


def main(out, gz=False):
    lp = layer_parts()
    lsize_unc = size_of(lp)
    diff, gzipped = diff_id_and_gzip(lp, gz)
    stored = [gzipped] if gz else lp
    lsize = size_of(stored)
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "created": "2024-05-01T10:00:00Z",
                      "rootfs": {"type": "layers", "diff_ids": [diff]},
                      "history": [{"created_by": "a 4.5 GiB file, then a small one"}], "config": {}}).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    layer_name = "l/layer.tar.gz" if gz else "l/layer.tar"
    man = json.dumps([{"Config": cfg_name, "RepoTags": ["huge:1"], "Layers": [layer_name]}]).encode()
    with open(out, "wb") as f:
        for name, data in [("manifest.json", man), (cfg_name, cfg)]:
            f.write(hdr(name, len(data)) + data + pad(len(data)))
        f.write(hdr(layer_name, lsize))
        for p in stored:
            if isinstance(p, int):
                f.seek(p, os.SEEK_CUR)  # a hole: reads back as zeros
            else:
                f.write(p)
        f.write(pad(lsize) + b"\0" * 1024)
        size = f.tell()
    print(json.dumps({"archive": out, "size": size, "layer_size": lsize, "layer_uncompressed": lsize_unc,
                      "compression": "gzip" if gz else "none", "diff_id": diff, "big": BIG,
                      "tail": TAIL.decode()}))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[-1], "--gzip" in args)
