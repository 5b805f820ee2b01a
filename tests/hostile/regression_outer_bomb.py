#!/usr/bin/env python3
"""Regression: a compressed archive that inflates past the expansion limit is stopped.

Guards core/src/image/loader.cpp (load_archive's outer_block: while streaming a
compressed archive, every member's data goes through the same ratio check as
layers, `limit` "decompression bomb" naming the member; progress keeps
going). Before: an 8 GiB zero member in a 300 KB zstd archive was inflated
in full (and 64 GiB would have taken minutes), with no limit at all.
"""
import regress as R
from make_corpus import header, legacy, tarbytes, zstd_zero_bomb, END

GiB = 1 << 30


def test(t):
    img = tarbytes(legacy()[0], end=False)
    for name, data in (("last", zstd_zero_bomb(img + header("filler.bin", 8 * GiB), 8 * GiB, END)),
                       ("first", zstd_zero_bomb(header("filler.bin", 8 * GiB), 8 * GiB, img + END))):
        doc, e = t.inspect(t.write(f"bomb-{name}.tar.zst", data), timeout=60)
        t.check(f"bomb member {name}: limit", e and e["code"] == "limit", e)
        t.check(f"... says decompression bomb at filler.bin", e and "bomb" in e["message"] and
                "filler.bin" in e["where"], e)
        t.check(f"... stopped early ({t.secs:.1f}s < 10s)", t.secs < 10)


R.main(test)
