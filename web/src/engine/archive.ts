// EngineArchive: one open archive as components and state see it (pages of
// listings gathered, file bytes in chunks, cursors, verify, cancel), over
// wasm/client.ts. Apart from index.ts so it can be tested in node without the
// bundler's worker spawning (tests/wasm/client.test.ts).
import type { ArchiveClient, FileCursor, WorkerConnection } from '../../../wasm/client';
import { withVerification } from './verified';
import type { EntryPage, IndexResult, InspectDocument, OpenResult, PathHistory, ProgressEvent, ReadResult, VerifyResult, Warning, FindingsDocument, DiffDocument, WriteRequest, WriteResult } from '../../../wasm/protocol';

/** Entries per list request: few round trips, and a page (its message, its
 *  part of the tree: TreeBuilder.add) is one main-thread task well under 50 ms
 *  even with the cores shared. 16,384 took tasks of 27-45 ms of CPU on the 0.4 GB
 *  bench archive's listings (traced, three opens), 8,192 at most 20-27 with the
 *  tree's finish() in a task of its own (TreeLoads.listing). */
export const LIST_PAGE = 8_192;
/** Bytes per read request of readAll: the core keeps the file open between
 *  requests, so chunks only bound the memory a request holds (wasm heap + copy). */
export const READ_CHUNK = 16 << 20;

export interface OpenOptions {
  onProgress?: (p: ProgressEvent) => void;
  /** Progress of a transparent re-index after a cancel (null when done). */
  onReopen?: (p: ProgressEvent | null) => void;
  signal?: AbortSignal;
}

export class EngineArchive {
  summary: InspectDocument | null = null;
  openResult: OpenResult | null = null;

  constructor(private readonly client: ArchiveClient) {}

  get name(): string {
    return this.client.name;
  }
  get size(): number {
    return this.client.size;
  }
  get workersSpawned(): number {
    return this.client.workersSpawned;
  }

  /** Opens the archive; `summaryFirst` reads only its summary (documents and
   *  headers: openResult.indexed false) and index() must follow. */
  async open(opts: OpenOptions & { summaryFirst?: boolean } = {}): Promise<InspectDocument> {
    const r = await this.client.open({ onProgress: opts.onProgress, signal: opts.signal, layers: opts.summaryFirst ? 'headers' : 'all' });
    this.openResult = r;
    this.summary = r.summary;
    return r.summary;
  }

  /** Indexes every layer after a summary-first open; a view of files asked
   *  before that starts it (or waits for it) by itself. `summary` becomes the
   *  indexed one. Progress and the end go to the onIndex option. A cancel
   *  stops it (the worker is replaced; the next view of files re-indexes).
   *  `helpersAfter`: when its helper workers may start reading (ArchiveClient). */
  async index(signal?: AbortSignal, helpersAfter?: Promise<unknown>): Promise<IndexResult> {
    const r = await this.client.index({ signal, helpersAfter });
    this.summary = r.summary;
    return r;
  }

  /** Reads the layers a view of `image` as of `layer` needs (-1: the whole
   *  image) of a summary-first open; the new summary comes through onIndex. */
  readLayers(image: number, layer = -1, signal?: AbortSignal): Promise<void> {
    return this.client.readLayers(image, layer, { signal });
  }

  /** True after a summary-first open until the layers are indexed. */
  get summaryOnly(): boolean {
    return this.client.summaryOnly;
  }

  /** Stops the indexing and keeps it stopped (views of files fail with code
   *  "stopped") until index() is called again. */
  pauseIndexing(): void {
    this.client.pauseIndexing();
  }

  /** The whole listing of a layer's changes or of the merged tree, in pages. */
  async listAll(image: number, layer: number, merged: boolean, onPage?: (done: number, total: number, page: EntryPage) => void, signal?: AbortSignal): Promise<EntryPage[]> {
    const pages: EntryPage[] = [];
    let offset = 0;
    for (;;) {
      const p = await this.client.list({ image, layer, merged, prefix: '', offset, limit: LIST_PAGE }, { signal });
      pages.push(p);
      offset += p.count;
      onPage?.(offset, p.total, p);
      if (!p.hasMore || p.count === 0) break;
    }
    return pages;
  }

  read(image: number, layer: number, path: string, offset: number, length: number, signal?: AbortSignal): Promise<ReadResult> {
    return this.client.read({ image, layer, path, offset, length }, { signal });
  }

  /** Every byte of a file, as Blob parts, read in large chunks. */
  async readAll(image: number, layer: number, path: string, size: number, onProgress?: (done: number) => void, signal?: AbortSignal): Promise<Uint8Array[]> {
    // The core keeps the file open as a cursor: each chunk continues where the
    // previous one stopped (a compressed layer is decoded once, not per chunk).
    const chunk = Math.min(Math.max(size, 1), READ_CHUNK);
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const r = await this.read(image, layer, path, offset, chunk, signal);
      parts.push(r.data);
      offset += r.data.byteLength;
      onProgress?.(offset);
      if (r.eof || r.data.byteLength === 0) break;
    }
    return parts;
  }

  /** A file as it is at `layer`, kept open as a cursor of its own (close it when
   *  done); survives a cancel (it is opened again in the fresh worker). */
  openFile(image: number, layer: number, path: string, signal?: AbortSignal): Promise<FileCursor> {
    return this.client.openFile(image, layer, path, { signal });
  }

  /** The raw manifest of an image, as text (not re-serialised). */
  manifest(image: number, signal?: AbortSignal): Promise<string> {
    return this.client.manifest(image, { signal });
  }

  /** The archive's top-level index.json as stored (OCI layouts). */
  rawIndex(signal?: AbortSignal): Promise<string> {
    return this.client.rawIndex({ signal });
  }

  /** Every layer that added, modified or deleted `path` (bottom-up). */
  pathHistory(image: number, path: string, signal?: AbortSignal): Promise<PathHistory> {
    return this.client.pathHistory(image, path, { signal });
  }

  /** What changed between layers `from` (-1: nothing) and `to` of an image, or in one file (`content`). */
  diff(req: { image: number; from: number; to: number; path?: string; content?: boolean }, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<DiffDocument> {
    return this.client.diff(req, { signal, onProgress });
  }

  /** This image against `otherImage` of `other` (this archive when null; another
   *  one must be open on this archive's connection: createArchiveFrom's
   *  `connection`), or one file of both (`content`). */
  compareImages(
    req: { image: number; otherImage: number; path?: string; content?: boolean },
    other: EngineArchive | null,
    onProgress?: (p: ProgressEvent) => void,
    signal?: AbortSignal,
  ): Promise<DiffDocument> {
    return this.client.compareImages(req, other ? other.client : this.client, { signal, onProgress });
  }

  /** The worker connection serving this archive (to open a second archive beside it). */
  get connection(): WorkerConnection {
    return this.client.connection;
  }

  /** What one image ships that someone should look at (masked); `content` scans file contents too. */
  findings(image: number, content: boolean, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<FindingsDocument> {
    return this.client.findings(image, content, { signal, onProgress });
  }

  /** The warnings that concern a view of `image` as of `layer` (-1 = the top layer). */
  warnings(image: number, layer: number, signal?: AbortSignal): Promise<Warning[]> {
    return this.client.warnings(image, layer, { signal });
  }

  /**
   * Hashes every blob and layer (reads the whole archive, in a worker of its
   * own: browsing goes on meanwhile) and returns the summary with computed
   * digests and mismatch warnings; `summary` becomes it. Stop it with
   * cancelVerify() or the signal: that terminates the verifying worker only.
   */
  async verify(opts: { onProgress?: (p: ProgressEvent) => void; signal?: AbortSignal } = {}): Promise<VerifyResult> {
    const r = await this.client.verify(opts);
    // the verifying worker may not have indexed the layers (engine/verified.ts)
    this.summary = this.summary ? withVerification(this.summary, r.summary) : r.summary;
    return { ...r, summary: this.summary };
  }

  cancelVerify(): void {
    this.client.cancelVerify();
  }

  get verifyWorkersSpawned(): number {
    return this.client.verifyWorkersSpawned;
  }

  /** Workers started by verify to hash beside its own. */
  get hashWorkersSpawned(): number {
    return this.client.hashWorkersSpawned;
  }

  /** Workers started to index the layers beside the archive's own. */
  get indexWorkersSpawned(): number {
    return this.client.indexWorkersSpawned;
  }

  /** Workers started by write to compress layers anew beside the writer's own. */
  get exportWorkersSpawned(): number {
    return this.client.recompressors.spawnedEnded + this.client.recompressors.running.length;
  }

  /** Writes an output of the archive into an origin-private file (WriteRequest),
   *  in a worker of its own; the signal stops that worker only. A Web Lock named
   *  by writeLockName(target) is held while it runs: a page opened meanwhile (this
   *  tab or another) sweeps leftover scratch files, but not this write's. */
  write(req: Omit<WriteRequest, 'type' | 'archive'>, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<WriteResult> {
    const run = () => this.client.write(req, { signal, onProgress });
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    // (request resolves with what the callback's promise resolves with; lib.dom types it unflattened)
    return locks ? (locks.request(writeLockName(req.target.name), run) as unknown as Promise<WriteResult>) : run();
  }

  resolveImage(ref: string): Promise<number> {
    return this.client.resolve(ref);
  }

  bytesRead(): Promise<number> {
    return this.client.bytesRead();
  }

  /** Stops the running work (terminates the worker; the next call re-indexes). */
  cancel(): void {
    this.client.cancel();
  }

  dispose(): void {
    this.client.dispose();
  }
}

/** The Web Lock a write into OPFS file `target` holds while it runs (EngineArchive.write). */
export function writeLockName(target: string): string {
  return `${WRITE_LOCK_PREFIX}${target}`;
}
export const WRITE_LOCK_PREFIX = 'layerscope-write:';
