// The write path's bookkeeping per series: the key a built series carries, and series written
// more than once in one flush (group commit).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchBuilder, FieldTypeConflictError, openStore } from '../../src/store/index.js';
import type { SeriesBatch, Store } from '../../src/store/index.js';
import { KeyedSeries, encodeSegment, seriesKey, seriesKeyOf } from '../../src/store/segment.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { silentLogger } from '../../src/host/logger.js';
import type { Clock } from '../../src/host/clock.js';

const T0 = 1_700_000_000_000_000_000n;
const clock: Clock = { nowNanos: () => T0, monotonicMs: () => 0, setTimer: () => ({ cancel() {} }), sleep: () => Promise.resolve() };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newStore(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-write-path-'));
  dirs.push(dir);
  return { store: openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false }), dir };
}

async function rows(store: Store, bucket: string): Promise<string[]> {
  const out: string[] = [];
  for await (const s of store.read(bucket, {})) {
    for (let i = 0; i < s.times.length; i++) out.push(`${s.measurement}|${s.field}|${JSON.stringify(s.tags)}|${s.type}|${s.times[i]! - T0}|${String(s.values[i])}`);
  }
  return out.sort();
}

const float = (measurement: string, tags: [string, string][], times: bigint[], values: number[]): SeriesBatch => ({
  measurement,
  tags,
  field: 'f',
  type: 'float',
  times: BigInt64Array.from(times, (t) => T0 + t),
  values: Float64Array.from(values),
});

test('a built series carries its key; a copy made with spread syntax does not, and is keyed by its own tags', async () => {
  const b = new BatchBuilder();
  b.add('m', [['host', 'a'], ['dc', 'x']], 'f', T0, 1.5);
  b.add('m', [['host', 'b']], 'f', T0, 2.5);
  const built = b.build();
  assert.ok(built[0] instanceof KeyedSeries);
  assert.equal(seriesKeyOf(built[0]!), seriesKey('m', 'f', [['dc', 'x'], ['host', 'a']]));
  // A copy with other tags (and one with another measurement) must not pass for the
  // original: were the key carried along, the write would merge them into it.
  const copy = { ...built[0]!, tags: [['dc', 'y']] as [string, string][], values: Float64Array.of(3.5) };
  const renamed = { ...built[0]!, measurement: 'n', values: Float64Array.of(4.5) };
  assert.equal(seriesKeyOf(copy), seriesKey('m', 'f', [['dc', 'y']]));
  const { store } = newStore();
  await store.write('b', [...built, copy, renamed]);
  assert.deepEqual(await rows(store, 'b'), [
    'm|f|[["dc","x"],["host","a"]]|float|0|1.5',
    'm|f|[["dc","y"]]|float|0|3.5',
    'm|f|[["host","b"]]|float|0|2.5',
    'n|f|[["dc","x"],["host","a"]]|float|0|4.5',
  ]);
  // encodeSegment orders by the keys of what it is given, carried or not.
  assert.equal(encodeSegment([copy, ...built, renamed]).points, 4);
});

test('a series written by several writes of one flush is merged (the newest value of a time wins); one flush later it is not merged with them', async () => {
  const { store, dir } = newStore();
  const b = new BatchBuilder();
  b.add('m', [['k', 'v']], 'f', T0 + 1n, 10);
  b.add('m', [['k', 'v']], 'f', T0 + 2n, 20);
  // Issued in one tick: one flush, one segment.
  await Promise.all([
    store.write('b', [float('m', [['k', 'v']], [0n, 1n], [1, 2]), float('other', [], [0n], [7])]),
    store.write('b', b.build()),
    store.write('b', [float('m', [['k', 'v']], [2n, 3n], [200, 300]), float('m', [['k', 'w']], [0n], [5])]),
    store.write('b', [float('m', [['k', 'v']], [0n], [100])]),
  ]);
  const segments = () => readdirSync(join(dir, 'buckets', 'b')).filter((f) => f.endsWith('.seg')).length;
  assert.equal(segments(), 1);
  const want = ['m|f|[["k","v"]]|float|0|100', 'm|f|[["k","v"]]|float|1|10', 'm|f|[["k","v"]]|float|2|200', 'm|f|[["k","v"]]|float|3|300', 'm|f|[["k","w"]]|float|0|5', 'other|f|[]|float|0|7'];
  assert.deepEqual(await rows(store, 'b'), want);
  // The next flush: the series are known (from this process's last flush), not part of it.
  await store.write('b', [float('m', [['k', 'v']], [4n], [400])]);
  await store.write('b', [float('m', [['k', 'w']], [0n], [6])]);
  assert.equal(segments(), 3);
  assert.deepEqual(await rows(store, 'b'), [...want.slice(0, 4), 'm|f|[["k","v"]]|float|4|400', 'm|f|[["k","w"]]|float|0|6', 'other|f|[]|float|0|7']);
});

test('a series written with another type in the same flush is a conflict whatever write brought it first', async () => {
  const { store } = newStore();
  const b = new BatchBuilder();
  b.add('m', [], 'f', T0, 1n); // int
  const first = store.write('b', [float('m', [], [1n], [1.5])]);
  const second = store.write('b', [...b.build(), float('ok', [], [0n], [2])]);
  await first;
  await assert.rejects(second, (e: unknown) => e instanceof FieldTypeConflictError && e.id === 'store.fieldTypeConflict' && e.conflict.stored === 'float' && !e.conflict.inWrite && e.dropped === 1 && e.written === 1);
  assert.deepEqual(await rows(store, 'b'), ['m|f|[]|float|1|1.5', 'ok|f|[]|float|0|2']);
});

test('a fresh Store learns the types of the series on disk: a built series of another type is a conflict', async () => {
  const { store, dir } = newStore();
  await store.write('b', [float('m', [['a', '1'], ['b', '2']], [0n], [1.5])]);
  await store.write('b', [{ measurement: 'm', tags: [['b', '3']], field: 'g', type: 'int', times: BigInt64Array.of(T0), values: BigInt64Array.of(4n) }]);
  await store.close();
  const fresh = openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false });
  const b = new BatchBuilder();
  b.add('m', [['b', '2'], ['a', '1']], 'f', T0 + 1n, 'text'); // the float series of the first segment
  b.add('m', [['b', '3']], 'g', T0 + 1n, 5n); // the int series of the second: no conflict
  await assert.rejects(
    fresh.write('b', b.build()),
    (e: unknown) => e instanceof FieldTypeConflictError && e.conflict.stored === 'float' && e.conflict.offered === 'string' && !e.conflict.inWrite && e.dropped === 1 && e.written === 1,
  );
  assert.deepEqual(await rows(fresh, 'b'), ['m|f|[["a","1"],["b","2"]]|float|0|1.5', 'm|g|[["b","3"]]|int|0|4', 'm|g|[["b","3"]]|int|1|5']);
});
