// The only code of web/ that talks to the wasm worker (through wasm/client.ts).
// Components and state see EngineArchive: summaries, whole tree listings
// (fetched in pages), file bytes in chunks, raw manifests, path histories,
// digest verification, cancel; file cursors (two files read in turn, e.g. two
// layers' versions of one file, each continuing where it stopped).
import { spawnWorker, SINGLE_FILE } from '#spawn-worker';
import { ArchiveClient, CoreError, FileCursor, isCancelled, WorkerConnection, type ArchiveClientOptions } from '../../../wasm/client';
import { EngineArchive, type OpenOptions } from './archive';
import type {
  EntryPage,
  ErrorEnvelope,
  IndexResult,
  InspectDocument,
  OpenResult,
  PathHistory,
  ProgressEvent,
  ReadResult,
  SourceDescriptor,
  VerifyResult,
  WriteRequest,
  WriteResult,
  OpfsTarget,
} from '../../../wasm/protocol';

export { EngineArchive };
export type { OpenOptions };

export { CoreError, isCancelled, SINGLE_FILE, FileCursor, WorkerConnection };
export type { EntryPage, IndexResult, InspectDocument, ProgressEvent, ReadResult, OpenResult, ErrorEnvelope, PathHistory, VerifyResult, SourceDescriptor, WriteRequest, WriteResult, OpfsTarget };
export type {
  ImageDoc,
  LayerDoc,
  HistoryDoc,
  Warning,
  FindingsDocument,
  FindingDoc,
  DiffDocument,
  TreeDiff,
  ContentDiff,
  DiffRow,
  DiffPoint,
  VerifyDocument,
  VerifyRow,
  AttestationDoc,
  ImageConfig,
  ContainerConfig,
  EntryType,
  ChangeKind,
  PathEvent,
} from '../../../wasm/protocol';
export { ENTRY_TYPES, CHANGES, PROTOCOL_VERSION, newEntryPage } from '../../../wasm/protocol';

/**
 * An archive read from a File/Blob. With `connection` (a WorkerConnection from
 * createConnection()) several archives share one worker; by default each has
 * its own, so cancelling one never disturbs another.
 */
export function createArchive(
  file: Blob,
  name: string,
  opts: Pick<OpenOptions, 'onReopen'> & { connection?: WorkerConnection } = {},
): EngineArchive {
  return createArchiveFrom({ kind: 'file', file, name }, opts);
}

/** One worker started ahead of need (prewarmWorker); the next archive or
 *  connection takes it, so starting the worker and compiling the wasm core
 *  (~150-250 ms) are not on the path from a chosen file to its summary. */
let spare: Worker | null = null;

/** Starts a worker (and its wasm core) for the next archive, if none is waiting. */
export function prewarmWorker(): void {
  spare ??= spawnWorker();
}

function spawn(): Worker {
  const w = spare;
  spare = null;
  return w ?? spawnWorker();
}

/** An archive read from any source: a File, or a URL read by Range requests (probeUrl). */
export function createArchiveFrom(
  source: SourceDescriptor,
  opts: Pick<OpenOptions, 'onReopen'> & Pick<ArchiveClientOptions, 'onIndex'> & { connection?: WorkerConnection } = {},
): EngineArchive {
  return new EngineArchive(new ArchiveClient(spawn, source, { onReopen: opts.onReopen, onIndex: opts.onIndex, connection: opts.connection }));
}

/** An archive on a server, read by HTTP Range requests in the worker. */
export type UrlSource = Extract<SourceDescriptor, { kind: 'url' }>;

/** What a server answered for an archive's URL: it serves byte ranges (`range`:
 *  the worker reads only what it needs), or only the whole file (`whole`: the
 *  response to stream). */
export type Probe = { kind: 'range'; source: UrlSource } | { kind: 'whole'; response: Response; name: string; total: number };

/** The absolute URL of a link to an archive hosted next to the page, or why it cannot be read from here. */
export function archiveUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url, document.baseURI);
  } catch {
    throw new CoreError({ code: 'invalid-argument', message: 'this is not a URL', where: url });
  }
  // The page's policy (connect-src 'self') lets it read its own origin only.
  if (u.origin !== location.origin || !/^https?:$/.test(u.protocol))
    throw new CoreError({ code: 'invalid-argument', message: 'only archives hosted next to this page can be opened by link', where: url });
  return u;
}

/**
 * Asks for the archive's first byte with a Range header. A 206 with a
 * Content-Range gives its size, and its ETag (a strong one) or Last-Modified pins
 * the version every later range must come from; a 200 means the server sends
 * whole files only. HTTP errors and unreachable servers become errors that say
 * what happened in plain words.
 */
export async function probeUrl(url: string, signal?: AbortSignal): Promise<Probe> {
  const u = archiveUrl(url);
  const where = u.pathname;
  const name = decodeURIComponent(u.pathname.split('/').pop() || 'archive.tar');
  let res: Response;
  try {
    res = await fetch(u, { signal, credentials: 'same-origin', cache: 'no-store', headers: { Range: 'bytes=0-0' } });
  } catch (e) {
    if (isCancelled(e) || (e instanceof DOMException && e.name === 'AbortError')) throw e;
    throw new CoreError({ code: 'io', message: `the server could not be reached (${errorText(e)})`, where });
  }
  if (res.status === 206) {
    void res.body?.cancel();
    const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('Content-Range')?.trim() ?? '');
    if (!cr)
      throw new CoreError({ code: 'io', message: 'the server answered a range without a usable Content-Range header (the total size is needed)', where });
    const etag = res.headers.get('ETag');
    const validator = etag && !etag.startsWith('W/') ? etag : (res.headers.get('Last-Modified') ?? '');
    return { kind: 'range', source: { kind: 'url', url: u.href, name, size: Number(cr[3]), validator } };
  }
  if (res.status === 200 && res.body) return { kind: 'whole', response: res, name, total: Number(res.headers.get('Content-Length') ?? 0) };
  void res.body?.cancel();
  const why =
    res.status === 404 ? 'there is no file at this address'
    : res.status === 401 || res.status === 403 ? 'the server does not let this page read it'
    : res.status === 416 ? 'the file is empty'
    : 'the server failed to answer';
  throw new CoreError({ code: 'io', message: `HTTP ${res.status} ${res.statusText}: ${why}`.replace(/ +:/, ':'), where });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A worker to share between archives (createArchive's `connection`). */
export function createConnection(): WorkerConnection {
  return new WorkerConnection(spawn);
}

/** A whole response body as a File in memory (where the browser has no
 *  origin-private file system to stream it into). */
export async function responseFile(res: Response, name: string, onProgress?: (done: number, total: number) => void): Promise<File> {
  const total = Number(res.headers.get('content-length') ?? 0);
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    done += r.value.byteLength;
    onProgress?.(done, total);
  }
  return new File(parts as BlobPart[], name, { type: 'application/x-tar' });
}
