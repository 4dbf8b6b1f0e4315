// Flux-level: `import "experimental/prometheus"` through the real runtime (createRuntime),
// against a local HTTP target; prometheus.histogramQuantile; experimental/aggregate.rate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import type { Runtime } from '../../src/index.js';
import { collectTables, encodeCsv } from '../../src/table/index.js';
import type { Table, TableStream } from '../../src/table/index.js';
import { isFluxError } from '../../src/errors/index.js';
import { systemClock, type Clock } from '../../src/host/clock.js';
import { startHttpTarget, type HttpTarget } from '../support/http-target.js';
import { SCRAPE_TIME_NS } from './helpers.js';

const clock: Clock = { ...systemClock, nowNanos: () => SCRAPE_TIME_NS };
let target: HttpTarget;
let rt: Runtime;
let dataDir: string;

const HISTOGRAM = [
  '# TYPE req_seconds histogram',
  'req_seconds_bucket{path="/a",le="0.1"} 10',
  'req_seconds_bucket{path="/a",le="0.5"} 30',
  'req_seconds_bucket{path="/a",le="1"} 40',
  'req_seconds_bucket{path="/a",le="+Inf"} 40',
  'req_seconds_sum{path="/a"} 9',
  'req_seconds_count{path="/a"} 40',
  'req_seconds_bucket{path="/b",le="0.1"} 0',
  'req_seconds_bucket{path="/b",le="0.5"} 0',
  'req_seconds_bucket{path="/b",le="1"} 1',
  'req_seconds_bucket{path="/b",le="+Inf"} 4',
  'req_seconds_sum{path="/b"} 20',
  'req_seconds_count{path="/b"} 4',
  '# TYPE up gauge',
  'up{job="x"} 1',
  '',
].join('\n');

before(async () => {
  target = await startHttpTarget({
    '/metrics': { body: HISTOGRAM },
    '/secure': { body: 'up 1\n', auth: { bearer: 'flux-token' } },
    '/missing': { status: 404, body: 'nope' },
    '/old': {
      handler: (_req, res) => {
        res.writeHead(301, { location: '/secure' });
        res.end();
      },
    },
    '/nonmono': { body: '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="2"} 3\nh_bucket{le="+Inf"} 6\n' },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'promflux-scrape-flux-'));
  rt = createRuntime({ dataDir, clock });
});

after(async () => {
  await rt.close();
  await target.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(src: string): Promise<Table[]> {
  const r = await rt.run(src, { name: 'test.flux' });
  assert.equal(r.results.length, 1);
  return collectTables(r.results[0]!.value as TableStream);
}

const rowsOf = (ts: Table[]) =>
  ts.flatMap((t) => Array.from({ length: t.length }, (_, r) => t.columns.flatMap((c, i) => (c.name === '_time' ? [] : [`${c.name}=${String(t.column(i).get(r))}`])).join(' ')));

test('prometheus.scrape in Flux: the tables of one scrape', async () => {
  const ts = await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/metrics")`);
  assert.equal(ts.length, 13);
  const csv = encodeCsv([{ name: '_result', tables: ts }]);
  assert.match(csv, /,_time,_measurement,_field,_value,url,le,path\r?\n/);
  assert.ok(csv.includes(`2026-01-01T00:00:00Z,prometheus,req_seconds,40,${target.url}/metrics,+Inf,/a`));
  assert.ok(csv.includes(`prometheus,req_seconds_sum,9,${target.url}/metrics,/a`));
});

test('prometheus.scrape options: timeout, headers (record and dict), bearerToken', async () => {
  await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/metrics", timeout: 3s, headers: {"X-Team": "obs"})`);
  let req = target.requests.at(-1)!;
  assert.equal(req.headers['x-team'], 'obs');
  assert.equal(req.headers['x-prometheus-scrape-timeout-seconds'], '3');
  await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/metrics", headers: ["X-Dict": "yes"])`);
  req = target.requests.at(-1)!;
  assert.equal(req.headers['x-dict'], 'yes');
  const ts = await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/secure", bearerToken: "flux-token")`);
  assert.equal(ts.length, 1);
});

test('prometheus.scrape followRedirects: true by default, false fails on the redirect', async () => {
  const ts = await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/old", bearerToken: "flux-token")`);
  assert.equal(ts.length, 1);
  await assert.rejects(
    rt.run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/old", bearerToken: "flux-token", followRedirects: false)`),
    (e: unknown) => isFluxError(e) && e.id === 'scrape.status' && /HTTP 301/.test(e.message) && !e.message.includes('flux-token'),
  );
});

test('a failed scrape fails the run with its id, pointing at the call', async () => {
  const src = `import "experimental/prometheus"\n\nx = prometheus.scrape(url: "${target.url}/missing")\nx |> yield()`;
  try {
    await rt.run(src, { name: 'test.flux' });
    assert.fail('run succeeded');
  } catch (e) {
    assert.ok(isFluxError(e));
    assert.equal(e.id, 'scrape.status');
    assert.equal(e.span?.start.line, 3);
    assert.match(e.message, /404/);
  }
  await assert.rejects(rt.run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/metrics", timeout: -1s)`), (e: unknown) => isFluxError(e) && e.id === 'scrape.invalidOption');
  await assert.rejects(rt.run(`import "experimental/prometheus"\nprometheus.scrape(url: "file:///etc/passwd")`), (e: unknown) => isFluxError(e) && e.id === 'scrape.invalidUrl');
});

test('prometheus.histogramQuantile (metricVersion 2) on scraped histograms', async () => {
  const ts = await run(`import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/metrics") |> prometheus.histogramQuantile(quantile: 0.5)`);
  // /a: rank 20 in (0.1, 0.5] with counts 10..30 -> 0.1 + 0.4 * 10/20 = 0.3
  // /b: rank 2 in (1, +Inf] -> the largest finite bound, 1
  assert.deepEqual(rowsOf(ts), [
    '_field=req_seconds _measurement=prometheus path=/a _value=0.30000000000000004',
    '_field=req_seconds _measurement=prometheus path=/b _value=1',
  ]);
  assert.deepEqual(ts.map((t) => t.key.columns.map((c) => c.name)), [
    ['_field', '_measurement', 'path'],
    ['_field', '_measurement', 'path'],
  ]);
  assert.equal(ts[0]!.column(0).ints![0], SCRAPE_TIME_NS);
});

test('prometheus.histogramQuantile onNonmonotonic: error, force, drop', async () => {
  const base = `import "experimental/prometheus"\nprometheus.scrape(url: "${target.url}/nonmono") |> prometheus.histogramQuantile(quantile: 0.5`;
  await assert.rejects(run(`${base})`), (e: unknown) => isFluxError(e) && e.id === 'prometheus.histogramNonmonotonic');
  const forced = await run(`${base}, onNonmonotonic: "force")`);
  // forced counts 5, 5, 6: rank 3 in the first bucket (0, 1] -> 0.6
  assert.equal(forced[0]!.column(forced[0]!.columnIndex('_value')).get(0), 0.6);
  assert.equal((await run(`${base}, onNonmonotonic: "drop")`)).length, 0);
  await assert.rejects(run(`${base}, onNonmonotonic: "maybe")`), (e: unknown) => isFluxError(e) && e.id === 'prometheus.onNonmonotonic');
  await assert.rejects(run(`${base.replace('0.5', '1.5')})`), (e: unknown) => isFluxError(e) && e.id === 'prometheus.quantileRange');
});

test('prometheus.histogramQuantile metricVersion 1 (Telegraf shape: one field per upper bound)', async () => {
  const data = [
    '#datatype,string,long,dateTime:RFC3339,string,string,double',
    '#group,false,false,false,true,true,false',
    '#default,_result,,,,,',
    ',result,table,_time,_measurement,_field,_value',
    ',,0,2026-01-01T00:00:00Z,req_seconds,0.1,10',
    ',,1,2026-01-01T00:00:00Z,req_seconds,0.5,30',
    ',,2,2026-01-01T00:00:00Z,req_seconds,1,40',
    ',,3,2026-01-01T00:00:00Z,req_seconds,+Inf,40',
    ',,4,2026-01-01T00:00:00Z,req_seconds,sum,9',
    ',,5,2026-01-01T00:00:00Z,req_seconds,count,40',
    ',,0,2026-01-01T00:00:10Z,req_seconds,0.1,40',
    ',,1,2026-01-01T00:00:10Z,req_seconds,0.5,40',
    ',,2,2026-01-01T00:00:10Z,req_seconds,1,40',
    ',,3,2026-01-01T00:00:10Z,req_seconds,+Inf,40',
    '',
  ].join('\n');
  const ts = await run(`import "csv"\nimport "experimental/prometheus"\ncsv.from(csv: ${JSON.stringify(data)}) |> prometheus.histogramQuantile(quantile: 0.5, metricVersion: 1)`);
  assert.equal(ts.length, 1);
  assert.deepEqual(ts[0]!.key.columns.map((c) => c.name), ['_measurement']);
  assert.deepEqual([...ts[0]!.column(ts[0]!.columnIndex('_value')).floats!], [0.30000000000000004, 0.05]);
});

test('experimental/aggregate.rate: per-second rate of counters per window, summed', async () => {
  const data = [
    '#datatype,string,long,dateTime:RFC3339,string,string,double',
    '#group,false,false,false,true,true,false',
    '#default,_result,,,,,',
    ',result,table,_time,_field,host,_value',
    ',,0,2026-01-01T00:00:00Z,c,a,0',
    ',,0,2026-01-01T00:00:10Z,c,a,10',
    ',,0,2026-01-01T00:00:20Z,c,a,30',
    ',,0,2026-01-01T00:00:30Z,c,a,5',
    ',,0,2026-01-01T00:00:40Z,c,a,25',
    ',,1,2026-01-01T00:00:00Z,c,b,0',
    ',,1,2026-01-01T00:00:10Z,c,b,100',
    ',,1,2026-01-01T00:00:20Z,c,b,200',
    '',
  ].join('\n');
  const ts = await run(
    `import "csv"\nimport "experimental/aggregate"\ncsv.from(csv: ${JSON.stringify(data)}) |> range(start: 2026-01-01T00:00:00Z, stop: 2026-01-01T00:01:00Z) |> aggregate.rate(every: 30s, unit: 1s)`,
  );
  // a: 1/s and 2/s in [0s, 30s), the reset at 30s counts as no change, 2/s in [30s, 60s);
  // b: 10/s and 10/s in [0s, 30s). Sum of the per-series means per window: one table (the
  // key is range's _start/_stop), one row per window, its stop in _time (Flux's rate is an
  // aggregateWindow).
  assert.equal(ts.length, 1);
  assert.deepEqual([...ts[0]!.column(ts[0]!.columnIndex('_value')).floats!], [11.5, 2]);
  assert.ok(ts[0]!.columnIndex('_time') >= 0);
});

test('a task scraping a target again reads it through the runtime scrape memo, numbers and all', async () => {
  // The counter grows on every request; the rest of the body stays the same, except once.
  let n = 0;
  const bodyFor = (k: number) => `# TYPE hits counter\nhits_total{path="/a"} ${k * 7}\nhits_total{path="/b"} ${k === 0 ? 'NaN' : k * 1000}\n${k === 2 ? 'extra 1\n' : ''}up 1\n`;
  const t = await startHttpTarget({
    '/metrics': {
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(bodyFor(n++));
      },
    },
  });
  const logged: { reused?: unknown; samples?: unknown }[] = [];
  const log = (msg: string, fields?: Record<string, unknown>) => void (msg === 'scraped' && logged.push(fields ?? {}));
  const dir = mkdtempSync(join(tmpdir(), 'promflux-scrape-memo-'));
  const runtime = createRuntime({ dataDir: dir, clock, logger: { debug: log, info() {}, warn() {}, error() {} } });
  try {
    const seen: string[][] = [];
    for (let k = 0; k < 4; k++) {
      const r = await runtime.run(`import "experimental/prometheus"\nprometheus.scrape(url: "${t.url}/metrics")`, { name: 'task.flux' });
      seen.push(rowsOf(await collectTables(r.results[0]!.value as TableStream)).map((row) => row.replace(` url=${t.url}/metrics`, '')));
    }
    const expected = (k: number) => [
      ...(k === 2 ? ['_measurement=prometheus _field=extra _value=1'] : []),
      `_measurement=prometheus _field=hits_total _value=${k * 7} path=/a`,
      `_measurement=prometheus _field=hits_total _value=${k === 0 ? 'NaN' : k * 1000} path=/b`,
      '_measurement=prometheus _field=up _value=1',
    ];
    assert.deepEqual(seen, [expected(0), expected(1), expected(2), expected(3)]);
    // Read in full: the first body and the one with a new line; the others through the memo.
    assert.deepEqual(
      logged.map((f) => f.reused),
      [false, true, false, false],
    );
  } finally {
    await runtime.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
