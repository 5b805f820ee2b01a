import { describe, expect, it } from 'vitest';
import { sideRows, unifiedRows } from './diff-rows';

// What the core's content diff writes (dtl, 3 lines of context), for a file whose
// line 3 changed, line 5 was removed and two lines were added at the end.
const text = [
  '--- a/etc/app/config.ini',
  '+++ b/etc/app/config.ini',
  '@@ -1,6 +1,7 @@',
  ' [server]',
  ' host = 0',
  '-port = 80',
  '+port = 8080',
  ' level = info',
  '-legacy = true',
  ' [features]',
  '+a = 1',
  '+b = 2',
  '',
].join('\n');

describe('diff rows', () => {
  it('numbers the old and new lines from each hunk header', () => {
    const rows = unifiedRows(text);
    expect(rows.map((r) => r.kind)).toEqual(['head', 'head', 'hunk', 'ctx', 'ctx', 'del', 'add', 'ctx', 'del', 'ctx', 'add', 'add']);
    expect(rows.filter((r) => r.kind !== 'head' && r.kind !== 'hunk').map((r) => [r.oldNo, r.newNo])).toEqual([
      [1, 1], [2, 2], [3, 0], [0, 3], [4, 4], [5, 0], [6, 5], [0, 6], [0, 7],
    ]);
  });
  it('side by side: a deletion beside the addition replacing it; lone runs leave the other side empty', () => {
    const side = sideRows(unifiedRows(text));
    const show = side.map((r) => (r.hunk ? 'H' : `${r.left ? `${r.left.no}${r.left.kind[0]}:${r.left.text}` : '-'} | ${r.right ? `${r.right.no}${r.right.kind[0]}:${r.right.text}` : '-'}`));
    expect(show).toEqual([
      'H',
      '1c:[server] | 1c:[server]',
      '2c:host = 0 | 2c:host = 0',
      '3d:port = 80 | 3a:port = 8080',
      '4c:level = info | 4c:level = info',
      '5d:legacy = true | -',
      '6c:[features] | 5c:[features]',
      '- | 6a:a = 1',
      '- | 7a:b = 2',
    ]);
  });
  it('additions then deletions are two runs, never crossed; a second hunk restarts the numbers', () => {
    const t = '@@ -10,2 +10,2 @@\n+new\n-old\n ctx\n@@ -40 +40 @@\n-x\n+y\n';
    const side = sideRows(unifiedRows(t));
    expect(side.map((r) => (r.hunk ? 'H' : `${r.left?.no ?? '-'}${r.left?.kind[0] ?? ''} ${r.right?.no ?? '-'}${r.right?.kind[0] ?? ''}`))).toEqual([
      'H', '- 10a', '10d -', '11c 11c', 'H', '40d 40a',
    ]);
  });
  it('a "no newline" note and an empty diff', () => {
    expect(unifiedRows('@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n').map((r) => r.kind)).toEqual(['hunk', 'del', 'note', 'add']);
    expect(unifiedRows('')).toEqual([]);
    expect(sideRows([])).toEqual([]);
  });
});
