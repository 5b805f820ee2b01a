import { describe, expect, it } from 'vitest';
import { buildTree } from './tree';
import { FIRST_ROWS, TreeViewState } from './tree-view';
import { page } from './testing';

const model = (merged = true) =>
  buildTree(
    [
      page([
        { path: 'bin', type: 'dir' },
        { path: 'bin/sh', size: 10 },
        { path: 'bin/ls', size: 20 },
        { path: 'etc', type: 'dir' },
        { path: 'etc/passwd', size: 30 },
        { path: 'z.txt', size: 1 },
      ]),
    ],
    merged,
    0,
  );

const rows = (v: TreeViewState) => Array.from(v.rows, (k) => v.model!.paths[k]);

describe('TreeViewState', () => {
  it('shows the top level, expands and collapses, remembers expansion by path across listings', () => {
    const v = new TreeViewState();
    v.useModel(model());
    v.computeRows('k', 'name', 'text', '', 0);
    expect(rows(v)).toEqual(['bin', 'etc', 'z.txt']);
    expect(v.toggle(v.model!.byPath.get('etc')!)).toBe(true);
    expect(v.toggle(v.model!.byPath.get('z.txt')!)).toBe(false);
    v.computeRows('k', 'name', 'text', '', 1);
    expect(rows(v)).toEqual(['bin', 'etc', 'etc/passwd', 'z.txt']);
    // another listing (say, the next layer): etc stays open
    expect(v.useModel(model())).toBe(true);
    v.computeRows('k2', 'name', 'text', '', 1);
    expect(rows(v)).toEqual(['bin', 'etc', 'etc/passwd', 'z.txt']);
    v.expandAll(false);
    v.computeRows('k2', 'name', 'text', '', 2);
    expect(rows(v)).toEqual(['bin', 'etc', 'z.txt']);
    v.expandAll(true);
    v.computeRows('k2', 'name', 'text', '', 3);
    expect(rows(v)).toEqual(['bin', 'bin/ls', 'bin/sh', 'etc', 'etc/passwd', 'z.txt']);
  });
  it('filters: matches with their directories open, a count, an error for a bad pattern', () => {
    const v = new TreeViewState();
    v.useModel(model());
    v.computeRows('k', 'name', 'text', 'passwd', 0);
    expect(rows(v)).toEqual(['etc', 'etc/passwd']);
    expect(v.matchCount).toBe(1);
    v.computeRows('k', 'name', 'regex', '([', 0);
    expect(v.filterError).toMatch(/Invalid regular expression/);
    expect(v.mask).toBeNull();
  });
  it('filters a big listing: its first rows at once, the same as the whole; the rest on completeRows', () => {
    // 30 directories of 1,000 files: every 'lib' file matches (10,000 of 30,030 paths)
    const entries: { path: string; type?: 'dir'; size?: number }[] = [];
    for (let d = 0; d < 30; d++) {
      entries.push({ path: `d${d}`, type: 'dir' });
      for (let f = 0; f < 1000; f++) entries.push({ path: `d${d}/${f % 3 === 0 ? 'lib' : 'x'}${f}`, size: f });
    }
    const big = () => buildTree([page(entries)], true, 0);
    const whole = new TreeViewState();
    whole.useModel(big());
    whole.computeRows('k', 'name', 'text', '', 0);
    expect(whole.partial).toBe(false); // no filter: the whole listing (30 rows)
    const v = new TreeViewState();
    v.useModel(big());
    expect(v.computeRows('k', 'name', 'text', 'lib', 0)).toBe(true);
    expect(v.partial).toBe(true);
    expect(v.rows.length).toBe(FIRST_ROWS);
    expect(v.matchCount).toBe(30 * 334); // the count is the whole filter's at once
    expect(v.computeRows('k', 'name', 'text', 'lib', 0)).toBe(false); // nothing changed
    expect(v.completeRows('stale key')).toBe(false);
    const first = rows(v);
    // the first rows' index (a map of 500 rows) finds them, not the rows to come
    expect(v.rowOfPath(first[FIRST_ROWS - 1])).toBe(FIRST_ROWS - 1);
    expect(v.rowOfPath('d29/lib999')).toBeUndefined();
    expect(v.completeRows(v.rowsKey)).toBe(true);
    expect(v.partial).toBe(false);
    const all = rows(v);
    expect(all.length).toBe(30 + 30 * 334);
    expect(all.slice(0, FIRST_ROWS)).toEqual(first);
    expect(all.at(-1)).toBe('d29/lib999'); // natural order
    expect(v.rowOfPath('d29/lib999')).toBe(all.length - 1);
    expect(v.completeRows(v.rowsKey)).toBe(false); // once
    // a small listing is never partial
    const s = new TreeViewState();
    s.useModel(model());
    s.computeRows('k', 'name', 'text', 's', 0);
    expect(s.partial).toBe(false);
  });
  it('a big listing whose filter leaves exactly the first rows is whole; one row more is partial', () => {
    // d0 holds `hits` matching files (d0 itself is a row: hits + 1 rows); 21,000 other paths
    const listing = (hits: number) => {
      const entries: { path: string; type?: 'dir'; size?: number }[] = [];
      for (let d = 0; d < 21; d++) {
        entries.push({ path: `d${d}`, type: 'dir' });
        for (let f = 0; f < 1000; f++) entries.push({ path: `d${d}/${d === 0 && f < hits ? 'hit' : 'x'}${f}` });
      }
      const v = new TreeViewState();
      v.useModel(buildTree([page(entries)], true, 0));
      v.computeRows('k', 'name', 'text', 'hit', 0);
      return v;
    };
    const exact = listing(FIRST_ROWS - 1);
    expect(exact.rows.length).toBe(FIRST_ROWS);
    expect(exact.partial).toBe(false);
    expect(exact.completeRows(exact.rowsKey)).toBe(false);
    const more = listing(FIRST_ROWS);
    expect(more.rows.length).toBe(FIRST_ROWS);
    expect(more.partial).toBe(true);
    expect(more.completeRows(more.rowsKey)).toBe(true);
    expect(more.rows.length).toBe(FIRST_ROWS + 1);
    expect(rows(more).at(-1)).toBe(`d0/hit${FIRST_ROWS - 1}`);
    expect(more.rowOfPath(`d0/hit${FIRST_ROWS - 1}`)).toBe(FIRST_ROWS);
  });
  it('keys: arrows move and clamp, → opens then enters, ← closes then goes up, Enter opens files', () => {
    const v = new TreeViewState();
    v.useModel(model());
    v.computeRows('k', 'name', 'text', '', 0);
    expect(v.keyAction('ArrowDown', '', 10)).toEqual({ kind: 'go', row: 0 });
    expect(v.keyAction('ArrowUp', 'bin', 10)).toEqual({ kind: 'go', row: 0 });
    expect(v.keyAction('End', 'bin', 10)).toEqual({ kind: 'go', row: 2 });
    expect(v.keyAction('PageDown', 'bin', 10)).toEqual({ kind: 'go', row: 2 });
    const bin = v.model!.byPath.get('bin')!;
    expect(v.keyAction('ArrowRight', 'bin', 10)).toEqual({ kind: 'toggle', node: bin, open: true });
    v.toggle(bin, true);
    v.computeRows('k', 'name', 'text', '', 1);
    expect(v.keyAction('ArrowRight', 'bin', 10)).toEqual({ kind: 'go', row: 1 }); // into bin/ls
    expect(v.keyAction('ArrowLeft', 'bin/ls', 10)).toEqual({ kind: 'go', row: 0 });
    expect(v.keyAction('ArrowLeft', 'bin', 10)).toEqual({ kind: 'toggle', node: bin, open: false });
    expect(v.keyAction('Enter', 'bin', 10)).toEqual({ kind: 'toggle', node: bin });
    expect(v.keyAction('Enter', 'z.txt', 10)).toEqual({ kind: 'open', node: v.model!.byPath.get('z.txt') });
    expect(v.keyAction('ArrowRight', 'z.txt', 10)).toEqual({ kind: 'consume' });
    expect(v.keyAction('ArrowLeft', 'z.txt', 10)).toEqual({ kind: 'consume' });
    expect(v.keyAction('Enter', 'not/there', 10)).toBeNull();
    expect(v.keyAction('*', 'bin', 10)).toEqual({ kind: 'expand-all' });
    expect(v.keyAction('x', 'bin', 10)).toBeNull();
  });
  it('reveals the ancestors of a selected path', () => {
    const v = new TreeViewState();
    v.useModel(model());
    v.revealAncestors('etc/passwd');
    v.computeRows('k', 'name', 'text', '', 0);
    expect(v.rowOfPath('etc/passwd')).toBe(2);
  });
});
