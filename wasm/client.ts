// The page side of the worker protocol (protocol.ts). Only web/src/engine/
// imports this file (it re-exports what the engine needs of connection.ts and
// parallel.ts).
//
//   WorkerConnection  one worker (connection.ts).
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
//                     browsing worker alone. Indexing and verify spread
//                     their work over more workers (parallel.ts).
//   FileCursor        an open file of an archive (openFile): several can be read
//                     alternately without re-decoding; re-opened after a respawn.
import { CoreError, WorkerConnection, isCancelled, isStale, type CallOptions, type SpawnWorker } from './connection';
import { roomForScratch } from './io/opfs-sink';
import { IndexHelpers, hashInParallel, recompressInParallel } from './parallel';
import {
  type RecompressResult,
  type IndexResult,
  type OpenRequest,
  type OpenResult,
  type StatsResult,
  type ProgressEvent,
  type Request,
  type RequestType,
  type ResultMap,
  type ListRequest,
  type EntryPage,
  type ReadResult,
  type PathHistory,
  type SourceDescriptor,
  type VerifyResult,
  type Warning,
  type FindingsDocument,
  type DiffDocument,
  type WriteRequest,
  type WriteResult,
} from './protocol';

export { CoreError, WorkerConnection, isCancelled, isStale, type CallOptions, type ConnectionCallOptions, type SpawnWorker } from './connection';
export { PARALLEL_EXPORT_MIN, PARALLEL_HASH_MIN, PARALLEL_INDEX_MIN, compressedAsAWhole, hashGroups, indexWorkersWanted } from './parallel';

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
   *  (IndexHelpers.index; the archive's own among them); default: the machine's
   *  cores, at most 4. */
  indexWorkers?: number;
  /** Workers that compress the layers of a save or strip anew at once in
   *  write() (recompressInParallel); default: the machine's cores, at most 4. */
  exportWorkers?: number;
  /** Whether the storage has room for the layers those workers compress beside
   *  the output; default: navigator.storage.estimate() leaves three times the
   *  archive's size (roomForScratch). */
  roomForHelpers?: () => Promise<boolean>;
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

/** index()'s options: a call's, and when the helper workers may start reading
 *  (IndexHelpers.index: the archive's own worker starts at once beside them,
 *  and waits too only when it reads a big file alone; a promise
 *  that never settles holds the helpers' layers, and so the index, until a
 *  cancel). The first call of a worker's index sets it: later callers join
 *  that run. */
export interface IndexOptions extends CallOptions {
  helpersAfter?: Promise<unknown>;
}

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
  private readonly hashers = { running: [] as WorkerConnection[], spawnedEnded: 0 };
  /** The workers that index the layers beside this archive's own. */
  private readonly helpers: IndexHelpers;
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
    this.helpers = new IndexHelpers(spawn, source, options.indexWorkers, () => !this.disposed);
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
    return this.hashers.spawnedEnded;
  }

  /** Workers started to index beside the archive's own (IndexHelpers). */
  get indexWorkersSpawned(): number {
    return this.helpers.spawnedEnded;
  }

  /** Indexes the archive; progress carries bytes done / total and the rate.
   *  layers 'headers' or 'summary' reads the summary only (OpenRequest.layers):
   *  index() then indexes the layers, or the first request that needs them
   *  does (current(opts, files)); a re-open after a cancel keeps the layers
   *  as they were read (summary only, or indexed). */
  async open(opts: CallOptions & { layers?: OpenRequest['layers'] } = {}): Promise<OpenResult> {
    if (this.disposed) throw notOpen();
    // A big local file opened summary first is indexed next (by several
    // workers: IndexHelpers); the helpers start now, beside this open.
    const opening = this.withSignal(opts.signal, () => this.openIn(opts, opts.layers));
    if (opts.layers && opts.layers !== 'all') this.helpers.start();
    let r: OpenResult;
    try {
      r = await opening;
    } catch (e) {
      this.helpers.drop();
      throw e;
    }
    if (r.indexed) this.helpers.drop();
    if (this.disposed) throw notOpen();
    this.opened = true;
    this.outerCompressed = r.summary.archive.outer_compression !== 'none';
    return r;
  }

  /** Indexes every layer of an archive opened for its summary only (at once
   *  when it is indexed already, e.g. re-opened after a cancel). */
  index(opts: IndexOptions = {}): Promise<IndexResult> {
    this.paused = false;
    return onceMoreIfStale(opts.signal, async () => {
      const { archive, generation } = await this.current(opts, false);
      return this.withSignal(opts.signal, () => this.indexIn(archive, generation, opts.helpersAfter));
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
  private indexIn(archive: number, generation: number, helpersAfter?: Promise<unknown>): Promise<IndexResult> {
    if (this.indexRun?.generation !== generation) {
      const run = {
        generation,
        promise: this.helpers.index(this.conn, archive, generation, (p) => this.options.onIndex?.({ progress: p }), helpersAfter).then(
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
      const digests = hostHash
        ? await hashInParallel(conn, r.archive, this.source, this.spawn, this.options.hashWorkers, this.hashers, onProgress)
        : undefined;
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
        for (const h of this.hashers.running) {
          this.hashers.spawnedEnded += h.spawned;
          h.terminate('cancelled', 'verification ended');
        }
        this.hashers.running = [];
      }
    }
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
      // Every layer indexed, a save's too: a plain layer whose tar is damaged
      // is refused as the CLI refuses it (its digest alone would pass).
      const { archive } = await conn.call({ type: 'open', source: this.source }, { onProgress: opts.onProgress });
      // The layers it compresses anew, by helper workers at once where that pays.
      let recompressed: RecompressResult[] | undefined;
      try {
        recompressed = await recompressInParallel(conn, archive, req, this.source, this.spawn, this.options.exportWorkers, this.recompressors, this.options.roomForHelpers ?? (() => this.roomBeside()), opts.onProgress);
      } catch (e) {
        if (isCancelled(e) || opts.signal?.aborted) throw e;
        recompressed = undefined; // (the write compresses them itself, and meets the same failure if it is the archive's)
      }
      return await conn.call({ type: 'write', archive, ...req, ...(recompressed?.length ? { recompressed } : {}) }, { onProgress: opts.onProgress });
    } finally {
      this.writersSpawned += conn.spawned;
      opts.signal?.removeEventListener('abort', onAbort);
      conn.terminate('cancelled', 'write ended');
    }
  }

  /** roomForScratch of the page's storage for this archive. */
  private roomBeside(): Promise<boolean> {
    const size = this.source.kind === 'file' ? this.source.file.size : this.source.size;
    if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return Promise.resolve(false);
    return roomForScratch(size, () => navigator.storage.estimate());
  }

  /** Helper workers of write() running now, and how many ended so far. */
  readonly recompressors: { running: WorkerConnection[]; spawnedEnded: number } = { running: [], spawnedEnded: 0 };

  /** Workers started to write outputs of this archive so far. */
  get writeWorkersSpawned(): number {
    return this.writersSpawned;
  }

  /** Stops a running verify() (its worker only). */
  cancelVerify(): void {
    this.verifier?.terminate('cancelled', 'cancelled');
    for (const h of this.hashers.running) h.terminate('cancelled', 'cancelled');
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
    this.helpers.terminate('cancelled');
  }

  /** Closes the archive for good (an open or re-open still on its way closes
   *  the handle it gets and fails). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opened = false;
    this.cancelVerify();
    this.helpers.terminate('archive closed');
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
