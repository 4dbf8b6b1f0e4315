// Embedded store benchmarks (run by hand, not by the test command):
//
//   node --import tsx scripts/bench/store/bench.ts [--ingest 1000000] [--points 10000000] [--series 10000] [--skip-ingest]
//
// 1. ingest: 1,000,000 scrape-like points (a) as tables through tablesToSeries + write in
//    scrape-sized writes issued back to back, (b) in larger batches, (c) one awaited write per
//    scrape of 1,000 points (fsync-bound); points/s.
// 2. scan: a store of --points points over --series series (regular 10 s scrapes), then
//    `range(last hour) |> filter(_field == X and host == Y)` (one series) and
//    `filter(_field == X)` (100 series): latency cold (new process view: indexes not cached)
//    and warm, rows/s, bytes read versus the whole store.
// 3. bytes per point on disk for that store, before and after full compaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, BatchBuilder } from '../../../src/store/index.js';
import type { SeriesBatch, ReadStats, Store, StorePredicate } from '../../../src/store/index.js';
import { seriesToTable, tablesToSeries } from '../../../src/store/tables.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { silentLogger } from '../../../src/host/logger.js';
import type { Clock } from '../../../src/host/clock.js';
import { systemClock } from '../../../src/host/clock.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = arg('--points', 10_000_000);
const SERIES = arg('--series', 10_000);
const FIELDS = 100;
const SEC = 1_000_000_000n;

let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** Series i: field f{i % 100}, host h{floor(i / 100)}; a third counters, a third steady gauges, a third 2-decimal gauges. */
interface Gen {
  measurement: string;
  field: string;
  tags: [string, string][];
  kind: 0 | 1 | 2;
  v: number;
}
function gens(n: number): Gen[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'node',
    field: `f${i % FIELDS}`,
    tags: [
      ['host', `h${Math.floor(i / FIELDS)}`],
      ['job', 'node'],
    ],
    kind: (i % 3) as 0 | 1 | 2,
    v: Math.floor(rand() * 1000),
  }));
}
function step(g: Gen): number {
  if (g.kind === 0) g.v += Math.floor(rand() * 100);
  else if (g.kind === 1) {
    if (rand() < 0.02) g.v = Math.floor(rand() * 1000);
  } else g.v = Math.round((g.v + (rand() - 0.5) * 10) * 100) / 100;
  return g.v;
}

/** `scrapes` scrapes of every series, starting at t0, 10 s apart (+ a few ms of jitter shared by the scrape). */
function scrapeBatch(gs: Gen[], t0: bigint, first: number, scrapes: number): SeriesBatch[] {
  const times = BigInt64Array.from({ length: scrapes }, (_, k) => t0 + BigInt(first + k) * 10n * SEC + BigInt(Math.floor(rand() * 5)) * 1_000_000n);
  return gs.map((g) => ({ measurement: g.measurement, field: g.field, tags: g.tags, type: 'float', times, values: Float64Array.from({ length: scrapes }, () => step(g)) }));
}

function fixedClock(ns: bigint): Clock {
  return { ...systemClock, nowNanos: () => ns };
}

function newStore(dir: string, now: bigint): Store {
  return openStore({ dir, fs: nodeFileSystem, clock: fixedClock(now), logger: silentLogger, defaultRetentionNs: 0n, graceMs: 0 });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const results: string[] = [];
const say = (s: string) => {
  console.log(s);
  results.push(s);
};

const T0 = (BigInt(Date.UTC(2026, 0, 5, 0, 30)) * 1_000_000n) as bigint;

/** Wall and CPU time of fn (the machine is shared: CPU time is the steadier number). */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

async function ingest(): Promise<void> {
  const n = arg('--ingest', 1_000_000);
  const series = 1000;
  const scrapes = n / series;
  const scenarios: { name: string; writes: (gs: Gen[]) => SeriesBatch[][]; awaitEach: boolean }[] = [
    { name: `(a) ${scrapes} writes of ${series} points (one per scrape) issued together (group commit)`, writes: (gs) => Array.from({ length: scrapes }, (_, s) => scrapeBatch(gs, T0, s, 1)), awaitEach: false },
    { name: `(b) 10 awaited writes of 100,000 points`, writes: (gs) => Array.from({ length: 10 }, (_, s) => scrapeBatch(gs, T0, s * 100, 100)), awaitEach: true },
    { name: `(c) ${scrapes} awaited writes of ${series} points (each pays its fsyncs)`, writes: (gs) => Array.from({ length: scrapes }, (_, s) => scrapeBatch(gs, T0, s, 1)), awaitEach: true },
  ];
  for (const sc of scenarios) {
    const dir = mkdtempSync(join(tmpdir(), 'pf-bench-ingest-'));
    const store = newStore(dir, T0 + 100_000n * SEC);
    const writes = sc.writes(gens(series));
    const t = await timed(async () => {
      if (sc.awaitEach) for (const w of writes) await store.write('b', w);
      else await Promise.all(writes.map((w) => store.write('b', w)));
    });
    const bg = await timed(() => store.close()); // background compaction still running
    say(`ingest ${sc.name}: ${fmt(t.wall)} ms wall (${fmt((n / t.wall) * 1000)} points/s), ${fmt(t.cpu)} ms CPU (${fmt((n / t.cpu) * 1000)} points/s per core); then ${fmt(bg.wall)} ms of background compaction`);
    rmSync(dir, { recursive: true, force: true });
  }
  // (d) the to() path: points added one by one to a BatchBuilder, written 50,000 at a time
  // (to()'s STORE_BATCH), awaited; scrape by scrape, and series by series (the order in which
  // to() walks the rows of per-series tables).
  for (const order of ['scrape by scrape', 'series by series'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'pf-bench-ingest-'));
    const store = newStore(dir, T0 + 100_000n * SEC);
    const gs = gens(series);
    const values = Float64Array.from({ length: n }, (_, i) => step(gs[i % series]!));
    const t = await timed(async () => {
      let b = new BatchBuilder();
      const add = async (s: number, i: number) => {
        const g = gs[i]!;
        b.add(g.measurement, g.tags, g.field, T0 + BigInt(s) * 10n * SEC, values[s * series + i]!);
        if (b.size >= 50_000) {
          await store.write('b', b.build());
          b = new BatchBuilder();
        }
      };
      if (order === 'scrape by scrape') for (let s = 0; s < scrapes; s++) for (let i = 0; i < series; i++) await add(s, i);
      else for (let i = 0; i < series; i++) for (let s = 0; s < scrapes; s++) await add(s, i);
      if (b.size > 0) await store.write('b', b.build());
    });
    await store.close();
    say(`ingest (d) ${fmt(n)} points added one by one (BatchBuilder, as to() does), ${order}, awaited writes of 50,000: ${fmt(t.wall)} ms wall (${fmt((n / t.wall) * 1000)} points/s), ${fmt(t.cpu)} ms CPU (${fmt((n / t.cpu) * 1000)} points/s per core)`);
    rmSync(dir, { recursive: true, force: true });
  }
  // The table path: 1,000 scrapes as tables (one table per series, as to() receives them) -> tablesToSeries.
  const gs = gens(series);
  const tables = Array.from({ length: 100 }, (_, s) => scrapeBatch(gs, T0, s, 1).map((b) => seriesToTable(b)));
  const conv = await timed(async () => {
    for (const scrape of tables) tablesToSeries(scrape);
  });
  say(`tablesToSeries of 100 scrapes x ${series} one-row tables: ${fmt(conv.cpu)} ms CPU = ${fmt((100 * series) / conv.cpu * 1000)} points/s`);
}

async function scan(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-bench-scan-'));
  const perSeries = Math.floor(TOTAL / SERIES);
  const end = T0 + BigInt(perSeries) * 10n * SEC;
  const now = end; // the query's "last hour" ends at the last scrape
  const store = newStore(dir, now);
  const gs = gens(SERIES);
  const chunk = 20; // scrapes per write
  let t = performance.now();
  for (let s = 0; s < perSeries; s += chunk) await store.write('b', scrapeBatch(gs, T0, s, Math.min(chunk, perSeries - s)));
  await store.maintain('b');
  await store.maintain('b');
  let ms = performance.now() - t;
  const points = SERIES * perSeries;
  const bytes = await store.size();
  const info = (await store.buckets())[0]!;
  say(`store: ${fmt(points)} points, ${fmt(SERIES)} series, ${perSeries} scrapes 10 s apart; built in ${fmt(ms)} ms (${fmt((points / ms) * 1000)} points/s incl. compaction)`);
  say(`on disk (current partition, tiered compaction): ${fmt(bytes)} bytes in ${info.segments} segments = ${(bytes / points).toFixed(2)} bytes/point`);

  const hour = 3600n * SEC;
  const queries: { name: string; predicate: StorePredicate }[] = [
    {
      name: 'one series (_field == "f7" and host == "h42")',
      predicate: {
        kind: 'and',
        operands: [
          { kind: 'tag', key: '_field', op: '==', value: 'f7' },
          { kind: 'tag', key: 'host', op: '==', value: 'h42' },
        ],
      },
    },
    { name: `_field == "f7" (${SERIES / FIELDS} series)`, predicate: { kind: 'tag', key: '_field', op: '==', value: 'f7' } },
  ];
  const runQuery = async (label: string, reader: Store, q: (typeof queries)[number], total = bytes) => {
    const stats: ReadStats = { segmentsConsidered: 0, segmentsOpened: 0, seriesMatched: 0, bytesRead: 0, pointsReturned: 0 };
    const t0 = performance.now();
    let rows = 0;
    for await (const s of reader.read('b', { start: now - hour, stop: now + 1n, predicate: q.predicate }, stats)) {
      rows += seriesToTable(s, { start: now - hour, stop: now + 1n }).length;
    }
    const took = performance.now() - t0;
    say(
      `scan ${label} ${q.name}, last hour: ${took.toFixed(1)} ms, ${fmt(rows)} rows (${fmt((rows / took) * 1000)} rows/s), ${stats.segmentsOpened} segments, read ${fmt(stats.bytesRead)} of ${fmt(total)} bytes (${((stats.bytesRead / total) * 100).toFixed(2)}%)`,
    );
  };
  for (const q of queries) {
    // first query of this process: the read path is not yet compiled by the JIT either
    if (q === queries[0]) await runQuery('first in process', newStore(dir, now), q);
    await runQuery('cold', newStore(dir, now), q); // a fresh Store: no index cached
    const warm = newStore(dir, now);
    for await (const s of warm.read('b', { start: now - hour, stop: now + 1n, predicate: q.predicate })) void s; // fills the index cache
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      for await (const s of warm.read('b', { start: now - hour, stop: now + 1n, predicate: q.predicate })) void s;
      times.push(performance.now() - t1);
    }
    say(`scan warm ${q.name}: median of 5 ${times.sort((a, b) => a - b)[2]!.toFixed(1)} ms`);
  }
  // Full compaction of the partition (what happens once it is closed).
  const later = newStore(dir, end + 15n * 86_400n * SEC); // the 7-day partition has ended
  t = performance.now();
  await later.maintain('b');
  ms = performance.now() - t;
  await later.maintain('b'); // deletes the replaced files (grace period 0 here)
  const bytes2 = await later.size();
  say(`after full compaction (${fmt(ms)} ms): ${fmt(bytes2)} bytes in ${(await later.buckets())[0]!.segments} segment(s) = ${(bytes2 / points).toFixed(2)} bytes/point`);
  const same = newStore(dir, now);
  await runQuery('cold, compacted,', same, queries[0]!, bytes2);
  await runQuery('warm, compacted,', same, queries[0]!, bytes2);
  rmSync(dir, { recursive: true, force: true });
}

if (!process.argv.includes('--skip-ingest')) await ingest();
if (!process.argv.includes('--skip-scan')) await scan();
console.log('\n' + results.join('\n'));
