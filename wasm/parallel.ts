// Work on one local archive spread over several workers at once: its layers
// indexed (IndexHelpers, for ArchiveClient's indexing of a summary-first open),
// each worker a group of whole blobs of about equal bytes (hashGroups), and
// its plain blobs hashed (hashInParallel, for verify()), whole blobs to the
// first worker free.
import { CoreError, WorkerConnection, isCancelled, type SpawnWorker } from './connection';
import {
  HASH_WORKER_NAME,
  type IndexResult,
  type LayerRead,
  type OpenResult,
  type OpfsTarget,
  type ProgressEvent,
  type RecompressResult,
  type SourceDescriptor,
  type VerifyPlan,
  type WriteRequest,
} from './protocol';

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

/** One progress over groups that several workers run at once: report(i, done,
 *  detail) gives group i's bytes done; the event counts all of them, of `total`. */
function groupProgress(n: number, total: number, phase: string, onProgress?: (p: ProgressEvent) => void): (i: number, done: number, detail: string) => void {
  const t0 = performance.now();
  const done = new Array<number>(n).fill(0);
  return (i, d, detail) => {
    done[i] = d;
    const sum = done.reduce((x, y) => x + y, 0);
    const secs = (performance.now() - t0) / 1000;
    onProgress?.({ phase, done: sum, total, rate: secs > 0 ? sum / secs : 0, detail });
  };
}

/** Settles when `gate` does (kept or broken: it only says when), or fails
 *  with the code of `conn`'s terminate() if that comes first (a Stop, the
 *  archive closed): a helper ended while it waited must not call again (a
 *  call would start a new worker that nothing ends). */
function gateOrEnd(conn: WorkerConnection, gate: Promise<unknown> | undefined): Promise<void> {
  if (!gate) return Promise.resolve();
  if (!conn.alive) return Promise.reject(new CoreError({ code: 'cancelled', message: 'the helper ended', where: 'client' }));
  return new Promise<void>((resolve, reject) => {
    const off = conn.onTerminate((code, message) => {
      off();
      reject(new CoreError({ code, message, where: 'client' }));
    });
    const go = () => {
      off();
      resolve();
    };
    gate.then(go, go);
  });
}

/** Workers to run at once: `asked`, else the machine's cores (2 when unknown), at most 4. */
export function workersWanted(asked: number | undefined): number {
  return Math.max(1, Math.floor(asked ?? Math.min(4, machineCores())));
}

/**
 * Workers to index a local archive's layers with at once: `asked`, else one
 * fewer than the machine's cores (at least 1, at most 4), leaving a core to the
 * page: its render of the summary and of the index's progress comes while the
 * index reads. Measured on two cores (issue 13), alternated opens of the bench
 * sets (0.4 and 1.56 GB; plain, gzip and zstd layers): with two index workers
 * 7 of 18 opens had a main-thread task of 50-71 ms, with one 1 of 27 (57 ms,
 * 81 ms after the change event, before the summary). One
 * worker there was as fast or faster on plain and zstd layers (0.4 GB plain
 * 1.18-1.32 s -> 0.88-1.06 s; 1.56 GB zstd 3.2-4.1 s -> 2.9-3.0 s) and slower
 * on gzip, where inflating is the work (1.56 GB: 4.9-5.4 s -> 6.8 s).
 */
export function indexWorkersWanted(asked: number | undefined, cores = machineCores()): number {
  return Math.max(1, Math.floor(asked ?? Math.min(4, cores - 1)));
}

function machineCores(): number {
  return typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;
}

/** An index helper and its open of the archive (headers only). */
interface Helper {
  conn: WorkerConnection;
  opened: Promise<OpenResult>;
}

/**
 * The workers that index a summary-first local archive's layers beside the
 * archive's own (ArchiveClient's indexing): started with the open, so their
 * start (script, core, warm-up: ~0.1 s) is not on the index's path, taken by
 * index(), ended when it ends; cancel() and dispose() terminate them all.
 */
export class IndexHelpers {
  /** Every helper running (started ahead or by index()). */
  private running: WorkerConnection[] = [];
  /** Started ahead (start()) and opening the archive, not yet taken by index(). */
  private spare: Helper[] = [];
  private token: object | null = null;
  /** Workers the ended helpers had spawned (for tests and diagnostics). */
  spawnedEnded = 0;

  constructor(
    private readonly spawn: SpawnWorker,
    private readonly source: SourceDescriptor,
    private readonly asked: number | undefined,
    /** False once the archive is gone: a start still on its way starts nothing. */
    private readonly alive: () => boolean,
  ) {}

  /** Workers indexing at once for this archive (the archive's own among them):
   *  1 for a hosted archive (its requests are the cost, not the reading) or a
   *  local one under PARALLEL_INDEX_MIN bytes. */
  get count(): number {
    if (this.source.kind !== 'file' || this.source.file.size < PARALLEL_INDEX_MIN) return 1;
    return indexWorkersWanted(this.asked);
  }

  /** Starts the workers index() will want while the summary is read; each
   *  opens the archive (headers only) at once, nothing more. None for a file compressed as a whole (its first bytes
   *  say so): it is read in one pass by one worker. */
  start(): void {
    this.drop();
    const n = this.count - 1;
    if (n < 1 || this.source.kind !== 'file') return;
    const token = {};
    this.token = token;
    const begin = (head: Uint8Array) => {
      if (this.token !== token || !this.alive() || compressedAsAWhole(head)) return;
      for (let i = 0; i < n; ++i) {
        const conn = new WorkerConnection(this.spawn);
        conn.start();
        this.running.push(conn);
        this.spare.push(this.opening(conn));
      }
    };
    const file = this.source.file;
    (typeof file.slice === 'function' ? file.slice(0, 6).arrayBuffer() : Promise.resolve(new ArrayBuffer(0))).then(
      (b) => begin(new Uint8Array(b)),
      () => undefined,
    );
  }

  /** Ends the helpers started ahead and not taken. */
  drop(): void {
    this.token = null;
    for (const h of this.spare.splice(0)) this.end(h.conn, 'not needed');
  }

  /** Terminates every helper (cancel, dispose). */
  terminate(why: string): void {
    this.drop();
    for (const h of this.running) h.terminate('cancelled', why);
  }

  /**
   * Every unread layer indexed by several workers at once: the archive's
   * worker (`conn`) reads a group of its unread blobs while up to count-1
   * helpers (each opening the same file, headers only) read the others, each a
   * group of about equal bytes (hashGroups); then the archive's worker adopts
   * their reads (`index` {reads}), as if it had read those blobs itself, and
   * reads any a helper could not. One `index` request as before when there is
   * one worker, one blob or little to read, or the source is a URL (its
   * requests are the cost, not the reading). Progress "index": bytes read by
   * all, of the unread blobs' sum.
   *
   * `helpersAfter`: the helpers open the file at once but read their groups
   * only once it settles, kept or broken, or end if a cancel comes first (the
   * archive's worker starts on its group at once):
   * the page passes its first render's end, so that on two cores the render's
   * steps do not share them with two decoding workers (issue 13: main-thread
   * tasks over 50 ms while opening). With one worker in all (two cores: a core
   * left to the page) the archive's worker waits for it too, on a file of
   * PARALLEL_INDEX_MIN bytes or more: its one decoding thread, the browser's
   * file reads and the compositor still stretched the render's steps (~10-15
   * ms of CPU each) to 50-80 ms on the 12-layer bench sets. Alternated opens
   * on two cores, 0.4 and 1.57 GB, plain and zstd layers: 1 of 30 opens had a
   * task over 50 ms, 0 of 80 with the wait; traced (tracing loads the cores)
   * 6 of 12 had one of 53-73 ms, 0 of 12 with the wait (longest 43 ms). The
   * index ends ~50-90 ms later (0.4 GB plain: 0.97 s -> 1.05 s, medians of 5).
   */
  async index(
    conn: WorkerConnection,
    archive: number,
    generation: number,
    onProgress: (p: ProgressEvent) => void,
    helpersAfter?: Promise<unknown>,
  ): Promise<IndexResult> {
    // One worker reads every layer: a big local file's waits for the gate too.
    const whole = async (big: boolean) => {
      this.drop();
      if (big) await gateOrEnd(conn, helpersAfter);
      return conn.call({ type: 'index', archive }, { generation, onProgress });
    };
    const k = this.count;
    if (k < 2) return whole(this.source.kind === 'file' && this.source.file.size >= PARALLEL_INDEX_MIN);
    // (failed, or cancelled on its way: the helpers started ahead will not be taken)
    const plan = await conn.call({ type: 'indexPlan', archive }, { generation }).catch((e: unknown) => {
      this.drop();
      throw e;
    });
    const bytes = plan.blobs.reduce((n, b) => n + b.size, 0);
    const groups = hashGroups(plan.blobs, k);
    if (groups.length < 2 || bytes < PARALLEL_INDEX_MIN) return whole(bytes >= PARALLEL_INDEX_MIN);
    const t0 = performance.now();
    const report = groupProgress(groups.length, bytes, 'index', onProgress);
    // The helpers started with the open, or new ones; each opens the file now.
    const helpers = groups.slice(1).map(() => this.take());
    this.drop();
    // The archive's worker terminated (a cancel, its own or that of an archive
    // sharing it; a crash): the helpers' reads have nowhere to go, so they end
    // with it, with its code (cancelled: the indexing is; else as helpers that failed).
    const unlisten = conn.onTerminate((code, message) => {
      for (const h of helpers) h.conn.terminate(code, message);
    });
    let helperBytes = 0;
    try {
      const theirs = helpers.map(async (h, i) => {
        const g = groups[i + 1];
        const opened = await h.opened;
        await gateOrEnd(h.conn, helpersAfter);
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
      const mine = conn
        .call({ type: 'index', archive, blobs: groups[0].map((b) => b.blob) }, { generation, onProgress: (p) => report(0, Math.min(p.done, own), p.detail) })
        .then(() => report(0, own, ''));
      // The archive worker's group and every helper's end (a helper that failed leaves its blobs to that worker).
      const [, settled] = await Promise.all([mine, Promise.allSettled(theirs)]);
      // A helper stopped by cancel() (or dispose) ends the indexing as cancelled.
      for (const r of settled) if (r.status === 'rejected' && isCancelled(r.reason)) throw r.reason;
      const reads = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const r = await conn.call(
        { type: 'index', archive, blobs: plan.blobs.map((b) => b.blob), reads },
        { generation, onProgress: (p) => onProgress({ ...p, done: bytes - Math.max(0, p.total - p.done), total: bytes }) },
        reads.map((x) => x.data.buffer as ArrayBuffer),
      );
      return { ...r, bytesRead: r.bytesRead + helperBytes, elapsedMs: performance.now() - t0 };
    } finally {
      unlisten();
      for (const h of helpers) this.end(h.conn, 'indexing ended');
    }
  }

  /** A helper (one started ahead, or a new one) opening the archive's file,
   *  headers only, to read layers for index(). */
  private take(): Helper {
    const ahead = this.spare.shift();
    if (ahead) return ahead;
    const conn = new WorkerConnection(this.spawn);
    this.running.push(conn);
    return this.opening(conn);
  }

  /** `conn` opening the archive's file, headers only. A helper started ahead
   *  opens it at once, beside the archive's own summary-first open: with a
   *  worker the page started ahead of the file (engine/index.ts prewarmWorker)
   *  it is open when the index plan comes (0.4 GB bench set: the plan ~80 ms
   *  after the file was chosen, the helper open ~20 ms later; a helper started
   *  and opened only then was open ~100-150 ms after the plan). */
  private opening(conn: WorkerConnection): Helper {
    const opened = conn.call({ type: 'open', source: this.source, layers: 'headers' });
    opened.catch(() => undefined); // (its failure is the indexing's)
    return { conn, opened };
  }

  private end(conn: WorkerConnection, why: string): void {
    this.spawnedEnded += conn.spawned;
    conn.terminate('cancelled', why);
    this.running = this.running.filter((h) => h !== conn);
  }
}

/**
 * The digests of an open local archive's plain blobs (VerifyPlan), hashed by
 * the verify worker (`conn`) and up to `asked` (default: the cores, at most 4)
 * workers in all at once: hashing is the verify's cost, and one worker reads
 * and hashes in turn. Whole blobs, largest first, each to the first worker
 * free, so the last to end waits at most for one of the smallest blobs:
 * fixed groups of about equal bytes (hashGroups) ended 50-170 ms apart on the
 * 0.4 GB bench set (12 layers, two workers; the verify worker's reads were
 * slower), 1.3-1.5 s of hashing in all. The workers it starts join `hashers`
 * while they run (for the
 * caller's cancel) and are counted in `hashers.spawnedEnded` when they end.
 * Undefined (the verify worker hashes them itself) when there is one worker,
 * one blob or little to hash. Progress "verify": bytes hashed by all, of the
 * plain blobs' sum.
 */
export async function hashInParallel(
  conn: WorkerConnection,
  archive: number,
  source: SourceDescriptor,
  spawn: SpawnWorker,
  asked: number | undefined,
  hashers: { running: WorkerConnection[]; spawnedEnded: number },
  onProgress?: (p: ProgressEvent) => void,
): Promise<{ blobs: number[]; digests: string[]; bytes: number } | undefined> {
  if (source.kind !== 'file') return undefined;
  const file = source.file;
  const k = workersWanted(asked);
  if (k < 2) return undefined;
  const plan: VerifyPlan = await conn.call({ type: 'verifyPlan', archive });
  const bytes = plan.blobs.reduce((n, b) => n + b.size, 0);
  const n = Math.min(k, plan.blobs.length);
  if (n < 2 || bytes < PARALLEL_HASH_MIN) return undefined;
  const report = groupProgress(n, bytes, 'verify', onProgress);
  const workers = [conn];
  for (let i = 1; i < n; ++i) {
    const h = new WorkerConnection(() => spawn(HASH_WORKER_NAME));
    hashers.running.push(h);
    workers.push(h);
  }
  const queue = [...plan.blobs].sort((x, y) => y.size - x.size || x.offset - y.offset);
  const digests = new Map<number, string>();
  await Promise.all(
    workers.map(async (w, i) => {
      let base = 0;
      for (let b = queue.shift(); b; b = queue.shift()) {
        const at = base;
        const r = await w.call(
          { type: 'hashRanges', file, ranges: [{ offset: b.offset, size: b.size, label: b.member }] },
          { onProgress: (p) => report(i, at + Math.min(p.done, b.size), p.detail) },
        );
        digests.set(b.blob, r.digests[0]);
        base += b.size;
        report(i, base, b.member);
      }
    }),
  );
  for (const h of workers.slice(1)) {
    hashers.spawnedEnded += h.spawned;
    h.terminate('cancelled', 'hashing ended');
  }
  hashers.running = hashers.running.filter((h) => !workers.includes(h));
  return { blobs: plan.blobs.map((b) => b.blob), digests: plan.blobs.map((b) => digests.get(b.blob)!), bytes };
}

/** Below this many bytes of layers to compress anew, a write compresses them
 *  in its one worker: a helper's start costs more. */
export const PARALLEL_EXPORT_MIN = 32 << 20;

/** The file of SCRATCH_DIR in which layer `i` of a write's plan is compressed by a helper. */
export function recompressFile(target: OpfsTarget, i: number): string {
  return `${target.name}.part${i}`;
}

/**
 * The layers a save or strip compresses anew (`writePlan`: gzip or zstd from
 * another compression; the costly part of such a write, one layer after the
 * other in one worker), compressed by up to `asked` helper workers at once
 * (default: the cores, at most 4), each opening the same local file (headers
 * only) and compressing a group of about equal bytes (hashGroups) into files
 * of SCRATCH_DIR (recompressFile); the writer (`conn`, the archive open)
 * then verifies the archive (the plain layers' digests taken from the helpers),
 * which the write need not do again. The write
 * copies those files (WriteRequest.recompressed). Undefined, and the write
 * compresses them itself as before, for one worker, a URL, little to compress
 * or no room in the storage for the files beside the output (three times the
 * archive). A helper that fails leaves its layers to the write; a cancel (the
 * writer terminated) ends them all. Progress "measure": the layers' stored
 * bytes read by all, of their sum. The helpers join `helpers.running` while
 * they run.
 */
export async function recompressInParallel(
  conn: WorkerConnection,
  archive: number,
  req: Omit<WriteRequest, 'type' | 'archive'>,
  source: SourceDescriptor,
  spawn: SpawnWorker,
  asked: number | undefined,
  helpers: { running: WorkerConnection[]; spawnedEnded: number },
  room: () => Promise<boolean>,
  onProgress?: (p: ProgressEvent) => void,
): Promise<RecompressResult[] | undefined> {
  if (source.kind !== 'file' || (req.what !== 'save' && req.what !== 'strip')) return undefined;
  if (req.compress !== 'gzip' && req.compress !== 'zstd') return undefined;
  const k = workersWanted(asked);
  if (k < 2) return undefined;
  const { target, recompressed: _r, ...args } = req;
  // The writer terminated (a cancel) ends its helpers, and stops this before
  // any starts (it may come while the plan or the room is asked for).
  const workers: WorkerConnection[] = [];
  let ended: CoreError | undefined;
  const unlisten = conn.onTerminate((code, message) => {
    ended ??= new CoreError({ code, message, where: 'client' });
    for (const h of workers) h.terminate(code, message);
  });
  try {
    const plan = await conn.call({ type: 'writePlan', archive, ...args });
    const bytes = plan.layers.reduce((n, l) => n + l.size, 0);
    const groups = hashGroups(
      plan.layers.map((l, i) => ({ ...l, offset: i })),
      k,
    );
    if (plan.layers.length < 2 || bytes < PARALLEL_EXPORT_MIN || !(await room())) return undefined;
    if (ended) throw ended;
    const report = groupProgress(groups.length, bytes, 'measure', onProgress);
    for (const _ of groups) {
      const h = new WorkerConnection(spawn);
      helpers.running.push(h);
      workers.push(h);
    }
    const theirs = workers.map(async (h, i) => {
      const { archive: mine } = await h.call({ type: 'open', source, layers: 'headers' });
      const out: RecompressResult[] = [];
      let base = 0;
      try {
        for (const l of groups[i]) {
          out.push(
            await h.call(
              { type: 'recompress', archive: mine, member: l.member, compress: req.compress as 'gzip' | 'zstd', file: recompressFile(target, l.offset) },
              { onProgress: (p) => report(i, base + Math.min(p.done, l.size), p.detail) },
            ),
          );
          base += l.size;
          report(i, base, l.member);
        }
      } catch (e) {
        if (isCancelled(e)) throw e;
        // (its other layers are left to the write; what it compressed is used)
      }
      return out;
    });
    const settled = await Promise.allSettled(theirs);
    for (const r of settled) if (r.status === 'rejected' && isCancelled(r.reason)) throw r.reason;
    if (ended) throw ended; // (the writer is gone: nothing to verify or write with)
    const made = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    // Then the writer checks the archive (kept by its open: the write's own
    // check reads nothing more), its plain blobs hashed by the worker from
    // the file, but not the plain layers the helpers just read whole: their
    // digest is the diff_id they computed (the 0.4 GB e2e archive: 1.5-2.5 s less).
    const digests = { blobs: [] as number[], digests: [] as string[], bytes: 0 };
    for (const r of made) {
      const l = plan.layers.find((x) => x.member === r.member);
      if (!l?.plain || !r.diff_id) continue;
      digests.blobs.push(l.blob);
      digests.digests.push(r.diff_id);
      digests.bytes += l.size;
    }
    await conn.call({ type: 'verify', archive, hostHash: true, digests });
    return made;
  } finally {
    unlisten();
    for (const h of workers) {
      helpers.spawnedEnded += h.spawned;
      h.terminate('cancelled', 'compressing ended');
    }
    helpers.running = helpers.running.filter((h) => !workers.includes(h));
  }
}
