// The segment format is pinned: for a fixed set of series, encodeSegment and a store write
// produce exactly the bytes the format had before the write path was made faster (the
// SHA-256 below was taken from the implementation of that time). Files written by one
// version are read by every other, and a compaction's output must not depend on which code
// path wrote its inputs, so a change here is a format change, not a refactoring.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { crc32Small, encodeSegment, seriesKey } from '../../src/store/segment.js';
import { BatchBuilder, NS_PER_DAY, openStore } from '../../src/store/index.js';
import type { FieldType, FieldValues, SeriesData } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { silentLogger } from '../../src/host/logger.js';
import type { Clock } from '../../src/host/clock.js';
import { UInt } from '../../src/values/value.js';
import { rng } from '../support/rng.js';

/**
 * SHA-256 (hex) and length of encodeSegment(input()). Changed once on purpose: float blocks
 * with a few non-decimal values (NaN, -0, Infinity...) among decimals are written as decimals
 * with exceptions (codec mode 0xfe) instead of XORed planes (104,819 bytes before, SHA-256
 * 4313a1f1...); files of the earlier format still read (test/store/codec.test.ts).
 */
const PINNED = { sha256: '872999cc04d4ea9074a4e576c8db8cda647bbfcca5f123c3f8c96319511953c6', length: 104508, minT: 241920000000000000n, maxT: 241949985000000000n, points: 8986 };

// A partition start of a bucket that keeps data forever (7-day partitions).
const T0 = 2800n * NS_PER_DAY;
const TYPES: readonly FieldType[] = ['float', 'int', 'uint', 'bool', 'string'];

/**
 * Series of every type and shape the write path meets: thousands of one-point series of one
 * scrape sharing one times array (most with tags in key order, tag values reused across
 * series), multi-point series with times equal by content in separate arrays (small and over
 * 256 encoded bytes), value blocks small enough to stay raw and large enough to deflate,
 * floats that are exact decimals and ones that are not (NaN, -0, Infinity), int/uint
 * extremes, empty and non-ASCII strings and tags. Deterministic, in no particular order.
 */
function input(): SeriesData[] {
  const r = rng(20261122);
  const out: SeriesData[] = [];
  const scrape = BigInt64Array.of(T0 + 15_000_000_000n);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const floats = [0, 1, -1, 0.5, 1234.125, 1e-7, Math.PI, NaN, -0, Infinity, -Infinity, 2 ** 53, 1.7976931348623157e308];
  const value = (type: FieldType, n: number): FieldValues => {
    switch (type) {
      case 'float':
        return Float64Array.from({ length: n }, () => (r() < 0.5 ? pick(floats) : Math.round(r() * 1e6) / 1e3));
      case 'int':
        return BigInt64Array.from({ length: n }, () => pick([0n, -1n, 42n, -(2n ** 63n), 2n ** 63n - 1n, BigInt(Math.floor(r() * 1e9))]));
      case 'uint':
        return BigUint64Array.from({ length: n }, () => pick([0n, 1n, 2n ** 64n - 1n, BigInt(Math.floor(r() * 1e12))]));
      case 'bool':
        return Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      case 'string':
        return Array.from({ length: n }, () => pick(['', 'x', 'é∑ 😀', 'a\u0000b', 'long '.repeat(30)]));
    }
  };
  const tagKeys = ['instance', 'job', 'le', 'quantile', 'zone', 'ünï'];
  const tagValues = ['a', 'b', 'localhost:9090', '0.5', '+Inf', '', 'ü', 'x'.repeat(200)];
  const tagsOf = (i: number): [string, string][] => {
    const n = i % 5;
    const keys = [...tagKeys].sort(() => r() - 0.5).slice(0, n).sort();
    return keys.map((k) => [k, i % 7 === 0 ? `v${i}` : pick(tagValues)]);
  };
  // One scrape: one point per series, one shared times array.
  for (let i = 0; i < 3000; i++) {
    const type = TYPES[i % 11 === 0 ? i % 5 : 0]!;
    out.push({ measurement: i % 3 === 0 ? 'prometheus' : `m${i % 4}`, tags: tagsOf(i), field: `f_${i % 97}_${i}`, type, times: scrape, values: value(type, 1) });
  }
  // Longer series: equal times in separate arrays, irregular times, one large block.
  for (let i = 0; i < 60; i++) {
    const n = i === 0 ? 2000 : 1 + (i % 9) * 17;
    const step = i % 3 === 0 ? 15_000_000_000n : BigInt(1 + Math.floor(r() * 1e9));
    const times = BigInt64Array.from({ length: n }, (_, j) => T0 + BigInt(j) * step + (i % 3 === 0 ? 0n : BigInt(j * j)));
    const type = TYPES[i % 5]!;
    out.push({ measurement: 'long', tags: [['i', String(i)]], field: 'v', type, times, values: value(type, n) });
  }
  // No particular order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('encodeSegment of a fixed input makes the pinned bytes, whatever the order of the series', () => {
  const series = input();
  const got = encodeSegment(series);
  assert.deepEqual({ sha256: sha256(got.bytes), length: got.bytes.length, minT: got.minT, maxT: got.maxT, points: got.points }, PINNED);
  const key = (s: SeriesData) => seriesKey(s.measurement, s.field, s.tags);
  const inKeyOrder = [...series].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  for (const order of [inKeyOrder, [...series].reverse(), [...series].sort((a, b) => (a.field < b.field ? -1 : 1))]) {
    assert.equal(sha256(encodeSegment(order).bytes), PINNED.sha256);
  }
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const clock: Clock = {
  nowNanos: () => T0 + NS_PER_DAY,
  monotonicMs: () => 0,
  setTimer: () => ({ cancel() {} }),
  sleep: () => Promise.resolve(),
};

test('a store write, of plain series or of a BatchBuilder built from points and runs, writes the pinned segment', async () => {
  const series = input();
  const viaRuns = new BatchBuilder();
  const viaPoints = new BatchBuilder();
  for (const s of series) {
    viaRuns.addSeries(s.measurement, [...s.tags].reverse(), s.field, s.type, s.times, s.values);
    for (let i = 0; i < s.times.length; i++) {
      const v = s.values[i]!;
      viaPoints.add(s.measurement, s.tags, s.field, s.times[i]!, s.type === 'bool' ? v === 1 : s.type === 'uint' ? new UInt(v as bigint) : v);
    }
  }
  for (const [name, batch] of [
    ['plain', series],
    ['runs', viaRuns.build()],
    ['points', viaPoints.build()],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'promflux-segment-bytes-'));
    dirs.push(dir);
    const store = openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, defaultRetentionNs: 0n, autoMaintain: false });
    await store.write('b', batch);
    await store.close();
    const bucketDir = join(dir, 'buckets', 'b');
    const files = readdirSync(bucketDir).filter((f) => f.endsWith('.seg'));
    assert.equal(files.length, 1, name);
    assert.equal(sha256(readFileSync(join(bucketDir, files[0]!))), PINNED.sha256, name);
  }
});

test('crc32Small gives the CRC-32 zlib gives, for any length and offset', () => {
  const r = rng(7);
  const buf = Uint8Array.from({ length: 400 }, () => Math.floor(r() * 256));
  for (let n = 0; n <= 300; n++) {
    for (const from of [0, 1, 7, 99]) {
      assert.equal(crc32Small(buf, from, from + n), crc32(buf.subarray(from, from + n)), `length ${n} at ${from}`);
    }
  }
  assert.equal(crc32Small(new Uint8Array(0), 0, 0), 0);
  assert.equal(crc32Small(Buffer.from('123456789'), 0, 9), 0xcbf43926); // the check value of CRC-32/ISO-HDLC
});

test('encodeSegment refuses two series of one key, in key order or not', () => {
  const one = (m: string, v: number): SeriesData => ({ measurement: m, tags: [['k', 'v']], field: 'f', type: 'float', times: BigInt64Array.of(T0), values: Float64Array.of(v) });
  for (const list of [
    [one('a', 1), one('a', 2)],
    [one('b', 1), one('a', 1), one('a', 2)],
    [one('a', 1), one('b', 1), one('a', 2)],
  ]) {
    assert.throws(() => encodeSegment(list), /internal error: SegmentWriter.add out of contract/);
  }
  assert.equal(encodeSegment([one('b', 1), one('a', 1)]).points, 2);
});
