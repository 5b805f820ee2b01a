#!/usr/bin/env python3
"""Generates the hostile-archive corpus and, for every case, what layerscope must say.

usage: make_corpus.py OUTDIR [--fixtures DIR] [--quick]

Everything is written here with the Python standard library (tar headers are
packed by hand so they can lie: bad checksums, 8 GiB sizes on 10-byte files,
base-256 and negative size fields) plus the `zstd` command, independently of
layerscope's code. Nothing large is committed: the corpus is generated at test
time (about 60 MB on disk, most of it the few cases derived from the shared
fixtures; the decompression bombs are a few MB that inflate to 3-8 GiB).

OUTDIR/cases.json lists the cases:
  {"name", "file", "desc", "group",
   "expect": {"open": "error", "code": "truncated", "where": "manifest.json", "message": "..."}
          or {"open": "ok", "warnings": [{"code", "where"?, "message"?}], "layers": [...],
              "ls": {...}, "cat": [...], "log": [...]}
          or {"open": "any"}     (random bit flips: any specific code, or success)
   "verify": {...same shape, for `inspect --verify`...}   (optional)
   "timeout": seconds (optional), "xfail": {check-prefix: reason} (optional)}
`where` / `message` are substrings that must occur in the error's place / text.
tests/hostile/hostile_test.py runs the corpus through the CLI and the wasm build.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import random
import struct
import subprocess
import sys
import tarfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
GiB = 1 << 30
MiB = 1 << 20
TAG = "hostile/base:1"
MTIME = 1700000000


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def hexof(b):
    return hashlib.sha256(b).hexdigest()


def prng(n, seed):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


def jdump(o):
    return json.dumps(o, separators=(",", ":")).encode()


def b(s):
    return s if isinstance(s, bytes) else s.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------- tar by hand

def _octal(n, width):
    return ("%0*o" % (width - 1, n)).encode() + b"\0"


def header(name, size=0, typ=b"0", mode=None, link=b"", uid=0, gid=0, mtime=MTIME,
           size_field=None, chksum=None, magic=b"ustar\x0000"):
    """One 512-byte ustar header. size_field overrides the 12-byte size field
    verbatim (base-256, negative, garbage); chksum overrides the checksum."""
    name, link = b(name), b(link)
    if mode is None:
        mode = 0o755 if typ in (b"5", b"2") else 0o644
    h = bytearray(512)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = _octal(mode, 8)
    h[108:116] = _octal(uid, 8)
    h[116:124] = _octal(gid, 8)
    h[124:136] = size_field if size_field is not None else _octal(size, 12)
    h[136:148] = _octal(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = typ
    h[157:157 + len(link[:100])] = link[:100]
    h[257:265] = magic
    h[265:269] = b"root"
    h[297:301] = b"root"
    s = sum(h) if chksum is None else chksum
    h[148:156] = ("%06o" % s).encode() + b"\0 "
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


def pax_records(recs):
    out = b""
    for k, v in recs.items():
        body = b" " + b(k) + b"=" + b(v) + b"\n"
        n = len(body) + 1
        while len(str(n).encode()) + len(body) != n:
            n += 1
        out += str(n).encode() + body
    return out


END = b"\0" * 1024


class E:
    """A tar entry. typ: '0' file, '5' dir, '2' symlink, '1' hardlink, or any byte.
    `raw` replaces the header verbatim; `declared` lies about the size."""

    def __init__(self, name, data=b"", typ="0", link="", mode=None, declared=None, size_field=None,
                 chksum=None, pax=None, raw=None, write_data=True):
        self.name, self.data, self.typ, self.link = b(name), data, b(typ), b(link)
        self.mode, self.declared, self.size_field, self.chksum = mode, declared, size_field, chksum
        self.pax, self.raw, self.write_data = pax, raw, write_data


def F(name, data=b"", **kw):
    return E(name, data, "0", **kw)


def D(name, **kw):
    return E(name, b"", "5", **kw)


def S(name, target, **kw):
    return E(name, b"", "2", target, **kw)


def H(name, target, **kw):
    return E(name, b"", "1", target, **kw)


def tar(entries, end=True):
    """Serialises entries; returns (bytes, [(name, header_offset, data_offset, size)])."""
    out = io.BytesIO()
    offs = []
    for e in entries:
        start = out.tell()
        recs = dict(e.pax or {})
        if len(e.name) > 100 or any(c >= 0x80 for c in e.name):
            recs.setdefault("path", e.name)
        if len(e.link) > 100 or any(c >= 0x80 for c in e.link):
            recs.setdefault("linkpath", e.link)
        if recs:
            body = pax_records(recs)
            out.write(header(b"PaxHeaders/" + e.name[-80:], len(body), b"x"))
            out.write(pad(body))
        size = len(e.data) if e.declared is None else e.declared
        out.write(e.raw if e.raw is not None else
                  header(e.name, size if e.typ == b"0" else 0, e.typ, e.mode, e.link,
                         size_field=e.size_field, chksum=e.chksum))
        data_off = out.tell()
        if e.write_data and e.data:
            out.write(pad(e.data))
        offs.append((e.name.decode("utf-8", "surrogateescape"), start, data_off, size))
    if end:
        out.write(END)
    return out.getvalue(), offs


def sparse_entry(name, segments, realsize):
    """A PAX 1.0 sparse file (as GNU tar --sparse writes it): the stored data is a
    text map of (offset, size) pairs padded to 512 bytes, then the segments'
    bytes; the holes between them read as zeros. Returns (entry, real content)."""
    m = b"%d\n" % len(segments) + b"".join(b"%d\n%d\n" % (off, len(d)) for off, d in segments)
    stored = pad(m) + b"".join(d for _, d in segments)
    real = bytearray(realsize)
    for off, d in segments:
        real[off:off + len(d)] = d
    e = E("GNUSparseFile.0/" + name, stored, pax={"GNU.sparse.major": "1", "GNU.sparse.minor": "0",
                                                   "GNU.sparse.name": name, "GNU.sparse.realsize": str(realsize)})
    return e, bytes(real)


def tarbytes(entries, end=True):
    return tar(entries, end)[0]


# ---------------------------------------------------------------- compression

def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zst(data, level=3):
    return subprocess.run(["zstd", "-q", f"-{level}", "-c"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def _gf2_times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """zlib's crc32_combine: the CRC of A+B from crc(A), crc(B), len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def gzip_zero_bomb(head, zeros, tail, chunk=64 * MiB):
    """One gzip member: head + `zeros` zero bytes + tail, built by repeating one
    full-flushed deflate segment (the compressor state resets at a full flush),
    so a multi-GiB stream costs a second to make and ~1 MB per GiB on disk."""
    assert zeros % chunk == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    seg = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    zc = zlib.crc32(b"\0" * chunk)
    crc = zlib.crc32(head)
    for _ in range(zeros // chunk):
        crc = crc32_combine(crc, zc, chunk)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    total = len(head) + zeros + len(tail)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + first + seg * (zeros // chunk) + last +
            struct.pack("<II", crc & 0xffffffff, total & 0xffffffff))


def zstd_zero_bomb(head, zeros, tail, chunk=256 * MiB):
    """Concatenated zstd frames: head, `zeros` zero bytes, tail."""
    assert zeros % chunk == 0
    return zst(head) + zst(b"\0" * chunk, 19) * (zeros // chunk) + zst(tail)


# ---------------------------------------------------------------- valid bases

BUSYBOX = prng(20000, 1)
README = b"".join(b"line %04d of the readme, long enough to span blocks\n" % i for i in range(60))
DATA = prng(8192, 2)


def base_layers():
    l0 = [D("etc/"), F("etc/hostname", b"base\n"), F("etc/os-release", b"ID=hostile\nVERSION_ID=1\n"),
          D("usr/"), D("usr/share/"), D("usr/share/doc/"), F("usr/share/doc/readme.txt", README),
          D("bin/"), F("bin/busybox", BUSYBOX, mode=0o755), S("bin/sh", "busybox"), H("bin/ls", "bin/busybox")]
    l1 = [F("etc/hostname", b"modified\n"), F("usr/share/doc/.wh.readme.txt"), D("app/"), F("app/data.bin", DATA)]
    l2 = [F("app/config.json", b'{"k":1}\n')]
    return [tarbytes(l0), tarbytes(l1), tarbytes(l2)]


# Paths and contents every intact base archive shows.
BASE_MERGED = ["etc", "etc/hostname", "etc/os-release", "usr", "usr/share", "usr/share/doc", "bin", "bin/busybox",
               "bin/sh", "bin/ls", "app", "app/data.bin", "app/config.json"]  # the whole merged tree of base_layers()
BASE_PRESENT = ["etc", "etc/hostname", "bin/busybox", "bin/sh", "bin/ls", "app/data.bin", "app/config.json"]
BASE_ABSENT = ["usr/share/doc/readme.txt", "usr/share/doc/.wh.readme.txt"]
BASE_CAT = [{"path": "etc/hostname", "data": "modified\n"},
            {"path": "bin/ls", "sha256": hexof(BUSYBOX)},
            {"path": "/app/data.bin", "sha256": hexof(DATA)},
            {"path": "usr/share/doc/readme.txt", "error": "not-found"},
            {"path": "bin/sh", "error": "invalid-argument"},
            {"path": "etc", "error": "invalid-argument"}]
BASE_LOG = [{"path": "etc/hostname", "events": [[0, "added"], [1, "modified"]]},
            {"path": "usr/share/doc/readme.txt", "events": [[0, "added"], [1, "deleted"]]}]


def config_for(layer_tars, history=None, patch=None):
    cfg = {"architecture": "amd64", "os": "linux", "created": "2024-05-01T10:00:00Z",
           "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Labels": {"org.example": "hostile"}},
           "rootfs": {"type": "layers", "diff_ids": [sha(t) for t in layer_tars]},
           "history": history if history is not None else
           [{"created": "2024-05-01T10:00:00Z", "created_by": f"step {i}"} for i in range(len(layer_tars))]}
    if patch:
        cfg.update(patch)
    return jdump(cfg)


def legacy(layer_tars=None, stored=None, config=None, tags=(TAG,), manifest=None, extra=(), before=(),
           layer_path=None, order="docker"):
    """A `docker save` (Engine <= 24) archive: <id>/layer.tar, <id>/VERSION, <id>/json,
    <hex>.json config, manifest.json, repositories. Returns (members, info)."""
    layer_tars = base_layers() if layer_tars is None else layer_tars
    stored = layer_tars if stored is None else stored
    config = config_for(layer_tars) if config is None else config
    members, paths, parent = list(before), [], ""
    for i, t in enumerate(stored):
        lid = hashlib.sha256((parent + "\n" + sha(layer_tars[i] if i < len(layer_tars) else t)).encode()).hexdigest()
        parent = lid
        p = layer_path(i, lid) if layer_path else f"{lid}/layer.tar"
        paths.append(p)
        members += [D(lid + "/"), F(lid + "/VERSION", b"1.0"), F(lid + "/json", jdump({"id": lid})), F(p, t)]
    cname = hexof(config) + ".json"
    if manifest is None:
        manifest = jdump([{"Config": cname, "RepoTags": list(tags), "Layers": paths}])
    tail = [F(cname, config), F("manifest.json", manifest),
            F("repositories", jdump({t.split(":")[0]: {t.split(":")[1]: parent} for t in tags}))]
    members = (tail + members) if order == "manifest-first" else (members + tail)
    members += list(extra)
    return members, {"config": cname, "layers": paths, "config_bytes": config}


LAYER_MT = {"none": "application/vnd.oci.image.layer.v1.tar",
            "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
            "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}


def oci(layer_tars=None, comps=("gzip", "zstd", "none"), stored=None, config=None, tags=(TAG,),
        manifest_patch=None, index=None, drop=(), extra=(), media_types=None, layout=True, sizes=None):
    """An oci-archive (skopeo order: blobs, index.json, oci-layout). Returns (members, info)."""
    layer_tars = base_layers() if layer_tars is None else layer_tars
    if stored is None:
        stored = [gz(t) if c == "gzip" else zst(t) if c == "zstd" else t for t, c in zip(layer_tars, comps)]
    config = config_for(layer_tars) if config is None else config
    blobs = {}

    def blob(data):
        blobs[hexof(data)] = data
        return sha(data)

    descs = [{"mediaType": (media_types or {}).get(i, LAYER_MT[comps[i]]), "digest": blob(s),
              "size": (sizes or {}).get(i, len(s))} for i, s in enumerate(stored)]
    cdig = blob(config)
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": len(config)},
           "layers": descs}
    if manifest_patch:
        man.update(manifest_patch)
    mbytes = jdump(man)
    mdig = blob(mbytes)
    if index is None:
        index = {"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": len(mbytes),
             "annotations": {"org.opencontainers.image.ref.name": t}} for t in tags]}
    members = [D("blobs/"), D("blobs/sha256/")]
    members += [F("blobs/sha256/" + h, d) for h, d in blobs.items() if "sha256:" + h not in drop]
    members.append(F("index.json", jdump(index) if not isinstance(index, bytes) else index))
    if layout:
        members.append(F("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'))
    members += list(extra)
    return members, {"manifest": mdig, "config": cdig, "layers": [d["digest"] for d in descs],
                     "stored": stored, "manifest_bytes": mbytes}


def placed(name):
    """Where containerd places a layer entry: the path cleaned and resolved below the root, a '..'
    at the root staying there (POSIX normpath of the rooted path); relative, as ls shows it."""
    return posixpath.normpath("/" + name).lstrip("/")


def blobp(digest):
    return "blobs/sha256/" + digest.split(":", 1)[1]


# ---------------------------------------------------------------- expectations

def err(code, where=None, message=None, **kw):
    e = {"open": "error", "code": code}
    if where is not None:
        e["where"] = where
    if message is not None:
        e["message"] = message
    e.update(kw)
    return e


def w(code, where=None, message=None):
    x = {"code": code}
    if where is not None:
        x["where"] = where
    if message is not None:
        x["message"] = message
    return x


def ok(warnings=(), only=None, layers=None, ls=None, cat=None, log=None, images=None, **kw):
    e = {"open": "ok", "warnings": list(warnings)}
    if only is not None:
        e["only_warnings"] = list(only)   # every warning's code must be in this list
    if layers is not None:
        e["layers"] = layers              # [{"image", "layer", "error"?, "present"?, "entries"?, ...}]
    if images is not None:
        e["images"] = images
    if ls is not None:
        e["ls"] = ls                      # {"present": [...], "absent": [...], "count"?, "error"?}
    if cat is not None:
        e["cat"] = cat                    # [{"path", "data"|"sha256"|"error"}]
    if log is not None:
        e["log"] = log                    # [{"path", "events": [[layer, change], ...]} | {"path", "error"}]
    e.update(kw)
    return e


BASE_OK = dict(ls={"present": BASE_PRESENT, "absent": BASE_ABSENT}, cat=BASE_CAT, log=BASE_LOG)
# An archive that holds no image: inspect describes it and exits 1, guessing no producer; every
# command that needs an image fails with not-an-image (skopeo and docker load refuse such archives).
NO_IMAGE = dict(ls={"error": "not-an-image"}, exit={"inspect": 1}, no_producer=True)


class Corpus:
    def __init__(self, out):
        self.out, self.cases, self.names = out, [], set()

    def add(self, name, data, expect, desc, group, **kw):
        assert name not in self.names, name
        self.names.add(name)
        fn = name + ".tar"
        with open(os.path.join(self.out, fn), "wb") as f:
            if isinstance(data, (bytes, bytearray)):
                f.write(data)
            else:
                for chunk in data:
                    f.write(chunk)
        c = {"name": name, "file": fn, "desc": desc, "group": group, "expect": expect}
        c.update(kw)
        self.cases.append(c)


# ---------------------------------------------------------------- the cases

def region_expect(offs, cut, archive):
    """What cutting a plain outer tar at `cut` must give when the cut falls inside
    a header (the error names the archive and the entry before), a payload (it
    names the member) or the padding after one; None at a member boundary."""
    if cut < 512:
        return err("truncated", archive, "shorter than one 512-byte tar header")
    prev = None
    for name, hdr, data, size in offs:
        end = data + size
        padded = data + size + (-size % 512)
        if hdr < cut < data:
            return err("truncated", archive, f"after entry '{prev}'" if prev else None)
        if data <= cut < end and size > 0:
            return err("truncated", name, "ends inside the data of entry")
        if end <= cut < padded:
            return err("truncated", archive, f"after entry '{name}'")
        prev = name
    return None


def gen_truncations(C, quick):
    layers = base_layers()
    for kind, (members, _) in (("legacy", legacy(layers)), ("oci", oci(layers))):
        data, offs = tar(members)
        total = len(data)
        last_end = max(d + s + (-s % 512) for _, _, d, s in offs)
        # Which member must be complete for the image to be readable at all.
        needed = {"legacy": "manifest.json", "oci": "index.json"}[kind]
        needed_end = [d + s for n, _, d, s in offs if n == needed][0]
        cuts = set()
        for name, hdr, dat, size in offs:
            cuts.update({hdr + 100, hdr + 511})             # inside a header (or a PAX header)
            if size:
                cuts.update({dat + size // 2, dat + 1})     # inside the payload
                if size % 512:
                    cuts.add(dat + size + 1)                # inside the padding
            cuts.add(hdr)                                   # at a member boundary
        for name, hdr, dat, size in offs:
            if name.endswith("layer.tar") or (kind == "oci" and size > 200):
                cuts.update({dat + 100, dat + 600})         # inside the layer's first/second header
        cuts.update({last_end + 100, last_end + 512, total - 1})  # inside the end-of-archive blocks
        cuts = sorted(c for c in cuts if 0 < c < total)
        if quick:
            cuts = cuts[::4]
        for cut in cuts:
            e = region_expect(offs, cut, f"trunc-{kind}-{cut}.tar")
            if e is None:
                # At a member boundary or inside the end blocks: the tar reader sees an
                # end without the end-of-archive marker, and must say it may be cut short.
                cutw = w("tar-warning", f"trunc-{kind}-{cut}.tar", "end-of-archive marker")
                if cut >= last_end:
                    e = ok([cutw], only=["tar-warning"], **BASE_OK)
                elif cut >= needed_end and kind == "legacy":
                    # manifest.json and every layer are complete (only `repositories` is lost).
                    e = ok([cutw], only=["tar-warning"], **BASE_OK)
                elif cut >= needed_end:
                    # index.json and every blob are there, oci-layout is lost.
                    e = ok([cutw, w("missing-oci-layout")], only=["tar-warning", "missing-oci-layout"], **BASE_OK)
                else:
                    e = err("truncated", f"trunc-{kind}-{cut}.tar", "end-of-archive marker")
            C.add(f"trunc-{kind}-{cut}", data[:cut], e,
                  f"{kind} base archive ({total} bytes) cut at byte {cut}", "truncation")

    # A truncated layer *stream* inside an intact outer tar (the blob itself is cut).
    l = base_layers()
    for comp in ("gzip", "zstd"):
        st = gz(l[0]) if comp == "gzip" else zst(l[0])
        cut = st[:len(st) // 2]
        members, info = oci(l, stored=[cut, gz(l[1]), l[2]] if comp == "zstd" else [cut, zst(l[1]), l[2]],
                            comps=(comp, "zstd" if comp == "gzip" else "gzip", "none"))
        C.add(f"trunc-{comp}-layer-stream", tarbytes(members),
              ok([w("layer-unreadable", blobp(info["layers"][0]), "truncated")],
                 only=["layer-unreadable"],
                 layers=[{"image": 0, "layer": 0, "error": "truncated"}],
                 cat=[{"path": "app/data.bin", "sha256": hexof(DATA)}]),
              f"the {comp} stream of layer 0 stops halfway (outer tar intact)", "truncation")
    members, info = oci(l, stored=[l[0][:700], l[1], l[2]], comps=("none", "none", "none"))
    C.add("trunc-plain-layer-in-header", tarbytes(members),
          ok([w("layer-unreadable", blobp(info["layers"][0]), "truncated")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 0, "error": "truncated"}]),
          "an uncompressed layer blob cut inside its second tar header", "truncation")
    members, info = oci(l, stored=[l[0][:len(l[0]) // 2 + 700], l[1], l[2]], comps=("none", "none", "none"))
    C.add("trunc-plain-layer-in-data", tarbytes(members),
          ok([w("layer-unreadable", blobp(info["layers"][0]), "truncated")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 0, "error": "truncated"}]),
          "an uncompressed layer blob cut inside an entry's payload", "truncation")

    # The whole archive compressed, then cut.
    data = tarbytes(legacy()[0])
    for comp, fn in (("gzip", gz), ("zstd", zst)):
        whole = fn(data)
        for frac in (0.1, 0.5, 0.97):
            cut = int(len(whole) * frac)
            C.add(f"trunc-outer-{comp}-{int(frac * 100)}", whole[:cut],
                  err("truncated", f"trunc-outer-{comp}-{int(frac * 100)}.tar"),
                  f"legacy archive, {comp}-compressed as a whole, cut at {int(frac * 100)}%", "truncation")


def gen_bitflips(C, quick):
    l = base_layers()
    members, info = legacy(l)
    data, offs = tar(members)
    om = {n: (h, d, s) for n, h, d, s in offs}

    def flip(buf, pos, bit=0):
        x = bytearray(buf)
        x[pos] ^= 1 << bit
        return bytes(x)

    h, d, s = om["manifest.json"]
    C.add("flip-outer-header-checksum", flip(data, h + 150),
          err("corrupt", "flip-outer-header-checksum.tar", "after entry '" + info["config"] + "'"),
          "a bit flipped in the checksum of manifest.json's tar header", "bitflip")
    C.add("flip-outer-header-name", flip(data, h + 3),
          err("corrupt", "flip-outer-header-name.tar"),
          "a bit flipped in the name of manifest.json's tar header (checksum now wrong)", "bitflip")
    C.add("flip-outer-header-size", flip(data, h + 124 + 5, 3),
          err("corrupt", "flip-outer-header-size.tar"),
          "a bit flipped in the size field of manifest.json's header", "bitflip")
    C.add("flip-manifest-json", data[:d] + b"{" + data[d + 1:],
          err("corrupt", "manifest.json", "JSON"),
          "manifest.json's opening '[' replaced by '{'", "bitflip")
    hc, dc, sc = om[info["config"]]
    C.add("flip-config-json", data[:dc + 10] + b"\x01" + data[dc + 11:],
          ok([w("invalid-config", info["config"], "JSON")], only=["invalid-config", "diff-ids-count-mismatch"],
             ls={"present": BASE_PRESENT}, cat=[{"path": "etc/hostname", "data": "modified\n"}]),
          "a control byte inside the image config's JSON", "bitflip")
    lp = info["layers"][1]
    hl, dl, sl = om[lp]
    C.add("flip-layer-header", flip(data, dl + 30),
          ok([w("layer-unreadable", lp, "corrupt")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 1, "error": "corrupt"}],
             cat=[{"path": "etc/hostname", "data": "base\n"}]),
          "a bit flipped in the first tar header inside layer 1 (checksum now wrong)", "bitflip")
    lp0 = info["layers"][0]
    h0, d0, s0 = om[lp0]
    off_bb = l[0].index(BUSYBOX[:64])
    flipped = flip(data, d0 + off_bb + 1000)
    C.add("flip-layer-data", flipped,
          ok([], only=[], cat=[{"path": "bin/busybox", "sha256": hexof(flip(BUSYBOX, 1000))}]),
          "a bit flipped inside a file's payload in layer 0: undetectable without --verify",
          "bitflip",
          # An uncompressed legacy layer's digest is its diff_id: both are reported.
          verify=ok([w("diff-id-mismatch", "layer 0")], only=["diff-id-mismatch", "digest-mismatch"]))
    # OCI: flips in compressed streams and a flipped config (digest no longer matches).
    members, info = oci(l)
    data, offs = tar(members)
    om = {n: (h, d, s) for n, h, d, s in offs}
    for i, comp in ((0, "gzip"), (1, "zstd")):
        p = blobp(info["layers"][i])
        h, d, s = om[p]
        # gzip: byte 3 is FLG (a reserved bit set: not gzip any more); zstd: byte 4 the frame header.
        for where_in, pos in (("stream", d + s // 2), ("header", d + (3 if comp == "gzip" else 4))):
            C.add(f"flip-{comp}-layer-{where_in}", flip(data, pos, 6 if comp == "gzip" and where_in == "header" else 2),
                  ok([w("layer-unreadable", p)], only=["layer-unreadable", "media-type-mismatch"],
                     layers=[{"image": 0, "layer": i, "error": "corrupt"}],
                     cat=[{"path": "app/config.json", "data": '{"k":1}\n'}]),
                  f"a bit flipped in the {where_in} of the {comp} stream of layer {i}", "bitflip",
                  verify=ok([w(["digest-mismatch", "layer-unreadable", "verify-failed"])],
                            only=["layer-unreadable", "media-type-mismatch", "digest-mismatch", "diff-id-mismatch",
                                  "verify-failed"]))
    p = blobp(info["layers"][0])
    h, d, s = om[p]
    C.add("flip-gzip-layer-crc", flip(data, d + s - 6),
          ok([w("layer-unreadable", p, "CRC-32 mismatch")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 0, "error": "corrupt"}]),
          "a bit flipped in the CRC-32 trailer of the gzip layer 0", "bitflip")
    p = blobp(info["config"])
    h, d, s = om[p]
    pos = d + info["config_bytes"].index(b"amd64") if "config_bytes" in info else d + s // 2
    cb = bytearray(data)
    k = cb.index(b'"amd64"', d, d + s)
    cb[k + 1:k + 6] = b"arm64"
    C.add("flip-oci-config-bytes", bytes(cb),
          ok([w("config-digest-mismatch", None)], only=["config-digest-mismatch"],
             images=[{"image": 0, "platform_architecture": "arm64"}]),
          "the config blob edited in place (amd64 -> arm64): its bytes no longer hash to its name", "bitflip")
    # Random flips over both bases: no crash, no hang, a specific code or success.
    rnd = random.Random(4)
    for kind in ("legacy", "oci"):
        data = tarbytes((legacy(l) if kind == "legacy" else oci(l))[0])
        for i in range(8 if quick else 40):
            pos = rnd.randrange(len(data) - 1024)
            C.add(f"flip-random-{kind}-{pos}-{i}", flip(data, pos, rnd.randrange(8)), {"open": "any"},
                  f"random bit flip at byte {pos} of the {kind} base", "bitflip")


def deep_json(depth, leaf=b"1"):
    return b"[" * depth + leaf + b"]" * depth


def gen_json(C):
    l = base_layers()
    cases = [
        ("json-manifest-invalid", b'[{"Config": "x.json", "Layers": [', err("corrupt", "manifest.json", "JSON"),
         "manifest.json ends in the middle of an array"),
        ("json-manifest-empty", b"", err("corrupt", "manifest.json", "JSON"), "manifest.json is 0 bytes"),
        ("json-manifest-object", b'{"Config": "x"}', err("corrupt", "manifest.json", "array"),
         "manifest.json is an object, not an array"),
        ("json-manifest-deep-100k", deep_json(100000), err("limit", "manifest.json", "nested"),
         "manifest.json is an array nested 100,000 deep"),
        ("json-manifest-deep-objects", b'{"a":' * 50000 + b"1" + b"}" * 50000, err("limit", "manifest.json", "nested"),
         "manifest.json is an object nested 50,000 deep"),
        ("json-manifest-null", b"null", ok([w("no-images", "manifest.json")], only=["no-images"],
                                           **NO_IMAGE),
         "manifest.json is `null`"),
        ("json-manifest-nul-bytes", b"[\0\0\0]", err("corrupt", "manifest.json", "JSON"),
         "manifest.json holds NUL bytes"),
        ("json-manifest-invalid-utf8", b'[{"Config":"\xff\xfe.json","RepoTags":["a:\xc3"]}]',
         err("corrupt", "manifest.json", "JSON"), "manifest.json has invalid UTF-8 inside strings"),
    ]
    for name, manifest, e, desc in cases:
        C.add(name, tarbytes(legacy(l, manifest=manifest)[0]), e, desc, "json")

    # Config problems are warnings: the layers can still be shown.
    for name, cfg, code, msg, desc in [
        ("json-config-deep-100k", b'{"a":' + deep_json(100000) + b"}", "invalid-config", "nested",
         "the image config holds an array nested 100,000 deep"),
        ("json-config-invalid", b'{"architecture": "amd64", ', "invalid-config", "JSON", "the config is cut short"),
        ("json-config-array", b"[1,2,3]", "invalid-config", "object", "the config is an array"),
    ]:
        C.add(name, tarbytes(legacy(l, config=cfg)[0]),
              ok([w(code, None, msg)], only=[code, "diff-ids-count-mismatch", "history-layer-mismatch"],
                 ls={"present": BASE_PRESENT}, cat=[{"path": "etc/hostname", "data": "modified\n"}]),
              desc, "json")
    # Absurd numbers and wrong types in the config: shown as text, no crash, no overflow.
    cfg = config_for(l)
    weird = cfg[:-1] + (b',"x-big":123456789012345678901234567890123456789,'
                        b'"x-small":-99999999999999999999999,"x-tiny":1e-999,"os.version":12,'
                        b'"Size":-5,"created":123,"author":["a"],"architecture":{"x":1}}')
    C.add("json-config-absurd-numbers", tarbytes(legacy(l, config=weird)[0]),
          ok([], only=[], **BASE_OK), "config with 40-digit integers, 1e-999, fields of the wrong types", "json")
    inf = cfg[:-1] + b',"x-num":1e999}'
    C.add("json-config-1e999", tarbytes(legacy(l, config=inf)[0]),
          ok([w("invalid-config", None, "1e999")], only=["invalid-config", "diff-ids-count-mismatch"],
             ls={"present": BASE_PRESENT}, cat=[{"path": "etc/hostname", "data": "modified\n"}]),
          "config with a number that overflows a double (1e999): the config is refused with the reason",
          "json")
    hist = cfg.replace(b'"history":[', b'"history":[{"created_by":5,"empty_layer":"yes"},null,7,'
                       b'{"empty_layer":1e-400},{"created":["x"]},', 1)
    C.add("json-config-history-wrong-types", tarbytes(legacy(l, config=hist)[0]),
          ok([w("history-layer-mismatch")], only=["history-layer-mismatch"], **BASE_OK),
          "history entries of the wrong JSON types", "json")
    noroot = config_for(l, patch={"rootfs": {"diff_ids": "sha256:nope"}})
    C.add("json-config-diffids-not-array", tarbytes(legacy(l, config=noroot)[0]),
          ok([w("diff-ids-count-mismatch")], only=["diff-ids-count-mismatch"], **BASE_OK),
          "rootfs.diff_ids is a string", "json")

    # OCI: index and manifest.
    C.add("json-index-deep-100k", tarbytes(oci(l, index=deep_json(100000))[0]),
          err("limit", "index.json", "nested"), "index.json nested 100,000 deep", "json")
    C.add("json-index-invalid", tarbytes(oci(l, index=b'{"manifests": [{"digest": ')[0]),
          err("corrupt", "index.json", "JSON"), "index.json cut short", "json")
    C.add("json-index-array", tarbytes(oci(l, index=b"[]")[0]),
          err("corrupt", "index.json", "object"), "index.json is an array", "json")
    C.add("json-index-manifests-not-array", tarbytes(oci(l, index=b'{"manifests": 5}')[0]),
          ok([w("invalid-index", "index.json")], only=["invalid-index", "no-images"], **NO_IMAGE),
          "index.json's manifests is a number", "json")
    C.add("json-index-1e999", tarbytes(oci(l, index=b'{"schemaVersion": 1e999, "manifests": []}')[0]),
          err("corrupt", "index.json", "1e999"), "index.json holds 1e999", "json")
    members, info = oci(l)
    mb = info["manifest_bytes"]
    deep = b'{"schemaVersion":2,"x":' + deep_json(100000) + b"}"
    members = [m if m.name != b(blobp(info["manifest"])) else F(blobp(info["manifest"]), deep) for m in members]
    C.add("json-oci-manifest-deep", tarbytes(members),
          ok([w("invalid-manifest", blobp(info["manifest"]), "nested"), w("no-images")],
             only=["invalid-manifest", "no-images"], **NO_IMAGE),
          "the image manifest blob is nested 100,000 deep (its digest no longer matches either)", "json")
    # Descriptor sizes: 1e999, huge, negative, a string.
    for name, val in (("inf", b"1e999"), ("huge", b"123456789012345678901234567890"), ("negative", b"-5"),
                      ("string", b'"12"'), ("negative-zero", b"-0"), ("max-u64", b"18446744073709551615")):
        members, info = oci(l)
        man = json.loads(info["manifest_bytes"])
        raw = jdump(man).replace(b'"size":%d' % len(info["stored"][1]), b'"size":' + val, 1)
        assert raw != jdump(man)
        newdig = sha(raw)
        idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": newdig, "size": len(raw),
                                                  "annotations": {"org.opencontainers.image.ref.name": TAG}}]}
        members = [m for m in members if m.name not in (b"index.json",)]
        members.insert(-1, F(blobp(newdig), raw))
        members.insert(-1, F("index.json", jdump(idx)))
        if name == "inf":
            e = ok([w("invalid-manifest", blobp(newdig), "1e999"), w("no-images")],
                   only=["invalid-manifest", "no-images"], **NO_IMAGE)
        elif name == "negative-zero":
            e = ok([w("size-mismatch", blobp(info["layers"][1]), "0 bytes")], only=["size-mismatch"], **BASE_OK)
        else:
            e = ok([w("invalid-descriptor", blobp(newdig) + ".layers[1]", "size")], only=["invalid-descriptor"],
                   **BASE_OK)
        C.add(f"json-descriptor-size-{name}", tarbytes(members), e,
              f"the layer 1 descriptor's size is {val.decode()}", "json")


def gen_missing(C):
    l = base_layers()
    members, info = legacy(l)
    C.add("missing-config", tarbytes([m for m in members if m.name != b(info["config"])]),
          ok([w("missing-config", "manifest.json[0]", info["config"])],
             only=["missing-config"], ls={"present": BASE_PRESENT},
             view_warnings=[w("missing-config", "manifest.json[0]")]),
          "manifest.json names a config that is not in the archive", "missing")
    C.add("missing-layer", tarbytes([m for m in members if m.name != b(info["layers"][1])]),
          ok([w("missing-blob", "manifest.json[0].Layers[1]", info["layers"][1])], only=["missing-blob"],
             layers=[{"image": 0, "layer": 1, "present": False}],
             view_warnings=[w("missing-blob", "layer 1: manifest.json[0].Layers[1]"), w("incomplete-image", "layer 1")],
             ls={"present": ["bin/busybox", "app/config.json", "usr/share/doc/readme.txt"], "absent": ["app/data.bin"]},
             cat=[{"path": "etc/hostname", "data": "base\n"}]),
          "manifest.json names a layer that is not in the archive (shown as absent, not fatal)", "missing")
    members, info = oci(l, drop=(None,))
    for what, dig, code, where in (("manifest", info["manifest"], "missing-blob", "index.json.manifests[0]"),
                                   ("config", info["config"], "missing-config", blobp(info["manifest"])),
                                   ("layer", info["layers"][0], "missing-blob", blobp(info["manifest"]) + ".layers[0]")):
        m2 = oci(l, drop=(dig,))[0]
        extra = {"manifest": dict(only=["missing-blob", "no-images"], **NO_IMAGE),
                 "config": dict(only=["missing-config"], ls={"present": BASE_PRESENT}),
                 "layer": dict(only=["missing-blob"], layers=[{"image": 0, "layer": 0, "present": False}],
                               cat=[{"path": "bin/busybox", "error": "not-found"},
                                    {"path": "app/data.bin", "sha256": hexof(DATA)}])}[what]
        C.add(f"missing-oci-{what}-blob", tarbytes(m2), ok([w(code, where, dig)], **extra),
              f"index/manifest refers to a {what} blob that is not stored", "missing")
    # Digests that do not match: config (found at open) and layers (found by --verify).
    members, info = oci(l)
    wrong = [m if m.name != b(blobp(info["layers"][2])) else F(m.name, l[2].replace(b"k", b"K")) for m in members]
    C.add("digest-mismatch-oci-layer", tarbytes(wrong),
          ok([], only=[], cat=[{"path": "app/config.json", "data": '{"K":1}\n'}]),
          "layer 2's blob was edited: its bytes no longer hash to its name (only --verify can tell)", "digest",
          verify=ok([w("digest-mismatch", "layer 2"), w("diff-id-mismatch", "layer 2")],
                    only=["digest-mismatch", "diff-id-mismatch"]))
    cfg = config_for(l, patch={"rootfs": {"type": "layers", "diff_ids": [sha(l[0]), "sha256:" + "0" * 64, sha(l[2])]}})
    C.add("digest-mismatch-legacy-diffid", tarbytes(legacy(l, config=cfg)[0]),
          ok([], only=[], **BASE_OK), "the config's diff_id for layer 1 is wrong (only --verify can tell)", "digest",
          verify=ok([w("diff-id-mismatch", "layer 1")], only=["diff-id-mismatch", "digest-mismatch"]))
    members, info = oci(l, sizes={1: 12345})
    C.add("digest-size-mismatch", tarbytes(members),
          ok([w("size-mismatch", blobp(info["layers"][1]), "12345")], only=["size-mismatch"], **BASE_OK),
          "the layer 1 descriptor says 12345 bytes", "digest")
    members, info = oci(l, media_types={0: LAYER_MT["zstd"]})
    C.add("digest-media-type-mismatch", tarbytes(members),
          ok([w("media-type-mismatch", blobp(info["layers"][0]), "gzip")], only=["media-type-mismatch"], **BASE_OK),
          "layer 0 is gzip but its media type says zstd", "digest")
    members, info = oci(l)
    man = json.loads(info["manifest_bytes"])
    man["layers"][1]["digest"] = "sha256:../../../../etc/passwd"
    man["config"]["digest"] = "md5:zz"
    raw = jdump(man)
    idx = {"schemaVersion": 2, "manifests": [
        {"mediaType": man["mediaType"], "digest": sha(raw), "size": len(raw)},
        {"mediaType": man["mediaType"], "digest": "sha256:/../../etc/shadow"},
        {"mediaType": man["mediaType"], "digest": 5}]}
    members = [m for m in members if m.name != b"index.json"] + [F(blobp(sha(raw)), raw), F("index.json", jdump(idx))]
    C.add("digest-malformed", tarbytes(members),
          ok([w("invalid-descriptor", ".layers[1]", "etc/passwd"), w("invalid-descriptor", "manifests[1]"),
              w("missing-config")],
             only=["invalid-descriptor", "missing-config", "missing-blob"]),
          "digests with ../ paths, a bad algorithm and a number", "digest")


def gen_paths(C):
    l = base_layers()
    evil = tarbytes([F("../../../../../../tmp/layerscope-hostile-pwned", b"pwned-relative\n"),
                     F("/tmp/layerscope-hostile-abs", b"pwned-absolute\n"),
                     F("/etc/passwd", b"root:x:0:0:not the host's passwd:/root:/bin/sh\n"),
                     F("a/b/../../../escape.txt", b"escape\n"),
                     S("host-passwd", "/etc/passwd"), S("up", "../../../../../../etc/shadow"),
                     F("./././dot.txt", b"dot\n"), F("//double//slash.txt", b"dd\n")])
    lt = l + [evil]
    members, info = legacy(lt)
    C.add("paths-layer-dotdot-absolute", tarbytes(members),
          ok([w("entry-path-escapes", info["layers"][3] + ": ../../../../../../tmp/layerscope-hostile-pwned"),
              w("entry-path-escapes", info["layers"][3] + ": a/b/../../../escape.txt"),
              w("entry-path-absolute", info["layers"][3] + ": /etc/passwd")],
             only=["entry-path-escapes", "entry-path-absolute"],
             view_warnings=[w("entry-path-escapes", "layer 3: "), w("entry-path-absolute", "layer 3: ")],
             ls={"present": [placed(n) for n in ("../../../../../../tmp/layerscope-hostile-pwned",
                                                  "/tmp/layerscope-hostile-abs", "/etc/passwd",
                                                  "a/b/../../../escape.txt", "host-passwd", "./././dot.txt",
                                                  "//double//slash.txt")]},
             cat=[{"path": "etc/passwd", "data": "root:x:0:0:not the host's passwd:/root:/bin/sh\n"},
                  {"path": "/etc/passwd", "data": "root:x:0:0:not the host's passwd:/root:/bin/sh\n"},
                  {"path": "../../../../../../tmp/layerscope-hostile-pwned", "data": "pwned-relative\n"},
                  {"path": "../../../../../../etc/hostname", "data": "modified\n"},
                  {"path": "/../../etc/shadow", "error": "not-found"},
                  {"path": "host-passwd", "error": "invalid-argument"},
                  {"path": "up", "error": "invalid-argument"},
                  {"path": "tmp/layerscope-hostile-abs", "data": "pwned-absolute\n"}],
             log=[{"path": "/etc/passwd", "events": [[3, "added"]]}]),
          "layer entries with ../ and absolute names, symlinks to host files: placed where containerd places them "
          "(clamped at /) and flagged; symlinks never resolved", "paths",
          sentinels=["/tmp/layerscope-hostile-pwned", "/tmp/layerscope-hostile-abs"])
    # Outer members with ../ and absolute names, and the manifest referring to them.
    members, info = legacy(l, layer_path=lambda i, lid: ["../../outside/layer.tar", "/abs/layer.tar",
                                                          "./x/../y/layer.tar"][i])
    C.add("paths-outer-dotdot-absolute", tarbytes(members),
          ok([], only=["symlinked-layer"], **BASE_OK),
          "outer members named ../../outside/layer.tar and /abs/layer.tar (names only)", "paths")
    # Symlink loops between outer members.
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [S("manifest.json", "a"), S("a", "b"),
                                                                      S("b", "manifest.json")]
    C.add("paths-outer-symlink-loop", tarbytes(members), err("corrupt", "manifest.json", "form a loop"),
          "manifest.json -> a -> b -> manifest.json (symlinks between outer members)", "paths")
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [S("manifest.json", "manifest.json")]
    C.add("paths-outer-symlink-self", tarbytes(members), err("corrupt", "manifest.json", "form a loop"),
          "manifest.json is a symlink to itself", "paths")
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [S("manifest.json", "../../../../etc/passwd")]
    C.add("paths-outer-symlink-escape", tarbytes(members), err("not-found", "manifest.json", "etc/passwd"),
          "manifest.json is a symlink to ../../../../etc/passwd (never read from the host)", "paths")
    members, info = legacy(l)
    lp = info["layers"][1]
    members = [m for m in members if m.name != b(lp)] + [H(lp, "x/layer.tar"), H("x/layer.tar", lp)]
    C.add("paths-outer-hardlink-loop", tarbytes(members),
          ok([w("missing-blob", "Layers[1]", "form a loop")], only=["missing-blob", "symlinked-layer"],
             layers=[{"image": 0, "layer": 1, "present": False}]),
          "a layer member that is a hardlink loop between two outer members", "paths")
    members, info = legacy(l)
    lp = info["layers"][2]
    members = [m for m in members if m.name != b(lp)] + [S(lp, "../" * 30 + "dev/zero")]
    C.add("paths-outer-layer-symlink-to-dev-zero", tarbytes(members),
          ok([w("missing-blob", "Layers[2]", "dev/zero")], only=["missing-blob", "symlinked-layer"],
             view_warnings=[w("missing-blob", "layer 2: "), w("incomplete-image", "layer 2")],
             layers=[{"image": 0, "layer": 2, "present": False}]),
          "a layer member that is a symlink to ../../dev/zero", "paths")
    # Hardlinks inside a layer: loops, missing targets, self links.
    hl = tarbytes([H("loop-a", "loop-b"), H("loop-b", "loop-a"), H("self", "self"), H("dangling", "no/such/file"),
                   H("to-dir", "etc"), F("real", b"real\n"), H("chain1", "real"), H("chain2", "chain1")])
    C.add("paths-layer-hardlinks", tarbytes(legacy(l + [hl])[0]),
          ok([w("hardlink-target-missing", ": loop-a"), w("hardlink-target-missing", ": self"),
              w("hardlink-target-missing", ": dangling"), w("hardlink-target-missing", ": to-dir")],
             only=["hardlink-target-missing"], view_warnings=[w("hardlink-target-missing", "layer 3: ")],
             ls={"present": ["loop-a", "loop-b", "self", "dangling", "to-dir", "chain2"]},
             cat=[{"path": "loop-a", "error": ["corrupt", "invalid-argument", "not-found"]},
                  {"path": "self", "error": ["corrupt", "invalid-argument", "not-found"]},
                  {"path": "dangling", "error": "not-found"},
                  {"path": "to-dir", "error": ["invalid-argument", "not-found"]},
                  {"path": "chain1", "data": "real\n"},
                  {"path": "chain2", "data": "real\n"}]),
          "hardlink loops, a self link, a link to a missing file and to a directory", "paths")
    # Duplicate entries.
    dup = tarbytes([F("dup.txt", b"first\n"), F("dup.txt", b"second\n"), D("dir-then-file"),
                    F("dir-then-file/child", b"c"), F("dir-then-file", b"now a file\n"),
                    F("file-then-dir", b"f"), D("file-then-dir"), F("file-then-dir/x", b"x\n")])
    C.add("paths-duplicate-entries", tarbytes(legacy(l + [dup])[0]),
          ok([w("duplicate-entry", ": dup.txt"), w("duplicate-entry", ": dir-then-file"),
              w("duplicate-entry", ": file-then-dir")], only=["duplicate-entry"],
             view_warnings=[w("duplicate-entry", "layer 3: ")],
             ls={"present": ["dup.txt", "dir-then-file", "file-then-dir/x"], "absent": ["dir-then-file/child"]},
             cat=[{"path": "dup.txt", "data": "second\n"}, {"path": "dir-then-file", "data": "now a file\n"},
                  {"path": "file-then-dir/x", "data": "x\n"}, {"path": "file-then-dir", "error": "invalid-argument"}]),
          "the same path twice in one layer; a dir replaced by a file and vice versa", "paths")
    members, info = legacy(l)
    members.append(F("manifest.json", b"garbage, not json"))
    C.add("paths-duplicate-manifest", tarbytes(members), err("corrupt", "manifest.json", "JSON"),
          "two manifest.json members; the last (garbage) wins, and says so", "paths",
          )
    members, info = legacy(l)
    members.insert(0, F("manifest.json", b"[]"))
    C.add("paths-duplicate-manifest-first-empty", tarbytes(members),
          ok([w("duplicate-member", "manifest.json")], only=["duplicate-member"], **BASE_OK),
          "an empty manifest.json member before the real one", "paths")
    # Odd whiteouts: of "", "." and ".." (name nothing: ignored), an aufs-style .wh..wh. name (ignored, as moby does).
    wh = tarbytes([F("bin/.wh."), F("bin/.wh.."), F("bin/.wh..."), F("etc/.wh..wh..opqX", b"aufs meta\n"),
                   F("new.txt", b"n\n")])
    C.add("paths-odd-whiteouts", tarbytes(legacy(l + [wh])[0]),
          ok([], only=[], ls={"present": ["bin", "bin/busybox", "etc/hostname", "new.txt"],
                              "absent": ["etc/.wh..wh..opqX", "bin/.wh.", "bin/.wh..", ".."]},
             cat=[{"path": "bin/busybox", "sha256": hexof(BUSYBOX)}]),
          "whiteouts named .wh., .wh.. and .wh... (of nothing), an aufs .wh..wh. name", "paths")
    wh = tarbytes([F(".wh..wh..opq"), F(".wh.app"), F("only.txt", b"o\n")])
    C.add("paths-root-opaque", tarbytes(legacy(l + [wh])[0]),
          ok([], only=[], ls={"present": ["only.txt"], "absent": ["etc", "etc/hostname", "bin/busybox", "app"]},
             cat=[{"path": "etc/hostname", "error": "not-found"}],
             log=[{"path": "etc/hostname", "events": [[0, "added"], [1, "modified"], [3, "deleted"]]}]),
          "an opaque marker at the layer's root hides every lower layer", "paths")
    # A directory entry / FIFO / device where manifest.json should be.
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [D("manifest.json")]
    C.add("paths-manifest-is-dir", tarbytes(members), err("corrupt", "manifest.json", "regular file"),
          "manifest.json is a directory entry", "paths")
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [E("manifest.json", typ="6")]
    C.add("paths-manifest-is-fifo", tarbytes(members), err("corrupt", "manifest.json", "regular file"),
          "manifest.json is a FIFO entry", "paths")
    # Names and link targets beyond PATH_MAX.
    lay = tarbytes([S("long-link", "t/" * 2500), F("fine", b"f")])
    members, info = legacy(l + [lay])
    C.add("paths-layer-symlink-target-5000", tarbytes(members),
          ok([w("entry-over-limit", info["layers"][3] + ": long-link", "link target")], only=["entry-over-limit"],
             layers=[{"image": 0, "layer": 3, "entries": 1}], view_warnings=[w("entry-over-limit", "layer 3: ")],
             ls={"present": ["fine"], "absent": ["long-link"]}),
          "a symlink whose target is 5000 bytes (over PATH_MAX): skipped, the layer's other entry kept", "paths")
    members, info = legacy(l)
    members.append(F("n" * 5000, b"x"))
    C.add("paths-outer-member-name-5000", tarbytes(members),
          ok([w("tar-warning", None, "ignored")], only=["tar-warning"], **BASE_OK),
          "an outer member with a 5000-byte name (ignored, said so)", "paths")
    # Sparse files: stored bytes are a map plus segments, not the content.
    sp, real = sparse_entry("sparse.bin", [(0, b"HEAD"), (3 * MiB, b"MIDDLE"), (6 * MiB, b"TAIL")], 6 * MiB + 4)
    after = prng(7 * MiB, 11)
    lay = tarbytes([sp, F("after.bin", after)])
    for comp in ("none", "gzip"):
        members, info = oci(l + [lay], comps=("gzip", "zstd", "none", comp),
                            stored=[gz(l[0]), zst(l[1]), l[2], lay if comp == "none" else gz(lay)])
        C.add(f"paths-sparse-file-{comp}-layer", tarbytes(members),
              ok([], only=[], ls={"present": ["sparse.bin", "after.bin"], "absent": ["GNUSparseFile.0"]},
                 cat=[{"path": "sparse.bin", "sha256": hexof(real)}, {"path": "after.bin", "sha256": hexof(after)}]),
              f"a PAX 1.0 sparse file (6 MiB, 14 bytes stored) followed by a 7 MiB file, in a {comp} layer "
              "(read by position, the stored bytes and the next file would pass for its content)", "paths")
    dev = tarbytes([E("dev/null", typ="3"), E("dev/sda", typ="4"), E("fifo", typ="6"), E("weird", typ="Z"),
                    F("regular", b"r")])
    C.add("paths-layer-devices", tarbytes(legacy(l + [dev])[0]),
          ok([], only=[], ls={"present": ["dev/null", "dev/sda", "fifo", "regular"]},
             cat=[{"path": "dev/null", "error": "invalid-argument"}, {"path": "fifo", "error": "invalid-argument"},
                  {"path": "regular", "data": "r"}]),
          "device nodes, a FIFO and an unknown type flag in a layer", "paths")


HOSTILE_TEXT = "<script>alert(1)</script><img src=x onerror=alert(2)>\x1b[31mRED\x1b[0m\x07\r\nline2\x1b]0;pwned\x07"


def gen_names(C):
    l = base_layers()
    names = [b"bad-utf8-\xff\xfe\xc3(.txt", b"<script>alert('x')</script>.html",
             b"<img src=x onerror=alert(1)>", b"esc-\x1b[2J\x1b[31mred", b"bell-\x07-cr-\r-nl-\n-tab-\t-end",
             b"del-\x7f", "rtl-\u202ejpg.exe".encode(), b"overlong-\xc0\xaf", b"surrogate-\xed\xa0\x80",
             b"c1-csi-\xc2\x9b31mred", b"x" * 255, b"long/" + b"y" * 250 + b"/" + b"z" * 250]
    names_tar = tarbytes([F(n, b"n") for n in names])
    cfg = config_for(l + [names_tar],
                     history=[{"created_by": HOSTILE_TEXT, "comment": "<b>bold</b>", "author": HOSTILE_TEXT}] * 3 +
                     [{"created_by": "x" * 43 + "日本語のコマンド", "comment": "c1 \u009b31m"}],
                     patch={"author": HOSTILE_TEXT,
                            "config": {"Labels": {HOSTILE_TEXT: HOSTILE_TEXT, "<x>": "</textarea><script>1</script>"},
                                       "Env": [HOSTILE_TEXT], "Cmd": [HOSTILE_TEXT]}})
    members, info = legacy(l + [names_tar], config=cfg, tags=("evil/<script>:1",))
    manifest = json.loads(next(m.data for m in members if m.name == b"manifest.json"))
    manifest[0]["RepoTags"] = ["evil/<script>alert(1)</script>:latest", "esc\u001b[31m:red", "x:\u0007"]
    members = [m if m.name != b"manifest.json" else F("manifest.json", jdump(manifest)) for m in members]
    # In JSON a name is the UTF-8 text with each invalid byte written as \xNN (docs/json-schema.md).
    C.add("names-hostile-text", tarbytes(members),
          ok([], only=[], ls={"present": [n.decode("utf-8", "backslashreplace") for n in names]},
             cat=[{"path": "<script>alert('x')</script>.html", "data": "n"},
                  {"path": "esc-\x1b[2J\x1b[31mred", "data": "n"}],
             log=[{"path": "<img src=x onerror=alert(1)>", "events": [[3, "added"]]}]),
          "invalid UTF-8, control characters, terminal escapes, C1 controls and HTML/script in names, tags, "
          "labels, history", "names")
    # Platform, created times and digests from the config/manifest carry escapes too.
    cfg = json.loads(config_for(l, history=[{"created": HOSTILE_TEXT, "created_by": "a"}, {"created": "\x1b[2J"},
                                             {"created_by": "c"}]))
    cfg.update({"architecture": "\x1b[2Jarch", "os": "linux\u009b31m", "variant": "<script>v</script>",
                "created": "\x1b]0;pwned\x07"})
    cfg = jdump(cfg)
    members, info = oci(l, config=cfg, drop=(sha(cfg),))
    man = json.loads(info["manifest_bytes"])
    man["layers"][2]["digest"] = "sha256:\x1b[2J\u009b31m<b>"
    man["config"]["digest"] = "sha256:\x1b]0;cfg\x07"
    raw = jdump(man)
    idx = {"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": sha(raw), "size": len(raw),
                                              "annotations": {"org.opencontainers.image.ref.name": "x:\x1b[31m"},
                                              "platform": {"os": "\x1b[5m", "architecture": "<i>"}}]}
    members = [m for m in members if m.name != b"index.json"] + [F(blobp(sha(raw)), raw), F("index.json", jdump(idx))]
    C.add("names-hostile-platform-and-digests", tarbytes(members),
          ok([w("missing-config"), w("invalid-descriptor")], only=["missing-config", "invalid-descriptor",
                                                                  "missing-blob"]),
          "escapes in the platform, created times, a layer digest, a missing config's digest and a ref name", "names")
    # Member names with escapes in an archive that is not an image: the error lists them.
    junk = tarbytes([F(b"\x1b]0;pwned\x07\x1b[2Jclear", b"x"), F(b"<script>alert(1)</script>", b"y"),
                     F(b"\xff\xfe", b"z")])
    C.add("names-not-an-image-escapes", junk, err("not-an-image", "names-not-an-image-escapes.tar"),
          "a tar with no image whose member names carry terminal escapes", "names", check_text=True)
    # A fatal error whose place is a hostile member name.
    members, info = legacy(l)
    members = [m for m in members if m.name != b"manifest.json"] + [S("manifest.json", "\x1b[2J\x1b]0;pwned\x07")]
    C.add("names-error-where-escapes", tarbytes(members), err("not-found", "manifest.json", "\\x1b[2J"),
          "manifest.json is a dangling symlink whose target is a terminal escape", "names")
    # A fatal error whose `where` is a hostile member name: the CLI prints it.
    members, info = legacy(l, order="manifest-first")
    evil = "\x1b]0;pwned\x07\x1b[2Jhuge"
    members.append(F(evil, b"0123456789", declared=1 << 20))
    C.add("names-error-where-is-hostile-member", tarbytes(members), err("truncated", evil),
          "an archive cut inside a member whose name is a terminal escape sequence", "names")


def gen_sizes(C):
    l = base_layers()
    members, info = legacy(l, order="manifest-first")
    members.append(F("huge.bin", b"0123456789", declared=8 * GiB))
    C.add("size-outer-8gib-declared", tarbytes(members), err("truncated", "huge.bin", "8589934592"),
          "an outer member whose size field says 8 GiB over 10 bytes of data", "sizes")
    members, info = legacy(l, order="manifest-first")
    members.append(F("huge256.bin", b"0123456789", size_field=b"\x80" + (1 << 62).to_bytes(11, "big")))
    C.add("size-outer-base256-2pow62", tarbytes(members), err(["truncated", "corrupt"], None),
          "an outer member with a base-256 size of 2^62", "sizes")
    members, info = legacy(l, order="manifest-first")
    members.append(F("neg.bin", b"0123456789", size_field=b"\xff" * 12))
    C.add("size-outer-base256-negative", tarbytes(members), err(["corrupt", "truncated"], None),
          "an outer member with a negative base-256 size (-1)", "sizes")
    members, info = legacy(l, order="manifest-first")
    members.append(F("neg2.bin", b"", size_field=b"-0000000012\0"))
    C.add("size-outer-minus-octal", tarbytes(members), {"open": "any"},
          "an outer member whose size field is '-0000000012'", "sizes")
    lay = tarbytes([F("small", b"s"), F("liar", b"0123456789", declared=8 * GiB)])
    members, info = legacy(l + [lay])
    # The outer member holding this layer is intact; the lie is inside the layer.
    C.add("size-layer-entry-8gib-declared", tarbytes(members),
          ok([w("layer-unreadable", info["layers"][3], "liar")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 3, "error": "truncated"}],
             cat=[{"path": "etc/hostname", "data": "modified\n"}]),
          "a layer entry whose size field says 8 GiB over 10 bytes (the layer ends first)", "sizes")
    lay = tarbytes([F("small", b"s"), F("liar256", b"0123", size_field=b"\x80" + (1 << 62).to_bytes(11, "big"))])
    members, info = legacy(l + [lay])
    C.add("size-layer-entry-base256", tarbytes(members),
          ok([w("layer-unreadable", info["layers"][3])], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 3, "error": ["truncated", "corrupt"]}]),
          "a layer entry with a base-256 size of 2^62", "sizes")
    # A PAX size record of 10^30 and one of -1.
    lay = tarbytes([F("paxsize", b"abc", pax={"size": "1" + "0" * 30}), F("after", b"a")])
    members, info = legacy(l + [lay])
    C.add("size-layer-pax-size-huge", tarbytes(members), {"open": "any", "layer_error_or_ok": 3},
          "a PAX size record of 10^30", "sizes")
    lay = tarbytes([F("paxneg", b"abc", pax={"size": "-1"}), F("after", b"a")])
    members, info = legacy(l + [lay])
    C.add("size-layer-pax-size-negative", tarbytes(members), {"open": "any"},
          "a PAX size record of -1", "sizes")
    # A manifest.json over the 64 MiB JSON limit (kept small on disk by gzip).
    big = b"[" + b" " * (65 * MiB) + b"]"
    members, info = legacy(l, manifest=big)
    C.add("size-manifest-over-json-limit", gz(tarbytes(members)), err("limit", "manifest.json", "limit"),
          "manifest.json of 65 MiB (whitespace), whole archive gzip-compressed", "sizes")
    members, info = legacy(l, manifest=big)
    C.add("size-manifest-over-json-limit-plain", tarbytes(members), err("limit", "manifest.json", "limit"),
          "manifest.json of 65 MiB (whitespace), uncompressed", "sizes")


def gen_counts(C, quick):
    l = base_layers()
    n = 20000 if quick else 200000
    # 200,000 tiny entries (headers only, gzip-compressed to stay small).
    out = io.BytesIO()
    for i in range(n):
        out.write(header("d%03d/f%06d" % (i // 1000, i), 0))
    out.write(END)
    many = out.getvalue()
    stored = gz(many)
    members, info = oci(l + [many], comps=("gzip", "zstd", "none", "gzip"),
                        stored=[gz(l[0]), zst(l[1]), l[2], stored])
    C.add("count-200k-entries", tarbytes(members),
          ok([], only=[], layers=[{"image": 0, "layer": 3, "entries": n}],
             ls={"present": ["d000/f000000", "d%03d/f%06d" % ((n - 1) // 1000, n - 1)], "count_min": n},
             cat=[{"path": "d000/f000007", "data": ""}],
             log=[{"path": "d000/f000001", "events": [[3, "added"]]}]),
          f"{n} empty files in one gzip layer", "counts", timeout=60)
    members, info = oci(l + [many], comps=("gzip", "zstd", "none", "none"), stored=[gz(l[0]), zst(l[1]), l[2], many])
    C.add("count-200k-entries-plain", gz(tarbytes(members)),
          ok([], only=[], layers=[{"image": 0, "layer": 3, "entries": n}], ls={"count_min": n}),
          f"{n} empty files in an uncompressed layer, the whole archive gzip-compressed", "counts", timeout=60)
    # 10,000-deep directories: one file at the bottom (a 20 KB PAX path) and the dirs on the way.
    deep = "/".join(["d"] * 10000)
    lay = tarbytes([F(deep + "/bottom.txt", b"bottom\n"), D("shallow/"), F("shallow/ok", b"ok\n")])
    members, info = legacy(l + [lay])
    C.add("count-10000-deep-dirs", tarbytes(members),
          ok([w("entry-over-limit", info["layers"][3], "20010 bytes")], only=["entry-over-limit"],
             layers=[{"image": 0, "layer": 3, "entries": 2}], ls={"present": ["shallow/ok"], "absent": ["d"]},
             cat=[{"path": "etc/hostname", "data": "modified\n"}, {"path": "shallow/ok", "data": "ok\n"}]),
          "a file 10,000 directories deep (20 KB path): the entry is skipped, the layer's two others kept", "counts", timeout=60)
    lay = tarbytes([D("/".join(["e"] * k) + "/") for k in range(1, 120)] + [F("/".join(["e"] * 119) + "/f", b"f\n")])
    members, info = legacy(l + [lay])
    C.add("count-119-deep-dirs-ok", tarbytes(members),
          ok([], only=[], ls={"present": ["/".join(["e"] * 119) + "/f"]},
             cat=[{"path": "/".join(["e"] * 119) + "/f", "data": "f\n"}]),
          "119 nested directories, every level an entry (well inside the limits)", "counts")
    # 20,000 macOS AppleDouble members: one junk-entry warning each would be 20,000 warnings.
    members, info = legacy(l)
    members += [F("._junk%05d" % i, b"") for i in range(20000)]
    C.add("count-20000-junk-members", tarbytes(members),
          ok([w("junk-entry"), w("junk-entry", None, "more warnings like")], only=["junk-entry"], max_warnings=1001,
             **BASE_OK),
          "20,000 stray ._* members: warnings of one code are capped at 1000 plus a count", "counts")
    # Many layers and many images referring to the same blobs.
    nl = 2000 if quick else 10000
    members, info = legacy(l)
    man = json.loads(next(m.data for m in members if m.name == b"manifest.json"))
    man[0]["Layers"] = (man[0]["Layers"] * (nl // 3 + 1))[:nl]
    members = [m if m.name != b"manifest.json" else F("manifest.json", jdump(man)) for m in members]
    C.add("count-10000-layers", tarbytes(members),
          ok([w("diff-ids-count-mismatch"), w("history-layer-mismatch")],
             only=["diff-ids-count-mismatch", "history-layer-mismatch"],
             ls={"present": ["etc/hostname"]}),
          f"one image of {nl} layers (the same 3 layer members again and again)", "counts", timeout=60)
    ni = 2000 if quick else 10000
    members, info = legacy(l)
    man = json.loads(next(m.data for m in members if m.name == b"manifest.json"))
    man = [dict(man[0], RepoTags=["many/img:%d" % i]) for i in range(ni)]
    members = [m if m.name != b"manifest.json" else F("manifest.json", jdump(man)) for m in members]
    C.add("count-10000-images", tarbytes(members), ok([], only=[], ls={"present": ["etc/hostname"]}),
          f"manifest.json with {ni} images sharing config and layers", "counts", timeout=60)
    # Many images sharing one big layer: every image gets its own merged tree.
    ni = 1500
    out = io.BytesIO()
    for i in range(50000):
        out.write(header("d%03d/f%06d" % (i // 1000, i), 0))
    out.write(END)
    big = out.getvalue()
    members, info = legacy(l + [big], stored=[l[0], l[1], l[2], gz(big)])
    man = json.loads(next(m.data for m in members if m.name == b"manifest.json"))
    man = [dict(man[0], RepoTags=["shared/img:%d" % i]) for i in range(ni)]
    members = [m if m.name != b"manifest.json" else F("manifest.json", jdump(man)) for m in members]
    C.add("count-images-sharing-a-big-layer", tarbytes(members),
          ok([], only=["diff-ids-count-mismatch", "history-layer-mismatch"], ls={"count_min": 50000}),
          f"{ni} images (manifest.json entries) sharing a 50,000-entry layer: a 400 KB archive", "counts",
          timeout=60)  # natively 5.1 s wall at load 15 (inspect --json, 1.3 s CPU); x3 under ASan; was 120 while text
    # inspect computed space per image instead of per stack (fixed)
    # The same, but every image adds its own tiny layer: 1500 distinct stacks to merge.
    members, info = legacy(l[:1] + [big], stored=[l[0], gz(big)])
    man = json.loads(next(m.data for m in members if m.name == b"manifest.json"))
    extra, mans = [], []
    for i in range(ni):
        p = "tiny%05d/layer.tar" % i
        extra.append(F(p, tarbytes([F("top%05d" % i, b"x")])))
        mans.append(dict(man[0], RepoTags=["distinct/img:%d" % i], Layers=man[0]["Layers"] + [p]))
    members = [m if m.name != b"manifest.json" else F("manifest.json", jdump(mans)) for m in members] + extra
    C.add("count-images-distinct-stacks", tarbytes(members),
          err("limit", f"count-images-distinct-stacks.tar", "distinct layer stacks"),
          f"{ni} images, each its own tiny layer over one 50,000-entry layer (75M entries to merge, ~25 s "
          "without the limit)", "counts", timeout=30)
    # Nested indexes: a cycle and an exponential fan-out.
    members, info = oci(l)
    mdesc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": info["manifest"],
             "size": len(info["manifest_bytes"])}
    # Level k index lists the level k+1 index 16 times: 16^8 walks without a guard.
    idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [mdesc]}
    blobs = []
    for k in range(8):
        raw = jdump(idx)
        blobs.append(F(blobp(sha(raw)), raw))
        d = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(raw), "size": len(raw)}
        idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [d] * 16}
    top = dict(idx)
    members = [m for m in members if m.name != b"index.json"] + blobs + [F("index.json", jdump(top))]
    C.add("index-fanout-16pow8", tarbytes(members),
          ok([], only=["index-too-deep", "invalid-index"], ls={"present": ["etc/hostname"]}),
          "image indexes nested 8 deep, each listing the next one 16 times (16^8 paths)", "counts", timeout=30)
    # A nested index stored under a name that is not its digest, listing itself: a cycle.
    members, info = oci(l)
    fake = "sha256:" + "c" * 64
    cyc = jdump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [mdesc, {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake,
                                       "size": 1}] * 3})
    top = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake,
                                              "size": len(cyc)}]}
    members = [m for m in members if m.name != b"index.json"] + [F(blobp(fake), cyc), F("index.json", jdump(top))]
    C.add("index-cycle", tarbytes(members),
          ok([w("invalid-index", blobp(fake), "cycle")], only=["invalid-index"], ls={"present": ["etc/hostname"]}),
          "a nested index (stored under a name that is not its digest) that lists itself", "counts")
    # Deep paths fanned out: 100 entries, each ~4000 bytes deep (2000 levels) under its own top directory.
    # Within the path limit, but every implicit parent is listed with its full path: ~200k listed
    # paths averaging 2 KB (~400 MB of listing from a 60 KB layer).
    fan = tarbytes([F("t%03d/" % i + "/".join(["a"] * 1995) + "/f", b"f") for i in range(100)])
    members, info = oci(l + [fan], comps=("gzip", "zstd", "none", "gzip"), stored=[gz(l[0]), zst(l[1]), l[2], gz(fan)])
    deep7 = "t007/" + "/".join(["a"] * 1995)
    C.add("count-deep-fanout-listing", tarbytes(members),
          ok([], only=[], layers=[{"image": 0, "layer": 3, "entries": 100}],
             # merged: the three base layers' entries, 100 top dirs, 100 x 1995 implicit dirs, 100 files
             ls={"prefix": "t007", "present": ["t007", deep7, deep7 + "/f"], "count_min": 1997,
                 "count_all": len(BASE_MERGED) + 100 + 100 * 1995 + 100},
             cat=[{"path": deep7 + "/f", "data": "f"}]),
          "100 files each 1996 directories deep under distinct top dirs (~200k implicit directories, ~400 MB "
          "of path strings if a listing held them all)", "counts",
          timeout=60)
    # An index blob that lists itself is impossible (its digest would change), but two can list each other
    # only by digest guessing; a cycle through manifest.json-less self-reference is modelled by depth instead.
    members, info = oci(l)
    chain = {"schemaVersion": 2, "manifests": [mdesc]}
    blobs = []
    for k in range(20):
        raw = jdump(chain)
        blobs.append(F(blobp(sha(raw)), raw))
        chain = {"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(raw), "size": len(raw)}]}
    members = [m for m in members if m.name != b"index.json"] + blobs + [F("index.json", jdump(chain))]
    C.add("index-nested-20-deep", tarbytes(members),
          ok([w("index-too-deep")], only=["index-too-deep", "no-images"], **NO_IMAGE),
          "image indexes nested 20 deep", "counts")


def gen_bombs(C, quick):
    l = base_layers()
    zeros = (1 if quick else 3) * GiB
    head = header("zeros", zeros)
    tail = END
    g = gzip_zero_bomb(head, zeros, tail)
    members, info = oci(l + [b""], comps=("gzip", "zstd", "none", "gzip"), stored=[gz(l[0]), zst(l[1]), l[2], g])
    C.add("bomb-gzip-layer", tarbytes(members),
          ok([], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 3, "error_or_uncompressed_size": [zeros + 512 + 1024, "limit"]}],
             cat=[{"path": "etc/hostname", "data": "modified\n"}]),
          f"a gzip layer of {len(g) // 1024} KiB inflating to {zeros // GiB} GiB of zeros (deflate tops out near "
          "1032:1, under the 2000:1 limit: it is streamed, never held)", "bombs", timeout=120,
          cat_head=[{"path": "zeros", "bytes": 1 << 20}])
    zb = (2 if quick else 8) * GiB
    z = zstd_zero_bomb(header("zeros", zb), zb, END)
    members, info = oci(l + [b""], comps=("gzip", "zstd", "none", "zstd"), stored=[gz(l[0]), zst(l[1]), l[2], z])
    C.add("bomb-zstd-layer", tarbytes(members),
          ok([w("layer-unreadable", blobp(info["layers"][3]), "bomb")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 3, "error": "limit"}],
             cat=[{"path": "etc/hostname", "data": "modified\n"}, {"path": "zeros", "error": "not-found"}]),
          f"a zstd layer of {len(z) // 1024} KiB inflating to {zb // GiB} GiB (ratio > 2000:1)", "bombs", timeout=60)
    # The whole archive a bomb: a valid image followed by an 8 GiB member of zeros.
    members, info = legacy(l)
    img = tarbytes(members, end=False)
    ob = zstd_zero_bomb(img + header("filler.bin", zb), zb, END)
    C.add("bomb-outer-zstd", ob, err("limit", "filler.bin", "bomb"),
          f"a zstd-compressed archive of {len(ob) // 1024} KiB whose last member is {zb // GiB} GiB of zeros",
          "bombs", timeout=60)
    og = gzip_zero_bomb(img + header("filler.bin", zeros), zeros, END)
    C.add("bomb-outer-gzip", og, {"open": "any_of", "any_of": [ok([], only=[], **BASE_OK),
                                                               err("limit", "filler.bin", "bomb")]},
          f"a gzip-compressed archive of {len(og) // 1024} KiB whose last member is {zeros // GiB} GiB of zeros",
          "bombs", timeout=120)
    # Bomb before the manifest: the one streaming pass must stop at the bomb.
    ob2 = zstd_zero_bomb(header("filler.bin", zb), zb, img + END)
    C.add("bomb-outer-zstd-first", ob2, err("limit", "filler.bin", "bomb"),
          "a zstd-compressed archive whose first member is 8 GiB of zeros", "bombs", timeout=60)
    # A layer that is a bomb inside a compressed outer archive (two decoders stacked).
    small_bomb = zstd_zero_bomb(header("zeros", zb), zb, END)
    members, info = oci(l + [b""], comps=("gzip", "zstd", "none", "zstd"),
                        stored=[gz(l[0]), zst(l[1]), l[2], small_bomb])
    C.add("bomb-zstd-layer-in-gzip-outer", gz(tarbytes(members)),
          ok([w("layer-unreadable", blobp(info["layers"][3]), "bomb")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 3, "error": "limit"}],
             cat=[{"path": "etc/hostname", "data": "modified\n"}]),
          "a zstd bomb layer inside a gzip-compressed archive", "bombs", timeout=60)


def gen_layer_kinds(C):
    l = base_layers()
    for name, blob, e, desc in [
        ("layer-not-tar", b"this is plain text, not a tar stream\n" * 40,
         ok([w("layer-unreadable", None, "corrupt")], only=["layer-unreadable"],
            layers=[{"image": 0, "layer": 2, "error": "corrupt"}], cat=[{"path": "etc/hostname", "data": "modified\n"}]),
         "layer 2 is plain text"),
        ("layer-zip", b"PK\x03\x04" + prng(2000, 9),
         ok([w("layer-unreadable")], only=["layer-unreadable"], layers=[{"image": 0, "layer": 2, "error": "corrupt"}]),
         "layer 2 is a zip-looking blob"),
        ("layer-empty-blob", b"",
         ok([], only=[], layers=[{"image": 0, "layer": 2, "entries": 0}], ls={"absent": ["app/config.json"]}),
         "layer 2 is a 0-byte blob (an empty layer)"),
        ("layer-only-end-blocks", END,
         ok([], only=[], layers=[{"image": 0, "layer": 2, "entries": 0}], ls={"absent": ["app/config.json"]}),
         "layer 2 is a tar of only the two end-of-archive blocks"),
        ("layer-one-zero-block", b"\0" * 512,
         ok([], only=["layer-unreadable"], ls={"absent": ["app/config.json"]}),
         "layer 2 is a single zero block"),
        ("layer-gzip-of-nothing", gz(b""),
         ok([], only=[], layers=[{"image": 0, "layer": 2, "entries": 0}]),
         "layer 2 is a gzip stream of zero bytes"),
        ("layer-gzip-of-garbage", gz(b"not a tar at all\n" * 100),
         ok([w("layer-unreadable", None, "corrupt")], only=["layer-unreadable", "media-type-mismatch"],
            layers=[{"image": 0, "layer": 2, "error": "corrupt"}]),
         "layer 2 is gzip of plain text"),
        ("layer-gzip-trailing-garbage", gz(l[2]) + b"TRAILING-GARBAGE" * 8,
         {"open": "ok", "warnings": [], "only_warnings": ["layer-unreadable", "media-type-mismatch"]},
         "layer 2 is a gzip stream followed by garbage"),
        ("layer-tar-in-tar", tarbytes([F("inner.tar", l[2])]),
         ok([], only=[], ls={"present": ["inner.tar"], "absent": ["app/config.json"]},
            cat=[{"path": "inner.tar", "sha256": hexof(l[2])}]),
         "layer 2 is a tar holding a tar (not unpacked)"),
        ("layer-gzip-header-only", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff",
         ok([w("layer-unreadable")], only=["layer-unreadable"],
            layers=[{"image": 0, "layer": 2, "error": ["truncated", "corrupt"]}]),
         "layer 2 is a gzip header and nothing else"),
        ("layer-zstd-magic-only", b"\x28\xb5\x2f\xfd",
         ok([w("layer-unreadable")], only=["layer-unreadable"],
            layers=[{"image": 0, "layer": 2, "error": ["truncated", "corrupt"]}]),
         "layer 2 is the zstd magic number and nothing else"),
    ]:
        members, info = legacy(l, stored=[l[0], l[1], blob])
        C.add(name, tarbytes(members), e, desc, "layer-kinds")


def gen_outer_kinds(C):
    for name, data, e, desc in [
        ("outer-empty", b"", err("truncated", "outer-empty.tar", "empty"), "a 0-byte file"),
        ("outer-garbage", prng(5000, 3), err("corrupt", "outer-garbage.tar", "not a tar"), "5000 random bytes"),
        ("outer-one-byte", b"\x1f", err(["truncated", "corrupt"], "outer-one-byte.tar"), "one byte (half a gzip magic)"),
        ("outer-zero-block", b"\0" * 512, err(["not-an-image", "truncated"], "outer-zero-block.tar"), "one zero block"),
        ("outer-only-end-blocks", END, err("not-an-image", "outer-only-end-blocks.tar"), "a tar with no members"),
        ("outer-gzip-of-garbage", gz(prng(5000, 5)), err("corrupt", "outer-gzip-of-garbage.tar"),
         "gzip of random bytes"),
        ("outer-zstd-of-garbage", zst(prng(5000, 6)), err("corrupt", "outer-zstd-of-garbage.tar"),
         "zstd of random bytes"),
        ("outer-gzip-header-only", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff",
         err(["truncated", "corrupt"], "outer-gzip-header-only.tar"), "a gzip header and nothing else"),
        ("outer-plain-tar-no-image", tarbytes([F("hello.txt", b"hi\n"), D("dir/")]),
         err("not-an-image", "outer-plain-tar-no-image.tar", "hello.txt"), "a tar without any image"),
        ("outer-index-without-layout", tarbytes([F("index.json", b'{"schemaVersion":2,"manifests":[]}')]),
         ok([w("missing-oci-layout"), w("no-images")], only=["missing-oci-layout", "no-images"],
            **NO_IMAGE),
         "index.json alone, no oci-layout, no blobs"),
    ]:
        C.add(name, data, e, desc, "outer")


def gen_warnings(C):
    """Issue 11: every view of an image tells the whole truth. Each case names the warnings that
    must appear, with their code and place, in every view of the image (inspect; ls, log, history,
    images --json documents; the stderr of the text views) and the documented exit statuses."""
    one = [tarbytes([D("etc/"), F("etc/hostname", b"only\n"), F("etc/motd", b"hi\n")])]
    incomplete = [w("incomplete-image", "layer 0")]
    # An image whose only layer blob is missing: not an empty filesystem, an incomplete one.
    members, info = legacy(one)
    C.add("warn-legacy-only-layer-missing", tarbytes([m for m in members if m.name != b(info["layers"][0])]),
          ok([w("missing-blob", "Layers[0]")], only=["missing-blob"],
             layers=[{"image": 0, "layer": 0, "present": False}],
             view_warnings=[w("missing-blob", "layer 0: manifest.json[0].Layers[0]")] + incomplete,
             exit={"ls": 1, "cat": 1, "log": 1}, ls={"absent": ["etc/hostname"]},
             cat=[{"path": "etc/hostname", "error": "not-found"}], log=[{"path": "etc/hostname", "events": []}]),
          "a legacy save whose only layer blob is missing", "warnings")
    members, info = oci(one, comps=("gzip",))
    C.add("warn-oci-only-layer-missing", tarbytes([m for m in members if m.name != b(blobp(info["layers"][0]))]),
          ok([w("missing-blob", info["layers"][0])], only=["missing-blob"],
             layers=[{"image": 0, "layer": 0, "present": False}],
             view_warnings=[w("missing-blob", "layer 0: ")] + incomplete, exit={"ls": 1, "cat": 1, "log": 1},
             cat=[{"path": "etc/hostname", "error": "not-found"}], log=[{"path": "etc/hostname", "events": []}]),
          "an oci-archive whose only layer blob is missing", "warnings")
    members, info = legacy(one, layer_path=lambda i, lid: "../../../outside/layer.tar")
    C.add("warn-layer-outside-archive", tarbytes([m for m in members if m.name != b"../../../outside/layer.tar"]),
          ok([w("missing-blob", "Layers[0]", "outside/layer.tar")], only=["missing-blob"],
             view_warnings=[w("missing-blob", "layer 0: ")] + incomplete, exit={"ls": 1, "cat": 1, "log": 1},
             cat=[{"path": "etc/motd", "error": "not-found"}]),
          "manifest.json points outside the archive (../../../outside/layer.tar, not stored)", "warnings")
    members, info = legacy(one)
    members = [m for m in members if m.name != b(info["layers"][0])] + [S(info["layers"][0], "../" * 8 + "etc/passwd")]
    C.add("warn-layer-member-symlink-out", tarbytes(members),
          ok([w("missing-blob", "Layers[0]", "etc/passwd")], only=["missing-blob", "symlinked-layer"],
             view_warnings=[w("missing-blob", "layer 0: ")] + incomplete, exit={"ls": 1, "cat": 1, "log": 1}),
          "the only layer member is a symlink leaving the archive", "warnings")
    # An entry claiming 1 TB: the layer ends first, so it cannot be read; the views say so.
    lay = tarbytes([F("small", b"s"), F("claims-1tb", b"0123456789", size_field=b"\x80" + (1 << 40).to_bytes(11, "big"))])
    members, info = legacy([lay])
    C.add("warn-layer-entry-claims-1tb", tarbytes(members),
          ok([w("layer-unreadable", info["layers"][0], "claims-1tb")], only=["layer-unreadable"],
             layers=[{"image": 0, "layer": 0, "error": ["truncated", "corrupt"]}],
             view_warnings=[w("layer-unreadable", "layer 0: ")] + incomplete, exit={"ls": 1, "cat": 1, "log": 1},
             cat=[{"path": "small", "error": "not-found"}]),
          "a layer entry whose size field says 1 TB over 10 bytes", "warnings")
    members, info = legacy([one[0]])
    members = [m for m in members if m.name != b(info["config"])]
    C.add("warn-config-missing-views", tarbytes(members),
          ok([w("missing-config", "manifest.json[0]")], only=["missing-config"],
             view_warnings=[w("missing-config", "manifest.json[0]")],
             cat=[{"path": "etc/motd", "data": "hi\n"}], log=[{"path": "etc/motd", "events": [[0, "added"]]}]),
          "the config is missing: every view says so (the layers are complete: exit 0)", "warnings")
    # One entry with a 4,097-byte path: skipped with its place; the layer's other entries stay.
    long_path = "d/" * 2048 + "x"
    assert len(long_path) == 4097
    lay = tarbytes([F("before.txt", b"b\n"), F(long_path, b"long\n"), F("after.txt", b"a\n")])
    members, info = legacy([lay])
    C.add("warn-entry-path-4097", tarbytes(members),
          ok([w("entry-over-limit", info["layers"][0] + ": d/d/d", "4097 bytes")], only=["entry-over-limit"],
             layers=[{"image": 0, "layer": 0, "entries": 2}], view_warnings=[w("entry-over-limit", "layer 0: ")],
             ls={"present": ["before.txt", "after.txt"], "absent": ["d"]},
             cat=[{"path": "before.txt", "data": "b\n"}, {"path": "after.txt", "data": "a\n"}]),
          "one entry with a 4,097-byte path among two ordinary ones", "warnings")
    # Paths that climb out of the root: placed where containerd places them, flagged, never '..'.
    names = ["../../../../tmp/x", "a/../../x2", "./../sibling.txt"]
    lay = tarbytes([F(n, n.encode()) for n in names])
    members, info = legacy([lay])
    C.add("warn-entry-dotdot", tarbytes(members),
          ok([w("entry-path-escapes", info["layers"][0] + ": " + n, "docker load refuses") for n in names],
             only=["entry-path-escapes"], view_warnings=[w("entry-path-escapes", ": " + n) for n in names],
             ls={"present": [placed(n) for n in names], "absent": [".."]},
             cat=[{"path": placed(n), "data": n} for n in names]),
          "entries ../../../../tmp/x, a/../../x2, ./../sibling.txt", "warnings")
    lay = tarbytes([F("/etc/abs.conf", b"abs\n"), F("rel.txt", b"r\n")])
    members, info = legacy([lay])
    C.add("warn-entry-absolute", tarbytes(members),
          ok([w("entry-path-absolute", info["layers"][0] + ": /etc/abs.conf")], only=["entry-path-absolute"],
             view_warnings=[w("entry-path-absolute", "layer 0: ")], ls={"present": ["etc/abs.conf", "rel.txt"]},
             cat=[{"path": "etc/abs.conf", "data": "abs\n"}]),
          "an entry with an absolute path", "warnings")
    lay = tarbytes([F("twice.txt", b"first\n"), F("other", b"o"), F("twice.txt", b"second\n")])
    members, info = legacy([lay])
    C.add("warn-duplicate-entry", tarbytes(members),
          ok([w("duplicate-entry", info["layers"][0] + ": twice.txt", "last")], only=["duplicate-entry"],
             view_warnings=[w("duplicate-entry", "layer 0: ")], cat=[{"path": "twice.txt", "data": "second\n"}]),
          "the same path twice in one layer (the last one wins)", "warnings")
    lay = tarbytes([F("real", b"r\n"), H("to-missing", "no/such/file"), H("to-passwd", "/../../etc/passwd"),
                    H("good", "real")])
    members, info = legacy([lay])
    C.add("warn-hardlink-targets", tarbytes(members),
          ok([w("hardlink-target-missing", info["layers"][0] + ": to-missing"),
              w("hardlink-target-escapes", info["layers"][0] + ": to-passwd", "etc/passwd"),
              w("hardlink-target-missing", info["layers"][0] + ": to-passwd")],
             only=["hardlink-target-missing", "hardlink-target-escapes"],
             view_warnings=[w("hardlink-target-missing", "layer 0: "), w("hardlink-target-escapes", "layer 0: ")],
             cat=[{"path": "good", "data": "r\n"}, {"path": "to-missing", "error": "not-found"}]),
          "hard links to a missing target and to /../../etc/passwd", "warnings")
    # Archives that hold no image.
    C.add("warn-empty-index", tarbytes([F("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                                        F("index.json", b'{"schemaVersion":2,"manifests":[]}')]),
          ok([w("no-images")], only=["no-images"], **NO_IMAGE),
          "an OCI layout whose index lists no manifest", "warnings")


def gen_fixture_derived(C, fixtures):
    src = os.path.join(fixtures, "docker20-save-features.tar")
    if not os.path.exists(src):
        print(f"note: {src} missing; fixture-derived cases skipped", file=sys.stderr)
        return
    data = open(src, "rb").read()
    with tarfile.open(src) as t:
        mem = {m.name: m for m in t.getmembers()}
    big = max((m for m in mem.values() if m.name.endswith("layer.tar")), key=lambda m: m.size)
    man = mem["manifest.json"]
    cfg = [m for m in mem.values() if m.name.endswith(".json") and "/" not in m.name and m.name != "manifest.json"][0]
    C.add("fixture-docker20-cut-in-big-layer", data[:big.offset_data + big.size // 2],
          err("truncated", big.name), "docker20-save-features.tar cut inside its 3 MB layer", "fixture")
    C.add("fixture-docker20-cut-in-manifest", data[:man.offset_data + man.size // 2],
          err("truncated", "manifest.json"), "docker20-save-features.tar cut inside manifest.json", "fixture")
    x = bytearray(data)
    x[cfg.offset_data + 1] ^= 0x40
    C.add("fixture-docker20-flip-config", bytes(x),
          ok([w("invalid-config", cfg.name)], only=["invalid-config", "diff-ids-count-mismatch"]),
          "docker20-save-features.tar with a bit flipped in its config JSON", "fixture")
    x = bytearray(data)
    x[big.offset_data + 4096 + 700] ^= 0x01
    C.add("fixture-docker20-flip-big-layer-data", bytes(x), ok([], only=[]),
          "docker20-save-features.tar with a bit flipped inside a file of its biggest layer", "fixture",
          verify=ok([w("diff-id-mismatch")], only=["diff-id-mismatch", "digest-mismatch"]))
    src = os.path.join(fixtures, "skopeo-oci-archive-zstd-features.tar")
    if os.path.exists(src):
        with tarfile.open(src) as t:
            mem = [m for m in t.getmembers() if m.name.startswith("blobs/")]
        big = max(mem, key=lambda m: m.size)
        data = bytearray(open(src, "rb").read())
        data[big.offset_data + big.size // 2] ^= 0x10
        C.add("fixture-skopeo-zstd-flip-in-layer", bytes(data),
              ok([w("layer-unreadable", big.name, "corrupt")], only=["layer-unreadable"]),
              "skopeo zstd oci-archive with a bit flipped in the middle of its biggest zstd layer", "fixture")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--fixtures", default=os.environ.get("LAYERSCOPE_FIXTURES") or
                    os.path.join(HERE, "..", "..", "..", "shared", "fixtures"))
    ap.add_argument("--quick", action="store_true", help="fewer truncation/flip offsets, smaller counts and bombs")
    ap.add_argument("--only", help="comma-separated groups to generate")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    C = Corpus(a.outdir)
    gens = [("truncation", lambda: gen_truncations(C, a.quick)), ("bitflip", lambda: gen_bitflips(C, a.quick)),
            ("json", lambda: gen_json(C)), ("missing", lambda: gen_missing(C)), ("paths", lambda: gen_paths(C)),
            ("names", lambda: gen_names(C)), ("sizes", lambda: gen_sizes(C)),
            ("counts", lambda: gen_counts(C, a.quick)), ("bombs", lambda: gen_bombs(C, a.quick)),
            ("layer-kinds", lambda: gen_layer_kinds(C)), ("warnings", lambda: gen_warnings(C)), ("outer", lambda: gen_outer_kinds(C)),
            ("fixture", lambda: gen_fixture_derived(C, a.fixtures))]
    only = set(a.only.split(",")) if a.only else None
    for g, fn in gens:
        if only is None or g in only:
            fn()
    with open(os.path.join(a.outdir, "cases.json"), "w") as f:
        json.dump({"version": 1, "cases": C.cases}, f, indent=1)
    size = sum(os.path.getsize(os.path.join(a.outdir, c["file"])) for c in C.cases)
    print(f"{len(C.cases)} cases, {size / MiB:.1f} MiB in {a.outdir}")


if __name__ == "__main__":
    main()
