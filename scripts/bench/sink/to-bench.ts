// Benchmark: 1,000,000 points to a real VictoriaMetrics through the to() write path (tables ->
// line protocol -> batching -> @influxdata/influxdb-client -> /api/v2/write), side by side with
// the practical limit: POSTing the same pre-serialized line protocol with undici, in the same
// batches and with the same number of requests in flight.
//
//   node --expose-gc --import tsx scripts/bench/sink/to-bench.ts [points=1000000] [rounds=3]
//
// Each round writes the same series (created in an untimed warm-up) at new timestamps, so
// every run pays the same ingestion cost. Input tables are built before timing (10,000
// series x 100 points, the shape of 100 scrapes of a 10,000-series target).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { tableFromColumns } from '../../../src/table/index.js';
import type { ColumnMeta, Table } from '../../../src/table/index.js';
import { systemClock } from '../../../src/host/clock.js';
import { silentLogger } from '../../../src/host/logger.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { SinkService } from '../../../src/sink/service.js';
import { parseSinkConfig } from '../../../src/sink/config.js';
import { writeTables } from '../../../src/sink/write.js';
import { DEFAULT_MAPPING, LineEncoder } from '../../../src/sink/encode.js';
import { startVictoriaMetrics } from '../../../test/support/victoria-metrics.js';

const POINTS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const SERIES = 10_000;
const PER_SERIES = Math.max(1, Math.floor(POINTS / SERIES));
const BATCH = 5000;
const CONCURRENCY = 2;

/** A full GC before each timed section when run with --expose-gc, so runs start equal. */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

const COLUMNS: ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
  { name: 'instance', type: 'string' },
  { name: 'job', type: 'string' },
  { name: 'url', type: 'string' },
];

function buildTables(round: number): Table[] {
  const base = 1_600_000_000_000_000_000n + BigInt(round) * 10_000_000_000_000n;
  const out: Table[] = [];
  const fields = Array.from({ length: 100 }, (_, i) => `metric_${i}_total`);
  for (let s = 0; s < SERIES; s++) {
    const times = new BigInt64Array(PER_SERIES);
    const values = new Float64Array(PER_SERIES);
    for (let i = 0; i < PER_SERIES; i++) {
      times[i] = base + BigInt(i) * 15_000_000_000n;
      values[i] = (s * 7919 + i * 104729) / 1000;
    }
    const codes = new Int32Array(PER_SERIES);
    const str = (v: string) => ({ strings: { codes, dictionary: [v] } });
    out.push(
      tableFromColumns(
        COLUMNS,
        ['_measurement', '_field', 'instance', 'job', 'url'],
        [{ ints: times }, str('prometheus'), str(fields[s % 100]!), { floats: values }, str(`host-${Math.floor(s / 100)}:9100`), str('node'), str(`http://host-${Math.floor(s / 100)}:9100/metrics`)],
      ),
    );
  }
  return out;
}

/** The line protocol of `tables` in batches of BATCH lines (prepared before timing). */
function serialize(tables: Table[]): string[] {
  const enc = new LineEncoder(DEFAULT_MAPPING);
  const lines: string[] = [];
  for (const t of tables) enc.encode(t, lines);
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH) bodies.push(lines.slice(i, i + BATCH).join('\n'));
  return bodies;
}

async function postAll(url: string, bodies: (string | Buffer)[], gzip: boolean, agent: Agent): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await request(`${url}/api/v2/write?org=o&bucket=b&precision=ns`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
        dispatcher: agent,
      });
      await res.body.dump();
      if (res.statusCode !== 204) throw new Error(`status ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const vm = await startVictoriaMetrics();
  const dataDir = mkdtempSync(join(tmpdir(), 'promflux-bench-sink-'));
  const agent = new Agent({ connections: CONCURRENCY });
  try {
    const total = SERIES * PER_SERIES;
    console.log(`to() benchmark: ${total} points (${SERIES} series x ${PER_SERIES}) to VictoriaMetrics ${vm.url}, batches of ${BATCH}, ${CONCURRENCY} in flight`);
    // Warm-up (untimed): creates the series.
    await postAll(vm.url, serialize(buildTables(0)), false, agent);
    const toRun = async (round: number, gzip: boolean | 'auto') => {
      const tables = buildTables(round);
      const config = parseSinkConfig({}, JSON.stringify({ write: { batchSize: BATCH, concurrency: CONCURRENCY, gzip } }), undefined);
      const svc = new SinkService({ fs: nodeFileSystem, clock: systemClock, logger: silentLogger, dataDir, config });
      const pipeline = await svc.pipelineFor({ url: vm.url, token: '', org: 'o', bucket: 'b' });
      collect();
      const t0 = performance.now();
      const r = await writeTables(pipeline, tables, DEFAULT_MAPPING);
      const ms = performance.now() - t0;
      await svc.close();
      if (r.outcome.written !== total) throw new Error(`written ${r.outcome.written} of ${total}`);
      return ms;
    };
    const limitRun = async (round: number, gzip: boolean) => {
      const raw = serialize(buildTables(round));
      const bodies = gzip ? raw.map((b) => gzipSync(b)) : raw;
      collect();
      const t0 = performance.now();
      await postAll(vm.url, bodies, gzip, agent);
      return performance.now() - t0;
    };
    const rows: { what: string; ms: number[] }[] = [
      { what: 'undici POST of pre-serialized line protocol (the limit)', ms: [] },
      { what: 'to() write path, default settings (gzip "auto": off for a loopback host)', ms: [] },
      { what: 'to() write path, gzip forced on', ms: [] },
      { what: 'undici POST of pre-serialized, pre-gzipped line protocol', ms: [] },
    ];
    let round = 1;
    for (let r = 0; r < ROUNDS; r++) {
      rows[0]!.ms.push(await limitRun(round++, false));
      rows[1]!.ms.push(await toRun(round++, 'auto'));
      rows[2]!.ms.push(await toRun(round++, true));
      rows[3]!.ms.push(await limitRun(round++, true));
    }
    const best = (ms: number[]) => Math.min(...ms);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const pairRatios = rows[0]!.ms.map((limitMs, i) => limitMs / rows[1]!.ms[i]!);
    const rate = (ms: number) => Math.round(total / (ms / 1000));
    for (const row of rows) {
      console.log(`${row.what}: best ${rate(best(row.ms)).toLocaleString('en-US')} points/s (runs: ${row.ms.map((m) => `${Math.round(m)} ms`).join(', ')})`);
    }
    const limit = best(rows[0]!.ms);
    console.log(`ratio to() default / limit: ${(limit / best(rows[1]!.ms)).toFixed(2)} (best vs best; median of side-by-side pairs ${median(pairRatios).toFixed(2)})`);
    console.log(`ratio to() gzip on  / limit: ${(limit / best(rows[2]!.ms)).toFixed(2)}`);
    console.log(`ratio to() gzip on  / pre-gzipped limit: ${(best(rows[3]!.ms) / best(rows[2]!.ms)).toFixed(2)}`);
  } finally {
    await agent.close();
    await vm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
