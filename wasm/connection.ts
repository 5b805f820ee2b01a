// One worker as the page talks to it (the page side of protocol.ts): request
// ids, progress routing, one error shape. terminate() rejects everything
// pending; a later call spawns a fresh worker (`generation` counts them). A
// call that names a handle says which generation it is of, and is refused
// ("stale") rather than sent to another worker, where the same number names
// nothing or another client's archive (each wasm instance numbers from 1).
// client.ts builds archives, cursors and the parallel work (parallel.ts) on it.
import { PROTOCOL_VERSION, type ErrorEnvelope, type ProgressEvent, type Request, type RequestMessage, type RequestType, type ResponseMessage, type ResultMap } from './protocol';

/** Starts a worker running wasm/worker.ts; `name` (WorkerOptions.name) is
 *  HASH_WORKER_NAME for one that only hashes (it does not load the core). */
export type SpawnWorker = (name?: string) => Worker;

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

  /** Hear every terminate() (onTerminate). */
  private readonly terminated = new Set<(code: string, message: string) => void>();

  constructor(private readonly spawn: SpawnWorker) {}

  /** Calls `cb` with the code and message of every terminate() from now on (a
   *  cancel, a crash); the function returned stops that. */
  onTerminate(cb: (code: string, message: string) => void): () => void {
    this.terminated.add(cb);
    return () => void this.terminated.delete(cb);
  }

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
    for (const cb of [...this.terminated]) cb(code, message);
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
