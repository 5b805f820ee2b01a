// Content loader: a file's bytes at one layer, paged through the engine, for any
// view that shows content (the file viewer; a diff view can hold two loaders).
//   - pages of PAGE bytes; a page that continues the loaded bytes is appended,
//     any other offset starts a new window there (hex view "go to offset");
//   - the first page is sniffed: an image we can preview? text or binary?
//   - text from offset 0 is decoded as it arrives (streaming UTF-8) into rows:
//     one per line, long lines cut every SEG characters;
//   - whole-file reads (image preview up to IMAGE_MAX, download) in large chunks;
//   - cancellation: select() makes earlier requests' answers void (they are
//     dropped when they arrive), cancel() stops the engine's running work.
// No DOM: the viewer renders `content`, and is told to by `onChange`.
import type { ReadResult, Warning } from '../engine';
import { fileWarnings } from './view-warnings';
import type { ViewerMode } from './hash';
import { looksLikeText, sniffImage, type ImageKind } from './sniff';
import { toEnvelope, type ErrorEnvelope } from './errors';

/** Bytes per page ("Load next 1 MiB"). */
export const PAGE = 1 << 20;
/** Largest image previewed (larger ones: download). */
export const IMAGE_MAX = 64 << 20;
/** Long lines are cut into rows of this many characters. */
export const SEG = 2000;
/** Bytes per row of the hex view. */
export const HEX_ROW = 16;

/** What the loader needs of the engine (EngineArchive has it). */
export interface ContentReader {
  read(image: number, layer: number, path: string, offset: number, length: number): Promise<ReadResult>;
  readAll(image: number, layer: number, path: string, size: number, onProgress?: (done: number) => void): Promise<Uint8Array[]>;
  cancel(): void;
}

/** A file at one layer of one image. */
export interface FileRef {
  image: number;
  layer: number;
  path: string;
}

export interface Content {
  key: string;
  bytes: Uint8Array;
  /** file offset of bytes[0] (hex view can start anywhere) */
  base: number;
  eof: boolean;
  loading: boolean;
  error: ErrorEnvelope | null;
  image: ImageKind | null;
  text: boolean;
  /** text view: rows (line segments) and their line numbers (0 = continuation) */
  rows: string[];
  lineNo: Int32Array;
  lines: number;
  maxLen: number;
  decoder: TextDecoder;
  partial: string;
  decodedUpTo: number;
  /** the warnings that concern this file (state/view-warnings.ts), from its first read */
  warnings: Warning[];
}

function fresh(key: string, base: number): Content {
  return {
    key,
    bytes: new Uint8Array(0),
    base,
    eof: false,
    loading: true,
    error: null,
    image: null,
    text: true,
    rows: [],
    lineNo: new Int32Array(0),
    lines: 0,
    maxLen: 0,
    decoder: new TextDecoder('utf-8'),
    partial: '',
    warnings: [],
    decodedUpTo: 0,
  };
}

export class ContentLoader {
  /** What is loaded of the selected file (null until its first page is asked for). */
  content: Content | null = null;
  private key = '';
  private reader: ContentReader | null = null;
  private ref: FileRef | null = null;

  constructor(private readonly onChange: () => void = () => undefined) {}

  /** The file the loader is for; `key` names it (a different key drops what was loaded). Returns whether it changed. */
  select(key: string, reader: ContentReader | null, ref: FileRef | null): boolean {
    this.reader = reader;
    this.ref = ref;
    if (this.key === key && this.content?.key === key) return false;
    this.key = key;
    this.content = null;
    return true;
  }

  get selectedKey(): string {
    return this.key;
  }

  /**
   * Loads `length` bytes at `offset` of the selected file (`first`: start over
   * and sniff). Resolves true when the answer was applied, false when the file
   * was switched meanwhile (the answer is dropped).
   */
  async load(offset: number, first = false, length = PAGE): Promise<boolean> {
    const reader = this.reader;
    const ref = this.ref;
    const key = this.key;
    if (!reader || !ref || !key) return false;
    let c = this.content;
    if (first || !c || c.key !== key) {
      c = fresh(key, offset);
      this.content = c;
    }
    c.loading = true;
    this.onChange();
    try {
      const r = await reader.read(ref.image, ref.layer, ref.path, offset, length);
      if (key !== this.key || this.content !== c) return false;
      if (offset === c.base + c.bytes.length) {
        const merged = new Uint8Array(c.bytes.length + r.data.length);
        merged.set(c.bytes);
        merged.set(r.data, c.bytes.length);
        c.bytes = merged;
      } else {
        // a jump (hex view): start a new window there
        c.bytes = r.data;
        c.base = offset;
        c.decodedUpTo = -1;
      }
      c.eof = r.eof;
      if (first) {
        c.warnings = fileWarnings(r.warnings ?? [], ref.path);
        c.image = sniffImage(c.bytes.subarray(0, 4096), ref.path);
        c.text = looksLikeText(c.bytes);
      }
      if (c.base === 0 && c.decodedUpTo >= 0) decodeMore(c);
      c.error = null;
    } catch (e) {
      if (key !== this.key) return false;
      c.error = toEnvelope(e, 'Reading was cancelled.');
    }
    c.loading = false;
    this.onChange();
    return true;
  }

  /** Every byte of the selected file as parts (download), with progress. */
  readWhole(size: number, onProgress?: (done: number) => void): Promise<Uint8Array[]> {
    const reader = this.reader;
    const ref = this.ref;
    if (!reader || !ref) return Promise.resolve([]);
    return reader.readAll(ref.image, ref.layer, ref.path, size, onProgress);
  }

  /**
   * The whole file for an image preview: what is loaded when that is all of it,
   * else read in full. null when the file is larger than IMAGE_MAX, not an
   * image, or was switched meanwhile.
   */
  async imageBytes(size: number): Promise<Uint8Array | null> {
    const c = this.content;
    if (!c || !c.image || size > IMAGE_MAX) return null;
    if (c.eof && c.base === 0) return c.bytes;
    const parts = await this.readWhole(size);
    if (this.content !== c) return null;
    return concat(parts);
  }

  /** Shows an error in place of the content (e.g. a failed download). */
  fail(e: unknown): void {
    if (this.content) this.content.error = toEnvelope(e);
    this.onChange();
  }

  /** Stops the engine's running work (the worker; the next request re-indexes). */
  cancel(): void {
    this.reader?.cancel();
  }
}

/** Decodes newly loaded bytes into text rows (streaming UTF-8, lines cut at SEG chars). */
export function decodeMore(c: Content): void {
  const fresh = c.bytes.subarray(c.decodedUpTo);
  c.decodedUpTo = c.bytes.length;
  const text = c.partial + c.decoder.decode(fresh, { stream: !c.eof });
  const rows = c.rows;
  const nums: number[] = [];
  let line = c.lines;
  const parts = text.split('\n');
  c.partial = c.eof ? '' : parts.pop() ?? '';
  if (c.eof && parts.length && parts[parts.length - 1] === '') parts.pop();
  for (let p of parts) {
    if (p.endsWith('\r')) p = p.slice(0, -1);
    line++;
    if (p.length > c.maxLen) c.maxLen = Math.min(p.length, SEG);
    if (p.length <= SEG) {
      rows.push(p);
      nums.push(line);
    } else {
      for (let k = 0; k < p.length; k += SEG) {
        rows.push(p.slice(k, k + SEG));
        nums.push(k === 0 ? line : 0);
      }
    }
  }
  c.lines = line;
  const ln = new Int32Array(c.lineNo.length + nums.length);
  ln.set(c.lineNo);
  ln.set(nums, c.lineNo.length);
  c.lineNo = ln;
}

/** The view a mode asks for, given what the content turned out to be. */
export function viewMode(mode: ViewerMode, c: Content | null): 'text' | 'hex' | 'image' {
  if (mode === 'image') return c?.image ? 'image' : c?.text ? 'text' : 'hex';
  if (mode === 'text' || mode === 'hex') return mode;
  if (!c) return 'text';
  if (c.image) return 'image';
  return c.text ? 'text' : 'hex';
}

const HEX = Array.from({ length: 256 }, (_, k) => k.toString(16).padStart(2, '0'));

/** Hex row r of the loaded bytes: offset (8 hex digits), 16 bytes in hex (a gap after 8), printable ASCII. */
export function hexRow(c: Pick<Content, 'bytes' | 'base'>, r: number): { offset: string; hex: string; ascii: string } {
  const start = r * HEX_ROW;
  const b = c.bytes.subarray(start, start + HEX_ROW);
  let hex = '';
  let ascii = '';
  for (let k = 0; k < HEX_ROW; k++) {
    if (k < b.length) {
      hex += HEX[b[k]] + (k === 7 ? '  ' : ' ');
      ascii += b[k] >= 0x20 && b[k] < 0x7f ? String.fromCharCode(b[k]) : '·';
    } else hex += k === 7 ? '    ' : '   ';
  }
  return { offset: (c.base + start).toString(16).padStart(8, '0'), hex, ascii };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
