// Where a written output goes in the browser: the worker writes it into a
// file of the origin-private file system (OPFS); from there the page copies it
// into a file the user picked (showSaveFilePicker, streamed), or downloads it
// (an object URL of the OPFS file: the bytes stay on disk). Outputs are kept
// until the user discards them or a later visit finds them a day old.
import { SCRATCH_DIR, WRITE_LOCK_PREFIX, type OpfsTarget } from '../engine';
import { EXPORT_DIR } from './exports';

const DAY_MS = 24 * 3600 * 1000;

async function exportDir(): Promise<FileSystemDirectoryHandle> {
  if (!navigator.storage?.getDirectory) throw new Error('this browser offers no origin-private file system (use the CLI)');
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(EXPORT_DIR, { create: true });
}

/** A fresh target for an output called `name` (the OPFS name is unique; the download keeps `name`). */
export function newTarget(name: string): OpfsTarget {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return { kind: 'opfs', dir: EXPORT_DIR, name: `${id}-${name.replace(/[/\\]/g, '_')}` };
}

/** The written output as a File (backed by the OPFS file, not a copy in memory), under its own name. */
export async function targetFile(t: OpfsTarget, name: string): Promise<File> {
  const f = await (await (await exportDir()).getFileHandle(t.name)).getFile();
  return new File([f], name, { type: 'application/x-tar', lastModified: f.lastModified });
}

/** Whether this browser has an origin-private file system to stream into. */
export function hasOpfs(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory;
}

/** Streams `body` into a new OPFS file and returns it (disk-backed) as `name`;
 *  on failure the partial file is removed. */
export async function streamIntoTarget(t: OpfsTarget, name: string, body: ReadableStream<Uint8Array<ArrayBuffer>>, onBytes: (done: number) => void): Promise<File> {
  const handle = await (await exportDir()).getFileHandle(t.name, { create: true });
  const w = await handle.createWritable();
  const reader = body.getReader();
  let done = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      await w.write(r.value);
      done += r.value.byteLength;
      onBytes(done);
    }
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    await removeTarget(t);
    throw e;
  }
  return targetFile(t, name);
}

/** Removes an output (a failed or cancelled write's partial file too), and
 *  the scratch file of its write if one is left (a cancel stops the worker
 *  before it removes its own). A worker that was just terminated holds its
 *  files' locks until the browser has torn it down (seconds on a busy
 *  machine): tried again for up to half a minute; what still stays is swept on
 *  a later visit (sweepOldOutputs) or by the next write (scratch). */
export async function removeTarget(t: OpfsTarget): Promise<boolean> {
  const root = await navigator.storage.getDirectory();
  const scratch = await root.getDirectoryHandle(SCRATCH_DIR, { create: true });
  // The write's scratch, and the layers its helper workers compressed (`<name>.part<i>`).
  const names = [t.name];
  for await (const [name] of scratch as unknown as AsyncIterable<[string, FileSystemHandle]>) if (name.startsWith(`${t.name}.part`)) names.push(name);
  const [output, ...kept] = await Promise.all([removeEntry(await exportDir(), t.name), ...names.map((n) => removeEntry(scratch, n))]);
  return output && kept.every(Boolean);
}

async function removeEntry(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  for (let wait = 50, waited = 0; ; waited += wait, wait = Math.min(2 * wait, 2000)) {
    try {
      await dir.removeEntry(name);
      return true;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotFoundError') return true;
      if (waited > 30_000) return false;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Removes outputs of earlier visits that are older than a day, and every
 *  scratch file left by an export that was stopped. A write running in another
 *  tab (or this one) holds its Web Lock (EngineArchive.write): its scratch and
 *  its helpers' `.part` files stay, also those no handle has open while they
 *  wait for the writer to copy them (best effort). */
export async function sweepOldOutputs(now = Date.now()): Promise<void> {
  try {
    const scratch = await (await navigator.storage.getDirectory()).getDirectoryHandle(SCRATCH_DIR, { create: true });
    const running = await runningWrites();
    const inUse = (name: string) => running.some((t) => name === t || name.startsWith(`${t}.part`));
    for await (const [name] of scratch as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (!inUse(name)) await scratch.removeEntry(name).catch(() => undefined);
    }
  } catch {
    /* no OPFS */
  }
  try {
    const dir = await exportDir();
    for await (const [name, h] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
      if (h.kind !== 'file') continue;
      const f = await (h as FileSystemFileHandle).getFile();
      if (now - f.lastModified > DAY_MS) await dir.removeEntry(name).catch(() => undefined);
    }
  } catch {
    /* no OPFS, or it is in use: nothing to sweep */
  }
}

/** The targets of the writes running in this origin's pages (their Web Locks). */
async function runningWrites(): Promise<string[]> {
  if (!navigator.locks) return [];
  const { held = [], pending = [] } = await navigator.locks.query();
  return [...held, ...pending].map((l) => l.name ?? '').filter((n) => n.startsWith(WRITE_LOCK_PREFIX)).map((n) => n.slice(WRITE_LOCK_PREFIX.length));
}

/** Starts a download of `file` (an OPFS-backed File: the browser streams it from disk). */
export function downloadFile(file: File): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type SavePicker = (opts: { suggestedName: string }) => Promise<FileSystemFileHandle>;

/** True where the browser offers a save picker (Chromium). */
export function hasSavePicker(): boolean {
  return typeof (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker === 'function';
}

/** Asks the user where to save (must run in the click's user activation); null if they cancelled. */
export async function pickSaveFile(name: string): Promise<FileSystemFileHandle | null> {
  try {
    return await (window as unknown as { showSaveFilePicker: SavePicker }).showSaveFilePicker({ suggestedName: name });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

/** Streams `file` into the picked file (no copy in memory), reporting bytes copied. */
export async function copyToPicked(file: File, handle: FileSystemFileHandle, onProgress: (done: number) => void): Promise<void> {
  const w = await handle.createWritable();
  let done = 0;
  const count = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      done += chunk.byteLength;
      onProgress(done);
      ctl.enqueue(chunk);
    },
  });
  await file.stream().pipeThrough(count).pipeTo(w);
}
