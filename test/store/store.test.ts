import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, BatchBuilder, FieldTypeConflictError, NS_PER_DAY, NS_PER_HOUR } from '../../src/store/index.js';
import type { SeriesBatch, SeriesData, StorePredicate, Store, FieldType } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { silentLogger } from '../../src/host/logger.js';
import type { Clock } from '../../src/host/clock.js';
import { systemClock } from '../../src/host/clock.js';
import { UInt } from '../../src/values/value.js';
import { FluxError } from '../../src/errors/index.js';
import { tempDirs } from '../support/temp-dirs.js';
import { manualClock } from '../support/fake-clock.js';

const tempDir = tempDirs('promflux-store-');

function newStore(dir = tempDir(), clock: Clock = systemClock, extra: Partial<Parameters<typeof openStore>[0]> = {}): Store {
  return openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, ...extra });
}

async function readAll(store: Store, bucket: string, opts: Parameters<Store['read']>[1] = {}): Promise<SeriesData[]> {
  const out: SeriesData[] = [];
  for await (const s of store.read(bucket, opts)) out.push(s);
  return out;
}

/** Flatten to comparable rows. */
function rows(series: readonly SeriesData[]): string[] {
  const out: string[] = [];
  for (const s of series) {
    for (let i = 0; i < s.times.length; i++) {
      const v = s.values[i]!;
      out.push(`${s.measurement}|${s.field}|${JSON.stringify(s.tags)}|${s.type}|${s.times[i]}|${typeof v === 'number' ? Object.is(v, -0) ? '-0' : String(v) : String(v)}`);
    }
  }
  return out.sort();
}

const T0 = 1_700_000_000_000_000_000n;

describe('read order', () => {
  test('series come out by the UTF-8 bytes of their keys (U+FF01 before U+1F600), as Flux orders strings', async () => {
    const store = newStore(undefined, manualClock(T0));
    await store.createBucket('order', { retentionNs: 0n });
    const b = new BatchBuilder();
    for (const v of ['\u{1F600}', 'z', '\u{FF01}']) b.add('m', [['t', v]], 'f', T0, 1);
    await store.write('order', b.build());
    const got = await readAll(store, 'order');
    assert.deepEqual(got.map((s) => s.tags[0]![1]), ['z', '\u{FF01}', '\u{1F600}']);
  });
});

describe('round trip', () => {
  test('every field type, exact times and tags with special characters', async () => {
    const store = newStore(undefined, manualClock(T0));
    await store.createBucket('types', { retentionNs: 0n });
    const tags: [string, string][] = [
      ['host', 'a b,c=d"e\\f'],
      ['emoji', '🚀 ünïcødé'],
      ['empty', ''],
      ['nl', 'line\nbreak\ttab'],
    ];
    const b = new BatchBuilder();
    const floats = [0, -0, 0.1, -1.5, 1e300, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 123456.789];
    floats.forEach((f, i) => b.add('m,x y=z', tags, 'f', T0 + BigInt(i), f));
    const ints = [0n, -1n, 9223372036854775807n, -9223372036854775808n, 42n];
    ints.forEach((v, i) => b.add('m,x y=z', tags, 'i', T0 + BigInt(i) * 1_000_000_007n, v));
    const uints = [0n, 18446744073709551615n, 1n];
    uints.forEach((v, i) => b.add('m,x y=z', tags, 'u', T0 - BigInt(i) * 3n, new UInt(v)));
    [true, false, true].forEach((v, i) => b.add('m,x y=z', tags, 'b', T0 + BigInt(i), v));
    ['', 'plain', 'quote " and \\ and \n', '😀'.repeat(100)].forEach((v, i) => b.add('m,x y=z', tags, 's', T0 + BigInt(i), v));
    // times far apart (more than 2^51 ns between points) and before the epoch
    b.add('wide', [], 'f', -5_000_000_000_000_000_000n, 1);
    b.add('wide', [], 'f', 9_000_000_000_000_000_000n, 2);
    await store.write('types', b.build());
    const got = await readAll(store, 'types');
    const byField = new Map(got.map((s) => [s.measurement + '.' + s.field, s]));
    const f = byField.get('m,x y=z.f')!;
    assert.equal(f.type, 'float');
    assert.deepEqual(
      [...f.values].map((v) => (Object.is(v, -0) ? '-0' : String(v))),
      floats.map((v) => (Object.is(v, -0) ? '-0' : String(v))),
    );
    assert.deepEqual([...f.times], floats.map((_, i) => T0 + BigInt(i)));
    assert.deepEqual(
      f.tags,
      [...tags].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    const i = byField.get('m,x y=z.i')!;
    assert.equal(i.type, 'int');
    assert.deepEqual([...i.values], ints);
    assert.deepEqual([...i.times], ints.map((_, k) => T0 + BigInt(k) * 1_000_000_007n));
    const u = byField.get('m,x y=z.u')!;
    assert.equal(u.type, 'uint');
    assert.deepEqual([...u.values], [...uints].reverse());
    assert.deepEqual([...u.times], [T0 - 6n, T0 - 3n, T0]);
    const bo = byField.get('m,x y=z.b')!;
    assert.equal(bo.type, 'bool');
    assert.deepEqual([...bo.values], [1, 0, 1]);
    const st = byField.get('m,x y=z.s')!;
    assert.equal(st.type, 'string');
    assert.deepEqual(st.values, ['', 'plain', 'quote " and \\ and \n', '😀'.repeat(100)]);
    assert.deepEqual([...byField.get('wide.f')!.times], [-5_000_000_000_000_000_000n, 9_000_000_000_000_000_000n]);
    await store.close();
    // A second store instance (a fresh process's view) reads the same.
    const again = newStore(store.dir, manualClock(T0));
    assert.deepEqual(rows(await readAll(again, 'types')), rows(got));
  });

  test('the same time written twice keeps the last value, also across writes and after compaction', async () => {
    const store = newStore(undefined, manualClock(T0), { compactionFanIn: 2, graceMs: 0 });
    const w = (v: number) => store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0, T0), values: Float64Array.of(v - 1, v) }]);
    await w(1);
    await w(2);
    await w(3);
    assert.deepEqual([...(await readAll(store, 'b'))[0]!.values], [3]);
    await store.maintain();
    assert.deepEqual([...(await readAll(store, 'b'))[0]!.values], [3]);
  });

  test('a _value predicate sees the newest value of a time, not an overwritten one', async () => {
    const store = newStore(undefined, manualClock(T0), { autoMaintain: false });
    const w = (v: number) => store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(v) }]);
    await w(1);
    await w(10);
    assert.deepEqual(await readAll(store, 'b', { predicate: { kind: 'value', op: '<', value: 5 } }), []);
    assert.deepEqual((await readAll(store, 'b', { predicate: { kind: 'value', op: '>', value: 5 } })).flatMap((s) => [...s.values]), [10]);
  });

  // InfluxDB's partial write (influxdata/influxdb#7836; InfluxDB OSS v2 "Troubleshoot rejected
  // points"): the conflicting points are dropped, the others written, and the write fails.
  test('a field type conflict drops only the conflicting series: the rest is written and the write rejects with store.fieldTypeConflict', async () => {
    const store = newStore(undefined, manualClock(T0));
    await store.write('b', [{ measurement: 'm', tags: [['t', 'x']], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    await assert.rejects(
      store.write('b', [
        { measurement: 'other', tags: [], field: 'g', type: 'float', times: BigInt64Array.of(T0, T0 + 1n, T0 + 2n), values: Float64Array.of(1, 2, 3) },
        { measurement: 'm', tags: [['t', 'x']], field: 'f', type: 'int', times: BigInt64Array.of(T0 + 1n, T0 + 2n), values: BigInt64Array.of(1n, 2n) },
        { measurement: 'm', tags: [['t', 'y']], field: 'f', type: 'int', times: BigInt64Array.of(T0 + 1n), values: BigInt64Array.of(5n) },
      ]),
      (e: unknown) => {
        assert.ok(e instanceof FieldTypeConflictError, String(e));
        assert.equal(e.id, 'store.fieldTypeConflict');
        assert.equal(e.code, 'invalid');
        assert.deepEqual(e.conflict, { bucket: 'b', measurement: 'm', field: 'f', tags: [['t', 'x']], stored: 'float', offered: 'int', inWrite: false });
        assert.equal(e.dropped, 2);
        assert.equal(e.written, 4);
        return true;
      },
    );
    assert.deepEqual(rows(await readAll(store, 'b')), [
      `m|f|[["t","x"]]|float|${T0}|1`,
      `m|f|[["t","y"]]|int|${T0 + 1n}|5`,
      `other|g|[]|float|${T0}|1`,
      `other|g|[]|float|${T0 + 1n}|2`,
      `other|g|[]|float|${T0 + 2n}|3`,
    ]);
    // a fresh process learns the types from disk; a write with nothing else rejects and writes nothing
    const again = newStore(store.dir, manualClock(T0));
    const segments = (await again.buckets())[0]!.segments;
    await assert.rejects(
      again.write('b', [{ measurement: 'm', tags: [['t', 'x']], field: 'f', type: 'string', times: BigInt64Array.of(T0), values: ['s'] }]),
      (e: unknown) => e instanceof FieldTypeConflictError && e.id === 'store.fieldTypeConflict' && e.conflict.stored === 'float' && e.conflict.offered === 'string' && e.dropped === 1 && e.written === 0,
    );
    assert.equal((await again.buckets())[0]!.segments, segments);
    // the stored type still writes
    await again.write('b', [{ measurement: 'm', tags: [['t', 'x']], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 9n), values: Float64Array.of(9) }]);
    assert.equal((await readAll(again, 'b', { predicate: { kind: 'tag', key: 't', op: '==', value: 'x' } }))[0]!.times.length, 2);
  });

  test('two series of one write that disagree: the first type is kept, the later one dropped, the rest written', async () => {
    const store = newStore(undefined, manualClock(T0));
    await assert.rejects(
      store.write('b', [
        { measurement: 'm', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(T0), values: ['a'] },
        { measurement: 'ok', tags: [], field: 'f', type: 'bool', times: BigInt64Array.of(T0), values: Uint8Array.of(1) },
        { measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 1n, T0 + 2n, T0 + 3n), values: Float64Array.of(1, 2, 3) },
        { measurement: 'm', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(T0 + 4n), values: ['b'] },
      ]),
      (e: unknown) => {
        assert.ok(e instanceof FieldTypeConflictError, String(e));
        assert.deepEqual(e.conflict, { bucket: 'b', measurement: 'm', field: 'f', tags: [], stored: 'string', offered: 'float', inWrite: true });
        assert.equal(e.dropped, 3);
        assert.equal(e.written, 3);
        return true;
      },
    );
    assert.deepEqual(rows(await readAll(store, 'b')), [`m|f|[]|string|${T0}|a`, `m|f|[]|string|${T0 + 4n}|b`, `ok|f|[]|bool|${T0}|1`]);
  });

  test('writes grouped into one flush are checked one by one: only the conflicting one fails, and only in part', async () => {
    const store = newStore(undefined, manualClock(T0));
    const first = store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    const second = store.write('b', [
      { measurement: 'm', tags: [], field: 'f', type: 'int', times: BigInt64Array.of(T0 + 1n), values: BigInt64Array.of(2n) },
      { measurement: 'n', tags: [], field: 'f', type: 'int', times: BigInt64Array.of(T0 + 1n), values: BigInt64Array.of(3n) },
    ]);
    const third = store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 2n), values: Float64Array.of(4) }]);
    await first;
    await assert.rejects(second, (e: unknown) => e instanceof FieldTypeConflictError && !e.conflict.inWrite && e.dropped === 1 && e.written === 1);
    await third;
    assert.deepEqual(rows(await readAll(store, 'b')), [`m|f|[]|float|${T0}|1`, `m|f|[]|float|${T0 + 2n}|4`, `n|f|[]|int|${T0 + 1n}|3`]);
  });

  test('a type another process gave a series since this one learned the types is a conflict too', async () => {
    const dir = tempDir();
    let opened = 0;
    const fs = {
      ...nodeFileSystem,
      openRead(path: string) {
        opened++;
        return nodeFileSystem.openRead(path);
      },
    };
    const a = openStore({ dir, fs, clock: manualClock(T0), logger: silentLogger, autoMaintain: false, compactionFanIn: 2 });
    await a.write('b', [{ measurement: 'first', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    // another process writes x as a string after a learned the bucket's types
    const other = newStore(dir, manualClock(T0), { autoMaintain: false });
    await other.write('b', [{ measurement: 'x', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(T0), values: ['s'] }]);
    await assert.rejects(
      a.write('b', [
        { measurement: 'x', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 1n), values: Float64Array.of(2) },
        { measurement: 'y', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 1n), values: Float64Array.of(3) },
      ]),
      (e: unknown) => e instanceof FieldTypeConflictError && e.conflict.measurement === 'x' && e.conflict.stored === 'string' && !e.conflict.inWrite && e.dropped === 1 && e.written === 1,
    );
    assert.deepEqual(rows(await readAll(newStore(dir, manualClock(T0)), 'b')), [`first|f|[]|float|${T0}|1`, `x|f|[]|string|${T0}|s`, `y|f|[]|float|${T0 + 1n}|3`]);
    // a knows the types of its own segments: a write with no new segment of others opens none
    opened = 0;
    await a.write('b', [{ measurement: 'y', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 2n), values: Float64Array.of(4) }]);
    await a.write('b', [{ measurement: 'z', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 2n), values: Float64Array.of(5) }]);
    assert.equal(opened, 0);
    // nor the output of its own compaction
    await a.maintain('b');
    assert.equal((await a.buckets())[0]!.segments, 1);
    opened = 0;
    await a.write('b', [{ measurement: 'z', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + 3n), values: Float64Array.of(6) }]);
    assert.equal(opened, 0);
    await assert.rejects(
      a.write('b', [{ measurement: 'x', tags: [], field: 'f', type: 'int', times: BigInt64Array.of(T0 + 3n), values: BigInt64Array.of(6n) }]),
      (e: unknown) => e instanceof FieldTypeConflictError && e.conflict.stored === 'string',
    );
  });

  test('reserved tag keys and duplicate tags are rejected; other _-prefixed tags are kept', async () => {
    const store = newStore(undefined, manualClock(T0));
    for (const k of ['_field', '_start', '']) {
      await assert.rejects(
        store.write('b', [{ measurement: 'm', tags: [[k, '1']], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]),
        (e: unknown) => e instanceof FluxError && e.id === 'store.invalidTag',
      );
    }
    await store.write('b', [{ measurement: 'm', tags: [['_x', '1']], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    assert.deepEqual((await readAll(store, 'b'))[0]!.tags, [['_x', '1']]);
    await assert.rejects(
      store.write('b', [{ measurement: 'm', tags: [['a', '1'], ['a', '2']], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]),
      (e: unknown) => e instanceof FluxError && e.id === 'store.duplicateTag',
    );
  });
});

describe('times', () => {
  test("a time outside InfluxDB's range is store.invalidTime and nothing of the write is kept; the range's ends read back, also after compaction", async () => {
    const MAX = 2n ** 63n - 1n;
    const MIN = -(2n ** 63n);
    const store = newStore(undefined, manualClock(T0), { autoMaintain: false, compactionFanIn: 2 });
    await store.createBucket('b', { retentionNs: 0n });
    const pt = (measurement: string, ...times: bigint[]): SeriesBatch => ({ measurement, tags: [], field: 'f', type: 'float', times: BigInt64Array.from(times), values: Float64Array.from(times, (_, i) => i) });
    for (const bad of [MAX, MIN, MIN + 1n]) {
      await assert.rejects(store.write('b', [pt('ok', T0), pt('m', T0, bad)]), (e: unknown) => {
        assert.ok(e instanceof FluxError, String(e));
        assert.equal(e.id, 'store.invalidTime');
        assert.ok(e.message.includes(String(bad)), e.message);
        return true;
      });
    }
    assert.equal((await store.buckets())[0]!.points, 0);
    await store.write('b', [pt('m', MIN + 2n, MAX - 1n)]);
    await store.write('b', [pt('n', MAX - 2n)]);
    await store.maintain('b');
    assert.equal((await store.buckets())[0]!.segments, 2, "one per partition, the last one's two compacted");
    assert.deepEqual(rows(await readAll(store, 'b')), [`m|f|[]|float|${MIN + 2n}|0`, `m|f|[]|float|${MAX - 1n}|1`, `n|f|[]|float|${MAX - 2n}|0`]);
  });
});

describe('buckets', () => {
  test('create, list, delete; unknown buckets are store.bucketNotFound', async () => {
    const store = newStore(undefined, manualClock(T0));
    await store.createBucket('weird/name..', { retentionNs: 2n * NS_PER_HOUR });
    await assert.rejects(store.createBucket('weird/name..'), (e: unknown) => e instanceof FluxError && e.id === 'store.bucketExists');
    await store.write('auto', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    const list = await store.buckets();
    assert.deepEqual(list.map((b) => [b.name, b.retentionNs, b.points]), [
      ['auto', 30n * NS_PER_DAY, 1],
      ['weird/name..', 2n * NS_PER_HOUR, 0],
    ]);
    assert.ok(list[0]!.bytes > 0);
    await store.deleteBucket('weird/name..');
    assert.deepEqual((await store.buckets()).map((b) => b.name), ['auto']);
    await assert.rejects(store.deleteBucket('nope'), (e: unknown) => e instanceof FluxError && e.id === 'store.bucketNotFound');
    await assert.rejects(readAll(store, 'nope'), (e: unknown) => e instanceof FluxError && e.id === 'store.bucketNotFound');
    await assert.rejects(store.createBucket(''), (e: unknown) => e instanceof FluxError && e.id === 'store.invalidBucket');
  });
});

describe('range', () => {
  test('start is inclusive, stop is exclusive', async () => {
    const store = newStore(undefined, manualClock(T0));
    const times = BigInt64Array.from({ length: 10 }, (_, i) => T0 + BigInt(i) * 10n);
    await store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'int', times, values: BigInt64Array.from(times, (t) => t - T0) }]);
    const ts = async (start: bigint, stop: bigint) => (await readAll(store, 'b', { start, stop })).flatMap((s) => [...s.values].map(Number));
    assert.deepEqual(await ts(T0 + 20n, T0 + 50n), [20, 30, 40]);
    assert.deepEqual(await ts(T0 + 19n, T0 + 51n), [20, 30, 40, 50]);
    assert.deepEqual(await ts(T0 + 21n, T0 + 30n), []);
    assert.deepEqual(await ts(T0 + 90n, T0 + 91n), [90]);
    assert.deepEqual(await ts(T0 + 90n, T0 + 90n), []);
    assert.deepEqual(await ts(T0 - 1000n, T0 + 1n), [0]);
  });
});

// ---- pushdown correctness: the store's answer equals filtering every row by hand ----

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

class Mismatch extends Error {}

/**
 * Reference row semantics, independent of src/store/predicate.ts, as the interpreter evaluates
 * a filter: and/or left to right, stopping at the deciding operand, with three-valued logic (a
 * null operand is unknown: `null and true` is null, `null and false` false); `not null` is
 * null; `all` (successive filters) stops at the first operand that is not true; a missing tag
 * is null; comparing a string with a number throws.
 */
function evalRow(p: StorePredicate, row: Record<string, unknown>): boolean | null {
  switch (p.kind) {
    case 'true':
      return true;
    case 'all':
      for (const o of p.operands) if (evalRow(o, row) !== true) return false;
      return true;
    case 'and':
    case 'or': {
      const decides = p.kind === 'or';
      let unknown = false;
      for (const o of p.operands) {
        const r = evalRow(o, row);
        if (r === decides) return decides;
        if (r === null) unknown = true;
      }
      return unknown ? null : !decides;
    }
    case 'not': {
      const r = evalRow(p.operand, row);
      return r === null ? null : !r;
    }
    case 'tag': {
      const v = row[p.key];
      if (typeof v !== 'string') return null;
      if (p.op === '==') return v === p.value;
      if (p.op === '!=') return v !== p.value;
      const m = (p.value as RegExp).test(v);
      return p.op === '=~' ? m : !m;
    }
    case 'value': {
      const v = row._value as number | string | boolean;
      const l = p.value as number | string | boolean;
      if (typeof v !== typeof l) throw new Mismatch();
      switch (p.op) {
        case '==':
          return v === l;
        case '!=':
          return v !== l;
        case '<':
          return v < l;
        case '<=':
          return v <= l;
        case '>':
          return v > l;
        case '>=':
          return v >= l;
      }
    }
  }
}

describe('pushdown', () => {
  test('the same rows with and without pushdown on random data and random predicates', async () => {
    const rand = rng(7);
    const store = newStore(undefined, manualClock(T0 + 1000n * 1_000_000_000n), { compactionFanIn: 3, graceMs: 0 });
    const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
    const hosts = ['a', 'b', 'c', 'd'];
    const regions = ['eu', 'us'];
    const allRows: Record<string, unknown>[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const series: SeriesBatch[] = [];
      for (let k = 0; k < 12; k++) {
        const measurement = pick(['cpu', 'mem', 'disk']);
        const tags: [string, string][] = [['host', pick(hosts)]];
        if (rand() < 0.6) tags.push(['region', pick(regions)]);
        const type: FieldType = measurement === 'disk' ? 'string' : 'float';
        const field = type === 'string' ? 'state' : pick(['usage', 'idle']);
        const n = 1 + Math.floor(rand() * 20);
        const times = BigInt64Array.from({ length: n }, () => T0 + BigInt(Math.floor(rand() * 1000)) * 1_000_000_000n);
        const values = type === 'string' ? Array.from({ length: n }, () => pick(['ok', 'full', 'ro'])) : Float64Array.from({ length: n }, () => Math.round(rand() * 100) / 4);
        series.push({ measurement, tags, field, type, times, values });
      }
      await store.write('r', series);
    }
    // Reference: every row (as read without pushdown: no predicate, no range).
    const everything = await readAll(store, 'r');
    for (const s of everything) {
      for (let i = 0; i < s.times.length; i++) {
        allRows.push({ _measurement: s.measurement, _field: s.field, ...Object.fromEntries(s.tags), _time: s.times[i], _value: s.values[i], _type: s.type });
      }
    }
    const rowKey = (r: Record<string, unknown>) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const genPred = (depth: number): StorePredicate => {
      const r = rand();
      if (depth > 0 && r < 0.3) return { kind: pick(['and', 'or', 'all'] as const), operands: [genPred(depth - 1), genPred(depth - 1)] };
      if (depth > 0 && r < 0.38) return { kind: 'not', operand: genPred(depth - 1) };
      if (r < 0.55) return { kind: 'tag', key: '_measurement', op: pick(['==', '!='] as const), value: pick(['cpu', 'mem', 'disk']) };
      if (r < 0.65) return { kind: 'tag', key: '_field', op: pick(['==', '!='] as const), value: pick(['usage', 'idle', 'state']) };
      if (r < 0.75) return { kind: 'tag', key: pick(['host', 'region']), op: pick(['==', '!='] as const), value: pick([...hosts, ...regions]) };
      if (r < 0.82) return { kind: 'tag', key: pick(['host', 'region']), op: pick(['=~', '!~'] as const), value: pick([/^[ab]$/, /u/, /^$/]) };
      if (r < 0.93) return { kind: 'value', op: pick(['==', '!=', '<', '<=', '>', '>='] as const), value: Math.round(rand() * 100) / 4 };
      return { kind: 'value', op: pick(['==', '!='] as const), value: pick(['ok', 'full']) };
    };
    const check = async (label: string) => {
      let mismatches = 0;
      for (let q = 0; q < 60; q++) {
        const pred = genPred(2);
        const a = T0 + BigInt(Math.floor(rand() * 1100) - 50) * 1_000_000_000n;
        const b = a + BigInt(Math.floor(rand() * 600)) * 1_000_000_000n;
        const label2 = `${label} query ${q}: ${JSON.stringify(pred, (_k, v) => (v instanceof RegExp ? String(v) : v))}`;
        let want: string[] | 'mismatch';
        try {
          want = allRows.filter((r) => (r._time as bigint) >= a && (r._time as bigint) < b && evalRow(pred, r) === true).map(rowKey).sort();
        } catch (e) {
          if (!(e instanceof Mismatch)) throw e;
          want = 'mismatch';
        }
        if (want === 'mismatch') {
          await assert.rejects(readAll(store, 'r', { start: a, stop: b, predicate: pred }), (e: unknown) => e instanceof FluxError && e.id === 'type.mismatch', label2);
          mismatches++;
          continue;
        }
        const got = await readAll(store, 'r', { start: a, stop: b, predicate: pred });
        const gotRows = got
          .flatMap((s) => [...s.times].map((t, i) => ({ _measurement: s.measurement, _field: s.field, ...Object.fromEntries(s.tags), _time: t, _value: s.values[i], _type: s.type })))
          .map(rowKey)
          .sort();
        assert.deepEqual(gotRows, want, label2);
      }
      // Both outcomes occur (the generator compares string series with numbers too).
      assert.ok(mismatches > 0 && mismatches < 40, `${label}: ${mismatches} of 60 queries failed`);
    };
    await check('before compaction');
    await store.maintain();
    await check('after compaction');
  });

  test('a one-series query reads a small fraction of the bytes', async () => {
    const store = newStore(undefined, manualClock(T0));
    const series: SeriesBatch[] = [];
    for (let k = 0; k < 500; k++) {
      const times = BigInt64Array.from({ length: 200 }, (_, i) => T0 + BigInt(i) * 10_000_000_000n);
      series.push({ measurement: 'm', tags: [['id', String(k)]], field: 'v', type: 'float', times, values: Float64Array.from(times, (_, i) => Math.sin(i + k)) });
    }
    await store.write('big', series);
    const stats = { segmentsConsidered: 0, segmentsOpened: 0, seriesMatched: 0, bytesRead: 0, pointsReturned: 0 };
    const got: SeriesData[] = [];
    for await (const s of store.read('big', { predicate: { kind: 'tag', key: 'id', op: '==', value: '42' } }, stats)) got.push(s);
    assert.equal(got.length, 1);
    assert.equal(stats.pointsReturned, 200);
    const total = await store.size();
    assert.ok(stats.bytesRead * 10 < total, `read ${stats.bytesRead} of ${total} bytes`);
  });
});

describe('retention and compaction', () => {
  test('expired data disappears from reads at once and from disk on maintenance; writers are not blocked', async () => {
    const clock = manualClock(T0);
    const store = newStore(undefined, clock, { graceMs: 0, autoMaintain: false });
    await store.createBucket('short', { retentionNs: NS_PER_HOUR });
    const pt = (t: bigint, v: number): SeriesBatch => ({ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(t), values: Float64Array.of(v) });
    await store.write('short', [pt(T0 - 30n * 60_000_000_000n, 1)]); // 30 min old
    await store.write('short', [pt(T0, 2)]);
    // too old already: dropped at write time
    await store.write('short', [pt(T0 - 2n * NS_PER_HOUR, 0)]);
    assert.deepEqual((await readAll(store, 'short')).flatMap((s) => [...s.values]), [1, 2]);
    clock.set(T0 + 45n * 60_000_000_000n); // the first point is now 75 min old
    assert.deepEqual((await readAll(store, 'short')).flatMap((s) => [...s.values]), [2]);
    clock.set(T0 + 3n * NS_PER_HOUR);
    const before = readdirSync(join(store.dir, 'buckets', 'short')).filter((f) => f.endsWith('.seg')).length;
    assert.ok(before >= 1);
    // maintenance and a write running at the same time both succeed
    await Promise.all([store.maintain('short'), store.write('short', [pt(T0 + 3n * NS_PER_HOUR, 3)])]);
    await store.maintain('short');
    assert.deepEqual((await readAll(store, 'short')).flatMap((s) => [...s.values]), [3]);
    const files = readdirSync(join(store.dir, 'buckets', 'short')).filter((f) => f.endsWith('.seg'));
    assert.equal(files.length, 1, `files left: ${files.join(', ')}`);
  });

  test('many small writes compact so the file count stays bounded and data stays the same', async () => {
    const clock = manualClock(T0);
    const store = newStore(undefined, clock, { graceMs: 0, compactionFanIn: 4 });
    await store.createBucket('c', { retentionNs: 0n });
    for (let i = 0; i < 100; i++) {
      await store.write('c', [
        { measurement: 'm', tags: [['k', String(i % 3)]], field: 'f', type: 'int', times: BigInt64Array.of(T0 + BigInt(i)), values: BigInt64Array.of(BigInt(i)) },
      ]);
    }
    await store.maintain('c');
    await store.maintain('c');
    const segs = readdirSync(join(store.dir, 'buckets', 'c')).filter((f) => f.endsWith('.seg'));
    assert.ok(segs.length <= 12, `${segs.length} segment files`);
    const got = await readAll(store, 'c');
    assert.deepEqual(got.flatMap((s) => [...s.values].map(Number)).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
    // a closed partition is compacted completely
    clock.set(T0 + 30n * NS_PER_DAY);
    await store.maintain('c');
    await store.maintain('c');
    assert.equal(readdirSync(join(store.dir, 'buckets', 'c')).filter((f) => f.endsWith('.seg')).length, 1);
    assert.equal((await readAll(store, 'c')).reduce((a, s) => a + s.times.length, 0), 100);
  });

  test('the index cache holds only live segments: compaction inputs, expired segments and deleted buckets leave it', async () => {
    // A serve scraping every second compacts all the time; the cache kept the index of every
    // compaction input (each entry object of it) until its entry bound pushed it out.
    const clock = manualClock(T0);
    const store = newStore(undefined, clock, { graceMs: 0, compactionFanIn: 4, autoMaintain: false });
    await store.createBucket('c', { retentionNs: NS_PER_HOUR });
    const scrape = (i: number): SeriesBatch[] =>
      Array.from({ length: 50 }, (_, k) => ({ measurement: 'm', tags: [['k', String(k)]], field: 'f', type: 'float', times: BigInt64Array.of(T0 + BigInt(i) * 1_000_000_000n), values: Float64Array.of(i) }));
    const live = () => JSON.parse(readFileSync(join(store.dir, 'buckets', 'c', 'MANIFEST'), 'utf8')).segments.length as number;
    for (let i = 0; i < 30; i++) {
      clock.set(T0 + BigInt(i) * 1_000_000_000n);
      await store.write('c', scrape(i));
      await readAll(store, 'c', { start: T0 + BigInt(i) * 1_000_000_000n });
      await store.maintain('c');
      const { indexes, entries } = store.cacheStats();
      assert.ok(indexes <= live(), `run ${i}: ${indexes} cached indexes, ${live()} live segments`);
      assert.ok(entries <= live() * 50, `run ${i}: ${entries} cached entries`);
    }
    assert.equal((await readAll(store, 'c')).reduce((a, s) => a + s.times.length, 0), 30 * 50);
    assert.ok(store.cacheStats().indexes >= 1);
    // Retention: every segment expires.
    clock.set(T0 + 2n * NS_PER_HOUR);
    await store.maintain('c');
    assert.deepEqual(store.cacheStats(), { indexes: 0, entries: 0 });
    // A deleted bucket leaves nothing cached.
    clock.set(T0 + 30n * 1_000_000_000n);
    await store.write('c', scrape(30));
    await readAll(store, 'c');
    assert.equal(store.cacheStats().indexes, 1);
    await store.deleteBucket('c');
    assert.deepEqual(store.cacheStats(), { indexes: 0, entries: 0 });
  });

  test('concurrent queries that load the same index count its entries once', async () => {
    const clock = manualClock(T0);
    const dir = tempDir();
    const writer = newStore(dir, clock, { autoMaintain: false });
    for (let i = 0; i < 3; i++) {
      await writer.write('b', Array.from({ length: 40 }, (_, k) => ({ measurement: 'm', tags: [['k', String(k)]], field: 'f', type: 'float' as const, times: BigInt64Array.of(T0 + BigInt(i)), values: Float64Array.of(i) })));
    }
    const store = newStore(dir, clock, { autoMaintain: false });
    await Promise.all(Array.from({ length: 4 }, () => readAll(store, 'b')));
    assert.deepEqual(store.cacheStats(), { indexes: 3, entries: 3 * 40 });
  });
});

describe('corruption', () => {
  test('a damaged segment is reported as store.corrupt, never as wrong data', async () => {
    const store = newStore(undefined, manualClock(T0));
    await store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    const dir = join(store.dir, 'buckets', 'b');
    const seg = readdirSync(dir).find((f) => f.endsWith('.seg'))!;
    const bytes = readFileSync(join(dir, seg));
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(join(dir, seg), bytes);
    const fresh = newStore(store.dir, manualClock(T0));
    await assert.rejects(readAll(fresh, 'b'), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt');
  });
});

describe('failures', () => {
  /** A store whose segment writes fail with ENOSPC while `failWrites(true)` holds. */
  const storeWithFailingWrites = (): { store: Store; failWrites: (on: boolean) => void } => {
    let fail = false;
    const fs = {
      ...nodeFileSystem,
      async writeNewFile(path: string, data: Uint8Array) {
        if (fail) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return nodeFileSystem.writeNewFile(path, data);
      },
    };
    const store = openStore({ dir: tempDir(), fs, clock: manualClock(T0), logger: silentLogger });
    return { store, failWrites: (on) => (fail = on) };
  };

  test('an I/O error while writing rejects with store.writeFailed and publishes nothing', async () => {
    const { store, failWrites } = storeWithFailingWrites();
    const pt = (v: number): SeriesBatch => ({ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + BigInt(v)), values: Float64Array.of(v) });
    await store.write('b', [pt(1)]);
    failWrites(true);
    await assert.rejects(store.write('b', [pt(2)]), (e: unknown) => e instanceof FluxError && e.id === 'store.writeFailed');
    failWrites(false);
    await store.write('b', [pt(3)]);
    assert.deepEqual((await readAll(store, 'b')).flatMap((s) => [...s.values]), [1, 3]);
  });

  test('a series whose first write failed on I/O may be written later with another type', async () => {
    const { store, failWrites } = storeWithFailingWrites();
    await store.write('b', [{ measurement: 'old', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    failWrites(true);
    await assert.rejects(
      store.write('b', [{ measurement: 'new', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]),
      (e: unknown) => e instanceof FluxError && e.id === 'store.writeFailed',
    );
    failWrites(false);
    // nothing of "new" is on disk: its type is still open
    await store.write('b', [{ measurement: 'new', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(T0), values: ['s'] }]);
    // and the types that are on disk still hold
    await assert.rejects(
      store.write('b', [{ measurement: 'old', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(T0), values: ['s'] }]),
      (e: unknown) => e instanceof FluxError && e.id === 'store.fieldTypeConflict',
    );
    assert.deepEqual(rows(await readAll(store, 'b')), [`new|f|[]|string|${T0}|s`, `old|f|[]|float|${T0}|1`]);
  });

  test('maintenance of a bucket another process deleted, before or during a compaction, is no failure', async () => {
    const dir = tempDir();
    const pt = (i: bigint): SeriesBatch => ({ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + i), values: Float64Array.of(1) });
    const other = newStore(dir, manualClock(T0), { autoMaintain: false });
    // Deleted before: the bucket's directory is gone when maintenance takes its LOCK.
    const store = newStore(dir, manualClock(T0), { autoMaintain: false });
    await store.write('gone', [pt(1n)]);
    await other.deleteBucket('gone');
    await store.maintain('gone');
    // Deleted while a compaction runs: just before it creates its output file.
    let deleting: Promise<void> | undefined;
    const fs = {
      ...nodeFileSystem,
      async createNewFile(path: string) {
        deleting ??= other.deleteBucket('b');
        await deleting;
        return nodeFileSystem.createNewFile(path);
      },
    };
    const compacting = newStore(dir, manualClock(T0), { fs, autoMaintain: false, compactionFanIn: 2 });
    await compacting.write('b', [pt(1n)]);
    await compacting.write('b', [pt(2n)]);
    await compacting.maintain('b');
    assert.ok(deleting !== undefined, 'the compaction ran');
    assert.deepEqual(await compacting.buckets(), []);
    assert.deepEqual(readdirSync(join(dir, 'buckets')), []);
  });
});

test('one write of series that cross partitions, in any order, puts each point in its partition', async () => {
  const day0 = (T0 / NS_PER_DAY) * NS_PER_DAY; // default retention 30d: 1-day partitions
  const store = newStore(tempDir(), manualClock(day0 + 3n * NS_PER_DAY));
  const at = (d: bigint, s: bigint) => day0 + d * NS_PER_DAY + s;
  await store.write('b', [
    { measurement: 'm', tags: [['s', 'a']], field: 'f', type: 'float', times: BigInt64Array.of(at(-40n, 0n), at(0n, 1n), at(1n, 0n), at(1n, 5n), at(2n, 0n)), values: Float64Array.of(9, 1, 2, 3, 4) },
    { measurement: 'm', tags: [['s', 'b']], field: 'f', type: 'float', times: BigInt64Array.of(at(2n, 7n)), values: Float64Array.of(5) },
    { measurement: 'm', tags: [['s', 'c']], field: 'f', type: 'float', times: BigInt64Array.of(at(0n, 7n)), values: Float64Array.of(6) },
    { measurement: 'm', tags: [['s', 'd']], field: 'f', type: 'float', times: BigInt64Array.of(at(2n, 8n)), values: Float64Array.of(7) },
  ]);
  const [info] = await store.buckets();
  assert.equal(info!.segments, 3, 'one segment per day written');
  assert.equal(info!.points, 7, 'the point older than the retention is dropped');
  for (const d of [0n, 1n, 2n]) {
    const got = rows(await readAll(store, 'b', { start: at(d, 0n), stop: at(d + 1n, 0n) }));
    const want = {
      0: [`m|f|[["s","a"]]|float|${at(0n, 1n)}|1`, `m|f|[["s","c"]]|float|${at(0n, 7n)}|6`],
      1: [`m|f|[["s","a"]]|float|${at(1n, 0n)}|2`, `m|f|[["s","a"]]|float|${at(1n, 5n)}|3`],
      2: [`m|f|[["s","a"]]|float|${at(2n, 0n)}|4`, `m|f|[["s","b"]]|float|${at(2n, 7n)}|5`, `m|f|[["s","d"]]|float|${at(2n, 8n)}|7`],
    }[Number(d) as 0 | 1 | 2];
    assert.deepEqual(got, want, `day ${d}`);
  }
});

describe('BatchBuilder', () => {
  test('groups points by series whatever the order and tag order', () => {
    const b = new BatchBuilder();
    b.add('m', [['a', '1'], ['b', '2']], 'f', 3n, 1.5);
    b.add('m', [['b', '2'], ['a', '1']], 'f', 1n, 2.5); // same series, other tag order
    b.add('m', [['a', '1']], 'f', 2n, 3.5);
    b.add('m', [['a', '1'], ['b', '2']], 'f', 2n, 4.5);
    b.add('m', [['a', '1'], ['b', '2']], 'g', 2n, 5n);
    assert.equal(b.size, 5);
    const out = b.build();
    const key = (s: SeriesBatch) => `${s.field}:${JSON.stringify(s.tags)}`;
    assert.deepEqual(
      Object.fromEntries(out.map((s) => [key(s), [s.type, [...s.times], [...(s.values as Float64Array)]]])),
      {
        'f:[["a","1"],["b","2"]]': ['float', [3n, 1n, 2n], [1.5, 2.5, 4.5]],
        'f:[["a","1"]]': ['float', [2n], [3.5]],
        'g:[["a","1"],["b","2"]]': ['int', [2n], [5n]],
      },
    );
    b.clear();
    assert.equal(b.size, 0);
    assert.deepEqual(b.build(), []);
  });

  test('points of a series with another type than its first come after every first-type series; write() drops them', async () => {
    const b = new BatchBuilder();
    b.add('m', [['a', '1']], 'f', T0 + 1n, 1.5);
    b.add('m', [['a', '1']], 'f', T0 + 2n, 'text'); // conflicts with the first point of the series
    b.add('m', [['a', '2']], 'f', T0 + 1n, 7n);
    b.add('m', [['a', '1']], 'f', T0 + 3n, 'more');
    b.add('m', [['a', '1']], 'f', T0 + 4n, 2.5);
    assert.equal(b.size, 5);
    const out = b.build();
    assert.deepEqual(
      out.map((s) => [JSON.stringify(s.tags), s.type, [...s.times]]),
      [
        ['[["a","1"]]', 'float', [T0 + 1n, T0 + 4n]],
        ['[["a","2"]]', 'int', [T0 + 1n]],
        ['[["a","1"]]', 'string', [T0 + 2n, T0 + 3n]],
      ],
    );
    const store = newStore(undefined, manualClock(T0));
    await assert.rejects(store.write('b', out), (e: unknown) => e instanceof FieldTypeConflictError && e.conflict.inWrite && e.conflict.stored === 'float' && e.dropped === 2 && e.written === 3);
    assert.deepEqual(rows(await readAll(store, 'b')), [`m|f|[["a","1"]]|float|${T0 + 1n}|1.5`, `m|f|[["a","1"]]|float|${T0 + 4n}|2.5`, `m|f|[["a","2"]]|int|${T0 + 1n}|7`]);
  });

  test('series with equal times share one times array; others get their own; a round trip is exact', async () => {
    const b = new BatchBuilder();
    for (let i = 0; i < 3; i++) b.add('m', [['i', String(i)]], 'f', 10n, i + 0.5);
    b.add('m', [['i', '9']], 'f', 11n, 9.5);
    b.add('m', [['i', '8']], 'f', 11n, 8.5);
    b.add('m', [['i', '8']], 'f', 12n, 8.25);
    const out = b.build();
    assert.equal(out[0]!.times, out[1]!.times);
    assert.equal(out[1]!.times, out[2]!.times);
    assert.notEqual(out[2]!.times, out[3]!.times);
    assert.notEqual(out[3]!.times, out[4]!.times);
    assert.deepEqual([...out[4]!.times], [11n, 12n]);
    const store = newStore(tempDir(), manualClock(T0), { defaultRetentionNs: 0n });
    await store.write('b', out);
    assert.deepEqual(rows(await readAll(store, 'b')), [
      'm|f|[["i","0"]]|float|10|0.5',
      'm|f|[["i","1"]]|float|10|1.5',
      'm|f|[["i","2"]]|float|10|2.5',
      'm|f|[["i","8"]]|float|11|8.5',
      'm|f|[["i","8"]]|float|12|8.25',
      'm|f|[["i","9"]]|float|11|9.5',
    ]);
  });

  test('addSeries appends a run after the points a series has, in order, keeping the arrays it is given', () => {
    const b = new BatchBuilder();
    b.add('m', [['a', '1']], 'f', 1n, 0.5);
    const times = BigInt64Array.of(2n, 3n);
    const values = Float64Array.of(1.5, 2.5);
    b.addSeries('m', [['a', '1']], 'f', 'float', times, values);
    b.add('m', [['a', '1']], 'f', 4n, 3.5);
    b.addSeries('m', [['b', '2'], ['a', '1']], 'f', 'float', times, values); // tags in any order
    b.addSeries('m', [['a', '1'], ['b', '2']], 'f', 'float', new BigInt64Array(0), new Float64Array(0));
    assert.equal(b.size, 6);
    const out = b.build();
    assert.deepEqual(
      out.map((s) => [JSON.stringify(s.tags), [...s.times], [...(s.values as Float64Array)]]),
      [
        ['[["a","1"]]', [1n, 2n, 3n, 4n], [0.5, 1.5, 2.5, 3.5]],
        ['[["a","1"],["b","2"]]', [2n, 3n], [1.5, 2.5]],
      ],
    );
    // A series made of one run is that run, not a copy.
    assert.equal(out[1]!.times, times);
    assert.equal(out[1]!.values, values);
  });

  test('a run of another type than the series first got is kept apart, as single points are', () => {
    const b = new BatchBuilder();
    b.addSeries('m', [], 'f', 'int', BigInt64Array.of(1n, 2n), BigInt64Array.of(7n, 8n));
    b.addSeries('m', [], 'f', 'string', BigInt64Array.of(3n), ['x']);
    b.add('m', [], 'f', 4n, 'y');
    b.addSeries('m', [], 'f', 'int', BigInt64Array.of(5n), BigInt64Array.of(9n));
    b.addSeries('m', [], 'g', 'bool', BigInt64Array.of(1n), Uint8Array.of(1));
    b.addSeries('m', [], 'h', 'uint', BigInt64Array.of(1n), BigUint64Array.of(3n));
    const out = b.build();
    assert.deepEqual(
      out.map((s) => [s.field, s.type, [...s.times], [...(s.values as Iterable<unknown>)]]),
      [
        ['f', 'int', [1n, 2n, 5n], [7n, 8n, 9n]],
        ['g', 'bool', [1n], [1]],
        ['h', 'uint', [1n], [3n]],
        ['f', 'string', [3n, 4n], ['x', 'y']],
      ],
    );
  });
});

test('a bucket name whose escaped directory name exceeds 255 bytes is store.invalidBucket, not an I/O error', async () => {
  const store = newStore();
  await assert.rejects(store.createBucket('é'.repeat(60)), (e: unknown) => e instanceof FluxError && e.id === 'store.invalidBucket');
  const pt: SeriesBatch = { measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(1n), values: Float64Array.of(1) };
  await assert.rejects(store.write('.'.repeat(100), [pt]), (e: unknown) => e instanceof FluxError && e.id === 'store.invalidBucket');
  await store.createBucket('é'.repeat(42)); // 252 bytes escaped
  await store.createBucket('x'.repeat(255));
  assert.deepEqual((await store.buckets()).map((b) => b.name.length).sort((a, b) => a - b), [42, 255]);
});

test('a retention beyond int64 nanoseconds is store.invalidRetention (buckets() would show it wrapped)', async () => {
  const store = newStore();
  await assert.rejects(store.createBucket('huge', { retentionNs: 2n ** 63n }), (e: unknown) => e instanceof FluxError && e.id === 'store.invalidRetention');
  await assert.rejects(store.createBucket('neg', { retentionNs: -1n }), (e: unknown) => e instanceof FluxError && e.id === 'store.invalidRetention');
  await store.createBucket('max', { retentionNs: 2n ** 63n - 1n });
  assert.deepEqual((await store.buckets()).map((b) => [b.name, b.retentionNs]), [['max', 2n ** 63n - 1n]]);
});

describe('file-system errors name the path and the cause', () => {
  // The data directory lies below a regular file: every operation meets ENOTDIR.
  function blockedStore(): { store: Store; file: string } {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    return { store: newStore(join(file, 'data', 'store')), file };
  }
  const cases: { name: string; run: (s: Store) => Promise<unknown> }[] = [
    { name: 'buckets()', run: (s) => s.buckets() },
    { name: 'size()', run: (s) => s.size() },
    { name: 'createBucket()', run: (s) => s.createBucket('m') },
    { name: 'deleteBucket()', run: (s) => s.deleteBucket('m') },
    { name: 'read()', run: (s) => readAll(s, 'm') },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { store, file } = blockedStore();
      await assert.rejects(c.run(store), (e: unknown) => {
        assert.ok(e instanceof FluxError, String(e));
        assert.equal(e.id, 'store.io');
        assert.ok(e.message.includes(file), e.message);
        assert.ok(e.message.includes('ENOTDIR'), e.message);
        return true;
      });
    });
  }

  for (const where of ['openRead', 'read'] as const) {
    test(`an I/O error in ${where} while reading is store.io naming the segment`, async () => {
      const dir = tempDir();
      let fail = false;
      const eio = () => Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      const fs = {
        ...nodeFileSystem,
        async openRead(path: string) {
          if (fail && where === 'openRead') throw eio();
          const h = await nodeFileSystem.openRead(path);
          return { ...h, size: h.size, close: () => h.close(), read: (off: number, len: number) => (fail ? Promise.reject(eio()) : h.read(off, len)) };
        },
      };
      const store = openStore({ dir, fs, clock: manualClock(T0), logger: silentLogger });
      await store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
      await store.close();
      fail = true;
      const fresh = openStore({ dir, fs, clock: manualClock(T0), logger: silentLogger });
      const segment = readdirSync(join(dir, 'buckets', 'b')).find((f) => f.endsWith('.seg'))!;
      await assert.rejects(readAll(fresh, 'b'), (e: unknown) => {
        assert.ok(e instanceof FluxError, String(e));
        assert.equal(e.id, 'store.io');
        assert.ok(e.message.includes(join(dir, 'buckets', 'b', segment)), e.message);
        assert.match(e.message, /EIO/);
        return true;
      });
    });
  }

  test('an I/O error reading a compaction input is store.io naming the file, not a raw error', async () => {
    const dir = tempDir();
    let fail = false;
    const fs = {
      ...nodeFileSystem,
      async openRead(path: string) {
        if (fail && path.endsWith('.seg')) throw Object.assign(new Error(`EIO: i/o error, open '${path}'`), { code: 'EIO' });
        return nodeFileSystem.openRead(path);
      },
    };
    const store = openStore({ dir, fs, clock: manualClock(T0), logger: silentLogger, autoMaintain: false, compactionFanIn: 2 });
    for (let i = 0n; i < 2n; i++) await store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0 + i), values: Float64Array.of(1) }]);
    const segments = readdirSync(join(dir, 'buckets', 'b')).filter((f) => f.endsWith('.seg'));
    fail = true;
    await assert.rejects(store.maintain('b'), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, 'store.io');
      assert.ok(segments.some((f) => e.message.includes(join(dir, 'buckets', 'b', f))), e.message);
      assert.match(e.message, /EIO/);
      return true;
    });
    fail = false;
    assert.equal((await store.buckets())[0]!.segments, 2, 'the inputs are still live');
    await store.maintain('b');
    assert.equal((await store.buckets())[0]!.segments, 1);
  });

  test('a segment whose types a write cannot learn (EMFILE) fails that write, and a later write still checks them', async () => {
    const dir = tempDir();
    const first = newStore(dir, manualClock(T0), { autoMaintain: false });
    await first.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(1) }]);
    await first.close();
    const segment = readdirSync(join(dir, 'buckets', 'b')).find((f) => f.endsWith('.seg'))!;
    let fail = true;
    const fs = {
      ...nodeFileSystem,
      async openRead(path: string) {
        if (fail && path.endsWith('.seg')) throw Object.assign(new Error(`EMFILE: too many open files, open '${path}'`), { code: 'EMFILE' });
        return nodeFileSystem.openRead(path);
      },
    };
    const store = openStore({ dir, fs, clock: manualClock(T0), logger: silentLogger, autoMaintain: false });
    const asString = (t: bigint): SeriesBatch => ({ measurement: 'm', tags: [], field: 'f', type: 'string', times: BigInt64Array.of(t), values: ['s'] });
    await assert.rejects(store.write('b', [asString(T0 + 1n)]), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, 'store.io');
      assert.ok(e.message.includes(join(dir, 'buckets', 'b', segment)), e.message);
      return true;
    });
    fail = false;
    await assert.rejects(store.write('b', [asString(T0 + 2n)]), (e: unknown) => e instanceof FieldTypeConflictError && e.conflict.stored === 'float' && e.conflict.offered === 'string');
    assert.deepEqual(rows(await readAll(store, 'b')), [`m|f|[]|float|${T0}|1`]);
  });

  test('write() rejects with the path in store.io', async () => {
    const { store, file } = blockedStore();
    const pt: SeriesBatch = { measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(1n), values: Float64Array.of(1) };
    await assert.rejects(store.write('m', [pt]), (e: unknown) => e instanceof FluxError && e.id === 'store.io' && e.message.includes(file));
  });

  test('a manifest that is not JSON is store.corrupt naming its file', async () => {
    const store = newStore();
    await store.createBucket('m');
    const manifest = join(store.dir, 'buckets', 'm', 'MANIFEST');
    writeFileSync(manifest, '{"format": 1, "na');
    await assert.rejects(readAll(store, 'm'), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt' && e.message.includes(manifest));
  });
});

test('a bucket with a corrupt manifest is listed as damaged, does not stop maintenance, and can be deleted; stray directories are not buckets', async () => {
  const store = newStore();
  await store.createBucket('ok');
  await store.createBucket('bad');
  writeFileSync(join(store.dir, 'buckets', 'bad', 'MANIFEST'), '{not json');
  // Listed as damaged, beside the readable one; maintenance of the others goes on.
  const listed = await store.buckets();
  assert.deepEqual(listed.map((b) => [b.name, b.damaged !== undefined]), [['bad', true], ['ok', false]]);
  assert.match(listed[0]!.damaged!, /the manifest of bucket "bad" .* is corrupt/);
  await store.maintain();
  await store.deleteBucket('bad');
  // a directory whose name is no encoding of a bucket name (a user's, or a malformed escape)
  mkdirSync(join(store.dir, 'buckets', '100%'));
  mkdirSync(join(store.dir, 'buckets', 'a b'));
  assert.deepEqual((await store.buckets()).map((b) => b.name), ['ok']);
  await assert.rejects(store.deleteBucket('bad'), (e: unknown) => e instanceof FluxError && e.id === 'store.bucketNotFound');
});
