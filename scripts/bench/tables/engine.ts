// Table engine benchmark: building, reading and encoding a 1,000,000-row table (one float,
// a time column, three string tags), and its memory. Run by hand:
//
//     node --expose-gc --import tsx scripts/bench/tables/engine.ts [rows]
//
// Each step is timed as the best of 5 runs; memory is measured after a GC, as the growth of
// heap + array buffers (what the table holds) and of RSS over the baseline.
import { CsvEncoder, TableBuilder, tableFromColumns, collectTables, decodeCsv, formatTable, sliceRows, streamOf, takeRows } from '../../../src/table/index.js';
import type { Table } from '../../../src/table/index.js';
import { BENCH_COLUMNS, START_NS, benchTable, randomFloats } from './fixture.js';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

function best(label: string, runs: number, fn: () => unknown): number {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} ${min.toFixed(1).padStart(9)} ms`);
  return min;
}

async function bestAsync(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} ${min.toFixed(1).padStart(9)} ms`);
  return min;
}

function mem(): { heap: number; rss: number } {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

console.log(`rows: ${N}${gc ? '' : '  (run with --expose-gc for memory numbers)'}`);

// Memory of one table.
const base = mem();
let kept: Table | undefined = benchTable(N);
const withTable = mem();
console.log(`memory of one ${N}-row table (heap+buffers growth)`.padEnd(58), MB(withTable.heap - base.heap).padStart(12));
console.log(`memory of one ${N}-row table (RSS growth)`.padEnd(58), MB(withTable.rss - base.rss).padStart(12));
kept = undefined;
void kept;

// Building.
const floats = randomFloats(N);
const times = new BigInt64Array(N);
for (let i = 0; i < N; i++) times[i] = START_NS + BigInt(i) * 10_000_000_000n;
const hosts = Array.from({ length: 100 }, (_, i) => `host-${i}`);
const regions = ['eu-1', 'eu-2', 'us-1', 'us-2', 'ap-1'];

const hostCodes = new Int32Array(N).map((_, i) => i % 100);
const regionCodes = new Int32Array(N).map((_, i) => i % 5);
const measurementCodes = new Int32Array(N);
best('tableFromColumns from typed arrays (fast path)', 5, () =>
  tableFromColumns(BENCH_COLUMNS, [], [
    { ints: times },
    { floats },
    { strings: { codes: measurementCodes, dictionary: ['cpu'] } },
    { strings: { codes: hostCodes, dictionary: hosts } },
    { strings: { codes: regionCodes, dictionary: regions } },
  ]),
);
best('TableBuilder, row by row (append* per cell)', 5, () => {
  const b = new TableBuilder(BENCH_COLUMNS, [], 1024);
  for (let i = 0; i < N; i++) {
    b.appendTime(0, times[i]!);
    b.appendFloat(1, floats[i]!);
    b.appendString(2, 'cpu');
    b.appendString(3, hosts[i % 100]!);
    b.appendString(4, regions[i % 5]!);
  }
  return b.build();
});

// Reading.
const t = benchTable(N);
const col = t.column(1);
const raw = col.floats!;
const sumRaw = best('hand-written loop: sum of a Float64Array', 5, () => {
  let s = 0;
  for (let i = 0; i < raw.length; i++) s += raw[i]!;
  return s;
});
const sumCol = best('sum via Column.floats (the engine fast path)', 5, () => {
  const c = t.column(t.columnIndex('_value'));
  const a = c.floats!;
  const v = c.valid;
  let s = 0;
  if (v === null) for (let i = 0; i < a.length; i++) s += a[i]!;
  else for (let i = 0; i < a.length; i++) if (v[i] !== 0) s += a[i]!;
  return s;
});
best('sum via Column.get(i) (slow path, boxed values)', 3, () => {
  let s = 0;
  for (let i = 0; i < col.length; i++) s += col.get(i) as number;
  return s;
});
best('record(i) for every row (slowest path)', 1, () => {
  let n = 0;
  for (let i = 0; i < t.length; i++) n += t.record(i).fields.size;
  return n;
});
best('takeRows: every other row (filter-like copy)', 5, () => {
  const idx = new Int32Array(N >> 1);
  for (let i = 0; i < idx.length; i++) idx[i] = i * 2;
  return takeRows(t, idx);
});
best('sliceRows: 60 windows (zero copy)', 5, () => {
  const step = Math.ceil(N / 60);
  for (let s = 0; s < N; s += step) sliceRows(t, s, s + step);
});
best('toArrow (Arrow table, buffers shared; first use)', 1, () => t.toArrow());
best('toArrow (again: Arrow data cached per column)', 5, () => t.toArrow());
await bestAsync('stream of 1,000 tables of 1,000 rows, read once', 5, async () => {
  const parts = Array.from({ length: 1000 }, (_, k) => sliceRows(t, k * (N / 1000), (k + 1) * (N / 1000)));
  return collectTables(streamOf(parts));
});

// Encoding.
let csvText = '';
best('annotated CSV encode', 3, () => {
  const chunks: string[] = [];
  new CsvEncoder((s) => chunks.push(s)).writeResultSync('_result', [t]);
  csvText = chunks.join('');
});
console.log(`annotated CSV size`.padEnd(58), MB(csvText.length).padStart(12));
best('annotated CSV decode', 3, () => decodeCsv(csvText));
best('text format (first 1,000 rows)', 3, () => formatTable(sliceRows(t, 0, 1000)));
console.log(`ratio Column.floats / hand-written loop: ${(sumCol / sumRaw).toFixed(2)}x`);
