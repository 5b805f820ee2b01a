#!/usr/bin/env python3
"""Writes a docker-archive (plain layers) whose file data/big.txt (N lines) is
rewritten by the second layer with every 10th line changed, for the Compare tab's
long content diff; prints the lines removed and added (Python's difflib) as JSON.
Independent of layerscope: Python's tarfile and difflib only.

Usage: make-big-diff.py OUT.tar [N] [LAYERS]   (LAYERS 1: only the first layer, the
file as it was before: a second archive to compare the first with)"""
import difflib, hashlib, io, json, sys, tarfile

def layer(body):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.GNU_FORMAT) as t:
        ti = tarfile.TarInfo('data')
        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 1704067200
        t.addfile(ti)
        ti = tarfile.TarInfo('data/big.txt')
        ti.size, ti.mode, ti.mtime = len(body), 0o644, 1704067200
        t.addfile(ti, io.BytesIO(body))
    return raw.getvalue()

def main(out, n, keep=2):
    before = [f'line {k}: the quick brown fox' for k in range(n)]
    after = [f'line {k}: CHANGED' if k % 10 == 5 else l for k, l in enumerate(before)]
    layers = [layer(('\n'.join(v) + '\n').encode()) for v in (before, after)][:keep]
    diff_ids = ['sha256:' + hashlib.sha256(b).hexdigest() for b in layers]
    cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': diff_ids},
                      'history': [{'created_by': '/bin/sh -c write big.txt'}, {'created_by': '/bin/sh -c edit big.txt'}][:keep]}).encode()
    cfg_hex = hashlib.sha256(cfg).hexdigest()
    names = [f'{d[7:]}/layer.tar' for d in diff_ids]
    with tarfile.open(out, 'w') as t:
        members = list(zip(names, layers)) + [(f'{cfg_hex}.json', cfg),
                   ('manifest.json', json.dumps([{'Config': f'{cfg_hex}.json', 'RepoTags': ['big/diff:1'], 'Layers': names}]).encode())]
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime = len(data), 1704067200
            t.addfile(ti, io.BytesIO(data))
    d = [l for l in difflib.unified_diff(before, after, lineterm='') if l[:1] in '+-' and l[:3] not in ('+++', '---')]
    print(json.dumps({'gone': [l[1:] for l in d if l[0] == '-'], 'come': [l[1:] for l in d if l[0] == '+']}))

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000, int(sys.argv[3]) if len(sys.argv) > 3 else 2)
