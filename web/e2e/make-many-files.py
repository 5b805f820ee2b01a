#!/usr/bin/env python3
"""Writes a docker-archive (legacy layout) whose single gzip layer holds N small
files (default 200,000) in 400 directories, for the tree's scrolling test.
Independent of layerscope: Python's tarfile only.

With DEPTH (default 0), each of the 400 directories sits DEPTH levels below
data/ (names of ~12 bytes each), so paths are long: the tree's memory per path.

Usage: make-many-files.py OUT.tar [N [DEPTH]]"""
import gzip, hashlib, io, json, sys, tarfile

def main(out, n, depth=0):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.GNU_FORMAT) as t:
        dirs = 400
        per = (n + dirs - 1) // dirs
        k = 0
        made = set()
        for d in range(dirs):
            # DEPTH levels between data/ and the directory (shared by 20 directories each)
            chain = ''.join(f'/level-{lv:02d}-{(d // 20) % 100:02d}' for lv in range(depth))
            parts = f'data{chain}/d{d:03d}'.split('/')
            for j in range(2, len(parts) + 1):
                p = '/'.join(parts[:j])
                if p in made:
                    continue
                made.add(p)
                ti = tarfile.TarInfo(p)
                ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 1704067200
                t.addfile(ti)
            for f in range(per):
                if k >= n:
                    break
                body = f'{k}\n'.encode()
                ti = tarfile.TarInfo(f'data{chain}/d{d:03d}/file-{f:04d}.txt')
                ti.size, ti.mode, ti.mtime = len(body), 0o644, 1704067200
                t.addfile(ti, io.BytesIO(body))
                k += 1
    layer = raw.getvalue()
    diff_id = 'sha256:' + hashlib.sha256(layer).hexdigest()
    gz = gzip.compress(layer, compresslevel=1, mtime=0)
    cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
                      'history': [{'created_by': f'/bin/sh -c create {n} files'}]}).encode()
    cfg_hex = hashlib.sha256(cfg).hexdigest()
    lid = hashlib.sha256(gz).hexdigest()
    with tarfile.open(out, 'w') as t:
        for name, data in ((f'{lid}/layer.tar', gz), (f'{cfg_hex}.json', cfg),
                           ('manifest.json', json.dumps([{'Config': f'{cfg_hex}.json', 'RepoTags': ['many/files:1'], 'Layers': [f'{lid}/layer.tar']}]).encode())):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime = len(data), 1704067200
            t.addfile(ti, io.BytesIO(data))

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200_000, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
