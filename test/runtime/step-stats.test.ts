// Per-step statistics: rows in, rows out and time of every stream-returning call of a run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { asTableStream, collectTables } from '../../src/table/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-steps-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('each table function reports the rows it read and produced', async () => {
  const r = await runtime.run(`import "array"
array.from(rows: [{_value: 1.0}, {_value: 2.0}, {_value: 3.0}])
    |> filter(fn: (r) => r._value > 1.5)
    |> map(fn: (r) => ({r with _value: r._value * 2.0}))`);
  await collectTables(asTableStream(r.results[0]!.value, '_result'));
  const steps = r.stats.calls.map((c) => [c.name, c.rowsIn, c.rowsOut]);
  assert.deepEqual(steps, [
    ['array.from', undefined, 3],
    ['filter', 3, 2],
    ['map', 2, 2],
  ]);
  for (const c of r.stats.calls) assert.ok((c.ms ?? 0) >= 0 && c.span !== undefined);
});

test('pushdown still works through the instrumented stream', async () => {
  await runtime.run(`import "array"
array.from(rows: [{_time: 2030-01-01T00:00:00Z, _measurement: "m", _field: "f", _value: 1.0}]) |> to(bucket: "steps")`);
  const r = await runtime.run(`from(bucket: "steps") |> range(start: 2029-01-01T00:00:00Z, stop: 2031-01-01T00:00:00Z) |> filter(fn: (r) => r._field == "f")`);
  const tables = await collectTables(asTableStream(r.results[0]!.value, '_result'));
  assert.equal(tables.length, 1);
  assert.deepEqual(r.stats.calls.map((c) => c.name), ['from', 'range', 'filter']);
});

test('a yielded stream is not reported again as _result', async () => {
  const r = await runtime.run(`import "array"
array.from(rows: [{a: 1}]) |> yield(name: "x")`);
  assert.deepEqual(r.results.map((x) => x.name), ['x']);
});
