// Table-function benchmark: the universe functions over one 1,000,000-row table (a time
// column, a float `_value`, three string tags; scripts/bench/tables/fixture.ts), each side by
// side with a hand-written JavaScript loop over the same typed arrays producing the same
// result. Run by hand:
//
//     node --expose-gc --import tsx scripts/bench/tables/functions.ts [rows]
//
// The Flux functions are the runtime's own values (`filter`, `map`, ... looked up through
// the Runtime, so argument checking is included) called with a Flux closure compiled by the
// interpreter, on a stream holding the benchmark table; the output stream is read to the
// end. Each line is the best of 25 runs, alternating with the JS loop. Memory: growth of RSS
// and of heap + array buffers over the baseline before the table was built, measured after a
// GC while the input table and one pipeline's output are held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { streamOf } from '../../../src/table/index.js';
import type { Table, TableStream } from '../../../src/table/index.js';
import { ArrayValue, Duration, isFunction } from '../../../src/values/value.js';
import type { FunctionValue, Value } from '../../../src/values/value.js';
import { benchTable } from './fixture.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = 25;
const gc = (globalThis as { gc?: () => void }).gc;

function mem(): { heap: number; rss: number } {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

const base = mem();
const dataDir = mkdtempSync(join(tmpdir(), 'promflux-bench-fns-'));
const runtime = createRuntime({ dataDir });
const table = benchTable(N);
const afterTable = mem();
let peak = { heap: afterTable.heap - base.heap, rss: afterTable.rss - base.rss };
const sample = () => {
  const m = process.memoryUsage();
  peak = { heap: Math.max(peak.heap, m.heapUsed + m.arrayBuffers - base.heap), rss: Math.max(peak.rss, m.rss - base.rss) };
};

async function fluxValue(src: string): Promise<FunctionValue> {
  const r = await runtime.run(src);
  const v = r.results[r.results.length - 1]!.value;
  if (!isFunction(v)) throw new Error(`not a function: ${src}`);
  return v;
}

async function drain(s: Value): Promise<number> {
  let rows = 0;
  for await (const t of s as TableStream) rows += (t as Table).length;
  return rows;
}

interface Timing {
  ms: number;
  rows: number;
}

/**
 * Time a promflux pipeline and its hand-written loop alternately, RUNS times each, keeping
 * the best of each: the machine is shared, and alternating exposes both to the same noise.
 */
async function sideBySide(flux: () => Promise<Value>, js: () => number): Promise<[Timing, Timing]> {
  const f: Timing = { ms: Infinity, rows: 0 };
  const j: Timing = { ms: Infinity, rows: 0 };
  for (let r = 0; r < RUNS; r++) {
    // No forced GC between runs: after a full GC the heap has to grow again, which made
    // every allocating run (ours more than the loops) slower and noisier.
    let t0 = performance.now();
    f.rows = await drain(await flux());
    f.ms = Math.min(f.ms, performance.now() - t0);
    sample();
    t0 = performance.now();
    j.rows = js();
    j.ms = Math.min(j.ms, performance.now() - t0);
  }
  return [f, j];
}

const call = (fn: FunctionValue, args: Record<string, Value>, tables: Value = streamOf([table])) =>
  fn.call(new Map<string, Value>([['tables', tables], ...Object.entries(args)]));

// The typed arrays of the benchmark table.
const times = table.column(table.columnIndex('_time')).ints!;
const values = table.column(table.columnIndex('_value')).floats!;
const tagCodes = ['_measurement', 'host', 'region'].map((n) => table.column(table.columnIndex(n)).strings!.codes);
const hostCodes = table.column(table.columnIndex('host')).strings!;

// (a) filter: select, then copy every column (what filter's output holds).
function jsFilter(): number {
  const sel = new Int32Array(N);
  let m = 0;
  for (let i = 0; i < N; i++) if (values[i]! > 0.5) sel[m++] = i;
  // Times copied as pairs of 32-bit words (reading BigInt64Array elements allocates).
  const t = new BigInt64Array(m);
  const tw = new Int32Array(t.buffer);
  const sw = new Int32Array(times.buffer, times.byteOffset, N * 2);
  const v = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const j = sel[k]!;
    tw[2 * k] = sw[2 * j]!;
    tw[2 * k + 1] = sw[2 * j + 1]!;
    v[k] = values[j]!;
  }
  for (const codes of tagCodes) {
    const c = new Int32Array(m);
    for (let k = 0; k < m; k++) c[k] = codes[sel[k]!]!;
  }
  return m;
}

// (b) map: a new value column; the other columns are shared.
function jsMap(): number {
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = values[i]! * 2.0;
  return out.length;
}

// (c) aggregateWindow(every: 1m, fn: mean): times are sorted; one mean per minute. The
// loop reads the times as BigInts, as straightforward code does (promflux reads them as
// exact doubles through the column's 32-bit words, which is why it can be faster).
function jsAggregateWindow(): number {
  const every = 60_000_000_000n;
  const means: number[] = [];
  const stops: bigint[] = [];
  let cur = -1n;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < N; i++) {
    const t = times[i]!;
    const w = t - (t % every);
    if (w !== cur) {
      if (n > 0) {
        means.push(sum / n);
        stops.push(cur + every);
      }
      cur = w;
      sum = 0;
      n = 0;
    }
    sum += values[i]!;
    n++;
  }
  if (n > 0) {
    means.push(sum / n);
    stops.push(cur + every);
  }
  Float64Array.from(means);
  BigInt64Array.from(stops);
  return means.length;
}

// (d) group(columns: ["host"]) |> sum(): one sum per host.
function jsGroupSum(): number {
  const sums = new Float64Array(hostCodes.dictionary.length);
  const codes = hostCodes.codes;
  for (let i = 0; i < N; i++) sums[codes[i]!]! += values[i]!;
  return sums.length;
}

const filter = await fluxValue('filter');
const map = await fluxValue('map');
const aggregateWindow = await fluxValue('aggregateWindow');
const group = await fluxValue('group');
const sum = await fluxValue('sum');
const mean = await fluxValue('mean');
const pred = await fluxValue('(r) => r._value > 0.5');
const double = await fluxValue('(r) => ({r with _value: r._value * 2.0})');
const slowPred = await fluxValue('(r) => ((x) => x > 0.5)(x: r._value)');

const rows: [string, Timing, Timing][] = [];
rows.push(['filter(fn: (r) => r._value > 0.5)', ...(await sideBySide(async () => call(filter, { fn: pred }), jsFilter))]);
rows.push(['map(fn: (r) => ({r with _value: r._value * 2.0}))', ...(await sideBySide(async () => call(map, { fn: double }), jsMap))]);
rows.push([
  'aggregateWindow(every: 1m, fn: mean)',
  ...(await sideBySide(async () => call(aggregateWindow, { every: Duration.ofNanos(60_000_000_000n), fn: mean }), jsAggregateWindow)),
]);
rows.push([
  'group(columns: ["host"]) |> sum()',
  ...(await sideBySide(async () => call(sum, {}, await call(group, { columns: new ArrayValue(['host']) })), jsGroupSum)),
]);
rows.push([
  'group(columns: ["host"]) (tables materialized)',
  ...(await sideBySide(async () => call(group, { columns: new ArrayValue(['host']) }), jsGroupSum)),
]);

// Memory: each pipeline once more, after a GC, with its output tables held; the growth
// over the baseline (before the table was built) then includes the input table.
const memoryRuns: [string, () => Promise<Value>][] = [
  ['filter', async () => call(filter, { fn: pred })],
  ['map', async () => call(map, { fn: double })],
  ['aggregateWindow', async () => call(aggregateWindow, { every: Duration.ofNanos(60_000_000_000n), fn: mean })],
  ['group |> sum', async () => call(sum, {}, await call(group, { columns: new ArrayValue(['host']) }))],
  ['group (materialized)', async () => call(group, { columns: new ArrayValue(['host']) })],
];
const memLines: string[] = [];
for (const [label, run] of memoryRuns) {
  gc?.();
  const held: Table[] = [];
  for await (const t of (await run()) as TableStream) held.push(t as Table);
  const m = mem();
  memLines.push(`${label}: heap+buffers ${MB(m.heap - base.heap)}, RSS ${MB(m.rss - base.rss)} (${held.length} tables held)`);
  sample();
}

console.log(`rows: ${N} (best of ${RUNS}, promflux and JS loop alternating; node ${process.version})`);
console.log(`${'operation'.padEnd(52)} ${'promflux'.padStart(10)} ${'JS loop'.padStart(10)} ${'ratio'.padStart(7)}  rows out`);
for (const [label, flux, js] of rows) {
  if (flux.rows !== js.rows && !label.includes('materialized')) throw new Error(`${label}: ${flux.rows} rows from Flux, ${js.rows} from the JS loop`);
  console.log(
    `${label.padEnd(52)} ${`${flux.ms.toFixed(1)} ms`.padStart(10)} ${`${js.ms.toFixed(1)} ms`.padStart(10)} ${`${(flux.ms / js.ms).toFixed(2)}x`.padStart(7)}  ${flux.rows}`,
  );
}
// The slow path for comparison: the same predicate through the tree-walking interpreter.
const slowRows = Math.min(N, 100_000);
{
  const small = benchTable(slowRows);
  const t0 = performance.now();
  await drain(await filter.call(new Map<string, Value>([['tables', streamOf([small])], ['fn', slowPred]])));
  const ms = performance.now() - t0;
  console.log(`filter, interpreter path (not compilable fn), ${slowRows} rows: ${ms.toFixed(1)} ms (${((ms / slowRows) * 1000).toFixed(2)} us/row)`);
}
console.log(`memory of the ${N}-row table (heap+buffers growth): ${MB(afterTable.heap - base.heap)}`);
console.log('memory over the baseline, after a GC, with the input table and one output held:');
for (const l of memLines) console.log(`  ${l}`);
console.log(`peak growth over baseline sampled during all runs (garbage included): heap+buffers ${MB(peak.heap)}, RSS ${MB(peak.rss)}`);

await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
