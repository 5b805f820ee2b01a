import { describe, expect, it } from 'vitest';
import { CoreError, type ReadResult } from '../engine';
import { ContentLoader, HEX_ROW, IMAGE_MAX, PAGE, SEG, hexRow, viewMode, type ContentReader } from './content';

/** An engine that serves one file from memory; reads can be held to test ordering. */
class FakeReader implements ContentReader {
  reads: { offset: number; length: number }[] = [];
  readAlls = 0;
  cancels = 0;
  fail: unknown = null;
  private held: (() => void)[] = [];
  hold = false;
  warnings: ReadResult['warnings'] = [];
  constructor(private readonly bytes: Uint8Array) {}
  async read(_image: number, _layer: number, _path: string, offset: number, length: number): Promise<ReadResult> {
    this.reads.push({ offset, length });
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    if (this.fail) throw this.fail;
    const data = this.bytes.slice(offset, offset + length);
    return { data, eof: offset + data.length >= this.bytes.length, size: this.bytes.length, warnings: this.warnings };
  }
  async readAll(): Promise<Uint8Array[]> {
    this.readAlls++;
    return [this.bytes.slice(0, 3), this.bytes.slice(3)];
  }
  cancel(): void {
    this.cancels++;
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
const ref = { image: 0, layer: 1, path: 'etc/app/config.ini' };

describe('ContentLoader', () => {
  it('keeps the warnings of the first read that concern the file', async () => {
    const r = new FakeReader(enc('x'));
    r.warnings = [
      { code: 'duplicate-entry', message: 'path /etc/app/config.ini occurs more than once in this layer', where: 'layer 1: etc/app/config.ini' },
      { code: 'duplicate-entry', message: 'path /etc/other occurs more than once in this layer', where: 'layer 1: etc/other' },
    ];
    const l = new ContentLoader(() => undefined);
    l.select('k', r, ref);
    await l.load(0, true);
    expect(l.content?.warnings.map((w) => w.where)).toEqual(['layer 1: etc/app/config.ini']);
  });

  it('reads the first page, sniffs it, decodes lines', async () => {
    const r = new FakeReader(enc('a = 1\r\nb = 2\n\nlast'));
    let changes = 0;
    const l = new ContentLoader(() => changes++);
    l.select('k', r, ref);
    expect(await l.load(0, true)).toBe(true);
    const c = l.content!;
    expect(r.reads).toEqual([{ offset: 0, length: PAGE }]);
    expect(c.eof).toBe(true);
    expect(c.text).toBe(true);
    expect(c.image).toBeNull();
    expect(c.rows).toEqual(['a = 1', 'b = 2', '', 'last']);
    expect(Array.from(c.lineNo)).toEqual([1, 2, 3, 4]);
    expect(c.lines).toBe(4);
    expect(changes).toBe(2); // loading, loaded
  });
  it('appends the next page; a line and a UTF-8 character cut between pages come out whole', async () => {
    const text = 'x'.repeat(PAGE - 1) + '€ tail\nsecond\n';
    const r = new FakeReader(enc(text));
    const l = new ContentLoader();
    l.select('k', r, ref);
    await l.load(0, true);
    let c = l.content!;
    expect(c.eof).toBe(false);
    expect(c.rows.length).toBe(0); // the first line is not complete yet
    await l.load(PAGE);
    c = l.content!;
    expect(c.bytes.length).toBe(enc(text).length);
    expect(c.eof).toBe(true);
    expect(c.lines).toBe(2);
    // the long first line is cut every SEG characters; continuation rows have no number
    const first = 'x'.repeat(PAGE - 1) + '€ tail';
    expect(c.rows.length).toBe(Math.ceil(first.length / SEG) + 1);
    expect(c.rows.slice(0, -1).join('')).toBe(first);
    expect(c.lineNo[0]).toBe(1);
    expect(c.lineNo[1]).toBe(0);
    expect(c.rows[c.rows.length - 1]).toBe('second');
    expect(c.lineNo[c.rows.length - 1]).toBe(2);
    expect(c.maxLen).toBe(SEG);
  });
  it('a jump starts a new window there (hex view); text is not decoded from there', async () => {
    const bytes = Uint8Array.from({ length: 3 * PAGE }, (_, k) => k & 0xff);
    const r = new FakeReader(bytes);
    const l = new ContentLoader();
    l.select('k', r, ref);
    await l.load(0, true);
    expect(l.content!.text).toBe(false);
    const rowsBefore = l.content!.rows.length;
    await l.load(0x2ffff0);
    const c = l.content!;
    expect(c.base).toBe(0x2ffff0);
    expect(c.bytes.length).toBe(16);
    expect(c.eof).toBe(true);
    expect(c.decodedUpTo).toBe(-1);
    expect(c.rows.length).toBe(rowsBefore);
    expect(hexRow(c, 0)).toEqual({
      offset: '002ffff0',
      hex: 'f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff ',
      ascii: '················',
    });
  });
  it('drops the answer of a file the user left', async () => {
    const a = new FakeReader(enc('old file'));
    const b = new FakeReader(enc('new file'));
    const l = new ContentLoader();
    l.select('a', a, ref);
    a.hold = true;
    const first = l.load(0, true);
    expect(l.select('b', b, { ...ref, path: 'b' })).toBe(true);
    expect(l.content).toBeNull();
    await l.load(0, true);
    a.release();
    expect(await first).toBe(false);
    expect(new TextDecoder().decode(l.content!.bytes)).toBe('new file');
    expect(l.select('b', b, { ...ref, path: 'b' })).toBe(false); // same file: kept
  });
  it('reports errors as envelopes; a cancellation in words; cancel() stops the engine', async () => {
    const r = new FakeReader(enc('x'));
    const l = new ContentLoader();
    l.select('k', r, ref);
    r.fail = new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' });
    await l.load(0, true);
    expect(l.content!.error).toEqual({ code: 'cancelled', message: 'Reading was cancelled.', where: '' });
    expect(l.content!.loading).toBe(false);
    r.fail = new CoreError({ code: 'corrupt', message: 'bad block', where: 'layer 1' });
    await l.load(0, true);
    expect(l.content!.error).toEqual({ code: 'corrupt', message: 'bad block', where: 'layer 1' });
    r.fail = null;
    await l.load(0, true);
    expect(l.content!.error).toBeNull();
    l.fail(new Error('disk full'));
    expect(l.content!.error).toEqual({ code: 'internal', message: 'Error: disk full', where: '' });
    l.cancel();
    expect(r.cancels).toBe(1);
  });
  it('image bytes: what is loaded when it is all, else the whole file; never above the cap', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const r = new FakeReader(png);
    const l = new ContentLoader();
    l.select('k', r, { ...ref, path: 'logo.png' });
    await l.load(0, true, 8);
    expect(l.content!.image).toBe('image/png');
    expect(viewMode('auto', l.content)).toBe('image');
    const whole = await l.imageBytes(png.length);
    expect(Array.from(whole!)).toEqual(Array.from(png));
    expect(r.readAlls).toBe(1);
    await l.load(0, true);
    expect(await l.imageBytes(png.length)).toBe(l.content!.bytes);
    expect(r.readAlls).toBe(1);
    expect(await l.imageBytes(IMAGE_MAX + 1)).toBeNull();
  });
});

describe('viewMode and hexRow', () => {
  const c = (image: string | null, text: boolean) => ({ image, text }) as never;
  it('auto: image, else text, else hex; a forced mode wins unless impossible', () => {
    expect(viewMode('auto', null)).toBe('text');
    expect(viewMode('auto', c(null, true))).toBe('text');
    expect(viewMode('auto', c(null, false))).toBe('hex');
    expect(viewMode('auto', c('image/png', false))).toBe('image');
    expect(viewMode('hex', c('image/png', false))).toBe('hex');
    expect(viewMode('text', c(null, false))).toBe('text');
    expect(viewMode('image', c(null, true))).toBe('text');
    expect(viewMode('image', c(null, false))).toBe('hex');
  });
  it('pads a short last row and shows printable ASCII', () => {
    const row = hexRow({ bytes: enc('ELF!\n'), base: 0 }, 0);
    expect(row.offset).toBe('00000000');
    expect(row.hex).toBe('45 4c 46 21 0a ' + '   '.repeat(2) + '    ' + '   '.repeat(8));
    expect(row.hex.length).toBe(HEX_ROW * 3 + 1);
    expect(row.ascii).toBe('ELF!·');
  });
});
