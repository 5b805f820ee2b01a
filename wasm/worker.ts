/// <reference lib="webworker" />
// The worker that owns one wasm core instance and at most one open archive.
// Protocol and the JS -> C++ -> JS stack: see protocol.ts.
//
// The archive File is never read whole: the core calls src.readInto(offset,
// ptr, len) and we copy exactly that slice (FileReaderSync over File.slice)
// into HEAPU8, looked up on every call because memory growth replaces it.
// Calls into the core are synchronous; cancelling one means the page
// terminates this worker (see client.ts).
import createLayerscope from 'layerscope-core-glue';
import type { CoreHandle, CoreModule } from 'layerscope-core-glue';
import {
  CHANGES,
  ENTRY_TYPES,
  PROTOCOL_VERSION,
  type EntryPage,
  type ErrorEnvelope,
  type InspectDocument,
  type ListRequest,
  type OpenRequest,
  type OpenResult,
  type PathEvent,
  type PathHistory,
  type PathHistoryRequest,
  type ReadRequest,
  type ReadResult,
  type RequestMessage,
  type ResponseMessage,
  type VerifyResult,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let modulePromise: Promise<CoreModule> | null = null;
let loadMs = 0;
let handle: CoreHandle | null = null;
/** What `handle` was opened from, and what is known about it. */
let opened: { file: Blob; name: string; summary: InspectDocument; verified: boolean } | null = null;
/** Set once the instance has trapped or aborted: every later call is refused. */
let dead: ErrorEnvelope | null = null;

class RequestError extends Error {
  constructor(readonly envelope: ErrorEnvelope) {
    super(envelope.message);
  }
}

function post(msg: ResponseMessage, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function loadModule(): Promise<CoreModule> {
  if (!modulePromise) {
    const t0 = performance.now();
    modulePromise = createLayerscope({
      print: (s: string) => console.log('[core]', s),
      printErr: (s: string) => console.warn('[core]', s),
      onAbort: (what: unknown) => {
        dead = { code: 'fatal', message: `the wasm core aborted: ${String(what)}`, where: 'worker' };
        post({ v: PROTOCOL_VERSION, id: 0, type: 'fatal', error: dead });
      },
    }).then(
      (m) => {
        loadMs = performance.now() - t0;
        return m;
      },
      (e: unknown) => {
        modulePromise = null;
        throw new RequestError({ code: 'load', message: `could not load the wasm core: ${String(e)}`, where: 'worker' });
      },
    );
  }
  return modulePromise;
}

function parseEnvelope<T>(text: string): T {
  const env = JSON.parse(text) as { ok: true; value: T } | ({ ok: false } & ErrorEnvelope);
  if (!env.ok) throw new RequestError({ code: env.code, message: env.message, where: env.where ?? '' });
  return env.value;
}

function requireHandle(): CoreHandle {
  if (!handle) throw new RequestError({ code: 'invalid-argument', message: 'no archive is open in this worker', where: 'worker' });
  return handle;
}

/**
 * Reads a File synchronously through an adaptive read-ahead window.
 * Each FileReaderSync call costs ~1 ms in Chromium whatever its size (measured:
 * 1.2 ms for 512 B, 2.1 ms for 64 KiB, 5.7 ms for 1 MiB), and the core's header
 * scan asks for 512 bytes after every skipped payload: without a window a
 * 400 MB archive of 35,000 files took 52 s for 43,000 tiny reads. The window
 * grows while misses land just past it (a forward scan through small entries)
 * and shrinks after a long jump (a skipped large payload), so skipped payloads
 * stay mostly unread.
 */
class ReadAhead {
  private buf: Uint8Array | null = null;
  private start = 0;
  private window = ReadAhead.MIN;
  static readonly MIN = 64 << 10;
  static readonly MAX = 8 << 20;
  readonly stats = { calls: 0, fetches: 0, fetchedBytes: 0, ms: 0 };
  private readonly reader = new FileReaderSync();

  constructor(private readonly file: Blob) {}

  /** Bytes [offset, offset+len) (fewer at the end of the file); valid until the next call. */
  read(offset: number, len: number): Uint8Array {
    this.stats.calls++;
    const b = this.buf;
    if (b && offset >= this.start && offset + len <= this.start + b.length) return b.subarray(offset - this.start, offset - this.start + len);
    if (b) {
      const end = this.start + b.length;
      const gap = offset - end;
      if (gap >= 0 && gap <= this.window) this.window = Math.min(this.window * 2, ReadAhead.MAX);
      else if (gap < 0 || gap > 4 * this.window) this.window = ReadAhead.MIN;
    }
    const size = Math.max(0, Math.min(this.file.size - offset, Math.max(len, this.window)));
    const t = performance.now();
    const buf = new Uint8Array(this.reader.readAsArrayBuffer(this.file.slice(offset, offset + size)));
    this.stats.ms += performance.now() - t;
    this.stats.fetches++;
    this.stats.fetchedBytes += buf.length;
    this.buf = buf;
    this.start = offset;
    return buf.subarray(0, Math.min(len, buf.length));
  }
}

/** A progress callback for the core that posts (throttled) progress events of request `id`. */
function progressPoster(id: number, t0: number): (phase: string, done: number, total: number, detail: string) => boolean {
  let lastPost = 0;
  return (phase, done, total, detail) => {
    const now = performance.now();
    if (now - lastPost >= 60 || done >= total) {
      lastPost = now;
      const secs = (now - t0) / 1000;
      post({ v: PROTOCOL_VERSION, id, type: 'progress', progress: { phase, done, total, rate: secs > 0 ? done / secs : 0, detail: detail ?? '' } });
    }
    return true;
  };
}

function closeHandle(): void {
  if (handle) handle.delete();
  handle = null;
  opened = null;
}

/** Opens req.file as this worker's archive. The archive open so far is closed
 *  first, or with `replace` only once the new one opened (it stays on failure). */
async function open(id: number, req: OpenRequest, replace = false): Promise<OpenResult> {
  const wasLoaded = modulePromise !== null;
  const mod = await loadModule();
  if (!replace) closeHandle();
  const file = req.file;
  const ahead = new ReadAhead(file);
  const t0 = performance.now();
  const src = {
    size: file.size,
    name: req.name,
    readInto(offset: number, ptr: number, len: number): number {
      if (offset >= file.size || len <= 0) return 0;
      const bytes = ahead.read(offset, len);
      mod.HEAPU8.set(bytes, ptr);
      return bytes.length;
    },
  };
  const r = mod.openArchive(src, { progress: progressPoster(id, t0), verify: !!req.verify });
  if (!r.ok) throw new RequestError({ code: r.code, message: r.message, where: r.where ?? '' });
  closeHandle();
  handle = r.handle;
  const summary = parseEnvelope<InspectDocument>(handle.summary());
  opened = { file, name: req.name, summary, verified: !!req.verify };
  return {
    summary,
    bytesRead: handle.bytesRead(),
    elapsedMs: performance.now() - t0,
    loadMs: wasLoaded ? 0 : loadMs,
    io: { ...ahead.stats },
  };
}

interface RawEntry {
  path: string;
  type: string;
  change: string;
  layer: number;
  size?: number;
  mode?: string;
  uid?: number;
  gid?: number;
  mtime?: number;
  link?: string;
  implicit?: boolean;
}

function list(req: ListRequest): { page: EntryPage; transfer: Transferable[] } {
  const h = requireHandle();
  const v = parseEnvelope<{ total: number; offset: number; has_more: boolean; layer: number; entries: RawEntry[] }>(
    h.list(req.image, req.layer, req.merged, req.prefix, req.offset, req.limit),
  );
  const n = v.entries.length;
  const page: EntryPage = {
    total: v.total,
    offset: v.offset,
    hasMore: v.has_more,
    layer: v.layer,
    count: n,
    paths: new Array<string>(n),
    links: new Array<string>(n),
    types: new Uint8Array(n),
    changes: new Uint8Array(n),
    layers: new Int16Array(n),
    sizes: new Float64Array(n),
    modes: new Uint16Array(n),
    uids: new Uint32Array(n),
    gids: new Uint32Array(n),
    mtimes: new Float64Array(n),
    flags: new Uint8Array(n),
  };
  const typeIdx = new Map<string, number>(ENTRY_TYPES.map((t, i) => [t, i]));
  const changeIdx = new Map<string, number>(CHANGES.map((c, i) => [c, i]));
  for (let i = 0; i < n; i++) {
    const e = v.entries[i];
    page.paths[i] = e.path;
    page.links[i] = e.link ?? '';
    page.types[i] = typeIdx.get(e.type) ?? ENTRY_TYPES.indexOf('other');
    page.changes[i] = changeIdx.get(e.change) ?? 0;
    page.layers[i] = e.layer;
    page.sizes[i] = e.size ?? 0;
    page.modes[i] = e.mode ? parseInt(e.mode, 8) & 0o7777 : 0;
    page.uids[i] = e.uid ?? 0;
    page.gids[i] = e.gid ?? 0;
    page.mtimes[i] = e.mtime ?? 0;
    page.flags[i] = e.implicit ? 1 : 0;
  }
  const transfer = [page.types, page.changes, page.layers, page.sizes, page.modes, page.uids, page.gids, page.mtimes, page.flags].map(
    (a) => a.buffer as ArrayBuffer,
  );
  return { page, transfer };
}

function read(req: ReadRequest): ReadResult {
  const h = requireHandle();
  const r = h.readFile(req.image, req.layer, req.path, req.offset, req.length);
  if (!r.ok) throw new RequestError({ code: r.code, message: r.message, where: r.where ?? '' });
  return { data: r.data, eof: r.eof, size: r.size };
}

function pathHistory(req: PathHistoryRequest): PathHistory {
  const v = parseEnvelope<{ image: number; path: string; events: RawEntry[] }>(requireHandle().pathHistory(req.image, req.path));
  const events: PathEvent[] = v.events.map((e) => ({
    path: e.path,
    type: (ENTRY_TYPES as readonly string[]).includes(e.type) ? (e.type as PathEvent['type']) : 'other',
    change: (CHANGES as readonly string[]).includes(e.change) ? (e.change as PathEvent['change']) : 'none',
    layer: e.layer,
    size: e.size ?? 0,
    mode: e.mode ? parseInt(e.mode, 8) & 0o7777 : 0,
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    mtime: e.mtime ?? 0,
    link: e.link ?? '',
    implicit: !!e.implicit,
  }));
  return { image: v.image, path: v.path, events };
}

/**
 * Hashes every blob and layer. The core's verify needs random access to the
 * members; an archive compressed as a whole has none, so it is opened again
 * with hashing on (one pass that indexes and hashes). A second verify of the
 * same open archive answers from the first (the core would add its mismatch
 * warnings again).
 */
async function verify(id: number): Promise<VerifyResult> {
  const h = requireHandle();
  const cur = opened!;
  const t0 = performance.now();
  if (cur.verified) return { summary: cur.summary, elapsedMs: 0, bytesRead: h.bytesRead(), reopened: false };
  if (cur.summary.archive.outer_compression !== 'none') {
    const r = await open(id, { type: 'open', file: cur.file, name: cur.name, verify: true }, true);
    return { summary: r.summary, elapsedMs: performance.now() - t0, bytesRead: r.bytesRead, reopened: true };
  }
  const summary = parseEnvelope<InspectDocument>(h.verify(progressPoster(id, t0)));
  opened = { ...cur, summary, verified: true };
  return { summary, elapsedMs: performance.now() - t0, bytesRead: h.bytesRead(), reopened: false };
}

async function handleMessage(msg: RequestMessage): Promise<void> {
  const { id } = msg;
  try {
    if (msg.v !== PROTOCOL_VERSION)
      throw new RequestError({ code: 'protocol', message: `protocol version ${msg.v} is not ${PROTOCOL_VERSION}`, where: 'worker' });
    if (dead) throw new RequestError(dead);
    switch (msg.type) {
      case 'open': {
        const result = await open(id, msg);
        post({ v: PROTOCOL_VERSION, id, type: 'result', result });
        break;
      }
      case 'list': {
        const { page, transfer } = list(msg);
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: page }, transfer);
        break;
      }
      case 'read': {
        const r = read(msg);
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: r }, [r.data.buffer as ArrayBuffer]);
        break;
      }
      case 'manifest': {
        const text = parseEnvelope<string>(requireHandle().manifestJson(msg.image));
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: text });
        break;
      }
      case 'pathHistory':
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: pathHistory(msg) });
        break;
      case 'verify': {
        const result = await verify(id);
        post({ v: PROTOCOL_VERSION, id, type: 'result', result });
        break;
      }
      case 'resolve': {
        const idx = parseEnvelope<number>(requireHandle().resolveImage(msg.ref));
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: idx });
        break;
      }
      case 'stats':
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: { bytesRead: handle ? handle.bytesRead() : 0 } });
        break;
      case 'close':
        closeHandle();
        post({ v: PROTOCOL_VERSION, id, type: 'result', result: null });
        break;
      default:
        throw new RequestError({ code: 'protocol', message: `unknown request type ${(msg as { type: string }).type}`, where: 'worker' });
    }
  } catch (e) {
    if (e instanceof RequestError) {
      post({ v: PROTOCOL_VERSION, id, type: 'error', error: e.envelope });
      return;
    }
    // Anything else escaped the core (a trap, an abort, out of memory): this
    // instance can no longer be trusted.
    dead = dead ?? { code: 'fatal', message: `the wasm core failed: ${e instanceof Error ? e.message : String(e)}`, where: 'worker' };
    post({ v: PROTOCOL_VERSION, id, type: 'fatal', error: dead });
  }
}

// Requests run one at a time, in arrival order.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (ev: MessageEvent<RequestMessage>) => {
  const msg = ev.data;
  queue = queue.then(() => handleMessage(msg));
};
