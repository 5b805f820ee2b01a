/// <reference lib="webworker" />
// A byte sink for the core's write request (dispatch.h `write`) over a file of
// the origin-private file system, written through a FileSystemSyncAccessHandle:
// synchronous (the core calls write() from inside a request), only in a
// dedicated worker, and straight to disk, so an export of gigabytes never
// lives in memory. The page names the file and takes it from there (downloads
// it, or copies it to a file the user picked); on a failure it removes it.
import type { ByteSinkJs, ScratchJs } from 'layerscope-core-glue';
import { SCRATCH_DIR, type OpfsTarget } from '../protocol';

export interface OpfsSink {
  sink: ByteSinkJs;
  /** Closes the handle (after a failure the page removes the file). */
  close(): void;
}

/** In plain words, what a failed write to the browser's storage means. */
export function storageProblem(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'QuotaExceededError') return "the browser's storage for this site is full (free some disk space, or use the CLI: layerscope save/export -o FILE)";
  return `the browser could not write the output: ${e instanceof Error ? e.message : String(e)}`;
}

/** Opens (creates or truncates) target and returns a sink over it. */
export async function openOpfsSink(target: OpfsTarget, heap: () => Uint8Array): Promise<OpfsSink> {
  const storage = (self as unknown as WorkerGlobalScope).navigator.storage;
  if (!storage?.getDirectory)
    throw new Error('this browser offers no origin-private file system to write to (use the CLI: layerscope save/export -o FILE)');
  const root = await storage.getDirectory();
  const dir = await root.getDirectoryHandle(target.dir, { create: true });
  const file = await dir.getFileHandle(target.name, { create: true });
  const handle = await file.createSyncAccessHandle();
  handle.truncate(0);
  let at = 0;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    handle.close();
  };
  const sink: ByteSinkJs = {
    name: target.name,
    write(ptr, len) {
      try {
        // The view is used before returning: a heap growth cannot move it meanwhile.
        const view = heap().subarray(ptr, ptr + len);
        let done = 0;
        while (done < len) {
          const n = handle.write(view.subarray(done), { at: at + done });
          if (n <= 0) return storageProblem(new Error(`no byte was written at offset ${at + done}`));
          done += n;
        }
        at += len;
        return true;
      } catch (e) {
        return storageProblem(e);
      }
    },
    finish() {
      try {
        handle.flush();
        close();
        return true;
      } catch (e) {
        return storageProblem(e);
      }
    },
  };
  return { sink, close };
}

export interface OpfsScratch {
  scratch: ScratchJs;
  /** The bytes stored so far. */
  written(): number;
  /** Closes the handle and removes the file. */
  dispose(): Promise<void>;
}

/**
 * The scratch file of the write into `target` (SCRATCH_DIR, the target's name):
 * a save keeps each layer it recompresses there between measuring and writing
 * it, so the layer is compressed once, not twice (the 0.4 GB bench set's gzip
 * save in wasm: 16.0 -> 9.5 s; zstd 7.8 -> 3.5 s). Left-overs of earlier writes
 * are removed first (a file still open in another worker cannot be, and is
 * left to it).
 */
export async function openOpfsScratch(target: OpfsTarget, heap: () => Uint8Array): Promise<OpfsScratch> {
  const storage = (self as unknown as WorkerGlobalScope).navigator.storage;
  const root = await storage.getDirectory();
  const dir = await root.getDirectoryHandle(SCRATCH_DIR, { create: true });
  for await (const [name] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    try {
      await dir.removeEntry(name);
    } catch {
      // in use by another worker's write
    }
  }
  const name = target.name;
  const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
  let open = true;
  let written = 0;
  const scratch: ScratchJs = {
    write(at, ptr, len) {
      try {
        const view = heap().subarray(ptr, ptr + len);
        let done = 0;
        while (done < len) {
          const n = handle.write(view.subarray(done), { at: at + done });
          if (n <= 0) return storageProblem(new Error(`no byte was written at offset ${at + done}`));
          done += n;
        }
        written += len;
        return true;
      } catch (e) {
        return storageProblem(e);
      }
    },
    readInto(at, ptr, len) {
      try {
        const view = heap().subarray(ptr, ptr + len);
        let done = 0;
        while (done < len) {
          const n = handle.read(view.subarray(done), { at: at + done });
          if (n <= 0) return -1;
          done += n;
        }
        return done;
      } catch {
        return -1;
      }
    },
  };
  return {
    scratch,
    written: () => written,
    async dispose() {
      if (!open) return;
      open = false;
      handle.close();
      await dir.removeEntry(name).catch(() => undefined);
    },
  };
}
