// Node unit tests of the page side of the worker protocol: wasm/client.ts
// (WorkerConnection, ArchiveClient, FileCursor) and web/src/engine's
// EngineArchive over it, against a scripted fake worker (no wasm, no browser):
// request ids, progress routing, the one error shape, cancel -> respawn ->
// re-open from the source descriptor, shared workers, cursors, verify.
//
//   make test-client    (cd web && npx vitest run --globals --environment node --root .. tests/wasm/)
import { ArchiveClient, CoreError, FileCursor, PARALLEL_EXPORT_MIN, PARALLEL_HASH_MIN, PARALLEL_INDEX_MIN, WorkerConnection, compressedAsAWhole, hashGroups, indexWorkersWanted, isCancelled } from '../../wasm/client';
import { HASH_WORKER_NAME, PROTOCOL_VERSION, type RequestMessage, type ResponseMessage, type SourceDescriptor } from '../../wasm/protocol';
import { EngineArchive } from '../../web/src/engine/archive';
import { fileByteSource, sourceProblem } from '../../wasm/io/file-source';
import { ReadAhead } from '../../wasm/io/read-ahead';

type Reply = (msg: ResponseMessage) => void;
/** How the fake worker answers one request; return undefined to answer later. */
type Script = (msg: RequestMessage, reply: Reply, worker: FakeWorker) => unknown | undefined;

const summary = (name: string, outer = 'none') => ({
  schema_version: 1,
  archive: { name, size: 10, outer_compression: outer, members: 1, members_of_note: [] },
  layout: 'oci-archive',
  layout_description: '',
  producer: '',
  warnings: [],
  images: [],
  attestations: [],
  bytes_read: 1,
});

/** A stand-in for a Worker running wasm/worker.ts: records what it was sent. */
class FakeWorker {
  onmessage: ((ev: { data: ResponseMessage }) => void) | null = null;
  onerror: unknown = null;
  onmessageerror: unknown = null;
  readonly sent: RequestMessage[] = [];
  terminated = false;
  /** Handles this worker gave out (a fresh worker starts again at 1). */
  next = 1;
  /** The source name of each archive handle this worker opened (standard script). */
  readonly names = new Map<number, string>();
  constructor(
    private readonly script: Script,
    readonly name = 'layerscope-core',
  ) {}
  postMessage(msg: RequestMessage): void {
    this.sent.push(msg);
    const reply: Reply = (r) => {
      if (!this.terminated) queueMicrotask(() => this.onmessage?.({ data: r }));
    };
    const result = this.script(msg, reply, this);
    if (result !== undefined) reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: result as never });
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** The default script: the requests of the protocol, answered at once. */
/** Layers read per fake worker (its one image has LAYERS layers; index reads a prefix of them). */
const LAYERS = 3;
const layersReadBy = new WeakMap<object, number>();
const readRow = (n: number) => [Array.from({ length: LAYERS }, (_, i) => i < n)];

const standard: Script = (msg, reply, w) => {
  switch (msg.type) {
    case 'open': {
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'scan', done: 5, total: 10, rate: 1, detail: '' } });
      w.names.set(w.next, msg.source.name);
      const all = !msg.layers || msg.layers === 'all';
      layersReadBy.set(w, all ? LAYERS : 0);
      return {
        archive: w.next++, summary: summary(msg.source.name), bytesRead: 1, elapsedMs: 1, loadMs: 0, io: { calls: 0, fetches: 0, fetchedBytes: 0, ms: 0 },
        indexed: all, layersRead: readRow(all ? LAYERS : 0),
      };
    }
    case 'index': {
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'index', done: 7, total: 10, rate: 1, detail: 'layer 0' } });
      const upto = msg.image === undefined || msg.layer === undefined || msg.layer < 0 ? LAYERS : msg.layer + 1;
      const n = Math.max(layersReadBy.get(w) ?? 0, upto);
      layersReadBy.set(w, n);
      return { summary: { ...summary('indexed'), bytes_read: 9 }, bytesRead: 9, elapsedMs: 2, io: { calls: 1, fetches: 1, fetchedBytes: 9, ms: 0 }, indexed: n === LAYERS, layersRead: readRow(n) };
    }
    case 'list':
      return {
        total: 3, offset: msg.offset, hasMore: msg.offset + 2 < 3, layer: 0, count: Math.min(2, 3 - msg.offset),
        paths: ['a', 'b', 'c'].slice(msg.offset, msg.offset + 2), archive: msg.archive,
      };
    case 'read':
      if ('cursor' in msg) return { data: new Uint8Array([msg.cursor, msg.offset]), eof: false, size: 100 };
      return { data: new Uint8Array(Math.min(msg.length, 5 - msg.offset)), eof: msg.offset + msg.length >= 5, size: 5 };
    case 'openFile':
      return { cursor: w.next++, size: 100 };
    case 'stats':
      return { bytesRead: 'archive' in msg ? 1000 + (msg.archive ?? 0) : 0 };
    case 'verify':
      return { summary: summary('verified'), elapsedMs: 1, bytesRead: 77, reopened: false };
    case 'verifyRows':
      return { schema_version: 1, ok: true, checked: 0, failed: 0, rows: [], archive: msg.archive };
    case 'verifyPlan': // small: hashed by the verify worker itself
      return { blobs: [{ blob: 0, member: 'l.tar', offset: 512, size: 1024 }] };
    case 'closeFile':
    case 'close':
      return null;
    default:
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'error', error: { code: 'not-found', message: `no ${msg.type}`, where: 'x' } });
      return undefined;
  }
};

/** A local file of 100 MiB whose index plan is two unread layers of 40 MiB
 *  (only its size is read: the fake workers answer for its content). */
function twoLayerFile(name: string) {
  const MiB = 1 << 20;
  const blobs = [
    { blob: 0, member: 'a.tar', offset: 1000, size: 40 * MiB },
    { blob: 1, member: 'b.tar', offset: 1000 + 40 * MiB, size: 40 * MiB },
  ];
  const big: SourceDescriptor = { kind: 'file', file: { size: 100 * MiB } as Blob, name };
  return { blobs, big };
}

function harness(script: Script = standard, onSpawn?: (w: FakeWorker, n: number) => void) {
  const workers: FakeWorker[] = [];
  const spawn = (name?: string) => {
    const w = new FakeWorker(script, name);
    onSpawn?.(w, workers.length);
    workers.push(w);
    return w as unknown as Worker;
  };
  return { workers, spawn };
}

/** The standard script, but archive handles are checked (an unknown one is
 *  "not-found", as in the core) and stats answer with the archive's name, so a
 *  request that reaches another client's archive shows. */
const namesArchives: Script = (msg, reply, w) => {
  if ('archive' in msg && msg.archive !== undefined) {
    const name = w.names.get(msg.archive);
    if (name === undefined) {
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'error', error: { code: 'not-found', message: `no archive ${msg.archive}`, where: 'core' } });
      return undefined;
    }
    if (msg.type === 'stats') return { bytesRead: name.charCodeAt(0) };
    if (msg.type === 'close') w.names.delete(msg.archive);
  }
  return standard(msg, reply, w);
};

const fileSource = (name = 'a.tar'): SourceDescriptor => ({ kind: 'file', file: new Blob([new Uint8Array(10)]), name });

describe('WorkerConnection', () => {
  it('numbers requests, carries the protocol version and resolves answers that come out of order', async () => {
    const pending: Array<() => void> = [];
    const { workers, spawn } = harness((msg, reply) => {
      pending.push(() => reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: `answer ${msg.id}` as never }));
      return undefined;
    });
    const conn = new WorkerConnection(spawn);
    const a = conn.call({ type: 'stats' });
    const b = conn.call({ type: 'stats' });
    const c = conn.call({ type: 'stats' });
    expect(workers).toHaveLength(1);
    expect(workers[0].sent.map((m) => [m.v, m.id])).toEqual([[PROTOCOL_VERSION, 1], [PROTOCOL_VERSION, 2], [PROTOCOL_VERSION, 3]]);
    pending[2]();
    pending[0]();
    pending[1]();
    expect(await Promise.all([a, b, c])).toEqual(['answer 1', 'answer 2', 'answer 3']);
  });

  it('routes progress events to the call they belong to', async () => {
    const replies = new Map<number, Reply>();
    const { spawn } = harness((msg, reply) => void replies.set(msg.id, reply));
    const conn = new WorkerConnection(spawn);
    const seen: string[] = [];
    const one = conn.call({ type: 'verify', archive: 1 }, { onProgress: (p) => seen.push(`one:${p.done}`) });
    const two = conn.call({ type: 'verify', archive: 2 }, { onProgress: (p) => seen.push(`two:${p.done}`) });
    const progress = (id: number, done: number) =>
      replies.get(id)!({ v: PROTOCOL_VERSION, id, type: 'progress', progress: { phase: 'verify', done, total: 9, rate: 0, detail: '' } });
    progress(2, 1);
    progress(1, 2);
    progress(2, 3);
    replies.get(1)!({ v: PROTOCOL_VERSION, id: 1, type: 'result', result: 'r1' as never });
    progress(1, 4); // after its result: dropped
    replies.get(2)!({ v: PROTOCOL_VERSION, id: 2, type: 'result', result: 'r2' as never });
    expect([await one, await two]).toEqual(['r1', 'r2']);
    expect(seen).toEqual(['two:1', 'one:2', 'two:3']);
  });

  it('turns error envelopes into CoreErrors with code, message and where', async () => {
    const { spawn } = harness();
    const conn = new WorkerConnection(spawn);
    const e = await conn.call({ type: 'manifest', archive: 1, image: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).envelope).toEqual({ code: 'not-found', message: 'no manifest', where: 'x' });
    expect(isCancelled(e)).toBe(false);
  });

  it('fails every pending call on terminate, a fatal message or another protocol version, then respawns', async () => {
    const { workers, spawn } = harness(() => undefined);
    const conn = new WorkerConnection(spawn);
    const a = conn.call({ type: 'stats' }).catch((e: CoreError) => e.code);
    const b = conn.call({ type: 'stats' }).catch((e: CoreError) => e.code);
    conn.terminate();
    expect(await Promise.all([a, b])).toEqual(['cancelled', 'cancelled']);
    expect(workers[0].terminated).toBe(true);
    expect(conn.alive).toBe(false);

    const c = conn.call({ type: 'stats' }).catch((e: CoreError) => [e.code, e.message]);
    expect(workers).toHaveLength(2);
    workers[1].onmessage!({ data: { v: PROTOCOL_VERSION, id: 0, type: 'fatal', error: { code: 'fatal', message: 'trap', where: 'worker' } } });
    expect(await c).toEqual(['fatal', 'trap']);

    const d = conn.call({ type: 'stats' }).catch((e: CoreError) => e.code);
    expect(workers).toHaveLength(3);
    workers[2].onmessage!({ data: { v: PROTOCOL_VERSION + 1, id: 1, type: 'result', result: null } as never });
    expect(await d).toBe('protocol');
    expect(conn.spawned).toBe(3);
  });
});

describe('ArchiveClient', () => {
  it('opens by source descriptor and names its handle in every request', async () => {
    const { workers, spawn } = harness();
    const src = fileSource();
    const client = new ArchiveClient(spawn, src);
    const progress: number[] = [];
    const r = await client.open({ onProgress: (p) => progress.push(p.done) });
    expect(r.archive).toBe(1);
    expect(progress).toEqual([5]);
    const open = workers[0].sent[0];
    expect(open.type === 'open' && open.source).toBe(src);
    await client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 });
    await client.pathHistory(0, 'etc').catch(() => undefined);
    expect(workers[0].sent.slice(1).map((m) => [m.type, 'archive' in m ? m.archive : null])).toEqual([
      ['list', 1],
      ['pathHistory', 1],
    ]);
  });

  it('summary first: views of files wait for one index request; summary-level requests do not need it', async () => {
    let holdIndex: (() => void) | null = null;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'index' && !holdIndex) {
        holdIndex = () => void reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: standard(msg, reply, w) as never });
        return undefined;
      }
      return standard(msg, reply, w);
    });
    const events: string[] = [];
    const client = new ArchiveClient(spawn, fileSource(), {
      onIndex: (e) => events.push(e.progress ? `progress ${e.progress.done}` : e.result ? `result ${e.result.bytesRead}` : 'error'),
    });
    const r = await client.open({ layers: 'headers' });
    expect(r.indexed).toBe(false);
    expect(client.summaryOnly).toBe(true);
    const open = workers[0].sent[0];
    expect(open.type === 'open' && open.layers).toBe('headers');
    // The manifest is a summary-level request: answered without indexing.
    await client.manifest(0).catch(() => undefined);
    expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'manifest']);
    // Two views of files at once: one index request, both wait for it.
    const list = client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 });
    const read = client.read({ image: 0, layer: -1, path: 'big', offset: 0, length: 5 });
    await new Promise((res) => setTimeout(res, 0));
    expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'manifest', 'index']);
    holdIndex!();
    expect((await list).total).toBe(3);
    expect((await read).size).toBe(5);
    expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'manifest', 'index', 'list', 'read']);
    expect(client.summaryOnly).toBe(false);
    expect(events).toEqual(['progress 7', 'result 9']);
    // Indexed: index() answers from the finished request, sending nothing.
    expect((await client.index()).bytesRead).toBe(9);
    expect(workers[0].sent.filter((m) => m.type === 'index')).toHaveLength(1);
  });

  it('layers on demand: a view reads the layers it needs (0..layer) once; a higher layer reads more; all read, nothing more is asked', async () => {
    const { workers, spawn } = harness();
    const parts: string[] = [];
    const client = new ArchiveClient(spawn, fileSource(), {
      onIndex: (e) => e.result && parts.push(`${e.part ? `${e.part.image}:${e.part.layer}` : 'all'} ${e.result.indexed}`),
    });
    await client.open({ layers: 'headers' });
    const indexes = () => workers[0].sent.filter((m) => m.type === 'index').map((m) => (m.type === 'index' ? `${m.image}:${m.layer}` : ''));
    await client.list({ image: 0, layer: 0, merged: false, prefix: '', offset: 0, limit: 2 });
    expect(indexes()).toEqual(['0:0']);
    // layer 0 again, and a read as of layer 0: nothing more to read
    await client.list({ image: 0, layer: 0, merged: true, prefix: '', offset: 0, limit: 2 });
    await client.read({ image: 0, layer: 0, path: 'big', offset: 0, length: 5 });
    expect(indexes()).toEqual(['0:0']);
    expect(client.summaryOnly).toBe(true);
    // a cursor as of layer 1 reads layers 0..1
    const c = await client.openFile(0, 1, 'big');
    expect(indexes()).toEqual(['0:0', '0:1']);
    await c.close();
    // the top (-1): the rest; then every layer is read
    await client.pathHistory(0, 'a').catch(() => undefined);
    expect(indexes()).toEqual(['0:0', '0:1', '0:-1']);
    expect(client.summaryOnly).toBe(false);
    expect(parts).toEqual(['0:0 false', '0:1 false', '0:-1 true']);
    await client.list({ image: 0, layer: 2, merged: true, prefix: '', offset: 0, limit: 2 });
    expect((await client.index()).indexed).toBe(true);
    expect(indexes()).toEqual(['0:0', '0:1', '0:-1']);
  });

  it('summary first, cancelled while indexing: a summary-level request re-opens summary only; a view of files indexes', async () => {
    let hold = true;
    const { workers, spawn } = harness((msg, reply, w) => (msg.type === 'index' && hold ? undefined : standard(msg, reply, w)));
    const errors: unknown[] = [];
    const results: number[] = [];
    const client = new ArchiveClient(spawn, fileSource(), { onIndex: (e) => (e.error ? errors.push(e.error) : e.result && results.push(e.result.bytesRead)) });
    await client.open({ layers: 'headers' });
    const indexing = client.index();
    await new Promise((res) => setTimeout(res, 0));
    client.cancel();
    await expect(indexing).rejects.toSatisfy(isCancelled);
    expect(errors).toHaveLength(1);
    hold = false;
    // The manifest (summary level) after the cancel: the fresh worker opens the headers only.
    await client.manifest(0).catch(() => undefined);
    expect(workers[1].sent.map((m) => [m.type, m.type === 'open' ? m.layers : null])).toEqual([
      ['open', 'headers'],
      ['manifest', null],
    ]);
    expect(client.summaryOnly).toBe(true);
    const page = await client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 });
    expect(page.total).toBe(3);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'manifest', 'index', 'list']);
    expect(client.summaryOnly).toBe(false);
    expect(results).toEqual([9]);
  });

  it('summary first, paused: views of files fail with "stopped" (no index, no respawn loop) until index() resumes', async () => {
    let hold = true;
    const { workers, spawn } = harness((msg, reply, w) => (msg.type === 'index' && hold ? undefined : standard(msg, reply, w)));
    const client = new ArchiveClient(spawn, fileSource());
    await client.open({ layers: 'headers' });
    const indexing = client.index();
    await new Promise((res) => setTimeout(res, 0));
    client.pauseIndexing();
    await expect(indexing).rejects.toSatisfy(isCancelled);
    hold = false;
    const list = () => client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 });
    await expect(list()).rejects.toMatchObject({ code: 'stopped', where: 'client' });
    await expect(list()).rejects.toMatchObject({ code: 'stopped' });
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open']); // headers only, nothing indexed
    await client.index();
    expect((await list()).total).toBe(3);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'index', 'list']);
  });

  it('an index that fails is reported once and tried again by the next view of files', async () => {
    let fail = true;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'index' && fail) {
        reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'error', error: { code: 'limit', message: 'too many entries', where: 'layer 2' } });
        return undefined;
      }
      return standard(msg, reply, w);
    });
    const errors: string[] = [];
    const client = new ArchiveClient(spawn, fileSource(), { onIndex: (e) => e.error && errors.push((e.error as CoreError).code) });
    await client.open({ layers: 'headers' });
    const list = () => client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 });
    await expect(list()).rejects.toMatchObject({ code: 'limit', where: 'layer 2' });
    expect(errors).toEqual(['limit']);
    fail = false;
    expect((await list()).total).toBe(3);
    expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'index', 'index', 'list']);
  });

  it('refuses calls before open', async () => {
    const { spawn } = harness();
    const client = new ArchiveClient(spawn, fileSource());
    await expect(client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 })).rejects.toMatchObject({
      code: 'invalid-argument',
      where: 'client',
    });
  });

  it('cancel terminates the worker; the next call respawns, re-opens the same source and uses the new handle', async () => {
    let hang = false;
    // The fresh worker's handles start at 7, so the test sees the new one is used.
    const { workers, spawn } = harness(
      (msg, reply, w) => (hang && msg.type === 'read' ? undefined : standard(msg, reply, w)),
      (w, n) => void (n === 1 && (w.next = 7)),
    );
    const src = fileSource();
    const reopen: Array<number | null> = [];
    const client = new ArchiveClient(spawn, src, { onReopen: (p) => reopen.push(p ? p.done : null) });
    await client.open();
    hang = true;
    const stuck = client.read({ image: 0, layer: -1, path: 'big', offset: 0, length: 5 });
    await Promise.resolve();
    client.cancel();
    await expect(stuck).rejects.toSatisfy(isCancelled);
    expect(workers[0].terminated).toBe(true);
    hang = false;
    const r = client.read({ image: 0, layer: -1, path: 'big', offset: 0, length: 5 });
    expect(workers).toHaveLength(2);
    expect((await r).size).toBe(5);
    const sent = workers[1].sent;
    expect(sent.map((m) => m.type)).toEqual(['open', 'read']);
    expect(sent[0].type === 'open' && sent[0].source).toBe(src);
    expect(sent[1].type === 'read' && 'archive' in sent[1] && sent[1].archive).toBe(7);
    expect(reopen).toEqual([5, null]);
    expect(client.workersSpawned).toBe(2);
    // No re-open while the worker lives.
    await client.bytesRead();
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.filter((m) => m.type === 'open')).toHaveLength(1);
  });

  it('an aborted signal cancels the call and the next call re-opens', async () => {
    const { workers, spawn } = harness((msg, reply, w) => (msg.type === 'list' ? undefined : standard(msg, reply, w)));
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const ac = new AbortController();
    const p = client.list({ image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 2 }, { signal: ac.signal });
    await Promise.resolve();
    ac.abort();
    await expect(p).rejects.toSatisfy(isCancelled);
    expect(await client.bytesRead()).toBe(1001);
    expect(workers).toHaveLength(2);
  });

  it('several archives share one worker; a cancel makes each re-open its own source', async () => {
    const { workers, spawn } = harness();
    const conn = new WorkerConnection(spawn);
    const a = new ArchiveClient(spawn, fileSource('a.tar'), { connection: conn });
    const b = new ArchiveClient(spawn, fileSource('b.tar'), { connection: conn });
    expect((await a.open()).archive).toBe(1);
    expect((await b.open()).archive).toBe(2);
    expect(await a.bytesRead()).toBe(1001);
    expect(await b.bytesRead()).toBe(1002);
    expect(workers).toHaveLength(1);
    b.cancel();
    expect(await b.bytesRead()).toBe(1001); // b re-opened first in the fresh worker
    expect(await a.bytesRead()).toBe(1002);
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.filter((m) => m.type === 'open').map((m) => (m.type === 'open' ? m.source.name : ''))).toEqual(['b.tar', 'a.tar']);
    // dispose of a shared archive closes it, and leaves the worker running.
    a.dispose();
    await Promise.resolve();
    expect(workers[1].sent.at(-1)).toMatchObject({ type: 'close', archive: 2 });
    expect(workers[1].terminated).toBe(false);
  });

  it('compareImages sends both handles of one worker; after a cancel both archives re-open first; another worker\'s archive is refused', async () => {
    const diffs: { archive: number; against: number; names: string[] }[] = [];
    const script: Script = (msg, reply, w) => {
      if (msg.type === 'diff' && 'against' in msg) {
        diffs.push({ archive: msg.archive, against: msg.against, names: [w.names.get(msg.archive) ?? '?', w.names.get(msg.against) ?? '?'] });
        return { schema_version: 1, kind: 'images', changes: [] };
      }
      return namesArchives(msg, reply, w);
    };
    const { workers, spawn } = harness(script);
    const conn = new WorkerConnection(spawn);
    const a = new ArchiveClient(spawn, fileSource('a.tar'), { connection: conn });
    const b = new ArchiveClient(spawn, fileSource('b.tar'), { connection: conn });
    await a.open();
    await b.open();
    await a.compareImages({ image: 0, otherImage: 1 }, b);
    await a.compareImages({ image: 0, otherImage: 1 }); // another image of the same archive
    a.cancel();
    await a.compareImages({ image: 0, otherImage: 0, path: 'etc/x', content: true }, b);
    expect(diffs.map((d) => d.names.join('|'))).toEqual(['a.tar|b.tar', 'a.tar|a.tar', 'a.tar|b.tar']);
    expect(workers).toHaveLength(2);
    const last = workers[1].sent.find((m) => m.type === 'diff');
    expect(last).toMatchObject({ type: 'diff', image: 0, against_image: 0, path: 'etc/x', content: true });
    const c = new ArchiveClient(spawn, fileSource('c.tar'));
    await c.open();
    await expect(a.compareImages({ image: 0, otherImage: 0 }, c)).rejects.toMatchObject({ code: 'invalid-argument' });
    c.dispose();
  });

  it('file cursors read by cursor and are opened again after a respawn', async () => {
    const { workers, spawn } = harness();
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const c1: FileCursor = await client.openFile(0, 1, 'etc/a');
    const c2: FileCursor = await client.openFile(0, 2, 'etc/a');
    expect([c1.size, c2.size]).toEqual([100, 100]);
    expect([...(await c1.read(0, 10)).data]).toEqual([2, 0]);
    expect([...(await c2.read(4, 10)).data]).toEqual([3, 4]);
    client.cancel();
    expect([...(await c2.read(8, 10)).data]).toEqual([2, 8]); // re-opened archive (1), then cursor 2
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'openFile', 'read']);
    expect(workers[1].sent[1]).toMatchObject({ type: 'openFile', archive: 1, image: 0, layer: 2, path: 'etc/a' });
    await c2.close();
    expect(workers[1].sent.at(-1)).toMatchObject({ type: 'closeFile', cursor: 2 });
    await expect(c2.read(0, 1)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('verify runs in a worker of its own: a local file hashed without indexing; cancelVerify leaves browsing alone', async () => {
    const { workers, spawn } = harness((msg, reply, w) => (msg.type === 'verify' && hang ? undefined : standard(msg, reply, w)));
    let hang = true;
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const v = client.verify();
    await vi.waitFor(() => expect(workers[1]?.sent.map((m) => m.type)).toEqual(['open', 'verifyPlan', 'verify']));
    expect(workers[1].sent[0]).toMatchObject({ type: 'open', layers: 'headers' });
    expect(workers[1].sent[0]).not.toHaveProperty('verify');
    // 1 KiB of plain blobs: hashed by the verify worker itself, no digests sent
    expect(workers[1].sent[2]).toMatchObject({ type: 'verify', archive: 1, hostHash: true });
    expect(workers[1].sent[2]).not.toHaveProperty('digests');
    client.cancelVerify();
    await expect(v).rejects.toSatisfy(isCancelled);
    expect(workers[0].terminated).toBe(false);
    hang = false;
    const r = await client.verify();
    expect(r.reopened).toBe(false);
    // The rows are asked of the verifying worker, for the handle its open gave;
    // the summary and bytes are the verify request's.
    expect(workers[2].sent.map((m) => m.type)).toEqual(['open', 'verifyPlan', 'verify', 'verifyRows']);
    expect(r.rows).toMatchObject({ ok: true, archive: (workers[2].sent[3] as { archive: number }).archive });
    expect(r.summary.archive.name).toBe('verified');
    expect(r.bytesRead).toBe(77);
    expect(workers[0].sent.some((m) => m.type === 'verifyRows' || m.type === 'verify')).toBe(false);
    expect(client.verifyWorkersSpawned).toBe(2);
    expect((await client.verify()).elapsedMs).toBe(0); // answered from the first
    expect(workers).toHaveLength(3);
  });

  it('verify spreads a big local archive\'s plain blobs over hashWorkers workers, whole blobs each, and hands the digests to the core', async () => {
    const MiB = 1 << 20;
    // five plain blobs (blob numbers not in file order), 100 MiB in all
    const blobs = [
      { blob: 3, member: 'c.tar', offset: 1000, size: 40 * MiB },
      { blob: 1, member: 'a.tar', offset: 1000 + 40 * MiB, size: 30 * MiB },
      { blob: 4, member: 'd.tar', offset: 2000 + 70 * MiB, size: 20 * MiB },
      { blob: 0, member: 'cfg', offset: 500, size: 300 },
      { blob: 2, member: 'b.tar', offset: 3000 + 90 * MiB, size: 10 * MiB },
    ];
    let hang = false;
    let slow = false;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'verifyPlan') return { blobs };
      if (msg.type !== 'hashRanges') return standard(msg, reply, w);
      if (hang && w.name === HASH_WORKER_NAME) return undefined;
      if (slow && w.name !== HASH_WORKER_NAME) {
        setTimeout(() => reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: { digests: msg.ranges.map((r) => `sha256:at-${r.offset}`) } as never }), 50);
        return undefined;
      }
      const total = msg.ranges.reduce((n, r) => n + r.size, 0);
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'verify', done: total, total, rate: 1, detail: msg.ranges[0].label ?? '' } });
      return { digests: msg.ranges.map((r) => `sha256:at-${r.offset}`) };
    });
    const client = new ArchiveClient(spawn, fileSource(), { hashWorkers: 3 });
    await client.open();
    const seen: number[] = [];
    const r = await client.verify({ onProgress: (p) => p.phase === 'verify' && seen.push(p.done) });
    expect(r.rows.ok).toBe(true);
    // the browsing worker, the verify worker, two that only hash (named so: no core)
    expect(workers.map((w) => w.name)).toEqual(['layerscope-core', 'layerscope-core', HASH_WORKER_NAME, HASH_WORKER_NAME]);
    const types = workers[1].sent.map((m) => m.type);
    expect(types.slice(0, 3)).toEqual(['open', 'verifyPlan', 'hashRanges']);
    expect(types.slice(-2)).toEqual(['verify', 'verifyRows']);
    expect(types.slice(2, -2).every((t) => t === 'hashRanges')).toBe(true);
    for (const w of workers.slice(2)) {
      expect(w.sent.length).toBeGreaterThan(0);
      expect(w.sent.every((m) => m.type === 'hashRanges')).toBe(true);
      expect(w.terminated).toBe(true);
    }
    // every blob hashed once, whole, one per request; the largest first: the
    // three workers' first requests are the three largest blobs, and each
    // worker's blobs come largest first
    const asked = workers.slice(1).map((w) => w.sent.filter((m) => m.type === 'hashRanges').map((m) => (m as { ranges: { offset: number; size: number }[] }).ranges));
    for (const rs of asked.flat()) expect(rs).toHaveLength(1);
    const sizes = asked.map((calls) => calls.map((rs) => rs[0].size / MiB));
    expect(asked.flat(2).map((x) => x.offset).sort((a, b) => a - b)).toEqual(blobs.map((b) => b.offset).sort((a, b) => a - b));
    expect(sizes.map((x) => x[0]).sort((a, b) => a - b)).toEqual([20, 30, 40]);
    for (const x of sizes) expect(x).toEqual([...x].sort((a, b) => b - a));
    // the digests go to the core by blob number, each the one of that blob's range
    const v = workers[1].sent.find((m) => m.type === 'verify') as { hostHash: boolean; digests: { blobs: number[]; digests: string[]; bytes: number } };
    expect(v.hostHash).toBe(true);
    const byBlob = Object.fromEntries(v.digests.blobs.map((b, i) => [b, v.digests.digests[i]]));
    expect(byBlob).toEqual(Object.fromEntries(blobs.map((b) => [b.blob, `sha256:at-${b.offset}`])));
    expect(v.digests.bytes).toBe(blobs.reduce((n, b) => n + b.size, 0));
    // progress: the bytes all workers hashed, up to the sum
    expect(seen.at(-1)).toBe(v.digests.bytes);
    expect(client.verifyWorkersSpawned).toBe(1);
    expect(client.hashWorkersSpawned).toBe(2);
    expect(workers[0].sent.some((m) => m.type === 'hashRanges' || m.type === 'verify')).toBe(false);

    // a slower worker takes fewer blobs: the verify worker answers its first
    // request late, the one hashing worker takes every other blob meanwhile
    slow = true;
    const m = workers.length;
    const paced = new ArchiveClient(spawn, fileSource(), { hashWorkers: 2 });
    await paced.open();
    await paced.verify();
    const took = (w: (typeof workers)[number]) => w.sent.filter((x) => x.type === 'hashRanges').map((x) => (x as { ranges: { size: number }[] }).ranges[0].size / MiB);
    expect(took(workers[m + 1])).toEqual([40]);
    expect(took(workers[m + 2])).toEqual([30, 20, 10, 300 / MiB]);
    slow = false;

    // cancelVerify stops the hashing workers too; browsing is left alone
    hang = true;
    const again = new ArchiveClient(spawn, fileSource(), { hashWorkers: 2 });
    await again.open();
    const n = workers.length;
    const p = again.verify();
    // its verify worker (n) and one hashing worker (n + 1); its browsing worker is n - 1
    await vi.waitFor(() => expect(workers.length).toBe(n + 2));
    await vi.waitFor(() => expect(workers[n + 1].sent.map((m) => m.type)).toEqual(['hashRanges']));
    again.cancelVerify();
    await expect(p).rejects.toSatisfy(isCancelled);
    expect(workers[n].terminated && workers[n + 1].terminated).toBe(true);
    expect(workers[n - 1].terminated).toBe(false);
  });

  it('index spreads a big local archive\'s unread layers over indexWorkers workers: helpers read whole blobs, the archive\'s worker reads its group and adopts theirs', async () => {
    const MiB = 1 << 20;
    const blobs = [
      { blob: 2, member: 'c.tar', offset: 1000, size: 40 * MiB },
      { blob: 0, member: 'a.tar', offset: 1000 + 40 * MiB, size: 30 * MiB },
      { blob: 1, member: 'b.tar', offset: 2000 + 70 * MiB, size: 20 * MiB },
      { blob: 3, member: 'd.tar', offset: 3000 + 90 * MiB, size: 10 * MiB },
    ];
    // a File as big as the archive (only its size is read here)
    const big: SourceDescriptor = { kind: 'file', file: { size: 200 * MiB } as Blob, name: 'big.tar' };
    let hang = false;
    let failBlob = -1;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'indexPlan') return { blobs };
      if (msg.type === 'readLayer') {
        if (hang) return undefined;
        if (msg.blob === failBlob) {
          reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'error', error: { code: 'io', message: 'could not read', where: 'x' } });
          return undefined;
        }
        const size = blobs.find((b) => b.blob === msg.blob)!.size;
        reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'index', done: size, total: size, rate: 1, detail: 'm' } });
        return { blob: msg.blob, data: new Uint8Array([msg.blob, 7]) };
      }
      if (msg.type === 'stats') return { bytesRead: 1 + 100 };
      return standard(msg, reply, w);
    });
    const seen: number[] = [];
    const client = new ArchiveClient(spawn, big, { indexWorkers: 3, onIndex: (e) => e.progress && seen.push(e.progress.done) });
    await client.open({ layers: 'headers' });
    // the helpers start with the summary-first open and open the same file at once, headers only; nothing more yet
    await vi.waitFor(() => expect(workers).toHaveLength(3));
    const main = workers[0];
    for (const w of workers.slice(1)) {
      await vi.waitFor(() => expect(w.sent).toHaveLength(1));
      expect(w.sent[0]).toMatchObject({ type: 'open', layers: 'headers', source: { kind: 'file', name: 'big.tar' } });
    }
    const r = await client.index();
    expect(r.indexed).toBe(true);
    expect(workers).toHaveLength(3);
    // each opened the same file, headers only, once
    for (const w of workers.slice(1)) expect(w.sent.filter((m) => m.type === 'open')).toEqual([expect.objectContaining({ type: 'open', source: big, layers: 'headers' })]);
    expect(main.sent.map((m) => m.type)).toEqual(['open', 'indexPlan', 'index', 'index']);
    for (const w of workers.slice(1)) {
      expect(w.sent.slice(1, -1).every((m) => m.type === 'readLayer')).toBe(true);
      expect(w.sent.at(-1)!.type).toBe('stats');
      expect(w.terminated).toBe(true);
    }
    // every blob read once: the archive's worker its group, the helpers theirs (about equal bytes)
    const own = (main.sent[2] as { blobs: number[] }).blobs;
    const readBy = (w: (typeof workers)[number]) => w.sent.filter((m) => m.type === 'readLayer').map((m) => (m as { blob: number }).blob);
    const helped = workers.slice(1).flatMap(readBy);
    expect([...own, ...helped].sort()).toEqual([0, 1, 2, 3]);
    const bytesOf = (ids: number[]) => ids.reduce((n, id) => n + blobs.find((b) => b.blob === id)!.size, 0) / MiB;
    expect([bytesOf(own), ...workers.slice(1).map((w) => bytesOf(readBy(w)))].sort((a, b) => a - b)).toEqual([30, 30, 40]);
    // then the helpers' reads handed to the archive's worker, every unread blob named (those read are skipped)
    const last = main.sent[3] as { blobs: number[]; reads: { blob: number; data: Uint8Array }[] };
    expect([...last.blobs].sort()).toEqual([0, 1, 2, 3]);
    expect(last.reads.map((x) => x.blob).sort()).toEqual([...helped].sort());
    for (const x of last.reads) expect([...x.data]).toEqual([x.blob, 7]);
    // progress: bytes read by all of them, up to the sum; bytes read include the helpers'
    expect(Math.max(...seen)).toBe(100 * MiB);
    expect(r.bytesRead).toBe(9 + 2 * 100);
    expect(client.indexWorkersSpawned).toBe(2);

    // a helper that fails leaves its blobs to the archive's worker (not handed over)
    failBlob = 2;
    const n = workers.length;
    const again = new ArchiveClient(spawn, big, { indexWorkers: 3 });
    await again.open({ layers: 'headers' });
    await again.index();
    const final = workers[n].sent.at(-1) as { type: string; blobs: number[]; reads: { blob: number }[] };
    expect(final.type).toBe('index');
    expect(final.reads.map((x) => x.blob)).not.toContain(2);
    expect([...final.blobs].sort()).toEqual([0, 1, 2, 3]);

    // cancel (a Stop) terminates the helpers too
    failBlob = -1;
    hang = true;
    const m = workers.length;
    const third = new ArchiveClient(spawn, big, { indexWorkers: 2 });
    await third.open({ layers: 'headers' });
    const p = third.index();
    await vi.waitFor(() => expect(workers[m + 1]?.sent.map((x) => x.type)).toEqual(['open', 'readLayer']));
    third.cancel();
    await expect(p).rejects.toSatisfy(isCancelled);
    expect(workers[m].terminated && workers[m + 1].terminated).toBe(true);

    // an open that reads every layer itself starts no helper, nor one of a file compressed as a whole
    const fourth = new ArchiveClient(spawn, big, { indexWorkers: 3 });
    const before = workers.length;
    await fourth.open();
    expect(workers.length).toBe(before + 1);
    const gz = Object.assign(new Blob([new Uint8Array([0x1f, 0x8b, 8, 0])]), {}) as Blob;
    Object.defineProperty(gz, 'size', { value: 200 * MiB });
    const fifth = new ArchiveClient(spawn, { kind: 'file', file: gz, name: 'a.tar.gz' }, { indexWorkers: 3 });
    await fifth.open({ layers: 'headers' });
    await new Promise((res) => setTimeout(res, 20));
    expect(workers.length).toBe(before + 2);
    expect(compressedAsAWhole(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]))).toBe(true);
    expect(compressedAsAWhole(new Uint8Array([0x6d, 0x61, 0x6e]))).toBe(false);

    // a small archive, or one worker: one index request as before
    const small = new ArchiveClient(spawn, fileSource(), { indexWorkers: 4 });
    await small.open({ layers: 'headers' });
    const k = workers.length;
    await small.index();
    expect(workers[k - 1].sent.map((x) => x.type)).toEqual(['open', 'index']);
    expect(PARALLEL_INDEX_MIN).toBeGreaterThan(10);
  });

  it('index\'s helpers open the file at once but read only once helpersAfter settles (the page\'s first render); the archive\'s worker reads its group meanwhile', async () => {
    const { blobs, big } = twoLayerFile('big.tar');
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'indexPlan') return { blobs };
      if (msg.type === 'readLayer') return { blob: msg.blob, data: new Uint8Array([msg.blob]) };
      if (msg.type === 'stats') return { bytesRead: 1 };
      return standard(msg, reply, w);
    });
    const client = new ArchiveClient(spawn, big, { indexWorkers: 2 });
    await client.open({ layers: 'headers' });
    let drawn!: () => void;
    const p = client.index({ helpersAfter: new Promise<void>((r) => (drawn = r)) });
    await vi.waitFor(() => expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'indexPlan', 'index']));
    await new Promise((r) => setTimeout(r, 30));
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open']);
    drawn();
    const r = await p;
    expect(r.indexed).toBe(true);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'readLayer', 'stats']);
    expect((workers[0].sent.at(-1) as { reads: { blob: number }[] }).reads.map((x) => x.blob)).toEqual([(workers[1].sent[1] as { blob: number }).blob]);

    // a gate that fails lets them read too (it only says when)
    const n = workers.length;
    const again = new ArchiveClient(spawn, big, { indexWorkers: 2 });
    await again.open({ layers: 'headers' });
    await again.index({ helpersAfter: Promise.reject(new Error('no view')) });
    expect(workers[n + 1].sent.map((m) => m.type)).toEqual(['open', 'readLayer', 'stats']);

    // a cancel while they wait ends them; the gate settling later starts no worker
    const k = workers.length;
    const third = new ArchiveClient(spawn, big, { indexWorkers: 2 });
    await third.open({ layers: 'headers' });
    let late!: () => void;
    const p3 = third.index({ helpersAfter: new Promise<void>((r) => (late = r)) });
    await vi.waitFor(() => expect(workers[k].sent.map((m) => m.type)).toEqual(['open', 'indexPlan', 'index']));
    third.cancel();
    await expect(p3).rejects.toSatisfy(isCancelled);
    const spawned = workers.length;
    late();
    await new Promise((r) => setTimeout(r, 30));
    expect(workers.length).toBe(spawned);
    expect(workers[k + 1].sent.map((m) => m.type)).toEqual(['open']);
    expect(workers[k + 1].terminated).toBe(true);

    // One index worker (two cores: a core left to the page) and a big file: the
    // archive's own worker waits for the gate too, then reads every layer.
    const j = workers.length;
    const one = new ArchiveClient(spawn, big, { indexWorkers: 1 });
    await one.open({ layers: 'headers' });
    let shown!: () => void;
    const p4 = one.index({ helpersAfter: new Promise<void>((r) => (shown = r)) });
    await new Promise((r) => setTimeout(r, 30));
    expect(workers[j].sent.map((m) => m.type)).toEqual(['open']);
    shown();
    expect((await p4).indexed).toBe(true);
    expect(workers[j].sent.map((m) => m.type)).toEqual(['open', 'index']);
    expect(workers.length).toBe(j + 1);
    // a cancel while it waits: cancelled, and the gate settling later sends nothing
    const five = new ArchiveClient(spawn, big, { indexWorkers: 1 });
    await five.open({ layers: 'headers' });
    let never!: () => void;
    const p5 = five.index({ helpersAfter: new Promise<void>((r) => (never = r)) });
    await new Promise((r) => setTimeout(r, 10));
    five.cancel();
    await expect(p5).rejects.toSatisfy(isCancelled);
    never();
    await new Promise((r) => setTimeout(r, 30));
    expect(workers[j + 1].sent.map((m) => m.type)).toEqual(['open']);
    // a small file's one worker does not wait (its render and index are short)
    const small = new ArchiveClient(spawn, fileSource('small.tar'), { indexWorkers: 1 });
    await small.open({ layers: 'headers' });
    const held = small.index({ helpersAfter: new Promise<void>(() => undefined) });
    expect((await held).indexed).toBe(true);
  });

  it('an archive indexed on another archive\'s connection (the Compare tab\'s): when that one cancels while only its helpers read, they end with the worker and its index fails as cancelled, re-opening nothing', async () => {
    const { blobs, big } = twoLayerFile('other.tar');
    let planHangs = false;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'indexPlan') return planHangs ? undefined : { blobs };
      if (msg.type === 'readLayer') return undefined; // a helper reading on (never answers)
      return standard(msg, reply, w);
    });
    const page = new ArchiveClient(spawn, fileSource('page.tar'));
    await page.open();
    const other = new ArchiveClient(spawn, big, { connection: page.connection, indexWorkers: 2 });
    await other.open({ layers: 'headers' });
    await vi.waitFor(() => expect(workers).toHaveLength(2)); // the shared worker and one helper
    const indexing = other.index();
    indexing.catch(() => undefined);
    const shared = workers[0];
    const helper = workers[1];
    // its own group read on the shared worker, the helper's still reading
    await vi.waitFor(() => expect(shared.sent.filter((m) => m.type === 'index')).toHaveLength(1));
    await vi.waitFor(() => expect(helper.sent.map((m) => m.type)).toEqual(['open', 'readLayer']));
    await new Promise((res) => setTimeout(res, 10));
    page.cancel();
    await expect(indexing).rejects.toSatisfy(isCancelled);
    expect(shared.terminated && helper.terminated).toBe(true);
    // nothing re-opened or indexed again in a fresh worker, no helper started again
    await new Promise((res) => setTimeout(res, 20));
    expect(workers).toHaveLength(2);
    expect(other.summaryOnly).toBe(true);

    // cancelled while it asks which blobs to read: the helpers started idle with its open end too
    planHangs = true;
    const third = new ArchiveClient(spawn, big, { connection: page.connection, indexWorkers: 2 });
    await third.open({ layers: 'headers' });
    await vi.waitFor(() => expect(workers).toHaveLength(4)); // a fresh shared worker and an idle helper
    const idle = workers[3];
    const asking = third.index();
    asking.catch(() => undefined);
    await vi.waitFor(() => expect(workers[2].sent.map((m) => m.type)).toContain('indexPlan'));
    page.cancel();
    await expect(asking).rejects.toSatisfy(isCancelled);
    expect(idle.sent.map((m) => m.type)).toEqual(['open']); // (its own open, started with it; no layer read)
    expect(idle.terminated).toBe(true);
  });

  it('indexWorkersWanted leaves a core to the page: two cores index with one worker, no helper starts with the open', async () => {
    expect([1, 2, 3, 4, 8].map((cores) => indexWorkersWanted(undefined, cores))).toEqual([1, 1, 2, 3, 4]);
    expect(indexWorkersWanted(3, 2)).toBe(3); // asked for: as asked
    const MiB = 1 << 20;
    const big: SourceDescriptor = { kind: 'file', file: { size: 200 * MiB } as Blob, name: 'big.tar' };
    const onCores = async (cores: number) => {
      vi.stubGlobal('navigator', { hardwareConcurrency: cores });
      try {
        const { workers, spawn } = harness();
        const client = new ArchiveClient(spawn, big, {});
        await client.open({ layers: 'headers' });
        await new Promise((r) => setTimeout(r, 20));
        client.dispose();
        return workers.length;
      } finally {
        vi.unstubAllGlobals();
      }
    };
    expect(await onCores(2)).toBe(1); // the archive's worker alone
    expect(await onCores(3)).toBe(2); // and one helper, opened with the summary
  });

  it('hashGroups (the split of the index and the export helpers): whole blobs, about equal bytes, file order in each; verify with one hashing worker asked for hashes alone', async () => {
    const b = (offset: number, size: number) => ({ offset, size });
    expect(hashGroups([b(0, 5), b(5, 1), b(6, 1), b(7, 3)], 2)).toEqual([[b(0, 5)], [b(5, 1), b(6, 1), b(7, 3)]]);
    expect(hashGroups([b(0, 5), b(5, 1)], 4)).toHaveLength(2);
    expect(hashGroups([], 3)).toEqual([]);
    // one hashing worker asked for: no plan, the verify worker hashes
    const { workers, spawn } = harness();
    const one = new ArchiveClient(spawn, fileSource(), { hashWorkers: 1 });
    await one.open();
    await one.verify();
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'verify', 'verifyRows']);
    expect(PARALLEL_HASH_MIN).toBeGreaterThan(1024); // the standard plan (1 KiB) stays in one worker
  });

  it('verify of a hosted archive opens it with hashing on (one pass that indexes and hashes)', async () => {
    const { workers, spawn } = harness();
    const url: SourceDescriptor = { kind: 'url', url: 'https://example.test/a.tar', name: 'a.tar', size: 10, validator: '' };
    const client = new ArchiveClient(spawn, url);
    await client.open();
    const r = await client.verify();
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'verifyRows']);
    expect(workers[1].sent[0]).toMatchObject({ type: 'open', verify: true });
    expect(r.summary.archive.name).toBe('a.tar');
  });

  it('write opens the archive in a worker of its own and writes there; the signal stops only that worker', async () => {
    let hang = true;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type !== 'write') return standard(msg, reply, w);
      reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'save', done: 3, total: 9, rate: 1, detail: '' } });
      return hang ? undefined : { bytes: 42 };
    });
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const target = { kind: 'opfs' as const, dir: 'd', name: 'n.tar' };
    const ac = new AbortController();
    const phases: string[] = [];
    const w1 = client.write({ target, what: 'save', format: 'oci' }, { signal: ac.signal, onProgress: (p) => phases.push(p.phase) });
    await vi.waitFor(() => expect(workers[1]?.sent.map((m) => m.type)).toEqual(['open', 'write']));
    expect(workers[1].sent[1]).toMatchObject({ type: 'write', archive: 1, target, what: 'save', format: 'oci' });
    await vi.waitFor(() => expect(phases).toEqual(['scan', 'save']));
    ac.abort();
    await expect(w1).rejects.toSatisfy(isCancelled);
    expect(workers[1].terminated).toBe(true);
    expect(workers[0].terminated).toBe(false);
    expect(await client.bytesRead()).toBe(1001); // browsing goes on in its own worker
    hang = false;
    expect(await client.write({ target, what: 'file', path: 'etc/a' })).toEqual({ bytes: 42 });
    expect(workers[2].terminated).toBe(true); // each write's worker ends with it
    expect(client.writeWorkersSpawned).toBe(2);
  });

  it('write: the layers a gzip/zstd save compresses anew are compressed by helper workers at once (groups of about equal bytes, files named after the target), then the writer verifies taking the digests of their plain layers and copies them; a helper that fails leaves its layers to the write', async () => {
    const MiB = 1 << 20;
    const layers = [
      { member: 'blobs/sha256/aa', size: 40 * MiB, blob: 3, plain: true },
      { member: 'blobs/sha256/bb', size: 30 * MiB, blob: 1, plain: false },
      { member: 'blobs/sha256/cc', size: 20 * MiB, blob: 2, plain: true },
    ];
    let failing = '';
    let plan = layers;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'writePlan') return { layers: plan };
      if (msg.type === 'recompress') {
        if (msg.member === failing) {
          reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'error', error: { code: 'io', message: 'full', where: msg.file } });
          return undefined;
        }
        reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'progress', progress: { phase: 'measure', done: 5, total: 10, rate: 1, detail: msg.member } });
        return { member: msg.member, digest: `sha256:${msg.member.slice(-2)}`, size: 7, file: msg.file, diff_id: `sha256:diff-${msg.member.slice(-2)}` };
      }
      if (msg.type === 'write') return { bytes: 99 };
      return standard(msg, reply, w);
    });
    const big: SourceDescriptor = { kind: 'file', file: { size: 100 * MiB } as Blob, name: 'big.tar' };
    const client = new ArchiveClient(spawn, big, { exportWorkers: 2, roomForHelpers: async () => true });
    await client.open();
    const target = { kind: 'opfs' as const, dir: 'd', name: 'n.tar' };
    const phases = new Set<string>();
    expect(await client.write({ target, what: 'save', format: 'oci', compress: 'gzip' }, { onProgress: (p) => phases.add(p.phase) })).toEqual({ bytes: 99 });
    const writer = workers[1];
    expect(writer.sent.map((m) => m.type)).toEqual(['open', 'writePlan', 'verify', 'write']);
    // verified after the helpers, the plain layers' digests theirs (not hashed again)
    expect(writer.sent[2]).toMatchObject({ type: 'verify', archive: 1, hostHash: true });
    const given = (writer.sent[2] as Extract<RequestMessage, { type: 'verify' }>).digests!;
    expect(given.blobs.map((b, i) => [b, given.digests[i]]).sort()).toEqual([[2, 'sha256:diff-cc'], [3, 'sha256:diff-aa']]);
    expect(given.bytes).toBe(60 * MiB);
    expect(writer.sent[0]).not.toHaveProperty('layers'); // every layer indexed: a damaged plain layer is refused as by the CLI
    expect(writer.sent[1]).toMatchObject({ type: 'writePlan', archive: 1, what: 'save', format: 'oci', compress: 'gzip' });
    expect(writer.sent[1]).not.toHaveProperty('target');
    // two helpers: [40 MiB] and [30 + 20 MiB], each opening the file headers only
    const helpers = workers.slice(2);
    expect(helpers).toHaveLength(2);
    expect(helpers.map((h) => h.sent.map((m) => (m.type === 'recompress' ? m.member : m.type)))).toEqual([
      ['open', 'blobs/sha256/aa'],
      ['open', 'blobs/sha256/bb', 'blobs/sha256/cc'],
    ]);
    expect(helpers[0].sent[0]).toMatchObject({ type: 'open', layers: 'headers', source: big });
    expect(helpers[1].sent[2]).toMatchObject({ type: 'recompress', archive: 1, compress: 'gzip', file: 'n.tar.part2' });
    expect(helpers.every((h) => h.terminated)).toBe(true);
    const write = writer.sent[3] as Extract<RequestMessage, { type: 'write' }>;
    expect(write.recompressed).toEqual(
      layers.map((l, i) => ({ member: l.member, digest: `sha256:${l.member.slice(-2)}`, size: 7, file: `n.tar.part${i}`, diff_id: `sha256:diff-${l.member.slice(-2)}` })),
    );
    expect(phases.has('measure')).toBe(true);
    expect(client.recompressors.spawnedEnded).toBe(2);
    expect(client.recompressors.running).toEqual([]);

    // a helper that fails on a layer: that one and the rest of its group are the write's
    failing = 'blobs/sha256/bb';
    await client.write({ target, what: 'strip', image: 0, paths: ['/etc/x'], format: 'docker', compress: 'zstd' });
    const w2 = workers[4];
    expect(w2.sent.map((m) => m.type)).toEqual(['open', 'writePlan', 'verify', 'write']);
    expect((w2.sent[3] as Extract<RequestMessage, { type: 'write' }>).recompressed?.map((r) => r.member)).toEqual(['blobs/sha256/aa']);
    expect(workers[6].sent.map((m) => (m.type === 'recompress' ? m.member : m.type))).toEqual(['open', 'blobs/sha256/bb']);
    failing = '';

    // not for: layers copied as stored, one worker, no room, an archive under PARALLEL_EXPORT_MIN
    const before = workers.length;
    await client.write({ target, what: 'save', format: 'oci', compress: '' });
    await client.write({ target, what: 'squash', format: 'oci', compress: 'gzip' });
    expect(workers.length).toBe(before + 2);
    expect(workers[before].sent.map((m) => m.type)).toEqual(['open', 'write']);
    const one = new ArchiveClient(spawn, big, { exportWorkers: 1, roomForHelpers: async () => true });
    await one.open();
    await one.write({ target, what: 'save', compress: 'gzip' });
    expect(workers[workers.length - 1].sent.map((m) => m.type)).toEqual(['open', 'write']);
    const full = new ArchiveClient(spawn, big, { exportWorkers: 4, roomForHelpers: async () => false });
    await full.open();
    await full.write({ target, what: 'save', compress: 'gzip' });
    expect(workers[workers.length - 1].sent.map((m) => m.type)).toEqual(['open', 'writePlan', 'write']);
    expect((workers[workers.length - 1].sent[2] as Extract<RequestMessage, { type: 'write' }>).recompressed).toBeUndefined();
    plan = [{ member: 'x', size: PARALLEL_EXPORT_MIN / 2, blob: 0, plain: true }, { member: 'y', size: PARALLEL_EXPORT_MIN / 2 - 1, blob: 1, plain: true }];
    const n = workers.length;
    await client.write({ target, what: 'save', compress: 'gzip' });
    expect(workers.length).toBe(n + 1);
    expect(workers[n].sent.map((m) => m.type)).toEqual(['open', 'writePlan', 'write']);
  });

  it('write: a cancel while helpers compress ends them all, and the write fails as cancelled', async () => {
    const MiB = 1 << 20;
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type === 'writePlan') return { layers: [{ member: 'a', size: 40 * MiB, blob: 0, plain: true }, { member: 'b', size: 40 * MiB, blob: 1, plain: true }] };
      if (msg.type === 'recompress') return undefined; // compressing on
      return standard(msg, reply, w);
    });
    const big: SourceDescriptor = { kind: 'file', file: { size: 100 * MiB } as Blob, name: 'big.tar' };
    const client = new ArchiveClient(spawn, big, { exportWorkers: 2, roomForHelpers: async () => true });
    await client.open();
    const ac = new AbortController();
    const w = client.write({ target: { kind: 'opfs', dir: 'd', name: 'n' }, what: 'save', compress: 'zstd' }, { signal: ac.signal });
    w.catch(() => undefined);
    await vi.waitFor(() => expect(workers.slice(2).map((h) => h.sent.map((m) => m.type))).toEqual([['open', 'recompress'], ['open', 'recompress']]));
    ac.abort();
    await expect(w).rejects.toSatisfy(isCancelled);
    expect(workers.slice(1).every((x) => x.terminated)).toBe(true);
    expect(workers[1].sent.map((m) => m.type)).not.toContain('write');

    // cancelled while the storage is asked for room: no helper starts, no worker is started again
    let answerRoom: (b: boolean) => void = () => undefined;
    const asking = new ArchiveClient(spawn, big, { exportWorkers: 2, roomForHelpers: () => new Promise((r) => (answerRoom = r)) });
    await asking.open();
    const n = workers.length;
    const ac2 = new AbortController();
    const w2 = asking.write({ target: { kind: 'opfs', dir: 'd', name: 'n2' }, what: 'save', compress: 'gzip' }, { signal: ac2.signal });
    w2.catch(() => undefined);
    await vi.waitFor(() => expect(workers[n]?.sent.map((m) => m.type)).toEqual(['open', 'writePlan']));
    await new Promise((res) => setTimeout(res, 10));
    ac2.abort();
    answerRoom(true);
    await expect(w2).rejects.toSatisfy(isCancelled);
    await new Promise((res) => setTimeout(res, 10));
    expect(workers).toHaveLength(n + 1);
    expect(workers[n].terminated).toBe(true);
  });
});

describe('EngineArchive (web/src/engine)', () => {
  it('lists in pages and reads a file in chunks through the client', async () => {
    const { workers, spawn } = harness();
    const e = new EngineArchive(new ArchiveClient(spawn, { kind: 'file', file: new Blob([new Uint8Array(10)]), name: 'x.tar' }));
    expect(e.name).toBe('x.tar');
    expect(e.size).toBe(10);
    await e.open();
    expect(e.summary?.archive.name).toBe('x.tar');
    const seen: number[] = [];
    const handed: unknown[] = [];
    const pages = await e.listAll(0, -1, true, (done, _total, page) => {
      seen.push(done);
      handed.push(page);
    });
    expect(pages.flatMap((p) => p.paths)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([2, 3]);
    expect(handed).toEqual(pages); // each page as it arrives (the tree is built from them)
    const parts = await e.readAll(0, -1, 'f', 5);
    expect(parts.reduce((n, p) => n + p.byteLength, 0)).toBe(5);
    expect(workers[0].sent.filter((m) => m.type === 'list').map((m) => (m.type === 'list' ? m.archive : 0))).toEqual([1, 1]);
    const cur = await e.openFile(0, -1, 'f');
    expect(cur.size).toBe(100);
  });
});

describe('ArchiveClient.open twice', () => {
  it('closes the archive it held in the same worker once the new handle is open', async () => {
    const { workers, spawn } = harness();
    const client = new ArchiveClient(spawn, fileSource());
    expect((await client.open()).archive).toBe(1);
    expect((await client.open()).archive).toBe(2);
    await Promise.resolve();
    expect(workers[0].sent.map((m) => m.type)).toEqual(['open', 'open', 'close']);
    expect(workers[0].sent[2]).toMatchObject({ type: 'close', archive: 1 });
  });
});

describe('handles never reach another worker', () => {
  it('a cancel between finding the handle and sending it: the request re-opens in the fresh worker, never asks another archive', async () => {
    const { workers, spawn } = harness(namesArchives);
    const conn = new WorkerConnection(spawn);
    const a = new ArchiveClient(spawn, fileSource('a.tar'), { connection: conn });
    const b = new ArchiveClient(spawn, fileSource('b.tar'), { connection: conn });
    expect((await b.open()).archive).toBe(1);
    expect((await a.open()).archive).toBe(2);
    expect(await b.bytesRead()).toBe(98); // 'b'
    const pb = b.bytesRead(); // has its handle (1), not yet sent
    a.cancel();
    const pa = a.bytesRead(); // re-opens a first in the fresh worker: a is 1 there
    expect(await pa).toBe(97);
    expect(await pb).toBe(98); // b's answer, not a's
    const sent = workers[1].sent.map((m) => [m.type, m.type === 'open' ? m.source.name : 'archive' in m ? m.archive : null]);
    expect(sent.slice(0, 2)).toEqual([['open', 'a.tar'], ['open', 'b.tar']]);
    expect(sent.slice(2).sort()).toEqual([['stats', 1], ['stats', 2]]);
  });

  it('a cursor read whose worker is cancelled meanwhile re-opens archive and cursor first', async () => {
    const { workers, spawn } = harness(namesArchives);
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const c = await client.openFile(0, 1, 'etc/a'); // cursor 2 in worker 1
    const r = c.read(0, 10);
    client.cancel();
    expect([...(await r).data]).toEqual([2, 0]);
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'openFile', 'read']);
  });

  it('WorkerConnection.call refuses a handle of another generation instead of spawning a worker for it', async () => {
    const { workers, spawn } = harness();
    const conn = new WorkerConnection(spawn);
    await conn.call({ type: 'stats' });
    conn.terminate();
    await expect(conn.call({ type: 'stats', archive: 1 }, { generation: 1 })).rejects.toMatchObject({ code: 'stale', where: 'client' });
    expect(workers).toHaveLength(1);
    await conn.call({ type: 'stats' });
    await expect(conn.call({ type: 'stats', archive: 1 }, { generation: 1 })).rejects.toMatchObject({ code: 'stale' });
    expect(await conn.call({ type: 'stats', archive: 1 }, { generation: 2 })).toEqual({ bytesRead: 1001 });
  });
});

describe('FileCursor.close', () => {
  it('while the cursor is being opened: the worker-side cursor is closed and the open fails', async () => {
    const held: Array<() => void> = [];
    const { workers, spawn } = harness((msg, reply, w) => {
      if (msg.type !== 'openFile') return standard(msg, reply, w);
      const r = standard(msg, reply, w);
      held.push(() => reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: r as never }));
      return undefined;
    });
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const c = new FileCursor(client, 0, 1, 'etc/a');
    const opening = c.ensure();
    await new Promise((r) => setTimeout(r, 0));
    expect(held).toHaveLength(1);
    await c.close();
    held[0]();
    await expect(opening).rejects.toMatchObject({ code: 'invalid-argument', message: 'the file cursor is closed' });
    await new Promise((r) => setTimeout(r, 0));
    expect(workers[0].sent.at(-1)).toMatchObject({ type: 'closeFile', cursor: 2 });
  });

  it('after a cancel does not re-open (re-index) the archive just to close a cursor that died with the worker', async () => {
    const { workers, spawn } = harness();
    const client = new ArchiveClient(spawn, fileSource());
    await client.open();
    const c = await client.openFile(0, 1, 'etc/a');
    client.cancel();
    await c.close();
    expect(workers).toHaveLength(1);
    expect(client.workersSpawned).toBe(1);
  });
});

describe('ArchiveClient.dispose on a shared connection', () => {
  /** The standard script, but opens of `name` wait for release(). */
  function holdOpens(name: string) {
    const held: Array<() => void> = [];
    const script: Script = (msg, reply, w) => {
      const r = standard(msg, reply, w);
      if (msg.type !== 'open' || msg.source.name !== name) return r;
      held.push(() => reply({ v: PROTOCOL_VERSION, id: msg.id, type: 'result', result: r as never }));
      return undefined;
    };
    return { held, script };
  }

  it('while its open is on its way: the new handle is closed and the client stays closed', async () => {
    const { held, script } = holdOpens('b.tar');
    const { workers, spawn } = harness(script);
    const conn = new WorkerConnection(spawn);
    const a = new ArchiveClient(spawn, fileSource('a.tar'), { connection: conn });
    const b = new ArchiveClient(spawn, fileSource('b.tar'), { connection: conn });
    await a.open();
    const opening = b.open();
    await Promise.resolve();
    b.dispose();
    held[0]();
    await expect(opening).rejects.toMatchObject({ code: 'invalid-argument', message: 'the archive is not open' });
    await new Promise((r) => setTimeout(r, 0));
    expect(workers[0].sent.at(-1)).toMatchObject({ type: 'close', archive: 2 });
    await expect(b.bytesRead()).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(b.open()).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(workers[0].terminated).toBe(false);
  });

  it('while its re-open after a cancel is on its way: the re-opened handle is closed too', async () => {
    const { held, script } = holdOpens('b.tar');
    let holding = false;
    const { workers, spawn } = harness((msg, reply, w) => (holding ? script : standard)(msg, reply, w));
    const conn = new WorkerConnection(spawn);
    const a = new ArchiveClient(spawn, fileSource('a.tar'), { connection: conn });
    const b = new ArchiveClient(spawn, fileSource('b.tar'), { connection: conn });
    await a.open();
    await b.open();
    a.cancel();
    holding = true;
    const asking = b.bytesRead(); // re-opens b in worker 2: held
    await Promise.resolve();
    b.dispose();
    held[0]();
    await expect(asking).rejects.toMatchObject({ code: 'invalid-argument' });
    await new Promise((r) => setTimeout(r, 0));
    expect(workers[1].sent.map((m) => m.type)).toEqual(['open', 'close']);
    expect(workers[1].sent[1]).toMatchObject({ type: 'close', archive: 1 });
  });
});

describe("the worker's file source (wasm/io/file-source.ts)", () => {
  /** A FileReaderSync stand-in: node has none (and no synchronous Blob read);
   *  answers 7s as long as the slice asked for, or throws as Chromium does when
   *  the file changed or became unreadable after it was chosen. */
  const reader = (fail: () => boolean) => ({
    readAsArrayBuffer: (b: Blob): ArrayBuffer => {
      if (fail()) throw new Error('NotReadableError: the file could not be read');
      return new Uint8Array(b.size).fill(7).buffer;
    },
  });

  it('copies a slice into the heap; a read the browser fails answers -1 instead of throwing into wasm', () => {
    const file = new Blob([new Uint8Array(100)]);
    const heap = new Uint8Array(16);
    let fail = false;
    const { src, io } = fileByteSource(file, 'a.tar', () => heap, new ReadAhead(file, reader(() => fail)));
    expect([src.size, src.name]).toEqual([100, 'a.tar']);
    expect(src.readInto(0, 4, 3)).toBe(3);
    expect([...heap.subarray(3, 8)]).toEqual([0, 7, 7, 7, 0]);
    expect(src.readInto(100, 0, 3)).toBe(0);
    fail = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(src.readInto(50, 0, 4)).toBe(4); // inside the read-ahead window: no FileReaderSync call
      const bigger = new Blob([new Uint8Array(1 << 20)]);
      const other = fileByteSource(bigger, 'b.tar', () => heap, new ReadAhead(bigger, reader(() => fail)));
      expect(other.src.readInto(0, 0, 4)).toBe(-1);
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(io.fetches).toBe(1);
  });

  it('names what is wrong with the source of an open request (the worker answers code "protocol")', () => {
    expect(sourceProblem({ kind: 'file', file: new Blob([]), name: 'a.tar' })).toBeNull();
    expect(sourceProblem(undefined)).toBe('the request has no source');
    expect(sourceProblem(null)).toBe('the request has no source');
    expect(sourceProblem({ kind: 'ftp', url: 'x' })).toBe('unknown source kind ftp');
    expect(sourceProblem({ kind: 'url', url: 'x' })).toMatch(/needs an absolute URL/);
    expect(sourceProblem({ kind: 'file', file: 'a.tar', name: 'a.tar' })).toMatch(/needs a File or Blob/);
    expect(sourceProblem({ kind: 'file', file: new Blob([]) })).toMatch(/needs a name/);
  });
});
