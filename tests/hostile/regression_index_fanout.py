#!/usr/bin/env python3
"""Regression: nested image indexes cannot make opening exponential or circular.

Guards core/src/image/loader.cpp (walk_index: a nested index is walked once per
set of inherited tags, never inside itself, at most 1024 nested indexes and
100,000 descriptors). Before: 8 levels of indexes each listing the next 16
times took 16^8 walks (the CLI hung; every command timed out).
"""
import regress as R
from make_corpus import F, base_layers, blobp, jdump, oci, sha


def test(t):
    l = base_layers()
    members, info = oci(l)
    mdesc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": info["manifest"],
             "size": len(info["manifest_bytes"])}
    idx = {"schemaVersion": 2, "manifests": [mdesc]}
    blobs = []
    for _ in range(8):
        raw = jdump(idx)
        blobs.append(F(blobp(sha(raw)), raw))
        d = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(raw), "size": len(raw)}
        idx = {"schemaVersion": 2, "manifests": [d] * 16}
    members = [m for m in members if m.name != b"index.json"] + blobs + [F("index.json", jdump(idx))]
    doc, e = t.inspect(t.write("fanout.tar", tarbytes(members)), timeout=60)
    t.check("16^8 index fan-out opens", doc is not None, e)
    t.check(f"... quickly ({t.secs:.2f}s < 5s)", t.secs < 5)
    t.check("... as one image", doc and len(doc["images"]) == 1, doc and len(doc["images"]))
    fake = "sha256:" + "c" * 64
    cyc = jdump({"schemaVersion": 2, "manifests": [
        mdesc, {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake}]})
    top = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake}]}
    members, info = oci(l)
    members = [m for m in members if m.name != b"index.json"] + [F(blobp(fake), cyc), F("index.json", jdump(top))]
    doc, e = t.inspect(t.write("cycle.tar", tarbytes(members)))
    w = t.warnings(doc, "invalid-index")
    t.check("an index that lists itself: invalid-index 'cycle'", w and "cycle" in w[0]["message"], doc or e)


from make_corpus import tarbytes  # noqa: E402

R.main(test)
