import { describe, expect, it } from 'vitest';
import { F_CONTEXT, F_IMPLICIT, M_ABOVE, M_MATCH, T_DIR, TreeBuilder, buildTree, compileFilter, contentSize, defaultExpansion, largestFiles, naturalCompare, weightOf, filterMask, flatten, hasKids, reveal, sortedKids, presortWhenIdle } from './tree';
import { page } from './testing';

// A layer's changes: only etc/app/config.ini and a new usr/bin/tool; etc and
// etc/app are context (unchanged parents), usr/bin is implicit.
const changes = () =>
  buildTree(
    [
      page(
        [
          { path: 'etc/app/config.ini', change: 'modified', size: 120 },
          { path: 'usr/bin', type: 'dir', implicit: true, change: 'none' },
          { path: 'usr/bin/tool', size: 4000, mode: 0o755 },
          { path: 'etc/old.conf', type: 'deleted', change: 'deleted' },
        ],
        3,
      ),
    ],
    false,
    3,
  );

// A merged filesystem over two pages.
const merged = () =>
  buildTree(
    [
      page([
        { path: 'bin', type: 'dir', layer: 0 },
        { path: 'bin/sh', type: 'symlink', link: 'busybox', size: 7, layer: 0 },
        { path: 'bin/busybox', size: 1000, layer: 0 },
      ]),
      page([
        { path: 'srv', type: 'dir', layer: 1 },
        { path: 'srv/big.bin', size: 3 << 20, layer: 1 },
        { path: 'a.txt', size: 5, layer: 2 },
      ]),
    ],
    true,
    2,
  );

describe('buildTree', () => {
  it('adds the parents a listing implies, as context nodes, parents before children', () => {
    const t = changes();
    expect(t.paths.slice(1)).toEqual(['etc', 'etc/app', 'etc/app/config.ini', 'usr', 'usr/bin', 'usr/bin/tool', 'etc/old.conf']);
    expect(t.entryCount).toBe(4);
    const i = (p: string) => t.byPath.get(p)!;
    expect(t.flags[i('etc')] & F_CONTEXT).toBe(F_CONTEXT);
    expect(t.flags[i('etc/app/config.ini')]).toBe(0);
    expect(t.flags[i('usr/bin')] & F_IMPLICIT).toBe(F_IMPLICIT);
    expect(t.type[i('etc')]).toBe(T_DIR);
    for (let k = 1; k < t.n; k++) expect(t.parent[k]).toBeLessThan(k);
    expect(t.depth[i('usr/bin/tool')]).toBe(3);
    expect(t.names[i('usr/bin/tool')]).toBe('tool');
    expect(t.layer).toBe(3);
    expect(t.merged).toBe(false);
  });
  it('sums file sizes and counts descendants up the tree', () => {
    const t = merged();
    expect(t.agg[0]).toBe(1000 + (3 << 20) + 5);
    expect(t.agg[t.byPath.get('bin')!]).toBe(1000); // the symlink counts nothing
    expect(t.desc[0]).toBe(6);
    expect(t.desc[t.byPath.get('bin')!]).toBe(2);
    expect(t.links[t.byPath.get('bin/sh')!]).toBe('busybox');
    expect(t.layerOf[t.byPath.get('a.txt')!]).toBe(2);
  });
});

describe('TreeBuilder', () => {
  it('built page by page (as pages arrive, growing past its first guess) equals the tree of all pages at once', () => {
    // a directory's entry on a later page than its children (they made it a context node first)
    const pages = [
      page([{ path: 'usr/lib/x/a.so', size: 10, layer: 1 }, { path: 'usr/lib/x/b.so', size: 20, layer: 1 }]),
      page([{ path: 'usr/lib', type: 'dir', layer: 0, mode: 0o700 }, { path: 'etc/hosts', size: 3, layer: 0 }]),
      page(Array.from({ length: 300 }, (_, k) => ({ path: `var/d${k % 7}/f${k}`, size: k, layer: 2 }))),
    ];
    const whole = buildTree(pages, true, 2);
    const b = new TreeBuilder(true, 2, 1); // far too small: the columns grow
    for (const p of pages) b.add(p);
    const t = b.finish();
    expect(t).toEqual(whole);
    const lib = t.byPath.get('usr/lib')!;
    expect(t.flags[lib] & F_CONTEXT).toBe(0);
    expect(t.mode[lib]).toBe(0o700);
    expect(t.agg[lib]).toBe(30);
    expect(t.entryCount).toBe(304);
    expect(t.n).toBe(1 + 3 + 2 + 2 + 1 + 7 + 300); // root; usr, usr/lib, usr/lib/x; 2 files; etc, hosts; var; 7 dirs; 300 files
  });
  it('an empty listing is the root alone', () => {
    const t = new TreeBuilder(false, 0).finish();
    expect(t.n).toBe(1);
    expect(t.kids.length).toBe(0);
    expect(t.entryCount).toBe(0);
  });
});

describe('sort, filter, flatten', () => {
  it('name order puts directories first; size order puts the biggest first', () => {
    const t = merged();
    const names = (ks: Int32Array) => Array.from(ks, (k) => t.names[k]);
    expect(names(sortedKids(t, 0, 'name'))).toEqual(['bin', 'srv', 'a.txt']);
    expect(names(sortedKids(t, 0, 'size'))).toEqual(['srv', 'bin', 'a.txt']);
    expect(names(sortedKids(t, t.byPath.get('bin')!, 'name'))).toEqual(['busybox', 'sh']);
  });
  it('sorts every directory in idle slices, once, and stops when the model is gone', () => {
    const g = globalThis as { requestIdleCallback?: unknown };
    const queue: ((d: { timeRemaining(): number }) => void)[] = [];
    g.requestIdleCallback = (cb: (d: { timeRemaining(): number }) => void) => queue.push(cb);
    try {
      const t = merged();
      presortWhenIdle(t, 'name', () => true);
      let slices = 0;
      while (queue.length) (slices++, queue.shift()!({ timeRemaining: () => 0 }));
      expect(slices).toBeGreaterThan(0);
      // what the idle slices sorted is what a view gets, the same array, in name order
      const bin = t.byPath.get('bin')!;
      const first = sortedKids(t, bin, 'name');
      expect(Array.from(first, (k) => t.names[k])).toEqual(['busybox', 'sh']);
      expect(sortedKids(t, bin, 'name')).toBe(first);
      // a model no longer shown: no slice runs past the first check
      const u = merged();
      presortWhenIdle(u, 'name', () => false);
      expect(queue.length).toBe(1);
      queue.shift()!({ timeRemaining: () => 50 });
      expect(queue.length).toBe(0);
    } finally {
      delete g.requestIdleCallback;
    }
  });
  it('flattens only expanded directories', () => {
    const t = merged();
    const rows = (e: Set<number>) => Array.from(flatten(t, e, 'name', null), (k) => t.paths[k]);
    expect(rows(new Set())).toEqual(['bin', 'srv', 'a.txt']);
    expect(rows(new Set([t.byPath.get('srv')!]))).toEqual(['bin', 'srv', 'srv/big.bin', 'a.txt']);
  });
  it('text filters are case-insensitive substrings of the path', () => {
    const f = compileFilter('text', '  BusyBox ');
    expect(f && 'test' in f && f.test('bin/busybox', 'busybox')).toBe(true);
    expect(compileFilter('text', '   ')).toBeNull();
    const t = (q: string, path: string) => {
      const c = compileFilter('text', q);
      return !!c && 'test' in c && c.test(path, path.split('/').pop()!);
    };
    // every character literal (a text filter is not a pattern), any case
    expect(t('a.b', 'x/a.b')).toBe(true);
    expect(t('a.b', 'x/axb')).toBe(false);
    expect(t('(v1)[*]', 'x/File (V1)[*].txt')).toBe(true);
    expect(t('\\x', 'a/\\X')).toBe(true);
    expect(t('0499', 'd/file-0499.txt')).toBe(true);
    expect(t('0499', 'd/file-0498.txt')).toBe(false);
    expect(t('ÄRGER', 'docs/ärger.md')).toBe(true);
    expect(t('Makefile', 'src/makefile')).toBe(true);
  });
  it('globs: anchored with a leading slash, names without a slash, ** across directories', () => {
    const g = (p: string) => {
      const f = compileFilter('glob', p);
      if (!f || 'error' in f) throw new Error('no filter');
      return (path: string) => f.test(path, path.slice(path.lastIndexOf('/') + 1));
    };
    expect(g('*.ini')('etc/app/config.ini')).toBe(true);
    expect(g('/etc/*.ini')('etc/app/config.ini')).toBe(false);
    expect(g('/etc/**/*.ini')('etc/app/config.ini')).toBe(true);
    expect(g('app/*.ini')('etc/app/config.ini')).toBe(true);
    expect(g('conf?g.ini')('etc/app/config.ini')).toBe(true);
    expect(g('*.INI')('etc/app/config.ini')).toBe(true);
    expect(g('a.b')('etc/axb')).toBe(false);
  });
  it('regexes match "/" + path; an invalid one reports its error', () => {
    const f = compileFilter('regex', '^/srv/.*\\.bin$');
    expect(f && 'test' in f && f.test('srv/big.bin', 'big.bin')).toBe(true);
    const bad = compileFilter('regex', '([');
    expect(bad && 'error' in bad && bad.error).toMatch(/Invalid regular expression/);
  });
  it('a filter keeps matches and their ancestors, never context nodes', () => {
    const t = changes();
    const f = compileFilter('text', 'etc');
    if (!f || 'error' in f) throw new Error('no filter');
    const { mask, matches } = filterMask(t, f.test);
    expect(matches).toBe(2); // config.ini and old.conf; etc and etc/app are context
    expect(mask[t.byPath.get('etc')!] & M_ABOVE).toBe(M_ABOVE);
    expect(mask[t.byPath.get('etc/app/config.ini')!] & M_MATCH).toBe(M_MATCH);
    expect(mask[t.byPath.get('usr')!]).toBe(0);
    expect(Array.from(flatten(t, new Set(), 'name', mask), (k) => t.paths[k])).toEqual(['etc', 'etc/app', 'etc/app/config.ini', 'etc/old.conf']);
  });
  it('a changes listing under 5000 nodes opens every directory; a merged one none', () => {
    const t = changes();
    expect(Array.from(defaultExpansion(t), (k) => t.paths[k]).sort()).toEqual(['etc', 'etc/app', 'usr', 'usr/bin']);
    expect(defaultExpansion(merged()).size).toBe(0);
  });
  it('reveal expands the ancestors of a path', () => {
    const t = changes();
    const e = new Set<number>();
    expect(reveal(t, e, '/usr/bin/tool/')).toBe(t.byPath.get('usr/bin/tool'));
    expect(Array.from(e, (k) => t.paths[k]).sort()).toEqual(['usr', 'usr/bin']);
    expect(reveal(t, e, 'nope')).toBe(-1);
    expect(hasKids(t, t.byPath.get('usr')!)).toBe(true);
  });
});

describe('contentSize', () => {
  const t = buildTree(
    [
      page([
        { path: 'a', type: 'dir' },
        { path: 'a/one.txt', size: 1234 },
        { path: 'a/two.txt', type: 'hardlink', link: 'a/one.txt' },
        { path: 'a/lost.txt', type: 'hardlink', link: 'a/gone.txt' },
      ]),
    ],
    true,
    0,
  );
  it("is a hard link's target's size, not the 0 of its tar entry", () => {
    expect(contentSize(t, t.byPath.get('a/two.txt')!)).toBe(1234);
    expect(contentSize(t, t.byPath.get('a/one.txt')!)).toBe(1234);
  });
  it('is unknown (null) when the target is not in the listing', () => {
    expect(contentSize(t, t.byPath.get('a/lost.txt')!)).toBeNull();
  });
  it("weighs a directory by its files' total and a file by its content", () => {
    expect(weightOf(t, t.byPath.get('a')!)).toBe(1234);
    expect(weightOf(t, t.byPath.get('a/two.txt')!)).toBe(1234);
  });
});

describe('naturalCompare', () => {
  const sorted = (xs: string[]) => [...xs].sort(naturalCompare);
  it('orders runs of digits as numbers', () => {
    expect(sorted(['part-10', 'part-2', 'part-1', 'part-02'])).toEqual(['part-1', 'part-2', 'part-02', 'part-10']);
    expect(sorted(['v1.10', 'v1.9', 'v1.9.1'])).toEqual(['v1.9', 'v1.9.1', 'v1.10']);
    expect(sorted(['libc.so.6', 'lib', 'libc.so', 'Zeta', 'alpha'])).toEqual(['Zeta', 'alpha', 'lib', 'libc.so', 'libc.so.6']);
  });
  it('is a total order (equal only for equal strings)', () => {
    expect(naturalCompare('a7', 'a07')).not.toBe(0);
    expect(Math.sign(naturalCompare('a7', 'a07'))).toBe(-Math.sign(naturalCompare('a07', 'a7')));
    expect(naturalCompare('same', 'same')).toBe(0);
    expect(naturalCompare('9999999999999999999999', '10000000000000000000000')).toBe(-1);
  });
});

describe('largestFiles', () => {
  const t = buildTree(
    [
      page([
        { path: 'a', type: 'dir', layer: 0 },
        { path: 'a/small', size: 10, layer: 0 },
        { path: 'a/deep', type: 'dir', layer: 0 },
        { path: 'a/deep/big', size: 5000, layer: 1 },
        { path: 'b', size: 700, layer: 2 },
        { path: 'a/link', type: 'hardlink', link: 'a/deep/big', layer: 2 },
        { path: 'gone', type: 'deleted', change: 'deleted', layer: 2 },
      ]),
    ],
    true,
    2,
  );
  it('lists every file across directories, largest first (a hard link by its target), no dirs or deletions', () => {
    expect(Array.from(largestFiles(t, null), (i) => t.paths[i])).toEqual(['a/deep/big', 'a/link', 'b', 'a/small']);
  });
  it('keeps only what the filter matches', () => {
    const f = compileFilter('text', 'a/');
    const mask = filterMask(t, (f as { test: (p: string, n: string) => boolean }).test).mask;
    expect(Array.from(largestFiles(t, mask), (i) => t.paths[i])).toEqual(['a/deep/big', 'a/link', 'a/small']);
  });
});
