#!/usr/bin/env python3
"""Regression: a truncated archive names what was cut, with code `truncated`.

Guards core/src/archive/tar_reader.cpp (TarReader::next: the entry whose data
runs past the end is named, with its declared size; TarReader::start: a cut
gzip/zstd stream is `truncated`, not `corrupt`) and core/src/image/loader.cpp
(a file shorter than one tar header is `truncated`; the "not a tar archive"
prefix only for corrupt input). Before: "cannot read tar header after 4
entries ... Truncated input file" at the archive, or `corrupt` for a cut
compressed archive.
"""
import regress as R
from make_corpus import F, END, gz, legacy, tar, tarbytes, zst, base_layers


def test(t):
    members, info = legacy()
    data, offs = tar(members)
    name, hdr, dat, size = [o for o in offs if o[0].endswith("layer.tar")][1]
    p = t.write("cut-in-layer.tar", data[:dat + size // 2])
    doc, e = t.inspect(p)
    t.check("cut inside a member's data: truncated", e and e["code"] == "truncated", e)
    t.check("... names the member", e and name in e["where"], e)
    t.check("... says how much is declared and present",
            e and str(size) in e["message"] and str(size // 2) in e["message"], e)
    p = t.write("tiny.tar", data[:300])
    doc, e = t.inspect(p)
    t.check("300 bytes (inside the first header): truncated", e and e["code"] == "truncated", e)
    for comp, fn in (("gzip", gz), ("zstd", zst)):
        whole = fn(data)
        p = t.write(f"cut.tar.{comp}", whole[:len(whole) // 2])
        doc, e = t.inspect(p)
        t.check(f"{comp}-compressed archive cut in half: truncated", e and e["code"] == "truncated", e)
        t.check(f"... not called 'not a tar archive'", e and "not a tar archive" not in e["message"], e)
    # Inside a layer: an entry whose size field promises 8 GiB.
    lay = tarbytes([F("small", b"s"), F("liar", b"0123456789", declared=8 << 30)])
    members, info = legacy(base_layers() + [lay])
    doc, e = t.inspect(t.write("liar.tar", tarbytes(members)))
    w = [x for x in t.warnings(doc, "layer-unreadable") if x["where"] == info["layers"][3]]
    t.check("layer entry with an 8 GiB size field: layer unreadable", len(w) == 1, doc and doc["warnings"])
    t.check("... names the entry and its declared size", w and "'liar'" in w[0]["message"] and
            "8589934592" in w[0]["message"], w)
    layer = doc["images"][0]["layers"][3] if doc else {}
    t.check("... layer error is truncated and names member: entry",
            layer.get("error", "").startswith("truncated:") and info["layers"][3] + ": liar" in layer.get("error", ""),
            layer.get("error"))


R.main(test)
