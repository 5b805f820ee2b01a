#!/usr/bin/env python3
"""Regression: gzip layers — damaged ones are caught, empty and multi-member ones are read.

Guards core/src/archive/layer_stream.cpp: (1) check_gzip_trailer — libarchive's
gzip reader skips the CRC-32/ISIZE trailer unchecked, so a bit flipped in a
gzip layer decoded to wrong file contents with no warning at all (only
--verify noticed); now `layer-unreadable` "gzip CRC-32 mismatch". (2)
format_empty — a gzip stream of zero bytes is an empty layer, not
"Unrecognized archive format". Multi-member gzip (not checkable by the
trailer) and trailing bytes after the stream must not be flagged.
"""
import gzip
import json

import regress as R
from make_corpus import DATA, base_layers, blobp, gz, hexof, oci, tar, tarbytes


def test(t):
    l = base_layers()
    members, info = oci(l)
    data, offs = tar(members)
    p0 = blobp(info["layers"][0])
    name, hdr, d, s = [o for o in offs if o[0] == p0][0]
    for label, pos in (("middle of the deflate data", d + s // 2), ("CRC-32 trailer", d + s - 6)):
        x = bytearray(data)
        x[pos] ^= 0x04
        doc, e = t.inspect(t.write("flip.tar", bytes(x)))
        w = [w for w in t.warnings(doc, "layer-unreadable") if w["where"] == p0]
        t.check(f"bit flipped in the {label}: layer-unreadable", len(w) == 1, doc and doc["warnings"])
        t.check("... says corrupt", w and w[0]["message"].startswith("corrupt:"), w)
    for label, blob in (("gzip of zero bytes", gz(b"")),
                        ("two gzip members", gzip.compress(l[2][:1024], mtime=0) + gzip.compress(l[2][1024:], mtime=0)),
                        ("trailing bytes after the gzip stream", gz(l[2]) + b"\0" * 100)):
        members, info = oci(l, stored=[gz(l[0]), gz(l[1]), blob], comps=("gzip", "gzip", "gzip"))
        p = t.write("ok.tar", tarbytes(members))
        doc, e = t.inspect(p)
        t.check(f"{label}: no warning", doc is not None and doc["warnings"] == [], doc["warnings"] if doc else e)
        layer = doc["images"][0]["layers"][2] if doc else {}
        want = 0 if label.startswith("gzip of zero") else 1
        t.check(f"... layer readable with {want} entries", layer.get("entries") == want and "error" not in layer,
                layer)
    rc, out, err = t.run("cat", p, "app/data.bin")
    t.check("files of the other layers read back", rc == 0 and hexof(out) == hexof(DATA), err)


R.main(test)
