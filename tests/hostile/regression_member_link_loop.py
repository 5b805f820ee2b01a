#!/usr/bin/env python3
"""Regression: links between outer members that loop or dangle are named as such.

Guards core/src/image/loader.cpp (unresolved_member: `corrupt` "links between
archive members form a loop", `not-found` "member is a link to '…', which the
archive does not hold"; blob_for's missing-blob warning says why). Before:
"no such member in the archive" for a manifest.json that is right there, and a
looping layer member reported as "not stored in the archive". Never reads the
host: a link to ../../etc/passwd is looked up inside the archive only.
"""
import regress as R
from make_corpus import H, S, legacy, tarbytes


def test(t):
    members, info = legacy()
    base = [m for m in members if m.name != b"manifest.json"]
    doc, e = t.inspect(t.write("loop.tar", tarbytes(base + [S("manifest.json", "a"), S("a", "manifest.json")])))
    t.check("manifest.json -> a -> manifest.json: corrupt", e and e["code"] == "corrupt", e)
    t.check("... says loop, at manifest.json", e and "loop" in e["message"] and e["where"] == "manifest.json", e)
    doc, e = t.inspect(t.write("escape.tar", tarbytes(base + [S("manifest.json", "../../../../etc/passwd")])))
    t.check("manifest.json -> ../../../../etc/passwd: not-found inside the archive",
            e and e["code"] == "not-found" and "etc/passwd" in e["message"], e)
    lp = info["layers"][0]
    members2 = [m for m in members if m.name != lp.encode()] + [H(lp, "x"), H("x", lp)]
    doc, e = t.inspect(t.write("layer-loop.tar", tarbytes(members2)))
    w = t.warnings(doc, "missing-blob")
    t.check("a layer member in a hardlink loop: missing-blob saying loop", w and "loop" in w[0]["message"], w or e)


R.main(test)
