// `promflux scrape URL` in-process (memoryIO), against a local HTTP target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { parseDurationMs } from '../../src/cli/duration.js';
import { startHttpTarget, type HttpTarget } from '../support/http-target.js';

let target: HttpTarget;
before(async () => {
  target = await startHttpTarget({
    '/metrics': { body: '# TYPE up gauge\nup{job="node"} 1\nload 0.5\n' },
    '/auth': { body: 'up 1\n', auth: { username: 'u', password: 'p4ss-word' } },
    '/500': { status: 500, body: 'boom' },
    '/slow-auth': { body: 'up 1\n', auth: { username: 'u', password: 'p4ss-word' }, delayMs: 800 },
    '/moved': {
      handler: (_req, res) => {
        res.writeHead(302, { location: '/metrics' });
        res.end();
      },
    },
  });
});
after(() => target.close());

test('prints the tables of one scrape', async () => {
  const io = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/metrics`, '--format', 'csv', '-H', 'X-A: b', '--timeout', '2s'], io), 0);
  assert.match(io.out, /,result,table,_time,_measurement,_field,_value,url,job\r?\n/);
  assert.match(io.out, /prometheus,up,1,http:\/\/127\.0\.0\.1:\d+\/metrics,node/);
  assert.match(io.out, /prometheus,load,0\.5,/);
  assert.equal(target.requests.at(-1)!.headers['x-a'], 'b');
  assert.equal(target.requests.at(-1)!.headers['x-prometheus-scrape-timeout-seconds'], '2');
  const table = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/metrics`], table), 0);
  assert.match(table.out, /_field/);
  assert.match(table.out, /up/);
});

test('basic auth with the password from the environment; it never shows up', async () => {
  const io = memoryIO('', { PROMFLUX_SCRAPE_PASSWORD: 'p4ss-word' });
  assert.equal(await main(['scrape', `${target.url}/auth`, '--username', 'u', '--format', 'csv'], io), 0);
  assert.match(io.out, /,up,1,/);
  const bad = memoryIO('', { PROMFLUX_SCRAPE_PASSWORD: 'wrong-pass' });
  assert.equal(await main(['scrape', `${target.url}/auth`, '--username', 'u'], bad), 1);
  assert.match(bad.err, /401/);
  assert.ok(!bad.err.includes('wrong-pass'));
});

test('the progress line on a terminal shows the URL without its credentials', async () => {
  const io = memoryIO();
  (io as { stderrIsTTY: boolean }).stderrIsTTY = true;
  const url = `http://u:p4ss-word@127.0.0.1:${target.port}/slow-auth?token=t0k3n-value`;
  assert.equal(await main(['scrape', url, '--format', 'csv'], io), 0);
  assert.match(io.err, /scraping http:\/\/127\.0\.0\.1:\d+\/slow-auth\?token=xxxxx/, 'the progress line was drawn');
  assert.ok(!io.err.includes('p4ss-word') && !io.err.includes('t0k3n-value'), io.err);
});

test('a failed scrape exits 1 with the error id; bad usage exits 2', async () => {
  const io = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/500`], io), 1);
  assert.match(io.err, /HTTP 500.*boom.*\[scrape\.status\]/);
  const bad = memoryIO();
  assert.equal(await main(['scrape', 'ftp://x/metrics'], bad), 2);
  assert.match(bad.err, /scrape\.invalidUrl/);
  assert.equal(await main(['scrape', `${target.url}/metrics`, '--timeout', 'soon'], memoryIO()), 2);
  const zero = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/metrics`, '--timeout', '0s'], zero), 2);
  assert.match(zero.err, /--timeout must be more than 0, got "0s"/);
  assert.equal(await main(['scrape', `${target.url}/metrics`, '--max-bytes', '-5'], memoryIO()), 2);
});

test('redirects are followed unless --no-follow-redirects', async () => {
  const io = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/moved`, '--format', 'csv'], io), 0);
  assert.match(io.out, /prometheus,up,1,http:\/\/127\.0\.0\.1:\d+\/moved,node/);
  const no = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/moved`, '--no-follow-redirects'], no), 1);
  assert.match(no.err, /HTTP 302 redirecting to .*\/metrics" \(--no-follow-redirects\) .*\[scrape\.status\]/);
});

test('errors name the flags, not the Flux options', async () => {
  const big = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/metrics`, '--max-bytes', '10'], big), 1);
  assert.match(big.err, /\(raise --max-bytes to accept it\) \[scrape\.tooLarge\]/);
  const both = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/auth`, '--bearer-token', 't0k', '--username', 'u', '--password', 'p'], both), 2);
  assert.match(both.err, /give either --bearer-token or --username\/--password, not both \[scrape\.invalidOption\]/);
  const ctl = memoryIO();
  assert.equal(await main(['scrape', `${target.url}/auth`, '--bearer-token', 'a\nb'], ctl), 2);
  assert.match(ctl.err, /the bearer token contains a control character \[scrape\.invalidOption\]/);
  assert.doesNotMatch(big.err + both.err + ctl.err, /maxBytes|bearerToken|followRedirects/);
});

test('--help has an example', async () => {
  const io = memoryIO();
  assert.equal(await main(['scrape', '--help'], io), 0);
  assert.match(io.out, /promflux scrape http:\/\/localhost:9100\/metrics/);
});

test('durations', () => {
  assert.equal(parseDurationMs('10s'), 10_000);
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('10'), undefined);
  assert.equal(parseDurationMs('0s'), 0);
});
