// to() from Flux, through createRuntime: the prelude's `to` and `influxdb.to`, pass-through
// with yield, a to() whose result is never used, parameter errors with their spans, and a
// refused write failing the run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, FluxError } from '../../src/index.js';
import type { Runtime } from '../../src/index.js';
import { collectTables } from '../../src/table/index.js';
import type { TableStream } from '../../src/table/index.js';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN } from '../support/victoria-metrics.js';
import type { VictoriaMetrics } from '../support/victoria-metrics.js';
import { startInfluxDB1, INFLUXD_BIN } from '../support/influxdb1.js';
import type { InfluxDB1 } from '../support/influxdb1.js';
import { requireExternal } from '../support/env.js';
import { startHttpTarget } from '../support/http-target.js';
import { readFileSync } from 'node:fs';

const skip = requireExternal('victoria-metrics and influxd (Debian packages)', VICTORIA_METRICS_BIN !== undefined && INFLUXD_BIN !== undefined);

function firstError(e: unknown): FluxError {
  const errs = (e as { errors?: FluxError[] }).errors;
  const fe = errs?.[0] ?? e;
  assert.ok(fe instanceof FluxError, `not a FluxError: ${String(e)}`);
  return fe;
}

describe('to() from Flux', { skip }, () => {
  let vm: VictoriaMetrics;
  let influx: InfluxDB1;
  let dataDir: string;
  let rt: Runtime;
  const savedConfig = process.env.PROMFLUX_CONFIG;
  before(async () => {
    [vm, influx] = await Promise.all([startVictoriaMetrics(), startInfluxDB1()]);
    await influx.query('CREATE DATABASE fluxdb');
    dataDir = mkdtempSync(join(tmpdir(), 'promflux-flux-to-'));
    process.env.PROMFLUX_CONFIG = join(dataDir, 'absent-config.json');
    rt = createRuntime({ dataDir });
  });
  after(async () => {
    await rt?.close();
    await Promise.all([vm?.stop(), influx?.stop()]);
    if (savedConfig === undefined) delete process.env.PROMFLUX_CONFIG;
    else process.env.PROMFLUX_CONFIG = savedConfig;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = `[
    {_time: 2024-01-01T00:00:00.000000001Z, _measurement: "flux", _field: "temp", _value: 21.5, room: "a b", empty: ""},
    {_time: 2024-01-01T00:00:10.000000002Z, _measurement: "flux", _field: "temp", _value: 22.0, room: "a b", empty: ""},
  ]`;

  it('|> to(...) |> yield() passes the tables through and writes them', async () => {
    const r = await rt.run(`
import "array"
array.from(rows: ${rows})
  |> to(bucket: "b", org: "o", host: "${vm.url}", token: "")
  |> yield(name: "written")
`);
    const res = r.results.find((x) => x.name === 'written');
    assert.ok(res, 'the yield is a result');
    const tables = await collectTables(res.value as TableStream);
    assert.equal(tables.reduce((a, t) => a + t.length, 0), 2);
    const series = await vm.waitForSeries('{__name__="flux_temp"}', (s) => s.length > 0 && s[0]!.values.length === 2);
    assert.deepEqual(series.map((s) => s.metric), [{ __name__: 'flux_temp', room: 'a b' }]);
    assert.deepEqual(series[0]!.values, [21.5, 22]);
    assert.deepEqual(series[0]!.timestamps, [1704067200000, 1704067210000]);
  });

  it('influxdb.to writes even when its result is never used (InfluxDB 1.x, exact nanoseconds)', async () => {
    await rt.run(`
import "array"
import "influxdata/influxdb"
unused = array.from(rows: ${rows}) |> influxdb.to(bucket: "fluxdb", host: "${influx.url}", token: "")
`);
    const got = await influx.query('SELECT "temp" FROM "flux" GROUP BY *', 'fluxdb');
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.tags, { room: 'a b' });
    assert.deepEqual(got[0]!.values, [
      [1704067200000000001n, 21.5],
      [1704067210000000002n, 22],
    ]);
  });

  it('prometheus.scrape(url:) |> to(...): every scraped point is in VictoriaMetrics', async () => {
    const target = await startHttpTarget({ '/metrics': { body: readFileSync(new URL('./fixtures/target.prom', import.meta.url)) } });
    try {
      const r = await rt.run(`
import "experimental/prometheus"
prometheus.scrape(url: "${target.url}/metrics")
  |> to(bucket: "b", org: "o", host: "${vm.url}", token: "")
  |> yield(name: "scraped")
`);
      const tables = await collectTables(r.results.find((x) => x.name === 'scraped')!.value as TableStream);
      const want = new Map<string, number>();
      for (const t of tables) {
        for (let i = 0; i < t.length; i++) {
          const rec = t.record(i);
          const v = rec.get('_value') as number;
          const tags = [...rec.fields].filter(([k, x]) => !k.startsWith('_') && typeof x === 'string' && x !== '').sort();
          if (!Number.isFinite(v) || tags.some(([, x]) => (x as string).includes('\n'))) continue;
          const ms = (rec.get('_time') as { ns: bigint }).ns / 1_000_000n;
          want.set(JSON.stringify(['prometheus_' + String(rec.get('_field')), tags, ms.toString()]), v);
        }
      }
      assert.ok(want.size >= 15, `scraped ${want.size} points`);
      const series = await vm.waitForSeries('{__name__=~"prometheus_.*"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= want.size);
      const got = new Map<string, number>();
      for (const s of series) {
        const { __name__: name, ...labels } = s.metric;
        s.values.forEach((v, i) => got.set(JSON.stringify([name, Object.entries(labels).sort(), String(s.timestamps[i])]), v));
      }
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [k, v] of want) assert.ok(Math.abs(got.get(k)! - v) <= 1e-15 * Math.abs(v), k);
    } finally {
      await target.close();
    }
  });

  it('fieldFn: fields from a Flux closure; the columns it reads are not tags', async () => {
    await influx.query('CREATE DATABASE fieldfn');
    await rt.run(`
import "array"
array.from(rows: [{_time: 2024-01-01T00:00:00Z, _measurement: "m", _value: 1.5, state: "ok", host: "h1", n: 7}])
  |> to(bucket: "fieldfn", host: "${influx.url}", token: "", fieldFn: (r) => ({v: r._value, s: r.state, n: r.n}))
`);
    const tagKeys = await influx.query('SHOW TAG KEYS FROM "m"', 'fieldfn');
    assert.deepEqual(tagKeys[0]!.values, [['host']]);
    const rows = await influx.query('SELECT "v", "s", "n" FROM "m"', 'fieldfn');
    assert.deepEqual(rows[0]!.values, [[1704067200000000000n, 1.5, 'ok', 7]]);
  });

  it('InfluxDB 1.x: a row with the tag or field key "time" is skipped, the rest of its batch is written', async () => {
    // InfluxDB 1.x refuses the key "time" with a 400 "partial write" that failed the run.
    await influx.query('CREATE DATABASE timekey');
    await rt.run(`
import "array"
array.from(rows: [
  {_time: 2024-01-01T00:00:00Z, _measurement: "tk", _field: "f", _value: 1.0, time: "noon"},
  {_time: 2024-01-01T00:00:01Z, _measurement: "tk", _field: "f", _value: 2.0, time: ""},
  {_time: 2024-01-01T00:00:02Z, _measurement: "tk", _field: "time", _value: 3.0, time: ""},
]) |> to(bucket: "timekey", host: "${influx.url}", token: "")
`);
    const got = await influx.query('SELECT * FROM "tk"', 'timekey');
    assert.deepEqual(got[0]!.values, [[1704067201000000000n, 2]]);
  });

  it('parameter errors point at the call', async () => {
    const src = `import "array"\narray.from(rows: ${rows.replace(/\n/g, ' ')})\n  |> to(bucket: "b", bucketID: "0a", host: "${vm.url}", token: "")\n`;
    await assert.rejects(rt.run(src), (e: unknown) => {
      const fe = firstError(e);
      assert.equal(fe.id, 'to.bucketConflict');
      assert.equal(fe.span?.start.line, 3);
      return true;
    });
  });

  it('a refused write fails the run with the server message', async () => {
    // InfluxDB 1.x refuses a database that does not exist (404 "database not found").
    await assert.rejects(
      rt.run(`
import "array"
array.from(rows: ${rows}) |> to(bucket: "nosuchdb", host: "${influx.url}", token: "")
`),
      (e: unknown) => {
        const fe = firstError(e);
        assert.equal(fe.id, 'to.writeRejected');
        assert.match(fe.message, /database not found/);
        return true;
      },
    );
  });
});
