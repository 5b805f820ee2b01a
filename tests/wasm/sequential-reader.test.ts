// The reader worker's half of a FileStream (wasm/io/sequential-reader.ts)
// against a real Blob's byte streams (node's Blob, BYOB readers): the bytes each command's
// slot gets, its flag, the streams it opens (one for a run of chunks, a new one
// for a jump far ahead or back), superseded commands and a file ending early.
import { describe, expect, it } from 'vitest';
import { SequentialReader, type OpenAt } from '../../wasm/io/sequential-reader';
import { FileStream, type StreamCommand } from '../../wasm/io/file-stream';
import { fileBytes, firstDiff } from './file-bytes';

const CHUNK = 1 << 20;
const SLOTS = 4;

function setup(size: number, open?: (blob: Blob) => OpenAt) {
  const bytes = fileBytes(size);
  const blob = new Blob([bytes]);
  const flags = new Int32Array(new SharedArrayBuffer(4 * FileStream.flagWords(SLOTS)));
  const data = new Uint8Array(new SharedArrayBuffer(SLOTS * CHUNK));
  const opens: number[] = [];
  const at: OpenAt = open ? open(blob) : (offset) => blob.slice(offset).stream().getReader({ mode: 'byob' });
  const r = new SequentialReader((offset) => (opens.push(offset), at(offset)), flags, data, CHUNK, SLOTS);
  let ticket = 0;
  let run = 1;
  const ask = (slot: number, offset: number, length = Math.min(CHUNK, size - offset)): StreamCommand => {
    const c = { slot, ticket: ++ticket, offset, length, run };
    r.push(c);
    return c;
  };
  /** Resolves with the slot's flag once it is the command's ticket or its negative. */
  const settled = async (c: StreamCommand): Promise<number> => {
    for (let i = 0; i < 2000; i++) {
      const v = Atomics.load(flags, c.slot);
      if (v === c.ticket || v === -c.ticket) return v;
      await new Promise((res) => setTimeout(res, 1));
    }
    throw new Error(`slot ${c.slot} never settled for ticket ${c.ticket}`);
  };
  const slotBytes = (c: StreamCommand) => data.slice(c.slot * CHUNK, c.slot * CHUNK + c.length);
  const restart = () => ++run;
  return { bytes, r, ask, settled, slotBytes, opens, flags, restart };
}

/** A blob's byte streams giving 64 KiB a read, a read a millisecond. */
const slowly = (blob: Blob): OpenAt => (offset) => {
  const inner = blob.slice(offset).stream().getReader({ mode: 'byob' });
  return {
    read: async (v: Uint8Array) => (await new Promise((res) => setTimeout(res, 1)), inner.read(v.subarray(0, Math.min(v.length, 65536)))),
    cancel: (why?: unknown) => inner.cancel(why),
    releaseLock: () => inner.releaseLock(),
    closed: inner.closed,
  } as unknown as ReadableStreamBYOBReader;
};

describe('SequentialReader', () => {
  it('reads a run of chunks in order with one byte stream, the last one short', async () => {
    const size = 3 * CHUNK + 12345;
    const t = setup(size);
    const cs = [0, 1, 2, 3].map((k) => t.ask(k % SLOTS, 777 + k * CHUNK, Math.min(CHUNK, size - 777 - k * CHUNK)));
    for (const c of cs) {
      expect(await t.settled(c)).toBe(c.ticket);
      expect(firstDiff(t.slotBytes(c), t.bytes.slice(c.offset, c.offset + c.length))).toBe(-1);
    }
    expect(t.opens).toEqual([777]);
  });

  it('reads through a short gap, opens a new stream for a long jump ahead and for one back', async () => {
    const size = 40 * CHUNK;
    const t = setup(size);
    const a = t.ask(0, 0);
    const b = t.ask(1, 3 * CHUNK); // 2 MiB ahead: read through
    const c = t.ask(2, 3 * CHUNK + SequentialReader.SKIP + CHUNK + 5); // past SKIP: a new stream
    const d = t.ask(3, CHUNK); // behind: a new stream
    for (const x of [a, b, c, d]) {
      expect(await t.settled(x)).toBe(x.ticket);
      expect(firstDiff(t.slotBytes(x), t.bytes.slice(x.offset, x.offset + x.length))).toBe(-1);
    }
    expect(t.opens).toEqual([0, c.offset, CHUNK]);
    expect(t.r.stats.droppedBytes).toBe(2 * CHUNK);
  });

  it('says how far it has filled a slot as it goes: whose fill it is, then a count that only grows over bytes already there', async () => {
    // (the fill is watched between the stream's reads)
    const t = setup(4 * CHUNK, slowly);
    const filling = FileStream.fillingWord(SLOTS, 2);
    const filled = FileStream.filledWord(SLOTS, 2);
    const c = t.ask(2, 3000);
    const seen: number[] = [];
    while (Atomics.load(t.flags, c.slot) !== c.ticket) {
      if (Atomics.load(t.flags, filling) === c.ticket) {
        const n = Atomics.load(t.flags, filled);
        if (seen[seen.length - 1] !== n) {
          seen.push(n);
          expect(firstDiff(t.slotBytes(c).subarray(0, n), t.bytes.slice(c.offset, c.offset + n))).toBe(-1);
        }
      }
      await new Promise((res) => setTimeout(res, 0));
    }
    expect(seen.filter((n) => n > 0 && n < c.length).length).toBeGreaterThan(2); // (16 reads of 64 KiB)
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(Atomics.load(t.flags, filled)).toBe(c.length);
  });

  it('drops a command whose slot is asked for again before its turn', async () => {
    const t = setup(8 * CHUNK);
    const first = t.ask(0, 0);
    const stale = t.ask(1, CHUNK);
    const newer = t.ask(1, 2 * CHUNK);
    expect(await t.settled(first)).toBe(first.ticket);
    expect(await t.settled(newer)).toBe(newer.ticket);
    expect(firstDiff(t.slotBytes(newer), t.bytes.slice(2 * CHUNK, 3 * CHUNK))).toBe(-1);
    expect(Atomics.load(t.flags, stale.slot)).not.toBe(stale.ticket);
    expect(t.r.stats.droppedBytes).toBe(CHUNK); // (the dropped command's chunk, read through as a gap)
  });

  it('drops the commands of an earlier run still queued when the stream starts again, and the one it is reading', async () => {
    // (the first command is still being read when the next run comes)
    const t = setup(40 * CHUNK, slowly);
    const reading = t.ask(0, 0);
    const queued = [1, 2, 3].map((k) => t.ask(k, k * CHUNK));
    await new Promise((res) => setTimeout(res, 5));
    t.restart();
    const next = t.ask(0, 30 * CHUNK);
    expect(await t.settled(next)).toBe(next.ticket);
    expect(firstDiff(t.slotBytes(next), t.bytes.slice(30 * CHUNK, 31 * CHUNK))).toBe(-1);
    for (const c of [reading, ...queued]) expect(Atomics.load(t.flags, c.slot)).not.toBe(c.ticket);
    expect(t.opens).toEqual([0, 30 * CHUNK]); // (nothing of the earlier run read after the restart)
    expect(t.r.stats.droppedBytes).toBe(0);
  });

  it('fails a command the file cannot fill, and the next one reads again', async () => {
    const t = setup(2 * CHUNK);
    const past = t.ask(0, CHUNK + 100, CHUNK); // the file ends 100 bytes short of it
    expect(await t.settled(past)).toBe(-past.ticket);
    const again = t.ask(1, 10, 1000);
    expect(await t.settled(again)).toBe(again.ticket);
    expect(firstDiff(t.slotBytes(again), t.bytes.slice(10, 1010))).toBe(-1);
    expect(t.opens).toEqual([CHUNK + 100, 10]);
  });

  it('fails a command whose stream errors, with -ticket; the next one opens a new stream', async () => {
    let opened = 0;
    const t = setup(4 * CHUNK, (blob) => (offset) =>
      ++opened === 1
        ? new ReadableStream({
            type: 'bytes',
            pull(ctl) {
              ctl.error(new Error('NotReadableError'));
            },
          }).getReader({ mode: 'byob' })
        : blob.slice(offset).stream().getReader({ mode: 'byob' }),
    );
    const c = t.ask(2, 0);
    expect(await t.settled(c)).toBe(-c.ticket);
    const next = t.ask(3, 5000, 70000);
    expect(await t.settled(next)).toBe(next.ticket);
    expect(firstDiff(t.slotBytes(next), t.bytes.slice(5000, 75000))).toBe(-1);
    expect(t.opens).toEqual([0, 5000]);
  });

  it('closed while a read is pending: the stream is cancelled, the command not settled', async () => {
    let cancelled = false;
    const t = setup(4 * CHUNK, () => () =>
      ({
        read: () => new Promise<ReadableStreamReadResult<Uint8Array>>(() => undefined),
        cancel: async () => void (cancelled = true),
        releaseLock: () => undefined,
        closed: Promise.resolve(undefined),
      }) as unknown as ReadableStreamBYOBReader,
    );
    const c = t.ask(1, 0);
    await new Promise((res) => setTimeout(res, 5));
    t.r.close();
    await new Promise((res) => setTimeout(res, 5));
    expect(cancelled).toBe(true);
    expect(Atomics.load(t.flags, c.slot)).toBe(0);
  });

  it('reads nothing more once closed', async () => {
    const t = setup(4 * CHUNK);
    t.r.close();
    const c = t.ask(0, 0);
    await new Promise((res) => setTimeout(res, 20));
    expect(Atomics.load(t.flags, c.slot)).toBe(0);
    expect(t.opens).toEqual([]);
  });
});
