// A File read ahead asynchronously while the core reads it synchronously.
//
// The core's reads are synchronous (a ByteSource's read_at; emscripten 3.1.6
// has no JSPI to await a promise), so the worker reads a File with
// FileReaderSync: each call costs ~1 ms, and the core waits for every byte
// (0.4 GB archive, 32 MiB slices: 0.60-0.79 s only to read it). Where the page
// is cross-origin isolated (COOP + COEP: serve.mjs), SharedArrayBuffer and
// Atomics.wait are there, and a second worker (stream-reader.ts) can read the
// next slices with the browser's asynchronous reads (four in flight: 0.43-0.55
// s for the same file) into shared memory while the core works on the slice
// before: reading and indexing overlap.
//
// FileStream is the core worker's half. It is started at an offset once a read
// is plainly sequential (the ReadAhead window has grown to a chunk) and keeps
// the next SLOTS chunks of CHUNK bytes asked for, each in its slot; a read in
// that window waits for its bytes (the reader says how far it has filled a
// chunk), a read before or beyond it is not its (the caller reads it
// synchronously and may start the stream again further on).

/** The reader's command: read [offset, offset+length) of the file into `slot`,
 *  saying how far it got as it goes (FileStream.flags), then store `ticket` in
 *  the slot's flag (-ticket when the read failed).
 *  `run` counts the stream's starts: a command of an earlier run than one the
 *  reader has seen is not waited for any more (the reader drops it). */
export interface StreamCommand {
  slot: number;
  ticket: number;
  offset: number;
  length: number;
  run: number;
}

/** How FileStream talks to its reader: a command posted, a flag waited on. */
export interface StreamPort {
  post(cmd: StreamCommand): void;
  /** Atomics.wait's contract: 'ok' | 'not-equal' | 'timed-out'. */
  wait?(flags: Int32Array, index: number, value: number, timeoutMs: number): string;
}

export class FileStream {
  static readonly CHUNK = 4 << 20;
  static readonly SLOTS = 8;
  /** A run of reads is taken for a sequential one once the ReadAhead window
   *  has grown to this (three reads each just past the one before). */
  static readonly START = 256 << 10;
  /** A run announced by the core (willRead) at least this long starts the
   *  stream before its first read: shorter ones cost less read synchronously. */
  static readonly ADVISED = 1 << 20;
  /** The least a read waits for in a chunk being filled: the first read of a
   *  stream waits for this much of its chunk, not for the whole chunk. */
  static readonly STEP = 1 << 20;
  /** A reader silent this long is taken for gone (the read fails, code "io"). */
  static readonly TIMEOUT_MS = 60_000;
  /** `streams`: the starts so far, also each command's run (StreamCommand.run). */
  readonly stats = { streams: 0, streamedBytes: 0, waitMs: 0 };
  /** The shared words (flagWords): per slot the ticket of its last read (>0
   *  done, <0 failed, 0 none); at [SLOTS] the reader's 1 once it runs; then per
   *  slot the ticket the reader is filling it for (fillingWord) and how many of
   *  its bytes are there so far (filledWord), so a read waits for its own bytes,
   *  not for the whole chunk; then the ticket a read waits for and how many of
   *  its bytes it needs (waitingWord), so the reader wakes it when they are
   *  there rather than at each of its steps. */
  readonly flags: Int32Array;
  readonly data: Uint8Array;
  private readonly ticketOf = new Array<number>(FileStream.SLOTS).fill(0);
  private ticket = 0;
  private base = -1; // the file offset of the stream's chunk 0 (-1: none)
  private low = 0; // the stream's first chunk still held
  private next = 0; // the stream's first chunk not yet asked for
  private depth = 0; // chunks asked for ahead: from 2 at a start up to SLOTS as the run goes on
  private failure: string | null = null;

  constructor(
    readonly size: number,
    private readonly port: StreamPort,
    shared: { flags: SharedArrayBuffer; data: SharedArrayBuffer } = FileStream.memory(),
    private readonly timeoutMs = FileStream.TIMEOUT_MS,
  ) {
    this.flags = new Int32Array(shared.flags);
    this.data = new Uint8Array(shared.data);
  }

  /** The shared memory a FileStream and its reader use. */
  static memory(): { flags: SharedArrayBuffer; data: SharedArrayBuffer } {
    return { flags: new SharedArrayBuffer(4 * FileStream.flagWords(FileStream.SLOTS)), data: new SharedArrayBuffer(FileStream.SLOTS * FileStream.CHUNK) };
  }

  /** The Int32 words of `flags` for `slots` slots (see flags). */
  static flagWords(slots: number): number {
    return 3 * slots + 3;
  }
  /** The word holding the ticket the stream waits for (0: none), and the next
   *  one how many of its bytes it needs: the reader wakes it only then. */
  static waitingWord(slots: number): number {
    return 3 * slots + 1;
  }
  /** The word holding the ticket `slot` is being filled for. */
  static fillingWord(slots: number, slot: number): number {
    return slots + 1 + slot;
  }
  /** The word holding how many bytes of that ticket's chunk are in `slot`. */
  static filledWord(slots: number, slot: number): number {
    return 2 * slots + 1 + slot;
  }

  /** Whether the reader runs (it says so in the flags once started). */
  get ready(): boolean {
    return Atomics.load(this.flags, FileStream.SLOTS) === 1;
  }

  /** Why the last read failed (null when none did). */
  get problem(): string | null {
    return this.failure;
  }

  /** No more streaming (the reader is gone): every read is the caller's again. */
  stop(): void {
    Atomics.store(this.flags, FileStream.SLOTS, 0);
    this.base = -1;
  }

  /** Streams from `offset` on: the next two chunks are asked for, and one more
   *  for each chunk the reads move past, up to SLOTS (a run that soon jumps
   *  away leaves little read for nothing; what an earlier stream asked for and
   *  was not read yet is dropped by the reader). */
  start(offset: number): void {
    if (!this.ready || offset >= this.size) return;
    this.base = offset;
    this.low = this.next = 0;
    this.depth = 2;
    this.stats.streams++;
    this.fill();
  }

  /** Whether `offset` is in the stream's window (asked for, not passed). */
  holds(offset: number): boolean {
    if (this.base < 0 || offset < this.base) return false;
    const k = Math.floor((offset - this.base) / FileStream.CHUNK);
    return k >= this.low && k < this.next;
  }

  /** Copies bytes [offset, offset+len) into `heap` at `ptr` as far as the
   *  stream holds them, waiting for chunks asked for: the count copied (0 when
   *  `offset` is not in the stream's window), or -1 when a read failed. */
  copy(offset: number, len: number, heap: Uint8Array, ptr: number): number {
    if (this.base < 0 || offset < this.base) return 0;
    const C = FileStream.CHUNK;
    let done = 0;
    while (done < len) {
      const at = offset + done;
      if (at >= this.size) break;
      const k = Math.floor((at - this.base) / C);
      if (k < this.low || k >= this.next) break; // (not in the window: the caller reads it)
      // Chunks before the one read are done with: their slots take the next ones.
      if (k > this.low) {
        this.depth = Math.min(FileStream.SLOTS, this.depth + (k - this.low));
        this.low = k;
        this.fill();
      }
      const slot = k % FileStream.SLOTS;
      const from = at - (this.base + k * C);
      const chunkLen = Math.min(C, this.size - (this.base + k * C));
      const n = Math.min(len - done, chunkLen - from);
      // A read that has to wait in the run's first chunk waits for STEP bytes
      // past its start (the reader has just started: what a run's first read
      // waits for); in a later chunk, for the whole chunk, as before the fill
      // counts (a core ahead of the reader there, taking headers here and
      // there, wakes once a chunk, not at each header).
      const wake = k === 0 ? Math.min(chunkLen, from + Math.max(n, FileStream.STEP)) : chunkLen;
      if (!this.await(slot, from + n, wake)) return -1;
      heap.set(this.data.subarray(slot * C + from, slot * C + from + n), ptr + done);
      done += n;
    }
    this.stats.streamedBytes += done;
    return done;
  }

  /** Asks for the chunks of the window [low, low+SLOTS) not asked for yet. */
  private fill(): void {
    const C = FileStream.CHUNK;
    if (this.next < this.low) this.next = this.low;
    while (this.next < this.low + this.depth && this.base + this.next * C < this.size) {
      const k = this.next++;
      const slot = k % FileStream.SLOTS;
      const offset = this.base + k * C;
      this.ticketOf[slot] = ++this.ticket;
      this.port.post({ slot, ticket: this.ticket, offset, length: Math.min(C, this.size - offset), run: this.stats.streams });
    }
  }

  /** Waits until `slot` holds the first `need` bytes of its last read (the
   *  reader says how far it has filled a chunk as it goes: the first read of a
   *  stream waits for its 1 MiB, not for the whole 4 MiB chunk), and when it
   *  has to wait, for the first `wake` (≥ need); false (the stream stopped)
   *  when that read failed. */
  private await(slot: number, need: number, wake: number): boolean {
    const want = this.ticketOf[slot];
    const F = this.flags;
    const filling = FileStream.fillingWord(FileStream.SLOTS, slot);
    const filled = FileStream.filledWord(FileStream.SLOTS, slot);
    const there = (n: number): boolean => Atomics.load(F, filling) === want && Atomics.load(F, filled) >= n;
    let v = Atomics.load(F, slot);
    if (v === want || there(need)) return true;
    const t = performance.now();
    const wait = this.port.wait ?? ((f: Int32Array, i: number, x: number, ms: number) => Atomics.wait(f, i, x, ms));
    // Says what it waits for (the count before the ticket: a reader that sees
    // the ticket sees its count). The reader notifies the slot's word at each
    // step of its fill that reaches that, and stores in it when done: a notify
    // between the check and the wait is missed (the word's value did not
    // change), so that wait ends at the next step, or when the chunk is done.
    const waiting = FileStream.waitingWord(FileStream.SLOTS);
    Atomics.store(F, waiting + 1, wake);
    Atomics.store(F, waiting, want);
    while (v !== want && v !== -want && !there(wake)) {
      if (performance.now() - t >= this.timeoutMs) {
        v = 0;
        break;
      }
      wait(F, slot, v, this.timeoutMs - (performance.now() - t));
      v = Atomics.load(F, slot);
    }
    Atomics.store(F, waiting, 0);
    this.stats.waitMs += performance.now() - t;
    if (v === want || there(need)) return true; // (bytes filled before a failure are good)
    this.failure = v === -want ? 'the browser could not read the file' : 'the file reader stopped answering';
    this.base = -1;
    return false;
  }
}
