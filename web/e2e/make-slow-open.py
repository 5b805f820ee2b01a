#!/usr/bin/env python3
"""Writes a docker-archive whose layers hold incompressible bytes, each layer
gzip-compressed (as `docker save` of a pulled image keeps them): opening it
scans the members, then indexes each layer by decompressing it, which takes
long enough to watch both phases. Independent of layerscope.

Usage: make-slow-open.py OUT.tar [LAYERS] [MIB_PER_LAYER]"""
import gzip, hashlib, io, json, random, sys, tarfile

def member(t, name, data):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime = len(data), 1704067200
    t.addfile(ti, io.BytesIO(data))

def layer(seed, mib):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as t:
        member(t, f'data/blob-{seed}.bin', random.Random(seed).randbytes(mib << 20))
    return buf.getvalue()

def main(out, n=4, mib=12):
    layers = [layer(k, mib) for k in range(n)]
    blobs = [gzip.compress(b, compresslevel=1, mtime=0) for b in layers]
    diff_ids = ['sha256:' + hashlib.sha256(b).hexdigest() for b in layers]
    cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': diff_ids},
                      'history': [{'created_by': f'/bin/sh -c make layer {k}'} for k in range(n)]}).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + '.json'
    # Long member names, as OCI blob paths are: the progress card must not overflow with them.
    names = [f'blobs/sha256/{hashlib.sha256(b).hexdigest()}' for b in blobs]
    manifest = json.dumps([{'Config': cfg_name, 'RepoTags': ['slow/open:1'], 'Layers': names}]).encode()
    with tarfile.open(out, 'w') as t:
        member(t, cfg_name, cfg)
        member(t, 'manifest.json', manifest)
        for name, data in zip(names, blobs):
            member(t, name, data)

if __name__ == '__main__':
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
