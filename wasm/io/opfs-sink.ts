/// <reference lib="webworker" />
// A byte sink for the core's write request (dispatch.h `write`) over a file of
// the origin-private file system, written through a FileSystemSyncAccessHandle:
// synchronous (the core calls write() from inside a request), only in a
// dedicated worker, and straight to disk, so an export of gigabytes never
// lives in memory. The page names the file and takes it from there (downloads
// it, or copies it to a file the user picked); on a failure it removes it.
import type { ByteSinkJs, ByteSourceJs, ScratchJs } from 'layerscope-core-glue';
import { SCRATCH_DIR, type OpfsTarget, type RecompressResult } from '../protocol';

export interface OpfsSink {
  sink: ByteSinkJs;
  /** Empties the file, for the output to be written again from its start. */
  reset(): void;
  /** Closes the handle (after a failure the page removes the file). */
  close(): void;
}

/** In plain words, what a failed write to the browser's storage means. */
export function storageProblem(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'QuotaExceededError') return "the browser's storage for this site is full (free some disk space, or use the CLI: layerscope save/export -o FILE)";
  return `the browser could not write the output: ${e instanceof Error ? e.message : String(e)}`;
}

/** What a sync access handle's write costs in Chromium whatever its size:
 *  ~0.7-1.2 ms a call (156, 2 cores), so the 10 KiB pieces a tar writer hands
 *  out cost more than the bytes (a 135 MB gzip save of the 0.4 GB bench set:
 *  13,164 writes of the output, 10.0 s; 2,065 of the scratch, 2.5 s). Writes are
 *  gathered into pieces of this size first. */
export const WRITE_PIECE = 4 << 20;

/** Writes to `handle` gathered into WRITE_PIECE pieces: a write that follows
 *  the gathered bytes joins them, any other flushes them first. */
export interface PieceWriter {
  /** Stores `view` at `at` (copied before returning); throws what the handle throws. */
  write(view: Uint8Array, at: number): void;
  /** Writes the gathered bytes. */
  flush(): void;
  /** Drops the gathered bytes (the file is being emptied). */
  reset(): void;
}

export function pieceWriter(handle: FileSystemSyncAccessHandle, piece = WRITE_PIECE): PieceWriter {
  let buf: Uint8Array | null = null;
  let start = 0; // the file offset of buf[0]
  let filled = 0;
  const put = (view: Uint8Array, at: number) => {
    let done = 0;
    while (done < view.length) {
      const n = handle.write(view.subarray(done), { at: at + done });
      if (n <= 0) throw new Error(`no byte was written at offset ${at + done}`);
      done += n;
    }
  };
  const flush = () => {
    if (!filled) return;
    const n = filled;
    filled = 0;
    put(buf!.subarray(0, n), start);
  };
  return {
    write(view, at) {
      if (filled && at !== start + filled) flush();
      let off = 0;
      while (off < view.length) {
        if (!filled && view.length - off >= piece) {
          put(view.subarray(off), at + off); // a piece or more of its own: as it is
          return;
        }
        if (!filled) start = at + off;
        buf ??= new Uint8Array(piece);
        const n = Math.min(piece - filled, view.length - off);
        buf.set(view.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === piece) flush();
      }
    },
    flush,
    reset() {
      filled = 0;
    },
  };
}

/** A file of `dir` (created, or emptied) with a sync access handle and a
 *  PieceWriter over it; empty() empties both again. */
async function openEmptied(dir: FileSystemDirectoryHandle, name: string): Promise<{ handle: FileSystemSyncAccessHandle; out: PieceWriter; empty(): void }> {
  const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
  handle.truncate(0);
  const out = pieceWriter(handle);
  return {
    handle,
    out,
    empty() {
      out.reset();
      handle.truncate(0);
    },
  };
}

/** A write of the core's (a view of the wasm heap, copied before this
 *  returns, so a heap growth cannot move it meanwhile): true, or what went
 *  wrong in plain words. */
function store(out: PieceWriter, view: Uint8Array, at: number): true | string {
  try {
    out.write(view, at);
    return true;
  } catch (e) {
    return storageProblem(e);
  }
}

/** Opens (creates or truncates) target and returns a sink over it. */
export async function openOpfsSink(target: OpfsTarget, heap: () => Uint8Array): Promise<OpfsSink> {
  const storage = (self as unknown as WorkerGlobalScope).navigator.storage;
  if (!storage?.getDirectory)
    throw new Error('this browser offers no origin-private file system to write to (use the CLI: layerscope save/export -o FILE)');
  const root = await storage.getDirectory();
  const dir = await root.getDirectoryHandle(target.dir, { create: true });
  const { handle, out, empty } = await openEmptied(dir, target.name);
  let at = 0;
  let open = true;
  const reset = () => {
    empty(); // what was gathered is dropped
    at = 0;
  };
  const close = () => {
    if (!open) return;
    open = false;
    handle.close();
  };
  const sink: ByteSinkJs = {
    name: target.name,
    write(ptr, len) {
      const r = store(out, heap().subarray(ptr, ptr + len), at);
      if (r === true) at += len;
      return r;
    },
    finish() {
      try {
        out.flush();
        handle.flush();
        close();
        return true;
      } catch (e) {
        return storageProblem(e);
      }
    },
  };
  return { sink, reset, close };
}

/** Whether the storage has room for an export's output and a scratch file
 *  beside it, with room to spare: three times the archive's size (the scratch
 *  holds the layers recompressed as gzip or zstd until the output is written,
 *  about as big as the output; gzip from zstd layers is ~15 % bigger). Where
 *  that does not fit, or the browser cannot say, the layers are compressed
 *  twice instead, as without a scratch. */
export async function roomForScratch(
  archiveSize: number,
  estimate: () => Promise<StorageEstimate> = () => (self as unknown as WorkerGlobalScope).navigator.storage.estimate(),
): Promise<boolean> {
  try {
    const est = await estimate();
    return est.quota !== undefined && est.quota - (est.usage ?? 0) > 3 * archiveSize;
  } catch {
    return false;
  }
}

export interface OpfsScratch {
  scratch: ScratchJs;
  /** The bytes stored so far. */
  written(): number;
  /** Empties the file and drops what was gathered: the room goes back to the storage. */
  release(): void;
  /** Closes the handle, the file kept (a helper's layer, for the write to copy). */
  close(): void;
  /** Closes the handle and removes the file. */
  dispose(): Promise<void>;
}

async function scratchDir(): Promise<FileSystemDirectoryHandle> {
  const root = await (self as unknown as WorkerGlobalScope).navigator.storage.getDirectory();
  return root.getDirectoryHandle(SCRATCH_DIR, { create: true });
}

/**
 * The scratch file of the write into `target` (SCRATCH_DIR, the target's name):
 * a save keeps each layer it recompresses there between measuring and writing
 * it, so the layer is compressed once, not twice (the 0.4 GB bench set's gzip
 * save in wasm: 16.0 -> 9.5 s; zstd 7.8 -> 3.5 s). Left-overs of earlier writes
 * are removed first (a file still open in another worker cannot be, and is
 * left to it), but not the layers helper workers compressed for this write
 * (`keep`: their files, opened by the write already).
 */
export async function openOpfsScratch(target: OpfsTarget, heap: () => Uint8Array, keep: readonly string[] = []): Promise<OpfsScratch> {
  const dir = await scratchDir();
  for await (const [name] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (keep.includes(name)) continue;
    try {
      await dir.removeEntry(name);
    } catch {
      // in use by another worker's write
    }
  }
  return openScratchFile(dir, target.name, heap);
}

/** A file of SCRATCH_DIR (created or emptied) as the core's scratch: where a
 *  helper worker's `recompress` keeps the layer it compresses for a write. */
export async function openRecompressFile(name: string, heap: () => Uint8Array): Promise<OpfsScratch> {
  return openScratchFile(await scratchDir(), name, heap);
}

async function openScratchFile(dir: FileSystemDirectoryHandle, name: string, heap: () => Uint8Array): Promise<OpfsScratch> {
  const { handle, out, empty } = await openEmptied(dir, name);
  let open = true;
  let written = 0;
  const scratch: ScratchJs = {
    write(at, ptr, len) {
      const r = store(out, heap().subarray(ptr, ptr + len), at);
      if (r === true) written += len;
      return r;
    },
    flush() {
      try {
        out.flush();
        return true;
      } catch (e) {
        return storageProblem(e);
      }
    },
    readInto(at, ptr, len) {
      try {
        out.flush(); // (flushed at each region's end already)
        return readFully(handle, heap().subarray(ptr, ptr + len), at);
      } catch {
        return -1;
      }
    },
  };
  const close = () => {
    if (!open) return;
    open = false;
    try {
      out.flush();
      handle.flush();
    } finally {
      handle.close(); // (even when the storage is full: the file can then be removed)
    }
  };
  return {
    scratch,
    written: () => written,
    release() {
      written = 0;
      try {
        empty();
      } catch {
        // removed with the file at dispose
      }
    },
    close,
    async dispose() {
      if (open) {
        open = false;
        handle.close();
      }
      await dir.removeEntry(name).catch(() => undefined);
    },
  };
}

/** Reads view.length bytes at `at`: the count, or -1 when the file ends first. */
function readFully(handle: Pick<FileSystemSyncAccessHandle, 'read'>, view: Uint8Array, at: number): number {
  let done = 0;
  while (done < view.length) {
    const n = handle.read(view.subarray(done), { at: at + done });
    if (n <= 0) return -1;
    done += n;
  }
  return done;
}

/** Byte ranges of several files read as one source: part i holds [start, start+size). */
export interface KeptPart {
  start: number;
  size: number;
  read(view: Uint8Array, at: number): number;
}

/** The parts as one ByteSourceJs; a read may cross from one part into the next. */
export function keptSource(parts: readonly KeptPart[], name: string, heap: () => Uint8Array): ByteSourceJs {
  const size = parts.reduce((n, p) => n + p.size, 0);
  return {
    size,
    name,
    readInto(offset, ptr, len) {
      const view = heap().subarray(ptr, ptr + len);
      let done = 0;
      let i = parts.findIndex((p) => offset < p.start + p.size);
      try {
        for (; i >= 0 && i < parts.length && done < len; ++i) {
          const p = parts[i];
          const at = offset + done - p.start;
          const want = Math.min(len - done, p.size - at);
          const n = p.read(view.subarray(done, done + want), at);
          if (n !== want) return -1;
          done += n;
        }
      } catch {
        return -1;
      }
      return done;
    },
  };
}

export interface OpfsKept {
  /** The kept layers' bytes, one after the other (RequestOptions.kept). */
  source: ByteSourceJs;
  /** The write's `recompressed` argument: where each layer lies in `source`. */
  layers: { member: string; digest: string; size: number; at: number }[];
  /** Closes the files and removes them (those that could not be opened too). */
  dispose(): Promise<void>;
}

/**
 * The files helper workers compressed layers into (RecompressResult, in
 * SCRATCH_DIR), opened for a write to copy. A file that is gone or not of its
 * layer's size is left out: the write compresses that layer itself.
 */
export async function openOpfsKept(files: readonly RecompressResult[], heap: () => Uint8Array): Promise<OpfsKept> {
  const dir = await scratchDir();
  const handles: FileSystemSyncAccessHandle[] = [];
  const parts: KeptPart[] = [];
  const layers: OpfsKept['layers'] = [];
  let at = 0;
  for (const f of files) {
    try {
      const h = await (await dir.getFileHandle(f.file)).createSyncAccessHandle();
      handles.push(h);
      if (h.getSize() !== f.size) continue;
      parts.push({ start: at, size: f.size, read: (view, where) => readFully(h, view, where) });
      layers.push({ member: f.member, digest: f.digest, size: f.size, at });
      at += f.size;
    } catch {
      // gone (another tab's export swept it): compressed by the write itself
    }
  }
  return {
    source: keptSource(parts, 'layers compressed by helper workers', heap),
    layers,
    async dispose() {
      for (const h of handles) h.close();
      for (const f of files) await dir.removeEntry(f.file).catch(() => undefined);
    },
  };
}

/**
 * Runs a write with the scratch, and once more without it when the scratch
 * failed (`isScratchFailure`: an io error "where" a scratch region is, e.g. the
 * storage filled up): the scratch is emptied (`scratch.release`), the output
 * too (`restart`), and the layers are compressed twice, as without a scratch,
 * in the room it took. Other failures are the write's own and pass on as they are.
 */
export function retryWithoutScratch<T>(
  run: (scratch?: ScratchJs) => T,
  scratch: Pick<OpfsScratch, 'scratch' | 'release'> | undefined,
  restart: () => void,
  isScratchFailure: (e: unknown) => boolean,
): { result: T; keptInScratch: boolean } {
  if (!scratch) return { result: run(undefined), keptInScratch: false };
  try {
    return { result: run(scratch.scratch), keptInScratch: true };
  } catch (e) {
    if (!isScratchFailure(e)) throw e;
    scratch.release();
    restart();
    return { result: run(undefined), keptInScratch: false };
  }
}
