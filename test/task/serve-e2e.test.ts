// End to end: the real `promflux serve` process (bin/promflux.js, built by `npm run build`,
// which `npm test` runs first) on a directory holding a 1 s task that scrapes a local HTTP
// target and writes with to() to a real VictoriaMetrics. After several intervals: every
// scheduled time produced exactly one run, consecutive, and each run's points arrived; the
// task CLI reaches the running serve through its API; SIGTERM gives a clean exit 0 with
// nothing pending.
import { request as httpRequest } from 'node:http';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, requireExternal } from '../support/env.js';
import { startHttpTarget, type HttpTarget } from '../support/http-target.js';
import { startVictoriaMetrics, VICTORIA_METRICS_BIN, type VictoriaMetrics } from '../support/victoria-metrics.js';
import { waitUntil } from '../support/servers.js';

const BIN = join(REPO_ROOT, 'bin', 'promflux.js');
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'cli', 'run.js'));
const skip = requireExternal('victoria-metrics', VICTORIA_METRICS_BIN !== undefined) ?? (BUILT ? undefined : 'dist/ is not built (npm test builds it first)');

interface RunLine {
  task: string;
  scheduled: string;
  lag_ms: number;
  duration_ms: number;
  rows_scraped: number;
  points_written: number;
  outcome: string;
  error?: string;
}

const EXPOSITION = [
  '# HELP e2e_requests_total Requests served.',
  '# TYPE e2e_requests_total counter',
  'e2e_requests_total{code="200"} 1027',
  'e2e_requests_total{code="500"} 3',
  '# HELP e2e_temperature_celsius Temperature.',
  '# TYPE e2e_temperature_celsius gauge',
  'e2e_temperature_celsius 21.5',
  '',
].join('\n');

let root = '';
let target: HttpTarget | undefined;
let vm: VictoriaMetrics | undefined;
let child: ChildProcess | undefined;

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'promflux-serve-e2e-'));
  target = await startHttpTarget({ '/metrics': { body: EXPOSITION } });
  vm = await startVictoriaMetrics();
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await target?.close();
  await vm?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d));
    p.stderr!.on('data', (d: Buffer) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

test('promflux serve runs a 1 s scrape -> to() task against VictoriaMetrics, then exits cleanly on SIGTERM', { skip, timeout: 120_000 }, async () => {
  const tasks = join(root, 'tasks');
  const data = join(root, 'data');
  mkdirSync(tasks);
  writeFileSync(
    join(tasks, 'e2e.flux'),
    [
      'import "experimental/prometheus"',
      '',
      'option task = {name: "e2e", every: 1s}',
      '',
      `prometheus.scrape(url: "${target!.url}/metrics")`,
      `    |> to(bucket: "e2e", org: "promflux", host: "${vm!.url}", token: "not-a-secret")`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(tasks, 'README.txt'), 'not a task\n');

  // a generous run timeout: on a loaded CI machine a 1 s run may take longer, and this test is
  // about one run per slot and delivery (timeouts are covered by the scheduler tests)
  child = spawn(process.execPath, [BIN, 'serve', tasks, '--data', data, '--listen', '127.0.0.1:0', '--log-format', 'json', '--run-timeout', '30s'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PROMFLUX_CONFIG: join(root, 'no-config.json') },
  });
  let stderr = '';
  const lines: Record<string, unknown>[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    const parts = stderr.split('\n');
    stderr = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        lines.push({ msg: 'unparsed', text: p });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  const runs = () => lines.filter((l) => l.msg === 'run') as unknown as RunLine[];
  const dump = () => JSON.stringify(lines.slice(-20), null, 1);

  await waitUntil(async () => lines.some((l) => l.msg === 'serving'), 30_000, () => `serve did not start: ${dump()}`);
  const serving = lines.find((l) => l.msg === 'serving')!;
  assert.equal(serving.tasks, 1, dump());
  assert.match(String(serving.url), /^http:\/\/127\.0\.0\.1:\d+$/);
  await waitUntil(async () => runs().length >= 5, 30_000, () => `fewer than 5 runs: ${dump()}`);

  // the task CLI talks to the running serve through its API
  const list = await cli(['task', 'list', '--data', data, '--json']);
  assert.equal(list.code, 0, list.err);
  const listed = JSON.parse(list.out);
  assert.equal(listed.serving, true);
  assert.equal(listed.tasks[0].name, 'e2e');
  assert.match(listed.tasks[0].nextRun, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const show = await cli(['task', 'show', 'e2e', '--data', data]);
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /^Schedule:\s+every 1s$/m);
  assert.match(show.out, /^Last run, step by step/m);
  const metrics = await (await fetch(`${serving.url}/metrics`)).text();
  assert.match(metrics, /^promflux_task_runs_total\{task="e2e",outcome="success"\} \d+$/m);
  // POSTs from the CLI go through; what a web page could send is refused (403).
  const disabledFrom = Date.now();
  const disable = await cli(['task', 'disable', 'e2e', '--data', data]);
  assert.equal(disable.code, 0, disable.err);
  const enable = await cli(['task', 'enable', 'e2e', '--data', data]);
  assert.equal(enable.code, 0, enable.err);
  const disabledTo = Date.now();
  const formPost = await fetch(`${serving.url}/api/v1/tasks/e2e/disable`, { method: 'POST', headers: { origin: 'https://evil.example' } });
  assert.equal(formPost.status, 403);
  // fetch() will not send another Host: a raw request, as a DNS-rebound page's would arrive.
  const rebound = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${serving.url}/api/v1/tasks`, { headers: { host: 'evil.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(rebound, 403);

  child.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, `serve exit code ${code}: ${dump()}`);
  assert.ok(lines.some((l) => l.msg === 'stopped: runs finished, writes flushed'), dump());
  assert.ok(!existsSync(join(data, 'tasks', 'serve.json')), 'serve.json removed on exit');
  // nothing pending: no batch left in the write spool
  const spooled = existsSync(join(data, 'spool')) ? (readdirSync(join(data, 'spool'), { recursive: true }) as string[]).filter((f) => f.endsWith('.lp')) : [];
  assert.deepEqual(spooled, [], 'no write left in the spool');

  // every scheduled time produced exactly one run, consecutive, all successful
  const all = runs();
  assert.ok(all.length >= 5);
  for (const r of all) {
    assert.equal(r.outcome, 'success', `run failed: ${JSON.stringify(r)}`);
    // one line per run with every field (rows and points come from the runtime's per-call
    // statistics, which scrape and to() report through ctx.stat)
    for (const k of ['lag_ms', 'duration_ms', 'rows_scraped', 'points_written'] as const) assert.equal(typeof r[k], 'number', `${k} in ${JSON.stringify(r)}`);
    assert.equal(r.task, 'e2e');
  }
  const times = all.map((r) => Date.parse(r.scheduled));
  assert.equal(new Set(times).size, times.length, 'no scheduled time ran twice');
  const sorted = [...times].sort((a, b) => a - b);
  // Slots 1 s apart; the only ones that may be missing fell while the task was disabled (the
  // two CLI round trips take more than a second on a loaded machine): enabling skips them.
  for (let i = 1; i < sorted.length; i++) {
    const shown = () => `runs: ${sorted.map((t) => new Date(t).toISOString())}; disabled ${new Date(disabledFrom).toISOString()} to ${new Date(disabledTo).toISOString()}`;
    assert.equal((sorted[i]! - sorted[i - 1]!) % 1000, 0, shown());
    for (let t = sorted[i - 1]! + 1000; t < sorted[i]!; t += 1000) assert.ok(t >= disabledFrom - 1000 && t <= disabledTo + 1000, `slot ${new Date(t).toISOString()} did not run; ${shown()}`);
  }
  for (const t of sorted) assert.equal(t % 1000, 0, 'runs are aligned to whole seconds');
  // the target was scraped once per run
  assert.equal(target!.requests.filter((q) => q.path === '/metrics').length, all.length);

  // every run's points arrived (nothing pending after the SIGTERM): one sample per run and series
  const series = await vm!.waitForSeries('{__name__=~"prometheus_e2e_.*"}', (s) => s.length === 3 && s.every((x) => x.values.length >= all.length), 30_000);
  assert.equal(series.length, 3, JSON.stringify(series.map((s) => s.metric)));
  for (const s of series) {
    assert.equal(s.values.length, all.length, `${JSON.stringify(s.metric)}: one point per run`);
    // each point belongs to one run: scraped at or after its run's scheduled time (runs of
    // one task never overlap, so the points are in run order), and not long after it
    const ts = [...s.timestamps].sort((a, b) => a - b);
    assert.equal(new Set(ts).size, ts.length, 'one point per run');
    ts.forEach((t, i) =>
      assert.ok(t >= sorted[i]! && t < sorted[i]! + 10_000, `point ${new Date(t).toISOString()} belongs to run ${new Date(sorted[i]!).toISOString()}`),
    );
  }
});
