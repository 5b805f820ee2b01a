// A worker's core run before its first archive, so its first archive does not
// pay for compiling the code it runs.
//
// V8 compiles a wasm function with its baseline compiler (Liftoff) on the
// function's first call. It recompiles the function with its optimising
// compiler (TurboFan), on background threads, once the function has run
// long enough. On a 2-core machine both compete with the archive's own work.
// - warmUp (every core worker): the open / summary / listing path once, on a
//   tiny docker-archive. Without it, the first open of a worker took ~180 ms
//   longer than the next ones (0.4 GB archive, headers only: 181 ms, then
//   3 ms, in node), all of it on the path to the summary.
// - warmDecoders (only a worker the page starts ahead of need: spares, see
//   AHEAD_WORKER_NAME): the paths an index of a big archive runs hot, run
//   long enough to be optimised. Its image (warmLayers) has two layers of
//   ~1,500 files: text, long names (pax), links, a binary file, and in the
//   upper layer replaced, deleted and emptied paths. Its layers are read as a
//   helper reads them (readLayer), plain, gzip, then zstd (the core's own
//   save), and adopted as the archive's worker adopts a helper's reads
//   (index {reads}).
//   Page, 0.4 GB bench set with zstd layers, 2 cores, traced: the open
//   compiled 187 ms of CPU on background threads without it, 37-41 ms with it
//   (46-54 ms with text files only); the full index went from ~690 ms to
//   ~610 ms. What it leaves compiling: zstd's frame checksum (libarchive
//   writes none), single-stream literals, some sorts.
//
// Neither keeps anything: every archive is closed and every failure ignored.
// warmDecoders runs in steps that end at the first request (`stop`): a file
// chosen while it runs waits for one step (here 5-120 ms, the zstd save the
// longest).
import type { ByteSinkJs, CoreModule } from 'layerscope-core-glue';
import { concat, memorySource } from './io/memory';

/** What tinyTar writes besides a regular file: a link (type '1' hard, '2'
 *  symbolic, to `link`), a directory ('5'); 'x' (a pax header) it writes itself. */
export interface TarExtra {
  type?: '1' | '2' | '5' | 'x';
  link?: string;
}

/** A tar of `files` (ustar headers, 512-byte blocks), in memory; a name
 *  longer than the header's 100 bytes goes in a pax header before it. */
export function tinyTar(files: [string, Uint8Array, TarExtra?][]): Uint8Array {
  const enc = new TextEncoder();
  const entries: [string, Uint8Array, TarExtra][] = [];
  for (const [name, data, extra = {}] of files) {
    if (enc.encode(name).length > 100) {
      // a pax record: "<length> path=<name>\n", its length counting itself
      const body = ` path=${name}\n`;
      let n = enc.encode(body).length;
      n += String(n + String(n).length).length;
      entries.push([`PaxHeader/${name.slice(-80)}`, enc.encode(`${n}${body}`), { type: 'x' }]);
    }
    entries.push([name, data, extra]);
  }
  const blocks = entries.reduce((n, [, d]) => n + 1 + Math.ceil(d.length / 512), 2);
  const out = new Uint8Array(blocks * 512);
  let at = 0;
  for (const [name, data, extra] of entries) {
    const h = out.subarray(at, at + 512);
    const put = (off: number, text: string) => h.set(enc.encode(text), off);
    put(0, enc.encode(name).length > 100 ? name.slice(-100) : name);
    put(100, extra.type === '5' ? '0000755\0' : '0000644\0');
    put(108, '0000000\0');
    put(116, '0000000\0');
    put(124, data.length.toString(8).padStart(11, '0') + '\0');
    put(136, '00000000000\0');
    put(148, '        ');
    put(156, extra.type ?? '0');
    if (extra.link) put(157, extra.link);
    put(257, 'ustar\x0000');
    put(148, h.reduce((n, b) => n + b, 0).toString(8).padStart(6, '0') + '\0 ');
    out.set(data, at + 512);
    at += 512 + Math.ceil(data.length / 512) * 512;
  }
  return out;
}

type Opened = { ok: boolean; value?: { archive: number } };

/** The open / summary / listing path once, on a tiny docker-archive built here. */
export function warmUp(mod: CoreModule): void {
  const enc = new TextEncoder();
  const layer = tinyTar([['etc/warm', enc.encode('up\n')]]);
  const config = enc.encode(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['A=b'] }, rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] }, history: [{ created_by: 'warm' }] }),
  );
  const manifest = enc.encode(JSON.stringify([{ Config: 'config.json', RepoTags: ['warm:up'], Layers: ['layer.tar'] }]));
  const bytes = tinyTar([['manifest.json', manifest], ['config.json', config], ['layer.tar', layer]]);
  const source = memorySource(mod, bytes, 'warm-up.tar');
  try {
    for (const layers of ['headers', 'all']) {
      const e = mod.request('open', { verify: false, layers }, { source }) as Opened;
      if (!e.ok || !e.value) return;
      const archive = e.value.archive;
      if (layers === 'all') mod.request('list', { archive, image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 0 }, {});
      mod.request('close', { archive }, {});
    }
  } catch {
    /* a warm-up only */
  }
}

/** A deterministic xorshift generator. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
}

/** `files` deterministic text-like files (words of a small vocabulary,
 *  numbers, indents: as source and configuration files are), about `bytes` of
 *  content in all, in 7 directories under usr/share/warm-<seed>/. */
export function textFiles(seed: number, files: number, bytes: number): [string, Uint8Array][] {
  const enc = new TextEncoder();
  const words = (
    'the of and to in is for on that with as by this from at be or an are not it which default value return static const ' +
    'function import export include define error warning config path file data list size name type user root usr lib share ' +
    'bin etc local python module package version license copyright 0 1 2 7 42 100 255 1024 2024'
  )
    .split(' ')
    .map((w) => enc.encode(w));
  const rnd = generator(seed);
  const each = Math.ceil(bytes / files);
  const out: [string, Uint8Array][] = [];
  for (let f = 0; f < files; ++f) {
    const text = new Uint8Array(each + 64);
    let at = 0;
    while (at < each) {
      for (let i = rnd() % 8; i > 0; --i) text[at++] = 0x20;
      for (let w = 4 + (rnd() % 8); w > 0 && at < each; --w) {
        const word = words[rnd() % words.length];
        text.set(word.subarray(0, text.length - at - 1), at);
        at = Math.min(text.length - 1, at + word.length);
        text[at++] = 0x20;
      }
      text[at - 1] = 0x0a;
    }
    out.push([`usr/share/warm-${seed}/${f % 7}/file-${f}.txt`, text.subarray(0, at)]);
  }
  return out;
}

/** `n` deterministic bytes of a skewed distribution with few repeats (as
 *  compiled code and compressed data are): zstd codes them as large literal
 *  sections, which it decodes with its two-symbol Huffman tables (HUF X2),
 *  which text of a small vocabulary never reaches. */
export function skewedBytes(seed: number, n: number): Uint8Array {
  const rnd = generator(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; ++i) out[i] = Math.min(255, Math.floor(-Math.log((rnd() + 1) / 4294967297) * 24));
  return out;
}

/**
 * The warm-up's two layers: each text files and one skewed binary file; the
 * lower one also files under names longer than a tar header holds (pax),
 * symbolic and hard links; the upper one also replaces files of the lower
 * one, deletes some (whiteouts) and empties a directory (an opaque marker),
 * so adopting and merging them run the paths a real image's layers run.
 */
export function warmLayers(files: number, bytes: number): [Uint8Array, Uint8Array] {
  const deep = `usr/lib/python3/dist-packages/${'warm_package/'.repeat(8)}`;
  const lower: [string, Uint8Array, TarExtra?][] = [['usr/share/warm-1/', new Uint8Array(0), { type: '5' }], ...textFiles(1, files, bytes)];
  for (let i = 0; i < 20; ++i) {
    lower.push([`${deep}module_${i}.cpython-312.pyc`, skewedBytes(100 + i, 512)]);
    lower.push([`usr/bin/warm-${i}`, new Uint8Array(0), { type: '2', link: `../share/warm-1/${i % 7}/file-${i}.txt` }]);
    lower.push([`usr/share/warm-1/hard-${i}.txt`, new Uint8Array(0), { type: '1', link: `usr/share/warm-1/${i % 7}/file-${i}.txt` }]);
  }
  lower.push(['usr/lib/warm.so', skewedBytes(1, 256 << 10)]);
  const upper: [string, Uint8Array, TarExtra?][] = textFiles(2, files, bytes);
  for (let i = 0; i < 50; ++i) upper.push([`usr/share/warm-1/${(i + 1) % 7}/file-${i + 1}.txt`, skewedBytes(200 + i, 300)]);
  for (let i = 0; i < 20; ++i) upper.push([`usr/share/warm-1/${(i + 100) % 7}/.wh.file-${i + 100}.txt`, new Uint8Array(0)]);
  upper.push(['usr/share/warm-1/6/.wh..wh..opq', new Uint8Array(0)]);
  upper.push(['usr/lib/warm2.so', skewedBytes(2, 256 << 10)]);
  return [tinyTar(lower), tinyTar(upper)];
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** The bytes a core's sink is given, kept. */
function memorySink(mod: CoreModule): { sink: ByteSinkJs; bytes: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    sink: {
      name: 'warm-up',
      write: (ptr, len) => {
        parts.push(mod.HEAPU8.slice(ptr, ptr + len));
        return true;
      },
      finish: () => true,
    },
    bytes: () => concat(parts),
  };
}

/**
 * The paths a big archive's index runs hot, run long enough to be optimised
 * (see the top of this file). `stop()` true (a request came) ends it before
 * its next step. Resolves to the steps run, for diagnostics.
 */
export async function warmDecoders(mod: CoreModule, stop: () => boolean): Promise<string[]> {
  const done: string[] = [];
  const open: number[] = [];
  const t0 = performance.now();
  /** Lets the worker's event loop turn; true when the warm-up should end. */
  const step = async (name: string): Promise<boolean> => {
    done.push(`${name} ${Math.round(performance.now() - t0)} ms`);
    await new Promise((r) => setTimeout(r, 0));
    return stop();
  };
  const request = <T>(type: string, args: object, opts: Parameters<CoreModule['request']>[2] = {}): { value: T; data?: Uint8Array } => {
    const e = mod.request(type, args, opts);
    if (!e.ok) throw new Error(`${type}: ${e.message}`);
    return e as { value: T; data?: Uint8Array };
  };
  const openBytes = (bytes: Uint8Array): number => {
    const a = request<{ archive: number }>('open', { verify: false, layers: 'headers' }, { source: memorySource(mod, bytes, 'warm-up.tar') }).value.archive;
    open.push(a);
    return a;
  };
  /** Every layer of `archive` read as a helper reads it, then adopted as the archive's worker does. */
  const readAndAdopt = async (archive: number, label: string): Promise<boolean> => {
    const plan = request<{ blobs: { blob: number }[] }>('indexPlan', { archive }).value;
    const reads: { blob: number; data: Uint8Array }[] = [];
    for (const b of plan.blobs) {
      reads.push({ blob: b.blob, data: request('readLayer', { archive, blob: b.blob }).data?.slice() ?? new Uint8Array(0) });
      if (await step(`${label} readLayer ${b.blob}`)) return true;
    }
    const blobs = reads.map((r) => r.blob);
    const source = memorySource(mod, concat(reads.map((r) => r.data)), 'warm-up reads');
    request('index', { archive, blobs, reads: blobs, read_lengths: reads.map((r) => r.data.length) }, { source });
    request('list', { archive, image: 0, layer: -1, merged: true, prefix: '', offset: 0, limit: 0 });
    return step(`${label} adopted`);
  };
  try {
    if (typeof crypto?.subtle?.digest !== 'function' || typeof CompressionStream !== 'function') return done;
    // A docker-archive of a plain layer and a gzip one (warmLayers: ~1.3 MB of tar each).
    const enc = new TextEncoder();
    const [plain, zipped] = warmLayers(1500, 400_000);
    const gz = await gzip(zipped);
    const diffIds = [`sha256:${await sha256Hex(plain)}`, `sha256:${await sha256Hex(zipped)}`];
    const config = enc.encode(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: [{ created_by: 'warm' }, { created_by: 'up' }] }),
    );
    const manifest = enc.encode(JSON.stringify([{ Config: 'config.json', RepoTags: ['warm:up'], Layers: ['plain/layer.tar', 'gzip/layer.tar'] }]));
    const docker = tinyTar([
      ['manifest.json', manifest],
      ['config.json', config],
      ['plain/layer.tar', plain],
      ['gzip/layer.tar', gz],
    ]);
    if (await step('built')) return done;
    const a = openBytes(docker);
    if (await readAndAdopt(a, 'docker')) return done;
    // The same image as an oci-archive with zstd layers (the core's own save).
    const out = memorySink(mod);
    request('write', { archive: a, what: 'save', format: 'oci', compress: 'zstd' }, { sink: out.sink });
    if (await step('saved zstd')) return done;
    await readAndAdopt(openBytes(out.bytes()), 'zstd');
  } catch (e) {
    done.push(`failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    for (const archive of open) mod.request('close', { archive }, {});
  }
  return done;
}
