// The reading half of one FileStream (file-stream.ts), as the reader worker
// (stream-reader.ts) runs it: a stream's chunks are asked for in file order,
// so they are read with one of the browser's byte streams of the File
// (Blob.stream, read into a buffer of ours: a BYOB reader) from the first chunk
// on, not with one read per chunk.
//
// Measured in Chromium here, page index of the bench's plain archives (A/B,
// medians of alternating opens): four Blob.slice().arrayBuffer() reads of 4 MiB
// in flight, 0.91 s (0.4 GB) and 2.3-2.6 s (1.56 GB); one Blob.stream() with
// its own chunks, 0.85 s and 2.2-2.4 s; the same stream read into one reused
// buffer, 0.71 s and 1.7-1.9 s. The reader worker copies every byte into shared
// memory (a BYOB read cannot fill a SharedArrayBuffer), so what it allocates
// per chunk and how many reads it makes are what the index waits for.
//
// A command ahead of the stream by at most SKIP bytes is reached by reading
// through (the gap's bytes are dropped as they come); one further ahead, or
// behind it, starts a new byte stream at its offset.
import { FileStream, type StreamCommand } from './file-stream';

/** How a byte stream of the file is opened (Blob.slice(offset).stream(), BYOB; another one in tests). */
export type OpenAt = (offset: number) => ReadableStreamBYOBReader;

export class SequentialReader {
  /** A gap up to this is read through rather than a new stream opened. */
  static readonly SKIP = 8 << 20;
  /** The buffer each read fills (a read gives what the stream has, often 64 KiB). */
  static readonly BUFFER = 2 << 20;
  private readonly queue: StreamCommand[] = [];
  /** Per slot the ticket of the command that owns it now (the newest asked). */
  private readonly latest: number[] = [];
  private reader: ReadableStreamBYOBReader | null = null;
  /** The latest run of the stream's commands seen (StreamCommand.run). */
  private latestRun = 0;
  /** Lent to each read and handed back with its bytes (detached while a read has it). */
  private buf = new ArrayBuffer(SequentialReader.BUFFER);
  /** The file offset of the stream's next bytes. */
  private pos = 0;
  private running = false;
  private closed = false;
  readonly stats = { opened: 0, droppedBytes: 0 };

  /** `flags` as FileStream lays them out for `slots` slots (FileStream.flagWords). */
  constructor(
    private readonly open: OpenAt,
    private readonly flags: Int32Array,
    private readonly data: Uint8Array,
    private readonly chunk: number,
    private readonly slots: number,
  ) {}

  /** A File's byte streams. */
  static overBlob(file: Blob, flags: Int32Array, data: Uint8Array, chunk: number, slots: number): SequentialReader {
    return new SequentialReader((offset) => file.slice(offset).stream().getReader({ mode: 'byob' }), flags, data, chunk, slots);
  }

  /** Whether this browser reads a Blob's stream into a buffer of ours (BYOB):
   *  where it cannot, the reader worker does not start its streams (the core
   *  reads synchronously, as in a page without cross-origin isolation). */
  static supported(): boolean {
    try {
      new Blob([]).stream().getReader({ mode: 'byob' }).releaseLock();
      return true;
    } catch {
      return false;
    }
  }

  /** Reads `c` (after the commands before it) into its slot, then stores its
   *  ticket in the slot's flag (-ticket when the read failed). A command whose
   *  slot is asked for again, or whose stream started again (a later run),
   *  before its turn or while it is read is dropped (what it read is skipped). */
  push(c: StreamCommand): void {
    if (this.closed) return;
    this.latestRun = Math.max(this.latestRun, c.run);
    this.latest[c.slot] = c.ticket;
    this.queue.push(c);
    if (!this.running) void this.run();
  }

  /** No more reads: the stream is cancelled, commands not read are dropped. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.drop();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let c = this.queue.shift(); c && !this.closed; c = this.queue.shift()) {
        if (this.stale(c)) continue;
        let ok: boolean;
        try {
          ok = await this.fill(c);
        } catch {
          ok = false;
        }
        if (!ok) this.drop(); // (the next command opens a new stream)
        if (this.closed || this.stale(c)) continue;
        Atomics.store(this.flags, c.slot, ok ? c.ticket : -c.ticket);
        Atomics.notify(this.flags, c.slot);
      }
    } finally {
      this.running = false;
    }
  }

  /** Whether `c` is not waited for any more. */
  private stale(c: StreamCommand): boolean {
    return this.latest[c.slot] !== c.ticket || c.run < this.latestRun;
  }

  /** The bytes of `c` into its slot (or as many as it was still wanted for);
   *  false when the file ended first. */
  private async fill(c: StreamCommand): Promise<boolean> {
    if (!this.reader || c.offset < this.pos || c.offset - this.pos > SequentialReader.SKIP) {
      this.drop();
      this.reader = this.open(c.offset);
      this.pos = c.offset;
      this.stats.opened++;
    }
    const base = c.slot * this.chunk;
    const filling = FileStream.fillingWord(this.slots, c.slot);
    const filled = FileStream.filledWord(this.slots, c.slot);
    const waiting = FileStream.waitingWord(this.slots);
    let done = 0;
    // From here the slot fills for `c`: its count first, then whose it is.
    Atomics.store(this.flags, filled, 0);
    Atomics.store(this.flags, filling, c.ticket);
    while (done < c.length) {
      if (this.stale(c)) return true; // (its caller stores nothing)
      // (a read cancelled or failed kept the buffer it had: a new one)
      if (this.buf.byteLength === 0) this.buf = new ArrayBuffer(SequentialReader.BUFFER);
      const gap = c.offset + done - this.pos; // (≥ 0) bytes before the command's, dropped
      const r = await this.reader.read(new Uint8Array(this.buf, 0, Math.min(this.buf.byteLength, gap > 0 ? gap : c.length - done)));
      if (r.value) this.buf = r.value.buffer as ArrayBuffer;
      if (this.closed || r.done || !r.value) return false;
      const n = r.value.length;
      this.pos += n;
      if (gap > 0) {
        this.stats.droppedBytes += n;
        continue;
      }
      // (a newer command for this slot meanwhile: it comes after this one, in order)
      this.data.set(r.value, base + done);
      done += n;
      // (the bytes before the count: a read that sees the count sees them)
      Atomics.store(this.flags, filled, done);
      if (Atomics.load(this.flags, waiting) === c.ticket && done >= Atomics.load(this.flags, waiting + 1)) Atomics.notify(this.flags, c.slot);
    }
    return true;
  }

  private drop(): void {
    const r = this.reader;
    this.reader = null;
    if (r) r.cancel().catch(() => undefined);
  }
}
