// from() |> range() |> filter() as Flux programs through the runtime: the range and filter
// natives hand their arguments to the PushdownSource (src/store/pushdown.ts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { openStore, BatchBuilder, isPushdownSource } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { collectTables } from '../../src/table/index.js';
import type { TableStream } from '../../src/table/types.js';
import { FluxError } from '../../src/errors/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-flux-from-'));
const rt = createRuntime({ dataDir, logger: silentLogger });
after(async () => {
  await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
});
const T0 = 1_767_000_000_000_000_000n;
const S = 1_000_000_000n;

const seeded = (async () => {
  const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger });
  await store.createBucket('m', { retentionNs: 0n });
  const b = new BatchBuilder();
  for (let i = 0; i < 10; i++) {
    b.add('cpu', [['host', 'a']], 'usage', T0 + BigInt(i) * S, i + 0.5);
    b.add('cpu', [['host', 'b']], 'usage', T0 + BigInt(i) * S, i * 10 + 0.5);
  }
  await store.write('m', b.build());
  await store.close();
})();

async function rows(src: string): Promise<number> {
  await seeded;
  const r = await rt.run(src);
  let n = 0;
  for (const x of r.results) for (const t of await collectTables(x.value as TableStream)) n += t.length;
  return n;
}

test('from |> range |> filter', async () => {
  assert.equal(await rows('from(bucket: "m") |> range(start: 2025-12-29T09:20:02Z, stop: 2025-12-29T09:20:05Z)'), 6);
  assert.equal(await rows('from(bucket: "m") |> range(start: 2025-12-29T09:20:02Z, stop: 2025-12-29T09:20:05Z) |> filter(fn: (r) => r.host == "b")'), 3);
  assert.equal(await rows('from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r._value > 50.0)'), 5);
  assert.equal(await rows('from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r._value + 1.0 > 51.0)'), 5);
});

test('from without range is store.unboundedRead', async () => {
  await assert.rejects(rows('from(bucket: "m") |> filter(fn: (r) => r._value + 1.0 > 51.0)'), (e: unknown) => e instanceof FluxError && e.id === 'store.unboundedRead');
});

test('range and simple filters reach the store (the result is still the narrowed source)', async () => {
  await seeded;
  const r = await rt.run('from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r._measurement == "cpu" and r.host == "a")');
  const v = r.results[0]!.value;
  assert.ok(isPushdownSource(v), 'range and filter were pushed down');
  const tables = await collectTables(v);
  assert.equal(tables.length, 1);
  assert.equal(tables[0]!.length, 10);
  // a filter the store cannot evaluate runs as usual on the narrowed source
  const r2 = await rt.run('from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r._value * 2.0 > 100.0)');
  assert.ok(!isPushdownSource(r2.results[0]!.value));
});

test('downstream functions see InfluxDB-shaped tables', async () => {
  await seeded;
  const r = await rt.run('from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r.host == "b") |> mean()');
  const tables = await collectTables(r.results[0]!.value as TableStream);
  assert.equal(tables.length, 1);
  const rec = tables[0]!.record(0);
  assert.equal(rec.get('_value'), 45.5);
  assert.equal(rec.get('_measurement'), 'cpu');
  assert.equal(rec.get('host'), 'b');
});

test('buckets() in Flux', async () => {
  await seeded;
  const r = await rt.run('buckets() |> filter(fn: (r) => r.name == "m")');
  const tables = await collectTables(r.results[0]!.value as TableStream);
  assert.equal(tables.reduce((a, t) => a + t.length, 0), 1);
});

test('to() without a host writes into the store and from() reads it back, types and tags intact', async () => {
  await seeded;
  // (a bucket created by its first write keeps 30 days; these points are older)
  const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger });
  await store.createBucket('roundtrip', { retentionNs: 0n });
  await rt.run(`import "array"
array.from(rows: [
  {_time: 2026-01-01T00:00:00.000000001Z, _measurement: "t", _field: "f", _value: 1.5, tag: "a b,c=d"},
  {_time: 2026-01-01T00:00:00.000000002Z, _measurement: "t", _field: "f", _value: 2.5, tag: "a b,c=d"},
])
  |> to(bucket: "roundtrip")
array.from(rows: [{_time: 2026-01-01T00:00:00Z, _measurement: "t", _field: "n", _value: 7, tag: "x"}]) |> to(bucket: "roundtrip")
array.from(rows: [{_time: 2026-01-01T00:00:00Z, _measurement: "t", _field: "s", _value: "hello", tag: "x"}]) |> to(bucket: "roundtrip")
array.from(rows: [{_time: 2026-01-01T00:00:00Z, _measurement: "t", _field: "b", _value: true, tag: "x"}]) |> to(bucket: "roundtrip")
`);
  const r = await rt.run('from(bucket: "roundtrip") |> range(start: 2025-01-01T00:00:00Z, stop: 2027-01-01T00:00:00Z)');
  const tables = await collectTables(r.results[0]!.value as TableStream);
  const byField = new Map(tables.map((t) => [t.record(0).get('_field'), t]));
  const f = byField.get('f')!;
  assert.equal(f.length, 2);
  assert.equal(f.record(0).get('tag'), 'a b,c=d');
  assert.equal((f.record(1).get('_time') as { ns: bigint }).ns, 1_767_225_600_000_000_002n);
  assert.equal(f.record(1).get('_value'), 2.5);
  assert.equal(byField.get('n')!.record(0).get('_value'), 7n);
  assert.equal(byField.get('s')!.record(0).get('_value'), 'hello');
  assert.equal(byField.get('b')!.record(0).get('_value'), true);
});

test('a from() stream bound to a name can be read by two pipelines', async () => {
  await seeded;
  const r = await rt.run(`data = from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r.host == "a")
data |> count() |> yield(name: "n")
data |> max() |> yield(name: "max")`);
  const byName = new Map<string, TableStream>(r.results.map((x) => [x.name, x.value as TableStream]));
  const n = await collectTables(byName.get('n')!);
  const max = await collectTables(byName.get('max')!);
  assert.equal(n[0]!.record(0).get('_value'), 10n);
  assert.equal(max[0]!.record(0).get('_value'), 9.5);
});

test('influxdb.from is the same function', async () => {
  assert.equal(await rows('import "influxdata/influxdb"\ninfluxdb.from(bucket: "m") |> range(start: 0) |> filter(fn: (r) => r.host == "a")'), 10);
});

test('buckets() over an unusable data directory is store.io at the call, naming the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-flux-from-blocked-'));
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  const blocked = createRuntime({ dataDir: join(file, 'data'), logger: silentLogger });
  try {
    const r = await blocked.run('x = 1\n  buckets()');
    await assert.rejects(collectTables(r.results[0]!.value as TableStream), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, 'store.io');
      assert.deepEqual([e.span?.start.line, e.span?.start.column], [2, 3]);
      assert.ok(e.message.includes(file), e.message);
      return true;
    });
  } finally {
    await blocked.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
