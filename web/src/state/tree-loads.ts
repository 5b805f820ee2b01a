// The file trees a session shows (a layer's changes, the merged filesystem up
// to a layer, what a range of layers changed), each fetched from the worker
// once, built page by page as it arrives, and kept: the last few (big merged
// trees are tens of MB).
import type { EngineArchive, ErrorEnvelope, TreeDiff, Warning } from '../engine';
import { buildTree, TreeBuilder, type TreeModel } from './tree';
import { diffPage } from './range';
import { toEnvelope } from './errors';
import { uniqueWarnings } from './view-warnings';

export interface TreeLoad {
  key: string;
  model: TreeModel | null;
  error: ErrorEnvelope | null;
  /** entries received so far / total (while loading) */
  done: number;
  total: number;
  promise: Promise<TreeModel>;
  /** the warnings that concern this listing (issue 11), once its first page arrived */
  warnings: Warning[];
}

export class TreeLoads {
  private readonly loads = new Map<string, TreeLoad>();

  constructor(
    private readonly engine: EngineArchive,
    private readonly changed: () => void,
  ) {}

  /** Forgets the loads a Stop ended (their views ask again). */
  forgetStopped(): void {
    for (const [k, v] of this.loads) if (v.error?.code === 'stopped') this.loads.delete(k);
  }

  clear(): void {
    this.loads.clear();
  }

  /** What layers from..to changed together, as a tree of A/M/D (the core's
   *  diff of the filesystem before `from` against the one after `to`; the
   *  merged tree after the range gives each added or modified path its whole entry). */
  range(image: number, from: number, to: number): TreeLoad {
    return this.cachedTree(`${image}/${from}-${to}/r`, async (load) => {
      const after = this.listing(image, to, true);
      const d = (await this.engine.diff({ image, from: from - 1, to }, (p) => {
        load.done = p.done;
        load.total = p.total;
        this.changed();
      })) as TreeDiff;
      load.warnings = uniqueWarnings((d as { warnings?: Warning[] }).warnings ?? []);
      return buildTree([diffPage(d, to, await after.promise)], false, to);
    });
  }

  /** One listing (a layer's changes, or the merged filesystem up to it), fetched once and cached. */
  listing(image: number, layer: number, merged: boolean): TreeLoad {
    return this.cachedTree(`${image}/${layer}/${merged ? 'm' : 'l'}`, async (load) => {
      let tree: TreeBuilder | null = null;
      const pages = await this.engine.listAll(image, layer, merged, (done, total, page) => {
        (tree ??= new TreeBuilder(merged, layer, total)).add(page);
        load.done = done;
        load.total = total;
        this.changed();
      });
      load.warnings = uniqueWarnings(pages.flatMap((p) => p.warnings ?? []));
      // (in a task of its own, not after the last page's: issue 13)
      await new Promise((r) => setTimeout(r, 0));
      return (tree ?? new TreeBuilder(merged, layer)).finish();
    });
  }

  /** The tree load of `key`, made by `make` once and cached (a cancelled one is
   *  made again); the last few are kept: big merged trees are tens of MB. */
  private cachedTree(key: string, make: (load: TreeLoad) => Promise<TreeModel>): TreeLoad {
    let t = this.loads.get(key);
    if (t && t.error && t.error.code === 'cancelled') {
      this.loads.delete(key);
      t = undefined;
    }
    if (t) {
      // most recently used last: the eviction below drops the least recently used
      this.loads.delete(key);
      this.loads.set(key, t);
      return t;
    }
    const load: TreeLoad = { key, model: null, error: null, done: 0, total: 0, promise: null as unknown as Promise<TreeModel>, warnings: [] };
    load.promise = make(load).then(
      (model) => {
        load.model = model;
        this.changed();
        return model;
      },
      (e: unknown) => {
        load.error = toEnvelope(e);
        this.changed();
        throw e;
      },
    );
    load.promise.catch(() => undefined);
    this.loads.set(key, load);
    if (this.loads.size > 4) {
      const oldest = this.loads.keys().next().value as string;
      if (oldest !== key) this.loads.delete(oldest);
    }
    return load;
  }
}
