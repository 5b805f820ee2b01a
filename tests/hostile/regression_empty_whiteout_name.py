#!/usr/bin/env python3
"""Regression: a whiteout marker that names nothing deletes nothing.

Guards core/src/image/loader.cpp (index_layer: `dir/.wh.`, `dir/.wh..` and
`dir/.wh...` whiteout "", "." and ".."; they are ignored). Before: `bin/.wh.`
deleted `bin` itself (the empty name joined to "bin/" interned as "bin").
"""
import regress as R
from make_corpus import F, base_layers, legacy, tarbytes
import json


def test(t):
    l = base_layers()
    lay = tarbytes([F("bin/.wh."), F("etc/.wh.."), F("app/.wh..."), F("new", b"n")])
    p = t.write("wh.tar", tarbytes(legacy(l + [lay])[0]))
    rc, out, err = t.run("ls", p, "--merged", "--json")
    paths = {e["path"] for e in json.loads(out)["entries"]} if rc == 0 else set()
    for keep in ("bin", "bin/busybox", "etc/hostname", "app/data.bin", "new"):
        t.check(f"{keep} is still there", keep in paths, sorted(paths)[:20])
    doc, e = t.inspect(p)
    t.check("no whiteouts recorded for the layer", doc and doc["images"][0]["layers"][3]["whiteouts"] == [],
            doc and doc["images"][0]["layers"][3]["whiteouts"])


R.main(test)
