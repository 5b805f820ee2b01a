/// <reference lib="webworker" />
// SHA-256 of byte ranges of a File from asynchronous reads: the browser reads
// the next bytes while the current ones are hashed. The core, called synchronously,
// can only read (FileReaderSync) and hash in turn; for a blob stored
// uncompressed (its bytes are its layer, so its digest is also its diff_id)
// the verify worker hashes here and hands the core the digests
// (dispatch.h: verifyPlan, verify {index: false, blobs, digests}).
// hash-wasm's SHA-256 is ~1.5x the core's portable one in this Chromium
// (the same C shape, a newer clang).
//
// Here the browser's reads are the limit, not the hash: hash-wasm hashes 390
// MB/s in node's V8 (sha256sum 395 MB/s), while the page's verify of the 0.4 GB
// bench set (two workers) takes 1.7-2.1 s. Tried, alternated with this (5 pairs
// each, 2026-12-06): ranges up to 64 MiB read whole (Blob.arrayBuffer) and
// hashed by WebCrypto (native SHA-256): 2.5-3.0 s; FileReaderSync reads of
// 16 MiB: 2.7-3.5 s. One byte stream per range, read while the last piece is
// hashed, stays.
import { createSHA256 } from 'hash-wasm';

export interface ByteRange {
  offset: number;
  size: number;
}

/** Bytes hashed between progress reports (and the unit of a cancel's latency). */
export const HASH_SLICE = 16 << 20;

/** The buffer each read fills (a read gives what the stream has, often 64 KiB). */
const BUFFER = 2 << 20;

/**
 * "sha256:<hex>" of each range, in order. Each range is read as one byte
 * stream of the file into one reused buffer (Blob.stream, a BYOB reader: the
 * browser reads ahead while a piece is hashed; measured in Chromium here on
 * the bench's plain 0.4 GB archive, see the note in sequential-reader.ts for
 * the index). `progress(range, done)` every HASH_SLICE bytes and at a range's
 * end (bytes of that range hashed so far); returning false stops with a
 * `cancelled` error. A read that fails or comes back short (the file changed
 * or went away) rejects with that reason.
 */
export async function hashRanges(
  file: Blob,
  ranges: readonly ByteRange[],
  progress: (range: number, done: number) => boolean = () => true,
  slice = HASH_SLICE,
): Promise<string[]> {
  const h = await createSHA256();
  const out: string[] = [];
  let buf = new ArrayBuffer(BUFFER);
  for (let i = 0; i < ranges.length; ++i) {
    const r = ranges[i];
    h.init();
    if (r.size > 0) {
      const stream = file.slice(r.offset, r.offset + r.size).stream();
      // (a browser whose Blob streams are not byte streams: their own chunks)
      const byob = byobReader(stream);
      const reader = byob ?? stream.getReader();
      let done = 0;
      let reported = 0;
      try {
        while (done < r.size) {
          let got: ReadableStreamReadResult<Uint8Array>;
          if (byob) {
            // (a read that failed kept the buffer it had: a new one)
            if (buf.byteLength === 0) buf = new ArrayBuffer(BUFFER);
            got = await byob.read(new Uint8Array(buf, 0, Math.min(buf.byteLength, r.size - done)));
            if (got.value) buf = got.value.buffer as ArrayBuffer;
          } else got = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
          if (got.done || !got.value) break;
          h.update(got.value);
          done += got.value.length;
          if (done - reported >= slice || done === r.size) {
            reported = done;
            if (!progress(i, done)) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
          }
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
      if (done !== r.size) throw new Error(`read ${done} of ${r.size} bytes at offset ${r.offset}: the file changed while it was read`);
    }
    out.push('sha256:' + h.digest('hex'));
  }
  return out;
}

/** A BYOB reader of `stream`, or null where the browser's Blob streams are not byte streams. */
function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}
