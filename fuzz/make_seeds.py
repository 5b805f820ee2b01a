#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets, extracted from the shared fixtures
(manifests, configs, indexes, small layers) plus small synthetic archives from
tests/hostile/make_corpus.py. Generated, not committed.

usage: make_seeds.py OUTDIR [--fixtures DIR]
writes OUTDIR/fuzz_json/, OUTDIR/fuzz_layer_index/, OUTDIR/fuzz_open_archive/
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "hostile"))
import make_corpus as mc  # noqa: E402

MAX_SEED = 256 << 10


def kind(data):
    if data[:2] == b"\x1f\x8b" or data[:4] == b"\x28\xb5\x2f\xfd" or data[:3] == b"BZh" or data[:6] == b"\xfd7zXZ\x00":
        return "layer"
    if len(data) >= 262 and data[257:262] == b"ustar":
        return "layer"
    s = data.lstrip()
    if s[:1] in (b"{", b"["):
        return "json"
    return "other"


def json_role(name, data):
    try:
        j = json.loads(data)
    except ValueError:
        return 0
    if name.endswith("manifest.json") or isinstance(j, list):
        return 0
    if isinstance(j, dict) and "rootfs" in j:
        return 1
    if isinstance(j, dict) and "manifests" in j:
        return 2
    if isinstance(j, dict) and "layers" in j:
        return 3
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--fixtures", default=os.environ.get("LAYERSCOPE_FIXTURES") or
                    os.path.join(HERE, "..", "..", "shared", "fixtures"))
    a = ap.parse_args()
    dirs = {t: os.path.join(a.outdir, t) for t in ("fuzz_json", "fuzz_layer_index", "fuzz_open_archive")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    counts = dict.fromkeys(dirs, 0)

    def put(target, data):
        if len(data) > MAX_SEED:
            return
        with open(os.path.join(dirs[target], hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
        counts[target] += 1

    fixtures = sorted(f for f in os.listdir(a.fixtures) if f.endswith(".tar")) if os.path.isdir(a.fixtures) else []
    for fx in fixtures:
        with tarfile.open(os.path.join(a.fixtures, fx)) as t:
            mini = io.BytesIO()
            with tarfile.open(fileobj=mini, mode="w", format=tarfile.PAX_FORMAT) as out:
                for m in t.getmembers():
                    data = t.extractfile(m).read() if m.isfile() else b""
                    k = kind(data) if data else "other"
                    if k == "json":
                        put("fuzz_json", bytes([json_role(m.name, data)]) + data)
                    if k == "layer" and len(data) <= 64 << 10:
                        put("fuzz_layer_index", data)
                    # A miniature of the archive: big layers become empty tars, everything else kept.
                    if m.isfile() and len(data) > 64 << 10:
                        data = mc.END
                        m = tarfile.TarInfo(m.name)
                    m2 = m
                    if m.isfile():
                        m2.size = len(data)
                        out.addfile(m2, io.BytesIO(data))
                    else:
                        out.addfile(m2)
            put("fuzz_open_archive", mini.getvalue())
    # Synthetic archives and layers (valid bases and a few hostile shapes).
    l = mc.base_layers()
    legacy = mc.tarbytes(mc.legacy(l)[0])
    oci = mc.tarbytes(mc.oci(l)[0])
    for data in (legacy, oci, mc.gz(legacy), mc.zst(oci), legacy[:len(legacy) // 2]):
        put("fuzz_open_archive", data)
    for t in l:
        put("fuzz_layer_index", t)
        put("fuzz_layer_index", mc.gz(t))
        put("fuzz_layer_index", mc.zst(t))
    F, D, S, H = mc.F, mc.D, mc.S, mc.H
    for entries in (
        [F("a/.wh..wh..opq"), F("a/.wh.b"), F(".wh.etc"), F("x/.wh.")],
        [H("l1", "l2"), H("l2", "l1"), H("self", "self"), F("t", b"t"), H("h", "t"), H("missing", "nope")],
        [F("../../x", b"x"), F("/abs", b"a"), S("s", "/etc/passwd"), F("dup", b"1"), F("dup", b"2"), D("dup")],
        [F(b"\xff\xfe\x1b[31m<script>", b"n"), F("p" * 300, b"long", pax={"size": "4"})],
        [F("liar", b"0123", declared=1 << 33), F("after", b"a")],
    ):
        put("fuzz_layer_index", mc.tarbytes(entries))
    for role, text in ((0, b"[]"), (0, b"null"), (1, b"{}"), (2, b'{"manifests":[]}'), (3, b'{"layers":[{}]}'),
                       (1, b'{"rootfs":{"diff_ids":["sha256:' + b"0" * 64 + b'"]},"history":[{"empty_layer":true}]}')):
        put("fuzz_json", bytes([role]) + text)
    print(", ".join(f"{t}: {n} seeds" for t, n in counts.items()))


if __name__ == "__main__":
    main()
