// from(host:) against a local HTTP endpoint speaking InfluxDB 2.x's /api/v2/query (no
// InfluxDB 2.x server is packaged for this machine; Debian's influxdb is 1.x and has no
// /api/v2/query). Checks the request (query text with the pushed range and filter, org,
// token header), the decoding of the annotated CSV answer, and that the token never shows
// up in an error.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRuntime } from '../../src/index.js';
import { isPushdownSource } from '../../src/store/index.js';
import { collectTables } from '../../src/table/index.js';
import { silentLogger } from '../../src/host/logger.js';
import { FluxError } from '../../src/errors/index.js';
import type { FunctionValue } from '../../src/values/value.js';

const CSV = [
  '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string',
  '#group,false,false,true,true,false,false,true,true,true',
  '#default,_result,,,,,,,,',
  ',result,table,_start,_stop,_time,_value,_field,_measurement,host',
  ',,0,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,2026-01-01T00:00:10Z,1.5,usage,cpu,a',
  ',,0,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,2026-01-01T00:00:20Z,2.5,usage,cpu,a',
  '',
].join('\r\n');

let server: Server;
let url = '';
const requests: { url: string; auth: string | undefined; body: string }[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'promflux-remote-'));
const rt = createRuntime({ dataDir, logger: silentLogger });

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      if (req.headers.authorization !== 'Token secret-token') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(CSV);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('from(host:) sends the pushed range and filter and decodes the answer', async () => {
  const r = await rt.run(`f = (r) => r.host == "a"\nf\nfrom(bucket: "metrics", host: "${url}", org: "my-org", token: "secret-token")`);
  const f = r.results[0]!.value as FunctionValue;
  const src = r.results[1]!.value;
  assert.ok(isPushdownSource(src));
  const narrowed = src.pushRange(1_767_225_600_000_000_000n, 1_767_229_200_000_000_000n).pushFilter(f)!;
  const tables = await collectTables(narrowed);
  assert.equal(tables.length, 1);
  assert.equal(tables[0]!.length, 2);
  assert.deepEqual(tables[0]!.columns.map((c) => c.name), ['_start', '_stop', '_time', '_value', '_field', '_measurement', 'host']);
  const req = requests.at(-1)!;
  assert.match(req.url, /^\/api\/v2\/query\?org=my-org/);
  assert.equal(req.auth, 'Token secret-token');
  const q = JSON.parse(req.body) as { query: string };
  assert.equal(q.query, 'from(bucket: "metrics") |> range(start: 2026-01-01T00:00:00Z, stop: 2026-01-01T01:00:00Z) |> filter(fn: (r) => r["host"] == "a")');
});

test('a filter with not over and/or is not sent to the server (its and/or are not three-valued)', async () => {
  const r = await rt.run(`f = (r) => not (r.region == "eu" and r.host == "a")\ng = (r) => not (r.host == "b")\nf\ng\nfrom(bucket: "metrics", host: "${url}", org: "my-org", token: "secret-token")`);
  const [f, g] = [r.results[0]!.value as FunctionValue, r.results[1]!.value as FunctionValue];
  const src = r.results[2]!.value;
  assert.ok(isPushdownSource(src));
  const ranged = src.pushRange(1_767_225_600_000_000_000n, 1_767_229_200_000_000_000n);
  assert.equal(ranged.pushFilter(f), undefined, 'not (... and ...) stays local');
  const pushed = ranged.pushFilter(g);
  assert.ok(pushed, 'not over a single comparison is pushed');
  await collectTables(pushed);
  const q = JSON.parse(requests.at(-1)!.body) as { query: string };
  assert.match(q.query, /\|> filter\(fn: \(r\) => not \(r\["host"\] == "b"\)\)$/);
});

test('a rejected query is from.remoteFailed and does not show the token', async () => {
  const r = await rt.run(`from(bucket: "metrics", host: "${url}", org: "my-org", token: "wrong-token")`);
  const src = r.results[0]!.value;
  assert.ok(isPushdownSource(src));
  await assert.rejects(collectTables(src.pushRange(0n, 1n)), (e: unknown) => {
    assert.ok(e instanceof FluxError);
    assert.equal(e.id, 'from.remoteFailed');
    assert.match(e.message, /401/);
    assert.doesNotMatch(e.message, /wrong-token/);
    return true;
  });
});

test('a password in the host URL never shows in from() errors', async () => {
  const withUser = url.replace('http://', 'http://reader:hunter2pw@');
  const r = await rt.run(`from(bucket: "metrics", host: "${withUser}", org: "my-org", token: "wrong-token")`);
  const src = r.results[0]!.value;
  assert.ok(isPushdownSource(src));
  await assert.rejects(collectTables(src.pushRange(0n, 1n)), (e: unknown) => {
    assert.ok(e instanceof FluxError);
    assert.equal(e.id, 'from.remoteFailed');
    assert.doesNotMatch(e.message, /hunter2pw/);
    assert.ok(e.message.includes(url), e.message);
    return true;
  });
  // an answer that is an error table names the host the same way
  const errServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end('#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n,failed to find bucket,\r\n\r\n');
  });
  await new Promise<void>((ok) => errServer.listen(0, '127.0.0.1', ok));
  try {
    const errUrl = `http://reader:hunter2pw@127.0.0.1:${(errServer.address() as AddressInfo).port}`;
    const r2 = await rt.run(`from(bucket: "metrics", host: "${errUrl}", org: "my-org", token: "t")`);
    const src2 = r2.results[0]!.value;
    assert.ok(isPushdownSource(src2));
    await assert.rejects(collectTables(src2.pushRange(0n, 1n)), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.id, 'from.remoteError');
      assert.doesNotMatch(e.message, /hunter2pw/);
      return true;
    });
  } finally {
    await new Promise((ok) => errServer.close(ok));
  }
});

test('a host that is not an http(s) URL is from.invalidHost at the call, without its password', async () => {
  for (const host of ['ftp://reader:hunter2pw@example.com', 'not a url', 'reader:hunter2pw@127.0.0.1:8086']) {
    await assert.rejects(rt.run(`x = 1\nfrom(bucket: "metrics", host: "${host}", org: "o", token: "t")`), (e: unknown) => {
      const fe = (e as { errors?: unknown[] }).errors?.[0] ?? e;
      assert.ok(fe instanceof FluxError, String(e));
      assert.equal(fe.id, 'from.invalidHost');
      assert.equal(fe.span?.start.line, 2);
      assert.doesNotMatch(fe.message, /hunter2pw/);
      return true;
    });
  }
});

test('a short token does not garble the error message, and the client text loses the password', async () => {
  const r = await rt.run(`from(bucket: "metrics", host: "http://reader:hunter2pw@127.0.0.1:1", org: "o", token: "t")`);
  const src = r.results[0]!.value;
  assert.ok(isPushdownSource(src));
  await assert.rejects(collectTables(src.pushRange(0n, 1n)), (e: unknown) => {
    assert.ok(e instanceof FluxError);
    assert.equal(e.id, 'from.remoteFailed');
    assert.match(e.message, /^query to http:\/\/127\.0\.0\.1:1 failed/);
    assert.doesNotMatch(e.message, /hunter2pw/);
    return true;
  });
});

test('a pushed regex filter is sent as written in Flux: RE2 flags and slashes kept', async () => {
  const r = await rt.run(`f = (r) => r.host =~ /(?i)^A$/ and r.path !~ /^\\/api\\//\nf\nfrom(bucket: "metrics", host: "${url}", org: "my-org", token: "secret-token")`);
  const f = r.results[0]!.value as FunctionValue;
  const src = r.results[1]!.value;
  assert.ok(isPushdownSource(src));
  await collectTables(src.pushRange(1_767_225_600_000_000_000n, 1_767_229_200_000_000_000n).pushFilter(f)!);
  const q = JSON.parse(requests.at(-1)!.body) as { query: string };
  assert.equal(
    q.query,
    'from(bucket: "metrics") |> range(start: 2026-01-01T00:00:00Z, stop: 2026-01-01T01:00:00Z) |> filter(fn: (r) => (r["host"] =~ /(?i)^A$/ and r["path"] !~ /^\\/api\\//))',
  );
});
