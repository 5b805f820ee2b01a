// The page side of the worker protocol (protocol.ts). Only web/src/engine/
// imports this file.
//
//   WorkerConnection  one worker: request ids, progress routing, one error
//                     shape; terminate() rejects everything pending; a later
//                     call spawns a fresh worker (`generation` counts them). A
//                     call that names a handle says which generation it is of,
//                     and is refused ("stale") rather than sent to another
//                     worker, where the same number names nothing or another
//                     client's archive (each wasm instance numbers from 1).
//   ArchiveClient     one archive, by its source descriptor and its handle in
//                     the connection's current worker. cancel() terminates the
//                     worker; the next call spawns a fresh worker and re-opens
//                     the source first (lazy respawn, generic over the kind of
//                     source), so a cancelled file read costs a re-index, never
//                     a wrong answer. A worker whose wasm died (fatal) is
//                     replaced the same way. Several ArchiveClients may share
//                     one connection (one worker holding several archives);
//                     each re-opens its own archive after a respawn (also when
//                     the worker was replaced between finding the handle and
//                     sending it: the request is retried once). dispose() is for
//                     good: an open still on its way closes its handle. verify()
//                     runs in a second, short-lived worker: browsing goes on
//                     while it hashes, and stopping it (cancelVerify) leaves the
//                     browsing worker alone.
//   FileCursor        an open file of an archive (openFile): several can be read
//                     alternately without re-decoding; re-opened after a respawn.
import {
  HASH_WORKER_NAME,
  PROTOCOL_VERSION,
  type ErrorEnvelope,
  type IndexResult,
  type LayerRead,
  type OpenRequest,
  type OpenResult,
  type StatsResult,
  type ProgressEvent,
  type Request,
  type RequestMessage,
  type RequestType,
  type ResponseMessage,
  type ResultMap,
  type ListRequest,
  type EntryPage,
  type ReadResult,
  type PathHistory,
  type SourceDescriptor,
  type VerifyPlan,
  type VerifyResult,
  type Warning,
  type FindingsDocument,
  type DiffDocument,
  type WriteRequest,
  type WriteResult,
} from './protocol';

/** Starts a worker running wasm/worker.ts; `name` (WorkerOptions.name) is
 *  HASH_WORKER_NAME for one that only hashes (it does not load the core). */
export type SpawnWorker = (name?: string) => Worker;

/** Below this many bytes of plain blobs, verify hashes them in its one worker:
 *  starting more costs more than they save. */
export const PARALLEL_HASH_MIN = 32 << 20;

/** Whether `head` (a file's first bytes) starts a gzip, zstd, xz or bzip2 stream. */
export function compressedAsAWhole(head: Uint8Array): boolean {
  const is = (...m: number[]) => m.every((b, i) => head[i] === b);
  return is(0x1f, 0x8b) || is(0x28, 0xb5, 0x2f, 0xfd) || is(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) || is(0x42, 0x5a, 0x68);
}

/** Below this many bytes of unread layers, index reads them in its one worker:
 *  a helper's start (its core compiled, the archive's summary read) costs more. */
export const PARALLEL_INDEX_MIN = 32 << 20;

/**
 * Splits blobs into at most `k` groups of about equal bytes (largest first,
 * each to the group with the fewest bytes so far), each group in file order
 * (its reads go forward through the file). A blob is never split: its hash
 * is one sequence.
 */
export function hashGroups<T extends { offset: number; size: number }>(blobs: readonly T[], k: number): T[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(k, blobs.length)) }, () => ({ bytes: 0, blobs: [] as T[] }));
  for (const b of [...blobs].sort((x, y) => y.size - x.size || x.offset - y.offset)) {
    const g = groups.reduce((m, x) => (x.bytes < m.bytes ? x : m));
    g.bytes += b.size;
    g.blobs.push(b);
  }
  return groups.map((g) => g.blobs.sort((x, y) => x.offset - y.offset)).filter((g) => g.length > 0);
}

/** A failed request: the protocol's error envelope as an Error. */
export class CoreError extends Error implements ErrorEnvelope {
  readonly code: string;
  readonly where: string;
  constructor(env: ErrorEnvelope) {
    super(env.message);
    this.name = 'CoreError';
    this.code = env.code;
    this.where = env.where ?? '';
  }
  get envelope(): ErrorEnvelope {
    return { code: this.code, message: this.message, where: this.where };
  }
}

export const isCancelled = (e: unknown): boolean => e instanceof CoreError && e.code === 'cancelled';

export interface CallOptions {
  onProgress?: (p: ProgressEvent) => void;
  /** Aborting terminates the worker (see ArchiveClient.cancel). */
  signal?: AbortSignal;
}

/** Options of WorkerConnection.call. */
export interface ConnectionCallOptions extends CallOptions {
  /** The worker generation the request's handles (archive, cursor) belong to:
   *  the call fails with code "stale" instead of being sent when the current
   *  worker is another one or none (it would spawn a fresh worker, where the
   *  same number names nothing or another client's archive). */
  generation?: number;
}

/** A call refused because its handle belongs to a worker that is gone. */
export const isStale = (e: unknown): boolean => e instanceof CoreError && e.code === 'stale';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: CoreError) => void;
  onProgress?: (p: ProgressEvent) => void;
}

export class WorkerConnection {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Number of workers spawned so far (for tests and diagnostics); also the
   *  generation of the current worker: handles belong to one generation. */
  spawned = 0;

  constructor(private readonly spawn: SpawnWorker) {}

  get alive(): boolean {
    return this.worker !== null;
  }

  /** The generation the next call will run in (spawning the worker if needed). */
  get generation(): number {
    return this.worker ? this.spawned : this.spawned + 1;
  }

  call<T extends RequestType>(req: Extract<Request, { type: T }>, opts: ConnectionCallOptions = {}, transfer: Transferable[] = []): Promise<ResultMap[T]> {
    if (opts.generation !== undefined && (!this.worker || this.spawned !== opts.generation))
      return Promise.reject(
        new CoreError({ code: 'stale', message: `a handle of worker ${opts.generation} cannot be sent to worker ${this.generation}`, where: 'client' }),
      );
    const w = this.ensureWorker();
    const id = this.nextId++;
    const msg = { ...req, v: PROTOCOL_VERSION, id } as RequestMessage;
    return new Promise<ResultMap[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress });
      w.postMessage(msg, transfer);
    });
  }

  /** Starts the worker now (it loads the core at once), before any call. */
  start(): void {
    this.ensureWorker();
  }

  /** Kills the worker now; every pending call fails with `code`. */
  terminate(code = 'cancelled', message = 'cancelled'): void {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
    const err = new CoreError({ code, message, where: 'client' });
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = this.spawn();
    this.spawned++;
    w.onmessage = (ev: MessageEvent<ResponseMessage>) => this.onMessage(ev.data);
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      this.terminate('load', `the worker failed: ${ev.message || 'could not start (blocked or missing script?)'}`);
    };
    w.onmessageerror = () => this.terminate('protocol', 'a message from the worker could not be decoded');
    this.worker = w;
    return w;
  }

  private onMessage(msg: ResponseMessage): void {
    if (msg.v !== PROTOCOL_VERSION) {
      this.terminate('protocol', `worker speaks protocol ${msg.v}, page speaks ${PROTOCOL_VERSION}`);
      return;
    }
    if (msg.type === 'fatal') {
      // The instance is dead: fail everything and let the next call respawn.
      this.terminate(msg.error.code, msg.error.message);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'progress':
        p.onProgress?.(msg.progress);
        break;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        break;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(new CoreError(msg.error));
        break;
    }
  }
}

export interface ArchiveClientOptions {
  /** Called with progress of an automatic re-open after a cancel or a crash. */
  onReopen?: (p: ProgressEvent | null) => void;
  /** After a summary-first open: the indexing of the layers (started by index()
   *  or by the first request that needs files): its progress, then its result
   *  or why it stopped. `part`: the layers one view needed (not every layer). */
  onIndex?: (e: { progress?: ProgressEvent; result?: IndexResult; error?: unknown; part?: { image: number; layer: number } }) => void;
  verify?: boolean;
  /** Workers that hash a local archive's plain blobs in parallel in verify()
   *  (the verify worker among them); default: the machine's cores, at most 4. */
  hashWorkers?: number;
  /** Workers that index a summary-first local archive's layers at once
   *  (indexAtOnce; the archive's own among them); default: the machine's
   *  cores, at most 4. */
  indexWorkers?: number;
  /** A connection to share with other archives (one worker, several archives);
   *  by default the archive gets a worker of its own. */
  connection?: WorkerConnection;
}

/** What a request reads of an archive opened for its summary only: nothing
 *  (false: documents, warnings), every layer (true), or what a view of `image`
 *  as of `layer` needs (layers 0..layer; -1: all of the image). */
export type LayerNeed = boolean | { image: number; layer: number };

const notOpen = () => new CoreError({ code: 'invalid-argument', message: 'the archive is not open', where: 'client' });
const cursorClosed = () => new CoreError({ code: 'invalid-argument', message: 'the file cursor is closed', where: 'client' });

/** Runs `attempt` once more when it failed because the worker was replaced
 *  between finding a handle and sending it (a cancel, maybe another archive's on
 *  a shared connection): the second attempt finds the handle anew, re-opening
 *  in the fresh worker. A second such failure is reported as cancelled. */
async function onceMoreIfStale<T>(signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (e) {
    if (!isStale(e) || signal?.aborted) throw isStale(e) ? staleAsCancelled() : e;
  }
  try {
    return await attempt();
  } catch (e) {
    throw isStale(e) ? staleAsCancelled() : e;
  }
}
const staleAsCancelled = () =>
  new CoreError({ code: 'cancelled', message: 'cancelled: the worker was replaced while the request was on its way', where: 'client' });

/** One archive, served by a worker (its own unless options.connection is given). */
export class ArchiveClient {
  private readonly conn: WorkerConnection;
  private readonly ownsConnection: boolean;
  private opened = false;
  /** Set by dispose(), for good: an open that resolves later closes its handle and fails. */
  private disposed = false;
  /** The archive's handle in worker generation `generation`. */
  private handle = 0;
  private generation = -1;
  private reopening: Promise<OpenResult> | null = null;
  private verifier: WorkerConnection | null = null;
  /** verify()'s hashing workers besides its own (terminated with it). */
  private hashers: WorkerConnection[] = [];
  private hashersSpawned = 0;
  /** Workers indexing beside this archive's (indexAtOnce), while they run. */
  private indexers: WorkerConnection[] = [];
  private indexersSpawned = 0;
  /** Helpers started with a summary-first open (startHelpers), not yet taken. */
  private spare: WorkerConnection[] = [];
  private helperToken: object | null = null;
  private verifiersSpawned = 0;
  private writersSpawned = 0;
  private verified: VerifyResult | null = null;
  private outerCompressed = false;
  /** The worker generation whose archive handle has its layers indexed. */
  private indexedGeneration = -1;
  /** The running (or finished) index request of a summary-first open. */
  private indexRun: { generation: number; promise: Promise<IndexResult> } | null = null;
  /** Per image, per layer l: whether a view as of l can be shown (layers 0..l
   *  read) in worker generation `generation` (OpenResult/IndexResult.layersRead). */
  private layersRead: boolean[][] = [];
  /** The running index requests of parts (one view's layers), by generation:image:layer. */
  private partRuns = new Map<string, Promise<IndexResult>>();
  /** pauseIndexing() was asked and resumeIndexing() not yet. */
  private paused = false;

  constructor(
    private readonly spawn: SpawnWorker,
    readonly source: SourceDescriptor,
    private readonly options: ArchiveClientOptions = {},
  ) {
    this.ownsConnection = !options.connection;
    this.conn = options.connection ?? new WorkerConnection(spawn);
  }

  get name(): string {
    return this.source.name;
  }

  /** Size of the archive, bytes. */
  get size(): number {
    return this.source.kind === 'file' ? this.source.file.size : this.source.size;
  }

  /** Workers started for browsing this archive so far (verify's are counted apart). */
  get workersSpawned(): number {
    return this.conn.spawned;
  }

  /** Workers started to verify this archive so far (one per verify()). */
  get verifyWorkersSpawned(): number {
    return this.verifiersSpawned;
  }

  /** Workers started by verify() to hash beside its own (hashInParallel). */
  get hashWorkersSpawned(): number {
    return this.hashersSpawned;
  }

  /** Workers started to index beside the archive's own (indexAtOnce). */
  get indexWorkersSpawned(): number {
    return this.indexersSpawned;
  }

  /** Indexes the archive; progress carries bytes done / total and the rate.
   *  layers 'headers' or 'summary' reads the summary only (OpenRequest.layers):
   *  index() then indexes the layers, or the first request that needs them
   *  does (current(opts, files)); a re-open after a cancel keeps the layers
   *  as they were read (summary only, or indexed). */
  async open(opts: CallOptions & { layers?: OpenRequest['layers'] } = {}): Promise<OpenResult> {
    if (this.disposed) throw notOpen();
    // A big local file opened summary first is indexed next (by several
    // workers: indexAtOnce); the helpers start now, beside this open.
    const opening = this.withSignal(opts.signal, () => this.openIn(opts, opts.layers));
    if (opts.layers && opts.layers !== 'all') this.startHelpers();
    let r: OpenResult;
    try {
      r = await opening;
    } catch (e) {
      this.dropHelpers();
      throw e;
    }
    if (r.indexed) this.dropHelpers();
    if (this.disposed) throw notOpen();
    this.opened = true;
    this.outerCompressed = r.summary.archive.outer_compression !== 'none';
    return r;
  }

  /** Indexes every layer of an archive opened for its summary only (at once
   *  when it is indexed already, e.g. re-opened after a cancel). */
  index(opts: CallOptions = {}): Promise<IndexResult> {
    this.paused = false;
    return onceMoreIfStale(opts.signal, async () => {
      const { archive, generation } = await this.current(opts, false);
      return this.withSignal(opts.signal, () => this.indexIn(archive, generation));
    });
  }

  /** True after a summary-first open until the layers are indexed. */
  get summaryOnly(): boolean {
    return this.indexedGeneration !== this.generation;
  }

  /** Stops the indexing of a summary-only archive (the worker is replaced) and
   *  keeps it stopped: views of files then fail with code "stopped" instead of
   *  starting it again, until index() is called. */
  pauseIndexing(): void {
    if (!this.summaryOnly) return;
    this.paused = true;
    this.cancel();
  }

  /** The one index request of worker `generation`, shared by every caller (a
   *  worker replaced since gets its own once its archive is re-opened). */
  private indexIn(archive: number, generation: number): Promise<IndexResult> {
    if (this.indexRun?.generation !== generation) {
      const run = {
        generation,
        promise: this.indexAtOnce(archive, generation, (p) => this.options.onIndex?.({ progress: p })).then(
          (r) => {
            if (this.generation === generation) {
              this.indexedGeneration = generation;
              this.layersRead = r.layersRead;
            }
            if (!this.disposed) this.options.onIndex?.({ result: r });
            return r;
          },
          (e: unknown) => {
            if (this.indexRun === run) this.indexRun = null;
            // A stale handle is tried again (onceMoreIfStale): not an end of the indexing.
            if (!this.disposed && !isStale(e)) this.options.onIndex?.({ error: e });
            throw e;
          },
        ),
      };
      this.indexRun = run;
    }
    return this.indexRun.promise;
  }

  /**
   * Every layer of a summary-first local archive indexed by several workers at
   * once: this archive's worker reads a group of its unread blobs while up to
   * indexWorkers-1 more (each opening the same file, headers only) read the
   * others, each a group of about equal bytes (hashGroups); then this worker
   * adopts their reads (`index` {reads}), as if it had read those blobs itself,
   * and reads any a helper could not. One `index` request as before when there
   * is one worker, one blob or little to read, or the source is a URL (its
   * requests are the cost, not the reading). Progress "index": bytes read by
   * all, of the unread blobs' sum. cancel() stops them all.
   */
  private async indexAtOnce(archive: number, generation: number, onProgress: (p: ProgressEvent) => void): Promise<IndexResult> {
    const whole = () => {
      this.dropHelpers();
      return this.conn.call({ type: 'index', archive }, { generation, onProgress });
    };
    const k = this.indexWorkers();
    if (k < 2) return whole();
    const plan = await this.conn.call({ type: 'indexPlan', archive }, { generation });
    const bytes = plan.blobs.reduce((n, b) => n + b.size, 0);
    const groups = hashGroups(plan.blobs, k);
    if (groups.length < 2 || bytes < PARALLEL_INDEX_MIN) return whole();
    const t0 = performance.now();
    const done = groups.map(() => 0);
    const report = (i: number, d: number, detail: string) => {
      done[i] = d;
      const sum = done.reduce((n, x) => n + x, 0);
      const secs = (performance.now() - t0) / 1000;
      onProgress({ phase: 'index', done: sum, total: bytes, rate: secs > 0 ? sum / secs : 0, detail });
    };
    // The helpers started with the open (startHelpers), or new ones; each opens the file now.
    const helpers = groups.slice(1).map(() => this.helper(this.spare.shift()));
    this.dropHelpers();
    let helperBytes = 0;
    try {
      const theirs = helpers.map(async (h, i) => {
        const g = groups[i + 1];
        const opened = await h.opened;
        const reads: LayerRead[] = [];
        let base = 0;
        for (const b of g) {
          reads.push(await h.conn.call({ type: 'readLayer', archive: opened.archive, blob: b.blob }, { onProgress: (p) => report(i + 1, base + Math.min(p.done, b.size), p.detail) }));
          base += b.size;
          report(i + 1, base, b.member);
        }
        const stats = await h.conn.call({ type: 'stats', archive: opened.archive });
        helperBytes += Math.max(0, stats.bytesRead - opened.bytesRead);
        return reads;
      });
      const own = groups[0].reduce((n, b) => n + b.size, 0);
      const mine = this.conn
        .call({ type: 'index', archive, blobs: groups[0].map((b) => b.blob) }, { generation, onProgress: (p) => report(0, Math.min(p.done, own), p.detail) })
        .then(() => report(0, own, ''));
      // This worker's group and every helper's end (a helper that failed leaves its blobs to this worker).
      const [, settled] = await Promise.all([mine, Promise.allSettled(theirs)]);
      // A helper stopped by cancel() (or dispose) ends the indexing as cancelled.
      for (const r of settled) if (r.status === 'rejected' && isCancelled(r.reason)) throw r.reason;
      const reads = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const r = await this.conn.call(
        { type: 'index', archive, blobs: plan.blobs.map((b) => b.blob), reads },
        { generation, onProgress: (p) => onProgress({ ...p, done: bytes - Math.max(0, p.total - p.done), total: bytes }) },
        reads.map((x) => x.data.buffer as ArrayBuffer),
      );
      return { ...r, bytesRead: r.bytesRead + helperBytes, elapsedMs: performance.now() - t0 };
    } finally {
      for (const h of helpers) this.endHelper(h.conn, 'indexing ended');
    }
  }

  /** Workers indexing at once for this archive (the archive's own among them):
   *  1 for a hosted archive (its requests are the cost, not the reading) or a
   *  local one under PARALLEL_INDEX_MIN bytes. */
  private indexWorkers(): number {
    if (this.source.kind !== 'file' || this.source.file.size < PARALLEL_INDEX_MIN) return 1;
    const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;
    return Math.max(1, Math.floor(this.options.indexWorkers ?? Math.min(4, cores)));
  }

  /** A worker (`conn`, started ahead, or a new one) opening this archive's
   *  file, headers only, to read layers for indexAtOnce. */
  private helper(conn?: WorkerConnection): { conn: WorkerConnection; opened: Promise<OpenResult> } {
    if (!conn) {
      conn = new WorkerConnection(this.spawn);
      this.indexers.push(conn);
    }
    const opened = conn.call({ type: 'open', source: this.source, layers: 'headers' });
    opened.catch(() => undefined); // (its failure is the indexing's)
    return { conn, opened };
  }

  /** Starts the workers indexAtOnce will want while the summary is read, so
   *  their start (script, core, warm-up: ~0.1 s) is not on the index's path;
   *  they open nothing yet. None for a file compressed as a whole (its first
   *  bytes say so): it is read in one pass by one worker. */
  private startHelpers(): void {
    this.dropHelpers();
    const n = this.indexWorkers() - 1;
    if (n < 1 || this.source.kind !== 'file') return;
    const token = {};
    this.helperToken = token;
    const start = (head: Uint8Array) => {
      if (this.helperToken !== token || this.disposed || compressedAsAWhole(head)) return;
      for (let i = 0; i < n; ++i) {
        const conn = new WorkerConnection(this.spawn);
        conn.start();
        this.indexers.push(conn);
        this.spare.push(conn);
      }
    };
    const file = this.source.file;
    (typeof file.slice === 'function' ? file.slice(0, 6).arrayBuffer() : Promise.resolve(new ArrayBuffer(0))).then(
      (b) => start(new Uint8Array(b)),
      () => undefined,
    );
  }

  /** Ends the helpers started ahead and not taken. */
  private dropHelpers(): void {
    this.helperToken = null;
    for (const h of this.spare.splice(0)) this.endHelper(h, 'not needed');
  }

  private endHelper(conn: WorkerConnection, why: string): void {
    this.indexersSpawned += conn.spawned;
    conn.terminate('cancelled', why);
    this.indexers = this.indexers.filter((h) => h !== conn);
  }

  /** Reads the layers a view of `image` as of `layer` needs (-1: all of the
   *  image), for figures the summary carries once they are read (the Space tab);
   *  at once when they are read. Progress and the new summary go to onIndex. */
  readLayers(image: number, layer = -1, opts: CallOptions = {}): Promise<void> {
    return onceMoreIfStale(opts.signal, async () => {
      await this.current(opts, { image, layer });
    });
  }

  /** Whether a request that reads `need` must have layers read first. */
  private lacks(need: LayerNeed): boolean {
    if (need === false || !this.summaryOnly) return false;
    if (need === true) return true;
    const row = this.layersRead[need.image];
    if (!row) return true;
    if (row.length === 0) return false;
    const l = need.layer < 0 || need.layer >= row.length ? row.length - 1 : need.layer;
    return !row[l];
  }

  /** Reads the layers one view needs (index {image, layer}), once per part and
   *  worker generation, whoever asks; an index of every layer already under way
   *  is waited for instead. */
  private indexPart(archive: number, generation: number, part: { image: number; layer: number }): Promise<IndexResult> {
    if (this.indexRun?.generation === generation) return this.indexRun.promise;
    const key = `${generation}:${part.image}:${part.layer}`;
    let run = this.partRuns.get(key);
    if (!run) {
      run = this.conn
        .call({ type: 'index', archive, image: part.image, layer: part.layer }, { generation, onProgress: (p) => this.options.onIndex?.({ progress: p, part }) })
        .then(
          (r) => {
            if (this.generation === generation) {
              this.layersRead = r.layersRead;
              if (r.indexed) {
                // every layer is read: index() answers from this, sending nothing
                this.indexedGeneration = generation;
                if (this.indexRun?.generation !== generation) this.indexRun = { generation, promise: Promise.resolve(r) };
              }
            }
            if (!this.disposed) this.options.onIndex?.({ result: r, part });
            return r;
          },
          (e: unknown) => {
            if (!this.disposed && !isStale(e)) this.options.onIndex?.({ error: e, part });
            throw e;
          },
        )
        .finally(() => this.partRuns.delete(key));
      this.partRuns.set(key, run);
    }
    return run;
  }

  list(req: Omit<ListRequest, 'type' | 'archive'>, opts: CallOptions = {}): Promise<EntryPage> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'list', archive, ...req }, { ...opts, generation }), { image: req.image, layer: req.layer ?? -1 });
  }

  read(req: { image: number; layer: number; path: string; offset: number; length: number }, opts: CallOptions = {}): Promise<ReadResult> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'read', archive, ...req }, { ...opts, generation }), { image: req.image, layer: req.layer });
  }

  /** A file as it is at `layer`, held open in the worker as a cursor of its own:
   *  reading two files in turn (two layers' versions of a file) continues each
   *  where it stopped. Close it when done (at most 64 are open per worker). */
  async openFile(image: number, layer: number, path: string, opts: CallOptions = {}): Promise<FileCursor> {
    const c = new FileCursor(this, image, layer, path);
    await c.ensure(opts);
    return c;
  }

  /** The raw manifest text of an image. */
  manifest(image: number, opts: CallOptions = {}): Promise<string> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'manifest', archive, image }, { ...opts, generation }), false);
  }

  /** The archive's top-level index.json as stored (OCI layouts). */
  rawIndex(opts: CallOptions = {}): Promise<string> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'manifest', archive, index: true }, { ...opts, generation }), false);
  }

  /** Every layer that added, modified or deleted `path`, bottom-up. */
  pathHistory(image: number, path: string, opts: CallOptions = {}): Promise<PathHistory> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'pathHistory', archive, image, path }, { ...opts, generation }), { image, layer: -1 });
  }

  /** What changed between two layers of an image (or, with `content`, in one file). */
  diff(req: { image: number; from: number; to: number; path?: string; content?: boolean }, opts: CallOptions = {}): Promise<DiffDocument> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'diff', archive, ...req }, { ...opts, generation }), { image: req.image, layer: -1 });
  }

  /** This image (its top) against `otherImage` of `other` — this archive, or
   *  another one on the same connection (both handles must live in one worker:
   *  createArchive's `connection`, see `connection`) — or, with `content`, one
   *  file of both. Rows say what `other` has that this image has not. */
  compareImages(req: { image: number; otherImage: number; path?: string; content?: boolean }, other: ArchiveClient = this, opts: CallOptions = {}): Promise<DiffDocument> {
    if (other.conn !== this.conn)
      return Promise.reject(new CoreError({ code: 'invalid-argument', message: 'the two archives are served by different workers (open the other one on this archive’s connection)', where: 'client' }));
    return onceMoreIfStale(opts.signal, async () => {
      const a = await this.current(opts, { image: req.image, layer: -1 });
      const b = other === this ? await this.current(opts, { image: req.otherImage, layer: -1 }) : await other.current(opts, { image: req.otherImage, layer: -1 });
      // The other archive's (re-)open may have outlived this worker, or the reverse.
      if (a.generation !== b.generation || !this.isCurrent(a.generation))
        throw new CoreError({ code: 'stale', message: 'the worker was replaced while the two archives were being opened', where: 'client' });
      const { image, otherImage, path, content } = req;
      return this.withSignal(opts.signal, () =>
        this.conn.call({ type: 'diff', archive: a.archive, image, against: b.archive, against_image: otherImage, path, content }, { ...opts, generation: a.generation }),
      );
    });
  }

  /** The worker connection serving this archive (give it to another archive to
   *  compare the two: compareImages). */
  get connection(): WorkerConnection {
    return this.conn;
  }

  /** What one image ships that someone should look at; `content` reads every layer (progress). */
  findings(image: number, content: boolean, opts: CallOptions = {}): Promise<FindingsDocument> {
    return this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'findings', archive, image, content }, { ...opts, generation }), { image, layer: -1 });
  }

  /** The warnings that concern a view of `image` as of `layer` (-1 = the top layer). */
  async warnings(image: number, layer: number, opts: CallOptions = {}): Promise<Warning[]> {
    const r = await this.afterOpen(opts, (archive, generation) => this.conn.call({ type: 'warnings', archive, image, layer }, { ...opts, generation }), false);
    return r.warnings;
  }

  /** Hashes every blob and layer in a worker of its own, so list, read and the
   *  rest keep being answered meanwhile. A local file's layers are hashed there
   *  without being indexed (the summary returned has the verdicts, not the
   *  entries: lay it over the browsing summary, engine/verified.ts); a hosted or
   *  whole-compressed archive is opened there with hashing on (one pass). Progress carries bytes done / total
   *  and the rate. cancelVerify() (or the signal) terminates that worker only.
   *  A finished verification is kept: asking again answers from it. */
  async verify(opts: CallOptions = {}): Promise<VerifyResult> {
    if (!this.opened) throw notOpen();
    if (this.verified) return { ...this.verified, elapsedMs: 0 };
    if (this.verifier) throw new CoreError({ code: 'invalid-argument', message: 'a verification is already running', where: 'client' });
    if (opts.signal?.aborted) throw new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' });
    const conn = new WorkerConnection(this.spawn);
    this.verifier = conn;
    const t0 = performance.now();
    const onAbort = () => this.cancelVerify();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A seekable archive is scanned (member headers only, quick) and its
      // progress not reported, so the bar does not start twice. A local file is
      // then hashed without indexing its layers (the worker hashes the blobs
      // stored uncompressed from reads that overlap the hash, the core the
      // rest); a hosted one is indexed and hashed in one pass ("index",
      // "verify"). A whole-compressed archive is scanned, indexed and hashed in
      // one pass.
      const onProgress = opts.onProgress && ((p: ProgressEvent) => {
        if (this.outerCompressed || p.phase !== 'scan') opts.onProgress!(p);
      });
      const hostHash = this.source.kind === 'file' && !this.outerCompressed;
      const r = hostHash
        ? await conn.call({ type: 'open', source: this.source, layers: 'headers' }, { onProgress })
        : await conn.call({ type: 'open', source: this.source, verify: true }, { onProgress });
      // Its plain blobs may be hashed by several workers at once (hashInParallel).
      const digests = hostHash ? await this.hashInParallel(conn, r.archive, onProgress) : undefined;
      const v = hostHash ? await conn.call({ type: 'verify', archive: r.archive, hostHash: true, ...(digests ? { digests } : {}) }, { onProgress }) : null;
      // The rows come from the hashes just computed (nothing is read again).
      const rows = await conn.call({ type: 'verifyRows', archive: r.archive }, { onProgress });
      const result: VerifyResult = {
        rows,
        summary: v ? v.summary : r.summary,
        elapsedMs: performance.now() - t0,
        bytesRead: v ? v.bytesRead : r.bytesRead,
        reopened: r.summary.archive.outer_compression !== 'none',
      };
      this.verified = result;
      return result;
    } finally {
      this.verifiersSpawned += conn.spawned;
      opts.signal?.removeEventListener('abort', onAbort);
      conn.terminate('cancelled', 'verification ended');
      if (this.verifier === conn) {
        this.verifier = null;
        for (const h of this.hashers) {
          this.hashersSpawned += h.spawned;
          h.terminate('cancelled', 'verification ended');
        }
        this.hashers = [];
      }
    }
  }

  /**
   * The digests of an open local archive's plain blobs (VerifyPlan), hashed by
   * the verify worker and up to hashWorkers-1 more at once, each a group of
   * whole blobs of about equal bytes (hashGroups): hashing is the verify's
   * cost, and one worker reads and hashes in turn. Undefined (the verify
   * worker hashes them itself) when there is one worker, one blob or little
   * to hash. Progress "verify": bytes hashed by all, of the plain blobs' sum.
   */
  private async hashInParallel(
    conn: WorkerConnection,
    archive: number,
    onProgress?: (p: ProgressEvent) => void,
  ): Promise<{ blobs: number[]; digests: string[]; bytes: number } | undefined> {
    if (this.source.kind !== 'file') return undefined;
    const file = this.source.file;
    const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;
    const k = Math.max(1, Math.floor(this.options.hashWorkers ?? Math.min(4, cores)));
    if (k < 2) return undefined;
    const plan: VerifyPlan = await conn.call({ type: 'verifyPlan', archive });
    const bytes = plan.blobs.reduce((n, b) => n + b.size, 0);
    const groups = hashGroups(plan.blobs, k);
    if (groups.length < 2 || bytes < PARALLEL_HASH_MIN) return undefined;
    const t0 = performance.now();
    const done = groups.map(() => 0);
    const workers = [conn];
    for (let i = 1; i < groups.length; ++i) {
      const h = new WorkerConnection(() => this.spawn(HASH_WORKER_NAME));
      this.hashers.push(h);
      workers.push(h);
    }
    const parts = await Promise.all(
      groups.map((g, i) =>
        workers[i].call(
          { type: 'hashRanges', file, ranges: g.map((b) => ({ offset: b.offset, size: b.size, label: b.member })) },
          {
            onProgress: (p) => {
              done[i] = p.done;
              const sum = done.reduce((n, d) => n + d, 0);
              const secs = (performance.now() - t0) / 1000;
              onProgress?.({ phase: 'verify', done: sum, total: bytes, rate: secs > 0 ? sum / secs : 0, detail: p.detail });
            },
          },
        ),
      ),
    );
    for (const h of workers.slice(1)) {
      this.hashersSpawned += h.spawned;
      h.terminate('cancelled', 'hashing ended');
    }
    this.hashers = this.hashers.filter((h) => !workers.includes(h));
    return {
      blobs: groups.flatMap((g) => g.map((b) => b.blob)),
      digests: parts.flatMap((p) => p.digests),
      bytes,
    };
  }

  /** Writes something of the archive (a save, squash, strip, a tar of files,
   *  one file: WriteRequest) into the origin-private file the caller names, in
   *  a worker of its own: the archive is opened there, then written, while
   *  browsing goes on. Progress: the open's phases, then the write's. The
   *  signal terminates that worker only; the caller removes the partial file. */
  async write(req: Omit<WriteRequest, 'type' | 'archive'>, opts: CallOptions = {}): Promise<WriteResult> {
    if (!this.opened) throw notOpen();
    if (opts.signal?.aborted) throw new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' });
    const conn = new WorkerConnection(this.spawn);
    const onAbort = () => conn.terminate('cancelled', 'cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { archive } = await conn.call({ type: 'open', source: this.source }, { onProgress: opts.onProgress });
      return await conn.call({ type: 'write', archive, ...req }, { onProgress: opts.onProgress });
    } finally {
      this.writersSpawned += conn.spawned;
      opts.signal?.removeEventListener('abort', onAbort);
      conn.terminate('cancelled', 'write ended');
    }
  }

  /** Workers started to write outputs of this archive so far. */
  get writeWorkersSpawned(): number {
    return this.writersSpawned;
  }

  /** Stops a running verify() (its worker only). */
  cancelVerify(): void {
    this.verifier?.terminate('cancelled', 'cancelled');
    for (const h of this.hashers) h.terminate('cancelled', 'cancelled');
  }

  resolve(ref: string): Promise<number> {
    return this.afterOpen({}, (archive, generation) => this.conn.call({ type: 'resolve', archive, ref }, { generation }), false);
  }

  bytesRead(): Promise<number> {
    return this.stats().then((s) => s.bytesRead);
  }

  /** How the archive's worker has read its source so far (calls, bytes, the stream's share). */
  ioStats(): Promise<OpenResult['io'] | undefined> {
    return this.stats().then((s) => s.io);
  }

  private stats(): Promise<StatsResult> {
    return this.afterOpen({}, (archive, generation) => this.conn.call({ type: 'stats', archive }, { generation }), false);
  }

  /** Stops whatever runs now by terminating the worker (a shared one: every
   *  archive on it re-opens on its next call). */
  cancel(): void {
    this.conn.terminate('cancelled', 'cancelled');
    this.dropHelpers();
    for (const h of this.indexers) h.terminate('cancelled', 'cancelled');
  }

  /** Closes the archive for good (an open or re-open still on its way closes
   *  the handle it gets and fails). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opened = false;
    this.cancelVerify();
    this.dropHelpers();
    for (const h of this.indexers) h.terminate('cancelled', 'archive closed');
    if (this.ownsConnection) this.conn.terminate('cancelled', 'archive closed');
    // Only a handle of the current worker is closed; one of a worker that is gone died with it.
    else if (this.handle) this.conn.call({ type: 'close', archive: this.handle }, { generation: this.generation }).catch(() => undefined);
  }

  /** The archive's handle in the current worker: re-opens the source first when
   *  the worker was replaced since (cancel, crash, another archive's cancel). */
  async current(opts: CallOptions = {}, files: LayerNeed = true): Promise<{ archive: number; generation: number }> {
    if (!this.opened || this.disposed) throw notOpen();
    if (!this.conn.alive || this.generation !== this.conn.spawned) {
      if (!this.reopening) {
        // A summary-only archive comes back summary-only (its layers are indexed
        // when a view of files asks, below): a history or config view after a
        // cancel never fetches the layers of a hosted archive.
        const wasSummaryOnly = this.summaryOnly;
        this.reopening = this.openIn({ onProgress: (p) => this.options.onReopen?.(p) }, wasSummaryOnly ? 'headers' : undefined)
          .then((r) => {
            // A summary-only archive re-opened after a cancel is indexed now: say so
            // as its index request would have.
            if (wasSummaryOnly && r.indexed !== false && !this.disposed)
              this.options.onIndex?.({ result: { summary: r.summary, bytesRead: r.bytesRead, elapsedMs: r.elapsedMs, io: r.io, indexed: true, layersRead: r.layersRead } });
            return r;
          })
          .finally(() => {
            this.reopening = null;
            this.options.onReopen?.(null);
          });
      }
      await this.withSignal(opts.signal, () => this.reopening as Promise<OpenResult>);
      if (!this.opened || this.disposed) throw notOpen();
    }
    // Opened for its summary only: a request that needs layers' entries waits
    // for them to be read (once, whoever asks first): every layer, or the ones
    // its view needs (a hosted archive fetches no layer no view asked for).
    if (this.lacks(files)) {
      if (this.paused)
        throw new CoreError({ code: 'stopped', message: 'indexing the layers was stopped: “Index now” shows the files', where: 'client' });
      const { handle, generation } = this;
      await this.withSignal(opts.signal, () => (files === true ? this.indexIn(handle, generation) : this.indexPart(handle, generation, files as { image: number; layer: number })));
      if (!this.opened || this.disposed) throw notOpen();
    }
    return { archive: this.handle, generation: this.generation };
  }

  /** True while worker generation `generation` is the connection's live worker
   *  (handles of it are valid). */
  isCurrent(generation: number): boolean {
    return this.conn.alive && this.conn.spawned === generation;
  }

  /** Sends a request that names a cursor (FileCursor) of worker `generation`:
   *  fails with code "stale" instead when that worker is gone (see WorkerConnection.call). */
  callRaw<T extends RequestType>(req: Extract<Request, { type: T }>, opts: CallOptions, generation: number): Promise<ResultMap[T]> {
    return this.withSignal(opts.signal, () => this.conn.call(req, { ...opts, generation }));
  }

  /** Opens the source in the connection's current (or next) worker; an earlier
   *  handle of this archive in that worker is closed once the new one is open. */
  private async openIn(opts: CallOptions, layers?: OpenRequest['layers']): Promise<OpenResult> {
    const generation = this.conn.generation;
    const r = await this.conn.call({ type: 'open', source: this.source, verify: this.options.verify, ...(layers ? { layers } : {}) }, opts);
    if (this.disposed) {
      // dispose() came while this open was on its way (a shared worker lives on):
      // close what it opened, and do not come back to life.
      this.conn.call({ type: 'close', archive: r.archive }, { generation }).catch(() => undefined);
      throw notOpen();
    }
    if (this.handle && this.generation === generation)
      this.conn.call({ type: 'close', archive: this.handle }, { generation }).catch(() => undefined);
    this.handle = r.archive;
    this.generation = generation;
    if (r.indexed !== false) this.indexedGeneration = generation;
    this.layersRead = r.layersRead ?? [];
    return r;
  }

  /** Runs a request with the archive's handle and the generation it belongs to
   *  (run passes both to the connection, which never sends a stale handle). */
  private afterOpen<T>(opts: CallOptions, run: (archive: number, generation: number) => Promise<T>, files: LayerNeed = true): Promise<T> {
    return onceMoreIfStale(opts.signal, async () => {
      const { archive, generation } = await this.current(opts, files);
      return this.withSignal(opts.signal, () => run(archive, generation));
    });
  }

  private withSignal<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (!signal) return run();
    if (signal.aborted) return Promise.reject(new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' }));
    const onAbort = () => this.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    return run().finally(() => signal.removeEventListener('abort', onAbort));
  }
}

/** An open file of an archive (ArchiveClient.openFile). */
export class FileCursor {
  private cursor = 0;
  private generation = -1;
  private closed = false;
  /** Size of the whole file, bytes (known once open). */
  size = 0;
  /** The warnings that concern the image as of the file's layer (known once open). */
  warnings: Warning[] = [];

  constructor(
    private readonly archive: ArchiveClient,
    readonly image: number,
    readonly layer: number,
    readonly path: string,
  ) {}

  /** Bytes [offset, offset+length); continues without re-decoding when offset
   *  is where the previous read stopped. */
  read(offset: number, length: number, opts: CallOptions = {}): Promise<ReadResult> {
    return onceMoreIfStale(opts.signal, async () => {
      const { cursor, generation } = await this.openIn(opts);
      return this.archive.callRaw({ type: 'read', cursor, offset, length }, opts, generation);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const cursor = this.cursor;
    this.cursor = 0;
    // A cursor of a worker that is gone died with it: nothing to close, and no
    // reason to re-open (re-index) the archive (the call refuses a stale cursor).
    if (!cursor || !this.archive.isCurrent(this.generation)) return;
    await this.archive.callRaw({ type: 'closeFile', cursor }, {}, this.generation).catch(() => undefined);
  }

  /** The cursor's handle in the current worker (opened again after a respawn). */
  async ensure(opts: CallOptions = {}): Promise<number> {
    return (await onceMoreIfStale(opts.signal, () => this.openIn(opts))).cursor;
  }

  private async openIn(opts: CallOptions): Promise<{ cursor: number; generation: number }> {
    if (this.closed) throw cursorClosed();
    const { archive, generation } = await this.archive.current(opts, { image: this.image, layer: this.layer });
    if (this.closed) throw cursorClosed();
    if (this.cursor && this.generation === generation) return { cursor: this.cursor, generation };
    const r = await this.archive.callRaw({ type: 'openFile', archive, image: this.image, layer: this.layer, path: this.path }, opts, generation);
    if (this.closed) {
      // close() came while the cursor was being opened: close it in the worker.
      this.archive.callRaw({ type: 'closeFile', cursor: r.cursor }, {}, generation).catch(() => undefined);
      throw cursorClosed();
    }
    this.cursor = r.cursor;
    this.generation = generation;
    this.size = r.size;
    this.warnings = r.warnings ?? [];
    return { cursor: r.cursor, generation };
  }
}
