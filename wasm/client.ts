// The page side of the worker protocol (protocol.ts). Only web/src/engine/
// imports this file.
//
//   WorkerConnection  one worker: request ids, progress routing, one error
//                     shape; terminate() rejects everything pending.
//   ArchiveClient     one archive on its own connection. cancel() terminates
//                     the worker; the next call spawns a fresh worker and
//                     re-opens the same File first (lazy respawn), so a
//                     cancelled file read costs a re-index, never a wrong
//                     answer. A worker whose wasm died (fatal) is replaced
//                     the same way. verify() runs in a second, short-lived
//                     worker: browsing goes on while it hashes, and stopping
//                     it (cancelVerify) leaves the browsing worker alone.
import {
  PROTOCOL_VERSION,
  type ErrorEnvelope,
  type OpenResult,
  type ProgressEvent,
  type Request,
  type RequestMessage,
  type RequestType,
  type ResponseMessage,
  type ResultMap,
  type ListRequest,
  type ReadRequest,
  type EntryPage,
  type ReadResult,
  type PathHistory,
  type VerifyResult,
} from './protocol';

export type SpawnWorker = () => Worker;

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

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: CoreError) => void;
  onProgress?: (p: ProgressEvent) => void;
}

export class WorkerConnection {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Number of workers spawned so far (for tests and diagnostics). */
  spawned = 0;

  constructor(private readonly spawn: SpawnWorker) {}

  get alive(): boolean {
    return this.worker !== null;
  }

  call<T extends RequestType>(req: Extract<Request, { type: T }>, opts: CallOptions = {}, transfer: Transferable[] = []): Promise<ResultMap[T]> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    const msg = { ...req, v: PROTOCOL_VERSION, id } as RequestMessage;
    return new Promise<ResultMap[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress });
      w.postMessage(msg, transfer);
    });
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
  verify?: boolean;
}

/** One archive, served by its own worker. */
export class ArchiveClient {
  private readonly conn: WorkerConnection;
  private opened = false;
  private reopening: Promise<OpenResult> | null = null;
  private verifier: WorkerConnection | null = null;
  private verifiersSpawned = 0;
  private verified: VerifyResult | null = null;
  private outerCompressed = false;

  constructor(
    private readonly spawn: SpawnWorker,
    readonly file: Blob,
    readonly name: string,
    private readonly options: ArchiveClientOptions = {},
  ) {
    this.conn = new WorkerConnection(spawn);
  }

  /** Workers started for browsing this archive so far (verify's are counted apart). */
  get workersSpawned(): number {
    return this.conn.spawned;
  }

  /** Workers started to verify this archive so far. */
  get verifyWorkersSpawned(): number {
    return this.verifiersSpawned;
  }

  /** Indexes the archive; progress carries bytes done / total and the rate. */
  async open(opts: CallOptions = {}): Promise<OpenResult> {
    const r = await this.withSignal(opts.signal, () =>
      this.conn.call({ type: 'open', file: this.file, name: this.name, verify: this.options.verify }, opts),
    );
    this.opened = true;
    this.outerCompressed = r.summary.archive.outer_compression !== 'none';
    return r;
  }

  list(req: Omit<ListRequest, 'type'>, opts: CallOptions = {}): Promise<EntryPage> {
    return this.afterOpen(opts, () => this.conn.call({ type: 'list', ...req }, opts));
  }

  read(req: Omit<ReadRequest, 'type'>, opts: CallOptions = {}): Promise<ReadResult> {
    return this.afterOpen(opts, () => this.conn.call({ type: 'read', ...req }, opts));
  }

  /** The raw manifest text of an image. */
  manifest(image: number, opts: CallOptions = {}): Promise<string> {
    return this.afterOpen(opts, () => this.conn.call({ type: 'manifest', image }, opts));
  }

  /** Every layer that added, modified or deleted `path`, bottom-up. */
  pathHistory(image: number, path: string, opts: CallOptions = {}): Promise<PathHistory> {
    return this.afterOpen(opts, () => this.conn.call({ type: 'pathHistory', image, path }, opts));
  }

  /** Hashes every blob and layer in a worker of its own (the archive is opened
   *  there with hashing on: one pass that indexes and hashes), so list, read and
   *  the rest keep being answered meanwhile. Progress carries bytes done / total
   *  and the rate. cancelVerify() (or the signal) terminates that worker only.
   *  A finished verification is kept: asking again answers from it. */
  async verify(opts: CallOptions = {}): Promise<VerifyResult> {
    if (!this.opened) throw new CoreError({ code: 'invalid-argument', message: 'the archive is not open', where: 'client' });
    if (this.verified) return { ...this.verified, elapsedMs: 0 };
    if (this.verifier) throw new CoreError({ code: 'invalid-argument', message: 'a verification is already running', where: 'client' });
    if (opts.signal?.aborted) throw new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' });
    const conn = new WorkerConnection(this.spawn);
    this.verifier = conn;
    const t0 = performance.now();
    const onAbort = () => conn.terminate('cancelled', 'cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A seekable archive is scanned (member headers only, quick), then its layers
      // are indexed and hashed in one pass ("index", "verify"): the scan is not
      // reported, so the bar does not start twice. A whole-compressed archive is
      // scanned, indexed and hashed in one pass.
      const onProgress = opts.onProgress && ((p: ProgressEvent) => {
        if (this.outerCompressed || p.phase !== 'scan') opts.onProgress!(p);
      });
      const r = await conn.call({ type: 'open', file: this.file, name: this.name, verify: true }, { onProgress });
      const result: VerifyResult = {
        summary: r.summary,
        elapsedMs: performance.now() - t0,
        bytesRead: r.bytesRead,
        reopened: r.summary.archive.outer_compression !== 'none',
      };
      this.verified = result;
      return result;
    } finally {
      this.verifiersSpawned += conn.spawned;
      opts.signal?.removeEventListener('abort', onAbort);
      conn.terminate('cancelled', 'verification ended');
      if (this.verifier === conn) this.verifier = null;
    }
  }

  /** Stops a running verify() (its worker only). */
  cancelVerify(): void {
    this.verifier?.terminate('cancelled', 'cancelled');
  }

  resolve(ref: string): Promise<number> {
    return this.afterOpen({}, () => this.conn.call({ type: 'resolve', ref }));
  }

  bytesRead(): Promise<number> {
    return this.afterOpen({}, () => this.conn.call({ type: 'stats' })).then((s) => s.bytesRead);
  }

  /** Stops whatever runs now by terminating the worker. */
  cancel(): void {
    this.conn.terminate('cancelled', 'cancelled');
  }

  dispose(): void {
    this.opened = false;
    this.cancelVerify();
    this.conn.terminate('cancelled', 'archive closed');
  }

  private async afterOpen<T>(opts: CallOptions, run: () => Promise<T>): Promise<T> {
    if (!this.opened) throw new CoreError({ code: 'invalid-argument', message: 'the archive is not open', where: 'client' });
    if (!this.conn.alive) {
      // The worker was terminated (cancel) or died: start a fresh one and re-index.
      if (!this.reopening) {
        this.reopening = this.conn
          .call({ type: 'open', file: this.file, name: this.name, verify: this.options.verify }, { onProgress: (p) => this.options.onReopen?.(p) })
          .finally(() => {
            this.reopening = null;
            this.options.onReopen?.(null);
          });
      }
      await this.withSignal(opts.signal, () => this.reopening as Promise<OpenResult>);
    }
    return this.withSignal(opts.signal, run);
  }

  private withSignal<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (!signal) return run();
    if (signal.aborted) return Promise.reject(new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' }));
    const onAbort = () => this.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    return run().finally(() => signal.removeEventListener('abort', onAbort));
  }
}
