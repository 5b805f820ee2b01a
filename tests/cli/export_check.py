#!/usr/bin/env python3
"""Independent reader for the export tests (Python tarfile only, no layerscope code).

  export_check.py images ARCHIVE        -> JSON: per image {tags, config_digest, diff_ids (sha256 of each
                                           uncompressed layer, computed here), merged: sorted [path, type]}
  export_check.py truth TRUTH.json      -> the same shape from a fixture's truth.json (merged_fs, diff_ids)
  export_check.py rootfs TAR            -> JSON: sorted [path, type, content sha256 or link target] of a plain tar
  export_check.py truthfs TRUTH.json TAG -> the same from the truth's merged_fs of the image tagged TAG ("" = first)
  export_check.py mutate KIND IN OUT    -> a damaged copy of an OCI-layout archive for `verify`:
       flip      one byte flipped in the middle of the first layer blob
       truncate  the first layer blob cut to half its length
       diffid    the first diff_id of the config changed, config digest, manifest and index recomputed
       missing   the first layer blob left out
Reads docker-archive (legacy, flat, docker-25 hybrid) and oci-archive.
"""
import gzip, hashlib, io, json, subprocess, sys, tarfile

def sha(b): return "sha256:" + hashlib.sha256(b).hexdigest()

def decompress(b):
    if b[:2] == b"\x1f\x8b": return gzip.decompress(b)
    if b[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dc"], input=b, stdout=subprocess.PIPE, check=True).stdout
    return b

class Archive:
    def __init__(self, path):
        self.t = tarfile.open(path)
        self.members = {m.name.lstrip("./") if m.name.startswith("./") else m.name: m for m in self.t.getmembers()}
    def read(self, name):
        m = self.members[name]
        while m.issym():
            import posixpath
            name = posixpath.normpath(posixpath.join(posixpath.dirname(name), m.linkname))
            m = self.members[name]
        return self.t.extractfile(m).read()
    def images(self):
        """[(tags, config_bytes, [layer_bytes_getter...])]"""
        out = []
        if "manifest.json" in self.members:
            for e in json.loads(self.read("manifest.json")):
                out.append((sorted(e.get("RepoTags") or []), self.read(e["Config"]),
                            [lambda p=p: self.read(p) for p in e["Layers"]]))
            return out
        idx = json.loads(self.read("index.json"))
        by = {}
        for d in idx["manifests"]:
            tag = (d.get("annotations") or {}).get("org.opencontainers.image.ref.name")
            by.setdefault(d["digest"], []).extend([tag] if tag else [])
        for dg, tags in by.items():
            m = json.loads(self.read("blobs/" + dg.replace(":", "/")))
            out.append((sorted(tags), self.read("blobs/" + m["config"]["digest"].replace(":", "/")),
                        [lambda d=l["digest"]: self.read("blobs/" + d.replace(":", "/")) for l in m["layers"]]))
        return out

def kind(m):
    return "dir" if m.isdir() else "symlink" if m.issym() else "file"

def merge(layers):
    fs = {}
    for raw in layers:
        t = tarfile.open(fileobj=io.BytesIO(decompress(raw)))
        ms = t.getmembers()
        for m in ms:  # opaque markers apply before the layer's own entries
            n = m.name.rstrip("/").removeprefix("./")
            base = n.rsplit("/", 1)[-1]
            if base == ".wh..wh..opq":
                d = n.rsplit("/", 1)[0] if "/" in n else ""
                for p in [p for p in fs if p.startswith(d + "/")]: del fs[p]
        for m in ms:
            n = m.name.rstrip("/").removeprefix("./")
            if not n or n == ".": continue
            d, _, base = n.rpartition("/")
            if base == ".wh..wh..opq": continue
            if base.startswith(".wh."):
                gone = (d + "/" if d else "") + base[4:]
                for p in [p for p in fs if p == gone or p.startswith(gone + "/")]: del fs[p]
                continue
            if not m.isdir():
                for p in [p for p in fs if p.startswith(n + "/")]: del fs[p]
            fs[n] = kind(m)
            parts = n.split("/")
            for i in range(1, len(parts)):
                fs.setdefault("/".join(parts[:i]), "dir")
    return sorted([p, k] for p, k in fs.items())

def images_cmd(path):
    res = []
    for tags, cfg, getters in Archive(path).images():
        layers = [g() for g in getters]
        res.append({"tags": tags, "config_digest": sha(cfg),
                    "diff_ids": [sha(decompress(b)) for b in layers], "merged": merge(layers)})
    return sorted(res, key=lambda r: r["config_digest"])

def truth_cmd(path):
    d = json.load(open(path))
    res = []
    ft = {"d": "dir", "f": "file", "l": "symlink"}
    for im in d["images"]:
        tags = im.get("repo_tags") or im.get("ref_names") or []
        merged = sorted([p["path"], ft.get(p["find_type"], p["find_type"])] for p in im["merged_fs"]["paths"])
        res.append({"tags": sorted(tags), "config_digest": im["config_digest"], "diff_ids": im["diff_ids"],
                    "merged": merged})
    return sorted(res, key=lambda r: r["config_digest"])

def mutate(kind_, src, dst):
    t = tarfile.open(src)
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    data = {m.name: b for m, b in members}
    idx = json.loads(data["index.json"])
    mpath = "blobs/" + idx["manifests"][0]["digest"].replace(":", "/")
    man = json.loads(data[mpath])
    lpath = "blobs/" + man["layers"][0]["digest"].replace(":", "/")
    drop = set()
    if kind_ == "flip":
        b = bytearray(data[lpath]); b[len(b) // 2] ^= 0x01; data[lpath] = bytes(b)
    elif kind_ == "truncate":
        data[lpath] = data[lpath][: len(data[lpath]) // 2]
    elif kind_ == "missing":
        drop.add(lpath)
    elif kind_ == "diffid":
        cpath = "blobs/" + man["config"]["digest"].replace(":", "/")
        cfg = json.loads(data[cpath])
        cfg["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64
        cb = json.dumps(cfg, separators=(",", ":")).encode()
        drop.update([cpath, mpath])
        data["blobs/" + sha(cb).replace(":", "/")] = cb
        man["config"] = {**man["config"], "digest": sha(cb), "size": len(cb)}
        mb = json.dumps(man, separators=(",", ":")).encode()
        data["blobs/" + sha(mb).replace(":", "/")] = mb
        for d in idx["manifests"]: d.update(digest=sha(mb), size=len(mb))
        data["index.json"] = json.dumps(idx).encode()
        if "manifest.json" in data:
            mj = json.loads(data["manifest.json"])
            for e in mj: e["Config"] = "blobs/" + sha(cb).replace(":", "/")
            data["manifest.json"] = json.dumps(mj).encode()
    else:
        sys.exit("unknown mutation " + kind_)
    names = [m.name for m, _ in members if m.name not in drop] + [n for n in data if n not in {m.name for m, _ in members}]
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as out:
        for n in names:
            m = next((m for m, _ in members if m.name == n), None)
            if m is not None and not m.isfile():
                out.addfile(m); continue
            ti = tarfile.TarInfo(n); ti.size = len(data[n]); ti.mode = 0o644
            out.addfile(ti, io.BytesIO(data[n]))

def rootfs_cmd(path):
    t = tarfile.open(path)
    files, out = {}, {}
    for m in t.getmembers():
        n = m.name.rstrip("/").removeprefix("./")
        if m.isfile(): files[n] = sha(t.extractfile(m).read()); out[n] = ["file", files[n]]
        elif m.islnk(): out[n] = ["file", files[m.linkname.removeprefix("./")]]
        elif m.issym(): out[n] = ["symlink", m.linkname]
        elif m.isdir(): out[n] = ["dir", ""]
        else: out[n] = ["other", ""]
    return sorted([p] + v for p, v in out.items())

def truthfs_cmd(path, tag):
    d = json.load(open(path))
    ims = [i for i in d["images"] if not tag or tag in (i.get("repo_tags") or i.get("ref_names") or [])]
    kinds = {"d": "dir", "f": "file", "l": "symlink"}
    out = []
    for p in ims[0]["merged_fs"]["paths"]:
        k = kinds.get(p["find_type"], "other")
        out.append([p["path"], k, p.get("sha256", "") if k == "file" else p.get("link", "") if k == "symlink" else ""])
    return sorted(out)

def attrs_cmd(tar, truth, tag):
    """Every exported entry's mode, owner and (hard)link against the topmost truth layer entry with that path."""
    d = json.load(open(truth))
    im = [i for i in d["images"] if not tag or tag in (i.get("repo_tags") or i.get("ref_names") or [])][0]
    top = {}
    for layer in im["layers"]:
        for e in layer["entries"]:
            top[e["path"].rstrip("/").removeprefix("./")] = e
    bad, n = [], 0
    for m in tarfile.open(tar).getmembers():
        name = m.name.rstrip("/")
        e = top.get(name)
        if e is None: continue
        n += 1
        if int(e["mode"], 8) & 0o7777 != m.mode & 0o7777 or e["uid"] != m.uid or e["gid"] != m.gid:
            bad.append((name, e["mode"], oct(m.mode), e["uid"], m.uid))
    print(json.dumps({"checked": n, "bad": bad[:5]}))
    sys.exit(1 if bad or n == 0 else 0)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "images": print(json.dumps(images_cmd(sys.argv[2])))
    elif cmd == "truth": print(json.dumps(truth_cmd(sys.argv[2])))
    elif cmd == "rootfs": print(json.dumps(rootfs_cmd(sys.argv[2])))
    elif cmd == "truthfs": print(json.dumps(truthfs_cmd(sys.argv[2], sys.argv[3])))
    elif cmd == "attrs": attrs_cmd(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "mutate": mutate(sys.argv[2], sys.argv[3], sys.argv[4])
    else: sys.exit("usage: export_check.py images|truth|mutate ...")
