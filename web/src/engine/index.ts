// The only code of web/ that talks to the wasm worker (through wasm/client.ts).
// Components and state see EngineArchive: summaries, whole tree listings
// (fetched in pages), file bytes in chunks, raw manifests, path histories,
// digest verification, cancel; file cursors (two files read in turn, e.g. two
// layers' versions of one file, each continuing where it stopped).
import { spawnWorker, SINGLE_FILE } from '#spawn-worker';
import { ArchiveClient, CoreError, FileCursor, isCancelled, WorkerConnection } from '../../../wasm/client';
import { EngineArchive, type OpenOptions } from './archive';
import type {
  EntryPage,
  ErrorEnvelope,
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
export type { EntryPage, InspectDocument, ProgressEvent, ReadResult, OpenResult, ErrorEnvelope, PathHistory, VerifyResult, SourceDescriptor, WriteRequest, WriteResult, OpfsTarget };
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
  VerifyDocument,
  VerifyRow,
  AttestationDoc,
  ImageConfig,
  ContainerConfig,
  EntryType,
  ChangeKind,
  PathEvent,
} from '../../../wasm/protocol';
export { ENTRY_TYPES, CHANGES, PROTOCOL_VERSION } from '../../../wasm/protocol';

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
  return new EngineArchive(new ArchiveClient(spawnWorker, { kind: 'file', file, name }, { onReopen: opts.onReopen, connection: opts.connection }));
}

/** A worker to share between archives (createArchive's `connection`). */
export function createConnection(): WorkerConnection {
  return new WorkerConnection(spawnWorker);
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
