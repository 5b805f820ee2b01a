/// <reference lib="webworker" />
// The worker that owns one wasm core instance, and through its dispatcher
// (core/include/layerscope/dispatch.h) any number of open archives and file
// cursors, by handle. Protocol and the JS -> C++ -> JS stack: see protocol.ts.
//
// Every request goes to the core as Module.request(type, args): the core
// answers with the one envelope; this file only supplies byte sources (from a
// source descriptor), progress, and reshapes a few results for the page.
// An archive File is never read whole: the core calls src.readInto(offset,
// ptr, len) and we copy exactly that slice (io/read-ahead.ts) into HEAPU8,
// looked up on every call because memory growth replaces it. Calls into the
// core are synchronous; cancelling one means the page terminates this worker
// (see client.ts).
import createLayerscope from 'layerscope-core-glue';
import type { ByteSinkJs, ByteSourceJs, CoreModule, ScratchJs } from 'layerscope-core-glue';
import { fileByteSource, sourceProblem } from './io/file-source';
import { FileStream } from './io/file-stream';
import type { StreamMessage } from './io/stream-reader';
import { hashRanges } from './io/host-hash';
import { urlByteSource } from './io/http-source';
import {
  openOpfsKept,
  openOpfsScratch,
  openOpfsSink,
  openRecompressFile,
  retryWithoutScratch,
  roomForScratch,
  storageProblem,
  type OpfsKept,
  type OpfsScratch,
} from './io/opfs-sink';
import { concat, memorySource } from './io/memory';
import { warmDecoders, warmUp } from './warm-up';
import type { ReadAhead } from './io/read-ahead';
import {
  AHEAD_WORKER_NAME,
  CHANGES,
  ENTRY_TYPES,
  HASH_WORKER_NAME,
  PROTOCOL_VERSION,
  REQUEST_TYPES,
  newEntryPage,
  type ErrorEnvelope,
  type HashRangesRequest,
  type IndexRequest,
  type IndexResult,
  type InspectDocument,
  type LayerRead,
  type LogDocument,
  type LsDocument,
  type OpenRequest,
  type OpenResult,
  type PathEvent,
  type PathHistory,
  type ReadResult,
  type RequestMessage,
  type RequestType,
  type ResponseMessage,
  type SourceDescriptor,
  type VerifyRequest,
  type VerifyResult,
  type Warning,
  type WriteRequest,
  type WriteResult,
  type RecompressRequest,
  type RecompressResult,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let modulePromise: Promise<CoreModule> | null = null;
let loadMs = 0;
let loadReported = false;
/** What each open archive was opened from, and what is known about it. */
const archives = new Map<
  number,
  {
    source: SourceDescriptor;
    summary: InspectDocument;
    verified: boolean;
    takeProblem?: () => string | null;
    io: () => OpenResult['io'];
    /** Stops what reads its source besides the core (a FileStream's reader). */
    dispose?: () => void;
  }
>();
/** A url source's takeProblem while it is being (re)opened, before its archive entry holds it. */
let opening: (() => string | null) | undefined;
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

type ProgressCb = (phase: string, done: number, total: number, detail: string) => boolean;

/** One request to the core; its error envelope becomes a RequestError. */
function core(mod: CoreModule, type: string, args: object, opts: { source?: ByteSourceJs; progress?: ProgressCb; sink?: ByteSinkJs; scratch?: ScratchJs; kept?: ByteSourceJs } = {}): { value: unknown; data?: Uint8Array } {
  const e = mod.request(type, args, opts);
  // A remote read that failed said why (changed file, refused range, CORS…):
  // that sentence replaces the core's generic "could not read". Taken from every
  // open url source, so none carries a stale reason into a later request.
  let why = opening?.() ?? null;
  for (const a of archives.values()) why = a.takeProblem?.() ?? why;
  if (!e.ok) throw new RequestError({ code: e.code, message: (e.code === 'io' && why) || e.message, where: e.where ?? '' });
  return e;
}

/** Where the page is cross-origin isolated (SharedArrayBuffer, Atomics.wait),
 *  a File is also read ahead asynchronously, by a reader worker of its own,
 *  while the core works (io/file-stream.ts); elsewhere (an embedding page
 *  without COOP/COEP, the single-file build) only synchronously. */
function fileStream(file: Blob): { stream: FileStream; dispose: () => void } | undefined {
  const reader = streamReader;
  if (!reader) return undefined;
  const id = ++streamCount;
  const mem = FileStream.memory();
  const stream = new FileStream(file.size, { post: (c) => reader.postMessage({ ...c, stream: id } satisfies StreamMessage) }, mem);
  reader.postMessage({ init: id, file, flags: mem.flags, data: mem.data, chunk: FileStream.CHUNK, slots: FileStream.SLOTS } satisfies StreamMessage);
  return {
    stream,
    dispose: () => {
      stream.stop();
      reader.postMessage({ close: id } satisfies StreamMessage);
    },
  };
}

/** The reader worker of this worker's FileStreams, started with the worker (a
 *  worker's worker comes up only while its parent's event loop turns: started
 *  with a file, it would wait for the core to finish reading). */
const streamReader: Worker | null = (() => {
  const g = self as unknown as { crossOriginIsolated?: boolean };
  if (!g.crossOriginIsolated || typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return null;
  try {
    return new Worker(new URL('./io/stream-reader.ts', import.meta.url), { type: 'module', name: 'layerscope-stream-reader' });
  } catch {
    return null;
  }
})();
let streamCount = 0;

/** A ByteSource for the core over a source descriptor, with its I/O counters. */
function openSource(
  mod: CoreModule,
  desc: SourceDescriptor,
): {
  src: ByteSourceJs;
  io: ReadAhead['stats'];
  remote?: { requests: number; retries: number };
  streamed?: FileStream['stats'];
  takeProblem?: () => string | null;
  dispose?: () => void;
} {
  switch (desc.kind) {
    case 'file': {
      // A failed read returns -1 (code "io"), never throws into wasm.
      const s = fileStream(desc.file);
      const f = fileByteSource(desc.file, desc.name, () => mod.HEAPU8, undefined, s?.stream);
      return { ...f, streamed: s?.stream.stats, dispose: s?.dispose };
    }
    case 'url':
      return urlByteSource(desc, () => mod.HEAPU8);
    default:
      throw new RequestError({ code: 'protocol', message: `unknown source kind ${(desc as { kind: string }).kind}`, where: 'worker' });
  }
}

/** A progress callback for the core that posts (throttled) progress events of request `id`. */
function progressPoster(id: number, t0: number): ProgressCb {
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

/** Opens a source as one more archive of this worker. */
async function open(id: number, req: OpenRequest): Promise<OpenResult> {
  const problem = sourceProblem((req as { source?: unknown }).source);
  if (problem) throw new RequestError({ code: 'protocol', message: problem, where: 'worker' });
  const mod = await loadModule();
  // The load is reported once, with the first open (the worker starts it as soon as
  // it runs, so a worker started ahead of need has usually finished it by now).
  const firstOpen = !loadReported;
  loadReported = true;
  const t0 = performance.now();
  const { src, io, remote, streamed, takeProblem, dispose } = openSource(mod, req.source);
  opening = takeProblem;
  let v;
  try {
    v = core(mod, 'open', { verify: !!req.verify, layers: req.layers ?? 'all' }, { source: src, progress: progressPoster(id, t0) }).value as {
      archive: number;
      bytes_read: number;
      indexed: boolean;
      layers_read: boolean[][];
      summary: InspectDocument;
    };
  } catch (e) {
    dispose?.();
    throw e;
  } finally {
    opening = undefined;
  }
  // The archive keeps its source's reason for a failed read (dropped on close).
  const ioNow = () => ({
    ...io,
    ...remote,
    ...(streamed ? { streamedBytes: streamed.streamedBytes, streamWaitMs: Math.round(streamed.waitMs) } : {}),
    wasmBytes: mod.HEAPU8.length,
  });
  archives.set(v.archive, { source: req.source, summary: v.summary, verified: !!req.verify, takeProblem, io: ioNow, dispose });
  return {
    archive: v.archive,
    summary: v.summary,
    bytesRead: v.bytes_read,
    elapsedMs: performance.now() - t0,
    loadMs: firstOpen ? loadMs : 0,
    io: ioNow(),
    indexed: v.indexed,
    layersRead: v.layers_read,
  };
}

/** Reads the layers of an archive opened for its summary only (all, or one
 *  view's), in place, from the source it was opened from (the core keeps it). */
async function index(id: number, mod: CoreModule, req: IndexRequest): Promise<IndexResult> {
  const cur = archives.get(req.archive);
  const t0 = performance.now();
  const args: Record<string, number | number[]> = { archive: req.archive };
  if (req.image !== undefined) args.image = req.image;
  if (req.layer !== undefined) args.layer = req.layer;
  if (req.blobs !== undefined) args.blobs = req.blobs;
  // Blobs other workers read (readLayer): their bytes one after another, as
  // the request's source.
  let source: ByteSourceJs | undefined;
  if (req.reads !== undefined) {
    if (!Array.isArray(req.reads) || !req.reads.every((r) => r && Number.isInteger(r.blob) && r.data instanceof Uint8Array))
      throw new RequestError({ code: 'protocol', message: 'index: reads must be an array of {blob, data: Uint8Array}', where: 'worker' });
    args.reads = req.reads.map((r) => r.blob);
    args.read_lengths = req.reads.map((r) => r.data.length);
    source = memorySource(mod, concat(req.reads.map((r) => r.data)), 'layers read by other workers');
  }
  const v = core(mod, 'index', args, { progress: progressPoster(id, t0), source }).value as {
    bytes_read: number;
    indexed: boolean;
    layers_read: boolean[][];
    summary: InspectDocument;
  };
  if (cur) archives.set(req.archive, { ...cur, summary: v.summary });
  return {
    summary: v.summary,
    bytesRead: v.bytes_read,
    elapsedMs: performance.now() - t0,
    io: cur ? cur.io() : { calls: 0, fetches: 0, fetchedBytes: 0, ms: 0, wasmBytes: mod.HEAPU8.length },
    indexed: v.indexed,
    layersRead: v.layers_read,
  };
}

/** A result for the page, with the buffers to transfer. */
interface Shaped {
  result: unknown;
  transfer?: Transferable[];
}


/** An ls page as columns (typed arrays, transferred). */
function toColumns(value: unknown): Shaped {
  const v = value as LsDocument;
  const n = v.entries.length;
  const page = newEntryPage(n, v.layer, v.total, v.offset, v.has_more);
  page.warnings = v.warnings ?? [];

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
  return { result: page, transfer };
}

/** The log document with its events normalised (PathEvent). */
function toHistory(value: unknown): Shaped {
  const v = value as LogDocument;
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
  const result: PathHistory = { image: v.image, path: v.path, events, warnings: v.warnings ?? [] };
  return { result };
}

/**
 * Hashes every blob and layer. The core's verify needs random access to the
 * members; an archive compressed as a whole has none, so it is opened again
 * with hashing on (one pass that indexes and hashes; same handle). A second
 * verify of the same open archive answers from the first (the core would add
 * its mismatch warnings again).
 */
async function verify(id: number, mod: CoreModule, req: VerifyRequest): Promise<VerifyResult> {
  const cur = archives.get(req.archive);
  // An unknown handle: the core names it (its one error shape).
  if (!cur) core(mod, 'summary', { archive: req.archive });
  const t0 = performance.now();
  if (cur!.verified) {
    const stats = core(mod, 'stats', { archive: req.archive }).value as { bytes_read: number };
    return { summary: cur!.summary, elapsedMs: 0, bytesRead: stats.bytes_read, reopened: false };
  }
  const reopen = cur!.summary.archive.outer_compression !== 'none';
  const progress = progressPoster(id, t0);
  // Without indexing: the plain blobs of a local file hashed here, from reads
  // that overlap the hash; the core hashes the rest without indexing them.
  const hostHash = !!req.hostHash && !reopen;
  let host = { blobs: [] as number[], digests: [] as string[], bytes: 0 };
  if (hostHash && req.digests) {
    const d = req.digests;
    if (!Array.isArray(d.blobs) || !Array.isArray(d.digests) || d.blobs.length !== d.digests.length)
      throw new RequestError({ code: 'protocol', message: 'verify: digests.blobs and digests.digests must be arrays of one length', where: 'worker' });
    host = { blobs: d.blobs, digests: d.digests, bytes: Number(d.bytes) || 0 };
  } else if (hostHash && cur!.source.kind === 'file') host = await hashPlainBlobs(mod, req.archive, cur!.source.file, cur!.summary.archive.size, progress);
  const fresh = reopen ? openSource(mod, cur!.source) : undefined;
  opening = fresh?.takeProblem;
  let v;
  try {
    const args = hostHash ? { archive: req.archive, index: false, blobs: host.blobs, digests: host.digests } : { archive: req.archive, reopen };
    v = core(mod, 'verify', args, { progress, source: fresh?.src }).value as {
      summary: InspectDocument;
      bytes_read: number;
    };
  } finally {
    opening = undefined;
    fresh?.dispose?.();
  }
  archives.set(req.archive, { ...cur!, summary: v.summary, verified: true, takeProblem: fresh ? fresh.takeProblem : cur!.takeProblem });
  return { summary: v.summary, elapsedMs: performance.now() - t0, bytesRead: v.bytes_read + host.bytes, reopened: reopen };
}

/** A failed read of a local file (host-hash.ts), as the one error shape. */
function unreadable(file: Blob, e: unknown): RequestError {
  const why = e instanceof Error ? e.message : String(e);
  return new RequestError({ code: 'io', message: `the browser could not read the file: ${why}`, where: (file as File).name ?? 'archive' });
}

/** The verify plan's plain blobs of a local file, hashed from asynchronous reads
 *  (io/host-hash.ts); progress "verify" by their position in the archive. */
async function hashPlainBlobs(
  mod: CoreModule,
  archive: number,
  file: Blob,
  total: number,
  progress: ProgressCb,
): Promise<{ blobs: number[]; digests: string[]; bytes: number }> {
  const plan = core(mod, 'verifyPlan', { archive }).value as { blobs: { blob: number; member: string; offset: number; size: number }[] };
  const ranges = [...plan.blobs].sort((a, b) => a.offset - b.offset);
  let digests: string[];
  try {
    digests = await hashRanges(file, ranges, (i, done) => progress('verify', ranges[i].offset + done, total, ranges[i].member));
  } catch (e) {
    throw unreadable(file, e);
  }
  return { blobs: ranges.map((r) => r.blob), digests, bytes: ranges.reduce((n, r) => n + r.size, 0) };
}

/** SHA-256 of byte ranges of a file (HashRangesRequest): no core, no archive.
 *  Progress "verify": bytes of these ranges hashed so far, of their sum. */
async function hashFileRanges(id: number, req: HashRangesRequest): Promise<{ digests: string[] }> {
  const file = req.file;
  const ranges = req.ranges;
  const ok = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!(file instanceof Blob) || !Array.isArray(ranges) || !ranges.every((r) => r && ok(r.offset) && ok(r.size) && r.offset + r.size <= file.size))
    throw new RequestError({ code: 'protocol', message: 'hashRanges: a file and ranges {offset, size} inside it are needed', where: 'worker' });
  const total = ranges.reduce((n, r) => n + r.size, 0);
  const progress = progressPoster(id, performance.now());
  let before = 0;
  let at = -1;
  try {
    return {
      digests: await hashRanges(file, ranges, (i, done) => {
        for (; at < i; ++at) if (at >= 0) before += ranges[at].size;
        return progress('verify', before + done, total, ranges[i].label ?? '');
      }),
    };
  } catch (e) {
    throw unreadable(file, e);
  }
}

/** Writes into the file of the origin-private file system the page named
 *  (io/opfs-sink.ts); the page removes it if this fails or is cancelled. A save
 *  or strip keeps the layers it recompresses in a scratch file of that file
 *  system meanwhile (compressed once, not twice); without one (no room for it,
 *  it cannot be made, or it failed: then the write runs again without it) they
 *  are compressed twice, as before. */
async function write(id: number, mod: CoreModule, req: WriteRequest): Promise<WriteResult> {
  const { v: _v, id: _id, type: _type, target, recompressed, ...args } = req as WriteRequest & { v: number; id: number };
  // Layers helper workers compressed (exportInParallel): opened first, so the
  // scratch's sweep of left-overs passes them by.
  let kept: OpfsKept | undefined;
  if (recompressed?.length) kept = await openOpfsKept(recompressed, () => mod.HEAPU8).catch(() => undefined);
  let out;
  try {
    out = await openOpfsSink(target, () => mod.HEAPU8);
  } catch (e) {
    await kept?.dispose();
    throw new RequestError({ code: 'io', message: storageProblem(e), where: target.name });
  }
  let scratch: OpfsScratch | undefined;
  // Only layers compressed anew go there: decoding a layer twice (--compress
  // none) costs little, and its decoded bytes could be many times the archive.
  const recompressing = (args.what === 'save' || args.what === 'strip') && (args.compress === 'gzip' || args.compress === 'zstd');
  if (recompressing && (await roomForScratch(archives.get(args.archive)?.summary.archive.size ?? Infinity)))
    scratch = await openOpfsScratch(target, () => mod.HEAPU8, recompressed?.map((r) => r.file)).catch(() => undefined);
  try {
    const progress = progressPoster(id, performance.now());
    const o = out;
    const coreArgs = kept?.layers.length ? { ...args, recompressed: kept.layers } : args;
    const { result, keptInScratch } = retryWithoutScratch(
      (s) => core(mod, 'write', coreArgs, { sink: o.sink, scratch: s, progress, kept: kept?.source }).value as WriteResult,
      scratch,
      () => o.reset(),
      (e) => e instanceof RequestError && e.envelope.code === 'io' && e.envelope.where.startsWith('scratch for '),
    );
    const extra = { ...(keptInScratch ? { scratchBytes: scratch!.written() } : {}), ...(kept?.layers.length ? { recompressedBytes: kept.source.size } : {}) };
    return { ...result, ...extra };
  } finally {
    out.close();
    await scratch?.dispose();
    await kept?.dispose();
  }
}

/** Compresses one layer anew for a write in another worker (RecompressRequest):
 *  into its file of SCRATCH_DIR, kept when this succeeds, removed when not. */
async function recompress(id: number, mod: CoreModule, req: RecompressRequest): Promise<RecompressResult> {
  const { v: _v, id: _id, type: _type, file, ...args } = req as RecompressRequest & { v: number; id: number };
  let s: OpfsScratch;
  try {
    s = await openRecompressFile(file, () => mod.HEAPU8);
  } catch (e) {
    throw new RequestError({ code: 'io', message: storageProblem(e), where: file });
  }
  let done = false;
  try {
    const r = core(mod, 'recompress', args, { scratch: s.scratch, progress: progressPoster(id, performance.now()) }).value as Omit<RecompressResult, 'file'>;
    try {
      s.close();
    } catch (e) {
      throw new RequestError({ code: 'io', message: storageProblem(e), where: file });
    }
    done = true;
    return { ...r, file };
  } finally {
    if (!done) await s.dispose();
  }
}

/** Requests that may read much of the archive: they post progress events. */
const LONG_REQUESTS = new Set<RequestType>(['findings', 'diff', 'verifyRows', 'readLayer']);

/** Results that need reshaping for the page; the others are the core's value as is. */
const shapers: Partial<Record<RequestType, (value: unknown, data: Uint8Array | undefined, args: { archive?: number }) => Shaped>> = {
  list: toColumns,
  pathHistory: toHistory,
  read: (value, data) => {
    const v = value as { eof: boolean; size: number; warnings?: Warning[] };
    const result: ReadResult = { data: data ?? new Uint8Array(0), eof: v.eof, size: v.size, warnings: v.warnings ?? [] };
    return { result, transfer: [result.data.buffer as ArrayBuffer] };
  },
  stats: (value, _data, args) => ({
    result: { bytesRead: (value as { bytes_read: number }).bytes_read, io: args.archive === undefined ? undefined : archives.get(args.archive)?.io() },
  }),
  readLayer: (value, data) => {
    const result: LayerRead = { blob: (value as { blob: number }).blob, data: data ?? new Uint8Array(0) };
    return { result, transfer: [result.data.buffer as ArrayBuffer] };
  },
};

async function serve(msg: RequestMessage): Promise<Shaped> {
  switch (msg.type) {
    case 'open':
      return { result: await open(msg.id, msg) };
    case 'index':
      return { result: await index(msg.id, await loadModule(), msg) };
    case 'verify':
      return { result: await verify(msg.id, await loadModule(), msg) };
    case 'write':
      return { result: await write(msg.id, await loadModule(), msg) };
    case 'recompress':
      return { result: await recompress(msg.id, await loadModule(), msg) };
    case 'hashRanges':
      return { result: await hashFileRanges(msg.id, msg) };
    default: {
      const mod = await loadModule();
      const { v: _v, id: _id, type, ...args } = msg;
      // Long requests report progress (a findings scan of file contents reads every layer).
      const r = core(mod, type, args, LONG_REQUESTS.has(type) ? { progress: progressPoster(msg.id, performance.now()) } : {});
      if (type === 'close') {
        const a = (args as { archive: number }).archive;
        archives.get(a)?.dispose?.();
        archives.delete(a);
      }
      const shape = shapers[type];
      return shape ? shape(r.value, r.data, args as { archive?: number }) : { result: r.value };
    }
  }
}

async function handleMessage(msg: RequestMessage): Promise<void> {
  const { id } = msg;
  try {
    if (msg.v !== PROTOCOL_VERSION)
      throw new RequestError({ code: 'protocol', message: `protocol version ${msg.v} is not ${PROTOCOL_VERSION}`, where: 'worker' });
    if (dead) throw new RequestError(dead);
    if (!(REQUEST_TYPES as readonly string[]).includes(msg.type))
      throw new RequestError({ code: 'protocol', message: `unknown request type ${(msg as { type: string }).type}`, where: 'worker' });
    const { result, transfer } = await serve(msg);
    post({ v: PROTOCOL_VERSION, id, type: 'result', result: result as never }, transfer ?? []);
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
/** Set at the first request: the warm-up (warm-up.ts) ends before its next step. */
let requested = false;

// Fetch and compile the core now, not at the first request, and run it once
// (warm-up.ts): a worker started ahead of need (engine/index.ts prewarmWorker,
// named AHEAD_WORKER_NAME) is then ready when a file comes, and also runs the
// paths a big archive's index runs hot until they are optimised. A failed
// load is forgotten (loadModule resets); the first request retries and
// reports it. A worker started only to hash byte ranges (HASH_WORKER_NAME)
// loads the core only if asked for more.
if (scope.name !== HASH_WORKER_NAME)
  void loadModule().then(
    async (mod) => {
      warmUp(mod);
      if (scope.name === AHEAD_WORKER_NAME && !requested) await warmDecoders(mod, () => requested);
    },
    () => undefined,
  );

scope.onmessage = (ev: MessageEvent<RequestMessage>) => {
  requested = true;
  const msg = ev.data;
  queue = queue.then(() => handleMessage(msg));
};
