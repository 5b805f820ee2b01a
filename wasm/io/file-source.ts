/// <reference lib="webworker" />
// The core's ByteSource over a File, and the check of a source descriptor that
// came in a message (the worker's half of protocol.ts's SourceDescriptor).
import { CostModel, ReadAhead } from './read-ahead';
import { FileStream } from './file-stream';

/** What the core reads through (the glue's ByteSourceJs, bindings.cpp's
 *  JsSource): readInto copies `len` bytes at `offset` into the heap at `ptr` and
 *  returns the count, or -1 when the read failed (the core reports code "io",
 *  "the browser could not read the file"). */
export interface FileByteSource {
  size: number;
  name: string;
  readInto(offset: number, ptr: number, len: number): number;
  /** The core's advice (ByteSource::will_read): [offset, offset+len) is about
   *  to be read in order, e.g. a compressed blob by its decoder. */
  willRead?(offset: number, len: number): void;
}

/**
 * The core's ByteSource over a ReadAhead (a File's or a URL's). `heap` is looked
 * up on every call (memory growth replaces HEAPU8). A failed read returns -1
 * instead of throwing into wasm, where an exception would kill the instance;
 * `failed` hears why.
 */
export function aheadByteSource(
  ahead: ReadAhead,
  size: number,
  name: string,
  heap: () => Uint8Array,
  failed: (e: unknown) => void,
  stream?: FileStream,
): FileByteSource {
  // A synchronous read through the window into the heap: its count, or -1.
  const readAhead = (at: number, len: number, h: Uint8Array, ptr: number): number => {
    let bytes: Uint8Array;
    try {
      bytes = ahead.read(at, len);
    } catch (e) {
      failed(e);
      return -1;
    }
    h.set(bytes, ptr);
    return bytes.length;
  };
  if (!stream)
    return {
      size,
      name,
      willRead: (offset: number, len: number): void => ahead.advise(offset, len), // (cannot throw)
      readInto: (offset: number, ptr: number, len: number): number => (offset >= size || len <= 0 ? 0 : readAhead(offset, len, heap(), ptr)),
    };
  // With a stream: what the window holds, else what the stream holds, else a
  // synchronous read; once the window has grown to a chunk (a sequential
  // read), the stream goes on from where the window ends.
  return {
    size,
    name,
    // A long run announced: the stream starts at once (no synchronous reads
    // while the window grows), where the window's bytes end if it holds the
    // run's start (the blob's first bytes, read to sniff it), unless the
    // stream already holds that. Before the reader runs, or for a short run,
    // the synchronous reads take the run in the largest windows instead.
    willRead(offset: number, len: number): void {
      if (offset >= size) return;
      ahead.advise(offset, len); // (what the stream does not take is read synchronously, in large windows)
      if (len < FileStream.ADVISED) return;
      const from = ahead.peek(offset, 1) ? ahead.end : offset;
      // Advice only: a stream that cannot start is no failure (nothing may throw into wasm).
      try {
        if (from < offset + len && !stream.holds(from)) stream.start(from);
      } catch (e) {
        console.warn('[worker] read-ahead of', name, 'not started:', e);
      }
    },
    readInto(offset: number, ptr: number, len: number): number {
      if (offset >= size || len <= 0) return 0;
      const h = heap();
      len = Math.min(len, size - offset);
      let done = 0;
      while (done < len) {
        const at = offset + done;
        // (an earlier window's bytes only where the stream does not hold them:
        // an index's every header read is the stream's, and would look in vain)
        const held = ahead.peek(at, len - done) ?? (stream.holds(at) ? null : ahead.recall(at, len - done));
        if (held) {
          h.set(held, ptr + done);
          done += held.length;
          continue;
        }
        const n = stream.copy(at, len - done, h, ptr + done);
        if (n < 0) {
          failed(new Error(stream.problem ?? 'the browser could not read the file'));
          return -1;
        }
        if (n > 0) {
          done += n;
          continue;
        }
        const m = readAhead(at, len - done, h, ptr + done);
        if (m < 0) return -1;
        if (m === 0) break;
        done += m;
        if (ahead.windowBytes >= FileStream.START) stream.start(ahead.end);
      }
      return done;
    },
  };
}

/**
 * A File as a ByteSource. A failed read (FileReaderSync throws when the file
 * changed or became unreadable after it was chosen) answers -1.
 */
export function fileByteSource(
  file: Blob,
  name: string,
  heap: () => Uint8Array,
  ahead: ReadAhead = new ReadAhead(file, undefined, new CostModel()),
  stream?: FileStream,
): { src: FileByteSource; io: ReadAhead['stats'] } {
  // With a stream, a synchronous read is only the start of a run (or a lone
  // read): the stream reads the rest of a long run.
  if (stream) ahead.capWindow(FileStream.CHUNK);
  const src = aheadByteSource(ahead, file.size, name, heap, (e) => console.warn('[worker] reading', name, 'failed:', e), stream);
  return { src, io: ahead.stats };
}

/** Why `desc` (as received) is not a source descriptor, or null when it is one. */
export function sourceProblem(desc: unknown): string | null {
  if (typeof desc !== 'object' || desc === null) return 'the request has no source';
  const d = desc as { kind?: unknown; file?: unknown; name?: unknown; url?: unknown; size?: unknown; validator?: unknown };
  switch (d.kind) {
    case 'file':
      if (typeof Blob === 'undefined' || !(d.file instanceof Blob)) return 'a source of kind "file" needs a File or Blob';
      if (typeof d.name !== 'string') return 'a source of kind "file" needs a name';
      return null;
    case 'url': {
      if (typeof d.url !== 'string') return 'a source of kind "url" needs a url';
      let u: URL;
      try {
        u = new URL(d.url);
      } catch {
        return `a source of kind "url" needs an absolute URL, not ${JSON.stringify(d.url)}`;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return `a source of kind "url" reads http(s) only, not ${u.protocol}`;
      if (typeof d.name !== 'string') return 'a source of kind "url" needs a name';
      if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) return 'a source of kind "url" needs its size in bytes';
      if (typeof d.validator !== 'string') return 'a source of kind "url" needs a validator (the ETag or Last-Modified; may be empty)';
      return null;
    }
    default:
      return `unknown source kind ${String(d.kind)}`;
  }
}
