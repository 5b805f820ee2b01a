import { describe, expect, it } from 'vitest';
import type { ImageDoc, LayerDoc } from '../engine';
import { imageTitle, layerOptionLabel, phaseText } from './labels';

const img = (over: Partial<ImageDoc>) => ({ index: 0, tags: [], id: null, history: [], layers: [], ...over }) as unknown as ImageDoc;
const lay = (over: Partial<LayerDoc>) => ({ index: 0, size: 0, uncompressed_size: null, ...over }) as unknown as LayerDoc;

describe('labels', () => {
  it('an image is named by its tags, else its id, else its index', () => {
    expect(imageTitle(img({ tags: ['a:1', 'b:2'] }))).toBe('a:1, b:2');
    expect(imageTitle(img({ id: '0123456789ab' }))).toBe('untagged 0123456789ab');
    expect(imageTitle(img({ index: 3 }))).toBe('untagged #3');
  });
  it('a layer option: index, uncompressed size, its instruction cut at 48 characters', () => {
    const long = 'apt-get update && apt-get install -y curl ca-certificates git';
    const image = img({
      history: [
        { created_by: `/bin/sh -c ${long}`, layer: 0 },
        { created_by: '/bin/sh -c #(nop)  ENV A=b', empty_layer: true, layer: null },
      ] as unknown as ImageDoc['history'],
    });
    const label = layerOptionLabel(image, lay({ index: 0, size: 100, uncompressed_size: 2048 }));
    expect(label).toBe(`#0 · 2.00 KiB · ${`RUN ${long}`.slice(0, 47)}…`);
    expect(layerOptionLabel(image, lay({ index: 1, size: 512 }))).toBe('#1 · 512 B');
  });
  it('opening phases in words', () => {
    expect(phaseText('scan', '')).toBe('reading the archive’s members');
    expect(phaseText('index', 'layer 2 of 5')).toBe('indexing layers (layer 2 of 5)');
    expect(phaseText('other', '')).toBe('other');
  });
});
