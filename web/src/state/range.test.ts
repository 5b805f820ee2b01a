import { describe, expect, it } from 'vitest';
import { CHANGES, ENTRY_TYPES, type EntryPage, type TreeDiff } from '../engine';
import { diffPage } from './range';
import { buildTree } from './tree';

const row = (over: Record<string, unknown>) => ({ what: [], size_before: null, size_after: null, layer_before: null, layer_after: null, ...over });
const diff = (changes: unknown[]) => ({ schema_version: 1, kind: 'layers', changes, summary: {} }) as unknown as TreeDiff;

describe('diffPage (Changes in layers I..J)', () => {
  it('rows become entries: deletions as deleted entries, the rest as the merged tree after the range has them', () => {
    // the merged tree after layer 3: etc/app/config.ini (written by layer 2, mode 0640, 1000:1000), usr/bin/tool (layer 3)
    const merged: EntryPage = {
      total: 2, offset: 0, hasMore: false, layer: 3, count: 2,
      paths: ['etc/app/config.ini', 'usr/bin/tool'], links: ['', ''],
      types: new Uint8Array([ENTRY_TYPES.indexOf('file'), ENTRY_TYPES.indexOf('file')]),
      changes: new Uint8Array([2, 1]), layers: new Int16Array([2, 3]), sizes: new Float64Array([150, 7]),
      modes: new Uint16Array([0o640, 0o755]), uids: new Uint32Array([1000, 0]), gids: new Uint32Array([1000, 0]),
      mtimes: new Float64Array([1700000000, 1700000001]), flags: new Uint8Array(2), warnings: [],
    };
    const after = buildTree([merged], true, 3);
    const page = diffPage(
      diff([
        row({ path: 'etc/app/config.ini', change: 'modified', type: 'file', size_before: 128, size_after: 150, layer_before: 0, layer_after: 2, what: ['size', 'content'] }),
        row({ path: 'opt/old.txt', change: 'deleted', type: 'file', size_before: 30, layer_before: 0, mode_before: '0600', owner_before: '5:6' }),
        row({ path: 'usr/bin/tool', change: 'added', type: 'file', size_after: 7, layer_after: 3 }),
      ]),
      3,
      after,
    );
    expect(page.count).toBe(3);
    expect(page.paths).toEqual(['etc/app/config.ini', 'opt/old.txt', 'usr/bin/tool']);
    expect([...page.changes].map((c) => CHANGES[c])).toEqual(['modified', 'deleted', 'added']);
    expect([...page.types].map((t) => ENTRY_TYPES[t])).toEqual(['file', 'deleted', 'file']);
    expect([...page.layers]).toEqual([2, 0, 3]);
    expect([...page.sizes]).toEqual([150, 30, 7]);
    expect([...page.modes]).toEqual([0o640, 0o600, 0o755]);
    expect([...page.uids]).toEqual([1000, 5, 0]);
    expect([...page.mtimes]).toEqual([1700000000, 0, 1700000001]);
    // as a tree: the marks on the entries, their parents as context
    const t = buildTree([page], false, 3);
    expect(t.entryCount).toBe(3);
    expect(CHANGES[t.change[t.byPath.get('opt/old.txt')!]]).toBe('deleted');
  });
  it('without the merged tree, what the row says', () => {
    const page = diffPage(diff([row({ path: 'a', change: 'added', type: 'symlink', size_after: 0, layer_after: 1, link_after: 'b', mode_after: '0777' })]), 1);
    expect(page.links).toEqual(['b']);
    expect(ENTRY_TYPES[page.types[0]]).toBe('symlink');
    expect(page.modes[0]).toBe(0o777);
  });
});
