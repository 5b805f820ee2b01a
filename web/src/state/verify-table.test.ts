import { describe, expect, it } from 'vitest';
import type { VerifyDocument, VerifyRow } from '../engine';
import { blobVerdict, kindCounts, rowView } from './verify-table';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const C = 'sha256:' + 'c'.repeat(64);

const row = (r: Partial<VerifyRow>): VerifyRow => ({
  kind: 'layer',
  state: 'ok',
  member: 'blobs/sha256/' + 'a'.repeat(64),
  where: 'index.json.manifests[0] layer 0',
  expected: A,
  actual: A,
  size: 10,
  actual_size: 10,
  diff_id: null,
  actual_diff_id: null,
  problems: [],
  ...r,
});
const doc = (rows: VerifyRow[]): VerifyDocument => {
  const failed = rows.filter((r) => r.state !== 'ok').length;
  return { schema_version: 1, ok: failed === 0, checked: rows.length, failed, rows };
};

describe('verify table', () => {
  it('an ok row: its claimed digest and stored size, no mismatch', () => {
    expect(rowView(row({ diff_id: B, actual_diff_id: B }))).toEqual({ digest: A, size: 10, stateIcon: '✓', mismatches: [] });
  });
  it('a mismatch lists each differing claim as expected vs actual (digest, diff_id, size)', () => {
    const v = rowView(row({ state: 'mismatch', actual: B, diff_id: C, actual_diff_id: A, size: 9 }));
    expect(v.stateIcon).toBe('✗');
    expect(v.mismatches).toEqual([
      { what: 'digest', expected: A, actual: B },
      { what: 'diff_id', expected: C, actual: A },
      { what: 'size', expected: '9', actual: '10' },
    ]);
  });
  it('a blob that could not be read has no actual side to compare: no mismatch pair, still its claim', () => {
    const v = rowView(row({ state: 'mismatch', actual: null, actual_size: 10, problems: ['could not be read to its end'] }));
    expect(v.mismatches).toEqual([]);
    expect(v.digest).toBe(A);
  });
  it('a missing blob: the claimed digest and size, nothing computed', () => {
    const v = rowView(row({ state: 'missing', member: null, actual: null, actual_size: null }));
    expect(v).toEqual({ digest: A, size: 10, stateIcon: '—', mismatches: [] });
  });
  it('a blob with no claim goes by its computed digest', () => {
    expect(rowView(row({ kind: 'config', expected: null, size: null })).digest).toBe(A);
    expect(rowView(row({ expected: null, actual: null, size: null, actual_size: null }))).toMatchObject({ digest: null, size: null });
  });
  it('counts the kinds in table order and leaves absent ones out', () => {
    expect(kindCounts([row({ kind: 'manifest' }), row({}), row({ kind: 'config' }), row({})])).toBe('2 layers, 1 config, 1 manifest');
    expect(kindCounts([row({ kind: 'config' })])).toBe('1 config');
  });
  it('the verdict: all ok, in agreeing singular and plural', () => {
    expect(blobVerdict(doc([row({}), row({}), row({ kind: 'config' })]))).toBe('✓ All 3 blobs (2 layers, 1 config) match what the archive claims');
    expect(blobVerdict(doc([row({ kind: 'config' })]))).toBe('✓ The one blob (1 config) matches what the archive claims');
    expect(blobVerdict(doc([]))).toBe('The archive claims no blob to check.');
  });
  it('the verdict: how many fail and how', () => {
    expect(blobVerdict(doc([row({ state: 'mismatch' }), row({}), row({})]))).toBe('✗ 1 of 3 blobs does not match what the archive claims: 1 mismatched');
    expect(blobVerdict(doc([row({ state: 'mismatch' }), row({ state: 'missing' }), row({ state: 'missing' })]))).toBe(
      '✗ 3 of 3 blobs do not match what the archive claims: 1 mismatched, 2 missing',
    );
  });
});
