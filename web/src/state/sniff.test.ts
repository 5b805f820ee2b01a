import { describe, expect, it } from 'vitest';
import { looksLikeText, sniffImage } from './sniff';

const b = (...xs: number[]) => Uint8Array.from(xs);
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffImage', () => {
  it('knows images by their magic bytes', () => {
    expect(sniffImage(b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'x')).toBe('image/png');
    expect(sniffImage(b(0xff, 0xd8, 0xff, 0xe0), 'x')).toBe('image/jpeg');
    expect(sniffImage(text('GIF89a'), 'x')).toBe('image/gif');
    expect(sniffImage(b(0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50), 'x')).toBe('image/webp');
    expect(sniffImage(b(0, 0, 0, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66), 'x')).toBe('image/avif');
  });
  it('needs the file name for weak signatures (BMP, ICO)', () => {
    expect(sniffImage(text('BM....'), 'a.bmp')).toBe('image/bmp');
    expect(sniffImage(text('BM....'), 'a.txt')).toBeNull();
    expect(sniffImage(b(0, 0, 1, 0, 1), 'favicon.ico')).toBe('image/x-icon');
    expect(sniffImage(b(0, 0, 1, 0, 1), 'data')).toBeNull();
    expect(sniffImage(text('RIFF....WAVE'), 'a.wav')).toBeNull();
  });
  it('knows SVG by name or by an <svg> root after an XML declaration and comments', () => {
    expect(sniffImage(text('<?xml version="1.0"?>\n<!-- c -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo')).toBe('image/svg+xml');
    expect(sniffImage(text('anything'), 'icon.SVGZ')).toBe('image/svg+xml');
    expect(sniffImage(text('<html><svg></svg></html>'), 'page.html')).toBeNull();
  });
});

describe('looksLikeText', () => {
  it('text, UTF-8 and empty files are text', () => {
    expect(looksLikeText(text('hello\nworld\r\n\tindented\n'))).toBe(true);
    expect(looksLikeText(text('größe: 3 € ✓\n'))).toBe(true);
    expect(looksLikeText(new Uint8Array(0))).toBe(true);
    expect(looksLikeText(text('\x1b[31mred\x1b[0m\n'))).toBe(true); // ESC is allowed
  });
  it('a NUL byte, many control bytes or much invalid UTF-8 make it binary', () => {
    expect(looksLikeText(b(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0))).toBe(false);
    expect(looksLikeText(text('ab\x01\x02\x03\x04cd'))).toBe(false);
    expect(looksLikeText(Uint8Array.from({ length: 400 }, (_, k) => 0x80 + (k % 64)))).toBe(false);
  });
  it('a multi-byte character cut at the end of the sample is still text', () => {
    const t = text('x'.repeat(8191) + '€');
    expect(looksLikeText(t)).toBe(true);
  });
});
