import { describe, expect, it } from 'vitest';
import type { DiffRow } from '../engine';
import { buildDiffTree, initialExpansion, visibleRows } from './diff-tree';

const row = (path: string, change: 'added' | 'modified' | 'deleted', type = 'file'): DiffRow =>
  ({ path, change, what: [], type, size_before: null, size_after: null, layer_before: null, layer_after: null }) as unknown as DiffRow;

const rows = [
  row('srv/app/new.txt', 'added'),
  row('bin', 'deleted', 'dir'),
  row('bin/sh', 'deleted', 'symlink'),
  row('bin/busybox', 'deleted'),
  row('etc/app/config.ini', 'modified'),
  row('srv/app/old.txt', 'deleted'),
  row('hello.txt', 'added'),
];

describe('diff tree', () => {
  it('puts each path under its directories, sorted, counting what changed below each', () => {
    const t = buildDiffTree(rows);
    expect(t.children.map((c) => c.name)).toEqual(['bin', 'etc', 'hello.txt', 'srv']);
    expect([t.added, t.modified, t.deleted]).toEqual([2, 1, 4]);
    const bin = t.children[0];
    expect(bin.row?.change).toBe('deleted'); // the directory changed itself
    expect(bin.children.map((c) => c.path)).toEqual(['bin/busybox', 'bin/sh']);
    expect([bin.added, bin.modified, bin.deleted]).toEqual([0, 0, 2]);
    const srv = t.children[3];
    expect(srv.row).toBeNull(); // shown for what is below it
    expect([srv.added, srv.deleted]).toEqual([1, 1]);
    expect(srv.children[0].children.map((c) => c.name)).toEqual(['new.txt', 'old.txt']);
  });

  it('shows the children of expanded directories only, depth first', () => {
    const t = buildDiffTree(rows);
    const show = (open: string[]) => visibleRows(t, new Set(open)).map((r) => `${r.depth}:${r.node.path}`);
    expect(show([])).toEqual(['0:bin', '0:etc', '0:hello.txt', '0:srv']);
    expect(show(['srv', 'srv/app', 'etc/app'])).toEqual(['0:bin', '0:etc', '0:hello.txt', '0:srv', '1:srv/app', '2:srv/app/new.txt', '2:srv/app/old.txt']);
  });

  it('opens levels while they fit the budget, and a single-child chain whatever the budget', () => {
    const t = buildDiffTree(rows);
    expect([...initialExpansion(t, 200)].sort()).toEqual(['bin', 'etc', 'etc/app', 'srv', 'srv/app']);
    expect([...initialExpansion(t, 5)]).toEqual([]);
    const chain = buildDiffTree([row('a/b/c/d.txt', 'added'), row('a/b/c/e.txt', 'added')]);
    expect([...initialExpansion(chain, 1)]).toEqual(['a', 'a/b', 'a/b/c']);
  });
});
