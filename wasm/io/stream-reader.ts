/// <reference lib="webworker" />
// The reader worker of the FileStreams (file-stream.ts) of one core worker:
// reads the chunks each stream asks for with a byte stream of its File
// (sequential-reader.ts: one Blob.stream() from the first chunk on, not one
// read per chunk) into that stream's shared slots, says how far it has filled a
// slot as it goes, and stores each command's ticket in its slot's flag when the
// bytes are there (-ticket when the read failed). A command whose slot was
// asked for again meanwhile is dropped: its bytes would overwrite the newer
// chunk's.
//
// The core worker starts it when it starts itself, not with a file: a worker
// started by a worker only comes up while its parent's event loop turns, and
// the core worker's turns stop while the core reads.
import type { StreamCommand } from './file-stream';
import { SequentialReader } from './sequential-reader';

/** A stream's start: its file and shared memory (FileStream.flags's words for `slots` slots, its "ready" word at [slots]). */
export interface StreamInit {
  init: number;
  file: Blob;
  flags: SharedArrayBuffer;
  data: SharedArrayBuffer;
  chunk: number;
  slots: number;
}
export type StreamMessage = StreamInit | { close: number } | (StreamCommand & { stream: number });

const streams = new Map<number, SequentialReader>();
/** Where a Blob's stream cannot be read into our buffers, no stream says it is ready. */
const supported = SequentialReader.supported();

self.onmessage = (e: MessageEvent<StreamMessage>) => {
  const m = e.data;
  if ('init' in m) {
    if (!supported) return; // (its FileStream is never ready: the core reads synchronously)
    const flags = new Int32Array(m.flags);
    streams.set(m.init, SequentialReader.overBlob(m.file, flags, new Uint8Array(m.data), m.chunk, m.slots));
    Atomics.store(flags, m.slots, 1);
    Atomics.notify(flags, m.slots);
    return;
  }
  if ('close' in m) {
    streams.get(m.close)?.close();
    streams.delete(m.close);
    return;
  }
  streams.get(m.stream)?.push(m);
};
