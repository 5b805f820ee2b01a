// The only code of web/ that talks to the wasm worker (through wasm/client.ts).
// Components and state see EngineArchive: summaries, whole tree listings
// (fetched in pages), file bytes in chunks, raw manifests, path histories,
// digest verification, cancel.
import { spawnWorker, SINGLE_FILE } from '#spawn-worker';
import { ArchiveClient, CoreError, isCancelled } from '../../../wasm/client';
import type {
  EntryPage,
  ErrorEnvelope,
  InspectDocument,
  OpenResult,
  PathHistory,
  ProgressEvent,
  ReadResult,
  VerifyResult,
} from '../../../wasm/protocol';

export { CoreError, isCancelled, SINGLE_FILE };
export type { EntryPage, InspectDocument, ProgressEvent, ReadResult, OpenResult, ErrorEnvelope, PathHistory, VerifyResult };
export type {
  ImageDoc,
  LayerDoc,
  HistoryDoc,
  Warning,
  AttestationDoc,
  ImageConfig,
  ContainerConfig,
  EntryType,
  ChangeKind,
  PathEvent,
} from '../../../wasm/protocol';
export { ENTRY_TYPES, CHANGES, PROTOCOL_VERSION } from '../../../wasm/protocol';

/** Entries per list request: large pages, few round trips, bounded message size. */
const LIST_PAGE = 50_000;
/** Bytes per read request of readAll: the core keeps the file open between
 *  requests, so chunks only bound the memory a request holds (wasm heap + copy). */
const READ_CHUNK = 16 << 20;

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
    return this.client.file.size;
  }
  get workersSpawned(): number {
    return this.client.workersSpawned;
  }

  async open(opts: OpenOptions = {}): Promise<InspectDocument> {
    const r = await this.client.open({ onProgress: opts.onProgress, signal: opts.signal });
    this.openResult = r;
    this.summary = r.summary;
    return r.summary;
  }

  /** The whole listing of a layer's changes or of the merged tree, in pages. */
  async listAll(image: number, layer: number, merged: boolean, onPage?: (done: number, total: number) => void, signal?: AbortSignal): Promise<EntryPage[]> {
    const pages: EntryPage[] = [];
    let offset = 0;
    for (;;) {
      const p = await this.client.list({ image, layer, merged, prefix: '', offset, limit: LIST_PAGE }, { signal });
      pages.push(p);
      offset += p.count;
      onPage?.(offset, p.total);
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

  /** The raw manifest of an image, as text (not re-serialised). */
  manifest(image: number, signal?: AbortSignal): Promise<string> {
    return this.client.manifest(image, { signal });
  }

  /** Every layer that added, modified or deleted `path` (bottom-up). */
  pathHistory(image: number, path: string, signal?: AbortSignal): Promise<PathHistory> {
    return this.client.pathHistory(image, path, { signal });
  }

  /**
   * Hashes every blob and layer (reads the whole archive, in a worker of its
   * own: browsing goes on meanwhile) and returns the summary with computed
   * digests and mismatch warnings; `summary` becomes it. Stop it with
   * cancelVerify() or the signal: that terminates the verifying worker only.
   */
  async verify(opts: { onProgress?: (p: ProgressEvent) => void; signal?: AbortSignal } = {}): Promise<VerifyResult> {
    const r = await this.client.verify(opts);
    this.summary = r.summary;
    return r;
  }

  cancelVerify(): void {
    this.client.cancelVerify();
  }

  get verifyWorkersSpawned(): number {
    return this.client.verifyWorkersSpawned;
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

export function createArchive(file: Blob, name: string, opts: Pick<OpenOptions, 'onReopen'> = {}): EngineArchive {
  return new EngineArchive(new ArchiveClient(spawnWorker, file, name, { onReopen: opts.onReopen }));
}

/** Fetches an archive that is hosted next to the page (same origin only). */
export async function fetchArchive(url: string, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<File> {
  const u = new URL(url, document.baseURI);
  if (u.origin !== location.origin || !/^https?:$/.test(u.protocol))
    throw new CoreError({ code: 'invalid-argument', message: 'only archives hosted next to this page can be opened by link', where: url });
  const res = await fetch(u, { signal, credentials: 'same-origin' });
  if (!res.ok || !res.body) throw new CoreError({ code: 'io', message: `HTTP ${res.status} ${res.statusText}`, where: u.pathname });
  const total = Number(res.headers.get('content-length') ?? 0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    done += r.value.byteLength;
    onProgress?.(done, total);
  }
  const name = decodeURIComponent(u.pathname.split('/').pop() || 'archive.tar');
  return new File(parts as BlobPart[], name, { type: 'application/x-tar' });
}
