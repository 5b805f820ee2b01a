#!/usr/bin/env python3
"""Copies a legacy docker-archive and flips one byte of file CONTENT inside
one of its (uncompressed) layer.tar members, so the archive still indexes but
that layer no longer hashes to its diff_id. Independent of layerscope:
Python's tarfile only. Prints the tampered layer's member name.

Usage: make-tampered.py IN.tar OUT.tar LAYER_INDEX   (a layer with a non-empty file)"""
import json, shutil, sys, tarfile


def main(src, out, which):
    with tarfile.open(src) as outer:
        manifest = json.load(outer.extractfile('manifest.json'))
        layers = manifest[0]['Layers']
        member_name = layers[int(which)]
        m = outer.getmember(member_name)
        layer_off = m.offset_data
        inner = tarfile.open(fileobj=outer.extractfile(m))
        target = next(x for x in inner.getmembers() if x.isfile() and x.size > 0)
        at = layer_off + target.offset_data
    shutil.copyfile(src, out)
    with open(out, 'r+b') as f:
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0x20]))
    print(member_name, target.name)


if __name__ == '__main__':
    main(*sys.argv[1:4])
