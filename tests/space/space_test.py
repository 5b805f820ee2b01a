#!/usr/bin/env python3
"""Space figures (inspect --json `space`) and deleted-but-shipped findings,
checked against an independent computation written here: the layers' entries
(from Python's tarfile for archives generated here, from each fixture's
*.truth.json for ../shared/fixtures) applied bottom-up with the OCI whiteout
rules on a dict of paths, every stored regular-file copy followed until
something hides it.

usage: space_test.py --cli PATH/TO/layerscope [--fixtures DIR]
Prints one line per check and closes with 'N passed, M failed'.
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

PASSED = 0
FAILED = 0
TOP = 10


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print(f"ok   - {name}")
    else:
        FAILED += 1
        print(f"FAIL - {name} {detail}")


# ---- the independent computation -------------------------------------------

def norm(p):
    while p.startswith("./"):
        p = p[2:]
    return p.strip("/")


def expected_space(layers):
    """layers: per layer a list of (path, type, size, link) in tar order, markers
    included as files named .wh.*; type in file/dir/symlink/hardlink/other."""
    copies = []  # dicts: path, layer, idx, bytes, killed_by, how
    fs = {}      # present explicit path -> (layer, idx, type, copy index or None, link)

    def drop(keys, how, li, killed):
        for k in keys:
            c = fs.pop(k)[3]
            if c is not None and copies[c]["killed_by"] is None:
                copies[c]["killed_by"], copies[c]["how"] = li, how
                killed.append(c)

    def under(p):
        return [k for k in fs if k.startswith(p + "/")] if p else list(fs)

    for li, entries in enumerate(layers):
        killed = []
        named = [(norm(p), t, s, l) for (p, t, s, l) in entries]
        for p, t, s, l in named:  # opaque markers first, wherever they stand
            base = p.rsplit("/", 1)[-1]
            if base == ".wh..wh..opq":
                drop(under(p.rsplit("/", 1)[0] if "/" in p else ""), "opaque", li, killed)
        for p, t, s, l in named:
            base = p.rsplit("/", 1)[-1]
            if base.startswith(".wh.") and base != ".wh..wh..opq":
                d = p.rsplit("/", 1)[0] if "/" in p else ""
                target = (d + "/" if d else "") + base[4:]
                drop(([target] if target in fs else []) + under(target), "whiteout", li, killed)
        for idx, (p, t, s, l) in enumerate(e for e in named if not e[0].rsplit("/", 1)[-1].startswith(".wh.")):
            if not p:
                continue
            if t != "dir":
                drop(under(p), "parent-replaced", li, killed)
            if p in fs:
                drop([p], "overwritten", li, killed)
            c = None
            if t == "file":
                c = len(copies)
                copies.append(dict(path=p, layer=li, idx=idx, bytes=s, killed_by=None, how=None))
            fs[p] = (li, idx, t, c, norm(l) if l else "")
        for c in killed:  # hidden and written again by this layer: overwritten
            if copies[c]["path"] in fs:
                copies[c]["how"] = "overwritten"
    # A copy that a live hard link of its own layer shows is not dead.
    for p, (li, idx, t, c, link) in fs.items():
        if t != "hardlink":
            continue
        cands = [k for k in copies if k["layer"] == li and k["path"] == link and k["idx"] < idx]
        if cands:
            best = max(cands, key=lambda k: k["idx"])
            best["killed_by"], best["how"] = None, None
    return figures(copies, len(layers), fs)


def figures(copies, nlayers, fs):
    dead = [c for c in copies if c["killed_by"] is not None]
    live = [c for c in copies if c["killed_by"] is None]
    stored = sum(c["bytes"] for c in copies)
    wasted = sum(c["bytes"] for c in dead)
    ustored = sum(c["bytes"] for c in copies if c["layer"] > 0)
    uwasted = sum(c["bytes"] for c in dead if c["layer"] > 0)
    per = [dict(layer=i, bytes_added=0, bytes_made_dead=0, bytes_killed=0) for i in range(nlayers)]
    for c in copies:
        per[c["layer"]]["bytes_added"] += c["bytes"]
    for c in dead:
        per[c["layer"]]["bytes_made_dead"] += c["bytes"]
        per[c["killed_by"]]["bytes_killed"] += c["bytes"]
    order = lambda r: (-r["bytes"], r["path"].encode(), r.get("layer", -1))
    top = sorted((dict(path=c["path"], bytes=c["bytes"], layer=c["layer"], killed_by=c["killed_by"], how=c["how"])
                  for c in dead if c["bytes"] > 0), key=order)[:TOP]
    files = sorted((dict(path=c["path"], bytes=c["bytes"], layer=c["layer"]) for c in live if c["bytes"] > 0),
                   key=order)[:TOP]
    dirs = {}
    for c in live:
        parts = c["path"].split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            dirs[d] = dirs.get(d, 0) + c["bytes"]
    dirs = sorted((dict(path=d, bytes=b) for d, b in dirs.items() if b > 0), key=order)[:TOP]
    return dict(stored_bytes=stored, wasted_bytes=wasted, user_stored_bytes=ustored, user_wasted_bytes=uwasted,
                deleted_shipped_bytes=sum(c["bytes"] for c in dead if c["how"] != "overwritten"),
                efficiency=1 - wasted / stored if stored else 1.0,
                user_wasted_percent=uwasted / ustored if ustored else 0.0,
                layers=per, top_wasted=top, biggest_files=files, biggest_dirs=dirs,
                deleted=sorted((c["path"], c["layer"], c["killed_by"]) for c in dead
                               if c["how"] != "overwritten" and c["bytes"] > 0))


# ---- running layerscope -----------------------------------------------------

def run_json(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, timeout=120)
    if p.returncode != 0:
        return None, p
    return json.loads(p.stdout), p


def compare(name, got, want):
    if got is None:
        check(f"{name}: space object present", False)
        return
    for k in ("stored_bytes", "wasted_bytes", "user_stored_bytes", "user_wasted_bytes", "deleted_shipped_bytes",
              "layers", "top_wasted", "biggest_files", "biggest_dirs"):
        check(f"{name}: {k}", got.get(k) == want[k], f"\n  got  {got.get(k)}\n  want {want[k]}")
    for k in ("efficiency", "user_wasted_percent"):
        check(f"{name}: {k}", abs(got.get(k, -9) - want[k]) < 1e-9, f"got {got.get(k)} want {want[k]}")


def check_archive(cli, name, path, expected_by_image):
    doc, p = run_json(cli, "inspect", path, "--json")
    check(f"{name}: inspect --json exits 0", doc is not None, p.stderr.decode(errors="replace")[:300])
    if doc is None:
        return
    for i, im in enumerate(doc["images"]):
        want = expected_by_image(im)
        if want is None:
            check(f"{name}#{i}: image found in the independent data", False)
            continue
        compare(f"{name}#{i}", im.get("space"), want)
        fdoc, p = run_json(cli, "findings", path, str(i), "--json")
        check(f"{name}#{i}: findings --json exits 0", fdoc is not None, p.stderr.decode(errors="replace")[:300])
        if fdoc:
            got = sorted((f["path"], f["layer"], f["killed_by"]) for f in fdoc["findings"]
                         if f["rule"] == "deleted-but-shipped")
            check(f"{name}#{i}: deleted-but-shipped findings", got == want["deleted"], f"\n  got  {got}\n  want {want['deleted']}")
            hist = [f["history"] for f in fdoc["findings"] if f["rule"] == "deleted-but-shipped"]
            check(f"{name}#{i}: deleted-but-shipped names the deleting history step", all(h is not None for h in hist))


# ---- fixtures: entries from *.truth.json ----------------------------------

def truth_layers(im):
    layers = []
    for l in im["layers"]:
        links = {p: t for p, t in l.get("hardlinks", [])}
        layers.append([(e["path"], e["type"], e["size"] if e["type"] == "file" else 0, links.get(e["path"], ""))
                       for e in l["entries"]])
    return layers


def check_fixtures(cli, fixdir):
    names = sorted(n[:-4] for n in os.listdir(fixdir) if n.endswith(".tar"))
    for n in names:
        truth = json.load(open(os.path.join(fixdir, n + ".truth.json")))
        by_digest = {im["config_digest"]: im for im in truth["images"]}

        def want(im, by_digest=by_digest):
            t = by_digest.get(im["config_digest"])
            return expected_space(truth_layers(t)) if t else None
        check_archive(cli, n, os.path.join(fixdir, n + ".tar"), want)


# ---- generated archives: tarfile ------------------------------------------

def layer_tar(entries):
    """entries: (path, kind, size_or_target); kind file/dir/hardlink/symlink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, kind, arg in entries:
            ti = tarfile.TarInfo(path)
            ti.mtime = 1700000000
            if kind == "file":
                ti.size = arg
                t.addfile(ti, io.BytesIO(hashlib.sha256(path.encode()).digest() * (arg // 32 + 1)))
            elif kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type, ti.linkname = tarfile.LNKTYPE, arg
                t.addfile(ti)
            else:
                ti.type, ti.linkname = tarfile.SYMTYPE, arg
                t.addfile(ti)
    return buf.getvalue()


def write_docker_archive(path, layer_entries):
    blobs = [layer_tar(e) for e in layer_entries]
    ids = [hashlib.sha256(b).hexdigest() for b in blobs]
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + i for i in ids]},
                         "history": [{"created_by": f"step {i}"} for i in range(len(blobs))]}).encode()
    cid = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": cid + ".json", "RepoTags": ["gen/space:1"],
                            "Layers": [i + "/layer.tar" for i in ids]}]).encode()
    with tarfile.open(path, "w") as t:
        for name, data in [(cid + ".json", config), ("manifest.json", manifest)] + \
                          [(i + "/layer.tar", b) for i, b in zip(ids, blobs)]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))


CASES = {
    # a later layer overwrites; the same layer overwrites itself
    "overwrite": [[("a", "file", 100), ("b", "file", 70), ("b", "file", 30)], [("a", "file", 50)]],
    "whiteout": [[("d/", "dir", 0), ("d/x", "file", 40), ("d/keep", "file", 9)], [("d/.wh.x", "file", 0)]],
    "whiteout-dir": [[("w/a", "file", 11), ("w/sub/b", "file", 12)], [(".wh.w", "file", 0), ("z", "file", 1)]],
    "opaque": [[("o/y", "file", 33), ("o/z", "file", 44)],
               [("o/new", "file", 5), ("o/.wh..wh..opq", "file", 0)]],
    "parent-replaced": [[("p/q", "file", 60), ("p/r/s", "file", 61)], [("p", "file", 10)]],
    "parent-replaced-same-layer": [[("m/n", "file", 15), ("m", "file", 3)]],
    "hardlinks": [[("h", "file", 80), ("hl", "hardlink", "h"), ("g", "file", 7), ("gl", "hardlink", "g")],
                  [(".wh.h", "file", 0), ("gl", "file", 2)]],
    "whiteout-then-readd": [[("r", "file", 20)], [(".wh.r", "file", 0), ("r", "file", 25)]],
    "three-layers": [[("base/big", "file", 5000), ("base/small", "file", 10)],
                     [("app/one", "file", 300), ("app/two", "file", 400)],
                     [("app/one", "file", 301), ("app/.wh.two", "file", 0), ("base/big", "file", 5000),
                      ("tmp/", "dir", 0), ("tmp/cache", "file", 999)],
                     [(".wh.tmp", "file", 0)]],
}


def check_generated(cli, tmp):
    for name, layers in CASES.items():
        path = os.path.join(tmp, name + ".tar")
        write_docker_archive(path, layers)
        with tarfile.open(path) as outer:
            man = json.load(outer.extractfile("manifest.json"))
            read = []
            for member in man[0]["Layers"]:
                with tarfile.open(fileobj=io.BytesIO(outer.extractfile(member).read())) as lt:
                    read.append([(m.name, "file" if m.isfile() else "dir" if m.isdir() else
                                  "hardlink" if m.islnk() else "symlink", m.size if m.isfile() else 0,
                                  m.linkname if m.islnk() else "") for m in lt.getmembers()])
        want = expected_space(read)
        check_archive(cli, "generated/" + name, path, lambda im, w=want: w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--fixtures", default=os.environ.get("LAYERSCOPE_FIXTURES") or
                    os.path.join(os.path.dirname(__file__), "../../../shared/fixtures"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        check_generated(a.cli, tmp)
    check_fixtures(a.cli, a.fixtures)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
