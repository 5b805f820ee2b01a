// What a tree view shows of a TreeModel: which directories are expanded (kept
// by path across listings, so switching layers keeps the user's place), the
// visible rows for a sort and a filter, and what a key does. No DOM: the
// file-tree component renders the rows and performs the key actions.
import { compileFilter, defaultExpansion, filterMask, flatten, hasKids, largestFiles, M_ABOVE, T_DIR, type FilterKind, type SortMode, type TreeModel } from './tree';

/** What a key asks of the tree (null: not a key of the tree; leave the event alone). */
export type TreeKeyAction =
  /** select rows[row] and scroll it into view (row is within the rows) */
  | { kind: 'go'; row: number }
  /** expand or collapse a directory (open undefined: flip) */
  | { kind: 'toggle'; node: number; open?: boolean }
  /** open a file (Enter) */
  | { kind: 'open'; node: number }
  | { kind: 'expand-all' }
  /** handled, nothing to do */
  | { kind: 'consume' }
  | null;

/** Filtered listings with more nodes than this show their first rows first (computeRows). */
const PARTIAL_FROM = 20_000;
/** The rows a partial listing holds: a tall viewport's rows and the list's margins, several times over. */
export const FIRST_ROWS = 500;

export class TreeViewState {
  model: TreeModel | null = null;
  expanded = new Set<number>();
  /** expanded directories by path, kept across listings (layer switches) */
  private expandedPaths = new Set<string>();
  rows: Int32Array = new Int32Array(0);
  rowOf = new RowIndex(new Int32Array(0), 0);
  /** the filter's mask (null: no filter) */
  mask: Uint8Array | null = null;
  matchCount = 0;
  filterError = '';
  /** identifies the rows computed last */
  rowsKey = '';
  /** `rows` holds only the first FIRST_ROWS of a filtered listing; completeRows() computes the rest */
  partial = false;
  private rowsSort: SortMode = 'name';

  /** Switches to another listing; returns whether it changed. Expansion carries over by path. */
  useModel(model: TreeModel | null): boolean {
    if (model === this.model) return false;
    this.model = model;
    this.expanded = new Set();
    if (model) {
      if (this.expandedPaths.size === 0) {
        for (const i of defaultExpansion(model)) this.expanded.add(i);
      } else {
        for (const p of this.expandedPaths) {
          const i = model.byPath.get(p);
          if (i !== undefined) this.expanded.add(i);
        }
        if (!model.merged) for (const i of defaultExpansion(model)) this.expanded.add(i);
      }
    }
    return true;
  }

  /** Expands the ancestors of `path` (a model path, no leading slash). */
  revealAncestors(path: string): void {
    const m = this.model;
    const i = m?.byPath.get(path);
    if (m && i !== undefined) for (let a = m.parent[i]; a > 0; a = m.parent[a]) this.expanded.add(a);
  }

  /** The row of `path`, if it is visible. */
  rowOfPath(path: string): number | undefined {
    const i = this.model?.byPath.get(path);
    return i === undefined ? undefined : this.rowOf.get(i);
  }

  /** Recomputes the rows when anything they depend on changed (`tick`: expansion
   *  changed); returns whether it did. */
  computeRows(loadKey: string | undefined, sort: SortMode, kind: FilterKind, text: string, tick: number): boolean {
    const m = this.model;
    const key = `${loadKey}|${m ? m.n : -1}|${sort}|${kind}|${text}|${tick}`;
    if (key === this.rowsKey) return false;
    this.rowsKey = key;
    this.partial = false;
    if (!m) {
      this.rows = new Int32Array(0);
      this.rowOf = new RowIndex(this.rows, 0);
      return true;
    }
    const f = compileFilter(kind, text);
    this.filterError = '';
    this.mask = null;
    this.matchCount = 0;
    if (f && 'error' in f) this.filterError = f.error;
    else if (f) {
      const r = filterMask(m, f.test);
      this.mask = r.mask;
      this.matchCount = r.matches;
    }
    // A filter over a big listing shows its first screenful at once and the rest
    // a frame later (completeRows): the whole depth-first walk and its row index
    // were 6-17 ms of the 34-43 ms from a keystroke to the frame over 160,395 paths.
    // One row past the first tells whether more follow (a listing of exactly
    // FIRST_ROWS rows is whole).
    const first = this.mask && sort !== 'largest' && m.n > PARTIAL_FROM ? FIRST_ROWS : Infinity;
    this.rows = sort === 'largest' ? largestFiles(m, this.mask) : flatten(m, this.expanded, sort, this.mask, first + 1);
    this.rowsSort = sort;
    this.partial = this.rows.length > first;
    if (this.partial) this.rows = this.rows.subarray(0, first);
    this.rowOf = new RowIndex(this.rows, m.n);
    return true;
  }

  /** Computes the rest of partial rows (see computeRows) if `key` still names
   *  them; returns whether the rows changed. */
  completeRows(key: string): boolean {
    const m = this.model;
    if (!this.partial || key !== this.rowsKey || !m) return false;
    this.partial = false;
    this.rows = flatten(m, this.expanded, this.rowsSort, this.mask);
    this.rowOf = new RowIndex(this.rows, m.n);
    return true;
  }

  isOpen(i: number): boolean {
    // While filtering, directories that hold matches are always open.
    if (this.mask) return (this.mask[i] & M_ABOVE) !== 0 || this.expanded.has(i);
    return this.expanded.has(i);
  }

  /** Expands or collapses node i (open undefined: flips it); false when it has no children. */
  toggle(i: number, open?: boolean): boolean {
    const m = this.model;
    if (!m || !hasKids(m, i)) return false;
    const o = open ?? !this.isOpen(i);
    if (o) {
      this.expanded.add(i);
      this.expandedPaths.add(m.paths[i]);
    } else {
      this.expanded.delete(i);
      this.expandedPaths.delete(m.paths[i]);
    }
    return true;
  }

  expandAll(open: boolean): void {
    const m = this.model;
    if (!m) return;
    this.expanded = new Set();
    if (open) {
      for (let i = 1; i < m.n; i++)
        if (hasKids(m, i)) {
          this.expanded.add(i);
          this.expandedPaths.add(m.paths[i]);
        }
    } else this.expandedPaths.clear();
  }

  /**
   * What `key` does with `selectedPath` selected: ↑/↓ move, PageUp/PageDown by
   * `pageRows`, Home/End, → expands (or enters), ← collapses (or goes to the
   * parent), Enter toggles a directory or opens a file, * expands everything.
   */
  keyAction(key: string, selectedPath: string, pageRows: number): TreeKeyAction {
    const m = this.model;
    if (!m || this.rows.length === 0) return null;
    const cur = m.byPath.get(selectedPath);
    const r = cur === undefined ? -1 : this.rowOf.get(cur) ?? -1;
    const go = (row: number): TreeKeyAction => ({ kind: 'go', row: Math.max(0, Math.min(this.rows.length - 1, row)) });
    switch (key) {
      case 'ArrowDown':
        return go(r + 1);
      case 'ArrowUp':
        return go(r < 0 ? 0 : r - 1);
      case 'PageDown':
        return go(r + pageRows);
      case 'PageUp':
        return go(r - pageRows);
      case 'Home':
        return go(0);
      case 'End':
        return go(this.rows.length - 1);
      case 'ArrowRight': {
        if (r < 0) return go(0);
        const i = this.rows[r];
        if (hasKids(m, i)) return this.isOpen(i) ? go(r + 1) : { kind: 'toggle', node: i, open: true };
        return { kind: 'consume' };
      }
      case 'ArrowLeft': {
        if (r < 0) return go(0);
        const i = this.rows[r];
        if (hasKids(m, i) && this.isOpen(i)) return { kind: 'toggle', node: i, open: false };
        const p = m.parent[i];
        const pr = p > 0 ? this.rowOf.get(p) : undefined;
        return pr !== undefined ? go(pr) : { kind: 'consume' };
      }
      case 'Enter': {
        if (r < 0) return null;
        const i = this.rows[r];
        return hasKids(m, i) && m.type[i] === T_DIR ? { kind: 'toggle', node: i } : { kind: 'open', node: i };
      }
      case '*':
        return { kind: 'expand-all' };
    }
    return null;
  }
}

/** Rows up to this many are indexed by a Map; more by a typed array over every node. */
const FEW_ROWS = 4096;

/** Node -> its row among `rows`. A Map of 100,000 rows cost ~50 ms to build per
 *  filter keystroke, so many rows get one typed array over every node; a few rows
 *  (a partial listing's first ones) a Map, as the array over 160,395 nodes alone
 *  was 3-5 ms of the keystroke. */
export class RowIndex {
  /** node -> row: a Map over few rows, else a typed array over every node (-1: no row) */
  private readonly index: Map<number, number> | Int32Array;
  constructor(rows: Int32Array, n: number) {
    if (rows.length <= FEW_ROWS) {
      const few = new Map<number, number>();
      for (let k = 0; k < rows.length; k++) few.set(rows[k], k);
      this.index = few;
    } else {
      const at = new Int32Array(n).fill(-1);
      for (let k = 0; k < rows.length; k++) at[rows[k]] = k;
      this.index = at;
    }
  }
  has(i: number): boolean {
    return this.get(i) !== undefined;
  }
  get(i: number): number | undefined {
    const index = this.index;
    if (index instanceof Map) return index.get(i);
    const row = i >= 0 && i < index.length ? index[i] : -1;
    return row >= 0 ? row : undefined;
  }
}
