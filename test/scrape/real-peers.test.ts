// Integration with real exporters: prometheus-node-exporter (every collector that can run
// here), VictoriaMetrics's own /metrics and InfluxDB 1.x's /metrics, each started on a free
// loopback port (test/support/servers.ts) and always stopped.
//
// For each peer the test fetches the body once (plain and gzip-compressed, asking for
// OpenMetrics first as promflux does) and compares the tables made from those same bytes with
// an independent, deliberately simple reading of its lines (`expectedRows` below): every
// sample is a row with its value, labels and field name (src/scrape/README.md, "Output
// shape"), and there is nothing else. The peers installed here answer text 0.0.4 even when
// asked for OpenMetrics (the Content-Type each answers is asserted), so the OpenMetrics
// parser is checked on each body rewritten the way client_golang writes OpenMetrics
// (`toOpenMetrics`: counter families without `_total`, `# UNIT`, `_created` samples,
// exemplars, info families), against the same independent reading. Then one live
// prometheus.scrape() of each peer runs through the runtime.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createRuntime, type Runtime } from '../../src/index.js';
import { collectTables, type Table, type TableStream } from '../../src/table/index.js';
import { batchToTables, parseExposition } from '../../src/scrape/index.js';
import { formatOf } from '../../src/scrape/scrape.js';
import { ACCEPT_HEADER } from '../../src/scrape/options.js';
import { requireExternal } from '../support/env.js';
import { binaryPresent, freePort, startProcess, waitUntil, type Proc } from '../support/servers.js';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN, type VictoriaMetrics } from '../support/victoria-metrics.js';
import { startInfluxDB1, INFLUXD_BIN, type InfluxDB1 } from '../support/influxdb1.js';
import { startHttpTarget, OPENMETRICS_CONTENT_TYPE, type HttpTarget } from '../support/http-target.js';
import { systemClock } from '../../src/host/clock.js';
import { SCRAPE_TIME_NS } from './helpers.js';

const NODE_EXPORTER_BIN = binaryPresent('/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter');
const skipNode = requireExternal('prometheus-node-exporter (scripts/setup-test-deps.sh installs it)', NODE_EXPORTER_BIN !== undefined);
const skipVm = requireExternal('victoria-metrics (scripts/setup-test-deps.sh installs it)', VICTORIA_METRICS_BIN !== undefined);
const skipInflux = requireExternal('influxdb 1.x (scripts/setup-test-deps.sh installs it)', INFLUXD_BIN !== undefined);

/**
 * Collectors of node-exporter 1.5 that are off by default; each is enabled (those that cannot
 * work here, without systemd, NTP, runit or supervisord, report node_scrape_collector_success
 * 0, which is data too).
 */
const EXTRA_COLLECTORS = [
  'buddyinfo', 'cgroups', 'cpu.info', 'drbd', 'drm', 'ethtool', 'interrupts', 'ksmd', 'lnstat', 'logind',
  'meminfo_numa', 'mountstats', 'network_route', 'ntp', 'perf', 'processes', 'qdisc', 'runit', 'slabinfo',
  'supervisord', 'sysctl', 'systemd', 'tcpstat', 'wifi', 'zoneinfo',
];

/**
 * A file for node-exporter's textfile collector, re-exposed by its own encoder: label values
 * with quotes, backslashes, newlines and UTF-8, labels named like promflux's columns, extreme
 * values, a histogram with `le="1e3"` (written back as "1000") and a summary.
 */
const TEXTFILE = String.raw`# HELP promflux_odd_labels Label values a text file can hold.
# TYPE promflux_odd_labels gauge
promflux_odd_labels{path="C:\\Program Files\\x",quote="say \"hi\"",nl="a\nb",utf8="größe ✓ 日本",empty=""} 1
promflux_odd_labels{path="/var/lib/docker/overlay2",quote="",nl="",utf8="x",empty="y"} -0.5
# TYPE promflux_odd_values gauge
promflux_odd_values{v="nan"} NaN
promflux_odd_values{v="inf"} +Inf
promflux_odd_values{v="-inf"} -Inf
promflux_odd_values{v="tiny"} 5e-324
promflux_odd_values{v="huge"} 1.7976931348623157e+308
promflux_odd_values{v="big"} 9007199254740993
# TYPE promflux_req_seconds histogram
promflux_req_seconds_bucket{route="/a",le="0.005"} 1
promflux_req_seconds_bucket{route="/a",le="0.1"} 3
promflux_req_seconds_bucket{route="/a",le="1e3"} 7
promflux_req_seconds_bucket{route="/a",le="+Inf"} 9
promflux_req_seconds_sum{route="/a"} 12.5
promflux_req_seconds_count{route="/a"} 9
# TYPE promflux_rpc_seconds summary
promflux_rpc_seconds{quantile="0.5"} 0.2
promflux_rpc_seconds{quantile="1"} NaN
promflux_rpc_seconds_sum 10
promflux_rpc_seconds_count 20
# TYPE promflux_jobs_total counter
promflux_jobs_total{url="http://elsewhere/",_value="v",_field="f",job="a"} 3
`;

let nodeExporter: Proc | undefined;
let nodeUrl = '';
let vm: VictoriaMetrics | undefined;
let influx: InfluxDB1 | undefined;
let rt: Runtime | undefined;
let dataDir = '';

interface Fetched {
  status: number;
  contentType: string;
  contentEncoding: string;
  /** The decoded body. */
  body: Buffer;
}

function get(url: string, headers: Record<string, string>): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const contentEncoding = String(res.headers['content-encoding'] ?? '');
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          contentEncoding,
          body: contentEncoding === 'gzip' ? gunzipSync(raw) : raw,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'promflux-real-peers-'));
  // Untimestamped samples get the scrape start time: fixed, so live rows compare with expected ones.
  rt = createRuntime({ dataDir, clock: { ...systemClock, nowNanos: () => SCRAPE_TIME_NS } });
  if (!skipNode) {
    const port = await freePort();
    nodeUrl = `http://127.0.0.1:${port}/metrics`;
    const textfiles = join(dataDir, 'textfile');
    mkdirSync(textfiles);
    writeFileSync(join(textfiles, 'odd.prom'), TEXTFILE);
    nodeExporter = startProcess(NODE_EXPORTER_BIN!, [
      `--web.listen-address=127.0.0.1:${port}`,
      `--collector.textfile.directory=${textfiles}`,
      ...EXTRA_COLLECTORS.map((c) => `--collector.${c}`),
    ]);
    await waitUntil(async () => (await get(nodeUrl, {})).status === 200, 15_000, () => nodeExporter!.output());
  }
  if (!skipVm) {
    vm = await startVictoriaMetrics();
    // Writes and queries fill VictoriaMetrics's own histograms (vmrange buckets) and summaries.
    for (let i = 0; i < 3; i++) {
      await fetch(`${vm.url}/write`, { method: 'POST', body: `m,t=a f=${i}` }).then((r) => r.arrayBuffer());
      await fetch(`${vm.url}/api/v1/query?query=sum(m_f)`).then((r) => r.arrayBuffer());
    }
    await vm.waitForSeries('m_f');
  }
  if (!skipInflux) influx = await startInfluxDB1();
});

after(async () => {
  await rt?.close();
  await nodeExporter?.stop();
  await vm?.stop();
  await influx?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------
// An independent reading of exposition lines, for well-formed bodies such as these peers
// write: `name{label="value",...} value [timestamp]`, `# TYPE name type`; other `#` lines
// are skipped; in OpenMetrics an exemplar (` # {...} v [t]`) is ignored and `# EOF` ends.

interface Line {
  name: string;
  labels: [string, string][];
  value: number;
  /** Nanoseconds, or null without a timestamp. */
  timeNs: bigint | null;
}

function readLines(text: string, openMetrics: boolean): { types: Map<string, string>; lines: Line[] } {
  const types = new Map<string, string>();
  const lines: Line[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (m) types.set(m[1]!, m[2]!);
      if (openMetrics && line === '# EOF') break;
      continue;
    }
    let i = 0;
    while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i++;
    const name = line.slice(0, i);
    assert.match(name, /^[a-zA-Z_:]/, `no metric name in ${line}`);
    const labels: [string, string][] = [];
    if (line[i] === '{') {
      i++;
      for (;;) {
        while (line[i] === ' ') i++;
        if (line[i] === '}') break;
        const ns = i;
        while (/[a-zA-Z0-9_]/.test(line[i]!)) i++;
        const label = line.slice(ns, i);
        assert.ok(label !== '' && line[i] === '=' && line[i + 1] === '"', `unexpected label syntax in ${line}`);
        i += 2;
        let value = '';
        while (line[i] !== '"') {
          assert.ok(i < line.length, `unterminated label value in ${line}`);
          if (line[i] === '\\') {
            const c = line[i + 1]!;
            value += c === 'n' ? '\n' : c === '\\' || c === '"' ? c : '\\' + c;
            i += 2;
          } else value += line[i++];
        }
        i++;
        labels.push([label, value]);
        while (line[i] === ' ') i++;
        if (line[i] === ',') i++;
      }
      i++;
    }
    const rest = line.slice(i).trim().split(' # ')[0]!.split(' ');
    assert.ok(rest.length === 1 || rest.length === 2, `unexpected sample line ${line}`);
    const v = rest[0]!;
    const value = /^\+?inf$/i.test(v) ? Infinity : /^-inf$/i.test(v) ? -Infinity : /^nan$/i.test(v) ? NaN : Number(v);
    assert.ok(!Number.isNaN(value) || /^nan$/i.test(v), `unexpected value in ${line}`);
    let timeNs: bigint | null = null;
    if (rest.length === 2) {
      if (openMetrics) {
        const [s, f = ''] = rest[1]!.split('.');
        timeNs = BigInt(s!) * 1_000_000_000n + BigInt((f + '000000000').slice(0, 9));
      } else timeNs = BigInt(rest[1]!) * 1_000_000n;
    }
    lines.push({ name, labels, value, timeNs });
  }
  return { types, lines };
}

/** How Prometheus 3 stores an `le` or `quantile`: Go's shortest 'g' format, ".0" for whole numbers. */
function floatLabel(s: string): string {
  const v = /^\+?inf$/i.test(s) ? Infinity : /^-inf$/i.test(s) ? -Infinity : Number(s);
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return s;
  if (v === 0) return '0.0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential().split('e') as [string, string];
    return `${m}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** A series key: `field{name="value",...}`, labels sorted by name, values as JSON strings. */
function keyOf(field: string, labels: [string, string][]): string {
  const sorted = [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${field}{${sorted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

const FIXED_COLUMNS = new Set(['_time', '_measurement', '_field', '_value', 'url', '_start', '_stop']);

/**
 * The rows the README promises for a body, keyed `field{labels}` (labels sorted by name), each
 * series' (value, time) pairs in order, a repeated timestamp dropped.
 */
function expectedRows(text: string, openMetrics: boolean): Map<string, string[]> {
  const { types, lines } = readLines(text, openMetrics);
  const out = new Map<string, string[]>();
  for (const l of lines) {
    const base = l.name.endsWith('_bucket') ? l.name.slice(0, -7) : '';
    const bucketType = base ? types.get(base) : undefined;
    // A classic bucket has an `le` (VictoriaMetrics's `vmrange` buckets keep their name).
    const isBucket = (bucketType === 'histogram' || (openMetrics && bucketType === 'gaugehistogram')) && l.labels.some(([k]) => k === 'le');
    const field = isBucket ? base : l.name;
    const labels = l.labels
      .filter(([, v]) => v !== '')
      .map(([k, v]): [string, string] => {
        if ((isBucket && bucketType === 'histogram' && k === 'le') || (types.get(l.name) === 'summary' && k === 'quantile')) v = floatLabel(v);
        return [FIXED_COLUMNS.has(k) ? `exported_${k}` : k, v];
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = keyOf(field, labels);
    const time = l.timeNs ?? SCRAPE_TIME_NS;
    const rows = out.get(key) ?? [];
    if (!rows.some((r) => r.endsWith(`@${time}`))) rows.push(`${Object.is(l.value, -0) ? '-0' : l.value}@${time}`);
    out.set(key, rows);
  }
  return out;
}

/** The rows of tables, keyed as expectedRows keys them; checks the fixed columns on the way. */
function actualRows(tables: Iterable<Table>, url: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of tables) {
    assert.deepEqual(t.columns.slice(0, 5).map((c) => `${c.name}:${c.type}`), ['_time:time', '_measurement:string', '_field:string', '_value:float', 'url:string']);
    const labels = t.columns.slice(5).map((c, i) => `${c.name}=${JSON.stringify(t.column(5 + i).get(0))}`);
    const key = `${t.column(2).get(0)}{${labels.join(',')}}`;
    assert.ok(!out.has(key), `two tables for ${key}`);
    const rows: string[] = [];
    for (let r = 0; r < t.length; r++) {
      assert.equal(t.column(1).get(r), 'prometheus');
      assert.equal(t.column(4).get(r), url);
      const v = t.column(3).floats![r]!;
      rows.push(`${Object.is(v, -0) ? '-0' : v}@${t.column(0).ints![r]}`);
    }
    out.set(key, rows);
  }
  return out;
}

function compare(want: Map<string, string[]>, got: Map<string, string[]>, what: string): void {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] }, `${what}: series differ`);
  for (const [k, rows] of want) assert.deepEqual(got.get(k), rows, `${what}: ${k}`);
}

/** Parse `body` as `format` into tables (the scrape's own code path) and compare with the independent reading. */
function checkBody(body: Buffer, format: 'prometheus-text' | 'openmetrics', what: string): Map<string, string[]> {
  const url = 'http://peer.test/metrics';
  const batch = parseExposition(body, format, url);
  const tables = batchToTables(batch, url, SCRAPE_TIME_NS);
  const want = expectedRows(body.toString('utf8'), format === 'openmetrics');
  const got = actualRows(tables.tables(), url);
  compare(want, got, what);
  const sampleLines = readLines(body.toString('utf8'), format === 'openmetrics').lines.length;
  assert.equal(batch.length, sampleLines, `${what}: samples read`);
  assert.equal(tables.count, want.size);
  assert.equal(tables.rows, [...want.values()].reduce((n, r) => n + r.length, 0));
  return want;
}

// ---------------------------------------------------------------------------------------
// Text 0.0.4 -> OpenMetrics 1.0 as client_golang's OpenMetrics encoder (prometheus/common
// expfmt MetricFamilyToOpenMetrics) writes the same families: `# HELP` then `# TYPE`, a
// counter named `x_total` declared as `x` (one without `_total` becomes `unknown`, its samples
// unchanged), untyped as `unknown`, numbers (values, `le`, `quantile`, timestamps in seconds)
// in Go's OpenMetrics float format ("1.0", "6.058576e+06"), label sets without spaces; with
// its options for units and created lines, `# UNIT` when the name ends with one and
// `_created` after a counter's `_total` and after a histogram's or summary's `_count`. Here
// also exemplars on counter samples and `+Inf` buckets, and `*_info` gauges whose samples are
// all 1 declared as OpenMetrics info families (as client_python writes info metrics).

const CREATED = '1700000000.123456789';

/** Go's strconv.FormatFloat(f, 'g', -1, 64) with ".0" when it has neither "." nor "e". */
function omFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0.0';
  const [m, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  const s = exp < -4 || exp >= 6 ? `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}` : String(v);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

function omLabels(labels: [string, string][]): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function toOpenMetrics(text: string): string {
  const { types, lines } = readLines(text, false);
  const helps = new Map<string, string>();
  for (const line of text.split('\n')) {
    const h = /^# HELP (\S+) (.*)$/.exec(line);
    if (h) helps.set(h[1]!, h[2]!);
  }
  const familyOf = (name: string): string => {
    for (const s of ['_bucket', '_sum', '_count']) {
      const b = name.endsWith(s) ? name.slice(0, -s.length) : '';
      if (b && (types.get(b) === 'histogram' || types.get(b) === 'summary')) return b;
    }
    return name;
  };
  const fams = new Map<string, Line[]>();
  for (const l of lines) {
    const f = familyOf(l.name);
    fams.set(f, [...(fams.get(f) ?? []), l]);
  }
  const out: string[] = [];
  for (const [family, samples] of fams) {
    const textType = types.get(family) ?? 'untyped';
    let type = textType === 'untyped' || (textType === 'counter' && !family.endsWith('_total')) ? 'unknown' : textType;
    let meta = type === 'counter' ? family.slice(0, -6) : family;
    if (type === 'gauge' && family.endsWith('_info') && samples.every((v) => v.value === 1 && v.timeNs === null)) {
      type = 'info';
      meta = family.slice(0, -5);
    }
    const help = helps.get(family);
    if (help !== undefined) out.push(`# HELP ${meta} ${help.replace(/"/g, '\\"')}`);
    out.push(`# TYPE ${meta} ${type}`);
    const unit = /_(seconds|bytes)$/.exec(meta);
    if (unit && type !== 'info' && type !== 'unknown') out.push(`# UNIT ${meta} ${unit[1]}`);
    samples.forEach((v, k) => {
      const labels = v.labels.map(([n, x]): [string, string] => [n, (n === 'le' && type === 'histogram') || (n === 'quantile' && type === 'summary') ? omFloat(Number(x.replace(/^\+Inf$/, 'Infinity'))) : x]);
      const ts = v.timeNs === null ? '' : ` ${omFloat(Number(v.timeNs / 1_000_000n) / 1000)}`;
      let line = `${v.name}${omLabels(labels)} ${omFloat(v.value)}${ts}`;
      if (type === 'counter') line += ` # {trace_id="t${k}"} 1.0 1700000001.5`;
      else if (type === 'histogram' && v.name === `${family}_bucket` && v.value > 0 && labels.some(([n, x]) => n === 'le' && x === '+Inf')) line += ` # {trace_id="b${k}"} 0.5`;
      out.push(line);
      const plain = omLabels(v.labels.filter(([n]) => n !== 'le' && n !== 'quantile'));
      if (type === 'counter') out.push(`${meta}_created${plain} ${CREATED}`);
      if ((type === 'histogram' || type === 'summary') && v.name === `${family}_count`) out.push(`${family}_created${plain} ${CREATED}`);
    });
  }
  out.push('# EOF', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------

interface PeerCase {
  name: string;
  skip: string | undefined;
  url: () => string;
  /** The Content-Type the peer answers to promflux's Accept header (the versions installed here). */
  contentType: RegExp;
  /** A sample that is always in the body, to recognise the live scrape: field and value. */
  marker: { field: string; value?: number };
}

const PEERS: PeerCase[] = [
  {
    name: 'node-exporter',
    skip: skipNode,
    url: () => nodeUrl,
    contentType: /^text\/plain; version=0\.0\.4/,
    marker: { field: 'node_exporter_build_info', value: 1 },
  },
  {
    name: 'victoria-metrics',
    skip: skipVm,
    url: () => `${vm!.url}/metrics`,
    contentType: /^text\/plain/,
    marker: { field: 'vm_app_version', value: 1 },
  },
  {
    name: 'influxdb 1.x',
    skip: skipInflux,
    url: () => `${influx!.url}/metrics`,
    contentType: /^text\/plain; version=0\.0\.4/,
    marker: { field: 'go_goroutines' },
  },
];

for (const peer of PEERS) {
  test(`${peer.name}: every sample of its body is a row with its value, labels and field, nothing else (plain and gzip)`, { skip: peer.skip }, async () => {
    for (const gzip of [false, true]) {
      const r = await get(peer.url(), { accept: ACCEPT_HEADER, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) });
      assert.equal(r.status, 200);
      assert.equal(r.contentEncoding, gzip ? 'gzip' : '', `${peer.name} Content-Encoding`);
      assert.match(r.contentType, peer.contentType);
      const f = formatOf(r.contentType);
      assert.ok('format' in f && !f.fallback);
      const want = checkBody(r.body, f.format, `${peer.name}${gzip ? ' (gzip)' : ''}`);
      if (peer.name === 'node-exporter') assert.deepEqual(want.get('node_textfile_scrape_error{}'), [`0@${SCRAPE_TIME_NS}`], 'node-exporter read the text file');
      assert.ok(want.size > 30, `${peer.name}: only ${want.size} series`);
      if (peer.name === 'victoria-metrics') {
        // VictoriaMetrics-style histograms: `_bucket` samples with a `vmrange` label and no
        // TYPE line, so (as in Prometheus) they keep their name; `_sum`/`_count` beside them.
        const vmrange = [...want.keys()].filter((k) => /^vm_\w+_bucket\{.*vmrange="[^"]+\.\.\.[^"]+"/.test(k));
        assert.ok(vmrange.length > 0, 'no vmrange buckets');
        for (const k of vmrange) assert.ok([...want.keys()].some((c) => c.startsWith(k.slice(0, k.indexOf('_bucket{')) + '_count{')), `${k} without _count`);
      }
      if (peer.name === 'node-exporter') {
        // The text file's samples as the README describes them (and the independent reading agrees).
        const t = SCRAPE_TIME_NS;
        const at = (field: string, labels: Record<string, string>) => want.get(keyOf(field, Object.entries(labels)));
        assert.deepEqual(at('promflux_odd_labels', { nl: 'a\nb', path: 'C:\\Program Files\\x', quote: 'say "hi"', utf8: 'größe ✓ 日本' }), [`1@${t}`]);
        assert.deepEqual(at('promflux_req_seconds', { le: '1000.0', route: '/a' }), [`7@${t}`]);
        assert.deepEqual(at('promflux_rpc_seconds', { quantile: '1.0' }), [`NaN@${t}`]);
        assert.deepEqual(at('promflux_jobs_total', { exported__field: 'f', exported__value: 'v', exported_url: 'http://elsewhere/', job: 'a' }), [`3@${t}`]);
        assert.deepEqual(at('promflux_odd_values', { v: 'big' }), [`9007199254740992@${t}`]);
      }
    }
  });

  test(`${peer.name}: the same body in OpenMetrics (client_golang's rewrite) gives the rows the README says`, { skip: peer.skip }, async () => {
    const r = await get(peer.url(), { accept: ACCEPT_HEADER });
    const text = r.body.toString('utf8');
    const om = toOpenMetrics(text);
    const want = checkBody(Buffer.from(om, 'utf8'), 'openmetrics', `${peer.name} as OpenMetrics`);
    // Against the text tables of the same bytes: the same rows, plus the `_created` samples.
    const fromText = expectedRows(text, false);
    for (const [key, rows] of fromText) assert.deepEqual(want.get(key), rows, `${peer.name}: ${key} in both formats`);
    assert.deepEqual([...want.keys()].filter((k) => !fromText.has(k) && !/^[^{]*_created\{/.test(k)), []);
    const typed = [...readLines(text, false).types.values()].some((t) => t === 'counter' || t === 'summary' || t === 'histogram');
    assert.equal([...want.keys()].some((k) => /_created\{/.test(k)), typed);
    // The same OpenMetrics bytes served gzip-compressed with the OpenMetrics Content-Type and
    // scraped through the runtime: the same rows.
    const served: HttpTarget = await startHttpTarget({ '/metrics': { body: om, contentType: OPENMETRICS_CONTENT_TYPE, gzip: true } });
    try {
      const url = `${served.url}/metrics`;
      const res = await rt!.run(`import "experimental/prometheus"\nprometheus.scrape(url: "${url}")`, { name: 'om.flux' });
      compare(want, actualRows(await collectTables(res.results[0]!.value as TableStream), url), `${peer.name} as OpenMetrics, scraped`);
      assert.equal(served.requests.length, 1);
      assert.match(String(served.requests[0]!.headers['accept-encoding']), /gzip/);
    } finally {
      await served.close();
    }
  });

  test(`${peer.name}: a live prometheus.scrape() through the runtime`, { skip: peer.skip }, async () => {
    const before = expectedRows((await get(peer.url(), { accept: ACCEPT_HEADER })).body.toString('utf8'), false);
    const res = await rt!.run(`import "experimental/prometheus"\nprometheus.scrape(url: "${peer.url()}")`, { name: 'live.flux' });
    const tables = await collectTables(res.results[0]!.value as TableStream);
    const got = new Map<string, number[]>();
    for (const t of tables) {
      const field = String(t.column(t.columnIndex('_field')).get(0));
      got.set(field, [...(got.get(field) ?? []), ...t.column(t.columnIndex('_value')).floats!]);
      assert.equal(t.column(t.columnIndex('url')).get(0), peer.url());
    }
    // The fields of a body fetched just before: these programs never unregister a metric, but
    // a few series come and go with the host (ARP entries, sensors), so allow a small margin.
    const fields = new Set([...before.keys()].map((k) => k.slice(0, k.indexOf('{'))));
    const missing = [...fields].filter((f) => !got.has(f));
    assert.ok(missing.length <= fields.size / 50, `fields missing from the live scrape: ${missing.join(', ')}`);
    assert.ok(got.size >= fields.size * 0.98);
    const marker = got.get(peer.marker.field);
    assert.ok(marker, `${peer.marker.field} missing`);
    if (peer.marker.value !== undefined) assert.deepEqual(marker, [peer.marker.value]);
  });
}
