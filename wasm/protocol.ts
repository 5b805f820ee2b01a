// The message protocol between the page and the worker that owns the wasm core.
//
//   page (web/src/engine)          wasm/client.ts                wasm/worker.ts            wasm core
//   ─────────────────────          ──────────────                ──────────────            ─────────
//   engine.open(file) ──────────>  ArchiveClient.open()  ─post─> {v,id,type:'open'} ──────> openArchive()
//                                                        <─post─ {type:'progress'}* <────── progress cb
//                                                        <─post─ {type:'result'} | {type:'error'}
//   ArchiveClient.cancel() ──────> worker.terminate(); the next call spawns a fresh
//                                  worker and re-opens the same File (lazy respawn).
//
// Requests: open, list (paged tree listings), read (file bytes; the core keeps
// the last file open, so sequential pages continue where the previous stopped),
// manifest (raw manifest text), pathHistory (every layer that touched a path),
// verify (hash every blob and layer; progress; cancel = terminate), resolve,
// stats, close.
//
// One worker holds at most one open archive, so cancelling one archive's work
// never disturbs another. Every message carries the protocol version `v`; a
// worker answers a request of another version with an error of code "protocol".
// Request ids are chosen by the client and echoed on every progress event and
// on the single final response (result or error).
//
// Results leave the wasm heap once: the worker parses JSON envelopes, turns
// tree pages into columns (typed arrays + string arrays) and file bytes into a
// Uint8Array, and transfers the buffers to the page.

/** Bump on any incompatible change of the messages below.
 *  2: manifest, pathHistory and verify requests; ReadResult.size; merged
 *     listings carry the writing layer's change (added/modified). */
export const PROTOCOL_VERSION = 2;

/** The one error shape, end to end (the core's envelope, plus client-side codes). */
export interface ErrorEnvelope {
  /** core codes: io truncated corrupt unsupported not-found invalid-argument ambiguous
   *  limit cancelled not-an-image internal; worker/client codes: protocol, fatal (the
   *  wasm instance died), load (the wasm module could not be loaded). */
  code: string;
  message: string;
  where: string;
}

// ─── Requests ──────────────────────────────────────────────────────────────

export interface OpenRequest {
  type: 'open';
  /** The archive. Read by the worker in slices with FileReaderSync, never whole. */
  file: Blob;
  name: string;
  /** Hash every blob and layer (reads the whole archive). */
  verify?: boolean;
}

export interface ListRequest {
  type: 'list';
  image: number;
  /** Image layer index; -1 = top layer. */
  layer: number;
  /** true: merged filesystem up to `layer`; false: what `layer` changed. */
  merged: boolean;
  /** Only this path and below ("" = everything). */
  prefix: string;
  offset: number;
  /** At most this many entries; 0 = all. */
  limit: number;
}

export interface ReadRequest {
  type: 'read';
  image: number;
  layer: number;
  path: string;
  offset: number;
  length: number;
}

/** The raw manifest of an image, as text (OCI/hybrid: the manifest blob;
 *  legacy docker-archive: its manifest.json entry). */
export interface ManifestRequest {
  type: 'manifest';
  image: number;
}

/** Every layer of `image` that added, modified or deleted `path`, bottom-up. */
export interface PathHistoryRequest {
  type: 'pathHistory';
  image: number;
  path: string;
}

/** Hashes every blob and uncompressed layer of the open archive (reads the whole
 *  archive; progress phase "verify"). Cancel by terminating the worker. For an
 *  archive compressed as a whole (no random access) the worker re-opens it with
 *  hashing on. (client.ts verifies by an `open` with `verify: true` in a worker
 *  of its own instead, so browsing is not held up; this request stays for
 *  embedders that drive one worker.) */
export interface VerifyRequest {
  type: 'verify';
}

export interface ResolveRequest {
  type: 'resolve';
  ref: string;
}

export interface StatsRequest {
  type: 'stats';
}

export interface CloseRequest {
  type: 'close';
}

export type Request =
  | OpenRequest
  | ListRequest
  | ReadRequest
  | ManifestRequest
  | PathHistoryRequest
  | VerifyRequest
  | ResolveRequest
  | StatsRequest
  | CloseRequest;
export type RequestType = Request['type'];

/** What travels: a request plus version and id. */
export type RequestMessage = Request & { v: number; id: number };

// ─── Results ───────────────────────────────────────────────────────────────

export interface OpenResult {
  summary: InspectDocument;
  /** Archive bytes the core fetched to index it (≤ the archive size: payloads are skipped). */
  bytesRead: number;
  /** Wall time of the open call inside the worker, ms (wasm load excluded). */
  elapsedMs: number;
  /** Time spent loading and compiling the wasm module, ms (0 when already loaded). */
  loadMs: number;
  /** How the worker read the File: readInto calls from the core, FileReaderSync
   *  fetches (read-ahead window), bytes fetched, ms spent fetching. */
  io: { calls: number; fetches: number; fetchedBytes: number; ms: number };
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
}

export interface ReadResult {
  data: Uint8Array;
  /** True when the file ends within this chunk. */
  eof: boolean;
  /** Size of the whole file, bytes. */
  size: number;
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
}

export interface VerifyResult {
  /** The summary again, now with computed_digest / computed_diff_id on the
   *  layers and diff-id-mismatch / digest-mismatch / verify-failed warnings. */
  summary: InspectDocument;
  /** Wall time inside the worker, ms. */
  elapsedMs: number;
  /** Archive bytes the core fetched so far (cumulative, as StatsResult). */
  bytesRead: number;
  /** True when the archive is compressed as a whole, so hashing it meant
   *  reading it again from its start (no random access to its members). */
  reopened: boolean;
}

export interface StatsResult {
  bytesRead: number;
}

export interface ResultMap {
  open: OpenResult;
  list: EntryPage;
  read: ReadResult;
  manifest: string;
  pathHistory: PathHistory;
  verify: VerifyResult;
  resolve: number;
  stats: StatsResult;
  close: null;
}

// ─── Responses ─────────────────────────────────────────────────────────────

export interface ProgressEvent {
  /** "load" (wasm), "scan", "index", "verify" (core phases). */
  phase: string;
  /** Bytes of the archive consumed so far. */
  done: number;
  total: number;
  /** Bytes per second since the request started. */
  rate: number;
  /** e.g. the layer being indexed. */
  detail: string;
}

export type ResponseMessage =
  | { v: number; id: number; type: 'progress'; progress: ProgressEvent }
  | { v: number; id: number; type: 'result'; result: ResultMap[RequestType] }
  | { v: number; id: number; type: 'error'; error: ErrorEnvelope }
  /** The wasm instance is dead (trap, out of memory); id 0 when not tied to a request. */
  | { v: number; id: number; type: 'fatal'; error: ErrorEnvelope };

// ─── The inspect document (core/src/api/json_out.cpp, schema_version 1) ────

export interface InspectDocument {
  schema_version: number;
  archive: {
    name: string;
    size: number;
    outer_compression: string;
    members: number;
    members_of_note: string[];
  };
  layout: string;
  layout_description: string;
  producer: string;
  warnings: Warning[];
  images: ImageDoc[];
  attestations: AttestationDoc[];
  bytes_read: number;
}

export interface Warning {
  code: string;
  message: string;
  where: string;
}

export interface ImageDoc {
  index: number;
  tags: string[];
  config_digest: string | null;
  id: string | null;
  manifest_digest: string | null;
  manifest_media_type?: string | null;
  source?: string;
  platform: { os: string; architecture: string; variant: string | null; os_version?: string | null };
  created: string | null;
  author: string | null;
  /** The image config as parsed JSON (null when missing or invalid). */
  config: ImageConfig | null;
  history: HistoryDoc[];
  layers: LayerDoc[];
  size: number;
  uncompressed_size: number;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: ContainerConfig | null;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: unknown[];
  [key: string]: unknown;
}

export interface ContainerConfig {
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  Labels?: Record<string, string> | null;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } | null;
  StopSignal?: string;
  Shell?: string[] | null;
  OnBuild?: string[] | null;
  [key: string]: unknown;
}

export interface HistoryDoc {
  created: string | null;
  created_by: string;
  author: string | null;
  comment: string | null;
  empty_layer: boolean;
  /** Index of the layer this step made; null for empty-layer steps. */
  layer: number | null;
}

export interface LayerDoc {
  index: number;
  digest: string | null;
  diff_id: string | null;
  media_type: string | null;
  compression: string;
  size: number;
  uncompressed_size: number | null;
  member: string | null;
  present: boolean;
  error?: string;
  entries: number;
  entry_types: { file: number; dir: number; symlink: number; hardlink: number; other: number };
  whiteouts: string[];
  opaque_dirs: string[];
  hardlinks: { path: string; target: string }[];
  changes?: { added: number; modified: number; deleted: number; added_bytes: number; modified_bytes: number };
  /** SHA-256 of the stored blob, once verified (VerifyRequest, or OpenRequest.verify). */
  computed_digest?: string;
  /** SHA-256 of the uncompressed layer tar, once verified. */
  computed_diff_id?: string;
}

export interface AttestationDoc {
  manifest_digest: string;
  reference_digest: string | null;
  reference_type: string;
  predicate_types: string[];
}
