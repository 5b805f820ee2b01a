// Rows of a unified diff (the core's content diff: "--- a/P", "+++ b/P", "@@ -a,b +c,d @@"
// hunks, " "/"-"/"+" lines), numbered, for the Compare tab's two layouts:
// unified (one column) and side by side (the old file left, the new right; a run
// of deletions beside the run of additions that replaces it). Pure: unit-tested.

export type LineKind = 'ctx' | 'del' | 'add' | 'hunk' | 'head' | 'note';

export interface UnifiedRow {
  kind: LineKind;
  /** line number in the old file (del/ctx), 0 otherwise */
  oldNo: number;
  /** line number in the new file (add/ctx), 0 otherwise */
  newNo: number;
  /** the line as the diff has it, its mark included ("+x", "@@ … @@") */
  text: string;
}

export interface SideCell {
  no: number;
  /** the line without its mark */
  text: string;
  kind: 'ctx' | 'del' | 'add';
}

export interface SideRow {
  /** a hunk header spans both sides */
  hunk?: string;
  left?: SideCell;
  right?: SideCell;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** The numbered rows of a unified diff text. */
export function unifiedRows(text: string): UnifiedRow[] {
  const rows: UnifiedRow[] = [];
  let oldNo = 0;
  let newNo = 0;
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const h = HUNK.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      rows.push({ kind: 'hunk', oldNo: 0, newNo: 0, text: line });
    } else if (line.startsWith('--- ') || line.startsWith('+++ ')) rows.push({ kind: 'head', oldNo: 0, newNo: 0, text: line });
    else if (line.startsWith('\\')) rows.push({ kind: 'note', oldNo: 0, newNo: 0, text: line }); // "\ No newline at end of file"
    else if (line.startsWith('-')) rows.push({ kind: 'del', oldNo: oldNo++, newNo: 0, text: line });
    else if (line.startsWith('+')) rows.push({ kind: 'add', oldNo: 0, newNo: newNo++, text: line });
    else rows.push({ kind: 'ctx', oldNo: oldNo++, newNo: newNo++, text: line });
  }
  return rows;
}

/** The same rows side by side: context on both sides, each run of deletions
 *  paired line by line with the run of additions that follows it. */
export function sideRows(rows: readonly UnifiedRow[]): SideRow[] {
  const out: SideRow[] = [];
  let dels: UnifiedRow[] = [];
  let adds: UnifiedRow[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      const d = dels[i];
      const a = adds[i];
      out.push({
        left: d ? { no: d.oldNo, text: d.text.slice(1), kind: 'del' } : undefined,
        right: a ? { no: a.newNo, text: a.text.slice(1), kind: 'add' } : undefined,
      });
    }
    dels = [];
    adds = [];
  };
  for (const r of rows) {
    if (r.kind === 'del') {
      if (adds.length) flush(); // a deletion after additions starts a new run
      dels.push(r);
    } else if (r.kind === 'add') adds.push(r);
    else {
      flush();
      if (r.kind === 'hunk') out.push({ hunk: r.text });
      else if (r.kind === 'ctx') out.push({ left: { no: r.oldNo, text: r.text.slice(1), kind: 'ctx' }, right: { no: r.newNo, text: r.text.slice(1), kind: 'ctx' } });
    }
  }
  flush();
  return out;
}
