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
// end. Each line is the best of 5 runs. Memory: growth of RSS and of heap + array buffers
// over the baseline before the table was built, sampled after each run while its output is
// still referenced (the peak of those samples is reported).
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
const RUNS = 5;
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

async function timeFlux(fn: FunctionValue, args: Record<string, Value>): Promise<{ ms: number; rows: number }> {
  let best = Infinity;
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    gc?.();
    const t0 = performance.now();
    const out = await fn.call(new Map<string, Value>([['tables', streamOf([table])], ...Object.entries(args)]));
    rows = await drain(out);
    best = Math.min(best, performance.now() - t0);
    sample();
  }
  return { ms: best, rows };
}

function timeJs(fn: () => number): { ms: number; rows: number } {
  let best = Infinity;
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    gc?.();
    const t0 = performance.now();
    rows = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, rows };
}

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
  const t = new BigInt64Array(m);
  const v = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    t[k] = times[sel[k]!]!;
    v[k] = values[sel[k]!]!;
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

// (c) aggregateWindow(every: 1m, fn: mean): times are sorted; one mean per minute.
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

const rows: [string, { ms: number; rows: number }, { ms: number; rows: number }][] = [];
rows.push(['filter(fn: (r) => r._value > 0.5)', await timeFlux(filter, { fn: pred }), timeJs(jsFilter)]);
rows.push(['map(fn: (r) => ({r with _value: r._value * 2.0}))', await timeFlux(map, { fn: double }), timeJs(jsMap)]);
rows.push([
  'aggregateWindow(every: 1m, fn: mean)',
  await timeFlux(aggregateWindow, { every: Duration.ofNanos(60_000_000_000n), fn: mean }),
  timeJs(jsAggregateWindow),
]);
{
  let best = Infinity;
  let outRows = 0;
  for (let r = 0; r < RUNS; r++) {
    gc?.();
    const t0 = performance.now();
    const g = await group.call(new Map<string, Value>([['tables', streamOf([table])], ['columns', new ArrayValue(['host'])]]));
    const s = await sum.call(new Map<string, Value>([['tables', g]]));
    outRows = await drain(s);
    best = Math.min(best, performance.now() - t0);
    sample();
  }
  rows.push(['group(columns: ["host"]) |> sum()', { ms: best, rows: outRows }, timeJs(jsGroupSum)]);
}

console.log(`rows: ${N} (best of ${RUNS}; node ${process.version})`);
console.log(`${'operation'.padEnd(52)} ${'promflux'.padStart(10)} ${'JS loop'.padStart(10)} ${'ratio'.padStart(7)}  rows out`);
for (const [label, flux, js] of rows) {
  if (flux.rows !== js.rows) throw new Error(`${label}: ${flux.rows} rows from Flux, ${js.rows} from the JS loop`);
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
console.log(`peak growth over baseline during the runs: heap+buffers ${MB(peak.heap)}, RSS ${MB(peak.rss)}`);

await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
