// Float columns of segment files (src/store/codec.ts): every encoding gives back the very bits
// it was given (NaN payloads and -0 included); decimal columns with a few values that are not
// decimals (NaN, +-Inf, -0, more digits) use the decimal encoding with exceptions (mode 0xfe)
// instead of 8 bytes per value; files written before that mode existed still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ByteReader, ByteWriter, CorruptSegmentError, decodeValues, encodeValues } from '../../src/store/codec.js';
import { decodeSeries, decodeTimeBlock, encodeSegment, readSegmentIndex } from '../../src/store/segment.js';
import type { SeriesData } from '../../src/store/types.js';
import type { ReadHandle } from '../../src/host/fs.js';
import { rng } from '../support/rng.js';
import { REPO_ROOT } from '../support/env.js';

/** Prometheus' stale marker: a NaN with payload 2 (model/value/value.go StaleNaN). */
const STALE = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

const bits = (a: Float64Array) => [...new BigUint64Array(a.buffer, a.byteOffset, a.length)];

function encode(values: Float64Array): Uint8Array {
  const w = new ByteWriter(16);
  encodeValues(w, 'float', values);
  return w.finish().slice();
}

function decode(bytes: Uint8Array, n: number): Float64Array {
  const r = new ByteReader(bytes);
  const out = decodeValues(r, 'float', n) as Float64Array;
  assert.equal(r.pos, bytes.length, 'the whole encoding is read');
  return out;
}

const decimals = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

const cases: { name: string; values: Float64Array; mode: number }[] = [
  { name: 'integers', values: decimals(100, (i) => i * 7), mode: 0 },
  { name: '2-decimal gauge', values: decimals(100, (i) => Math.round(Math.sin(i) * 1e4) / 100), mode: 2 },
  { name: 'one NaN in a gauge', values: decimals(100, (i) => (i === 40 ? NaN : Math.round(Math.sin(i) * 1e4) / 100)), mode: 0xfe },
  { name: 'exceptions first and last', values: decimals(100, (i) => (i === 0 ? Infinity : i === 99 ? -Infinity : i)), mode: 0xfe },
  { name: 'the stale marker and -0 keep their bits', values: decimals(100, (i) => (i === 3 ? STALE : i === 4 ? -0 : i / 4)), mode: 0xfe },
  { name: 'one value with 7 fraction digits', values: decimals(100, (i) => (i === 50 ? 1e-7 : i)), mode: 0xfe },
  { name: 'one value beyond 2^50 once scaled', values: decimals(100, (i) => (i === 50 ? 2 ** 52 : i + 0.5)), mode: 0xfe },
  { name: 'exceptions: exactly a quarter', values: decimals(100, (i) => (i % 4 === 1 ? NaN : i)), mode: 0xfe },
  { name: 'exceptions: more than a quarter', values: decimals(100, (i) => (i % 4 === 1 || i === 98 ? NaN : i)), mode: 0xff },
  { name: 'no decimal at all', values: decimals(100, (i) => Math.PI * i + 1e-9), mode: 0xff },
  { name: 'all NaN', values: decimals(10, () => NaN), mode: 0xff },
  { name: 'one NaN alone', values: Float64Array.of(NaN), mode: 0xff },
  // Values that fit a smaller scale than the block's but are too large for it once scaled
  // (beyond 2^50) were stored as decimals of the block's scale, and read back wrong (0.5 as
  // 1125899906842623.4) or not at all (a varint too long): they are exceptions.
  { name: 'a large value, then a decimal that raises the scale', values: Float64Array.of(2 ** 49, 0.5), mode: 0xff },
  { name: 'large values among 2-decimal ones', values: decimals(100, (i) => (i % 10 === 0 ? 1e14 + i : i / 4)), mode: 0xfe },
  { name: 'large integers with one 6-digit decimal (all too large for scale 6)', values: decimals(100, (i) => (i === 70 ? 0.000001 : 1e10 + i)), mode: 0xff },
  { name: 'one value', values: Float64Array.of(2.5), mode: 1 },
  { name: 'no value', values: new Float64Array(0), mode: 0 },
];

for (const c of cases) {
  test(`float column: ${c.name}`, () => {
    const bytes = encode(c.values);
    assert.equal(bytes[0], c.mode, 'mode byte');
    assert.deepEqual(bits(decode(bytes, c.values.length)), bits(c.values));
  });
}

test('float columns: random mixes of decimals and exceptions give back their bits', () => {
  const specials = [NaN, STALE, -0, Infinity, -Infinity, 1e-7, Math.E, 2 ** 60, 2 ** 49, 1e14 + 0.5, Number.MAX_VALUE, Number.MIN_VALUE];
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const n = 1 + Math.floor(r() * 300);
    const rate = r() * 0.4;
    const scale = 10 ** Math.floor(r() * 7);
    const values = decimals(n, () => (r() < rate ? specials[Math.floor(r() * specials.length)]! : Math.round((r() - 0.5) * 1e6) / scale));
    assert.deepEqual(bits(decode(encode(values), n)), bits(values), `seed ${seed}`);
  }
});

test('a gauge with one NaN takes about what the plain gauge takes, not 8 bytes per value', () => {
  const gauge = decimals(1000, (i) => Math.round(Math.sin(i / 10) * 1e4) / 100);
  const withNaN = gauge.slice();
  withNaN[500] = NaN;
  const plain = encode(gauge).length;
  const patched = encode(withNaN).length;
  assert.ok(patched <= plain + 12, `${patched} bytes with one NaN, ${plain} without`);
  assert.ok(patched < 1000 * 3, `${patched} bytes`);
});

test('a damaged exception list is reported as a corrupt segment, not read out of bounds', () => {
  const good = encode(decimals(10, (i) => (i === 9 ? NaN : i)));
  assert.deepEqual([...good.subarray(0, 4)], [0xfe, 0, 1, 9], 'mode, scale, one exception at position 9');
  for (const [what, patch] of [
    ['position past the end', (b: Uint8Array) => (b[3] = 10)],
    ['more exceptions than values', (b: Uint8Array) => (b[2] = 11)],
    ['unknown scale', (b: Uint8Array) => (b[1] = 7)],
  ] as const) {
    const bad = good.slice();
    patch(bad);
    assert.throws(() => decodeValues(new ByteReader(bad), 'float', 10), CorruptSegmentError, what);
  }
});

function handleOf(bytes: Uint8Array): ReadHandle {
  return { size: bytes.length, read: async (offset, length) => bytes.slice(offset, offset + length), close: async () => undefined };
}

/**
 * The series of fixtures/floats-before-mode-0xfe.seg, a segment written before the decimal
 * encoding with exceptions existed (the encoder of that time stored the gauge and the counter,
 * each with a few NaN/Inf/-0 values, as XORed byte planes, mode 0xff).
 */
function fixtureSeries(T0: bigint): SeriesData[] {
  const times = (n: number) => BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * 15_000_000_000n);
  const gauge = Float64Array.from({ length: 200 }, (_, i) => (i === 17 || i === 150 ? NaN : Math.round(Math.cos(i / 7) * 5000) / 100));
  const counter = Float64Array.from({ length: 200 }, (_, i) => (i === 0 ? Infinity : i === 199 ? -0 : i === 100 ? STALE : i * 37));
  const irrational = Float64Array.from({ length: 50 }, (_, i) => Math.PI * (i + 1));
  const plain = Float64Array.from({ length: 100 }, (_, i) => i * 1.5);
  const s = (field: string, values: Float64Array): SeriesData => ({ measurement: 'm', tags: [['k', 'v']], field, type: 'float', times: times(values.length), values });
  return [s('counter', counter), s('gauge', gauge), s('irrational', irrational), s('plain', plain)];
}

async function readAll(bytes: Uint8Array): Promise<{ field: string; mode: number; times: BigInt64Array; values: Float64Array }[]> {
  const index = await readSegmentIndex(handleOf(bytes));
  const out = [];
  for (const e of index.entries()) {
    const vBlock = bytes.subarray(e.vOff, e.vOff + e.vLen);
    const payload = vBlock[0] === 1 ? inflateRawSync(vBlock.subarray(1)) : vBlock.subarray(1);
    const times = decodeTimeBlock(e, bytes.subarray(e.tsOff, e.tsOff + e.tsLen));
    const s = decodeSeries(e, times, vBlock);
    out.push({ field: e.field, mode: payload[0]!, times: s.times, values: s.values as Float64Array });
  }
  return out;
}

test('a segment written before mode 0xfe reads as it was written; written now, it is smaller and reads the same', async () => {
  const T0 = 1_700_000_000_000_000_000n;
  const want = fixtureSeries(T0);
  const old = new Uint8Array(readFileSync(join(REPO_ROOT, 'test', 'store', 'fixtures', 'floats-before-mode-0xfe.seg')));
  const now = encodeSegment(want).bytes;
  const modes: Record<string, number[]> = {};
  for (const [name, bytes] of [
    ['old', old],
    ['now', now],
  ] as const) {
    const got = await readAll(bytes);
    assert.deepEqual(
      got.map((s) => s.field),
      want.map((s) => s.field),
    );
    for (let i = 0; i < want.length; i++) {
      assert.deepEqual([...got[i]!.times], [...want[i]!.times], `${name} ${want[i]!.field}`);
      assert.deepEqual(bits(got[i]!.values), bits(want[i]!.values as Float64Array), `${name} ${want[i]!.field}`);
    }
    modes[name] = got.map((s) => s.mode);
  }
  assert.deepEqual(modes, { old: [0xff, 0xff, 0xff, 1], now: [0xfe, 0xfe, 0xff, 1] });
  assert.ok(now.length < old.length * 0.6, `${now.length} bytes now, ${old.length} before`);
});
