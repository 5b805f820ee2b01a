/// <reference lib="webworker" />
// Reading a File synchronously inside the worker, for the core's ByteSource.

/**
 * Reads a File synchronously through an adaptive read-ahead window.
 * Each FileReaderSync call costs ~1 ms in Chromium whatever its size (measured:
 * 1.2 ms for 512 B, 2.1 ms for 64 KiB, 5.7 ms for 1 MiB), and the core's header
 * scan asks for 512 bytes after every skipped payload: without a window a
 * 400 MB archive of 35,000 files took 52 s for 43,000 tiny reads. The window
 * grows while misses land just past it (a forward scan through small entries)
 * and shrinks after a long jump (a skipped large payload), so skipped payloads
 * stay mostly unread. With a CostModel (a URL's reads; a File's too) a gap that
 * costs less to read than another call is read through.
 */
export class ReadAhead {
  private buf: Uint8Array | null = null;
  private start = 0;
  private window = ReadAhead.MIN;
  static readonly MIN = 64 << 10;
  static readonly MAX = 8 << 20;
  /** A File's largest window: each FileReaderSync call costs a lot more than its
   *  bytes (400 MB small-file archive, open in the worker: 1 MiB windows 12.6 s,
   *  8 MiB 6.5–8.6 s, 32 MiB 4.7–6.2 s, nearly all of it in reads). */
  static readonly FILE_MAX = 32 << 20;
  /** Earlier windows of at most KEEP_ONE bytes (a header scan's), oldest
   *  first, KEEP_BYTES in all: a read going back to one is served without a
   *  fetch (recall). An open reads each layer's first bytes after scanning
   *  the member headers before them: on the 0.4 GB bench set 11 fetches more
   *  of 23, each a FileReaderSync call (~1.3 ms) or, for a URL, a round trip. */
  private kept: { start: number; buf: Uint8Array }[] = [];
  private keptBytes = 0;
  static readonly KEEP_ONE = 256 << 10;
  static readonly KEEP_BYTES = 4 << 20;
  readonly stats = { calls: 0, fetches: 0, fetchedBytes: 0, ms: 0 };
  private readonly size: number;
  private readonly fetch: Fetch;
  private readonly cost: CostModel | null;
  private max: number;
  /** A run announced (advise): reads in it fetch up to its end, `max` at most. */
  private run = { from: 0, to: 0 };

  /** A File (`reader`: FileReaderSync, another one in tests), or any ranged
   *  reader (a remote file: see http-source.ts) with its cost model. */
  constructor(source: Blob | RangedReader, reader?: Pick<FileReaderSync, 'readAsArrayBuffer'>, cost?: CostModel) {
    if (typeof Blob !== 'undefined' && source instanceof Blob) {
      const r = reader ?? new FileReaderSync();
      this.size = source.size;
      this.fetch = (offset, size) => new Uint8Array(r.readAsArrayBuffer(source.slice(offset, offset + size)));
      this.cost = cost ?? null;
      this.max = ReadAhead.FILE_MAX;
    } else {
      const rr = source as RangedReader;
      this.size = rr.size;
      this.fetch = rr.fetch;
      this.cost = rr.cost ?? null;
      this.max = ReadAhead.MAX;
    }
  }

  /** [offset, offset+len) is about to be read in order (the core's will_read:
   *  a compressed blob): a miss in it fetches the largest window at once, not
   *  one that grows from MIN over several calls (for a URL, several round
   *  trips), and never past the run's end. The run ends with the fetch that
   *  reaches its end (a later read there is not part of it). */
  advise(offset: number, len: number): void {
    this.run = { from: offset, to: Math.min(this.size, offset + len) };
  }

  /** Reads no more than `bytes` at once from now on (a FileStream reads the rest ahead). */
  capWindow(bytes: number): void {
    this.max = Math.max(ReadAhead.MIN, Math.min(this.max, bytes));
    this.window = Math.min(this.window, this.max);
  }

  /** The bytes from `offset` on (at most `len`) that the window already holds,
   *  without a read; null when it holds none. */
  peek(offset: number, len: number): Uint8Array | null {
    const b = this.buf;
    if (!b || offset < this.start || offset >= this.start + b.length) return null;
    return b.subarray(offset - this.start, Math.min(b.length, offset - this.start + len));
  }

  /** The bytes [offset, offset+len) (fewer at the end of the file) when an
   *  earlier window kept holds them all; null otherwise. */
  recall(offset: number, len: number): Uint8Array | null {
    const end = Math.min(offset + len, this.size);
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const k = this.kept[i];
      if (offset >= k.start && end <= k.start + k.buf.length) return k.buf.subarray(offset - k.start, end - k.start);
    }
    return null;
  }

  /** Where the bytes the window holds end (0 before the first read). */
  get end(): number {
    return this.buf ? this.start + this.buf.length : 0;
  }

  /** The size of the next read after a miss just past the window. */
  get windowBytes(): number {
    return this.window;
  }

  /** Bytes [offset, offset+len) (fewer at the end of the file); valid until the next call. */
  read(offset: number, len: number): Uint8Array {
    this.stats.calls++;
    const b = this.buf;
    if (b && offset >= this.start && offset + len <= this.start + b.length) return b.subarray(offset - this.start, offset - this.start + len);
    const kept = this.recall(offset, len);
    if (kept) return kept;
    let from = offset;
    if (b) {
      const end = this.start + b.length;
      const gap = offset - end;
      if (gap >= 0 && gap <= this.window) this.window = Math.min(this.window * 2, this.max);
      else if (gap < 0 || gap > 4 * this.window) this.window = ReadAhead.MIN;
      // A gap that costs less to read than another call's fixed cost is read
      // through (one call instead of two).
      if (this.cost && gap > 0 && gap <= this.cost.breakEven()) from = end;
    }
    let min = this.cost ? Math.max(this.window, Math.min(this.max, this.cost.breakEven())) : this.window;
    const inRun = offset >= this.run.from && offset < this.run.to;
    if (inRun) min = Math.max(offset + len - from, Math.min(this.max, this.run.to - from));
    const size = Math.max(0, Math.min(this.size - from, Math.max(offset + len - from, min)));
    const t = performance.now();
    const buf = this.fetch(from, size);
    const ms = performance.now() - t;
    this.cost?.observe(buf.length, ms);
    this.stats.ms += ms;
    this.stats.fetches++;
    this.stats.fetchedBytes += buf.length;
    if (b && b.length <= ReadAhead.KEEP_ONE) {
      this.kept.push({ start: this.start, buf: b });
      for (this.keptBytes += b.length; this.keptBytes > ReadAhead.KEEP_BYTES; ) this.keptBytes -= (this.kept.shift() as { buf: Uint8Array }).buf.length;
    }
    this.buf = buf;
    this.start = from;
    if (inRun && from + buf.length >= this.run.to) this.run = { from: 0, to: 0 };
    const at = offset - from;
    return buf.subarray(at, Math.min(at + len, buf.length));
  }
}

/** Reads `size` bytes at `offset` (fewer only at the end); throws when it cannot. */
export type Fetch = (offset: number, size: number) => Uint8Array;

/** A source read by ranges, each request costing a round trip plus its bytes. */
export interface RangedReader {
  size: number;
  fetch: Fetch;
  cost?: CostModel;
}

/**
 * What one more request costs against reading through: a request takes about
 * `rtt + bytes / bandwidth`, so a gap shorter than rtt × bandwidth is cheaper to
 * read than to skip. Both are measured as reads go: the round trip from the
 * fastest small reads, the bandwidth from large ones.
 */
export class CostModel {
  /** ms; the first read's time until a better one is seen */
  rttMs = -1;
  /** bytes per ms; 0 until a large read was timed */
  bytesPerMs = 0;

  observe(bytes: number, ms: number): void {
    if (bytes <= 0 || ms <= 0) return;
    if (this.rttMs < 0 || (bytes <= (256 << 10) && ms < this.rttMs)) this.rttMs = ms;
    const transfer = ms - this.rttMs;
    if (bytes >= (256 << 10) && transfer > 0.05 * ms) {
      const bw = bytes / transfer;
      this.bytesPerMs = this.bytesPerMs ? 0.7 * this.bytesPerMs + 0.3 * bw : bw;
    }
  }

  /** Bytes a gap may have and still be read through. */
  breakEven(): number {
    if (this.rttMs < 0 || !this.bytesPerMs) return ReadAhead.MIN;
    return Math.max(ReadAhead.MIN, Math.min(ReadAhead.MAX, Math.round(this.rttMs * this.bytesPerMs)));
  }
}
