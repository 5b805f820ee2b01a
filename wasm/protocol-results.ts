// The results of the worker protocol's requests (wasm/protocol.ts, which
// re-exports everything here): what each request's final response carries,
// ResultMap naming them by request type.
import type { DiffDocument, FindingsDocument, InspectDocument, VerifyDocument, Warning } from './schema-types.gen';
import type { LayerRead } from './protocol';

export interface OpenResult {
  /** The archive's handle in this worker (names it in the other requests). */
  archive: number;
  summary: InspectDocument;
  /** Archive bytes the core fetched to index it (≤ the archive size: payloads are skipped). */
  bytesRead: number;
  /** Wall time of the open call inside the worker, ms (wasm load excluded). */
  elapsedMs: number;
  /** Time spent loading and compiling the wasm module, ms (0 when already loaded). */
  loadMs: number;
  /** How the worker read the File: readInto calls from the core, FileReaderSync
   *  fetches (read-ahead window), bytes fetched, ms spent fetching; the wasm
   *  instance's memory then (it only grows, so this is its peak so far). */
  io: {
    calls: number;
    fetches: number;
    fetchedBytes: number;
    ms: number;
    requests?: number;
    retries?: number;
    wasmBytes?: number;
    /** A local file in a cross-origin isolated page: bytes the core took from
     *  its asynchronous read-ahead (io/file-stream.ts), and ms it waited there. */
    streamedBytes?: number;
    streamWaitMs?: number;
  };
  /** Whether the views of files can be shown (false after `layers` 'headers'
   *  or 'summary', until `index`; an archive compressed as a whole is always
   *  indexed in its one pass). */
  indexed: boolean;
  /** Per image, per layer l: whether a view as of l can be shown (layers 0..l read). */
  layersRead: boolean[][];
}

export interface IndexResult {
  /** The summary after indexing (the warnings of entries, every size). */
  summary: InspectDocument;
  /** Archive bytes read so far, the summary's included. */
  bytesRead: number;
  /** Wall time of the index call inside the worker, ms. */
  elapsedMs: number;
  /** The source's counters so far (as OpenResult.io). */
  io: OpenResult['io'];
  /** Every layer read (false after an index of one view's layers while others are unread). */
  indexed: boolean;
  /** As OpenResult.layersRead, now. */
  layersRead: boolean[][];
}

/** Numeric entry types of EntryPage.types. */
export const ENTRY_TYPES = ['file', 'dir', 'symlink', 'hardlink', 'deleted', 'other'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
/** Numeric change kinds of EntryPage.changes. */
export const CHANGES = ['none', 'added', 'modified', 'deleted'] as const;
export type ChangeKind = (typeof CHANGES)[number];

/** A page of tree entries as columns; row i is (paths[i], types[i], …). */
export interface EntryPage {
  total: number;
  offset: number;
  hasMore: boolean;
  /** The layer the listing is for (resolved: never -1). */
  layer: number;
  count: number;
  paths: string[];
  /** Symlink or hardlink target; "" when none. */
  links: string[];
  /** Index into ENTRY_TYPES. */
  types: Uint8Array;
  /** Index into CHANGES. Layer listings: what the layer did to the path.
   *  Merged listings: what the layer that last wrote the path did (added or
   *  modified); "none" for implicit parents no layer wrote. */
  changes: Uint8Array;
  /** Image layer that wrote (or deleted) the path; -1 when none. */
  layers: Int16Array;
  sizes: Float64Array;
  /** Permission bits (mode & 0o7777). */
  modes: Uint16Array;
  uids: Uint32Array;
  gids: Uint32Array;
  mtimes: Float64Array;
  /** Bit 0: implicit (a parent directory no layer wrote). */
  flags: Uint8Array;
  /** The warnings that concern this listing (the same on every page). */
  warnings: Warning[];
}

/** An EntryPage of `n` rows, every column allocated (zeros, empty strings), for
 *  the worker's listings and the page's range view to fill. */
export function newEntryPage(n: number, layer: number, total = n, offset = 0, hasMore = false): EntryPage {
  return {
    total,
    offset,
    hasMore,
    layer,
    count: n,
    paths: new Array<string>(n),
    links: new Array<string>(n),
    types: new Uint8Array(n),
    changes: new Uint8Array(n),
    layers: new Int16Array(n),
    sizes: new Float64Array(n),
    modes: new Uint16Array(n),
    uids: new Uint32Array(n),
    gids: new Uint32Array(n),
    mtimes: new Float64Array(n),
    flags: new Uint8Array(n),
    warnings: [],
  };
}

export interface ReadResult {
  data: Uint8Array;
  /** True when the file ends within this chunk. */
  eof: boolean;
  /** Size of the whole file, bytes. */
  size: number;
  /** The warnings that concern the image as of the layer the file is read at. */
  warnings: Warning[];
}

/** One layer's change to a path (PathHistory.events). */
export interface PathEvent {
  /** Normalised path (no leading slash). */
  path: string;
  /** Entry type; "deleted" for a whiteout. */
  type: EntryType;
  change: ChangeKind;
  layer: number;
  /** Absent (0) for deletions. */
  size: number;
  /** Permission bits (mode & 0o7777); 0 for deletions. */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Symlink or hardlink target; "" when none. */
  link: string;
  /** A parent directory the layer implied without an entry of its own. */
  implicit: boolean;
}

export interface PathHistory {
  image: number;
  /** The path as asked. */
  path: string;
  /** Bottom-up: the first event is the lowest layer. Empty when no layer touched the path. */
  events: PathEvent[];
  /** The warnings that concern the image (every layer). */
  warnings: Warning[];
}

export interface VerifyResult {
  /** The summary again, now with computed_digest / computed_diff_id on the
   *  layers and diff-id-mismatch / digest-mismatch / verify-failed warnings
   *  (hashed with `hostHash`, the layers' entries stay unread in it). */
  summary: InspectDocument;
  /** Wall time inside the worker, ms. */
  elapsedMs: number;
  /** Archive bytes the core fetched so far (cumulative, as StatsResult), and
   *  those the worker hashed itself (`hostHash`). */
  bytesRead: number;
  /** True when the archive is compressed as a whole, so hashing it meant
   *  reading it again from its start (no random access to its members). */
  reopened: boolean;
  /** Every blob's row, from the same hashing pass (ArchiveClient.verify() asks
   *  for them; the worker's `verify` request leaves them out). */
  rows?: VerifyDocument;
}

export interface StatsResult {
  bytesRead: number;
  /** How the worker has read the archive's source so far (see OpenResult.io). */
  io?: OpenResult['io'];
}

/** An open file (OpenFileRequest). */
export interface FileCursorResult {
  cursor: number;
  /** Size of the whole file, bytes. */
  size: number;
  /** As ReadResult.warnings. */
  warnings: Warning[];
}

/** What a write wrote: its size; strip: the new image's id and the layers rewritten. */
export interface WriteResult {
  bytes: number;
  image_id?: string;
  rewritten?: number[];
  /** Bytes the worker kept in its scratch file meanwhile: each layer it
   *  recompressed, once (io/opfs-sink.ts openOpfsScratch). */
  scratchBytes?: number;
  /** Bytes of the layers helper workers compressed that the write copied
   *  (WriteRequest.recompressed). */
  recompressedBytes?: number;
}

/** The layers a write compresses anew (WritePlanRequest): the blob's member, its stored size. */
export interface WritePlan {
  /** blob: the core's number of the blob (as VerifyPlan's); plain: stored
   *  uncompressed (its digest is the diff_id `recompress` computes). */
  layers: { member: string; size: number; blob: number; plain: boolean }[];
}

/** A layer compressed anew (RecompressRequest): its bytes fill `file` (in SCRATCH_DIR). */
export interface RecompressResult {
  member: string;
  digest: string;
  size: number;
  file: string;
  /** The decoded layer's digest (of a plain layer, its blob's digest too). */
  diff_id: string;
}

export interface WarningsResult {
  warnings: Warning[];
}

export interface ResultMap {
  open: OpenResult;
  index: IndexResult;
  list: EntryPage;
  read: ReadResult;
  openFile: FileCursorResult;
  closeFile: null;
  manifest: string;
  pathHistory: PathHistory;
  warnings: WarningsResult;
  findings: FindingsDocument;
  diff: DiffDocument;
  verify: VerifyResult;
  verifyPlan: VerifyPlan;
  hashRanges: { digests: string[] };
  indexPlan: IndexPlan;
  readLayer: LayerRead;
  write: WriteResult;
  writePlan: WritePlan;
  recompress: RecompressResult;
  verifyRows: VerifyDocument;
  resolve: number;
  stats: StatsResult;
  close: null;
}


/** The plain blobs of an archive (VerifyPlanRequest): the blob's number in
 *  the core's verify, its member name, its byte range of the file. */
export interface VerifyPlan {
  blobs: { blob: number; member: string; offset: number; size: number }[];
}

/** The blobs `index` has yet to read (IndexPlanRequest): number, member, byte
 *  range of the file. Empty once every layer is read, and for an archive
 *  compressed as a whole (one pass). */
export interface IndexPlan {
  blobs: { blob: number; member: string; offset: number; size: number }[];
}
