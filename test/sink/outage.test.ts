// Outage: the server is stopped while a write is in progress and started again; the points
// that could not be delivered are spooled (the run fails, saying so), and the next run
// re-sends them first. Afterwards every point is in the server exactly once.
// VictoriaMetrics keeps duplicate samples (no deduplication is configured), so "exactly
// once" is checked strictly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN } from '../support/victoria-metrics.js';
import type { VictoriaMetrics } from '../support/victoria-metrics.js';
import { freePort } from '../support/servers.js';
import { requireExternal } from '../support/env.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { SinkService } from '../../src/sink/service.js';
import { parseSinkConfig } from '../../src/sink/config.js';
import { writeTables } from '../../src/sink/write.js';
import { DEFAULT_MAPPING } from '../../src/sink/encode.js';
import { syntheticTables } from './synthetic.js';
import { createRuntime, FluxError } from '../../src/index.js';

const skip = requireExternal('victoria-metrics (Debian package)', VICTORIA_METRICS_BIN !== undefined);

function service(dataDir: string): SinkService {
  const config = parseSinkConfig(
    {},
    JSON.stringify({ write: { batchSize: 100, concurrency: 1, maxRetries: 2, minRetryDelayMs: 20, maxRetryTimeMs: 500, timeoutMs: 2000 } }),
    undefined,
  );
  return new SinkService({ fs: nodeFileSystem, clock: systemClock, logger: silentLogger, dataDir, config });
}

/** Every sample of `outage_*` series as `series@ms`, with how often it occurs. */
async function counts(vm: VictoriaMetrics, expected: number): Promise<Map<string, number>> {
  const series = await vm.waitForSeries('{__name__=~"outage_.*"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= expected);
  const m = new Map<string, number>();
  for (const s of series) {
    const id = JSON.stringify(Object.entries(s.metric).sort());
    for (const t of s.timestamps) m.set(`${id}@${t}`, (m.get(`${id}@${t}`) ?? 0) + 1);
  }
  return m;
}

describe('outage', { skip }, () => {
  let vm: VictoriaMetrics;
  let dataDir: string;
  before(async () => {
    vm = await startVictoriaMetrics();
    dataDir = mkdtempSync(join(tmpdir(), 'promflux-outage-'));
  });
  after(async () => {
    await vm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('server stopped mid-write: spooled, re-sent by the next run, every point exactly once', async () => {
    const target = { url: vm.url, token: '', org: 'o', bucket: 'b' };
    // Run 1: 20 tables of 50 points (10 batches of 100); the server stops after the 6th table,
    // once the 3 batches sent by then are answered. (Stopping it while a request is in flight
    // could leave that batch stored without an answer: the client must then re-send it, and
    // VictoriaMetrics would keep both copies. At-least-once is all HTTP writes can promise.)
    const svc1 = service(dataDir);
    const p1 = await svc1.pipelineFor(target);
    const run1 = syntheticTables({ measurement: 'outage', tables: 20, rows: 50, startNs: 1_600_000_000_000_000_000n });
    async function* stopping() {
      let i = 0;
      for (const t of run1) {
        if (i++ === 6) {
          while (p1.pending > 0) await p1.progress();
          await vm.pause();
        }
        yield t;
      }
    }
    const r1 = await writeTables(p1, stopping(), DEFAULT_MAPPING);
    assert.equal(r1.outcome.written, 300, 'written before the outage');
    assert.ok(r1.outcome.spooled > 0, 'some points were spooled');
    assert.equal(r1.outcome.written + r1.outcome.spooled, 1000);
    assert.equal(r1.outcome.dropped, 0);
    await svc1.close();

    // The server comes back; run 2 (a new process: new service, same data directory).
    await vm.start();
    const svc2 = service(dataDir);
    const p2 = await svc2.pipelineFor(target);
    const run2 = syntheticTables({ measurement: 'outage', tables: 2, rows: 50, startNs: 1_700_000_000_000_000_000n });
    const r2 = await writeTables(p2, run2, DEFAULT_MAPPING);
    await svc2.close();
    assert.equal(r2.outcome.resent, r1.outcome.spooled);
    assert.equal(r2.outcome.written, 100);
    assert.equal(r2.outcome.spooled, 0);

    const got = await counts(vm, 1100);
    assert.equal(got.size, 1100, 'every point present');
    const dup = [...got.entries()].filter(([, n]) => n !== 1);
    assert.deepEqual(dup, [], 'no point twice');
  });

  it('from Flux: a run during the outage fails (spooled); the next run re-sends; every point once', async () => {
    const dir = join(dataDir, 'flux');
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ write: { maxRetries: 1, minRetryDelayMs: 20, maxRetryTimeMs: 300, timeoutMs: 1000 } }));
    const saved = process.env.PROMFLUX_CONFIG;
    process.env.PROMFLUX_CONFIG = configFile;
    const script = (first: number) => `
import "array"
array.from(rows: [${Array.from({ length: 5 }, (_, i) => `{_time: ${new Date(Date.UTC(2023, 0, 1, 0, 0, first + i)).toISOString()}, _measurement: "fluxoutage", _field: "v", _value: ${first + i}.5}`).join(', ')}])
  |> to(bucket: "b", org: "o", host: "${vm.url}", token: "")
`;
    try {
      await vm.pause();
      const rt1 = createRuntime({ dataDir: dir });
      await assert.rejects(rt1.run(script(0)), (e: unknown) => {
        const fe = ((e as { errors?: FluxError[] }).errors?.[0] ?? e) as FluxError;
        assert.equal(fe.id, 'to.spooled');
        assert.match(fe.message, /5 points were saved to the write spool/);
        return true;
      });
      await rt1.close();
      await vm.start();
      const rt2 = createRuntime({ dataDir: dir });
      await rt2.run(script(10));
      await rt2.close();
      const series = await vm.waitForSeries('{__name__="fluxoutage_v"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= 10);
      assert.equal(series.length, 1);
      assert.deepEqual(series[0]!.values, [0.5, 1.5, 2.5, 3.5, 4.5, 10.5, 11.5, 12.5, 13.5, 14.5]);
    } finally {
      if (saved === undefined) delete process.env.PROMFLUX_CONFIG;
      else process.env.PROMFLUX_CONFIG = saved;
      await vm.start();
    }
  });

  it('start-up drain: the configured default host gets its spool re-sent before any to(); no token or password on disk', async () => {
    const port = await freePort();
    // A password in the host URL stays off the disk as the token does (meta.json keeps the
    // URL without it); the drain still finds the spool of this host.
    const url = `http://writer:pw-s3cret@127.0.0.1:${port}`;
    const dir = join(dataDir, 'startup');
    const config = parseSinkConfig(
      { INFLUX_HOST: url, INFLUX_TOKEN: 'tok-s3cret', INFLUX_ORG: 'o' },
      JSON.stringify({ write: { maxRetries: 0, timeoutMs: 1000 } }),
      undefined,
    );
    const mk = () => new SinkService({ fs: nodeFileSystem, clock: systemClock, logger: silentLogger, dataDir: dir, config });
    const a = mk();
    const target = a.defaultTarget({ bucket: 'b' }, {});
    assert.ok(target);
    const r = await writeTables(await a.pipelineFor(target), syntheticTables({ measurement: 'startup', tables: 1, rows: 7, startNs: 1_650_000_000_000_000_000n }), DEFAULT_MAPPING);
    await a.close();
    assert.equal(r.outcome.spooled, 7);
    // The spool holds points and a description, never the token.
    const files = readdirSync(join(dir, 'spool'), { recursive: true }).map(String);
    for (const f of files) {
      const p = join(dir, 'spool', f);
      if (statSync(p).isFile()) assert.doesNotMatch(readFileSync(p, 'utf8'), /s3cret/, f);
    }
    const vm2 = await startVictoriaMetrics({ port });
    try {
      const b = mk();
      await b.startupDrain();
      await b.close();
      const series = await vm2.waitForSeries('{__name__="startup_value"}', (s) => s.length > 0 && s[0]!.values.length >= 7);
      assert.equal(series[0]!.values.length, 7);
    } finally {
      await vm2.stop();
    }
  });

  it('kill -9 after spooling: a new process re-sends the spool (nothing acknowledged is lost)', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dir = join(dataDir, 'crash');
    // A child process writes to a server that is not there yet, spools, and is killed.
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/spool-child.ts', import.meta.url).pathname, url, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`child did not spool in time: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (out.includes('SPOOLED')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const spooled = Number(/SPOOLED (\d+)/.exec(out)![1]);
    assert.equal(spooled, 300);

    const vm2 = await startVictoriaMetrics({ port });
    try {
      const svc = service(dir);
      const p = await svc.pipelineFor({ url, token: '', org: 'o', bucket: 'b' });
      const r = await writeTables(p, [], DEFAULT_MAPPING);
      await svc.close();
      assert.equal(r.outcome.resent, 300);
      const series = await vm2.waitForSeries('{__name__=~"crash_.*"}', (s) => s.reduce((a, x) => a + x.values.length, 0) >= 300);
      assert.equal(series.reduce((a, x) => a + x.values.length, 0), 300);
    } finally {
      await vm2.stop();
    }
  });
});
