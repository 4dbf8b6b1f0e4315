// Integration: real HTTP(S) servers on 127.0.0.1 (test/support/http-target.ts) scraped
// through the real undici client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { brotliCompressSync } from 'node:zlib';
import { createHttpClient } from '../../src/host/http.js';
import { systemClock, type Clock } from '../../src/host/clock.js';
import { scrape, USER_AGENT, ACCEPT_HEADER, type ScrapeOptions } from '../../src/scrape/index.js';
import { isFluxError, type FluxError } from '../../src/errors/index.js';
import { PROMFLUX_VERSION } from '../../src/version.js';
import { startHttpTarget, OPENMETRICS_CONTENT_TYPE, type HttpTarget } from '../support/http-target.js';
import { SCRAPE_TIME_NS, scrapeFailure } from './helpers.js';

const clock: Clock = { ...systemClock, nowNanos: () => SCRAPE_TIME_NS };
const http = createHttpClient({ clock });
const env = { http, clock };

const TEXT = '# TYPE up gauge\nup{job="node"} 1\nrequests_total{code="200"} 5\n';
const OM = '# TYPE up gauge\nup{job="node"} 1\n# TYPE requests counter\nrequests_total{code="200"} 5\nrequests_created{code="200"} 1700000000\n# EOF\n';
const big = 'x 1\n'.repeat(10_000); // 40,000 bytes

let plain: HttpTarget;
let tls: HttpTarget;
let mtls: HttpTarget;

before(async () => {
  plain = await startHttpTarget({
    '/metrics': { body: TEXT },
    '/om': { body: OM, contentType: OPENMETRICS_CONTENT_TYPE },
    '/gzip': { body: TEXT, gzip: true },
    '/gzip-big': { body: big, gzip: true },
    '/slow-headers': { body: TEXT, delayMs: 2000 },
    '/slow-body': { body: big, bodyDelayMs: 2000 },
    '/404': { status: 404, body: 'page not found' },
    '/500': { status: 500, body: 'internal error: database is down\n' },
    '/big': { body: big },
    '/no-type': { body: TEXT, contentType: null },
    '/html': { body: TEXT, contentType: 'text/html' },
    '/json': { body: '{"up": 1}', contentType: 'application/json' },
    '/protobuf': { body: 'x', contentType: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' },
    '/bad': { body: 'up 1\nup{job="x" 2\n' },
    '/bearer': { body: TEXT, auth: { bearer: 's3cr3t-token' } },
    '/basic': { body: TEXT, auth: { username: 'alice', password: 'pa55word' } },
    '/corrupt-gzip': {
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(Buffer.from('this is not gzip data at all'));
      },
    },
    '/brotli': {
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'br' });
        res.end(brotliCompressSync(Buffer.from(TEXT)));
      },
    },
    '/zstd': {
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'zstd' });
        res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
      },
    },
    '/echo': {
      handler: (req, res) => {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end(`denied for ${req.headers.authorization}`);
      },
    },
    '/echo-url': {
      handler: (req, res) => {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end(`denied for ${req.url}`);
      },
    },
  });
  tls = await startHttpTarget({ '/metrics': { body: TEXT } }, { tls: true });
  mtls = await startHttpTarget({ '/metrics': { body: TEXT } }, { tls: true, requireClientCert: true });
});

after(async () => {
  await http.close();
  await plain.close();
  await tls.close();
  await mtls.close();
});

async function rows(url: string, options: ScrapeOptions = {}): Promise<string[]> {
  const r = await scrape(url, options, env);
  const out: string[] = [];
  for (const t of r.tables.tables()) {
    const labels = t.columns.slice(5).map((c, i) => `${c.name}=${t.column(5 + i).get(0)}`);
    out.push(`${t.column(2).get(0)}{${labels.join(',')}} ${t.column(3).floats![0]} ${t.column(4).get(0) === r.url}`);
  }
  return out;
}

const failure = (url: string, options: ScrapeOptions = {}): Promise<FluxError> => scrapeFailure(url, options, env);

test('plain text 0.0.4: rows, url column, request headers', async () => {
  assert.deepEqual(await rows(`${plain.url}/metrics`), ['requests_total{code=200} 5 true', 'up{job=node} 1 true']);
  const req = plain.requests.at(-1)!;
  assert.equal(req.headers['user-agent'], USER_AGENT);
  assert.equal(USER_AGENT, `promflux/${PROMFLUX_VERSION}`);
  assert.equal(req.headers['accept'], ACCEPT_HEADER);
  assert.match(String(req.headers['accept']), /^application\/openmetrics-text;version=1\.0\.0/);
  assert.equal(req.headers['accept-encoding'], 'gzip');
  assert.equal(req.headers['x-prometheus-scrape-timeout-seconds'], '10');
});

test('OpenMetrics is chosen by Content-Type', async () => {
  const r = await scrape(`${plain.url}/om`, {}, env);
  assert.equal(r.format, 'openmetrics');
  assert.deepEqual(await rows(`${plain.url}/om`), ['requests_created{code=200} 1700000000 true', 'requests_total{code=200} 5 true', 'up{job=node} 1 true']);
});

test('gzip bodies are decompressed', async () => {
  assert.deepEqual(await rows(`${plain.url}/gzip`), ['requests_total{code=200} 5 true', 'up{job=node} 1 true']);
});

test('missing or unknown Content-Type falls back to text 0.0.4; protobuf is refused', async () => {
  const r = await scrape(`${plain.url}/no-type`, {}, env);
  assert.equal(r.format, 'prometheus-text');
  assert.equal(r.fallback, true);
  assert.equal((await scrape(`${plain.url}/html`, {}, env)).samples, 2);
  const json = await failure(`${plain.url}/json`);
  assert.equal(json.id, 'scrape.malformed');
  assert.match(json.message, /line 1, column 6/);
  // Read by the fallback rule: the error says what the server called the body.
  assert.match(json.message, /the response's Content-Type "application\/json" is no exposition format, so the body was read as Prometheus text \(is this the metrics endpoint\?\)$/);
  plain.routes['/html-page'] = { body: '<html><body>Login</body></html>\n', contentType: 'text/html; charset=utf-8' };
  const html = await failure(`${plain.url}/html-page`);
  assert.equal(html.id, 'scrape.malformed');
  assert.match(html.message, /line 1, column 1: .*Content-Type "text\/html; charset=utf-8" is no exposition format/);
  plain.routes['/no-type-junk'] = { body: 'not metrics at all\n', contentType: null };
  assert.match((await failure(`${plain.url}/no-type-junk`)).message, /the response's Content-Type was missing, so the body was read as Prometheus text/);
  // A declared text body that does not parse has no such note.
  plain.routes['/bad-text'] = { body: 'not metrics at all\n' };
  assert.doesNotMatch((await failure(`${plain.url}/bad-text`)).message, /Content-Type/);
  assert.equal((await failure(`${plain.url}/protobuf`)).id, 'scrape.unsupportedFormat');
});

test('headers option, timeout header', async () => {
  await scrape(`${plain.url}/metrics`, { headers: { 'X-Tenant': 'blue' }, timeoutMs: 2500 }, env);
  const req = plain.requests.at(-1)!;
  assert.equal(req.headers['x-tenant'], 'blue');
  assert.equal(req.headers['x-prometheus-scrape-timeout-seconds'], '2.5');
});

test('timeout waiting for headers, and while reading the body', async () => {
  const t0 = Date.now();
  const e = await failure(`${plain.url}/slow-headers`, { timeoutMs: 300 });
  assert.equal(e.id, 'scrape.timeout');
  assert.equal(e.code, 'deadline');
  assert.match(e.message, /0\.3s|300ms/);
  assert.match(e.message, /headers/);
  assert.ok(Date.now() - t0 < 2500, 'gave up at the deadline');
  const b = await failure(`${plain.url}/slow-body`, { timeoutMs: 300 });
  assert.equal(b.id, 'scrape.timeout');
  assert.match(b.message, /body/);
});

test('non-2xx: status and the first bytes of the body', async () => {
  const e404 = await failure(`${plain.url}/404`);
  assert.equal(e404.id, 'scrape.status');
  assert.match(e404.message, /404/);
  assert.match(e404.message, /page not found/);
  const e500 = await failure(`${plain.url}/500`);
  assert.equal(e500.id, 'scrape.status');
  assert.match(e500.message, /500.*database is down/);
});

test('bodies over maxBytes (plain and decompressed gzip)', async () => {
  assert.equal((await failure(`${plain.url}/big`, { maxBytes: 1000 })).id, 'scrape.tooLarge');
  assert.equal((await failure(`${plain.url}/gzip-big`, { maxBytes: 1000 })).id, 'scrape.tooLarge');
  assert.equal((await scrape(`${plain.url}/big`, { maxBytes: 40_000 }, env)).samples, 10_000);
});

test('malformed exposition: line and column', async () => {
  const e = await failure(`${plain.url}/bad`);
  assert.equal(e.id, 'scrape.malformed');
  assert.match(e.message, /line 2, column 12/);
  assert.ok(e.message.includes(`${plain.url}/bad`));
});

test('connection refused and DNS failure', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const refused = await failure(`http://127.0.0.1:${port}/metrics`);
  assert.equal(refused.id, 'scrape.connectionRefused');
  assert.ok(refused.message.includes(`127.0.0.1:${port}`));
  const dns = await failure('http://promflux-no-such-host.invalid/metrics', { timeoutMs: 5000 });
  assert.equal(dns.id, 'scrape.dns');
});

test('only http and https URLs; bad options', async () => {
  assert.equal((await failure('ftp://example.com/metrics')).id, 'scrape.invalidUrl');
  assert.equal((await failure('not a url')).id, 'scrape.invalidUrl');
  assert.equal((await failure(`${plain.url}/metrics`, { timeoutMs: 0 })).id, 'scrape.invalidOption');
  assert.equal((await failure(`${plain.url}/metrics`, { bearerToken: 'a', username: 'b' })).id, 'scrape.invalidOption');
});

test('bearer and basic auth; credentials never appear in errors', async () => {
  assert.equal((await rows(`${plain.url}/bearer`, { bearerToken: 's3cr3t-token' })).length, 2);
  const denied = await failure(`${plain.url}/bearer`, { bearerToken: 'wrong-token' });
  assert.equal(denied.id, 'scrape.status');
  assert.match(denied.message, /401/);
  assert.ok(!denied.message.includes('wrong-token'));
  assert.equal((await rows(`${plain.url}/basic`, { username: 'alice', password: 'pa55word' })).length, 2);
  // Userinfo in the URL is basic auth, and is removed from the url column and messages.
  const withUserinfo = `http://alice:pa55word@127.0.0.1:${plain.port}/basic`;
  const r = await scrape(withUserinfo, {}, env);
  assert.equal(r.url, `${plain.url}/basic`);
  const echoed = await failure(`http://alice:pa55word@127.0.0.1:${plain.port}/echo`);
  assert.equal(echoed.id, 'scrape.status');
  assert.ok(!echoed.message.includes('pa55word'), echoed.message);
  assert.ok(!echoed.message.includes(Buffer.from('alice:pa55word').toString('base64')), echoed.message);
  const echoedBearer = await failure(`${plain.url}/echo`, { bearerToken: 'top-secret-123' });
  assert.ok(!echoedBearer.message.includes('top-secret-123'), echoedBearer.message);
  const refused = await failure('http://bob:hunter2secret@127.0.0.1:1/metrics');
  assert.ok(!refused.message.includes('hunter2secret'), refused.message);
});

test('credentials in query parameters: hidden in the url column and in errors', async () => {
  const r = await scrape(`${plain.url}/metrics?api_key=k3y-value-42&page=2`, {}, env);
  assert.equal(r.url, `${plain.url}/metrics?api_key=xxxxx&page=2`);
  const t = [...r.tables.tables()][0]!;
  assert.equal(t.column(t.columnIndex('url')).get(0), r.url);
  // The server echoes the request URL in its error body: the value is still hidden.
  const echoed = await failure(`${plain.url}/echo-url?access_token=t0ken%2Fwith%2Fslashes&x=1`);
  assert.equal(echoed.id, 'scrape.status');
  assert.ok(!echoed.message.includes('t0ken'), echoed.message);
  assert.match(echoed.message, /access_token=xxxxx&x=1/);
  const refused = await failure('http://127.0.0.1:1/metrics?password=hunter2secret');
  assert.ok(!refused.message.includes('hunter2secret'), refused.message);
  // InfluxDB 1.x's u and p: the password is hidden, the user name stays.
  const influx = await failure('http://127.0.0.1:1/metrics?u=alice&p=hunter3secret');
  assert.ok(!influx.message.includes('hunter3secret'), influx.message);
  assert.match(influx.message, /u=alice&p=xxxxx/);
});

test('TLS: an untrusted certificate fails with the reason; tlsCa, tlsServerName and tlsInsecureSkipVerify', async () => {
  const e = await failure(`${tls.url}/metrics`);
  assert.equal(e.id, 'scrape.tls');
  assert.match(e.message, /self[- ]signed/i);
  assert.equal((await rows(`${tls.url}/metrics`, { tls: { caFile: tls.caFile! } })).length, 2);
  assert.equal((await rows(`https://localhost:${tls.port}/metrics`, { tls: { caFile: tls.caFile! } })).length, 2);
  const wrongName = await failure(`${tls.url}/metrics`, { tls: { caFile: tls.caFile!, serverName: 'other.example' } });
  assert.equal(wrongName.id, 'scrape.tls');
  assert.equal((await rows(`${tls.url}/metrics`, { tls: { insecureSkipVerify: true } })).length, 2);
  const missing = await failure(`${tls.url}/metrics`, { tls: { caFile: '/nonexistent/ca.pem' } });
  assert.equal(missing.id, 'scrape.tlsFile');
});

test('scraping plain HTTP with https fails as a TLS error', async () => {
  const e = await failure(`https://127.0.0.1:${plain.port}/metrics`, { timeoutMs: 3000 });
  assert.equal(e.id, 'scrape.tls');
  assert.match(e.message, /the server did not answer in TLS \(is it plain http\?\)/);
  assert.ok(!e.message.includes('\n') && !/openssl|ssl3_/i.test(e.message), e.message);
});

test('a control character in bearerToken or a header value is scrape.invalidOption, with no secret shown', async () => {
  const token = await failure(`${plain.url}/metrics`, { bearerToken: 'tok-\nsecret-9' });
  assert.equal(token.id, 'scrape.invalidOption');
  assert.match(token.message, /bearerToken contains a control character/);
  assert.ok(!token.message.includes('secret-9'), token.message);
  const header = await failure(`${plain.url}/metrics`, { headers: { 'X-Key': 'a\tb\x01c' } });
  assert.equal(header.id, 'scrape.invalidOption');
  assert.match(header.message, /the value of header "X-Key" contains a control character/);
});

test('a corrupt gzip body: scrape.decode', async () => {
  assert.equal((await failure(`${plain.url}/corrupt-gzip`)).id, 'scrape.decode');
});

test('a brotli body is decoded; an encoding promflux cannot decode is scrape.decode, not a malformed exposition', async () => {
  assert.deepEqual(await rows(`${plain.url}/brotli`), ['requests_total{code=200} 5 true', 'up{job=node} 1 true']);
  const e = await failure(`${plain.url}/zstd`);
  assert.equal(e.id, 'scrape.decode');
  assert.match(e.message, /Content-Encoding "zstd", which promflux cannot decode/);
});

test('cancelling the run cancels the scrape: scrape.canceled', async () => {
  const ac = new AbortController();
  const p = scrape(`${plain.url}/slow-headers`, { signal: ac.signal, timeoutMs: 5000 }, env);
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, (e: unknown) => isFluxError(e) && e.id === 'scrape.canceled' && e.code === 'canceled');
});

test('mutual TLS: tlsCert and tlsKey present a client certificate', async () => {
  const ok = await rows(`${mtls.url}/metrics`, { tls: { caFile: mtls.caFile!, certFile: mtls.clientCertFile!, keyFile: mtls.clientKeyFile! } });
  assert.equal(ok.length, 2);
  const without = await failure(`${mtls.url}/metrics`, { tls: { caFile: mtls.caFile! } });
  // TLS 1.3: the server closes the connection after the handshake when no certificate came.
  assert.ok(['scrape.tls', 'scrape.connection'].includes(without.id), without.id);
  if (without.id === 'scrape.connection') assert.match(without.message, /client certificate/);
  assert.equal((await failure(`${mtls.url}/metrics`, { tls: { caFile: mtls.caFile!, certFile: mtls.clientCertFile! } })).id, 'scrape.invalidOption');
});

// A large body given back (HttpClient.recycle) is the buffer the next one is read into, and a
// scrape read through the scrape memo gives its body back.
test('a recycled body buffer holds the next body, and scrapes through the memo give theirs back', async () => {
  let n = 0;
  // Bodies over the 1 MiB threshold, a few bytes longer each time (the buffer has room for it).
  const series = Array.from({ length: 25_000 }, (_, i) => `a_series_name_for_padding{label="value_${i}"} 1\n`).join('');
  const body = (k: number) => `# TYPE up gauge\n${series}up ${1000 + k}\n`;
  const t = await startHttpTarget({
    '/grow': {
      handler: (_req, res) => {
        const b = Buffer.from(body(n++));
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': b.length });
        res.end(b);
      },
    },
  });
  const client = createHttpClient({ clock });
  try {
    const get = () => client.get({ url: `${t.url}/grow`, headers: {}, timeoutMs: 10_000, maxBytes: 1 << 30 });
    const first = await get();
    assert.equal(first.body.toString(), body(0));
    client.recycle!(first.body);
    const second = await get();
    assert.equal(second.body.buffer, first.body.buffer, 'read into the recycled buffer');
    assert.equal(second.body.toString(), body(1));
    // Not given back: the next body gets a buffer of its own.
    const third = await get();
    assert.notEqual(third.body.buffer, second.body.buffer);
    assert.equal(second.body.toString(), body(1), 'a body not given back is left alone');
    // Through scrape(): the first body is parsed in full (the memo keeps it), the next one is
    // read through the memo and given back.
    const { ScrapeMemo } = await import('../../src/scrape/index.js');
    const memo = new ScrapeMemo();
    const given: Buffer[] = [];
    const spy = { get: (r: Parameters<typeof client.get>[0]) => client.get(r), recycle: (b: Buffer) => given.push(b), close: () => client.close() };
    const s1 = await scrape(`${t.url}/grow`, {}, { http: spy, clock, memo });
    const s2 = await scrape(`${t.url}/grow`, {}, { http: spy, clock, memo });
    assert.deepEqual([s1.reused, s2.reused], [false, true]);
    assert.equal(given.length, 1);
    assert.equal([...s2.tables.tables()].at(-1)!.column(3).get(0), 1004);
  } finally {
    await client.close();
    await t.close();
  }
});
