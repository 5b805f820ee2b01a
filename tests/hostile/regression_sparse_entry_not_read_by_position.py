#!/usr/bin/env python3
"""Regression: a sparse file in an uncompressed layer is never read by position.

Guards core/src/archive/tar_reader.cpp (TarReader::next marks a sparse entry's
data_offset with kSparseDataOffset; loader.cpp refuses sparse outer members).
A PAX/GNU sparse entry stores a map and its data segments, not its content;
session.cpp's direct reader read `size` bytes at the entry's offset, so `cat`
printed the map, the segments and the following file's bytes as the content,
exit 0. Now it gets an error until session.cpp routes such entries through the
stream reader (then this test wants the exact content), and compressed layers
(decoded by libarchive) give the exact content.
"""
import hashlib

import regress as R
from make_corpus import MiB, F, base_layers, gz, oci, prng, sparse_entry, tarbytes, zst


def test(t):
    l = base_layers()
    sp, real = sparse_entry("sparse.bin", [(0, b"HEAD"), (3 * MiB, b"MIDDLE"), (6 * MiB, b"TAIL")], 6 * MiB + 4)
    lay = tarbytes([sp, F("after.bin", prng(7 * MiB, 11))])
    want = hashlib.sha256(real).hexdigest()
    for comp in ("none", "gzip"):
        members, info = oci(l + [lay], comps=("gzip", "zstd", "none", comp),
                            stored=[gz(l[0]), zst(l[1]), l[2], lay if comp == "none" else gz(lay)])
        p = t.write(f"sparse-{comp}.tar", tarbytes(members))
        rc, out, err = t.run("cat", p, "sparse.bin")
        got = hashlib.sha256(out).hexdigest()
        t.check(f"{comp} layer: cat sparse.bin never prints wrong bytes", rc == 1 or got == want,
                f"rc={rc} {len(out)} bytes, sha256 {got}")
        if comp == "gzip" or rc == 0:
            t.check(f"{comp} layer: the exact content", rc == 0 and got == want, (rc, err))
        else:
            t.check(f"{comp} layer: fails with a message", "layerscope: error:" in err, err)
        rc, out, err = t.run("ls", p, "--layer", "3")
        t.check(f"{comp} layer: listed under its real name and size",
                rc == 0 and "/sparse.bin" in out.decode() and "6.29MB" in out.decode(), out)


R.main(test)
