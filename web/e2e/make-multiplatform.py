#!/usr/bin/env python3
"""Writes a multi-platform OCI archive the way `docker buildx build --platform
linux/amd64,linux/arm64 -o type=oci` lays it out: index.json -> image index ->
two platform manifests + one BuildKit attestation manifest (in-toto SBOM).
Independent of layerscope: Python's tarfile/gzip/hashlib only.

Usage: make-multiplatform.py OUT.tar"""
import gzip, hashlib, io, json, sys, tarfile

blobs = {}

def blob(data: bytes) -> dict:
    d = 'sha256:' + hashlib.sha256(data).hexdigest()
    blobs[d] = data
    return {'digest': d, 'size': len(data)}

def layer(files: dict) -> tuple:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.PAX_FORMAT) as t:
        for name, data in files.items():
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 1704067200
            t.addfile(ti, io.BytesIO(data))
    diff_id = 'sha256:' + hashlib.sha256(raw.getvalue()).hexdigest()
    return blob(gzip.compress(raw.getvalue(), mtime=0)), diff_id

def image(arch: str, variant=None) -> dict:
    l, diff_id = layer({'etc/arch': f'{arch}\n'.encode(), f'usr/lib/{arch}/libdemo.so': b'\x7fELF' + bytes(64)})
    cfg = {'architecture': arch, 'os': 'linux', 'created': '2024-01-01T00:00:00Z',
           'config': {'Cmd': ['/bin/true'], 'Labels': {'org.opencontainers.image.title': 'multi'}},
           'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
           'history': [{'created': '2024-01-01T00:00:00Z', 'created_by': f'COPY arch files for {arch} # buildkit'}]}
    if variant:
        cfg['variant'] = variant
    c = blob(json.dumps(cfg).encode())
    m = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
         'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', **c},
         'layers': [{'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip', **l}]}
    d = {'mediaType': 'application/vnd.oci.image.manifest.v1+json', **blob(json.dumps(m).encode()),
         'platform': {'architecture': arch, 'os': 'linux'}}
    if variant:
        d['platform']['variant'] = variant
    return d

def main(out):
    amd, arm = image('amd64'), image('arm64', 'v8')
    sbom = blob(json.dumps({'_type': 'https://in-toto.io/Statement/v0.1', 'predicateType': 'https://spdx.dev/Document'}).encode())
    att_cfg = blob(b'{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[]}}')
    att = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
           'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', **att_cfg},
           'layers': [{'mediaType': 'application/vnd.in-toto+json', **sbom,
                       'annotations': {'in-toto.io/predicate-type': 'https://spdx.dev/Document'}}]}
    att_d = {'mediaType': 'application/vnd.oci.image.manifest.v1+json', **blob(json.dumps(att).encode()),
             'platform': {'architecture': 'unknown', 'os': 'unknown'},
             'annotations': {'vnd.docker.reference.digest': amd['digest'], 'vnd.docker.reference.type': 'attestation-manifest'}}
    idx = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json', 'manifests': [amd, arm, att_d]}
    top = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
           'manifests': [{'mediaType': 'application/vnd.oci.image.index.v1+json', **blob(json.dumps(idx).encode()),
                          'annotations': {'org.opencontainers.image.ref.name': 'multi/app:1'}}]}
    with tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as t:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 1704067200
            t.addfile(ti, io.BytesIO(data))
        add('oci-layout', b'{"imageLayoutVersion":"1.0.0"}')
        add('index.json', json.dumps(top).encode())
        for d, data in blobs.items():
            add('blobs/sha256/' + d.split(':')[1], data)

if __name__ == '__main__':
    main(sys.argv[1])
