// The Compare tab's changed paths as a tree (issue 9: "browse the merged diff as
// a tree with A/M/D"): each changed path under its directories, a directory that
// did not change itself shown for what is below it (counts of added, modified and
// deleted paths and their bytes), and the rows visible for a set of expanded
// directories. Paths are the core's (relative, no leading '/', sorted).
import type { DiffRow } from '../engine';

export interface DiffNode {
  name: string;
  /** the full path (relative) */
  path: string;
  /** the change of this path itself (null: a directory only shown for what is below it) */
  row: DiffRow | null;
  children: DiffNode[];
  /** changed paths below (not counting this one), by change */
  added: number;
  modified: number;
  deleted: number;
}

export interface DiffTreeRow {
  node: DiffNode;
  depth: number;
}

/** The tree of `rows` (any order); children sorted by name. */
export function buildDiffTree(rows: readonly DiffRow[]): DiffNode {
  const root: DiffNode = { name: '', path: '', row: null, children: [], added: 0, modified: 0, deleted: 0 };
  const dirs = new Map<string, DiffNode>([['', root]]);
  const nodeOf = (path: string): DiffNode => {
    let n = dirs.get(path);
    if (n) return n;
    const cut = path.lastIndexOf('/');
    const parent = nodeOf(cut < 0 ? '' : path.slice(0, cut));
    n = { name: path.slice(cut + 1), path, row: null, children: [], added: 0, modified: 0, deleted: 0 };
    parent.children.push(n);
    dirs.set(path, n);
    return n;
  };
  for (const r of rows) {
    const path = r.path.replace(/\/+$/, '');
    if (!path) continue;
    const n = nodeOf(path);
    n.row = r;
    const change = String(r.change) as 'added' | 'modified' | 'deleted';
    for (let cut = path.lastIndexOf('/'); ; cut = path.lastIndexOf('/', cut - 1)) {
      const above = dirs.get(cut < 0 ? '' : path.slice(0, cut))!;
      if (change === 'added' || change === 'modified' || change === 'deleted') above[change]++;
      if (cut < 0) break;
    }
  }
  const sort = (n: DiffNode): void => {
    n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of n.children) sort(c);
  };
  sort(root);
  return root;
}

/** The rows shown: the root's children, and the children of every expanded node, depth first. */
export function visibleRows(root: DiffNode, expanded: ReadonlySet<string>): DiffTreeRow[] {
  const out: DiffTreeRow[] = [];
  const walk = (n: DiffNode, depth: number): void => {
    for (const c of n.children) {
      out.push({ node: c, depth });
      if (c.children.length && expanded.has(c.path)) walk(c, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

/** Directories to open at first: down every single-child chain from the top,
 *  and every level while the rows shown stay within `budget`. */
export function initialExpansion(root: DiffNode, budget = 200): Set<string> {
  const open = new Set<string>();
  let level = root.children;
  let shown = level.length;
  while (level.length) {
    const dirs = level.filter((n) => n.children.length);
    const more = dirs.reduce((k, n) => k + n.children.length, 0);
    if (dirs.length === 0 || (level.length > 1 && shown + more > budget)) break;
    for (const d of dirs) open.add(d.path);
    shown += more;
    level = dirs.flatMap((d) => d.children);
  }
  return open;
}
