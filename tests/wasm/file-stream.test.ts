// A local file read ahead asynchronously while the core reads it synchronously
// (wasm/io/file-stream.ts, and the source over it in file-source.ts), against a
// scripted reader: the bytes each read gets, what is asked for and when, and
// what a failed or silent reader does. The real reader worker
// (wasm/io/stream-reader.ts) runs in the browser tests, whose server makes the
// page cross-origin isolated (web/e2e/stream.spec.ts).
import { describe, expect, it } from 'vitest';
import { FileStream, type StreamCommand } from '../../wasm/io/file-stream';
import { aheadByteSource } from '../../wasm/io/file-source';
import { ReadAhead } from '../../wasm/io/read-ahead';
import { fileBytes, firstDiff } from './file-bytes';

const C = FileStream.CHUNK;

/** A reader that answers only while the stream waits (as a worker would,
 *  asynchronously): each wait completes the oldest command still pending, or
 *  all of them, in the order `order` gives; `fail` names the tickets to fail. */
function reader(
  file: Uint8Array,
  opts: { order?: 'fifo' | 'lifo'; fail?: (c: StreamCommand) => boolean; silent?: boolean; step?: number; failAfter?: number } = {},
) {
  const mem = FileStream.memory();
  const flags = new Int32Array(mem.flags);
  const data = new Uint8Array(mem.data);
  const pending: StreamCommand[] = [];
  const asked: StreamCommand[] = [];
  const latest: number[] = [];
  const complete = (c: StreamCommand) => {
    if (latest[c.slot] !== c.ticket) return; // asked for again meanwhile: dropped
    if (opts.fail?.(c)) {
      Atomics.store(flags, c.slot, -c.ticket);
      return;
    }
    data.set(file.subarray(c.offset, c.offset + c.length), c.slot * C);
    Atomics.store(flags, c.slot, c.ticket);
  };
  // With `step`: each wait fills the oldest command `step` bytes further, saying
  // so in its slot's fill words (as sequential-reader.ts does), then completes
  // it; `failAfter`: a command fails once that many of its bytes are filled.
  let filledOf = 0;
  const stepOn = (c: StreamCommand) => {
    const filling = FileStream.fillingWord(FileStream.SLOTS, c.slot);
    const filled = FileStream.filledWord(FileStream.SLOTS, c.slot);
    if (Atomics.load(flags, filling) !== c.ticket) {
      filledOf = 0;
      Atomics.store(flags, filled, 0);
      Atomics.store(flags, filling, c.ticket);
    }
    if (opts.failAfter !== undefined && filledOf >= opts.failAfter) {
      pending.shift();
      Atomics.store(flags, c.slot, -c.ticket);
      return;
    }
    const n = Math.min(opts.step as number, c.length - filledOf);
    data.set(file.subarray(c.offset + filledOf, c.offset + filledOf + n), c.slot * C + filledOf);
    filledOf += n;
    Atomics.store(flags, filled, filledOf);
    if (filledOf === c.length) {
      pending.shift();
      Atomics.store(flags, c.slot, c.ticket);
    }
  };
  let waits = 0;
  const port = {
    post(c: StreamCommand) {
      asked.push(c);
      latest[c.slot] = c.ticket;
      pending.push(c);
    },
    wait(): string {
      waits++;
      if (opts.silent || !pending.length) return 'timed-out';
      if (opts.step) stepOn(pending[0]);
      else complete((opts.order === 'lifo' ? pending.pop() : pending.shift()) as StreamCommand);
      return 'ok';
    },
  };
  const ready = () => Atomics.store(flags, FileStream.SLOTS, 1);
  return { mem, port, asked, pending, ready, waits: () => waits };
}

describe('FileStream', () => {
  it('reads nothing until its reader runs, then streams from where it is started', () => {
    const file = fileBytes(3 * C + 12_345);
    const r = reader(file);
    const s = new FileStream(file.length, r.port, r.mem);
    const heap = new Uint8Array(C);
    s.start(100);
    expect(r.asked).toHaveLength(0);
    expect(s.copy(100, 10, heap, 0)).toBe(0);
    r.ready();
    s.start(100);
    // two chunks at a start, not the whole window
    expect(r.asked.map((c) => [c.offset, c.length])).toEqual([
      [100, C],
      [100 + C, C],
    ]);
    expect(s.copy(99, 10, heap, 0)).toBe(0); // before the stream
    expect(s.copy(100 + 2 * C, 10, heap, 0)).toBe(0); // beyond what was asked for
    expect(s.copy(100, 1000, heap, 0)).toBe(1000);
    expect(firstDiff(heap.subarray(0, 1000), file.subarray(100, 1100))).toBe(-1);
  });

  it('gives every byte of a sequential read, across chunks and the short last one, asking for more as it goes', () => {
    const file = fileBytes(11 * C + 777);
    for (const order of ['fifo', 'lifo'] as const) {
      const r = reader(file, { order });
      r.ready();
      const s = new FileStream(file.length, r.port, r.mem);
      const heap = new Uint8Array(file.length);
      s.start(0);
      let at = 0;
      let step = 1;
      while (at < file.length) {
        const n = s.copy(at, Math.min(step, file.length - at), heap, at);
        expect(n).toBeGreaterThan(0);
        at += n;
        step = (step * 7 + 4093) % (3 * C); // reads of many sizes, some straddling two chunks
        // never more than SLOTS chunks asked for and not passed
        const passed = Math.floor(at / C);
        expect(r.asked.filter((c) => c.offset / C >= passed).length).toBeLessThanOrEqual(FileStream.SLOTS);
      }
      expect(at).toBe(file.length);
      expect(firstDiff(heap, file)).toBe(-1);
      expect(r.asked.map((c) => c.offset)).toEqual(Array.from({ length: 12 }, (_, k) => k * C));
      expect(r.asked[11].length).toBe(777);
      expect(s.stats.streamedBytes).toBe(file.length);
    }
  });

  it('drops a stream on a jump beyond it; a start elsewhere asks again, and a late answer for a slot asked again is not taken', () => {
    const file = fileBytes(20 * C);
    const r = reader(file);
    r.ready();
    const s = new FileStream(file.length, r.port, r.mem);
    const heap = new Uint8Array(64);
    s.start(0);
    expect(s.copy(10 * C, 64, heap, 0)).toBe(0);
    s.start(10 * C + 5);
    // the first stream's commands are still pending; its slots were asked for again
    expect(s.copy(10 * C + 5, 64, heap, 0)).toBe(64);
    expect(firstDiff(heap, file.subarray(10 * C + 5, 10 * C + 69))).toBe(-1);
  });

  it('fails a read the reader could not make, and then reads nothing more itself', () => {
    const file = fileBytes(4 * C);
    const r = reader(file, { fail: (c) => c.offset === C });
    r.ready();
    const s = new FileStream(file.length, r.port, r.mem);
    const heap = new Uint8Array(2 * C);
    s.start(0);
    expect(s.copy(0, C, heap, 0)).toBe(C);
    expect(s.copy(C, 10, heap, 0)).toBe(-1);
    expect(s.problem).toBe('the browser could not read the file');
    expect(s.copy(C, 10, heap, 0)).toBe(0);
  });

  it("waits for the bytes a read needs, not for the whole chunk, as the reader fills it; at the run's start, for STEP more when it must wait", () => {
    const file = fileBytes(2 * C);
    const step = 256 << 10;
    const S = FileStream.STEP / step; // (steps of the reader a wait takes)
    const r = reader(file, { step });
    r.ready();
    const s = new FileStream(file.length, r.port, r.mem);
    const heap = new Uint8Array(C);
    s.start(0);
    expect(s.copy(0, 1000, heap, 0)).toBe(1000);
    expect(r.waits()).toBe(S); // (1 MiB of the 4 MiB chunk)
    expect(Atomics.load(new Int32Array(r.mem.flags), 0)).toBe(0); // (the chunk is not done)
    expect(s.copy(1000, step, heap, 1000)).toBe(step); // there already: no wait
    expect(r.waits()).toBe(S);
    expect(firstDiff(heap.subarray(0, 1000 + step), file.subarray(0, 1000 + step))).toBe(-1);
    expect(s.copy(FileStream.STEP + 5, 10, heap, 0)).toBe(10); // past it: up to STEP more
    expect(r.waits()).toBe(2 * S + 1);
    expect(firstDiff(heap.subarray(0, 10), file.subarray(FileStream.STEP + 5, FileStream.STEP + 15))).toBe(-1);
    expect(s.copy(C - 10, 20, heap, 0)).toBe(20); // across into the next chunk, a later one of the run: all of it
    expect(r.waits()).toBe((2 * C) / step);
    expect(firstDiff(heap.subarray(0, 20), file.subarray(C - 10, C + 10))).toBe(-1);
    expect(s.copy(C + 10, C - 10, heap, 0)).toBe(C - 10); // (the rest: chunk 0 is behind the stream now)
    expect(firstDiff(heap.subarray(0, C - 10), file.subarray(C + 10))).toBe(-1);
  });

  it('gives the bytes filled before a read failed, and -1 for the rest', () => {
    const file = fileBytes(2 * C);
    const r = reader(file, { step: 64 << 10, failAfter: 128 << 10 });
    r.ready();
    const s = new FileStream(file.length, r.port, r.mem);
    const heap = new Uint8Array(C);
    s.start(0);
    expect(s.copy(0, 100 << 10, heap, 0)).toBe(100 << 10);
    expect(firstDiff(heap.subarray(0, 100 << 10), file.subarray(0, 100 << 10))).toBe(-1);
    expect(s.copy(100 << 10, 20 << 10, heap, 0)).toBe(20 << 10);
    expect(s.copy(120 << 10, 100 << 10, heap, 0)).toBe(-1);
    expect(s.problem).toBe('the browser could not read the file');
  });

  it('gives up on a reader that stops answering, waiting no longer than its deadline in all', () => {
    const file = fileBytes(2 * C);
    const r = reader(file, { silent: true });
    r.ready();
    // each wait returns after at most 8 ms (a spurious wake-up), not at its timeout
    const asked: number[] = [];
    const port = {
      post: r.port.post,
      wait: (_f: Int32Array, _i: number, _v: number, ms: number) => {
        asked.push(ms);
        const t = performance.now();
        while (performance.now() - t < Math.min(ms, 8));
        return 'timed-out';
      },
    };
    const s = new FileStream(file.length, port, r.mem, 20);
    s.start(0);
    const t = performance.now();
    expect(s.copy(0, 10, new Uint8Array(10), 0)).toBe(-1);
    expect(s.problem).toBe('the file reader stopped answering');
    expect(asked.length).toBeGreaterThan(1);
    expect(asked[asked.length - 1]).toBeLessThan(20); // what is left of the deadline, not the whole again
    expect(performance.now() - t).toBeLessThan(20 + 8 + 5);
  });

  it('stop() hands every read back to the caller', () => {
    const file = fileBytes(2 * C);
    const r = reader(file);
    r.ready();
    const s = new FileStream(file.length, r.port, r.mem);
    s.start(0);
    s.stop();
    expect(s.ready).toBe(false);
    expect(s.copy(0, 10, new Uint8Array(10), 0)).toBe(0);
    s.start(0);
    expect(r.asked).toHaveLength(2);
  });
});

describe('a file source with a stream', () => {
  // The core's reads of a tar: headers at small and large gaps, payloads
  // skipped or read, a few reads back (a member read again).
  function pattern(size: number): [number, number][] {
    const out: [number, number][] = [];
    let at = 0;
    let x = 12345;
    while (at < size) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const len = 512 + (x % 3 === 0 ? x % 70_000 : 0);
      out.push([at, Math.min(len, size - at)]);
      const gap = x % 211 === 0 ? 10 * C + (x % C) : x % 97 === 0 ? 3 * C : x % 29 === 0 ? 300_000 : x % 12_000;
      if (x % 41 === 0 && at > 100_000) out.push([at - 100_000, 4096]);
      at += len + gap;
    }
    return out;
  }

  it('gives the same bytes as reading the file, most of them from the stream', () => {
    const file = fileBytes(48 * C + 999);
    const r = reader(file);
    r.ready();
    const stream = new FileStream(file.length, r.port, r.mem);
    const fetched: number[] = [];
    const ahead = new ReadAhead({
      size: file.length,
      fetch: (o, n) => {
        fetched.push(n);
        return file.slice(o, o + n);
      },
    });
    ahead.capWindow(C);
    const heap = new Uint8Array(1 << 20);
    const src = aheadByteSource(ahead, file.length, 't.tar', () => heap, (e) => {
      throw e;
    }, stream);
    let read = 0;
    for (const [o, n] of pattern(file.length)) {
      expect(src.readInto(o, 16, n)).toBe(n);
      expect(firstDiff(heap.subarray(16, 16 + n), file.subarray(o, o + n))).toBe(-1);
      read += n;
    }
    expect(stream.stats.streamedBytes).toBeGreaterThan(read / 2);
    expect(stream.stats.streams).toBeGreaterThan(1); // started again after jumps beyond it
    expect(Math.max(...fetched)).toBeLessThanOrEqual(C);
    expect(src.readInto(file.length - 10, 16, 100)).toBe(10);
    expect(src.readInto(file.length, 16, 100)).toBe(0);
  });

  it("reads a layer's first bytes after the header scan from the windows the scan kept, not again", () => {
    const file = fileBytes(40 * C + 5);
    const r = reader(file);
    r.ready();
    const stream = new FileStream(file.length, r.port, r.mem);
    const fetched: number[] = [];
    const ahead = new ReadAhead({ size: file.length, fetch: (o, n) => (fetched.push(o), file.slice(o, o + n)) });
    ahead.capWindow(C);
    const heap = new Uint8Array(1 << 16);
    const src = aheadByteSource(ahead, file.length, 't.tar', () => heap, (e) => {
      throw e;
    }, stream);
    const headers = Array.from({ length: 12 }, (_, k) => k * 3 * C + 1024);
    for (const h of headers) expect(src.readInto(h, 0, 512)).toBe(512);
    expect(fetched).toEqual(headers);
    for (const h of headers) {
      expect(src.readInto(h + 512, 16, 512)).toBe(512);
      expect(firstDiff(heap.subarray(16, 16 + 512), file.subarray(h + 512, h + 1024))).toBe(-1);
    }
    expect(fetched).toEqual(headers);
    expect(stream.stats.streams).toBe(0);
  });

  it('starts the stream where the core announces a long run (willRead): no synchronous read, or only what sniffed its start', () => {
    const file = fileBytes(12 * C + 77);
    const setup = () => {
      const r = reader(file);
      r.ready();
      const stream = new FileStream(file.length, r.port, r.mem);
      const fetched: [number, number][] = [];
      const ahead = new ReadAhead({ size: file.length, fetch: (o, n) => (fetched.push([o, n]), file.slice(o, o + n)) });
      ahead.capWindow(C);
      const heap = new Uint8Array(2 << 20);
      const src = aheadByteSource(ahead, file.length, 't.tar', () => heap, (e) => {
        throw e;
      }, stream);
      // The blob's bytes in order, as a decoder reads them (1 MiB at a time).
      const run = (from: number, to: number) => {
        for (let at = from; at < to; ) {
          const n = src.readInto(at, 0, Math.min(1 << 20, to - at));
          expect(n).toBeGreaterThan(0);
          expect(firstDiff(heap.subarray(0, n), file.subarray(at, at + n))).toBe(-1);
          at += n;
        }
      };
      return { r, stream, fetched, ahead, src, run };
    };
    // Announced before any read: every byte from the stream, from the run's start.
    const a = setup();
    const blob = 3 * C + 5000;
    a.src.willRead!(blob, 6 * C);
    expect(a.r.asked[0].offset).toBe(blob);
    a.run(blob, blob + 6 * C);
    expect(a.fetched).toEqual([]);
    expect(a.stream.stats.streamedBytes).toBe(6 * C);
    // The first bytes already read (the blob sniffed): the stream starts where the window ends.
    const b = setup();
    expect(b.src.readInto(blob, 0, 8)).toBe(8);
    expect(b.fetched.length).toBe(1);
    b.src.willRead!(blob, 6 * C);
    expect(b.r.asked[0].offset).toBe(b.ahead.end);
    b.run(blob, blob + 6 * C);
    expect(b.fetched.length).toBe(1);
    // Before the reader runs: the run is read synchronously in the largest windows (4 MiB), not from 64 KiB up.
    const d = setup();
    Atomics.store(new Int32Array(d.r.mem.flags), FileStream.SLOTS, 0);
    d.src.willRead!(blob, 6 * C);
    d.run(blob, blob + 6 * C);
    expect(d.r.asked).toEqual([]);
    expect(d.fetched).toEqual(Array.from({ length: 6 }, (_, k) => [blob + k * C, C]));
    // A short run is read as before (synchronously), and announcing what the stream holds restarts nothing.
    const c = setup();
    c.src.willRead!(blob, FileStream.ADVISED - 1);
    expect(c.r.asked).toEqual([]);
    c.src.willRead!(blob, 6 * C);
    c.src.willRead!(blob + 1000, 5 * C);
    expect(c.stream.stats.streams).toBe(1);
  });

  it('answers -1 and says why when the stream fails', () => {
    const file = fileBytes(8 * C);
    const r = reader(file, { fail: (c) => c.offset > 2 * C });
    r.ready();
    const stream = new FileStream(file.length, r.port, r.mem);
    const ahead = new ReadAhead({ size: file.length, fetch: (o, n) => file.slice(o, o + n) });
    ahead.capWindow(C);
    const heap = new Uint8Array(1 << 20);
    const why: string[] = [];
    const src = aheadByteSource(ahead, file.length, 't.tar', () => heap, (e) => why.push(String(e)), stream);
    let at = 0;
    let n = 0;
    while (at < file.length && (n = src.readInto(at, 0, 65536)) > 0) at += n;
    expect(n).toBe(-1);
    expect(at).toBeGreaterThan(2 * C);
    expect(why).toEqual(['Error: the browser could not read the file']);
  });
});
