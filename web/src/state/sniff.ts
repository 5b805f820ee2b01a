// What a file's first bytes say it is: text, an image we can preview, or binary.

export type ImageKind = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/bmp' | 'image/x-icon' | 'image/avif' | 'image/svg+xml';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, k) => b[at + k] === v);

export function sniffImage(b: Uint8Array, name: string): ImageKind | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(b, [0x42, 0x4d]) && /\.bmp$/i.test(name)) return 'image/bmp';
  if (startsWith(b, [0, 0, 1, 0]) && /\.ico$/i.test(name)) return 'image/x-icon';
  if (startsWith(b, [0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66], 4)) return 'image/avif';
  if (/\.svgz?$/i.test(name) || /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(new TextDecoder().decode(b.subarray(0, 512)))) {
    // Shown only as <img src="blob:…">: scripts inside an SVG image never run.
    return 'image/svg+xml';
  }
  return null;
}

/** Heuristic: no NUL bytes and few control characters / invalid UTF-8 in the first 8 KiB. */
export function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  if (n === 0) return true;
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const c = b[k];
    if (c === 0) return false;
    if (c < 7 || (c > 13 && c < 32 && c !== 27)) bad++;
  }
  if (bad / n > 0.02) return false;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, n));
  let repl = 0;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 0xfffd) repl++;
  // A cut multi-byte sequence at the end is fine; many replacement chars are not.
  return repl <= 2 || repl / text.length < 0.01;
}
