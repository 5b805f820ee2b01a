#!/usr/bin/env python3
"""An independent computation of `layerscope diff`, for tests/cli/diff_test.sh.

Reads an image archive with Python's tarfile alone (manifest.json, or an OCI
index.json and its manifest blobs; layers decompressed by sniffing gzip/zstd),
merges the layers with the OCI whiteout rules (opaque markers first, then
`.wh.` deletions, then the layer's entries; a non-directory replacing a
directory hides what was below it; hardlinks read as the entry they name in
their layer; missing parents are 0755 root directories), and diffs two merged
trees: what changed is type, size, content (SHA-256), mode, owner, link; an
mtime alone is no change.

usage:
  diff_check.py OURS.json ARCHIVE IMAGE_CONFIG_DIGEST FROM TO [PATH]
  diff_check.py OURS.json ARCHIVE IMAGE_CONFIG_DIGEST --against OTHER OTHER_CONFIG_DIGEST [PATH]
FROM -1 is the empty filesystem, TO -1 the top. Prints the mismatches; exit 1 when any.
"""
import gzip
import hashlib
import io
import json
import posixpath
import subprocess
import sys
import tarfile


def norm(p):
    return "/".join(c for c in p.split("/") if c not in ("", "."))


def decompress(b):
    if b[:2] == b"\x1f\x8b":
        return gzip.decompress(b)
    if b[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dcq"], input=b, stdout=subprocess.PIPE, check=True).stdout
    return b


class Archive:
    def __init__(self, path):
        self.tar = tarfile.open(path)
        self.members = {norm(m.name): m for m in self.tar.getmembers()}

    def read(self, name):
        return self.tar.extractfile(self.members[norm(name)]).read()

    def images(self):
        """[(config_digest, config, [layer tar bytes])]"""
        out = []
        if "manifest.json" in self.members:
            for e in json.loads(self.read("manifest.json")):
                cfg = self.read(e["Config"])
                out.append((cfg, [lambda n=n: decompress(self.read(n)) for n in e["Layers"]]))
        else:
            for d in json.loads(self.read("index.json"))["manifests"]:
                m = json.loads(self.read("blobs/sha256/" + d["digest"][7:]))
                cfg = self.read("blobs/sha256/" + m["config"]["digest"][7:])
                out.append((cfg, [lambda n=l["digest"]: decompress(self.read("blobs/sha256/" + n[7:]))
                                  for l in m["layers"]]))
        return [("sha256:" + hashlib.sha256(c).hexdigest(), json.loads(c), ls) for c, ls in out]

    def image(self, digest):
        for d, cfg, layers in self.images():
            if d == digest:
                return cfg, layers
        raise SystemExit("no image " + digest)


def facts(m, t):
    f = {"type": "dir" if m.isdir() else "symlink" if m.issym() else "file" if m.isreg() else "other",
         "mode": m.mode & 0o7777, "uid": m.uid, "gid": m.gid, "size": m.size if m.isreg() else 0,
         "link": m.linkname if m.issym() else "", "listed": "hardlink" if m.islnk() else None}
    if m.isreg():
        f["sha"] = hashlib.sha256(t.extractfile(m).read()).hexdigest()
    f["listed"] = f["listed"] or f["type"]
    return f


def remove_below(tree, p, include):
    for k in [k for k in tree if k.startswith(p + "/") or (include and k == p) or (p == "" and k)]:
        del tree[k]


def apply_layer(tree, data):
    t = tarfile.open(fileobj=io.BytesIO(data))
    ms = t.getmembers()
    for m in ms:  # opaque markers first, then whiteouts
        if posixpath.basename(norm(m.name)) == ".wh..wh..opq":
            remove_below(tree, posixpath.dirname(norm(m.name)), False)
    for m in ms:
        b = posixpath.basename(norm(m.name))
        if b.startswith(".wh.") and b != ".wh..wh..opq" and not b.startswith(".wh..wh."):
            remove_below(tree, posixpath.join(posixpath.dirname(norm(m.name)), b[4:]), True)
    own = {}
    for m in ms:
        p = norm(m.name)
        if not p or posixpath.basename(p).startswith(".wh."):
            continue
        if m.islnk() and norm(m.linkname) in own:
            f = dict(own[norm(m.linkname)], listed="hardlink")
        else:
            f = facts(m, t)
            if not m.islnk():
                own.setdefault(p, f)
        parts = p.split("/")
        for i in range(1, len(parts)):
            q = "/".join(parts[:i])
            tree.setdefault(q, {"type": "dir", "mode": 0o755, "uid": 0, "gid": 0, "size": 0, "link": "",
                                "listed": "dir"})
        if p in tree and tree[p]["type"] == "dir" and f["type"] != "dir":
            remove_below(tree, p, False)
        tree[p] = f


def merged(layers, upto):
    tree = {}
    for get in layers[:upto + 1]:
        apply_layer(tree, get())
    return tree


def what(a, b):
    if a["type"] != b["type"]:
        return ["type"] + (["size"] if a["size"] != b["size"] else [])
    w = []
    if a["type"] == "file" and a["size"] != b["size"]:
        w += ["size", "content"]
    elif a["type"] == "file" and a.get("sha") != b.get("sha"):
        w += ["content"]
    if a["mode"] != b["mode"]:
        w.append("mode")
    if (a["uid"], a["gid"]) != (b["uid"], b["gid"]):
        w.append("owner")
    if a["type"] == "symlink" and a["link"] != b["link"]:
        w.append("link")
    return w


def diff(ta, tb, prefix):
    rows = {}
    inside = lambda p: not prefix or p == prefix or p.startswith(prefix + "/")
    for p in set(ta) | set(tb):
        if not inside(p):
            continue
        if p not in tb:
            rows[p] = ("deleted", [], ta[p]["listed"], ta[p]["size"], None)
        elif p not in ta:
            rows[p] = ("added", [], tb[p]["listed"], None, tb[p]["size"])
        else:
            w = what(ta[p], tb[p])
            if w:
                rows[p] = ("modified", sorted(w), tb[p]["listed"], ta[p]["size"], tb[p]["size"])
    return rows


def main(argv):
    ours = json.load(open(argv[0]))
    arch = Archive(argv[1])
    cfg_a, layers_a = arch.image(argv[2])
    if argv[3] == "--against":
        cfg_b, layers_b = Archive(argv[4]).image(argv[5])
        ta, tb = merged(layers_a, len(layers_a) - 1), merged(layers_b, len(layers_b) - 1)
        prefix = norm(argv[6]) if len(argv) > 6 else ""
    else:
        frm, to = int(argv[3]), int(argv[4])
        ta, tb = merged(layers_a, frm), merged(layers_a, len(layers_a) - 1 if to < 0 else to)
        prefix = norm(argv[5]) if len(argv) > 5 else ""
    want = diff(ta, tb, prefix)
    got = {r["path"]: (r["change"], sorted(r["what"]), r["type"], r["size_before"], r["size_after"])
           for r in ours["changes"]}
    errs = []
    if ours.get("schema_version") != 1:
        errs.append("schema_version %r" % ours.get("schema_version"))
    for p in sorted(set(want) | set(got)):
        if want.get(p) != got.get(p):
            errs.append("%s: ours %r, want %r" % (p, got.get(p), want.get(p)))
    s = ours["summary"]
    for c in ("added", "modified", "deleted"):
        n = sum(1 for v in want.values() if v[0] == c)
        if s[c] != n:
            errs.append("summary %s %d, want %d" % (c, s[c], n))
    if len(ours["changes"]) != len(got):
        errs.append("a path listed twice")
    print("; ".join(errs[:20]) or "%d rows match" % len(want))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
