// to() into the embedded store, for one large scrape (run by hand, not by the test command):
//
//   node --expose-gc --import tsx scripts/bench/sink/store-path.ts [series=100000] [rounds=7]
//
// The generated exposition of scripts/bench/scrape (one sample per series), parsed into
// a sample batch once per round, then made into tables (timed: the scrape's table stream
// makes them as they are read) and written as `|> to(bucket:)` writes it: LineEncoder ->
// BatchBuilder (50,000 points per store write) -> Store.write, each write durable. Two
// variants alternate round by round in one process, each into its own store:
//   runs    the encoder gives each table's rows to the builder as one run (PointSink.addSeries)
//   points  the same encoder through a sink without addSeries: every point added on its own
// Reported: fastest and median per phase (encode = tables + encoder + builder, build, write =
// Store.write).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateExposition } from '../scrape/generate.js';
import { batchToTables, parseExposition } from '../../../src/scrape/index.js';
import { DEFAULT_MAPPING, LineEncoder } from '../../../src/sink/encode.js';
import type { PointSink } from '../../../src/sink/encode.js';
import { BatchBuilder, openStore } from '../../../src/store/index.js';
import type { SeriesBatch } from '../../../src/store/index.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { silentLogger } from '../../../src/host/logger.js';
import { systemClock } from '../../../src/host/clock.js';

const series = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);
const body = Buffer.from(generateExposition(series), 'utf8');
const STORE_BATCH = 50_000;
const variants = ['runs', 'points'] as const;
const dirs = Object.fromEntries(variants.map((v) => [v, mkdtempSync(join(tmpdir(), `promflux-bench-store-path-${v}-`))]));
const stores = Object.fromEntries(
  variants.map((v) => [v, openStore({ dir: dirs[v]!, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false })]),
);
const times: Record<string, Record<string, number[]>> = Object.fromEntries(variants.map((v) => [v, { encode: [], build: [], write: [], total: [] }]));

let ts = systemClock.nowNanos();
for (let r = 0; r <= rounds; r++) {
  for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
    ts += 10_000_000_000n;
    const batch = parseExposition(body, 'prometheus-text', 'http://bench/metrics');
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    // Tables made as they are read, as a scrape's stream makes them for to().
    const tables = batchToTables(batch, 'http://bench/metrics', ts).tables();
    const enc = new LineEncoder(DEFAULT_MAPPING);
    const builders: BatchBuilder[] = [];
    let b = new BatchBuilder();
    const sink = (): PointSink => (v === 'runs' ? b : { add: (m, tags, f, t, x) => b.add(m, tags, f, t, x) });
    let s = sink();
    for (const t of tables) {
      enc.encodePoints(t, s, 0, t.length);
      if (b.size >= STORE_BATCH) {
        builders.push(b);
        b = new BatchBuilder();
        s = sink();
      }
    }
    if (b.size > 0) builders.push(b);
    const t1 = performance.now();
    const built: SeriesBatch[][] = builders.map((x) => x.build());
    const t2 = performance.now();
    for (const w of built) await stores[v]!.write('bench', w);
    const t3 = performance.now();
    if (r === 0) continue; // warm-up
    const m = times[v]!;
    m.encode!.push(t1 - t0);
    m.build!.push(t2 - t1);
    m.write!.push(t3 - t2);
    m.total!.push(t3 - t0);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`to() into the embedded store: ${series} one-sample series per scrape, ${rounds} rounds per variant (node ${process.versions.node})`);
console.log('| variant | encode (fastest / median) | build | Store.write | total |');
console.log('| --- | --- | --- | --- | --- |');
for (const v of variants) {
  const m = times[v]!;
  const cell = (k: string) => `${Math.min(...m[k]!).toFixed(0)} / ${med(m[k]!).toFixed(0)} ms`;
  console.log(`| ${v} | ${cell('encode')} | ${cell('build')} | ${cell('write')} | ${cell('total')} |`);
}
const ratio = med(times.points!.total!) / med(times.runs!.total!);
console.log(`points / runs (median total): ${ratio.toFixed(2)}x`);
for (const v of variants) {
  await stores[v]!.close();
  rmSync(dirs[v]!, { recursive: true, force: true });
}
