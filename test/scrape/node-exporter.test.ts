// Integration with a real target: Debian's prometheus-node-exporter on a free loopback
// port. A recording relay (test/support/http-target.ts) passes the scrape through and keeps
// the exact bytes, so every sample of that body can be looked up in the tables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHttpClient } from '../../src/host/http.js';
import { systemClock } from '../../src/host/clock.js';
import { scrape, ScrapeMemo, type ScrapeResult } from '../../src/scrape/index.js';
import { requireExternal } from '../support/env.js';
import { binaryPresent, freePort, startProcess, waitUntil, type Proc } from '../support/servers.js';
import { startHttpTarget, type HttpTarget } from '../support/http-target.js';

const bin = binaryPresent('/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter');
const skip = requireExternal('prometheus-node-exporter (scripts/setup-test-deps.sh installs it)', bin !== undefined);

let exporter: Proc | undefined;
let relay: HttpTarget | undefined;
let exporterUrl = '';
const seen: { body: Buffer; contentType: string }[] = [];

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  if (skip) return;
  const port = await freePort();
  exporterUrl = `http://127.0.0.1:${port}/metrics`;
  exporter = startProcess(bin!, [`--web.listen-address=127.0.0.1:${port}`]);
  await waitUntil(async () => (await get(exporterUrl, {}).catch(() => ({ status: 0 }))).status === 200, 15_000, () => exporter!.output());
  relay = await startHttpTarget({
    '/metrics': {
      handler: (req, res) => {
        const headers: Record<string, string> = {};
        for (const h of ['accept', 'user-agent', 'x-prometheus-scrape-timeout-seconds']) if (req.headers[h]) headers[h] = String(req.headers[h]);
        get(exporterUrl, headers).then(
          (r) => {
            seen.push({ body: r.body, contentType: r.contentType });
            res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': r.body.length });
            res.end(r.body);
          },
          (e) => {
            res.writeHead(502);
            res.end(String(e));
          },
        );
      },
    },
  });
});

after(async () => {
  await relay?.close();
  await exporter?.stop();
});

/** An independent, simple reading of exposition lines: `name{labels} value [ts]`. */
function samplesOf(text: string): { name: string; labels: Map<string, string>; value: number }[] {
  const out: { name: string; labels: Map<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/.exec(line);
    assert.ok(m, `unexpected line ${line}`);
    const labels = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels.set(l[1]!, l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)));
    }
    const v = m[3]!;
    out.push({ name: m[1]!, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v === 'NaN' ? NaN : Number(v) });
  }
  return out;
}

/** Go's shortest 'g' format with ".0" for whole numbers (how Prometheus 3 writes le/quantile). */
function floatLabel(s: string): string {
  const v = s === '+Inf' ? Infinity : Number(s);
  if (v === Infinity) return '+Inf';
  if (Number.isNaN(v)) return s;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Every sample of the exposition `text` is a row of `r` with the same value, and no other row. */
function checkTables(r: ScrapeResult, text: string): void {
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) (?:histogram|gaugehistogram)$/gm)].map((m) => m[1]!));
  const classic = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]!));
  const summaries = new Set([...text.matchAll(/^# TYPE (\S+) summary$/gm)].map((m) => m[1]!));
  const expected = samplesOf(text);
  assert.ok(expected.length > 200, `only ${expected.length} samples`);
  // Index the tables by field + labels.
  const got = new Map<string, number[]>();
  let rows = 0;
  for (const t of r.tables.tables()) {
    const labels = t.columns.slice(5).map((c, i) => `${c.name}=${JSON.stringify(t.column(5 + i).get(0))}`).join(',');
    const k = `${t.column(2).get(0)}{${labels}}`;
    got.set(k, [...t.column(3).floats!]);
    rows += t.length;
    assert.equal(t.column(1).get(0), 'prometheus');
    assert.equal(t.column(4).get(0), `${relay!.url}/metrics`);
  }
  for (const s of expected) {
    const base = s.name.endsWith('_bucket') ? s.name.slice(0, -7) : '';
    const field = base && histograms.has(base) ? base : s.name;
    // Prometheus 3 stores histogram `le` and summary `quantile` as floats ("1" -> "1.0").
    if (base && classic.has(base) && s.labels.has('le')) s.labels.set('le', floatLabel(s.labels.get('le')!));
    if (summaries.has(s.name) && s.labels.has('quantile')) s.labels.set('quantile', floatLabel(s.labels.get('quantile')!));
    const labels = [...s.labels].filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
    const vals = got.get(`${field}{${labels}}`);
    assert.ok(vals, `missing ${field}{${labels}}`);
    assert.ok(vals.some((v) => Object.is(v, s.value) || v === s.value), `${field}{${labels}}: ${vals} != ${s.value}`);
  }
  assert.equal(rows, expected.length);
  assert.equal(r.samples, expected.length);
}

/** The exposition with every sample's value and timestamp blanked out (what the scrape memo compares). */
function skeleton(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' || l.startsWith('#') ? l : l.replace(/ \S+( \S+)?$/, (_m, ts: string | undefined) => ` V${ts === undefined ? '' : ' T'}`)))
    .join('\n');
}

test('node-exporter: every sample of its output is a row with the same value', { skip }, async () => {
  const http = createHttpClient();
  try {
    const r = await scrape(`${relay!.url}/metrics`, {}, { http, clock: systemClock });
    assert.equal(seen.length, 1);
    // node-exporter 1.5 negotiates OpenMetrics when asked (promhttp EnableOpenMetrics) or text 0.0.4.
    assert.match(seen[0]!.contentType, /^(application\/openmetrics-text|text\/plain)/);
    console.log(`node-exporter answered ${seen[0]!.contentType} (${r.format})`);
    checkTables(r, seen[0]!.body.toString('utf8'));
  } finally {
    await http.close();
  }
});

test('node-exporter scraped again and again: the scrape memo reads the same samples', { skip }, async () => {
  const http = createHttpClient();
  const memo = new ScrapeMemo();
  try {
    seen.length = 0;
    let reused = 0;
    let memoBody: string | undefined; // the last body read in full: what the memo compares with
    for (let i = 0; i < 4; i++) {
      const r = await scrape(`${relay!.url}/metrics`, {}, { http, clock: systemClock, memo });
      const text = seen[i]!.body.toString('utf8');
      checkTables(r, text);
      // Read through the memo exactly when only numbers changed. (`skeleton` reads text 0.0.4
      // lines, which Debian's node-exporter answers; the first test checks the format.)
      assert.equal(r.format, 'prometheus-text');
      const expected = memoBody !== undefined && skeleton(memoBody) === skeleton(text);
      assert.equal(r.reused, expected, `scrape ${i}`);
      if (r.reused) reused++;
      else memoBody = text;
    }
    console.log(`node-exporter: ${reused} of 3 repeated scrapes read through the memo`);
  } finally {
    await http.close();
  }
});
