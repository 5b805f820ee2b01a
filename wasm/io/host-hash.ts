/// <reference lib="webworker" />
// SHA-256 of byte ranges of a File from asynchronous reads: the next slice is
// on its way while the current one is hashed. The core, called synchronously,
// can only read (FileReaderSync) and hash in turn; for a blob stored
// uncompressed (its bytes are its layer, so its digest is also its diff_id)
// the verify worker hashes here and hands the core the digests
// (dispatch.h: verifyPlan, verify {index: false, blobs, digests}).
// hash-wasm's SHA-256 is ~1.5x the core's portable one in this Chromium
// (the same C shape, a newer clang).
import { createSHA256 } from 'hash-wasm';

export interface ByteRange {
  offset: number;
  size: number;
}

/** Slice size: 16 MiB (32 MiB was no faster, 4 MiB slower; per-call cost). */
export const HASH_SLICE = 16 << 20;

/**
 * "sha256:<hex>" of each range, in order. `progress(range, done)` after every
 * slice (bytes of that range hashed so far); returning false stops with a
 * `cancelled` error. A read that fails or comes back short (the file changed
 * or went away) rejects with that reason.
 */
export async function hashRanges(
  file: Blob,
  ranges: readonly ByteRange[],
  progress: (range: number, done: number) => boolean = () => true,
  slice = HASH_SLICE,
): Promise<string[]> {
  // every slice of every range, read one ahead across range boundaries
  const parts: { range: number; offset: number; size: number }[] = [];
  ranges.forEach((r, i) => {
    for (let o = 0; o < r.size; o += slice) parts.push({ range: i, offset: r.offset + o, size: Math.min(slice, r.size - o) });
  });
  const read = (k: number): Promise<ArrayBuffer> | null => {
    if (k >= parts.length) return null;
    const p = file.slice(parts[k].offset, parts[k].offset + parts[k].size).arrayBuffer();
    p.catch(() => {}); // awaited below; a read left behind by an error is not unhandled
    return p;
  };
  const h = await createSHA256();
  const out: string[] = [];
  let range = -1;
  let done = 0;
  let next = read(0);
  const finish = () => {
    if (range >= 0) out.push('sha256:' + h.digest('hex'));
  };
  for (let k = 0; k < parts.length; ++k) {
    const p = parts[k];
    while (range < p.range) {
      finish();
      ++range;
      h.init();
      done = 0;
    }
    const bytes = new Uint8Array(await next!);
    next = read(k + 1);
    if (bytes.length !== p.size)
      throw new Error(`read ${bytes.length} of ${p.size} bytes at offset ${p.offset}: the file changed while it was read`);
    h.update(bytes);
    done += bytes.length;
    if (!progress(p.range, done)) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
  }
  finish();
  // empty ranges (no slices) and those after the last slice
  while (out.length < ranges.length) out.push('sha256:' + (h.init(), h.digest('hex')));
  return out;
}
