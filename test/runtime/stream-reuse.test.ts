// A stream bound to a name can be used more than once, as in Flux: each use reads it again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { asTableStream, collectTables } from '../../src/table/index.js';
import { startHttpTarget } from '../support/http-target.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-reuse-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function values(src: string): Promise<Map<string, number[]>> {
  const r = await runtime.run(src);
  const out = new Map<string, number[]>();
  for (const { name, value } of r.results) {
    const vs: number[] = [];
    for (const t of await collectTables(asTableStream(value, name))) {
      const c = t.column(t.columnIndex('_value'));
      for (let i = 0; i < t.length; i++) vs.push(Number(c.get(i)));
    }
    out.set(name, vs);
  }
  return out;
}

test('a transformed stream used by two pipelines', async () => {
  const got = await values(`
import "array"
data = array.from(rows: [{_value: 1.0, k: "a"}, {_value: 2.0, k: "b"}, {_value: 3.0, k: "a"}]) |> group(columns: ["k"])
data |> sum() |> yield(name: "sums")
data |> count() |> yield(name: "counts")
data |> filter(fn: (r) => r._value > 1.5) |> group() |> sum() |> yield(name: "big")`);
  assert.deepEqual(got.get('sums'), [4, 2]);
  assert.deepEqual(got.get('counts'), [2, 1]);
  assert.deepEqual(got.get('big'), [5]);
});

test('one scrape used twice is fetched once and read twice', async () => {
  const target = await startHttpTarget({ '/metrics': { body: 'a 1\nb 2\n' } });
  try {
    const got = await values(`
import "experimental/prometheus"
data = prometheus.scrape(url: "${target.url}/metrics")
data |> filter(fn: (r) => r._field == "a") |> yield(name: "a")
data |> filter(fn: (r) => r._field == "b") |> yield(name: "b")`);
    assert.deepEqual(got.get('a'), [1]);
    assert.deepEqual(got.get('b'), [2]);
    assert.equal(target.requests.length, 1);
  } finally {
    await target.close();
  }
});
