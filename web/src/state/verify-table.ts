// The verify table in plain terms: the one-line verdict over every blob the
// archive claims (the core's verify document, `layerscope verify --json`) and,
// per row, what to show: the digest it goes by, its size, and each claim that
// differs from the stored bytes as expected vs actual. Pure logic (no DOM).
import type { VerifyDocument, VerifyRow } from '../engine';
import { formatCount, plural } from './format';

/** One claim that the stored bytes contradict. */
export interface Mismatch {
  what: 'digest' | 'diff_id' | 'size';
  expected: string;
  actual: string;
}

export interface RowView {
  /** The digest the blob goes by: the one claimed, else the one computed (null: neither). */
  digest: string | null;
  /** Its size in bytes: the stored one, else the one claimed (null: neither). */
  size: number | null;
  /** ✓ ok, ✗ mismatch, — missing */
  stateIcon: string;
  mismatches: Mismatch[];
}

const STATE_ICON: Record<VerifyRow['state'], string> = { ok: '✓', mismatch: '✗', missing: '—' };

function differs(what: Mismatch['what'], expected: string | number | null, actual: string | number | null): Mismatch[] {
  if (expected === null || actual === null || expected === actual) return [];
  return [{ what, expected: String(expected), actual: String(actual) }];
}

export function rowView(r: VerifyRow): RowView {
  return {
    digest: r.expected ?? r.actual,
    size: r.actual_size ?? r.size,
    stateIcon: STATE_ICON[r.state],
    mismatches: [...differs('digest', r.expected, r.actual), ...differs('diff_id', r.diff_id, r.actual_diff_id), ...differs('size', r.size, r.actual_size)],
  };
}

/** "6 layers, 1 config, 1 manifest" (kinds in the table's order, absent ones left out). */
export function kindCounts(rows: readonly VerifyRow[]): string {
  const n = (kind: VerifyRow['kind']) => rows.filter((r) => r.kind === kind).length;
  return (['layer', 'config', 'manifest'] as const)
    .filter((k) => n(k) > 0)
    .map((k) => plural(n(k), k))
    .join(', ');
}

/** The one-line verdict above the table. */
export function blobVerdict(doc: VerifyDocument): string {
  const total = doc.rows.length;
  if (!total) return 'The archive claims no blob to check.';
  const kinds = kindCounts(doc.rows);
  if (doc.ok) return total === 1 ? `✓ The one blob (${kinds}) matches what the archive claims` : `✓ All ${formatCount(total)} blobs (${kinds}) match what the archive claims`;
  const count = (state: VerifyRow['state']) => doc.rows.filter((r) => r.state === state).length;
  const parts = [count('mismatch') && `${formatCount(count('mismatch'))} mismatched`, count('missing') && `${formatCount(count('missing'))} missing`].filter(Boolean);
  const bad = count('mismatch') + count('missing');
  return `✗ ${formatCount(bad)} of ${plural(total, 'blob')} ${bad === 1 ? 'does' : 'do'} not match what the archive claims: ${parts.join(', ')}`;
}
