#!/usr/bin/env python3
"""Regression: absurd descriptor sizes are reported, not silently replaced.

Guards core/src/image/loader.cpp (Builder::descriptor_size: a size that is
negative, fractional, beyond int64, 1e30 or a string gives `invalid-descriptor`
at `<manifest>.layers[k]`). Before: jint() let -5 through and the loader then
quietly put the stored size in its place; 2^64-1 and strings vanished too.
"""
import json

import regress as R
from make_corpus import F, base_layers, blobp, jdump, oci, sha, tarbytes, TAG


def test(t):
    l = base_layers()
    for name, val in (("negative", b"-5"), ("string", b'"12"'), ("float", b"1.5"), ("1e30", b"1e30"),
                      ("u64max", b"18446744073709551615")):
        members, info = oci(l)
        man = json.loads(info["manifest_bytes"])
        raw = jdump(man).replace(b'"size":%d' % len(info["stored"][1]), b'"size":' + val, 1)
        idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": sha(raw), "size": len(raw),
                                                  "annotations": {"org.opencontainers.image.ref.name": TAG}}]}
        members = [m for m in members if m.name != b"index.json"] + [F(blobp(sha(raw)), raw),
                                                                      F("index.json", jdump(idx))]
        doc, e = t.inspect(t.write(f"size-{name}.tar", tarbytes(members)))
        w = t.warnings(doc, "invalid-descriptor")
        t.check(f"size {val.decode()}: invalid-descriptor at .layers[1]",
                len(w) == 1 and w[0]["where"].endswith(".layers[1]"), doc["warnings"] if doc else e)
        t.check(f"size {val.decode()}: the layer's size is the stored blob's",
                doc and doc["images"][0]["layers"][1]["size"] == len(info["stored"][1]),
                doc and doc["images"][0]["layers"][1]["size"])


R.main(test)
