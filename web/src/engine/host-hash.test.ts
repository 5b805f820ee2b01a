// wasm/io/host-hash.ts (the verify worker's hashing of plain blobs) in node:
// its digests against node's own SHA-256 of the same byte ranges, whatever the
// slice size (progress), with empty ranges, ranges crossing slices and ranges of
// several of its read buffers; a short read fails.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRanges } from '../../../wasm/io/host-hash';

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
const sha = (b: Uint8Array) => 'sha256:' + createHash('sha256').update(b).digest('hex');

describe('hashRanges', () => {
  const ranges = [
    { offset: 0, size: 0 },
    { offset: 3, size: 500 },
    { offset: 503, size: 0 },
    { offset: 600, size: 7 },
    { offset: 700, size: 300 },
    { offset: 1000, size: 0 },
  ];
  const want = ranges.map((r) => sha(bytes.subarray(r.offset, r.offset + r.size)));
  for (const slice of [1, 7, 64, 1 << 20])
    it(`equals node's SHA-256 of each range (slices of ${slice} bytes)`, async () => {
      const seen: [number, number][] = [];
      const got = await hashRanges(new Blob([bytes]), ranges, (i, done) => (seen.push([i, done]), true), slice);
      expect(got).toEqual(want);
      // progress: bytes of each range so far, ending at its size
      for (const [i, r] of ranges.entries()) if (r.size) expect(seen.filter(([k]) => k === i).at(-1)).toEqual([i, r.size]);
    });

  it('fails on a short read (the file changed under it) and when progress says stop', async () => {
    const blob = new Blob([bytes]);
    const short = { slice: (a: number, b: number) => blob.slice(a, Math.max(a, b - 1)) } as unknown as Blob;
    await expect(hashRanges(short, [{ offset: 0, size: 100 }], undefined, 64)).rejects.toThrow(/read 99 of 100 bytes at offset 0/);
    await expect(hashRanges(blob, [{ offset: 0, size: 100 }], () => false, 64)).rejects.toThrow(/cancelled/);
  });

  it('hashes ranges of several MiB (each read as one byte stream, pieces of its 2 MiB buffer)', async () => {
    const big = Uint8Array.from({ length: 5 * 2 ** 20 + 123 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const rs = [
      { offset: 3 * 2 ** 20, size: 2 * 2 ** 20 + 123 },
      { offset: 17, size: 3 * 2 ** 20 },
    ];
    expect(await hashRanges(new Blob([big]), rs)).toEqual(rs.map((r) => sha(big.subarray(r.offset, r.offset + r.size))));
  });

  it("hashes where a Blob's stream is not a byte stream (no BYOB reader): its own chunks", async () => {
    const chunked = {
      slice: (a: number, b: number) => ({
        stream: () =>
          new ReadableStream<Uint8Array>({
            start(c) {
              for (let o = a; o < b; o += 100) c.enqueue(bytes.slice(o, Math.min(b, o + 100)));
              c.close();
            },
          }),
      }),
    } as unknown as Blob;
    expect(await hashRanges(chunked, ranges)).toEqual(want);
  });
});
