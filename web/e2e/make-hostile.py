#!/usr/bin/env python3
"""Writes a docker-archive (legacy `docker save` layout: manifest.json + config +
<id>/layer.tar) whose names, labels, env, history and tags carry HTML/JS payloads,
plus a PNG and a scripted SVG. Independent of layerscope: Python's tarfile only.

Usage: make-hostile.py OUT.tar
Every payload, if ever interpreted as markup, sets window.__pwned. (Names hold no
'/', so their payloads are single path components.)"""
import hashlib, io, json, struct, sys, tarfile, zlib

P = lambda n: f'<img src=x onerror="window.__pwned={n}">'

def png(w=48, h=32):
    rows = b''.join(b'\x00' + b''.join(bytes((x * 5 % 256, y * 8 % 256, 160)) for x in range(w)) for y in range(h))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + \
        chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="window.parent.__pwned=20">'
       '<script>window.parent.__pwned=21</script><rect width="64" height="64" fill="#c33"/></svg>').encode()

def add(t, name, data=b'', kind=tarfile.REGTYPE, link='', mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.mtime, ti.linkname = kind, mode, 1704067200, link
    if kind == tarfile.DIRTYPE:
        ti.mode = 0o755
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

def main(out):
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode='w', format=tarfile.PAX_FORMAT) as t:
        add(t, 'etc/', kind=tarfile.DIRTYPE)
        add(t, f'etc/{P(1)}.conf', f'value = {P(2)}\n<script>window.__pwned=3</script>\n'.encode())
        add(t, '<b onmouseover="window.__pwned=15">bold/', kind=tarfile.DIRTYPE)
        add(t, '<b onmouseover="window.__pwned=15">bold/<svg onload="window.__pwned=4">.txt', b'hello\n')
        add(t, f'etc/{P(5)}', kind=tarfile.SYMTYPE, link=f'"><img src=x onerror="window.__pwned=6">')
        add(t, 'www/', kind=tarfile.DIRTYPE)
        add(t, 'www/pixel.png', png())
        add(t, 'www/logo.svg', SVG)
        # A text file larger than one viewer page (1 MiB): 60,000 numbered lines.
        add(t, 'var/', kind=tarfile.DIRTYPE)
        add(t, 'var/log/', kind=tarfile.DIRTYPE)
        add(t, 'var/log/big.log', ''.join(f'line {n:05d} of the big log: some words to make it longer\n' for n in range(1, 60001)).encode())
    layer_bytes = layer.getvalue()
    diff_id = 'sha256:' + hashlib.sha256(layer_bytes).hexdigest()
    config = {
        'architecture': 'amd64', 'os': 'linux', 'created': '2024-01-01T00:00:00Z', 'author': P(7),
        'config': {'Env': [f'HOSTILE={P(8)}'], 'Labels': {P(9): P(10), 'org.example.note': '<script>window.__pwned=11</script>'},
                   'Cmd': [P(12)], 'WorkingDir': '/www'},
        'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
        'history': [{'created': '2024-01-01T00:00:00Z', 'created_by': f"/bin/sh -c echo '{P(13)}' > /etc/x"}],
    }
    cfg = json.dumps(config).encode()
    cfg_hex = hashlib.sha256(cfg).hexdigest()
    layer_id = hashlib.sha256(b'layer' + layer_bytes).hexdigest()
    manifest = [{'Config': f'{cfg_hex}.json', 'RepoTags': ['hostile/app:1', f'hostile/{P(14)}:2'], 'Layers': [f'{layer_id}/layer.tar']}]
    with tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as t:
        add(t, f'{layer_id}/', kind=tarfile.DIRTYPE)
        add(t, f'{layer_id}/VERSION', b'1.0')
        add(t, f'{layer_id}/layer.tar', layer_bytes)
        add(t, f'{cfg_hex}.json', cfg)
        add(t, 'manifest.json', json.dumps(manifest).encode())

if __name__ == '__main__':
    main(sys.argv[1])
