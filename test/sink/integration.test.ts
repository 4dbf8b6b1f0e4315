// Integration: scrape a real local target, write through the sink to real servers started
// from Debian's packages (VictoriaMetrics over the v2 write API, InfluxDB 1.x over /write),
// read every point back and compare name, tags, value and timestamp.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN } from '../support/victoria-metrics.js';
import type { VictoriaMetrics } from '../support/victoria-metrics.js';
import { startInfluxDB1, INFLUXD_BIN } from '../support/influxdb1.js';
import type { InfluxDB1 } from '../support/influxdb1.js';
import { requireExternal } from '../support/env.js';
import { scrape } from '../../src/scrape/index.js';
import { createHttpClient } from '../../src/host/http.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { Table } from '../../src/table/index.js';
import { SinkService } from '../../src/sink/service.js';
import { parseSinkConfig } from '../../src/sink/config.js';
import { writeTables } from '../../src/sink/write.js';
import { DEFAULT_MAPPING } from '../../src/sink/encode.js';

const FIXTURE = readFileSync(new URL('./fixtures/target.prom', import.meta.url));

/** A local exposition target serving the fixture. */
async function startTarget(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(FIXTURE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}/metrics`, server };
}

async function scrapeTables(url: string): Promise<Table[]> {
  const r = await scrape(url, {}, { http: createHttpClient(), clock: systemClock });
  return [...r.tables.tables()];
}

interface Point {
  field: string;
  tags: Record<string, string>;
  value: number;
  timeNs: bigint;
}

/** Every sample of the scraped tables as a point (computed from the rows, not by the encoder). */
function pointsOf(tables: Table[]): Point[] {
  const out: Point[] = [];
  for (const t of tables) {
    for (let i = 0; i < t.length; i++) {
      const r = t.record(i);
      const tags: Record<string, string> = {};
      for (const [k, v] of r.fields) {
        if (k === '_measurement' || k === '_field' || k === '_value' || typeof v !== 'string' || v === '') continue;
        tags[k] = v;
      }
      out.push({ field: r.get('_field') as string, tags, value: r.get('_value') as number, timeNs: (r.get('_time') as { ns: bigint }).ns });
    }
  }
  return out;
}

const keyOf = (field: string, tags: Record<string, string>, value: number | string, time: bigint) =>
  JSON.stringify([field, Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)), value, time.toString()]);

function service(dataDir: string, write: Record<string, unknown> = {}): SinkService {
  const config = parseSinkConfig({}, JSON.stringify({ write: { maxRetries: 2, minRetryDelayMs: 50, maxRetryTimeMs: 2000, ...write } }), undefined);
  return new SinkService({ fs: nodeFileSystem, clock: systemClock, logger: silentLogger, dataDir, config });
}

const vmSkip = requireExternal('victoria-metrics (Debian package)', VICTORIA_METRICS_BIN !== undefined);
const influxSkip = requireExternal('influxd (Debian package influxdb)', INFLUXD_BIN !== undefined);

describe('to() against real servers', () => {
  let target: { url: string; server: Server };
  let dataDir: string;
  before(async () => {
    target = await startTarget();
    dataDir = mkdtempSync(join(tmpdir(), 'promflux-sink-it-'));
  });
  after(async () => {
    await new Promise((r) => target.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('VictoriaMetrics (v2 write API)', { skip: vmSkip }, () => {
    let vm: VictoriaMetrics;
    before(async () => {
      vm = await startVictoriaMetrics();
    });
    after(async () => {
      await vm?.stop();
    });

    it('writes every scraped sample; reads back name, tags, value and time', async () => {
      const tables = await scrapeTables(target.url);
      const svc = service(join(dataDir, 'vm'));
      const pipeline = await svc.pipelineFor({ url: vm.url, token: 'not-checked', org: 'o', bucket: 'b' });
      assert.equal(pipeline.destination.dialect, 'v2');
      const { outcome, counts } = await writeTables(pipeline, tables, DEFAULT_MAPPING);
      await svc.close();
      // NaN, +Inf and the label value with a newline cannot be written.
      assert.equal(counts.nonFiniteFields, 2);
      assert.equal(counts.unrepresentable, 1);
      const all = pointsOf(tables);
      const want = all.filter((p) => Number.isFinite(p.value) && !Object.values(p.tags).some((v) => v.includes('\n')));
      assert.equal(want.length, all.length - 3);
      assert.equal(outcome.written, want.length);
      assert.equal(counts.points, want.length);

      const series = await vm.waitForSeries('{__name__=~"prometheus_.*"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= want.length);
      const got = new Map<string, number>();
      for (const s of series) {
        const { __name__: name, ...tags } = s.metric;
        assert.ok(name!.startsWith('prometheus_'), name);
        s.values.forEach((v, i) => got.set(keyOf(name!.slice('prometheus_'.length), tags, '', BigInt(s.timestamps[i]!)), v));
      }
      // VictoriaMetrics keeps milliseconds, and stores values as decimals with a 64-bit
      // mantissa: 1.7976931348623157e308 reads back as 1.797693134862315e308. Values are
      // compared to a relative 1e-15 here; InfluxDB 1.x below is compared exactly.
      const wanted = new Map(want.map((p) => [keyOf(p.field, p.tags, '', p.timeNs / 1_000_000n), p.value]));
      assert.deepEqual([...got.keys()].sort(), [...wanted.keys()].sort());
      for (const [k, v] of wanted) {
        const g = got.get(k)!;
        assert.ok(Math.abs(g - v) <= 1e-15 * Math.abs(v), `${k}: got ${g}, want ${v}`);
      }
    });
  });

  describe('InfluxDB 1.x (/write)', { skip: influxSkip }, () => {
    let db: InfluxDB1;
    before(async () => {
      db = await startInfluxDB1();
      await db.query('CREATE DATABASE scraped');
      await db.query('CREATE RETENTION POLICY "forever" ON "scraped" DURATION INF REPLICATION 1');
    });
    after(async () => {
      await db?.stop();
    });

    it('detects 1.x from /ping and writes db/rp; reads back every point with exact nanoseconds', async () => {
      const tables = await scrapeTables(target.url);
      const svc = service(join(dataDir, 'influx1'));
      const pipeline = await svc.pipelineFor({ url: db.url, token: '', bucket: 'scraped/forever' });
      assert.equal(pipeline.destination.dialect, 'v1');
      const { outcome, counts } = await writeTables(pipeline, tables, DEFAULT_MAPPING);
      await svc.close();
      // NaN, +Inf; the newline label; a label value ending in a backslash (not representable in 1.x).
      assert.equal(counts.nonFiniteFields, 2);
      assert.equal(counts.unrepresentable, 2);
      const want = pointsOf(tables).filter(
        (p) => Number.isFinite(p.value) && !Object.values(p.tags).some((v) => v.includes('\n') || v.endsWith('\\')),
      );
      assert.equal(outcome.written, want.length);

      const series = await db.query('SELECT * FROM "scraped"."forever"."prometheus" GROUP BY *', 'scraped');
      const got = new Set<string>();
      for (const s of series) {
        const tags = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
        for (const row of s.values) {
          const time = BigInt(row[0] as number | bigint);
          s.columns.forEach((c, i) => {
            if (i === 0 || row[i] === null) return;
            const v = row[i] as number | bigint;
            got.add(keyOf(c, tags, typeof v === 'bigint' ? Number(v) : v, time));
          });
        }
      }
      const wantKeys = new Set(want.map((p) => keyOf(p.field, p.tags, p.value, p.timeNs)));
      assert.deepEqual([...got].sort(), [...wantKeys].sort());
    });

    it('authentication: token "user:password" is sent as credentials and never printed', async () => {
      const secure = await startInfluxDB1({ auth: true });
      try {
        await secure.query('CREATE DATABASE d');
        const tables = await scrapeTables(target.url);
        const svc = service(join(dataDir, 'influx1-auth'));
        const good = await svc.pipelineFor({ url: secure.url, token: 'admin:admin', bucket: 'd' });
        const ok = await writeTables(good, tables, DEFAULT_MAPPING);
        assert.ok(ok.outcome.written > 0);
        assert.equal(ok.outcome.rejected, 0);
        const bad = await svc.pipelineFor({ url: secure.url, token: 'admin:wrong-s3cret', bucket: 'd' });
        const refused = await writeTables(bad, tables, DEFAULT_MAPPING);
        await svc.close();
        assert.equal(refused.outcome.written, 0);
        assert.equal(refused.outcome.rejectedError?.status, 401);
        assert.doesNotMatch(refused.outcome.rejectedError?.message ?? '', /s3cret/);
      } finally {
        await secure.stop();
      }
    });
  });
});
