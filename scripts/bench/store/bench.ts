// Embedded store benchmarks (run by hand, not by the test command):
//
//   node --import tsx scripts/bench/store/bench.ts [--points 10000000] [--series 10000]
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
import { openStore } from '../../../src/store/index.js';
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
  return openStore({ dir, fs: nodeFileSystem, clock: fixedClock(now), logger: silentLogger, defaultRetentionNs: 0n });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const results: string[] = [];
const say = (s: string) => {
  console.log(s);
  results.push(s);
};

const T0 = (BigInt(Date.UTC(2026, 0, 5, 0, 30)) * 1_000_000n) as bigint;

async function ingest(): Promise<void> {
  const n = 1_000_000;
  const series = 1000;
  const scrapes = n / series;
  // (a) as tables (the shape a scrape produces and to() receives), one write per scrape, not awaited one by one
  {
    const dir = mkdtempSync(join(tmpdir(), 'pf-bench-ingest-'));
    const store = newStore(dir, T0 + 100_000n * SEC);
    const gs = gens(series);
    const tables = [];
    for (let s = 0; s < scrapes; s++) tables.push(scrapeBatch(gs, T0, s, 1).map((b) => seriesToTable(b)));
    const t = performance.now();
    const writes: Promise<void>[] = [];
    for (const scrape of tables) writes.push(store.write('b', tablesToSeries(scrape)));
    await Promise.all(writes);
    const ms = performance.now() - t;
    say(`ingest (a) ${fmt(n)} points as ${scrapes} scrape tables of ${series} series, concurrent writes (group commit): ${fmt(ms)} ms = ${fmt((n / ms) * 1000)} points/s`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // (b) columnar batches of 100 scrapes, awaited one by one
  {
    const dir = mkdtempSync(join(tmpdir(), 'pf-bench-ingest-'));
    const store = newStore(dir, T0 + 100_000n * SEC);
    const gs = gens(series);
    const batches = [];
    for (let s = 0; s < scrapes; s += 100) batches.push(scrapeBatch(gs, T0, s, 100));
    const t = performance.now();
    for (const b of batches) await store.write('b', b);
    const ms = performance.now() - t;
    say(`ingest (b) ${fmt(n)} points in ${batches.length} awaited writes of ${fmt(n / batches.length)}: ${fmt(ms)} ms = ${fmt((n / ms) * 1000)} points/s`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // (c) one awaited write per scrape (each pays its fsyncs)
  {
    const dir = mkdtempSync(join(tmpdir(), 'pf-bench-ingest-'));
    const store = newStore(dir, T0 + 100_000n * SEC);
    const gs = gens(series);
    const batches = [];
    for (let s = 0; s < scrapes; s++) batches.push(scrapeBatch(gs, T0, s, 1));
    const t = performance.now();
    for (const b of batches) await store.write('b', b);
    const ms = performance.now() - t;
    say(`ingest (c) ${fmt(n)} points in ${batches.length} awaited writes of ${series} (one per scrape): ${fmt(ms)} ms = ${fmt((n / ms) * 1000)} points/s`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
  const runQuery = async (label: string, reader: Store, q: (typeof queries)[number]) => {
    const stats: ReadStats = { segmentsConsidered: 0, segmentsOpened: 0, seriesMatched: 0, bytesRead: 0, pointsReturned: 0 };
    const t0 = performance.now();
    let rows = 0;
    for await (const s of reader.read('b', { start: now - hour, stop: now + 1n, predicate: q.predicate }, stats)) {
      rows += seriesToTable(s, { start: now - hour, stop: now + 1n }).length;
    }
    const took = performance.now() - t0;
    say(
      `scan ${label} ${q.name}, last hour: ${took.toFixed(1)} ms, ${fmt(rows)} rows (${fmt((rows / took) * 1000)} rows/s), ${stats.segmentsOpened} segments, read ${fmt(stats.bytesRead)} of ${fmt(bytes)} bytes (${((stats.bytesRead / bytes) * 100).toFixed(2)}%)`,
    );
  };
  for (const q of queries) {
    await runQuery('cold', newStore(dir, now), q); // a fresh Store: nothing cached (as a new `promflux run`)
    const warm = newStore(dir, now);
    await runQuery('warmup', warm, q);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      for await (const s of warm.read('b', { start: now - hour, stop: now + 1n, predicate: q.predicate })) void s;
      times.push(performance.now() - t1);
    }
    say(`scan warm ${q.name}: median of 5 ${times.sort((a, b) => a - b)[2]!.toFixed(1)} ms`);
  }
  // Full compaction of the partition (what happens once it is closed).
  const later = newStore(dir, end + 2n * 86_400n * SEC);
  t = performance.now();
  await later.maintain('b');
  ms = performance.now() - t;
  const bytes2 = await later.size();
  say(`after full compaction (${fmt(ms)} ms): ${fmt(bytes2)} bytes in ${(await later.buckets())[0]!.segments} segment(s) = ${(bytes2 / points).toFixed(2)} bytes/point`);
  const same = newStore(dir, now);
  await runQuery('cold, compacted,', same, queries[0]!);
  rmSync(dir, { recursive: true, force: true });
}

await ingest();
await scan();
console.log('\n' + results.join('\n'));
