// One open archive and everything the page remembers about it: status,
// progress, the summary, where the user is (image, layer, view, path, tab),
// the tree listings (tree-loads.ts), manifests and path histories already
// fetched, the state of a digest verification, the archives it is compared
// with (comparers.ts) and its last export (export-job.ts).
import { createArchiveFrom, keepSpareWorker, withVerification, type EngineArchive, type UrlSource, type InspectDocument, type ProgressEvent, isCancelled } from '../engine';
import type { OpenResult, DiffDocument, ErrorEnvelope, IndexResult, FindingsDocument, PathHistory, VerifyDocument, Warning } from '../engine';
import type { ExportChoice } from './exports';
import { newExportJob, runExport, type ExportJob } from './export-job';
import { removeTarget } from './export-files';
import { toEnvelope, whatFileIs } from './errors';
import { addProgress, type PhaseProgress } from './progress';
import { progressRender } from './progress-render';
import { Comparers, type CompareSource } from './comparers';
import { TreeLoads, type TreeLoad } from './tree-loads';
import type { LinkState, Tab, TreeView, ViewerMode } from './hash';

export type Status = 'opening' | 'ready' | 'error' | 'cancelled';
export type { CompareSource, ExportJob, TreeLoad };

let nextId = 1;
/** Every archive open in the page (the Compare tab offers the others). */
const live = new Set<ArchiveSession>();

/** A diff the user asked for from another view (a file's history): the Compare tab opens it. */
export interface CompareRequest {
  from: number;
  to: number;
  path: string;
}

/** What the Compare tab compares the current image with: two points in its
 *  own layers, or (its top) another image — of this archive (`source` 'self')
 *  or of another archive (`source`: a compareSources() key). */
export type CompareWith = { kind: 'layers' } | { kind: 'image'; source: string; image: number };

/** Work the user started (a content scan, a diff): a Loadable with its progress. */
export interface Job<T> {
  value: T | null;
  error: ErrorEnvelope | null;
  loading: boolean;
  progress: ProgressEvent | null;
}
export type ContentScan = Job<FindingsDocument>;

/** A value fetched from the worker once and cached. */
export interface Loadable<T> {
  value: T | null;
  error: ErrorEnvelope | null;
  loading: boolean;
}

export interface VerifyState {
  status: 'running' | 'done' | 'cancelled' | 'error';
  progress: ProgressEvent | null;
  startedAt: number;
  /** wall time of the whole verification (set when done) */
  elapsedMs: number;
  error: ErrorEnvelope | null;
  /** the archive was compressed as a whole and had to be read again from its start */
  reopened: boolean;
  /** every blob's row (the verify table), from the same hashing pass (set when done) */
  rows: VerifyDocument | null;
  /** the verifying worker's summary (set when done): its verdicts are laid over
   *  every later summary of the browsing worker (engine/verified.ts) */
  verified: InspectDocument | null;
}

/** How long the indexing's helper workers wait for the first render at most (ArchiveSession.drawn). */
const FIRST_RENDER_WAIT_MS = 1000;

export class ArchiveSession {
  readonly id = nextId++;
  readonly engine: EngineArchive;
  status: Status = 'opening';
  progress: ProgressEvent | null = null;
  /** the opening's phases so far, each with its own count (state/progress.ts) */
  phases: PhaseProgress[] = [];
  /** progress of a transparent re-index after a cancel */
  reopen: ProgressEvent | null = null;
  /** Summary first (issue 12): the open reads the documents and headers only
   *  and the page shows them at once; then the layers are indexed in the
   *  background (views of files wait for it). `indexed` once that is done (or
   *  when the open did it in its one pass: an archive compressed as a whole). */
  indexed = false;
  /** progress of that indexing while it runs */
  indexing: ProgressEvent | null = null;
  /** the layers one view needs that the indexing under way reads (a hosted
   *  archive reads only those), or null when it reads every layer */
  indexingPart: { image: number; layer: number } | null = null;
  /** per image, per layer l: whether its views as of l can be shown (layers 0..l read) */
  layersRead: boolean[][] = [];
  /** why it stopped, when it did not finish (a cancel: the next view re-indexes) */
  indexError: ErrorEnvelope | null = null;
  /** the summary's own cost: ms in the worker and bytes read (openMs / bytesRead
   *  grow to include the indexing once it is done) */
  summaryMs = 0;
  summaryBytes = 0;
  error: ErrorEnvelope | null = null;
  /** after a failed open: what the file looks like instead ("a JSON document…"), if that says more */
  fileKind: string | null = null;
  summary: InspectDocument | null = null;
  openedAt = performance.now();
  openMs = 0;
  loadMs = 0;
  bytesRead = 0;
  /** how the worker read the File while indexing (see OpenResult.io) */
  io: OpenResult['io'] | null = null;

  // Where the user is.
  image = 0;
  /** -1 until the summary is known; then a real layer index */
  layer = -1;
  view: TreeView = 'layer';
  /** view 'range': the first layer of the range (the last is `layer`) */
  rangeFrom = 0;
  path = '';
  tab: Tab = 'files';
  mode: ViewerMode = 'auto';
  /** deep-link state waiting for the summary */
  pending: LinkState | null = null;
  /** called with the summary once it is known, before `pending` is applied
   *  (the element resolves an image named by tag there) */
  onSummary: ((summary: InspectDocument) => void) | null = null;

  /** The digest verification, once started. */
  verification: VerifyState | null = null;
  /** The export dialog's last output (one at a time). */
  exportJob: ExportJob | null = null;
  private exportAbort: AbortController | null = null;

  /** The tree listings fetched (the last few). */
  private readonly trees: TreeLoads;
  private manifests = new Map<number, Loadable<string>>();
  private histories = new Map<string, Loadable<PathHistory>>();
  private imageWarnings = new Map<number, Loadable<Warning[]>>();
  private findingLists = new Map<number, Loadable<FindingsDocument>>();
  private contentScans = new Map<number, ContentScan>();
  private diffs = new Map<string, Job<DiffDocument>>();
  /** set by a file's "diff with layer N", taken by the Compare tab */
  compareRequest: CompareRequest | null = null;
  /** what the Compare tab compares with */
  compareWith: CompareWith = { kind: 'layers' };
  /** other archives opened in this archive's worker to be compared with (key: CompareSource.key) */
  private readonly comparers: Comparers;

  /** the File read (null when the archive is read from a server by ranges: `remote`) */
  readonly file: File | null;
  /** the archive on a server, read by Range requests */
  readonly remote: UrlSource | null;

  constructor(
    source: File | UrlSource,
    /** URL the archive came from (deep links can reopen it) */
    readonly src: string | undefined,
    private readonly changed: () => void,
  ) {
    this.progressed = progressRender(changed);
    this.file = source instanceof Blob ? source : null;
    this.remote = source instanceof Blob ? null : source;
    this.engine = createArchiveFrom(this.file ? { kind: 'file', file: this.file, name: this.file.name } : this.remote!, {
      onReopen: (p) => {
        this.reopen = p;
        this.progressed();
      },
      onIndex: (e) => this.onIndex(e),
    });
    this.trees = new TreeLoads(this.engine, changed);
    this.comparers = new Comparers(
      () => this.engine.connection,
      () =>
        [...live]
          .filter((o) => o !== this)
          .map((o) => ({ key: `page:${o.id}`, name: o.name, source: o.file ? { kind: 'file', file: o.file, name: o.name } : o.remote!, summary: o.summary })),
      changed,
    );
    live.add(this);
  }

  /** Tells the page to re-render (after changing where the user is). */
  notify(): void {
    this.changed();
  }

  /** A re-render for new progress only (throttled: state/progress-render.ts). */
  private readonly progressed: () => void;

  /**
   * Says the first render after the summary is drawn (ArchiveView's steps
   * call it once the tab's view is painted; more calls change nothing). The
   * indexing started with the summary lets its helper workers read only then
   * (and the archive's own worker, when it reads a big file alone: two
   * cores), or FIRST_RENDER_WAIT_MS after it began (no view drew it): on two
   * cores, the render's steps shared the cores with the decoding workers and
   * took 50-90 ms of main thread each (issue 13; wasm/parallel.ts).
   */
  drawn!: () => void;
  private readonly firstDrawn = new Promise<void>((resolve) => (this.drawn = resolve));

  get name(): string {
    return this.file ? this.file.name : this.remote!.name;
  }

  /** The archive's size in bytes. */
  get size(): number {
    return this.file ? this.file.size : this.remote!.size;
  }

  async open(): Promise<void> {
    this.status = 'opening';
    this.error = null;
    this.progress = null;
    this.phases = [];
    this.openedAt = performance.now();
    this.changed();
    try {
      const summary = await this.engine.open({
        summaryFirst: true,
        onProgress: (p) => {
          this.progress = p;
          this.phases = addProgress(this.phases, p);
          this.progressed();
        },
      });
      this.summary = summary;
      this.openMs = this.engine.openResult?.elapsedMs ?? 0;
      this.loadMs = this.engine.openResult?.loadMs ?? 0;
      this.bytesRead = this.engine.openResult?.bytesRead ?? 0;
      this.io = this.engine.openResult?.io ?? null;
      this.summaryMs = this.openMs;
      this.summaryBytes = this.bytesRead;
      this.indexed = this.engine.openResult?.indexed ?? true;
      this.layersRead = this.engine.openResult?.layersRead ?? [];
      this.status = 'ready';
      this.onSummary?.(summary);
      this.applyLink(this.pending ?? {});
      this.pending = null;
      // A local file's layers are indexed at once, in the background (its
      // helper workers once the summary's render is drawn).
      if (this.file) this.indexNow(true);
    } catch (e) {
      this.status = isCancelled(e) ? 'cancelled' : 'error';
      this.error = toEnvelope(e, 'Opening was cancelled.');
      if (this.status === 'error') this.fileKind = await this.describeFile();
    }
    this.changed();
  }

  /** The indexing of the layers after the summary: started at once for a
   *  local file, by the first view of files for a hosted one (only what is
   *  asked for is fetched); its progress, then the indexed summary (entry
   *  warnings, uncompressed sizes) or why it stopped. */
  private onIndex(e: { progress?: ProgressEvent; result?: IndexResult; error?: unknown; part?: { image: number; layer: number } }): void {
    if (this.status !== 'ready') return;
    if (e.progress) {
      const part = e.part ?? null;
      const newPart = !this.indexing || part?.image !== this.indexingPart?.image || part?.layer !== this.indexingPart?.layer;
      this.indexing = e.progress;
      this.indexingPart = part;
      // (the banner itself, or another part's figures, at once)
      if (!newPart) return this.progressed();
    } else if (e.result) {
      const r = e.result;
      // The verdicts of a verification stay (digests computed, mismatches).
      const verified = this.verification?.status === 'done' ? this.verification.verified : null;
      this.summary = verified ? withVerification(r.summary, verified) : r.summary;
      // Warnings asked before lacked those of the entries read since.
      this.imageWarnings.clear();
      this.openMs += r.elapsedMs;
      this.bytesRead = r.bytesRead;
      this.io = r.io;
      this.indexed = r.indexed;
      this.layersRead = r.layersRead;
      this.indexError = null;
      this.indexing = null;
      this.indexingPart = null;
      keepSpareWorker(); // (for what the user does next: a verification, a comparison, the next archive)
    } else {
      this.indexError = toEnvelope(e.error, 'Indexing was cancelled.');
      this.indexing = null;
      this.indexingPart = null;
    }
    this.changed();
  }

  /** Whether every layer of `image` is read (its findings, space and comparisons can be computed). */
  imageRead(image: number): boolean {
    if (this.indexed) return true;
    const row = this.layersRead[image];
    return !!row && (row.length === 0 || row[row.length - 1]);
  }

  /** Has every layer of `image` read (a hosted archive's Space tab: its figures
   *  come with the summary once they are); progress and errors as any indexing's. */
  readImage(image: number): void {
    if (this.status !== 'ready' || this.imageRead(image) || this.readingImages.has(image) || this.readImageErrors.has(image)) return;
    this.readingImages.add(image);
    this.engine
      .readLayers(image)
      .catch((e: unknown) => {
        // kept (not tried again by the next render): the view shows it, with Try again
        this.readImageErrors.set(image, toEnvelope(e, 'Reading the layers was cancelled.'));
        this.changed();
      })
      .finally(() => this.readingImages.delete(image));
  }
  private readonly readingImages = new Set<number>();
  private readonly readImageErrors = new Map<number, ErrorEnvelope>();

  /** Why reading `image`'s layers for its figures failed (readImage), or null. */
  readImageError(image: number): ErrorEnvelope | null {
    return this.readImageErrors.get(image) ?? null;
  }

  /** readImage again after it failed. */
  retryReadImage(image: number): void {
    this.readImageErrors.delete(image);
    this.readImage(image);
    this.changed();
  }

  /** Layers read so far of all images' layers (a layer two images share counts in each). */
  layersReadCount(): { read: number; total: number } {
    let read = 0;
    let total = 0;
    for (const row of this.layersRead) {
      total += row.length;
      read += row.filter(Boolean).length;
    }
    return { read, total };
  }

  /** Stops the background indexing (terminates the worker: a view of files
   *  asked later indexes again, with its own progress). */
  stopIndexing(): void {
    if (this.indexing) this.engine.pauseIndexing();
  }

  /** Indexes the layers now: a local file's once its summary is there
   *  (`afterFirstRender`: its helper workers read once the summary's render is
   *  drawn, see drawn; an archive opened in the background, not shown, waits
   *  the whole FIRST_RENDER_WAIT_MS), after a Stop (the views of files said
   *  "stopped" meanwhile: they ask again), or a hosted archive's before a view
   *  needs it. */
  indexNow(afterFirstRender = false): void {
    if (this.status !== 'ready' || this.indexed || this.indexing) return;
    this.readImageErrors.clear();
    this.trees.forgetStopped();
    for (const m of [this.histories, this.findingLists, this.diffs, this.contentScans] as Map<unknown, { error?: ErrorEnvelope | null }>[])
      for (const [k, v] of m) if (v.error?.code === 'stopped') m.delete(k);
    this.indexing = { phase: 'index', done: 0, total: this.size, rate: 0, detail: '' };
    this.indexError = null;
    this.changed();
    const drawn = afterFirstRender ? Promise.race([this.firstDrawn, new Promise((r) => setTimeout(r, FIRST_RENDER_WAIT_MS))]) : undefined;
    this.engine.index(undefined, drawn).catch(() => undefined);
  }

  /** What the file's first bytes say it is, when it failed to open (state/errors.ts whatFileIs). */
  private async describeFile(): Promise<string | null> {
    try {
      const head = this.file ? new Uint8Array(await this.file.slice(0, 512).arrayBuffer()) : await remoteHead(this.remote!.url, 512);
      return whatFileIs(head.subarray(0, 512), this.name);
    } catch {
      return null; // the file itself cannot be read: the error says so already
    }
  }

  cancel(): void {
    this.engine.cancel();
  }

  /** called once when the session is disposed (e.g. removes a download it was opened from) */
  onDispose: (() => void) | null = null;

  dispose(): void {
    live.delete(this);
    // Other archives that opened this one to compare with close their copy of it.
    for (const o of live) o.forgetComparer(`page:${this.id}`);
    this.comparers.disposeAll();
    this.engine.dispose();
    const done = this.onDispose;
    this.onDispose = null;
    done?.();
    this.trees.clear();
    this.manifests.clear();
    this.histories.clear();
    this.imageWarnings.clear();
    this.findingLists.clear();
    this.contentScans.clear();
    this.diffs.clear();
  }

  /**
   * Hashes every blob and layer; the summary is replaced by the verified one
   * (computed digests on the layers, mismatches as warnings). It runs in a
   * worker of its own, so other requests are answered meanwhile.
   */
  async verify(): Promise<void> {
    if (this.verification?.status === 'running' || this.status !== 'ready') return;
    const v: VerifyState = { status: 'running', progress: null, startedAt: performance.now(), elapsedMs: 0, error: null, reopened: false, rows: null, verified: null };
    this.verification = v;
    this.changed();
    try {
      const r = await this.engine.verify({
        onProgress: (p) => {
          v.progress = p;
          this.progressed();
        },
      });
      this.summary = this.summary ? withVerification(this.summary, r.summary) : r.summary;
      v.verified = r.summary;
      v.status = 'done';
      v.reopened = r.reopened;
      v.rows = r.rows ?? null;
    } catch (e) {
      v.status = isCancelled(e) ? 'cancelled' : 'error';
      v.error = toEnvelope(e);
    }
    v.elapsedMs = performance.now() - v.startedAt;
    this.changed();
  }

  /** Stops a running verification (its own worker; browsing is not disturbed). */
  cancelVerify(): void {
    if (this.verification?.status === 'running') this.engine.cancelVerify();
  }

  /**
   * Writes an output (the export dialog's choice) in a worker of its own into
   * the origin-private file system, then copies it into `picked` (a file the
   * user chose) or downloads it. A failure or a cancel removes the partial
   * output; the input archive is only read.
   */
  async startExport(choice: ExportChoice, picked: FileSystemFileHandle | null = null): Promise<void> {
    const cur = this.exportJob;
    if (this.status !== 'ready' || cur?.status === 'running' || cur?.status === 'copying') return;
    const job = newExportJob(this.name, choice, picked);
    this.exportJob = job;
    const ac = new AbortController();
    this.exportAbort = ac;
    await runExport(this.engine, job, picked, ac.signal, this.changed);
    if (this.exportAbort === ac) this.exportAbort = null;
    this.changed();
  }

  /** Stops a running export (its worker only) and removes what it wrote. */
  cancelExport(): void {
    this.exportAbort?.abort();
  }

  /** Forgets the last output and removes its file from the browser's storage. */
  async discardExport(): Promise<void> {
    const job = this.exportJob;
    if (!job || job.status === 'running' || job.status === 'copying') return;
    this.exportJob = null;
    this.changed();
    if (!job.savedTo) await removeTarget(job.target).catch(() => undefined);
  }

  /** The raw manifest text of an image (fetched once; re-fetched after a cancel). */
  manifest(image: number): Loadable<string> {
    return this.cached(this.manifests, image, () => this.engine.manifest(image), 16);
  }

  /** The archive's index.json as stored (OCI layouts; fetched once). */
  rawIndex(): Loadable<string> {
    return this.cached(this.manifests, -1, () => this.engine.rawIndex(), 16);
  }

  /** The cached history of a path, if it was fetched (or is being fetched). */
  peekPathHistory(image: number, path: string): Loadable<PathHistory> | null {
    return this.histories.get(`${image}|${path}`) ?? null;
  }

  /** Every layer that touched `path` in `image` (fetched once). */
  pathHistory(image: number, path: string): Loadable<PathHistory> {
    return this.cached(this.histories, `${image}|${path}`, () => this.engine.pathHistory(image, path), 500);
  }

  /** The warnings that concern the whole image (every layer): the history and config views'. */
  warningsOf(image: number): Loadable<Warning[]> {
    return this.cached(this.imageWarnings, image, () => this.engine.warnings(image, -1), 16);
  }

  /** The image's findings from its config, history and file list (no file content is read). */
  /** The findings shown beside a summary-level view (the history, the config):
   *  null while a hosted archive is summary only, so those views fetch no
   *  layer; they appear once a view of files has had the layers indexed. */
  findingsBeside(image: number): FindingsDocument['findings'] {
    if (!this.imageRead(image) && !this.file) return [];
    return this.findingsOf(image).value?.findings ?? [];
  }

  findingsOf(image: number): Loadable<FindingsDocument> {
    return this.cached(this.findingLists, image, () => this.engine.findings(image, false), 16);
  }

  /** The scan of the image's file contents for secrets, once the user started it (null before). */
  contentScan(image: number): ContentScan | null {
    return this.contentScans.get(image) ?? null;
  }

  /** Scans the file contents too (reads every layer of the image): progress, and cancel(). */
  startContentScan(image: number): void {
    this.startJob(this.contentScans, image, (onProgress) => this.engine.findings(image, true, onProgress), 'The scan was stopped.');
  }

  /** A diff asked for (null until compare() started it): two layers' trees, or one file's content. */
  diffJob(image: number, from: number, to: number, path = '', content = false): Job<DiffDocument> | null {
    return this.diffs.get(`${image}|${from}|${to}|${content ? 'c' : 't'}|${path}`) ?? null;
  }

  /** Starts a diff (kept; a stopped or failed one starts again), with progress; stop it with cancel(). */
  compare(image: number, from: number, to: number, path = '', content = false): void {
    const key = `${image}|${from}|${to}|${content ? 'c' : 't'}|${path}`;
    this.startJob(this.diffs, key, (onProgress) => this.engine.diff({ image, from, to, path, content }, onProgress), 'The comparison was stopped.');
    if (this.diffs.size > 32) this.diffs.delete(this.diffs.keys().next().value as string);
  }

  /** The archives the current image can be compared with besides its own:
   *  the page's other open archives (with a summary), then those picked in the Compare tab. */
  compareSources(): CompareSource[] {
    return this.comparers.sources();
  }

  /** Opens a file in this archive's worker to compare with (its summary and
   *  layers: progress, cancel); once open, the Compare tab compares with its first image. */
  pickCompareFile(file: File): string {
    const key = this.comparers.pick(file);
    this.compareWith = { kind: 'image', source: key, image: 0 };
    return key;
  }

  /** Forgets an archive picked in the Compare tab (closes it in the worker). */
  dropCompareFile(key: string): void {
    if (key.startsWith('file:')) this.forgetComparer(key);
  }

  /** Closes this worker's copy of another archive and forgets its comparisons. */
  private forgetComparer(key: string): void {
    if (!this.comparers.forget(key)) return;
    for (const k of [...this.diffs.keys()]) if (k.includes(`|vs|${key}|`)) this.diffs.delete(k);
    if (this.compareWith.kind === 'image' && this.compareWith.source === key) this.compareWith = { kind: 'layers' };
    this.changed();
  }

  /** A comparison of `image` with another image asked for (null until compareImage() started it). */
  imageDiffJob(image: number, source: string, otherImage: number, path = '', content = false): Job<DiffDocument> | null {
    return this.diffs.get(`${image}|vs|${source}|${otherImage}|${content ? 'c' : 't'}|${path}`) ?? null;
  }

  /** Starts comparing `image` (its top) with `otherImage` of `source` ('self' or a
   *  compareSources() key; that archive is opened in this worker first), or one
   *  file of both (`content`); progress, and cancel(). */
  compareImage(image: number, source: string, otherImage: number, path = '', content = false): void {
    const key = `${image}|vs|${source}|${otherImage}|${content ? 'c' : 't'}|${path}`;
    this.startJob(
      this.diffs,
      key,
      async (onProgress) => {
        const other = source === 'self' ? null : await this.comparers.opened(source, onProgress);
        return this.engine.compareImages({ image, otherImage, path, content }, other, onProgress);
      },
      'The comparison was stopped.',
    );
    if (this.diffs.size > 32) this.diffs.delete(this.diffs.keys().next().value as string);
  }

  /** Runs work the user asked for once (again after it stopped or failed), keeping its progress. */
  private startJob<K, T>(map: Map<K, Job<T>>, key: K, run: (onProgress: (p: ProgressEvent) => void) => Promise<T>, stopped: string): void {
    const cur = map.get(key);
    if (cur && (cur.loading || cur.value)) return;
    const job: Job<T> = { value: null, error: null, loading: true, progress: null };
    map.set(key, job);
    this.changed();
    run((p) => {
      job.progress = p;
      this.progressed();
    })
      .then(
        (v) => (job.value = v),
        (e: unknown) => (job.error = toEnvelope(e, stopped)),
      )
      .finally(() => {
        job.loading = false;
        this.changed();
      });
  }

  private cached<K, T>(map: Map<K, Loadable<T>>, key: K, fetch: () => Promise<T>, keep: number): Loadable<T> {
    let l = map.get(key);
    if (l && l.error?.code === 'cancelled') {
      map.delete(key);
      l = undefined;
    }
    if (l) return l;
    const load: Loadable<T> = { value: null, error: null, loading: true };
    map.set(key, load);
    if (map.size > keep) map.delete(map.keys().next().value as K);
    fetch().then(
      (v) => {
        load.value = v;
        load.loading = false;
        this.changed();
      },
      (e: unknown) => {
        load.error = toEnvelope(e);
        load.loading = false;
        this.changed();
      },
    );
    return load;
  }

  get currentImage() {
    return this.summary?.images[this.image] ?? null;
  }

  /** Applies deep-link state (clamped to what the archive has). */
  applyLink(st: LinkState): void {
    const s = this.summary;
    if (!s) {
      this.pending = st;
      return;
    }
    const nImages = s.images.length;
    this.image = st.image !== undefined && st.image >= 0 && st.image < nImages ? st.image : 0;
    const nl = s.images[this.image]?.layers.length ?? 0;
    this.layer = st.layer !== undefined && st.layer >= 0 && st.layer < nl ? st.layer : Math.max(0, nl - 1);
    if (st.view) this.view = st.view;
    else this.view = st.layer === undefined ? 'merged' : 'layer';
    this.rangeFrom = Math.min(Math.max(st.from ?? 0, 0), this.layer);
    this.path = st.path ? st.path.replace(/^\/+/, '') : '';
    // A link leaves out the defaults (tab=files, mode=auto): Back to such a link returns to them.
    this.tab = st.tab ?? 'files';
    this.mode = st.mode ?? 'auto';
  }

  link(): LinkState {
    return {
      src: this.src,
      archive: this.src ? undefined : this.name,
      image: this.image,
      layer: this.layer,
      view: this.view,
      from: this.view === 'range' ? this.rangeFrom : undefined,
      path: this.path ? '/' + this.path : undefined,
      tab: this.tab,
      mode: this.mode,
    };
  }

  selectImage(i: number): void {
    if (!this.summary || i === this.image || i < 0 || i >= this.summary.images.length) return;
    this.image = i;
    this.layer = Math.max(0, (this.summary.images[i].layers.length ?? 1) - 1);
    this.path = '';
    this.changed();
  }

  /** The listing for the current image/layer/view, fetched once and cached. */
  tree(): TreeLoad | null {
    const img = this.currentImage;
    if (!img || img.layers.length === 0 || this.layer < 0) return null;
    if (this.view === 'range') return this.trees.range(this.image, Math.min(this.rangeFrom, this.layer), this.layer);
    return this.trees.listing(this.image, this.layer, this.view === 'merged');
  }

  /**
   * The merged filesystem just below the current layer, when the current view
   * is a layer's changes and it deletes paths: where the deleted copies' sizes
   * are (the worker's listings hold no size for a whiteout).
   */
  treeBelow(): TreeLoad | null {
    const img = this.currentImage;
    const l = img?.layers[this.layer];
    if (!img || !l || this.view !== 'layer' || this.layer < 1 || !l.changes?.deleted) return null;
    return this.trees.listing(this.image, this.layer - 1, true);
  }
}

/** The first `n` bytes of a hosted file: a range, and never more than `n` bytes
 *  read even when the server answers with the whole file. */
async function remoteHead(url: string, n: number): Promise<Uint8Array> {
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Range: `bytes=0-${n - 1}` } });
  const out = new Uint8Array(n);
  let got = 0;
  const reader = res.body?.getReader();
  while (reader && got < n) {
    const r = await reader.read();
    if (r.done) break;
    const take = Math.min(r.value.length, n - got);
    out.set(r.value.subarray(0, take), got);
    got += take;
  }
  void reader?.cancel();
  return out.subarray(0, got);
}
