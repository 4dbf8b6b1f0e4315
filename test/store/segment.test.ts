// SegmentWriter: a segment written front to back in pieces is the same file encodeSegment
// makes at once, reads back exactly, and shares equal time blocks between series whatever
// array holds the times (a compaction's merged series each have their own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentWriter, decodeSeries, decodeTimeBlock, encodeSegment, readSegmentIndex, seriesKey } from '../../src/store/segment.js';
import type { SeriesData } from '../../src/store/types.js';
import type { ReadHandle } from '../../src/host/fs.js';

function handleOf(bytes: Uint8Array): ReadHandle {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.slice(offset, offset + length),
    close: async () => undefined,
  };
}

const T0 = 1_700_000_000_000_000_000n;
const regular = (n: number, step: bigint, from = T0) => BigInt64Array.from({ length: n }, (_, i) => from + BigInt(i) * step);

function sample(): SeriesData[] {
  const out: SeriesData[] = [];
  for (let k = 0; k < 40; k++) {
    // 4 targets: a target's series have equal times, each in its own array
    const times = regular(k % 2 === 0 ? 500 : 3, 15_000_000_000n, T0 + BigInt(k % 4));
    const n = times.length;
    const type = (['float', 'int', 'uint', 'bool', 'string'] as const)[k % 5]!;
    const values =
      type === 'float'
        ? Float64Array.from({ length: n }, (_, i) => Math.sin(i + k))
        : type === 'int'
          ? BigInt64Array.from({ length: n }, (_, i) => BigInt(i * k) - 7n)
          : type === 'uint'
            ? BigUint64Array.from({ length: n }, (_, i) => 2n ** 64n - 1n - BigInt(i))
            : type === 'bool'
              ? Uint8Array.from({ length: n }, (_, i) => (i + k) % 2)
              : Array.from({ length: n }, (_, i) => `s${i}-${k}`);
    out.push({ measurement: `m${k % 3}`, tags: [['target', `t${k % 4}`], ['k', `${k}`]].sort() as [string, string][], field: 'v', type, times, values });
  }
  return out;
}

test('pieces taken after every series make the same bytes as encodeSegment, and read back exactly', async () => {
  const series = sample();
  const whole = encodeSegment(series);
  const sorted = [...series].sort((a, b) => {
    const ka = seriesKey(a.measurement, a.field, a.tags);
    const kb = seriesKey(b.measurement, b.field, b.tags);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const w = new SegmentWriter();
  const pieces: Uint8Array[] = [];
  for (const s of sorted) {
    w.add(s);
    if (w.pending > 0) pieces.push(w.take());
    assert.equal(w.pending, 0);
  }
  const done = w.finish();
  pieces.push(w.take());
  const bytes = Buffer.concat(pieces);
  assert.ok(pieces.length > 10);
  assert.ok(Buffer.compare(bytes, whole.bytes) === 0, 'pieces differ from encodeSegment');
  assert.deepEqual(done, { minT: whole.minT, maxT: whole.maxT, points: whole.points, bytes: bytes.length });
  assert.equal(done.points, series.reduce((a, s) => a + s.times.length, 0));

  const idx = await readSegmentIndex(handleOf(bytes));
  assert.equal(idx.length, series.length);
  for (let i = 0; i < idx.length; i++) {
    const e = idx.entry(i);
    const want = sorted[i]!;
    assert.equal(e.key, seriesKey(want.measurement, want.field, want.tags));
    assert.equal(idx.key(i), e.key);
    assert.deepEqual(idx.entryUncached(i), e);
    const got = decodeSeries(e, decodeTimeBlock(e, bytes.subarray(e.tsOff, e.tsOff + e.tsLen)), bytes.subarray(e.vOff, e.vOff + e.vLen));
    assert.equal(e.type, want.type);
    assert.deepEqual([...got.times], [...want.times]);
    assert.deepEqual([...(got.values as Iterable<unknown>)], [...(want.values as Iterable<unknown>)]);
  }
  // One time block per distinct times (they depend on k % 4 only: 4), although every series
  // passed its own array.
  const blocks = new Set(Array.from({ length: idx.length }, (_, i) => idx.entry(i).tsOff));
  assert.equal(blocks.size, 4);
});

test('time blocks are shared only between equal times, small or large', async () => {
  const w = new SegmentWriter();
  const big = regular(10_000, 1_000_000_000n);
  const bigOther = regular(10_000, 1_000_000_000n, T0 + 1n);
  const jittered = big.slice();
  jittered[5_000] = jittered[5_000]! + 1n; // same length, one time differs
  const one = (name: string, times: BigInt64Array): SeriesData => ({ measurement: name, tags: [], field: 'f', type: 'float', times, values: new Float64Array(times.length) });
  const list = [one('a', big), one('b', big.slice()), one('c', bigOther), one('d', jittered), one('e', BigInt64Array.of(T0)), one('f', BigInt64Array.of(T0)), one('g', BigInt64Array.of(T0 + 1n))];
  for (const s of list) w.add(s);
  w.finish();
  const idx = await readSegmentIndex(handleOf(w.take()));
  const off = (i: number) => idx.entry(i).tsOff;
  assert.equal(off(0), off(1));
  assert.notEqual(off(0), off(2));
  assert.notEqual(off(0), off(3));
  assert.equal(off(4), off(5));
  assert.notEqual(off(4), off(6));
});

test('a series out of key order, an empty series or a second finish is an internal error', () => {
  const s = (m: string, n = 1): SeriesData => ({ measurement: m, tags: [], field: 'f', type: 'float', times: regular(n, 1n), values: new Float64Array(n) });
  const w = new SegmentWriter();
  w.add(s('b'));
  assert.throws(() => w.add(s('a')), /internal error/);
  assert.throws(() => w.add(s('b')), /internal error/);
  assert.throws(() => w.add(s('c', 0)), /internal error/);
  w.add(s('c'));
  w.finish();
  assert.throws(() => w.finish(), /internal error/);
  assert.throws(() => w.add(s('d')), /internal error/);
});
