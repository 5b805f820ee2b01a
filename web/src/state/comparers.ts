// The other archives the Compare tab compares an archive's image with: the
// page's other open archives and the files picked in the tab. Each is opened
// again in this archive's worker (the core compares two handles of one
// worker), once, with its progress: its summary, then its layers indexed as
// the page's own archive is (a local file's by helper workers beside that
// worker, which takes their reads); a failed or stopped open is tried again
// by the next comparison; forget() closes it there.
import { createArchiveFrom, CoreError, type EngineArchive, type InspectDocument, type ProgressEvent, type SourceDescriptor, type WorkerConnection } from '../engine';
import { toEnvelope } from './errors';
import type { Job } from './session';
import { progressRender } from './progress-render';

/** An archive the Compare tab can compare with: another archive open in the
 *  page, or one picked in the tab itself. */
export interface CompareSource {
  /** 'page:ID' (another open archive) or 'file:N' (picked in the tab) */
  key: string;
  name: string;
  /** its images (null until a picked file's summary is read) */
  summary: InspectDocument | null;
  /** opened in this archive's worker (a picked file: at once; another page archive: at its first comparison) */
  open: Job<InspectDocument> | null;
}

/** Another archive open in the page, as this one sees it. */
export interface PageArchive {
  key: string;
  name: string;
  source: SourceDescriptor;
  summary: InspectDocument | null;
}

interface Entry {
  name: string;
  engine: EngineArchive;
  open: Job<InspectDocument> | null;
  run: Promise<EngineArchive> | null;
  /** hears the progress of its open and of its indexing */
  progress: ((p: ProgressEvent) => void) | null;
}

export class Comparers {
  private readonly entries = new Map<string, Entry>();
  private picked = 0;

  constructor(
    /** The worker of the archive they are compared with. */
    private readonly connection: () => WorkerConnection,
    /** The page's other open archives. */
    private readonly pageArchives: () => PageArchive[],
    private readonly changed: () => void,
  ) {}

  /** The page's other open archives (with a summary), then those picked in the tab. */
  sources(): CompareSource[] {
    const out: CompareSource[] = [];
    for (const o of this.pageArchives())
      if (o.summary) out.push({ key: o.key, name: o.name, summary: o.summary, open: this.entries.get(o.key)?.open ?? null });
    for (const [key, c] of this.entries)
      if (key.startsWith('file:')) out.push({ key, name: c.name, summary: c.open?.value ?? null, open: c.open });
    return out;
  }

  /** Opens a file picked in the tab (its summary and layers: progress, cancel); its key. */
  pick(file: File): string {
    const key = `file:${++this.picked}`;
    this.entries.set(key, this.entry(file.name, { kind: 'file', file, name: file.name }));
    void this.opened(key).catch(() => undefined);
    return key;
  }

  /** Closes this worker's copy of archive `key`; false when there was none. */
  forget(key: string): boolean {
    const c = this.entries.get(key);
    if (!c) return false;
    c.engine.dispose();
    this.entries.delete(key);
    return true;
  }

  /** Closes them all (the archive they are compared with is closed). */
  disposeAll(): void {
    for (const c of this.entries.values()) c.engine.dispose();
    this.entries.clear();
  }

  /** An archive to open in this archive's worker (its indexing's progress goes
   *  where its open's goes). */
  private entry(name: string, source: SourceDescriptor): Entry {
    const engine = createArchiveFrom(source, { connection: this.connection(), onIndex: (x) => x.progress && e.progress?.(x.progress) });
    const e: Entry = { name, engine, open: null, run: null, progress: null };
    return e;
  }

  /** Archive `key`, open (indexed) in this archive's worker. */
  opened(key: string, onProgress?: (p: ProgressEvent) => void): Promise<EngineArchive> {
    let c = this.entries.get(key);
    if (!c) {
      const o = this.pageArchives().find((x) => x.key === key);
      if (!o) return Promise.reject(new CoreError({ code: 'not-found', message: 'that archive is closed', where: 'compare' }));
      c = this.entry(o.name, o.source);
      this.entries.set(key, c);
    }
    const entry = c;
    if (!entry.run) {
      const job: Job<InspectDocument> = { value: null, error: null, loading: true, progress: null };
      entry.open = job;
      const progressed = progressRender(this.changed);
      entry.progress = (p) => {
        job.progress = p;
        onProgress?.(p);
        progressed();
      };
      entry.run = entry.engine
        .open({ summaryFirst: true, onProgress: entry.progress })
        .then(async (summary) => (entry.engine.summaryOnly ? (await entry.engine.index()).summary : summary))
        .then(
          (summary) => {
            job.value = summary;
            return entry.engine;
          },
          (e: unknown) => {
            job.error = toEnvelope(e, 'Opening it was stopped.');
            entry.run = null; // the next comparison opens it again
            throw e;
          },
        )
        .finally(() => {
          job.loading = false;
          this.changed();
        });
    }
    return entry.run;
  }
}
