import { describe, expect, it } from 'vitest';
import type { InspectDocument, LayerDoc } from '../engine';
import { layerChecks, verifyTally, verifyVerdict, VERIFY_WARNINGS } from './verify';

const layer = (l: Partial<LayerDoc>) => ({ digest: null, diff_id: null, ...l }) as LayerDoc;
const doc = (...images: LayerDoc[][]) => ({ images: images.map((layers) => ({ layers })) }) as unknown as InspectDocument;

describe('verify', () => {
  it('a check is ok when hashed and equal, bad when different, unchecked without both sides', () => {
    expect(layerChecks(layer({ digest: 'sha256:a', computed_digest: 'sha256:a', diff_id: 'sha256:b', computed_diff_id: 'sha256:c' }))).toEqual({ digest: 'ok', diffId: 'bad' });
    expect(layerChecks(layer({ digest: 'sha256:a' }))).toEqual({ digest: 'unchecked', diffId: 'unchecked' });
    expect(layerChecks(layer({ computed_digest: 'sha256:a' }))).toEqual({ digest: 'unchecked', diffId: 'unchecked' });
  });
  it('tallies the layers of every image: any bad check makes a layer bad', () => {
    const t = verifyTally(
      doc(
        [
          layer({ digest: 'd1', computed_digest: 'd1', diff_id: 'i1', computed_diff_id: 'i1' }),
          layer({ digest: 'd2', computed_digest: 'd2' }), // diff_id not known: still ok
          layer({ digest: 'd3', computed_digest: 'x', diff_id: 'i3', computed_diff_id: 'i3' }),
        ],
        [layer({ digest: 'd4' }), layer({ digest: 'd5', computed_digest: 'd5', diff_id: 'i5', computed_diff_id: 'y' })],
      ),
    );
    expect(t).toEqual({ layers: 5, ok: 2, bad: 2, unchecked: 1 });
  });
  it('knows the warning codes verification adds', () => {
    expect([...VERIFY_WARNINGS].sort()).toEqual(['diff-id-mismatch', 'digest-mismatch', 'verify-failed']);
  });
});

describe('verifyVerdict', () => {
  const t = (layers: number, ok: number, bad: number) => ({ layers, ok, bad, unchecked: layers - ok - bad });
  it('agrees in number: one layer is "the layer", never "All 1 layer"', () => {
    expect(verifyVerdict(t(1, 1, 0))).toBe('✓ The layer matches its digest and diff_id');
    expect(verifyVerdict(t(3, 3, 0))).toBe('✓ All 3 layers match their digest and diff_id');
    expect(verifyVerdict(t(3, 1, 0))).toBe('✓ 1 of 3 layers matches its digest and diff_id');
    expect(verifyVerdict(t(1, 0, 1))).toBe('✗ 1 layer of 1 does not match its digest or diff_id');
    expect(verifyVerdict(t(4, 1, 2))).toBe('✗ 2 layers of 4 do not match their digest or diff_id');
    expect(verifyVerdict(t(2, 0, 0))).toBe('No layer could be checked.');
  });
});
