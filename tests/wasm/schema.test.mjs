// The documents the bridge carries, checked against their JSON Schemas
// (docs/schema/*.schema.json) with ajv, on the WebAssembly build in node: for
// every fixture the inspect document (before and after verify), every layer's
// listing and the merged one, path histories, and the envelopes themselves
// (values and errors). Also: the TypeScript types generated from the schemas
// (wasm/schema-types.gen.ts) are up to date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { generate } from '../../wasm/schema-types.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const modulePath = process.env.LAYERSCOPE_WASM_MODULE || path.join(repo, 'build/wasm/wasm/node/layerscope_core.js');
const fixturesDir = process.env.LAYERSCOPE_FIXTURES || path.join(repo, '../shared/fixtures');

// ajv is a devDependency of web/ (npm ci there: `make web` or `make test-wasm`).
const webRequire = createRequire(path.join(repo, 'web', 'package.json'));
const Ajv = webRequire('ajv').default;
const ajv = new Ajv({ allErrors: true, strict: true });
const schemaDir = path.join(repo, 'docs', 'schema');
for (const f of fs.readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort())
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, f), 'utf8')));
const validator = (id) => {
  const v = ajv.getSchema(id);
  assert.ok(v, `schema ${id}`);
  return v;
};
const schemas = {
  inspect: validator('inspect.schema.json'),
  ls: validator('ls.schema.json'),
  log: validator('log.schema.json'),
  envelope: validator('envelope.schema.json'),
};
function valid(kind, doc, what) {
  const ok = schemas[kind](doc);
  assert.ok(ok, `${what}: not a valid ${kind} document: ${ajv.errorsText(schemas[kind].errors, { separator: '\n  ' })}`);
}

const require = createRequire(import.meta.url);
const createLayerscope = require(modulePath);
const mod = await createLayerscope({ wasmBinary: fs.readFileSync(modulePath.replace(/\.js$/, '.wasm')) });

function fileSource(file) {
  const fd = fs.openSync(file, 'r');
  return {
    size: fs.fstatSync(fd).size,
    name: path.basename(file),
    readInto: (offset, ptr, len) => fs.readSync(fd, mod.HEAPU8, ptr, len, offset),
    close: () => fs.closeSync(fd),
  };
}

/** A request whose envelope is checked against envelope.schema.json. */
function request(type, args, opts) {
  const e = mod.request(type, args, opts);
  const { data, ...envelope } = e;
  valid('envelope', envelope, `${type} envelope`);
  return e;
}
function value(type, args, opts) {
  const e = request(type, args, opts);
  assert.equal(e.ok, true, `${type}: ${e.message}`);
  return e.value;
}

test('the generated TypeScript types match the schemas (run `node wasm/schema-types.mjs` when not)', () => {
  assert.equal(fs.readFileSync(path.join(repo, 'wasm', 'schema-types.gen.ts'), 'utf8'), generate());
});

const fixtures = fs.readdirSync(fixturesDir).filter((f) => f.endsWith('.tar')).sort();
test('fixtures are present', () => assert.ok(fixtures.length >= 7, `found ${fixtures.length} in ${fixturesDir}`));

for (const name of fixtures) {
  test(`schema: ${name}: inspect, ls, log and verify documents`, () => {
    const src = fileSource(path.join(fixturesDir, name));
    try {
      const opened = value('open', {}, { source: src });
      const archive = opened.archive;
      valid('inspect', opened.summary, 'open summary');
      const summary = value('summary', { archive });
      valid('inspect', summary, 'summary');
      let documents = 2;
      summary.images.forEach((im, image) => {
        const merged = value('list', { archive, image, layer: -1, merged: true });
        valid('ls', merged, `image ${image} merged`);
        documents++;
        for (let layer = 0; layer < im.layers.length; layer++) {
          const page = value('list', { archive, image, layer, merged: false, offset: 0, limit: 1000 });
          valid('ls', page, `image ${image} layer ${layer}`);
          const asOf = value('list', { archive, image, layer, merged: true, offset: 1, limit: 50 });
          valid('ls', asOf, `image ${image} merged at ${layer}`);
          documents += 2;
          // A deleted path's history has an event without metadata.
          const deleted = page.entries.find((e) => e.change === 'deleted');
          if (deleted) valid('log', value('pathHistory', { archive, image, path: deleted.path }), `log of ${deleted.path}`);
        }
        for (const e of merged.entries.filter((x) => x.type !== 'dir').slice(0, 5)) {
          valid('log', value('pathHistory', { archive, image, path: e.path }), `log of ${e.path}`);
          documents++;
        }
        valid('log', value('pathHistory', { archive, image, path: 'no/such/path' }), 'log of a path no layer touched');
      });
      const verified = value('verify', { archive });
      valid('inspect', verified.summary, 'verified summary');
      assert.ok(verified.summary.images.every((im) => im.layers.every((l) => !l.present || l.computed_diff_id)), 'verify computed diff_ids');
      assert.ok(documents >= 3);
      // Errors are envelopes too (checked by request()).
      assert.equal(request('list', { archive, image: 99 }).ok, false);
      assert.equal(request('read', { archive, image: 0, path: 'no/such/file', length: 1 }).code, 'not-found');
      value('close', { archive });
      assert.equal(request('summary', { archive }).code, 'invalid-argument');
    } finally {
      src.close();
    }
  });
}
