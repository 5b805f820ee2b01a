import { describe, expect, it } from 'vitest';
import { findRows, nextMatch, splitMatches, wrapRows } from './text-view';

describe('text view', () => {
  it('wraps long rows at a width, numbering only the first piece of a line', () => {
    const w = wrapRows({ rows: ['abcdefghij', 'xy', ''], lineNo: Int32Array.from([1, 2, 3]) }, 8);
    expect(w.rows).toEqual(['abcdefgh', 'ij', 'xy', '']);
    expect(Array.from(w.lineNo)).toEqual([1, 0, 2, 3]);
  });
  it('finds rows case-insensitively and steps through them, wrapping around', () => {
    const rows = ['Port = 80', 'host', 'port=8080', 'PORT'];
    const m = findRows(rows, 'port');
    expect(m).toEqual([0, 2, 3]);
    expect(nextMatch(m, 0)).toBe(2);
    expect(nextMatch(m, 3)).toBe(0);
    expect(nextMatch(m, 0, true)).toBe(3);
    expect(nextMatch([], 0)).toBe(-1);
  });
  it('cuts a row into plain text and matches (all of them, any case)', () => {
    expect(splitMatches('a Port and port', 'port')).toEqual([
      { text: 'a ', hit: false },
      { text: 'Port', hit: true },
      { text: ' and ', hit: false },
      { text: 'port', hit: true },
    ]);
    expect(splitMatches('<b>x</b>', '')).toEqual([{ text: '<b>x</b>', hit: false }]);
  });
});
