// The benchmark table shared by the engine and table-function benchmarks: N rows (default
// 1,000,000) with a time column (one row every 10 s), a float `_value` in [0, 1), and three
// string tags (`host` x100, `region` x5, `_measurement` constant), as one table with an
// empty group key, built from typed arrays (the fast path).
import { tableFromColumns } from '../../../src/table/index.js';
import type { ArrowTable, ColumnMeta } from '../../../src/table/index.js';

export const BENCH_COLUMNS: ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_value', type: 'float' },
  { name: '_measurement', type: 'string' },
  { name: 'host', type: 'string' },
  { name: 'region', type: 'string' },
];

export const START_NS = 1_893_456_000_000_000_000n; // 2030-01-01T00:00:00Z

/** Deterministic pseudo-random floats in [0, 1) (xorshift), so runs are comparable. */
export function randomFloats(n: number, seed = 42): Float64Array {
  const out = new Float64Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x / 4294967296;
  }
  return out;
}

export function benchTable(n = 1_000_000): ArrowTable {
  const times = new BigInt64Array(n);
  for (let i = 0; i < n; i++) times[i] = START_NS + BigInt(i) * 10_000_000_000n;
  const hostCodes = new Int32Array(n);
  const regionCodes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    hostCodes[i] = i % 100;
    regionCodes[i] = i % 5;
  }
  return tableFromColumns(BENCH_COLUMNS, [], [
    { ints: times },
    { floats: randomFloats(n) },
    { strings: { codes: new Int32Array(n), dictionary: ['cpu'] } },
    { strings: { codes: hostCodes, dictionary: Array.from({ length: 100 }, (_, i) => `host-${i}`) } },
    { strings: { codes: regionCodes, dictionary: ['eu-1', 'eu-2', 'us-1', 'us-2', 'ap-1'] } },
  ]);
}
