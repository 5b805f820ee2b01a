#!/usr/bin/env python3
"""Regression: memory does not grow with hostile name lengths or warning counts.

Guards core/src/image/loader.cpp: link targets over 4096 bytes are refused
(like paths; since issue 11 the entry is skipped with `entry-over-limit`, the
layer kept); outer members whose name or link target is over 4096
bytes are ignored with one `tar-warning`; warnings of one code are capped at
1000 plus a summary ("… and N more warnings like the above"). Before: every
symlink target was kept whatever its size, and 20,000 `._*` members made
20,000 junk-entry warnings (a million members: a million warnings in memory
and in the JSON).
"""
import regress as R
from make_corpus import F, S, base_layers, legacy, tarbytes


def test(t):
    l = base_layers()
    members, info = legacy(l + [tarbytes([S("long-link", "t/" * 2500)])])
    doc, e = t.inspect(t.write("longlink.tar", tarbytes(members)))
    ws = [x for x in t.warnings(doc, "entry-over-limit") if "link target" in x["message"]]
    t.check("5000-byte symlink target: the entry is refused (entry-over-limit)", len(ws) == 1,
            doc["warnings"] if doc else e)
    members, info = legacy(l)
    doc, e = t.inspect(t.write("longname.tar", tarbytes(members + [F("n" * 5000, b"x")])))
    w = t.warnings(doc, "tar-warning")
    t.check("5000-byte member name: ignored with a tar-warning", doc and len(w) == 1 and "ignored" in w[0]["message"],
            doc["warnings"] if doc else e)
    members, info = legacy(l)
    doc, e = t.inspect(t.write("junk.tar", tarbytes(members + [F("._j%05d" % i, b"") for i in range(3000)])))
    w = t.warnings(doc, "junk-entry")
    t.check("3000 junk members: 1000 warnings + 1 summary", len(w) == 1001, len(w))
    t.check("... the summary counts the rest", w and "2000 more" in w[-1]["message"], w and w[-1])


R.main(test)
