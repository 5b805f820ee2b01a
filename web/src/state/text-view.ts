// What the text viewer does with decoded rows (pure; no DOM): wrap them at a
// width, find the rows that hold a search term, and cut a row into plain and
// matching pieces for highlighting (rendered as text, never as markup).

export interface Rows {
  rows: string[];
  /** line number of each row; 0 = the continuation of the line above */
  lineNo: Int32Array;
}

/** Rows cut at `cols` characters (continuations numbered 0); the input when nothing is longer. */
export function wrapRows(src: Rows, cols: number): Rows {
  const width = Math.max(8, Math.floor(cols));
  if (!src.rows.some((r) => r.length > width)) return src;
  const rows: string[] = [];
  const nums: number[] = [];
  src.rows.forEach((r, k) => {
    for (let at = 0; at === 0 || at < r.length; at += width) {
      rows.push(r.slice(at, at + width));
      nums.push(at === 0 ? src.lineNo[k] : 0);
    }
  });
  return { rows, lineNo: Int32Array.from(nums) };
}

/** Indexes of the rows that contain `q` (case-insensitive); [] for an empty term. */
export function findRows(rows: readonly string[], q: string): number[] {
  if (!q) return [];
  const needle = q.toLowerCase();
  const out: number[] = [];
  rows.forEach((r, k) => {
    if (r.toLowerCase().includes(needle)) out.push(k);
  });
  return out;
}

/** `text` cut into pieces, the matches of `q` (case-insensitive) marked. */
export function splitMatches(text: string, q: string): { text: string; hit: boolean }[] {
  if (!q) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) out.push({ text: text.slice(at, i), hit: false });
    out.push({ text: text.slice(i, i + needle.length), hit: true });
    at = i + needle.length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), hit: false });
  return out;
}

/** The next (or previous) matching row after `from`, wrapping around; -1 when there is none. */
export function nextMatch(matches: readonly number[], from: number, back = false): number {
  if (!matches.length) return -1;
  if (back) {
    for (let k = matches.length - 1; k >= 0; k--) if (matches[k] < from) return matches[k];
    return matches[matches.length - 1];
  }
  for (const m of matches) if (m > from) return m;
  return matches[0];
}
