/// <reference lib="webworker" />
// A byte sink for the core's write request (dispatch.h `write`) over a file of
// the origin-private file system, written through a FileSystemSyncAccessHandle:
// synchronous (the core calls write() from inside a request), only in a
// dedicated worker, and straight to disk, so an export of gigabytes never
// lives in memory. The page names the file and takes it from there (downloads
// it, or copies it to a file the user picked); on a failure it removes it.
import type { ByteSinkJs } from 'layerscope-core-glue';
import type { OpfsTarget } from '../protocol';

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
