import { describe, expect, it } from 'vitest';
import type { ImageDoc, LayerDoc } from '../engine';
import { findImage, imageTitle, layerOptionLabel, phaseText } from './labels';

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

describe('findImage (the element\'s image attribute)', () => {
  const a = 'sha256:' + 'ab12'.repeat(16);
  const b = 'sha256:' + 'ab34'.repeat(16);
  const images = [
    { tags: ['app:1', 'app:latest'], id: a, manifest_digest: null },
    { tags: ['tools:2'], id: b, manifest_digest: 'sha256:' + 'cd'.repeat(32) },
    { tags: [], id: null, manifest_digest: null },
  ];
  it('by index, tag, bare repo (:latest), ID prefix with or without sha256:, manifest digest', () => {
    expect(findImage(images, '2')).toBe(2);
    expect(findImage(images, '#1')).toBe(1);
    expect(findImage(images, '3')).toBe(-1);
    expect(findImage(images, 'tools:2')).toBe(1);
    expect(findImage(images, 'app')).toBe(0);
    expect(findImage(images, 'tools')).toBe(-1);
    expect(findImage(images, 'ab12ab')).toBe(0);
    expect(findImage(images, 'sha256:ab34')).toBe(1);
    expect(findImage(images, 'cdcdcd')).toBe(1);
  });
  it('an ambiguous prefix or a word that is no hex names nothing', () => {
    expect(findImage(images, 'ab')).toBe(-1); // shorter than 4
    expect(findImage(images, 'ab1')).toBe(-1);
    expect(findImage(images, 'abab')).toBe(-1); // neither ID starts so
    expect(findImage(images, 'zzzz')).toBe(-1);
  });
});
