#!/usr/bin/env python3
"""Regression: an archive cut exactly between two members is not "not an image".

Guards core/src/image/loader.cpp (load_archive: the end-of-archive marker is
checked; without it a missing manifest means `truncated`, and an image that
opens anyway carries a `tar-warning`; a tail of only zero bytes after the last
member is an incomplete marker, not lost data). Before: `not-an-image`
("no image found") for a docker save cut at a member boundary, and a silent
success when only `repositories` was lost.
"""
import regress as R
from make_corpus import legacy, tar, END


def test(t):
    data, offs = tar(legacy()[0])
    man = [o for o in offs if o[0] == "manifest.json"][0]
    p = t.write("before-manifest.tar", data[:man[1]])
    doc, e = t.inspect(p)
    t.check("cut before manifest.json's header: truncated, not not-an-image", e and e["code"] == "truncated", e)
    t.check("... says the end-of-archive marker is missing", e and "end-of-archive marker" in e["message"], e)
    rep = [o for o in offs if o[0] == "repositories"][0]
    doc, e = t.inspect(t.write("before-repositories.tar", data[:rep[1]]))
    t.check("cut before `repositories`: opens", doc is not None, e)
    w = t.warnings(doc, "tar-warning")
    t.check("... with a tar-warning that it may be cut short", w and "end-of-archive marker" in w[0]["message"], w)
    end = len(data) - len(END)
    doc, e = t.inspect(t.write("half-marker.tar", data[:end + 100]))
    t.check("100 zero bytes of the marker: opens (no data lost)", doc is not None, e)
    t.check("... warns about the marker", t.warnings(doc, "tar-warning"), doc and doc["warnings"])
    doc, e = t.inspect(t.write("complete.tar", data))
    t.check("complete archive: no warning", doc is not None and doc["warnings"] == [], doc and doc["warnings"])


R.main(test)
