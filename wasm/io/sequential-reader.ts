// The reading half of one FileStream (file-stream.ts), as the reader worker
// (stream-reader.ts) runs it: a stream's chunks are asked for in file order,
// so they are read with one of the browser's byte streams of the File
// (Blob.stream) from the first chunk on, not with one read per chunk.
//
// Measured in Chromium here (a worker reading the 0.4 GB bench archive into 4
// MiB shared slots, traced): four Blob.slice().arrayBuffer() reads in flight
// took 460-730 ms and 580-670 ms of CPU in all (300-380 ms of it in the
// browser process), one Blob.stream() 300-440 ms and 160-240 ms of CPU (140-190
// ms in the browser): the reading competes with the core for a machine's cores.
//
// A command ahead of the stream by at most SKIP bytes is reached by reading
// through (the gap's bytes are dropped as they come); one further ahead, or
// behind it, starts a new byte stream at its offset.
import type { StreamCommand } from './file-stream';

/** How a byte stream of the file is opened (Blob.slice(offset).stream(); another one in tests). */
export type OpenAt = (offset: number) => ReadableStreamDefaultReader<Uint8Array>;

export class SequentialReader {
  /** A gap up to this is read through rather than a new stream opened. */
  static readonly SKIP = 8 << 20;
  private readonly queue: StreamCommand[] = [];
  /** Per slot the ticket of the command that owns it now (the newest asked). */
  private readonly latest: number[] = [];
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** The file offset of `held[0]` (of the stream's next bytes when none are held). */
  private pos = 0;
  private held: Uint8Array | null = null;
  private running = false;
  private closed = false;
  readonly stats = { opened: 0, droppedBytes: 0 };

  constructor(
    private readonly open: OpenAt,
    private readonly flags: Int32Array,
    private readonly data: Uint8Array,
    private readonly chunk: number,
  ) {}

  /** A File's byte streams. */
  static overBlob(file: Blob, flags: Int32Array, data: Uint8Array, chunk: number): SequentialReader {
    return new SequentialReader((offset) => file.slice(offset).stream().getReader(), flags, data, chunk);
  }

  /** Reads `c` (after the commands before it) into its slot, then stores its
   *  ticket in the slot's flag (-ticket when the read failed). A command whose
   *  slot is asked for again before its turn is dropped. */
  push(c: StreamCommand): void {
    if (this.closed) return;
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
        if (this.latest[c.slot] !== c.ticket) continue;
        let ok: boolean;
        try {
          ok = await this.fill(c);
        } catch {
          ok = false;
        }
        if (!ok) this.drop(); // (the next command opens a new stream)
        if (this.closed || this.latest[c.slot] !== c.ticket) continue;
        Atomics.store(this.flags, c.slot, ok ? c.ticket : -c.ticket);
        Atomics.notify(this.flags, c.slot);
      }
    } finally {
      this.running = false;
    }
  }

  /** The bytes of `c` into its slot; false when the file ended first. */
  private async fill(c: StreamCommand): Promise<boolean> {
    if (!this.reader || c.offset < this.pos || c.offset - this.pos > SequentialReader.SKIP) {
      this.drop();
      this.reader = this.open(c.offset);
      this.pos = c.offset;
      this.stats.opened++;
    }
    const base = c.slot * this.chunk;
    let done = 0;
    while (done < c.length) {
      let bytes = this.held;
      this.held = null;
      if (!bytes) {
        const r = await this.reader.read();
        if (this.closed) return false;
        if (r.done || !r.value) return false;
        bytes = r.value;
      }
      const at = this.pos;
      const want = c.offset + done; // (≥ at)
      if (want > at) {
        // A gap before the command's bytes: dropped.
        const skip = Math.min(bytes.length, want - at);
        this.stats.droppedBytes += skip;
        this.pos += skip;
        if (skip < bytes.length) this.held = bytes.subarray(skip);
        continue;
      }
      const n = Math.min(bytes.length, c.length - done);
      // (a newer command for this slot meanwhile: its bytes come after these, in order)
      this.data.set(n === bytes.length ? bytes : bytes.subarray(0, n), base + done);
      done += n;
      this.pos += n;
      if (n < bytes.length) this.held = bytes.subarray(n);
    }
    return true;
  }

  private drop(): void {
    const r = this.reader;
    this.reader = null;
    this.held = null;
    if (r) r.cancel().catch(() => undefined);
  }
}
