#!/usr/bin/env python3
"""Independent checks for strip and import (Python tarfile + export_check.py's reader; no layerscope code).

  strip_check.py stripped OUT TRUTH.json TAG PATH...  the output of `strip` against the fixture's truth:
      no entry at or below a PATH in any layer, every other entry of each layer kept; config diff_ids = sha256 of each uncompressed layer;
      layers holding a PATH rewritten (diff_id changed), the others kept; the merged tree = the truth's
      minus the PATHs; one empty-layer "layerscope strip" history step per rewritten layer; non-empty
      history steps = layers; tags kept.
  strip_check.py truthfs-minus TRUTH.json TAG PATH... the truth's merged tree (export_check truthfs) minus PATHs
  strip_check.py secret-image OUT                     a docker-archive with a private key in layer 0 (and a
      hard link to it), a later layer on top; prints nothing
  strip_check.py rootfs OUT                           a root filesystem tarball (files, dirs, symlink, hard link,
      fixed mtimes; the newest 1700000000)
  strip_check.py imported OUT ROOTFS                  the output of `import`: one image, one layer whose bytes
      are the uncompressed ROOTFS exactly (same entries, names, modes, links, contents), diff_id its sha256
"""
import gzip, hashlib, io, json, os, sys, tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_check as ec  # noqa: E402


def norm(n):
    n = n.removeprefix("./").strip("/")
    return n


def under(p, paths):
    return any(p == q or p.startswith(q + "/") for q in paths)


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def image_of(path):
    imgs = ec.Archive(path).images()
    if len(imgs) != 1:
        fail(f"{len(imgs)} images in the output, want 1")
    return imgs[0]


def stripped_cmd(out, truth, tag, paths):
    paths = [norm(p) for p in paths]
    want = next(i for i in json.load(open(truth))["images"]
                if not tag or tag in (i.get("repo_tags") or i.get("ref_names") or []))
    tags, cfg_bytes, getters = image_of(out)
    cfg = json.loads(cfg_bytes)
    layers = [ec.decompress(g()) for g in getters]
    for i, raw in enumerate(layers):
        for m in tarfile.open(fileobj=io.BytesIO(raw)).getmembers():
            if under(norm(m.name), paths):
                fail(f"layer {i} still holds {m.name}")
    for i, (raw, wl) in enumerate(zip(layers, want["layers"])):  # every other entry kept, the root "./" too
        got = sorted(norm(m.name) or "." for m in tarfile.open(fileobj=io.BytesIO(raw)).getmembers())
        exp = sorted(norm(e["path"]) or "." for e in wl["entries"] if not under(norm(e["path"]), paths))
        if got != exp:
            fail(f"layer {i} entries: extra {sorted(set(got) - set(exp))[:5]}, missing {sorted(set(exp) - set(got))[:5]}")
    got_ids = [ec.sha(b) for b in layers]
    if cfg["rootfs"]["diff_ids"] != got_ids:
        fail(f"config diff_ids {cfg['rootfs']['diff_ids']} != sha256 of the layers {got_ids}")
    holds = [any(under(norm(e["path"]), paths) for e in l["entries"]) for l in want["layers"]]
    for i, (g, w, h) in enumerate(zip(got_ids, want["diff_ids"], holds)):
        if (g != w) != h:
            fail(f"layer {i}: holds a path: {h}, rewritten: {g != w}")
    if len(got_ids) != len(want["diff_ids"]) or not any(holds):
        fail("layer count changed or no layer held a path")
    merged = ec.merge([b for b in layers])
    want_merged = sorted([p["path"], {"d": "dir", "f": "file", "l": "symlink"}.get(p["find_type"], p["find_type"])]
                         for p in want["merged_fs"]["paths"] if not under(p["path"], paths))
    if merged != want_merged:
        fail("merged tree differs from the truth's minus the paths: " +
             str([x for x in merged if x not in want_merged][:5]) + str([x for x in want_merged if x not in merged][:5]))
    hist = cfg["history"]
    notes = [h for h in hist if h.get("created_by", "").startswith("layerscope strip ")]
    if len(notes) != sum(holds) or not all(h.get("empty_layer") for h in notes):
        fail(f"{len(notes)} empty-layer strip steps, want {sum(holds)}")
    if sum(1 for h in hist if not h.get("empty_layer")) != len(layers):
        fail("non-empty history steps != layers")
    want_tags = sorted(want.get("repo_tags") or want.get("ref_names") or [])
    if sorted(tags) != want_tags:
        fail(f"tags {tags} != {want_tags}")


def truthfs_minus_cmd(truth, tag, paths):
    paths = [norm(p) for p in paths]
    print(json.dumps([r for r in ec.truthfs_cmd(truth, tag) if not under(r[0], paths)]))


def add(t, name, data=None, **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if data is not None:
        ti.size = len(data)
    t.addfile(ti, io.BytesIO(data) if data is not None else None)


def layer_tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            add(t, *e[:2], **(e[2] if len(e) > 2 else {}))
    return buf.getvalue()


PEM = ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
       * 3 + "\n-----END OPENSSH PRIVATE KEY-----\n").encode()


def secret_image_cmd(out):
    d = dict(type=tarfile.DIRTYPE, mode=0o755, mtime=1700000000)
    l0 = layer_tar([("root", None, d), ("root/.ssh", None, d),
                    ("root/.ssh/id_rsa", PEM, dict(mode=0o600, mtime=1700000000)),
                    ("root/key-link", None, dict(type=tarfile.LNKTYPE, linkname="root/.ssh/id_rsa")),
                    ("etc", None, d), ("etc/hostname", b"box\n", dict(mtime=1700000000))])
    l1 = layer_tar([("app", None, d), ("app/run.sh", b"#!/bin/sh\necho hi\n", dict(mode=0o755, mtime=1700000001))])
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": [ec.sha(l0), ec.sha(l1)]},
                      "history": [{"created_by": "COPY id_rsa /root/.ssh/"}, {"created_by": "COPY run.sh /app/"}]},
                     separators=(",", ":")).encode()
    cname = ec.sha(cfg)[7:] + ".json"
    names = [ec.sha(l0)[7:] + "/layer.tar", ec.sha(l1)[7:] + "/layer.tar"]
    man = json.dumps([{"Config": cname, "RepoTags": ["secret/app:1"], "Layers": names}]).encode()
    with tarfile.open(out, "w") as t:
        for n, b in [(cname, cfg), (names[0], l0), (names[1], l1), ("manifest.json", man)]:
            add(t, n, b)


def rootfs_cmd(out):
    d = dict(type=tarfile.DIRTYPE, mode=0o755, mtime=1600000000)
    data = layer_tar([("bin", None, d), ("bin/tool", b"\x7fELF" + bytes(range(256)) * 40, dict(mode=0o755, mtime=1600000000)),
                      ("bin/alias", None, dict(type=tarfile.SYMTYPE, linkname="tool", mtime=1600000000)),
                      ("etc", None, d), ("etc/os-release", b"ID=test\n", dict(mtime=1700000000, uid=0)),
                      ("etc/os-release-copy", None, dict(type=tarfile.LNKTYPE, linkname="etc/os-release")),
                      ("home/user/notes.txt", b"hello\n", dict(mode=0o600, uid=1000, gid=1000, mtime=1650000000))])
    open(out, "wb").write(data)


def listing(raw):
    rows = []
    t = tarfile.open(fileobj=io.BytesIO(raw))
    for m in t.getmembers():
        body = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isfile() else ""
        rows.append([m.name, m.type.decode(), m.mode, m.uid, m.gid, m.mtime, m.linkname, body])
    return rows


def imported_cmd(out, rootfs):
    tags, cfg_bytes, getters = image_of(out)
    cfg = json.loads(cfg_bytes)
    if len(getters) != 1:
        fail(f"{len(getters)} layers, want 1")
    layer = ec.decompress(getters[0]())
    want = open(rootfs, "rb").read()
    if layer != want:
        fail("the layer differs from the rootfs: " + str(listing(layer)[:3]) + " vs " + str(listing(want)[:3]))
    if listing(layer) != listing(want) or not listing(layer):
        fail("entries differ")
    if cfg["rootfs"]["diff_ids"] != [ec.sha(want)]:
        fail("diff_id is not the rootfs's sha256")
    print(json.dumps({"tags": tags, "created": cfg.get("created"), "history": cfg["history"],
                      "architecture": cfg["architecture"], "os": cfg["os"]}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "stripped": stripped_cmd(args[0], args[1], args[2], args[3:])
    elif cmd == "truthfs-minus": truthfs_minus_cmd(args[0], args[1], args[2:])
    elif cmd == "secret-image": secret_image_cmd(args[0])
    elif cmd == "rootfs": rootfs_cmd(args[0])
    elif cmd == "imported": imported_cmd(args[0], args[1])
    else: sys.exit("usage: strip_check.py stripped|truthfs-minus|secret-image|rootfs|imported ...")
