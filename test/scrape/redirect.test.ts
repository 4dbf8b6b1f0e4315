// Integration: HTTP redirects, against real servers on 127.0.0.1. Prometheus follows
// redirects by default (scrape_config follow_redirects: true; Go's client stops after 10),
// and so does promflux, unless followRedirects is false.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createHttpClient } from '../../src/host/http.js';
import { systemClock, type Clock } from '../../src/host/clock.js';
import { scrape, type ScrapeOptions } from '../../src/scrape/index.js';
import type { FluxError } from '../../src/errors/index.js';
import { startHttpTarget, type HttpTarget } from '../support/http-target.js';
import { SCRAPE_TIME_NS, scrapeFailure } from './helpers.js';

const clock: Clock = { ...systemClock, nowNanos: () => SCRAPE_TIME_NS };
const http = createHttpClient({ clock });
const env = { http, clock };
const TEXT = '# TYPE up gauge\nup{job="node"} 1\n';

let a: HttpTarget;
/** Another origin (another port): it answers with the Authorization header it received. */
let b: HttpTarget;

const redirect = (status: number, location: string | undefined) => ({
  handler: (_req: unknown, res: ServerResponse) => {
    res.writeHead(status, location === undefined ? {} : { location });
    res.end('moved\n');
  },
});

before(async () => {
  b = await startHttpTarget({
    '/auth-seen': {
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(`auth_seen{authorization="${req.headers.authorization ?? 'none'}"} 1\n`);
      },
    },
    '/gone': { status: 410, body: 'this target is gone' },
  });
  a = await startHttpTarget({
    '/metrics': { body: TEXT },
    '/moved': redirect(301, '/metrics'),
    '/found': redirect(302, 'found2'),
    '/found2': redirect(303, '/temporary'),
    '/temporary': redirect(307, '/permanent'),
    '/permanent': redirect(308, '/metrics'),
    '/loop': redirect(302, '/loop'),
    '/no-location': redirect(302, undefined),
    '/to-ftp': redirect(301, 'ftp://127.0.0.1/metrics'),
    '/protected': { body: TEXT, auth: { bearer: 'tok-same-origin' } },
    '/to-protected': redirect(302, '/protected'),
    '/to-other': { handler: (_req, res) => redirect(302, `${b.url}/auth-seen`).handler(_req, res) },
    '/to-gone': { handler: (_req, res) => redirect(301, `${b.url}/gone`).handler(_req, res) },
  });
});

after(async () => {
  await http.close();
  await a.close();
  await b.close();
});

const failure = (url: string, options: ScrapeOptions = {}): Promise<FluxError> => scrapeFailure(url, options, env);

async function fields(url: string, options: ScrapeOptions = {}): Promise<{ url: string; rows: string[] }> {
  const r = await scrape(url, options, env);
  const rows: string[] = [];
  for (const t of r.tables.tables()) {
    const labels = t.columns.slice(5).map((c, i) => `${c.name}=${t.column(5 + i).get(0)}`);
    rows.push(`${t.column(2).get(0)}{${labels.join(',')}} url=${t.column(4).get(0)}`);
  }
  return { url: r.url, rows };
}

test('a redirect is followed; the url column keeps the URL that was asked for', async () => {
  const r = await fields(`${a.url}/moved`);
  assert.deepEqual(r.rows, [`up{job=node} url=${a.url}/moved`]);
  assert.equal(r.url, `${a.url}/moved`);
  assert.deepEqual(
    a.requests.slice(-2).map((q) => q.path),
    ['/moved', '/metrics'],
  );
});

test('301, 302, 303, 307 and 308, relative Locations, in a chain', async () => {
  const n = a.requests.length;
  assert.deepEqual((await fields(`${a.url}/found`)).rows, [`up{job=node} url=${a.url}/found`]);
  assert.deepEqual(
    a.requests.slice(n).map((q) => q.path),
    ['/found', '/found2', '/temporary', '/permanent', '/metrics'],
  );
});

test('a redirect loop stops after 10 redirects: scrape.redirect', async () => {
  const n = a.requests.length;
  const e = await failure(`${a.url}/loop`);
  assert.equal(e.id, 'scrape.redirect');
  assert.match(e.message, /stopped after 10 redirects/);
  assert.ok(e.message.includes(`${a.url}/loop`), e.message);
  assert.equal(a.requests.length - n, 11);
});

test('a redirect without a Location, or to another scheme: scrape.redirect', async () => {
  const none = await failure(`${a.url}/no-location`);
  assert.equal(none.id, 'scrape.redirect');
  assert.match(none.message, /302 without a Location/);
  const ftp = await failure(`${a.url}/to-ftp`);
  assert.equal(ftp.id, 'scrape.redirect');
  assert.match(ftp.message, /ftp URL; only http and https are followed/);
});

test('followRedirects: false answers a redirect with scrape.status naming where it led', async () => {
  const e = await failure(`${a.url}/moved`, { followRedirects: false });
  assert.equal(e.id, 'scrape.status');
  assert.match(e.message, /HTTP 301 redirecting to "http:\/\/127\.0\.0\.1:\d+\/metrics" \(followRedirects is false\)/);
});

test('credentials follow a redirect on the same origin, not to another one', async () => {
  assert.deepEqual((await fields(`${a.url}/to-protected`, { bearerToken: 'tok-same-origin' })).rows, [`up{job=node} url=${a.url}/to-protected`]);
  const other = await fields(`${a.url}/to-other`, { bearerToken: 'tok-same-origin' });
  assert.deepEqual(other.rows, [`auth_seen{authorization=none} url=${a.url}/to-other`]);
  const basic = await fields(`${a.url}/to-other`, { username: 'alice', password: 'pa55word' });
  assert.deepEqual(basic.rows, [`auth_seen{authorization=none} url=${a.url}/to-other`]);
});

test('a redirect to an error status says where the redirect led', async () => {
  const e = await failure(`${a.url}/to-gone`);
  assert.equal(e.id, 'scrape.status');
  assert.match(e.message, /HTTP 410 \(after a redirect to http:\/\/127\.0\.0\.1:\d+\/gone\): "this target is gone"/);
  assert.ok(e.message.startsWith(`scrape ${a.url}/to-gone:`), e.message);
});
