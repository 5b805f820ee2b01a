// The message protocol between the page and the worker that owns the wasm core.
//
//   page (web/src/engine)          wasm/client.ts                wasm/worker.ts            wasm core (dispatch.h)
//   ─────────────────────          ──────────────                ──────────────            ──────────────────────
//   engine.open(file) ──────────>  ArchiveClient.open()  ─post─> {v,id,type:'open',  ───> request('open', {verify},
//                                                                 source}                  {source: ByteSource})
//                                                        <─post─ {type:'progress'}* <────── progress cb
//                                                        <─post─ {type:'result', result:{archive: 1, …}} | {type:'error'}
//   engine.read(…) ─────────────>  ArchiveClient.read()  ─post─> {type:'read', archive: 1, …} ─> request('read', …)
//   ArchiveClient.cancel() ──────> worker.terminate(); the next call spawns a fresh
//                                  worker and re-opens the archive from its source
//                                  descriptor (lazy respawn), under a new handle.
//
// Requests (REQUEST_TYPES): open (a source descriptor -> an archive handle;
// `layers: 'headers'` reads its summary only), index (then indexes its layers),
// list (paged tree listings), read (file bytes, by path or by cursor), openFile
// / closeFile (file cursors: several files read alternately without decoding a
// compressed layer from its start again), manifest (raw manifest text),
// pathHistory (every layer that touched a path), warnings (what concerns an
// image as of a layer: for the views with no answer of their own), verify (hash every blob and
// layer; progress; cancel = terminate), write (an output into an
// origin-private file), writePlan / recompress (a write's layers compressed
// anew by helper workers), resolve, stats, close. Each one is a
// request of the core's dispatcher (core/include/layerscope/dispatch.h) of the
// same name and arguments; the worker only reshapes some results (columns,
// transferable buffers). A new request = a handler in the dispatcher + its
// types here (+ a result shaper in worker.ts when its value needs one).
//
// One worker may hold several archives (by handle, a positive number chosen
// by the core) and file cursors (likewise). Every message carries the protocol
// version `v`; a worker answers a request of another version, or of an unknown
// type, with an error of code "protocol". Request ids are chosen by the client
// and echoed on every progress event and on the single final response (result
// or error).
//
// Results leave the wasm heap once: the worker parses JSON envelopes, turns
// tree pages into columns (typed arrays + string arrays) and file bytes into a
// Uint8Array, and transfers the buffers to the page.
//
// The documents (InspectDocument, the ls page, PathHistory's log document) are
// described by the JSON Schemas of docs/schema/ (see docs/json-schema.md); their
// TypeScript types are generated from them (wasm/schema-types.gen.ts, by
// wasm/schema-types.mjs), and tests/wasm/schema.test.mjs validates every
// fixture's documents against the schemas and fails when the types are stale.

/** Bump on any incompatible change of the messages below.
 *  2: manifest, pathHistory and verify requests; ReadResult.size; merged
 *     listings carry the writing layer's change (added/modified).
 *  3: archive handles (open returns `archive`; the others name it), a source
 *     descriptor instead of file+name, file cursors (openFile, closeFile, read
 *     by cursor).
 *  4: the warnings that concern each answer (issue 11): EntryPage, ReadResult,
 *     FileCursorResult and PathHistory carry `warnings`; a `warnings` request
 *     answers them for an image as of a layer (the history and config views);
 *     `findings` and `diff` requests (the Findings and Compare tabs).
 *  5: `write` (issue 10's export dialog): an image saved, squashed or
 *     stripped, a tar of files, or one file, written by the worker into a
 *     file of the origin-private file system that the page names; `verifyRows`
 *     (the verify table: one row per blob).
 *  6: a source of kind `url` (issue 12): the worker reads a hosted archive by
 *     HTTP Range requests; OpenResult.io counts its requests.
 *  7: summary first (issue 12): `open` may read the summary only (`layers`:
 *     'headers' | 'summary'; OpenResult.indexed false), `index` then indexes
 *     every layer of the same handle (IndexResult).
 *  8: layers on demand (issue 12): `index` may read only the layers one view
 *     needs ({image, layer}), in place; OpenResult/IndexResult.layersRead say
 *     which views can be shown; IndexResult.indexed is false while some layer
 *     is unread.
 *  9: `verify` may hash without indexing (`hostHash`: a local file's plain
 *     blobs hashed by the worker from asynchronous reads).
 * 10: verification spread over workers: `verifyPlan` (the plain blobs of an
 *     open archive and where they lie), `hashRanges` (SHA-256 of byte ranges
 *     of a file; needs no core: a worker started with the name
 *     HASH_WORKER_NAME does not load it), `verify` takes the `digests` the
 *     page had computed.
 * 11: indexing spread over workers: `indexPlan` (the blobs `index` has yet to
 *     read), `readLayer` (a blob read on its own by another worker holding the
 *     same archive: bytes), `index` takes `blobs` (those only) and `reads`
 *     (those bytes, adopted instead of read).
 * 12: export spread over workers: `writePlan` (the layers a save or strip
 *     compresses anew), `recompress` (one such layer compressed anew by
 *     another worker holding the same archive, into a file of SCRATCH_DIR),
 *     `write` takes `recompressed` (those files, copied instead of compressed). */
export const PROTOCOL_VERSION = 12;

/** The name (WorkerOptions.name) of a worker started only to hash byte
 *  ranges (`hashRanges`): it loads the wasm core only if asked for more. */
export const HASH_WORKER_NAME = 'layerscope-hash';
/** The name of a core worker the page starts ahead of need (web/src/engine
 *  prewarmWorker): it also warms the index's hot paths (warm-up.ts). */
export const AHEAD_WORKER_NAME = 'layerscope-core-ahead';

/** The one error shape, end to end (the core's envelope, plus client-side codes). */
export interface ErrorEnvelope {
  /** core codes: io truncated corrupt unsupported not-found invalid-argument ambiguous
   *  limit cancelled not-an-image internal; worker/client codes: protocol, fatal (the
   *  wasm instance died), load (the wasm module could not be loaded), stale (client:
   *  a request naming a handle of a worker that is gone was not sent). */
  code: string;
  message: string;
  where: string;
}

// ─── Requests ──────────────────────────────────────────────────────────────

/** Where an archive's bytes come from: enough for a fresh worker to open it
 *  again (after a cancel terminated the last one). A File is read by the
 *  worker in slices with FileReaderSync, never whole. (Next: {kind:'url'}.) */
export type SourceDescriptor =
  | { kind: 'file'; file: Blob; name: string }
  /** An archive read by HTTP Range requests (io/http-source.ts). `size` and
   *  `validator` (the ETag, or Last-Modified; '' when the server sent neither)
   *  come from the page's probe: every later answer must match them. */
  | { kind: 'url'; url: string; name: string; size: number; validator: string };

export interface OpenRequest {
  type: 'open';
  source: SourceDescriptor;
  /** Hash every blob and layer (reads the whole archive). */
  verify?: boolean;
  /** 'all' (default): every layer indexed. 'headers': the summary from the
   *  documents and headers only (a compressed layer's uncompressed size is
   *  null), 'summary': compressed layers decoded for their sizes; the views
   *  of files then refuse (code unsupported) until an `index` request. */
  layers?: 'all' | 'summary' | 'headers';
}

/** Reads, in place, the layers of an archive opened for its summary only:
 *  every one, or with `image` those a view of it as of `layer` needs (0..layer;
 *  -1 or absent: all of the image). Layers read already are not read again;
 *  those read before a cancel stay read. Progress counts the stored bytes to read. */
export interface IndexRequest {
  type: 'index';
  archive: number;
  image?: number;
  layer?: number;
  /** Instead of image/layer: these blobs (by number) and those of `reads`. */
  blobs?: number[];
  /** Blobs other workers read (`readLayer`): adopted as if read here. A
   *  malformed one fails the request (invalid-argument) before anything is read. */
  reads?: LayerRead[];
}

/** The blobs `index` has yet to read and where they lie (IndexPlan). Reads nothing. */
export interface IndexPlanRequest {
  type: 'indexPlan';
  archive: number;
}

/** Blob `blob` of an open archive read on its own (its entries, warnings,
 *  sizes or error), as bytes the worker holding the same archive adopts
 *  (`index` {reads}). Progress phase "index": the blob's bytes. */
export interface ReadLayerRequest {
  type: 'readLayer';
  archive: number;
  blob: number;
}

/** A blob as `readLayer` read it (its bytes transferred). */
export interface LayerRead {
  blob: number;
  data: Uint8Array;
}

export interface ListRequest {
  type: 'list';
  archive: number;
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

/** Bytes [offset, offset+length) of a file: by path (the core keeps the last
 *  files read open, so sequential pages continue where the previous stopped),
 *  or through a cursor of openFile. */
export type ReadRequest =
  | { type: 'read'; archive: number; image: number; layer: number; path: string; offset: number; length: number }
  | { type: 'read'; cursor: number; offset: number; length: number };

/** Opens a file as it is at `layer` as a cursor of its own (at most 64 open). */
export interface OpenFileRequest {
  type: 'openFile';
  archive: number;
  image: number;
  layer: number;
  path: string;
}

/** The warnings that concern a view of `image` as of `layer` (-1 = the top):
 *  the archive's own, the image's, its layers' up to that one, and an
 *  incomplete-image per absent or unreadable layer among them. */
export interface WarningsRequest {
  type: 'warnings';
  archive: number;
  image: number;
  layer: number;
}

/** What one image ships that someone should look at (`layerscope findings`):
 *  secrets in the config and history, key and credential files, deleted but
 *  shipped files, setuid/world-writable files; `content` scans file contents
 *  too (reads every layer; progress phase "findings"). Values are masked. */
export interface FindingsRequest {
  type: 'findings';
  archive: number;
  image: number;
  content?: boolean;
}

/** What changed between two layers of an image (`layerscope diff --from F --to T`;
 *  from -1 = the empty filesystem, to -1 = the top), under `path`; with
 *  `content`, the content diff of the file `path` (unified text, or the first
 *  differing offset of a binary). Progress while equal-sized files are hashed.
 *  With `against` (an archive handle of the same worker, maybe `archive`
 *  itself): this image's top against `against_image` of that archive
 *  (`layerscope diff --against`; kind `images`, with the config, history and
 *  shared-layer sections); from/to are not used. */
export type DiffRequest = {
  type: 'diff';
  archive: number;
  image: number;
  path?: string;
  content?: boolean;
} & ({ from: number; to: number } | { against: number; against_image: number });

export interface CloseFileRequest {
  type: 'closeFile';
  cursor: number;
}

/** The raw manifest of an image, as text (OCI/hybrid: the manifest blob;
 *  legacy docker-archive: its manifest.json entry). */
export type ManifestRequest =
  | { type: 'manifest'; archive: number; image: number }
  /** The archive's top-level index.json as stored (OCI layouts; not-found when none). */
  | { type: 'manifest'; archive: number; index: true };

/** Every layer of `image` that added, modified or deleted `path`, bottom-up. */
export interface PathHistoryRequest {
  type: 'pathHistory';
  archive: number;
  image: number;
  path: string;
}

/** Hashes every blob and uncompressed layer of an open archive (reads the whole
 *  archive; progress phase "verify"). Cancel by terminating the worker. For an
 *  archive compressed as a whole (no random access) the worker re-opens it with
 *  hashing on, under the same handle. (client.ts verifies by an `open` with
 *  `verify: true` in a worker of its own instead, so browsing is not held up;
 *  this request stays for embedders that drive one worker.) */
export interface VerifyRequest {
  type: 'verify';
  archive: number;
  /** Hash without indexing the layers (an archive opened with `layers:
   *  'headers'` stays so): the blobs of a local file stored uncompressed are
   *  hashed by the worker from reads that overlap the hash, the rest by the
   *  core. Ignored for an archive compressed as a whole (one pass). */
  hostHash?: boolean;
  /** With `hostHash`: the digests of (some of) the plan's blobs, computed by
   *  the page (`hashRanges` in other workers); the worker hashes none of the
   *  plan itself then, the core the blobs not named here. */
  digests?: { blobs: number[]; digests: string[]; bytes: number };
}

/** The blobs of an open local archive that are stored uncompressed (their
 *  digest is that of a byte range of the file) and where they lie: what a
 *  page may hash itself and hand to `verify` (`digests`). Empty for an
 *  archive compressed as a whole. Reads nothing. */
export interface VerifyPlanRequest {
  type: 'verifyPlan';
  archive: number;
}

/** "sha256:<hex>" of each byte range of `file`, from asynchronous reads (the
 *  next slice on its way while one is hashed). Progress phase "verify": bytes
 *  of these ranges hashed so far, of their sum; detail = the range's label.
 *  Needs no archive and no core. */
export interface HashRangesRequest {
  type: 'hashRanges';
  file: Blob;
  ranges: { offset: number; size: number; label?: string }[];
}

/** A file of the origin-private file system (navigator.storage.getDirectory()),
 *  in directory `dir`, created (or truncated) by the worker and written through
 *  a sync access handle: nothing is held in memory. The page chooses the name;
 *  on an error or a cancel the page removes it. */
export interface OpfsTarget {
  kind: 'opfs';
  dir: string;
  name: string;
}

/** Where a save or strip keeps the layers it recompresses while it writes
 *  (each compressed once): a file of this directory named as the target. The
 *  worker removes it when the write ends; after a cancel (the worker is
 *  stopped) the page removes it with the target. */
export const SCRATCH_DIR = 'layerscope-scratch';

/** Writes something of an open archive (dispatch.h `write`): what = save (the
 *  images, default all, as a docker- or oci-archive, layers copied or
 *  recompressed), squash (one image as one layer), strip (one image without
 *  `paths`), export (a plain tar of the merged files, or of `layer`'s own tar,
 *  below `path`), file (one file's bytes). Progress while it reads and writes. */
export interface WriteRequest {
  type: 'write';
  archive: number;
  target: OpfsTarget;
  what: 'save' | 'squash' | 'strip' | 'export' | 'file';
  image?: number;
  images?: number[];
  format?: 'docker' | 'oci';
  compress?: '' | 'none' | 'gzip' | 'zstd';
  layer?: number;
  path?: string;
  paths?: string[];
  /** save / strip: layers another worker compressed anew (`recompress`), each
   *  in a file of SCRATCH_DIR holding its bytes only; the write copies them
   *  instead of compressing those layers itself, and removes the files. */
  recompressed?: RecompressResult[];
}

/** The layers a `write` with the same arguments (save or strip) would compress
 *  anew, largest first (WritePlan). Reads nothing. */
export interface WritePlanRequest extends Omit<WriteRequest, 'type' | 'target' | 'recompressed'> {
  type: 'writePlan';
}

/** The layer stored as `member` decoded and compressed anew as `compress`,
 *  into the file `name` of SCRATCH_DIR (created, or emptied; removed if this
 *  fails), for a `write` of the same archive in another worker. Progress
 *  "measure". */
export interface RecompressRequest {
  type: 'recompress';
  archive: number;
  member: string;
  compress: 'none' | 'gzip' | 'zstd';
  file: string;
}

/** The verify document (docs/schema/verify.schema.json, what `layerscope verify
 *  --json` prints): one row per blob the archive claims (layers, configs,
 *  manifests) with expected / actual digest and size and a state. Hashes only
 *  what is not hashed yet: after an `open` with `verify: true` it reads nothing
 *  more (progress phase "verify" otherwise). */
export interface VerifyRowsRequest {
  type: 'verifyRows';
  archive: number;
}

export interface ResolveRequest {
  type: 'resolve';
  archive: number;
  ref: string;
}

/** Bytes read so far: of one archive, or of all open ones. */
export interface StatsRequest {
  type: 'stats';
  archive?: number;
}

export interface CloseRequest {
  type: 'close';
  archive: number;
}

export type Request =
  | OpenRequest
  | IndexRequest
  | ListRequest
  | ReadRequest
  | OpenFileRequest
  | CloseFileRequest
  | ManifestRequest
  | PathHistoryRequest
  | WarningsRequest
  | FindingsRequest
  | DiffRequest
  | VerifyRequest
  | VerifyPlanRequest
  | HashRangesRequest
  | WriteRequest
  | WritePlanRequest
  | RecompressRequest
  | VerifyRowsRequest
  | IndexPlanRequest
  | ReadLayerRequest
  | ResolveRequest
  | StatsRequest
  | CloseRequest;
export type RequestType = Request['type'];

/** Every request type, at run time (the worker refuses others with "protocol"). */
export const REQUEST_TYPES = [
  'open',
  'index',
  'list',
  'read',
  'openFile',
  'closeFile',
  'manifest',
  'pathHistory',
  'warnings',
  'findings',
  'diff',
  'verify',
  'verifyPlan',
  'hashRanges',
  'indexPlan',
  'readLayer',
  'write',
  'writePlan',
  'recompress',
  'verifyRows',
  'resolve',
  'stats',
  'close',
] as const satisfies readonly RequestType[];
// …and none is missing from it.
type MissingFromRequestTypes = Exclude<RequestType, (typeof REQUEST_TYPES)[number]>;
const allRequestTypesListed: MissingFromRequestTypes extends never ? true : false = true;
void allRequestTypesListed;

/** What travels: a request plus version and id. */
export type RequestMessage = Request & { v: number; id: number };

// ─── Results: protocol-results.ts ──────────────────────────────────────────

export * from './protocol-results';
import type { RecompressResult, ResultMap } from './protocol-results';

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

// ─── The documents (generated from docs/schema/*.schema.json) ─────────────

export type {
  InspectDocument,
  Warning,
  ImageDoc,
  ImageConfig,
  ContainerConfig,
  HistoryDoc,
  LayerDoc,
  AttestationDoc,
  LsDocument,
  LsEntry,
  LogDocument,
  FindingsDocument,
  FindingDoc,
  RuleDoc,
  DiffDocument,
  TreeDiff,
  ContentDiff,
  DiffRow,
  DiffPoint,
  VerifyDocument,
  VerifyRow,
} from './schema-types.gen';
