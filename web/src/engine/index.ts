// The only code of web/ that talks to the wasm worker (through wasm/client.ts).
// Components and state see EngineArchive: summaries, whole tree listings
// (fetched in pages), file bytes in chunks, raw manifests, path histories,
// digest verification, cancel; file cursors (two files read in turn, e.g. two
// layers' versions of one file, each continuing where it stopped).
import { spawnWorker, SINGLE_FILE } from '#spawn-worker';
import { ArchiveClient, CoreError, FileCursor, isCancelled, WorkerConnection, type ArchiveClientOptions } from '../../../wasm/client';
import { indexWorkersWanted } from '../../../wasm/parallel';
import { AHEAD_WORKER_NAME, SCRATCH_DIR } from '../../../wasm/protocol';
import { EngineArchive, WRITE_LOCK_PREFIX, writeLockName, type OpenOptions } from './archive';
import { whenIdle } from './idle';
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

export { EngineArchive, WRITE_LOCK_PREFIX, writeLockName };
export { VERIFY_CODES, withVerification } from './verified';
export type { OpenOptions };
export { whenIdle };

export { CoreError, isCancelled, SINGLE_FILE, FileCursor, WorkerConnection, SCRATCH_DIR };
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

/** Workers started ahead of need (prewarmWorker): the next archive or
 *  connection takes one, so starting a worker and compiling the wasm core
 *  (~150-250 ms) are not on the path from a chosen file to its summary; once
 *  the user is choosing a file, its first index helper (wasm/parallel.ts) the
 *  next, nor on the helper's path to its first layer (a helper started with the
 *  file began reading 0.10-0.15 s after the index plan: the 0.4 GB bench set's
 *  index waited for it). */
const spares: Worker[] = [];

/** How many: the archive's worker, and (`choosing`: a file is being chosen,
 *  so a local archive comes) one helper where its index will want one. */
function sparesWanted(choosing: boolean): number {
  return choosing && indexWorkersWanted(undefined) > 1 ? 2 : 1;
}

/** Starts the workers (and their wasm cores) for the next archive, as far as
 *  none is waiting: the archive's own at a page's start; also its first index
 *  helper's once the user is choosing a file (`choosing`: the file chooser
 *  opened, files dragged over the page). A page that opens no local file
 *  starts no helper. They are named AHEAD_WORKER_NAME: while idle, each runs
 *  the index's hot paths until V8 has optimised them (wasm/warm-up.ts). */
export function prewarmWorker(choosing = false): void {
  while (spares.length < sparesWanted(choosing)) spares.push(spawnWorker(AHEAD_WORKER_NAME));
}

/**
 * Keeps one core worker started ahead once the page is idle (none if one is
 * waiting): the page calls it when an archive's index has ended, so that the
 * next request wanting a worker of its own (a verification, the archive a
 * comparison opens, an export's writer, the next archive) does not wait for a
 * worker's start. On the 0.4 GB bench set the verify worker's start and open
 * took 0.19-0.23 s of the verification's 1.9 s, 0.07-0.09 s with a spare. It runs
 * the open path's warm-up only, not the decoders' (the page is in use).
 */
export function keepSpareWorker(): void {
  if (spares.length > 0) return;
  whenIdle(() => {
    if (spares.length === 0) spares.push(spawnWorker());
  });
}

/** A worker for a client: a spare for a core worker; one that only hashes
 *  (named) is started as such, without the core. (Exported for its tests.) */
export function spawn(name?: string): Worker {
  if (name) return spawnWorker(name);
  return spares.shift() ?? spawnWorker();
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

/**
 * The origins this page may connect to besides its own, when it is the hosted
 * page (its first script, public/connect-policy.js, narrowed its policy to them
 * and wrote them to <html data-connect>); null anywhere else (the element in
 * another site's page: that page's own policy decides, and a refusal is explained
 * when it happens: probeUrl).
 */
function pageConnectOrigins(): string[] | null {
  const v = document.documentElement.getAttribute('data-connect');
  return v === null ? null : v.split(' ').filter(Boolean);
}

/** The address that opens `u` in this page with its origin allowed (?src=). */
function pageLinkFor(u: URL): string {
  const page = new URL(location.href);
  page.search = `?src=${encodeURIComponent(u.href)}`;
  page.hash = '';
  return page.href;
}

/** The absolute URL of a link to an archive, or why this page cannot read it. */
export function archiveUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url, document.baseURI);
  } catch {
    throw new CoreError({ code: 'invalid-argument', message: 'this is not a URL', where: url });
  }
  if (!/^https?:$/.test(u.protocol))
    throw new CoreError({ code: 'invalid-argument', message: 'only http and https addresses can be opened', where: url });
  const allowed = pageConnectOrigins();
  if (allowed && u.origin !== location.origin && !allowed.includes(u.origin))
    // The hosted page allows connections only to its own origin and to the one of
    // the archive it was loaded with (?src= / #src=): another origin needs a fresh load.
    throw new CoreError({
      code: 'invalid-argument',
      message: `this page may connect only to ${[location.origin, ...allowed].join(' and ')}; to read an archive from ${u.origin}, open ${pageLinkFor(u)}`,
      where: url,
    });
  return u;
}

/** Watches for the page's policy refusing a connection to `origin` (the
 *  securitypolicyviolation event: fetch itself only says "Failed to fetch"). */
function watchRefusals(origin: string): { refused: () => Promise<boolean>; stop: () => void } {
  let seen = false;
  const on = (e: SecurityPolicyViolationEvent) => {
    if (e.blockedURI.startsWith(origin)) seen = true;
  };
  document.addEventListener('securitypolicyviolation', on);
  return {
    // the event is a task queued after the refusal: give it a turn (or two) to arrive
    refused: async () => {
      for (let i = 0; i < 3 && !seen; i++) await new Promise((r) => setTimeout(r, 10));
      return seen;
    },
    stop: () => document.removeEventListener('securitypolicyviolation', on),
  };
}

/**
 * Asks for the archive's first byte with a Range header. A 206 with a
 * Content-Range gives its size, and its ETag (a strong one) or Last-Modified pins
 * the version every later range must come from; a 200 means the server sends
 * whole files only. HTTP errors, unreachable servers, and the ways another
 * origin's server or this page's policy can refuse (CORS, unexposed headers,
 * connect-src) become errors that say in plain words what happened and what
 * the site's owner would have to change.
 */
export async function probeUrl(url: string, signal?: AbortSignal): Promise<Probe> {
  const u = archiveUrl(url);
  const cross = u.origin !== location.origin;
  const where = cross ? u.href : u.pathname;
  const name = decodeURIComponent(u.pathname.split('/').pop() || 'archive.tar');
  const get = (headers: Record<string, string>) => fetch(u, { signal, mode: 'cors', credentials: 'same-origin', cache: 'no-store', headers });
  const watch = watchRefusals(u.origin);
  let res: Response;
  try {
    res = await get({ Range: 'bytes=0-0' });
  } catch (e) {
    if (aborted(e)) throw e;
    if (await watch.refused())
      throw new CoreError({ code: 'io', message: `this page's Content-Security-Policy does not allow it to connect to ${u.origin} (connect-src)`, where });
    if (cross && (await reachable(u, signal)))
      throw new CoreError({
        code: 'io',
        message:
          `${u.origin} does not let pages of other sites read this file (CORS). Its owner would have to answer with ` +
          `Access-Control-Allow-Origin: ${location.origin} (or *) and allow the Range and If-Range request headers ` +
          `(Access-Control-Allow-Headers), or host the archive next to this page`,
        where,
      });
    throw new CoreError({
      code: 'io',
      message: cross
        ? `the server could not be reached, or it does not let pages of other sites read this file (CORS: Access-Control-Allow-Origin) (${errorText(e)})`
        : `the server could not be reached (${errorText(e)})`,
      where,
    });
  } finally {
    watch.stop();
  }
  if (res.status === 206) {
    void res.body?.cancel();
    const header = res.headers.get('Content-Range');
    if (header === null && cross)
      throw new CoreError({
        code: 'io',
        message:
          `${u.origin} answered with a byte range but does not let this page read its Content-Range header (the archive's size): ` +
          'its owner would have to add Access-Control-Expose-Headers: Content-Range, ETag',
        where,
      });
    const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
    if (!cr)
      throw new CoreError({ code: 'io', message: 'the server answered a range without a usable Content-Range header (the total size is needed)', where });
    const etag = res.headers.get('ETag');
    const validator = etag && !etag.startsWith('W/') ? etag : (res.headers.get('Last-Modified') ?? '');
    if (cross && validator) {
      // Every later read says If-Range (a file replaced mid-read must fail, not mix
      // two files); on another origin that header needs the server's preflight to allow it.
      try {
        const again = await get({ Range: 'bytes=0-0', 'If-Range': validator });
        void again.body?.cancel();
      } catch (e) {
        if (aborted(e)) throw e;
        throw new CoreError({
          code: 'io',
          message:
            `${u.origin} does not allow the If-Range request header from pages of other sites (its CORS preflight): ` +
            'its owner would have to add If-Range to Access-Control-Allow-Headers (with Range)',
          where,
        });
      }
    }
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

/** A cancel of ours, or the fetch's signal aborted: passed on as is. */
function aborted(e: unknown): boolean {
  return isCancelled(e) || (e instanceof DOMException && e.name === 'AbortError');
}

/** Whether the server answers at all, CORS aside (an opaque no-cors HEAD). */
async function reachable(u: URL, signal?: AbortSignal): Promise<boolean> {
  try {
    await fetch(u, { signal, mode: 'no-cors', method: 'HEAD', credentials: 'omit', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
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
