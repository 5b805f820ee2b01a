#!/usr/bin/env python3
"""Archive layouts and edge cases the shared fixtures do not cover.

Each case is written here with Python's tarfile/gzip/bz2/lzma (and the zstd
command), independent of layerscope's code, together with the facts it must
show; the test then runs the `layerscope` CLI on it and compares.

usage: layouts_test.py --cli PATH/TO/layerscope [--keep DIR]
Prints one line per check and closes with 'N passed, M failed'.
"""
import argparse
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PASSED = 0
FAILED = 0


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print(f"ok   {name}")
    else:
        FAILED += 1
        print(f"FAIL {name} {detail}")


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def tar_bytes(entries):
    """entries: list of (name, kind, data_or_target, extra) -> tar bytes (PAX)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            name, kind = e[0], e[1]
            payload = e[2] if len(e) > 2 else b""
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif kind == "file":
                ti.size = len(payload)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(payload))
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = payload
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = payload
                t.addfile(ti)
    return buf.getvalue()


def compress(data, how):
    if how == "none":
        return data
    if how == "gzip":
        return gzip.compress(data, mtime=0)
    if how == "bzip2":
        return bz2.compress(data)
    if how == "xz":
        return lzma.compress(data)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
    raise ValueError(how)


def config_for(layers_raw, history=None, labels=None, arch="amd64", variant=None):
    cfg = {
        "architecture": arch,
        "os": "linux",
        "created": "2024-05-01T10:00:00Z",
        "config": {"Env": ["PATH=/bin"], "Labels": labels or {}},
        "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers_raw]},
        "history": history if history is not None else [{"created_by": f"step {i}"} for i in range(len(layers_raw))],
    }
    if variant:
        cfg["variant"] = variant
    return json.dumps(cfg).encode()


def write_archive(path, members, outer="none"):
    """members: list of (name, bytes) regular files, or (name, None, target) symlinks."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for m in members:
            ti = tarfile.TarInfo(m[0])
            ti.mtime = 1700000000
            if m[1] is None:
                ti.type = tarfile.SYMTYPE
                ti.linkname = m[2]
                t.addfile(ti)
            else:
                ti.size = len(m[1])
                t.addfile(ti, io.BytesIO(m[1]))
    with open(path, "wb") as f:
        f.write(compress(buf.getvalue(), outer))


def run(cli, *args):
    p = subprocess.run([cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def inspect(cli, path, *extra):
    rc, out, err = run(cli, "inspect", path, "--json", *extra)
    if rc != 0:
        return None, err
    return json.loads(out), err


def codes(doc):
    return sorted({w["code"] for w in doc["warnings"]})


# ---------------------------------------------------------------- cases

BASE = [("bin", "dir"), ("bin/app", "file", b"#!/bin/sh\necho hi\n"), ("etc", "dir"),
        ("etc/conf", "file", b"v=1\n")]


def case_kaniko_tarball(cli, d):
    layers = [tar_bytes(BASE), tar_bytes([("etc/conf", "file", b"v=2\n"), ("etc/.wh.gone", "file", b"")])]
    blobs = [compress(l, "gzip") for l in layers]
    cfg = config_for(layers)
    cfg_name = "sha256:" + hashlib.sha256(cfg).hexdigest()
    names = [hashlib.sha256(b).hexdigest() + ".tar.gz" for b in blobs]
    manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["kaniko/img:1"], "Layers": names}]).encode()
    members = [(cfg_name, cfg)] + list(zip(names, blobs)) + [("manifest.json", manifest)]
    for outer in ["none", "xz", "bzip2", "zstd"]:
        p = os.path.join(d, f"kaniko-{outer}.tar")
        write_archive(p, members, outer)
        doc, err = inspect(cli, p)
        tag = f"kaniko tarball (outer {outer})"
        check(f"{tag}: opens", doc is not None, err)
        if not doc:
            continue
        check(f"{tag}: layout docker-tarball", doc["layout"] == "docker-tarball", doc["layout"])
        check(f"{tag}: outer compression", doc["archive"]["outer_compression"] == outer)
        im = doc["images"][0]
        check(f"{tag}: tags", im["tags"] == ["kaniko/img:1"], im["tags"])
        check(f"{tag}: config digest", im["config_digest"] == sha(cfg))
        check(f"{tag}: gzip layers", [l["compression"] for l in im["layers"]] == ["gzip", "gzip"])
        check(f"{tag}: stored digests", [l["digest"] for l in im["layers"]] == [sha(b) for b in blobs],
              [l["digest"] for l in im["layers"]])
        check(f"{tag}: uncompressed sizes", [l["uncompressed_size"] for l in im["layers"]] == [len(l) for l in layers])
        check(f"{tag}: whiteout", im["layers"][1]["whiteouts"] == ["etc/gone"], im["layers"][1]["whiteouts"])
        check(f"{tag}: modified count", im["layers"][1]["changes"]["modified"] >= 1)
        rc, out, err = run(cli, "cat", p, "/etc/conf")
        check(f"{tag}: cat top version", rc == 0 and out == b"v=2\n", (rc, out, err))
        rc, out, err = run(cli, "cat", p, "/etc/conf", "--layer", "0")
        check(f"{tag}: cat layer-0 version", rc == 0 and out == b"v=1\n", (rc, out, err))
    # --verify passes on correct digests and finds a wrong diff_id.
    p = os.path.join(d, "kaniko-none.tar")
    doc, _ = inspect(cli, p, "--verify")
    check("verify: clean archive has no mismatch", doc and not {"diff-id-mismatch", "digest-mismatch"} & set(codes(doc)),
          doc and codes(doc))
    bad_cfg = json.loads(cfg)
    bad_cfg["rootfs"]["diff_ids"][1] = "sha256:" + "0" * 64
    bad = json.dumps(bad_cfg).encode()
    bad_name = "sha256:" + hashlib.sha256(bad).hexdigest()
    manifest2 = json.dumps([{"Config": bad_name, "RepoTags": ["kaniko/img:1"], "Layers": names}]).encode()
    p2 = os.path.join(d, "kaniko-bad-diffid.tar")
    write_archive(p2, [(bad_name, bad)] + list(zip(names, blobs)) + [("manifest.json", manifest2)])
    doc, _ = inspect(cli, p2)
    check("verify: mismatch not claimed without --verify", doc and "diff-id-mismatch" not in codes(doc))
    doc, _ = inspect(cli, p2, "--verify")
    check("verify: diff_id mismatch found", doc and "diff-id-mismatch" in codes(doc), doc and codes(doc))
    w = [x for x in doc["warnings"] if x["code"] == "diff-id-mismatch"] if doc else []
    check("verify: mismatch names layer 1", len(w) == 1 and "layer 1" in w[0]["where"], w)


def oci_blob(members, data):
    members.append(("blobs/sha256/" + hashlib.sha256(data).hexdigest(), data))
    return {"digest": sha(data), "size": len(data)}


def platform_manifest(members, cfg, layer_desc, arch, variant):
    """Stores the config and a one-layer image manifest; returns the manifest's descriptor for an
    index, with its platform (linux/arch[/variant])."""
    cd = oci_blob(members, cfg)
    cd["mediaType"] = "application/vnd.oci.image.config.v1+json"
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": cd, "layers": [layer_desc]}).encode()
    md = oci_blob(members, man)
    md["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    md["platform"] = {"os": "linux", "architecture": arch}
    if variant:
        md["platform"]["variant"] = variant
    return md


def add_nested_index(members, manifests, ref_name):
    """index.json pointing at a nested image index (tagged ref_name) that lists `manifests`."""
    nested = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                         "manifests": manifests}).encode()
    nd = oci_blob(members, nested)
    nd["mediaType"] = "application/vnd.oci.image.index.v1+json"
    nd["annotations"] = {"org.opencontainers.image.ref.name": ref_name}
    members.append(("index.json", json.dumps({"schemaVersion": 2, "manifests": [nd]}).encode()))


def case_oci_multiplatform(cli, d):
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
    manifests = []
    plats = [("amd64", None, "xz"), ("arm64", "v8", "bzip2")]
    expected = {}
    for arch, variant, comp in plats:
        raw = tar_bytes(BASE + [(f"etc/arch-{arch}", "file", arch.encode())])
        blob = compress(raw, comp)
        ld = oci_blob(members, blob)
        ld["mediaType"] = "application/vnd.oci.image.layer.v1.tar+" + ("xz" if comp == "xz" else "bzip2")
        cfg = config_for([raw], arch=arch, variant=variant)
        md = platform_manifest(members, cfg, ld, arch, variant)
        manifests.append(md)
        expected[sha(cfg)] = (arch, variant, comp, md["digest"])
    # An attestation manifest (buildx style) describing the amd64 image.
    att_layer = json.dumps({"_type": "https://in-toto.io/Statement/v0.1"}).encode()
    al = oci_blob(members, att_layer)
    al["mediaType"] = "application/vnd.in-toto+json"
    al["annotations"] = {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}
    acfg = oci_blob(members, b"{}")
    acfg["mediaType"] = "application/vnd.oci.image.config.v1+json"
    aman = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": acfg, "layers": [al]}).encode()
    ad = oci_blob(members, aman)
    ad["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    ad["platform"] = {"os": "unknown", "architecture": "unknown"}
    ad["annotations"] = {"vnd.docker.reference.type": "attestation-manifest",
                         "vnd.docker.reference.digest": manifests[0]["digest"]}
    manifests.append(ad)
    add_nested_index(members, manifests, "multi:1")
    members.append(("._index.json", b"\x00\x05\x16\x07AppleDouble junk"))
    p = os.path.join(d, "oci-multi.tar")
    write_archive(p, members)
    doc, err = inspect(cli, p)
    check("oci multi-platform: opens", doc is not None, err)
    if not doc:
        return
    check("oci multi-platform: layout", doc["layout"] == "oci-archive")
    check("oci multi-platform: two images", len(doc["images"]) == 2, len(doc["images"]))
    check("oci multi-platform: one attestation apart", len(doc["attestations"]) == 1 and
          doc["attestations"][0]["reference_digest"] == manifests[0]["digest"] and
          doc["attestations"][0]["predicate_types"] == ["https://slsa.dev/provenance/v0.2"], doc["attestations"])
    for im in doc["images"]:
        arch, variant, comp, mdig = expected.get(im["config_digest"], (None, None, None, None))
        check(f"oci multi-platform {arch}: platform", im["platform"]["architecture"] == arch and
              im["platform"]["variant"] == variant, im["platform"])
        check(f"oci multi-platform {arch}: tag from the parent index", im["tags"] == ["multi:1"], im["tags"])
        check(f"oci multi-platform {arch}: manifest digest", im["manifest_digest"] == mdig)
        check(f"oci multi-platform {arch}: {comp} layer", im["layers"][0]["compression"] == comp,
              im["layers"][0]["compression"])
    check("oci multi-platform: junk entry warned", "junk-entry" in codes(doc), codes(doc))
    rc, out, err = run(cli, "cat", p, "multi:1", "/etc/arch-amd64")
    check("oci multi-platform: ambiguous tag is an error listing choices", rc == 1 and "ambiguous" in err and
          "arm64" in err, (rc, err))
    arm = next(i for i, im in enumerate(doc["images"]) if im["platform"]["architecture"] == "arm64")
    rc, out, err = run(cli, "cat", p, str(arm), "/etc/arch-arm64")
    check("oci multi-platform: cat from the bzip2 image", rc == 0 and out == b"arm64", (rc, out, err))
    # --platform narrows a shared tag (or no IMAGE at all) to one image; arm64 means arm64/v8.
    for plat, arch in [("linux/amd64", "amd64"), ("linux/x86_64", "amd64"), ("linux/arm64", "arm64"),
                       ("linux/arm64/v8", "arm64"), ("linux/aarch64", "arm64")]:
        rc, out, err = run(cli, "cat", p, "multi:1", f"/etc/arch-{arch}", "--platform", plat)
        check(f"oci multi-platform: --platform {plat} picks {arch}", rc == 0 and out == arch.encode(), (rc, out, err))
    rc, out, err = run(cli, "cat", p, "/etc/arch-arm64", "--platform=linux/arm64")
    check("oci multi-platform: --platform without IMAGE", rc == 0 and out == b"arm64", (rc, out, err))
    rc, out, err = run(cli, "ls", p, "--platform", "linux/amd64", "--json")
    paths = {e["path"] for e in json.loads(out)["entries"]} if rc == 0 else set()
    check("oci multi-platform: ls --platform lists that image", "etc/arch-amd64" in paths and
          "etc/arch-arm64" not in paths, (rc, err))
    rc, out, err = run(cli, "cat", p, "multi:1", "/etc/arch-amd64", "--platform", "linux/s390x")
    check("oci multi-platform: unknown platform is not-found listing choices",
          rc == 1 and "not-found" in err and "s390x" in err and "arm64" in err, (rc, err))
    rc, out, err = run(cli, "cat", p, "multi:1", "/etc/arch-amd64", "--platform", "linux/arm64/v7")
    check("oci multi-platform: wrong variant matches nothing", rc == 1 and "not-found" in err, (rc, err))
    rc, out, err = run(cli, "cat", p, str(arm), "/etc/arch-arm64", "--platform", "linux/amd64")
    check("oci multi-platform: an index of another platform is refused", rc == 1 and "not-found" in err, (rc, err))
    rc, out, err = run(cli, "images", p)
    rows = out.decode().splitlines() if rc == 0 else []
    check("oci multi-platform: images shows a PLATFORM column", rc == 0 and rows[0].split()[-1] == "PLATFORM" and
          sorted(r.split()[-1] for r in rows[1:]) == ["linux/amd64", "linux/arm64/v8"], out)
    rc, out, err = run(cli, "images", p, "--platform", "linux/arm64", "-q", "--no-trunc")
    arm_id = doc["images"][arm]["config_digest"]
    check("oci multi-platform: images --platform keeps that platform's image",
          rc == 0 and out.decode().split() == [arm_id], (out, arm_id))
    rc, out, err = run(cli, "cat", p, "multi:1", "/etc/arch-amd64", "--platform", "linux//v8")
    check("oci multi-platform: malformed platform is invalid-argument", rc == 1 and "invalid-argument" in err,
          (rc, err))


def case_platform_variants(cli, d):
    """containerd's platform normalisation: default variants (amd64 v1, arm v7), aliases (armhf, arm/7),
    and "linux/amd64" preferring the default variant over amd64/v3."""
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
    manifests = []
    for name, arch, variant in [("v1", "amd64", None), ("v3", "amd64", "v3"), ("arm", "arm", None)]:
        raw = tar_bytes(BASE + [(f"etc/which-{name}", "file", name.encode())])
        ld = oci_blob(members, raw)
        ld["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
        manifests.append(platform_manifest(members, config_for([raw], arch=arch, variant=variant), ld, arch, variant))
    add_nested_index(members, manifests, "variants:1")
    p = os.path.join(d, "oci-variants.tar")
    write_archive(p, members)
    for plat, name in [("linux/amd64", "v1"), ("linux/amd64/v1", "v1"), ("linux/x86_64", "v1"),
                       ("linux/amd64/v3", "v3"), ("linux/arm", "arm"), ("linux/arm/v7", "arm"), ("linux/arm/7", "arm"),
                       ("linux/armhf", "arm")]:
        rc, out, err = run(cli, "cat", p, "variants:1", f"/etc/which-{name}", "--platform", plat)
        check(f"platform variants: --platform {plat} picks {name}", rc == 0 and out == name.encode(), (rc, out, err))
    rc, out, err = run(cli, "cat", p, "/etc/which-v3", "--platform", "linux/amd64/v2")
    check("platform variants: amd64/v2 matches nothing", rc == 1 and "not-found" in err, (rc, err))
    rc, out, err = run(cli, "cat", p, "/etc/which-arm", "--platform", "linux/arm/v6")
    check("platform variants: arm/v6 is not the variant-less (v7) arm image", rc == 1 and "not-found" in err, (rc, err))
    rc, out, err = run(cli, "ls", p, "--platform", "linux/arm", "etc", "--json")
    paths = {e["path"] for e in json.loads(out)["entries"]} if rc == 0 else set()
    check("platform variants: a bare PATH with --platform is a path, not an image",
          "etc/which-arm" in paths and "etc/which-v1" not in paths, (rc, err))


def case_hybrid_null_manifests_and_foreign(cli, d):
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
    raw = tar_bytes(BASE)
    ld = oci_blob(members, raw)
    foreign_raw = tar_bytes([("win", "dir")])
    foreign_digest = sha(compress(foreign_raw, "gzip"))
    cfg = config_for([foreign_raw, raw])
    cd = oci_blob(members, cfg)
    members.append(("index.json", b'{"schemaVersion":2,"manifests":null}'))
    manifest = [{"Config": "blobs/sha256/" + cd["digest"][7:], "RepoTags": ["hy:1"],
                 "Layers": ["blobs/sha256/" + foreign_digest[7:], "blobs/sha256/" + ld["digest"][7:]],
                 "LayerSources": {sha(foreign_raw): {
                     "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                     "size": 1234, "digest": foreign_digest, "urls": ["https://example.invalid/x"]}}}]
    members.append(("manifest.json", json.dumps(manifest).encode()))
    p = os.path.join(d, "hybrid-null.tar")
    write_archive(p, members)
    doc, err = inspect(cli, p)
    check("hybrid manifests:null: opens", doc is not None, err)
    if not doc:
        return
    check("hybrid manifests:null: layout", doc["layout"] == "docker-oci-hybrid", doc["layout"])
    check("hybrid manifests:null: image from manifest.json", len(doc["images"]) == 1 and
          doc["images"][0]["tags"] == ["hy:1"])
    ls = doc["images"][0]["layers"]
    check("foreign layer: shown, absent", len(ls) == 2 and ls[0]["present"] is False and
          ls[0]["media_type"].endswith("foreign.diff.tar.gzip"), ls[0] if ls else None)
    check("foreign layer: missing-blob warning", "missing-blob" in codes(doc), codes(doc))
    check("foreign layer: the other layer is read", ls[1]["present"] and ls[1]["entries"] == 4, ls[1])
    rc, out, err = run(cli, "cat", p, "/etc/conf")
    check("foreign layer: cat still works", rc == 0 and out == b"v=1\n", (rc, err))


def case_whiteout_semantics(cli, d):
    lower = tar_bytes([("a", "dir"), ("a/old.txt", "file", b"old"), ("a/sub", "dir"), ("a/sub/x", "file", b"x"),
                       ("b", "dir"), ("b/keep", "file", b"k")])
    # Opaque marker written AFTER the layer's own entry: it still applies first.
    upper = tar_bytes([("a", "dir"), ("a/new.txt", "file", b"new"), ("a/.wh..wh..opq", "file", b""),
                       ("b/.wh..wh..opqX", "file", b"not a marker"),
                       ("b/.wh.nothere", "file", b"")])
    top = tar_bytes([("c", "file", b"c"), ("weird", "dir"), ("weird/<img src=x onerror=alert(1)>", "file", b"h"),
                     ("weird/caf\xe9".encode("latin-1").decode("utf-8", "surrogateescape"), "file", b"l1"),
                     ("weird/target", "file", b"T"), ("weird/hl", "hardlink", "weird/target")])
    layers = [lower, upper, top]
    cfg = config_for(layers, history=[{"created_by": "one"}, {"created_by": "two"}])  # 2 steps, 3 layers
    members = [("cfg.json", cfg)]
    names = []
    for i, l in enumerate(layers):
        names.append(f"l{i}/layer.tar")
        members.append((f"l{i}/layer.tar", l))
    members.append(("manifest.json", json.dumps([{"Config": "cfg.json", "RepoTags": None, "Layers": names}]).encode()))
    p = os.path.join(d, "whiteouts.tar")
    write_archive(p, members)
    doc, err = inspect(cli, p)
    check("whiteouts: opens", doc is not None, err)
    if not doc:
        return
    im = doc["images"][0]
    check("whiteouts: untagged image", im["tags"] == [])
    check("whiteouts: history/layer mismatch warned", "history-layer-mismatch" in codes(doc), codes(doc))
    check("whiteouts: opaque dir recorded", im["layers"][1]["opaque_dirs"] == ["a"], im["layers"][1]["opaque_dirs"])
    check("whiteouts: .wh..wh..opqX is not an opaque marker", im["layers"][1]["opaque_dirs"] == ["a"])
    rc, out, err = run(cli, "ls", p, "--merged", "--json")
    merged = {e["path"]: e for e in json.loads(out)["entries"]} if rc == 0 else {}
    check("whiteouts: opaque hides lower content", "a/old.txt" not in merged and "a/sub/x" not in merged and
          "a/sub" not in merged, sorted(merged))
    check("whiteouts: opaque keeps the layer's own entry", "a/new.txt" in merged)
    # `.wh..wh.*` names are aufs metadata (moby ignores them): never a file, never opaque.
    check("whiteouts: lookalike marker is neither a file nor opaque", "b/.wh..wh..opqX" not in merged and
          "b/keep" in merged, sorted(merged))
    check("whiteouts: sibling dir untouched", "b/keep" in merged)
    check("whiteouts: hostile name kept as text", "weird/<img src=x onerror=alert(1)>" in merged)
    check("whiteouts: non-UTF-8 name escaped", "weird/caf\\xe9" in merged, [k for k in merged if k.startswith("weird")])
    rc, out, err = run(cli, "ls", p, "--layer", "1", "--json")
    ch = {e["path"]: e["change"] for e in json.loads(out)["entries"]} if rc == 0 else {}
    check("whiteouts: layer 1 deletions listed", ch.get("a/old.txt") == "deleted" and ch.get("a/sub/x") == "deleted"
          and ch.get("a/new.txt") == "added", ch)
    check("whiteouts: whiteout of a path never present is no deletion", "b/nothere" not in ch, ch)
    rc, out, err = run(cli, "log", p, "0", "/a/old.txt", "--json")
    ev = [(e["layer"], e["change"]) for e in json.loads(out)["events"]] if rc == 0 else []
    check("log: a path's story across layers", ev == [(0, "added"), (1, "deleted")], (rc, ev, err))
    rc, out, err = run(cli, "log", p, "0", "/a", "--json")
    ev = [(e["layer"], e["change"]) for e in json.loads(out)["events"]] if rc == 0 else []
    check("log: a dir rewritten by a later layer", ev == [(0, "added"), (1, "modified")], (rc, ev, err))
    rc, out, err = run(cli, "cat", p, "0", "/weird/hl")
    check("hardlink: cat follows to the target", rc == 0 and out == b"T", (rc, out, err))
    rc, out, err = run(cli, "cat", p, "0", "/a/old.txt")
    check("cat of a deleted path: not-found, exit 1", rc == 1 and "not-found" in err, (rc, err))
    rc, out, err = run(cli, "cat", p, "0", "/a/old.txt", "--layer", "0")
    check("cat of that path below the deletion", rc == 0 and out == b"old", (rc, err))
    rc, out, err = run(cli, "images", p, "-f", "dangling=true", "-q")
    check("images -f dangling=true lists the untagged image", rc == 0 and out.decode().strip() == im["id"], out)


def case_not_an_image(cli, d):
    p = os.path.join(d, "plain.tar")
    write_archive(p, [("hello.txt", b"hi"), ("docs/readme.md", b"# x")])
    rc, out, err = run(cli, "inspect", p)
    check("not an image: exit 1", rc == 1, rc)
    check("not an image: says what was found", "not-an-image" in err and "hello.txt" in err, err)
    p2 = os.path.join(d, "text.bin")
    with open(p2, "wb") as f:
        f.write(b"just some text, not a tar\n" * 100)
    rc, out, err = run(cli, "inspect", p2)
    check("not a tar: exit 1 with a reason", rc == 1 and "not a tar" in err, err)
    rc, out, err = run(cli, "inspect", os.path.join(d, "does-not-exist.tar"))
    check("missing file: exit 1, io error", rc == 1 and "io:" in err, err)
    rc, out, err = run(cli, "frobnicate", p)
    check("unknown command: exit 2", rc == 2, rc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--keep")
    a = ap.parse_args()
    d = a.keep or tempfile.mkdtemp(prefix="ls-layouts-")
    os.makedirs(d, exist_ok=True)
    try:
        for case in [case_kaniko_tarball, case_oci_multiplatform, case_platform_variants, case_hybrid_null_manifests_and_foreign,
                     case_whiteout_semantics, case_not_an_image]:
            try:
                case(a.cli, d)
            except Exception as e:  # a crash in the harness is a failure, not a pass
                check(case.__name__, False, repr(e))
    finally:
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
