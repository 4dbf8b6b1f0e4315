// Parser benchmark: a generated Flux script of several sizes (2,000 lines is the goal case,
// < 0.2 s) and deeply nested expressions of several depths, to show time grows linearly.
//
//   node --import tsx scripts/bench/parse/parse-bench.ts
//
// (run `npm run build:grammar` first). Prints the best and median of several runs after a warm-up,
// plus the first (cold) run of the 2,000-line script, and per-line / per-level ratios.
import { cpus, loadavg } from 'node:os';
import { parseWithStats } from '../../../src/lang/index.js';

function script(lines: number): string {
  const out: string[] = ['import "experimental/prometheus"', 'import "strings"', ''];
  let i = 0;
  while (out.length < lines) {
    i++;
    out.push(
      `// series ${i}`,
      `option task${i} = {name: "t${i}", every: 1m, offset: 5s}`,
      `data${i} = prometheus.scrape(url: "http://127.0.0.1:${9000 + (i % 100)}/metrics")`,
      `    |> range(start: -1h, stop: 2024-01-01T00:00:00Z)`,
      `    |> filter(fn: (r) => r._measurement == "node_cpu_seconds_total" and r.mode != "idle" or r.cpu =~ /^cpu[0-9]+$/)`,
      `    |> aggregateWindow(every: 1m30s, fn: mean, createEmpty: false)`,
      `    |> map(fn: (r) => ({r with _value: r._value * 100.0 / float(v: ${i}), label: "v=\${strings.toUpper(v: r.host)}"}))`,
      `f${i} = (tables=<-, n=${i}) => {`,
      `    x = if n > 3 then [1, 2, 3] else [4, 5]`,
      `    return tables |> limit(n: n) |> yield(name: "r${i}")`,
      `}`,
      `d${i} = ["a": ${i}, "b": -${i}]`,
    );
  }
  return out.slice(0, lines).join('\n');
}

const nested = {
  parens: (d: number) => `x = ${'('.repeat(d)}1${')'.repeat(d)}`,
  calls: (d: number) => `x = ${'f(a: '.repeat(d)}1${')'.repeat(d)}`,
  records: (d: number) => `x = ${'{a: '.repeat(d)}1${'}'.repeat(d)}`,
  arrays: (d: number) => `x = ${'['.repeat(d)}1${']'.repeat(d)}`,
  'binary chain': (d: number) => `x = 1${' + 1'.repeat(d)}`,
  'mixed chain': (d: number) => `x = a${Array.from({ length: d }, (_, k) => [' + b', ' * c', ' == d', ' and e'][k % 4]).join('')}`,
  pipes: (d: number) => `x = t${' |> f()'.repeat(d)}`,
};

/** Wall time and process CPU time (user + system, all threads, so GC included) per parse. */
function time(src: string, runs: number): { best: number; median: number; cpu: number } {
  const ts: number[] = [];
  const cpus: number[] = [];
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = parseWithStats(src);
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
    if (r.diagnostics.length > 0 || r.parseCount !== 1) {
      throw new Error(`benchmark input did not parse cleanly: ${r.diagnostics[0]?.message ?? `${r.parseCount} parses`}`);
    }
  }
  ts.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { best: ts[0]!, median: ts[Math.floor(ts.length / 2)]!, cpu: cpus[0]! };
}

const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;

const big = script(2000);
const t0 = performance.now();
parseWithStats(big);
console.log(`cold first parse of 2,000 lines (${big.length} chars): ${fmt(performance.now() - t0)}`);
for (let k = 0; k < 3; k++) parseWithStats(big); // warm-up

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log('\nscript size   best wall   median wall  best CPU    best wall per 1,000 lines');
for (const n of [250, 500, 1000, 2000, 4000]) {
  const { best, median, cpu } = time(script(n), n >= 2000 ? 9 : 13);
  console.log(`${String(n).padStart(5)} lines ${fmt(best)} ${fmt(median)} ${fmt(cpu)} ${fmt((best / n) * 1000)}`);
}

console.log('\nnested expressions: best CPU time of 7 runs (CPU time is steadier than wall time on a busy machine)');
const depths = [250, 500, 1000, 2000];
console.log(`${'kind'.padEnd(14)}${depths.map((d) => `depth ${d}`.padStart(14)).join('')}   ratio ${depths[depths.length - 1]}/${depths[0]}`);
for (const [kind, gen] of Object.entries(nested)) {
  const ms = depths.map((d) => time(gen(d), 7).cpu);
  console.log(`${kind.padEnd(14)}${ms.map((m) => fmt(m).padStart(14)).join('')}   ${(ms[ms.length - 1]! / ms[0]!).toFixed(1)}x`);
}

// Curried function literals `(r) => (r) => ... 1` are the one quadratic case: each `(r)` is
// also a complete body expression, so Earley completes every enclosing level at every `)`
// (right recursion; nearley has no Leo optimisation). Real code nests a few levels deep.
const small = [25, 50, 100, 200];
const fms = small.map((d) => time(`x = ${'(r) => '.repeat(d)}1`, 5).cpu);
console.log(`\n${'kind'.padEnd(14)}${small.map((d) => `depth ${d}`.padStart(14)).join('')}   ratio ${small[small.length - 1]}/${small[0]}`);
console.log(`${'curried fns'.padEnd(14)}${fms.map((m) => fmt(m).padStart(14)).join('')}   ${(fms[fms.length - 1]! / fms[0]!).toFixed(1)}x`);
