// Tab completion against the real runtime (in process).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { ReplController } from '../../src/repl/controller.js';
import { complete, completeAsync, signatureParams } from '../../src/repl/completion.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-compl-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function controller(): ReplController {
  return new ReplController({ runtime, readFile: async () => '' });
}

test('signatureParams reads parameter names, skipping the pipe parameter', () => {
  assert.deepEqual(signatureParams('(<-tables: stream[A], fn: (r: A) => bool, ?onEmpty: string) => stream[A]'), ['fn', 'onEmpty']);
  assert.deepEqual(signatureParams('(v: string) => string'), ['v']);
  assert.deepEqual(signatureParams('int'), []);
});

test('package paths complete inside import "', () => {
  const [hits, frag] = complete(controller(), 'import "experimental/pro');
  assert.equal(frag, 'experimental/pro');
  assert.ok(hits.includes('experimental/prometheus'), hits.join(','));
});

test('members complete after an imported alias, parameters inside a call', async () => {
  const c = controller();
  await c.line('import s "strings"');
  assert.deepEqual(complete(c, 's.trimSp')[0], ['trimSpace']);
  assert.deepEqual(complete(c, 's.replaceAll(v: "a", t')[0], ['t: ']);
});

test('names in scope and universe builtins complete; r. completes the last columns', async () => {
  const c = controller();
  await c.line('myVariable = 3');
  assert.ok(complete(c, 'myVa')[0].includes('myVariable'));
  assert.ok(complete(c, 'aggregateW')[0].includes('aggregateWindow'));
  await c.line('import "array"');
  await c.line('array.from(rows: [{host: "a", _value: 1.0}])');
  assert.deepEqual(complete(c, 'x |> filter(fn: (r) => r.ho')[0], ['host']);
});

test('r. completes the columns of the stream the pipeline starts from', async () => {
  const c = controller();
  await c.line('import "array"');
  await c.line('rows = array.from(rows: [{region: "eu", _value: 1.0}])');
  const [hits, frag] = await completeAsync(c, 'rows |> filter(fn: (r) => r.reg');
  assert.equal(frag, 'reg');
  assert.deepEqual(hits, ['region']);
  // Reading the stream for completion does not use it up.
  const out = await c.line('rows |> count()');
  assert.match(out.out, /_value/);
});
