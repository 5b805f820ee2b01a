// wasm/warm-up.ts on the real core (the node build): the decoders' warm-up
// runs every path it names, on archives the core reads as real ones, closes
// all it opened, and ends before its next step once a request came.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CoreModule } from 'layerscope-core-glue';
import { memorySource } from '../../wasm/io/memory';
import { textFiles, tinyTar, warmDecoders, warmLayers, warmUp } from '../../wasm/warm-up';

const repo = path.resolve(__dirname, '../..');
const modulePath = process.env.LAYERSCOPE_WASM_MODULE ?? path.join(repo, 'build/wasm/wasm/node/layerscope_core.js');
let mod: CoreModule;

beforeAll(async () => {
  const createLayerscope = createRequire(import.meta.url)(modulePath) as (o: object) => Promise<CoreModule>;
  mod = await createLayerscope({ wasmBinary: fs.readFileSync(modulePath.replace(/\.js$/, '.wasm')) });
});

/** Handles the core has open: a new open gets the next handle, so the count of
 *  handles below it that still answer `warnings` is the count still open. */
function openHandles(): number {
  const enc = new TextEncoder();
  const probe = tinyTar([
    ['manifest.json', enc.encode(JSON.stringify([{ Config: 'c.json', RepoTags: ['p:1'], Layers: [] }]))],
    ['c.json', enc.encode(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }))],
  ]);
  const e = mod.request('open', { verify: false, layers: 'headers' }, { source: memorySource(mod, probe, 'probe.tar') }) as { ok: boolean; value: { archive: number } };
  expect(e.ok).toBe(true);
  const last = e.value.archive;
  mod.request('close', { archive: last }, {});
  let open = 0;
  for (let a = 0; a < last; ++a) if (mod.request('warnings', { archive: a, image: 0 }, {}).ok) ++open;
  return open;
}

describe('warm-up', () => {
  test('textFiles in tinyTar make a tar GNU tar lists: the files asked for, their bytes text lines', () => {
    const layer = tinyTar(textFiles(3, 40, 8000));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-warm-'));
    try {
      fs.writeFileSync(path.join(dir, 'l.tar'), layer);
      const names = execFileSync('tar', ['-tf', path.join(dir, 'l.tar')]).toString().trim().split('\n');
      expect(names).toHaveLength(40);
      expect(names[0]).toBe('usr/share/warm-3/0/file-0.txt');
      const body = execFileSync('tar', ['-xOf', path.join(dir, 'l.tar'), names[5]]).toString();
      expect(body.length).toBeGreaterThanOrEqual(200);
      expect(body.endsWith('\n')).toBe(true);
      expect(body).toMatch(/^[ a-z0-9\n]+$/);
      // the same seed, the same bytes; another seed, others
      expect(Buffer.from(tinyTar(textFiles(3, 40, 8000))).equals(Buffer.from(layer))).toBe(true);
      expect(Buffer.from(tinyTar(textFiles(4, 40, 8000))).equals(Buffer.from(layer))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('warmLayers: GNU tar reads the long names (pax), links, whiteouts and opaque marker as written', () => {
    const [lower, upper] = warmLayers(30, 6000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-warm-'));
    try {
      fs.writeFileSync(path.join(dir, 'lower.tar'), lower);
      fs.writeFileSync(path.join(dir, 'upper.tar'), upper);
      const list = (f: string) => execFileSync('tar', ['-tvf', path.join(dir, f)]).toString().trim().split('\n');
      const low = list('lower.tar');
      const long = `usr/lib/python3/dist-packages/${'warm_package/'.repeat(8)}module_3.cpython-312.pyc`;
      expect(long.length).toBeGreaterThan(100);
      expect(low.filter((l) => l.endsWith(` ${long}`))).toHaveLength(1);
      expect(execFileSync('tar', ['-xOf', path.join(dir, 'lower.tar'), long]).length).toBe(512);
      expect(low.filter((l) => l.startsWith('l') && l.includes('usr/bin/warm-') && l.includes(' -> ../share/warm-1/'))).toHaveLength(20);
      expect(low.filter((l) => l.startsWith('h') && l.includes(' link to usr/share/warm-1/'))).toHaveLength(20);
      expect(low.filter((l) => l.startsWith('-') && l.endsWith(' usr/lib/warm.so'))[0]).toContain(String(256 << 10));
      const up = list('upper.tar');
      expect(up.filter((l) => /usr\/share\/warm-1\/\d\/\.wh\.file-\d+\.txt$/.test(l))).toHaveLength(20);
      expect(up.filter((l) => l.endsWith('usr/share/warm-1/6/.wh..wh..opq'))).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('warmDecoders runs every step on archives the core reads whole, and leaves nothing open', async () => {
    warmUp(mod);
    const before = openHandles();
    const steps = await warmDecoders(mod, () => false);
    expect(steps.filter((s) => s.startsWith('failed'))).toEqual([]);
    expect(steps.map((s) => s.replace(/ \d+ ms$/, ''))).toEqual([
      'built',
      'docker readLayer 0',
      'docker readLayer 1',
      'docker adopted',
      'saved zstd',
      'zstd readLayer 0',
      'zstd readLayer 1',
      'zstd adopted',
    ]);
    expect(openHandles()).toBe(before);
  });

  test('warmDecoders ends before its next step once stop() says so, and closes what it opened', async () => {
    const before = openHandles();
    let asked = 0;
    const steps = await warmDecoders(mod, () => ++asked >= 2);
    expect(steps.map((s) => s.replace(/ \d+ ms$/, ''))).toEqual(['built', 'docker readLayer 0']);
    expect(openHandles()).toBe(before);
  });
});
