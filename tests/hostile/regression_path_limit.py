#!/usr/bin/env python3
"""Regression: entry paths over 4096 bytes (PATH_MAX) are refused, naming the entry.

Guards core/src/tree/layer_index.cpp (Limits::max_path_bytes: since issue 11 the
entry is skipped with an `entry-over-limit` warning at "<member>: <entry>" and the
layer keeps its other entries). Before: a 10,000-deep path was indexed, and
listing it wrote every implicit parent with its full path (quadratic output:
100 MB of listing from a 20 KB header).
"""
import regress as R
from make_corpus import D, F, base_layers, legacy, tarbytes


def test(t):
    l = base_layers()
    deep = "/".join(["d"] * 10000) + "/bottom.txt"
    lay = tarbytes([F(deep, b"x"), F("ok.txt", b"ok")])
    members, info = legacy(l + [lay])
    doc, e = t.inspect(t.write("deep.tar", tarbytes(members)))
    t.check("10,000-deep path: archive opens", doc is not None, e)
    layer = doc["images"][0]["layers"][3] if doc else {}
    t.check("... the layer is kept with its other entry", layer.get("entries") == 1 and "error" not in layer, layer)
    ws = [x for x in (doc or {}).get("warnings", []) if x["code"] == "entry-over-limit"]
    t.check("... the entry is skipped with entry-over-limit", len(ws) == 1, (doc or {}).get("warnings"))
    w = ws[0] if ws else {"where": "", "message": ""}
    t.check("... naming the member and the entry", info["layers"][3] in w["where"] and "d/d/d" in w["where"], w)
    t.check("... and the byte limit", "4096" in w["message"], w)
    rc, out, _ = t.run("cat", t.tmp + "/deep.tar", "etc/hostname")
    t.check("... lower layers still readable", rc == 0 and out == b"modified\n", (rc, out))
    okpath = "/".join(["e"] * 2000)  # 3999 bytes
    lay = tarbytes([D(okpath + "/"), F(okpath + "/f", b"f")])
    doc, e = t.inspect(t.write("deep-ok.tar", tarbytes(legacy(l + [lay])[0])))
    t.check("a 4001-byte path within the limit: indexed", doc and "error" not in doc["images"][0]["layers"][3],
            doc and doc["images"][0]["layers"][3].get("error"))


R.main(test)
