import { describe, expect, it } from 'vitest';
import type { InspectDocument } from '../../../wasm/protocol';
import { withVerification } from './verified';

const layer = (o: object) => ({ index: 0, digest: 'sha256:d', diff_id: 'sha256:i', uncompressed_size: null, entries: 0, ...o });
const doc = (layers: object[], warnings: { code: string; message: string; where: string }[] = []) =>
  ({ archive: {}, warnings, images: [{ layers }] }) as unknown as InspectDocument;

describe('withVerification', () => {
  it('takes the verdicts of the verifying worker and keeps what indexing found', () => {
    const base = doc([layer({ entries: 12, uncompressed_size: 100 }), layer({ entries: 3 })], [
      { code: 'entry-path-unsafe', message: 'x', where: 'a' },
      { code: 'digest-mismatch', message: 'old verdict', where: 'b' },
    ]);
    const verified = doc(
      [layer({ computed_digest: 'sha256:d', computed_diff_id: 'sha256:i', uncompressed_size: 100 }), layer({ computed_digest: 'sha256:x', computed_diff_id: 'sha256:y', uncompressed_size: 50 })],
      [{ code: 'digest-mismatch', message: 'layer 1', where: 'c' }, { code: 'layer-unreadable', message: 'not the verifier\'s', where: 'd' }],
    );
    const m = withVerification(base, verified);
    const ls = m.images[0].layers as unknown as Record<string, unknown>[];
    expect(ls.map((l) => [l.entries, l.computed_digest, l.computed_diff_id, l.uncompressed_size])).toEqual([
      [12, 'sha256:d', 'sha256:i', 100],
      [3, 'sha256:x', 'sha256:y', 50],
    ]);
    expect(m.warnings.map((w) => `${w.code}:${w.message}`)).toEqual(['entry-path-unsafe:x', 'digest-mismatch:layer 1']);
    expect(base.images[0].layers[0]).not.toHaveProperty('computed_digest'); // base untouched
  });
});
