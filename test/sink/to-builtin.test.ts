// The `to` builtin (src/stdlib/influxdata/influxdb/to.ts) called as the runtime calls it:
// every parameter error (id and span), the pass-through of tables, the side effect that
// writes even when the result is unused, and errors that never show the token.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { to } from '../../src/stdlib/influxdata/influxdb/to.js';
import type { NativeContext } from '../../src/runtime/builtin-api.js';
import { FluxError } from '../../src/errors/index.js';
import type { Span } from '../../src/errors/index.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import type { Logger } from '../../src/host/logger.js';
import { TableBuilder, collectTables, streamOf } from '../../src/table/index.js';
import type { TableStream } from '../../src/table/index.js';
import { ArrayValue, Time } from '../../src/values/value.js';
import type { FunctionValue, Value } from '../../src/values/value.js';
import { syntheticTables } from './synthetic.js';
import { STORE_SERVICE, openStore, sharedStore } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { FileSystem } from '../../src/host/fs.js';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN } from '../support/victoria-metrics.js';
import type { VictoriaMetrics } from '../support/victoria-metrics.js';
import { requireExternal } from '../support/env.js';

const SPAN: Span = { start: { line: 3, column: 5, offset: 40 }, end: { line: 3, column: 60, offset: 95 } };

interface FakeCtx extends NativeContext {
  effects: (() => Promise<unknown>)[];
  warnings: string[];
  closeServices(): Promise<void>;
}

function fakeCtx(dataDir: string): FakeCtx {
  const services = new Map<string, unknown>();
  const effects: (() => Promise<unknown>)[] = [];
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
  return {
    name: 'to',
    span: SPAN,
    source: 'test.flux',
    now: () => new Time(0n),
    option: () => undefined,
    clock: systemClock,
    logger,
    signal: new AbortController().signal,
    dataDir,
    addSideEffect: (e) => effects.push(e),
    addResult: () => {},
    services: {
      get<T>(key: string, create: () => T): T {
        if (!services.has(key)) services.set(key, create());
        return services.get(key) as T;
      },
    },
    effects,
    warnings,
    async closeServices() {
      for (const s of [...services.values()].reverse()) await (s as { close?: () => Promise<void> }).close?.();
    },
  };
}

const tables = (n = 2): TableStream => streamOf([...syntheticTables({ measurement: 'tobuiltin', tables: n, rows: 10, startNs: 1_600_000_000_000_000_000n })]);

function args(o: Record<string, Value>): Map<string, Value> {
  return new Map(Object.entries({ tables: tables(), ...o }));
}

function assertFluxError(fn: () => unknown, id: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FluxError, String(e));
    assert.equal(e.id, id);
    assert.deepEqual(e.span, SPAN);
    return true;
  });
}

const savedEnv = { ...process.env };
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'promflux-to-'));
  // No default destination from the developer's environment or config file.
  delete process.env.INFLUX_HOST;
  delete process.env.INFLUX_TOKEN;
  delete process.env.INFLUX_ORG;
  process.env.PROMFLUX_CONFIG = join(dataDir, 'no-config.json');
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dataDir, { recursive: true, force: true });
});

describe('to() parameters', () => {
  const fieldFnWithoutR: FunctionValue = { kind: 'function', name: 'f', params: [{ name: 'x', optional: false, pipe: false }], call: () => null };
  const cases: { name: string; args: Record<string, Value>; id: string }[] = [
    { name: 'neither bucket nor bucketID', args: { host: 'http://127.0.0.1:1', token: 't' }, id: 'to.bucketRequired' },
    { name: 'both bucket and bucketID', args: { bucket: 'b', bucketID: '0123', host: 'http://127.0.0.1:1', token: 't' }, id: 'to.bucketConflict' },
    { name: 'empty bucket', args: { bucket: '' }, id: 'to.bucketRequired' },
    { name: 'both org and orgID', args: { bucket: 'b', org: 'o', orgID: '0123' }, id: 'to.orgConflict' },
    { name: 'host without token', args: { bucket: 'b', host: 'http://127.0.0.1:8086' }, id: 'to.tokenRequired' },
    { name: 'host not a URL', args: { bucket: 'b', host: 'localhost:8086', token: 't' }, id: 'to.invalidHost' },
    { name: 'host of another scheme', args: { bucket: 'b', host: 'udp://127.0.0.1:8089', token: 't' }, id: 'to.invalidHost' },
    { name: 'empty timeColumn', args: { bucket: 'b', timeColumn: '' }, id: 'to.emptyColumnName' },
    { name: 'empty measurementColumn', args: { bucket: 'b', measurementColumn: '' }, id: 'to.emptyColumnName' },
    { name: 'tagColumns naming the time column', args: { bucket: 'b', tagColumns: new ArrayValue(['host', '_time']) }, id: 'to.tagColumnConflict' },
    { name: 'tagColumns with a non-string', args: { bucket: 'b', tagColumns: new ArrayValue(['host', 1n]) }, id: 'to.argumentType' },
    { name: 'fieldFn without r', args: { bucket: 'b', fieldFn: fieldFnWithoutR }, id: 'to.fieldFnParams' },
  ];
  for (const c of cases) {
    it(c.name, () => assertFluxError(() => to(args(c.args), fakeCtx(dataDir)), c.id));
  }

  it('no host and nothing configured: writes durably to the embedded store', async () => {
    const ctx = fakeCtx(dataDir);
    // Recent points: the store keeps 30 days by default.
    const recent = streamOf([...syntheticTables({ measurement: 'local', tables: 2, rows: 10, startNs: BigInt(Date.now() - 3_600_000) * 1_000_000n })]);
    const out = to(new Map<string, Value>([['tables', recent], ['bucket', 'local'], ['org', 'ignored']]), ctx) as TableStream;
    assert.equal(ctx.effects.length, 1);
    const [read] = await Promise.all([collectTables(out), ctx.effects[0]!()]);
    assert.equal(read.length, 2);
    const store = sharedStore(ctx.services, dataDir, systemClock, silentLogger);
    const series: { tags: readonly (readonly [string, string])[]; field: string; times: BigInt64Array }[] = [];
    for await (const s of store.read('local', {})) series.push(s as (typeof series)[number]);
    assert.deepEqual(
      series.map((s) => [s.field, s.tags, s.times.length]),
      [
        ['value', [['host', 'host-1'], ['series', 's0']], 10],
        ['value', [['host', 'host-1'], ['series', 's1']], 10],
      ],
    );
    await ctx.closeServices();
  });

  it('a store write that fails after earlier ones of the same to() succeeded says how many points were written', async () => {
    const ctx = fakeCtx(dataDir);
    // The disk fills up after the first store write of this to() (two tables, 60,000 points).
    let segments = 0;
    const filling: FileSystem = {
      ...nodeFileSystem,
      async writeNewFile(path, data) {
        if (++segments > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return nodeFileSystem.writeNewFile(path, data);
      },
    };
    ctx.services.get(`${STORE_SERVICE}:${dataDir}`, () => openStore({ dir: join(dataDir, 'store'), fs: filling, clock: systemClock, logger: silentLogger }));
    const recent = streamOf([...syntheticTables({ measurement: 'full', tables: 3, rows: 30_000, startNs: BigInt(Date.now() - 3_600_000) * 1_000_000n })]);
    const out = to(new Map<string, Value>([['tables', recent], ['bucket', 'local']]), ctx) as TableStream;
    const [, effect] = await Promise.allSettled([collectTables(out), ctx.effects[0]!()]);
    assert.equal(effect.status, 'rejected');
    const e = (effect as PromiseRejectedResult).reason as unknown;
    assert.ok(e instanceof FluxError, String(e));
    assert.equal(e.id, 'store.writeFailed');
    assert.deepEqual(e.span, SPAN);
    assert.match(e.message, /ENOSPC: no space left on device.*; 60000 points of this to\(\) were written before the failure$/);
    let stored = 0;
    for await (const s of sharedStore(ctx.services, dataDir, systemClock, silentLogger).read('local')) stored += s.times.length;
    assert.equal(stored, 60_000);
    await ctx.closeServices();
  });

  it('a URL with credentials and the token never appear in errors', () => {
    const ctx = fakeCtx(dataDir);
    assert.throws(
      () => to(args({ host: 'ftp://user:hunter2@example.com', token: 'tok-s3cret', bucketID: 'x', bucket: 'y' }), ctx),
      (e: unknown) => e instanceof FluxError && !/hunter2|s3cret/.test(e.message),
    );
    assert.throws(
      () => to(args({ host: 'ftp://user:hunter2@example.com', token: 'tok-s3cret', bucket: 'y' }), ctx),
      (e: unknown) => e instanceof FluxError && e.id === 'to.invalidHost' && !/hunter2|s3cret/.test(e.message),
    );
    // without a scheme, "user:" parses as one: the password still stays out of the message
    for (const host of ['user:hunter2@127.0.0.1:8086', 'udp://127.0.0.1:8089/?token=hunter2']) {
      assert.throws(
        () => to(args({ host, token: 'tok-s3cret', bucket: 'y' }), ctx),
        (e: unknown) => e instanceof FluxError && e.id === 'to.invalidHost' && !/hunter2|s3cret/.test(e.message),
        host,
      );
    }
  });
});

describe('to() refused writes', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/ping') {
          res.writeHead(204, { 'x-influxdb-version': 'v2.7.1' });
          res.end();
          return;
        }
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('401: fails fast with the server message, code unauthenticated, no token in the message', async () => {
    const ctx = fakeCtx(dataDir);
    to(args({ bucket: 'b', org: 'o', host: url, token: 'tok-s3cret' }), ctx);
    await assert.rejects(ctx.effects[0]!(), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.id, 'to.writeRejected');
      assert.equal(e.code, 'unauthenticated');
      assert.deepEqual(e.span, SPAN);
      assert.match(e.message, /unauthorized access/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
    await ctx.closeServices();
  });
});

describe('to() against a scripted server: retries, Retry-After, gzip', () => {
  let server: Server;
  let url: string;
  const answers: { status: number; headers?: Record<string, string> }[] = [];
  const seen: { atMs: number; encoding: string | undefined; body: string; auth: string | undefined }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/ping') {
          res.writeHead(204);
          res.end();
          return;
        }
        const raw = Buffer.concat(chunks);
        const enc = req.headers['content-encoding'];
        seen.push({ atMs: performance.now(), encoding: enc, body: (enc === 'gzip' ? gunzipSync(raw) : raw).toString(), auth: req.headers.authorization });
        const a = answers.shift() ?? { status: 204 };
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(a.status === 204 ? undefined : JSON.stringify({ message: `status ${a.status}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('retries 503 (honouring Retry-After) and 429, then succeeds; bodies gzipped when configured', async () => {
    writeFileSync(process.env.PROMFLUX_CONFIG!, JSON.stringify({ write: { gzip: true, minRetryDelayMs: 10, maxRetries: 3 } }));
    answers.push({ status: 503, headers: { 'retry-after': '1' } }, { status: 429 });
    seen.length = 0;
    const ctx = fakeCtx(dataDir);
    to(args({ bucket: 'b', org: 'o', host: url, token: 'tok' }), ctx);
    await ctx.effects[0]!();
    await ctx.closeServices();
    assert.equal(seen.length, 3);
    assert.ok(seen[1]!.atMs - seen[0]!.atMs >= 950, `Retry-After honoured (${Math.round(seen[1]!.atMs - seen[0]!.atMs)} ms)`);
    assert.ok(seen.every((r) => r.encoding === 'gzip'));
    assert.ok(seen.every((r) => r.auth === 'Token tok'));
    assert.equal(seen[2]!.body, seen[0]!.body);
    assert.equal(seen[2]!.body.trim().split('\n').length, 20);
  });
});

describe('to() against VictoriaMetrics', { skip: requireExternal('victoria-metrics (Debian package)', VICTORIA_METRICS_BIN !== undefined) }, () => {
  let vm: VictoriaMetrics;
  before(async () => {
    vm = await startVictoriaMetrics();
  });
  after(async () => {
    await vm?.stop();
  });

  it('passes its input tables through unchanged and writes them', async () => {
    const ctx = fakeCtx(dataDir);
    const input = [...syntheticTables({ measurement: 'passthrough', tables: 3, rows: 4, startNs: 1_600_000_000_000_000_000n })];
    const out = to(new Map<string, Value>([['tables', streamOf(input)], ['bucket', 'b'], ['host', vm.url], ['token', '']]), ctx) as TableStream;
    const [read] = await Promise.all([collectTables(out), ...ctx.effects.map((e) => e())]);
    assert.equal(read.length, 3);
    read.forEach((t, i) => assert.equal(t, input[i]));
    await ctx.closeServices();
    const series = await vm.waitForSeries('{__name__="passthrough_value"}', (s) => s.length === 3);
    assert.equal(series.reduce((a, s) => a + s.values.length, 0), 12);
  });

  it('writes even when its result is never read (the side effect), reporting skips once', async () => {
    const ctx = fakeCtx(dataDir);
    const b = new TableBuilder(
      [
        { name: '_time', type: 'time' },
        { name: '_measurement', type: 'string' },
        { name: '_field', type: 'string' },
        { name: '_value', type: 'float' },
        { name: 'host', type: 'string' },
        { name: 'extra', type: 'string' },
      ],
      [],
    );
    const rows: [bigint | null, number][] = [[1n, 1], [2n, NaN], [null, 3], [4n, Infinity], [null, 5], [6n, 6]];
    for (const [t, v] of rows) {
      if (t === null) b.appendNull(0);
      else b.appendTime(0, 1_600_000_000_000_000_000n + t * 1_000_000n);
      b.appendString(1, 'unread');
      b.appendString(2, 'value');
      b.appendFloat(3, v);
      b.appendString(4, 'h1');
      b.appendString(5, 'not a tag');
    }
    to(new Map<string, Value>([['tables', streamOf([b.build()])], ['bucket', 'b'], ['host', vm.url], ['token', ''], ['tagColumns', new ArrayValue(['host'])]]), ctx);
    for (const e of ctx.effects) await e();
    await ctx.closeServices();
    const series = await vm.waitForSeries('{__name__="unread_value"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= 2);
    assert.deepEqual(series.map((s) => s.metric), [{ __name__: 'unread_value', host: 'h1' }]);
    assert.deepEqual(series[0]!.values, [1, 6]);
    assert.equal(ctx.warnings.length, 1, 'skips are reported once');
    assert.match(ctx.warnings[0]!, /skipped 4 rows \(2 with a null _time, 2 with no field left\); dropped 2 NaN or infinite field values/);
  });

  it('uses INFLUX_HOST / INFLUX_TOKEN when no host is given', async () => {
    process.env.INFLUX_HOST = vm.url;
    process.env.INFLUX_TOKEN = '';
    const ctx = fakeCtx(dataDir);
    to(new Map<string, Value>([['tables', tables(1)], ['bucket', 'b']]), ctx);
    for (const e of ctx.effects) await e();
    await ctx.closeServices();
    const series = await vm.waitForSeries('{__name__="tobuiltin_value"}');
    assert.equal(series.length, 1);
  });
});
