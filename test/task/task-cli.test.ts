// `promflux task ...` without a running serve: it reads and writes the task state in the data
// directory. (With a serve running, test/task/serve-e2e.test.ts drives it through the API.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { writeTaskState, persistRun, readAllTaskStates } from '../../src/task/state.js';
import type { RunRecord } from '../../src/task/scheduler.js';

const root = mkdtempSync(join(tmpdir(), 'promflux-task-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

const run = (r: Partial<RunRecord>): RunRecord => ({
  task: 'node',
  version: 'abc',
  scheduledNs: ns('2026-01-01T12:00:10Z'),
  executeAtNs: ns('2026-01-01T12:00:10Z'),
  startedNs: ns('2026-01-01T12:00:10.002Z'),
  lagMs: 2,
  durationMs: 41.5,
  attempts: 1,
  outcome: 'success',
  rowsScraped: 120,
  pointsWritten: 118,
  manual: false,
  ...r,
});

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await main([...args, '--data', data], io);
  return { code, out: io.out, err: io.err };
}

test('setup: a state left by an earlier serve', async () => {
  await writeTaskState(nodeFileSystem, data, {
    name: 'node',
    enabled: true,
    file: join(root, 'node.flux'),
    schedule: 'every 10s',
    lastScheduled: String(ns('2026-01-01T12:00:20Z')),
    lastSuccess: String(ns('2026-01-01T12:00:10Z')),
    runs: [
      persistRun(run({})),
      persistRun(
        run({
          scheduledNs: ns('2026-01-01T12:00:20Z'),
          startedNs: ns('2026-01-01T12:00:20Z'),
          outcome: 'failed',
          error: { code: 'unavailable', id: 'scrape.connect', message: 'connection refused' },
          rowsScraped: 0,
          pointsWritten: 0,
          steps: [
            { name: 'prometheus.scrape', span: { start: { line: 3, column: 1, offset: 40 }, end: { line: 3, column: 50, offset: 89 } }, rowsOut: 0, ms: 3.2 },
            { name: 'to', rowsIn: 0, rowsOut: 0, ms: 0.1 },
          ],
        }),
      ),
    ],
    events: [{ time: '2026-01-01T12:00:05Z', level: 'info', message: 'loaded' }],
  });
});

test('task list reads the data directory when no serve runs', async () => {
  const r = await cli('task', 'list');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+SCHEDULE\s+STATUS\s+LAST RUN\s+NEXT RUN\s+LAST ERROR$/);
  assert.match(lines[1]!, /^node\s+every 10s\s+enabled\s+2026-01-01T12:00:20Z failed\s+- \(not serving\)\s+connection refused$/);
  const j = JSON.parse((await cli('task', 'list', '--json')).out);
  assert.equal(j.serving, false);
  assert.equal(j.tasks[0].name, 'node');
  assert.equal(j.tasks[0].lastRun.error.id, 'scrape.connect');
});

test('task show prints options, recent runs and the last run step by step', async () => {
  const r = await cli('task', 'show', 'node');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Task:\s+node$/m);
  assert.match(r.out, /^Recent runs:$/m);
  assert.match(r.out, /^  2026-01-01T12:00:20Z\s+failed\s+2\.0ms\s+41\.5ms\s+0\s+0\s+scrape\.connect: connection refused$/m);
  assert.match(r.out, /^  2026-01-01T12:00:10Z\s+success\s+2\.0ms\s+41\.5ms\s+120\s+118$/m);
  assert.match(r.out, /^Last run, step by step \(scheduled 2026-01-01T12:00:20Z, failed\):$/m);
  assert.match(r.out, /^  3:1-3:50\s+prometheus\.scrape\s+-\s+0\s+3\.2ms$/m);
  assert.match(r.out, /^\s+to\s+0\s+0\s+0\.1ms$/m);
  const j = JSON.parse((await cli('task', 'show', 'node', '--json')).out);
  assert.equal(j.runs.length, 2);
  const missing = await cli('task', 'show', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no task named "nope"/);
});

test('task logs prints one line per run, with events, in time order', async () => {
  const r = await cli('task', 'logs', 'node');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^2026-01-01T12:00:05Z info loaded$/);
  assert.match(lines[1]!, /run task=node scheduled=2026-01-01T12:00:10Z lag_ms=2 duration_ms=41\.5 rows_scraped=120 points_written=118 outcome=success$/);
  assert.match(lines[2]!, /outcome=failed error="connection refused"$/);
});

test('task disable / enable write the state for the next serve', async () => {
  const d = await cli('task', 'disable', 'node');
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /task node: disabled \(takes effect when promflux serve starts\)/);
  assert.equal((await readAllTaskStates(nodeFileSystem, data)).get('node')?.enabled, false);
  assert.match((await cli('task', 'list')).out, /node\s+every 10s\s+disabled/);
  const e = await cli('task', 'enable', 'node', '--json');
  assert.deepEqual(JSON.parse(e.out), { name: 'node', status: 'enabled', serving: false });
  assert.equal((await readAllTaskStates(nodeFileSystem, data)).get('node')?.enabled, true);
  assert.equal((await cli('task', 'enable', 'ghost')).code, 1);
});

test('task run without a serve fails clearly when the task file is gone', async () => {
  const r = await cli('task', 'run', 'node');
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot read .*node\.flux, the file of task "node"/);
});

test('task run without a serve runs the task file once here and prints its results', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(root, 'once.flux');
  writeFileSync(file, 'import "array"\n\noption task = {name: "once", every: 1h}\n\narray.from(rows: [{answer: 42}])\n');
  await writeTaskState(nodeFileSystem, data, { name: 'once', enabled: true, file, schedule: 'every 1h', runs: [], events: [] });
  const r = await cli('task', 'run', 'once', '--format', 'csv');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /answer/);
  assert.match(r.out, /42/);
  assert.match(r.err, /^task once: success in /m);
  // a broken file: its diagnostics, exit 2 for a syntax error
  writeFileSync(file, 'option task = {name: "once", every: 1h}\nx = (\n');
  const b = await cli('task', 'run', 'once');
  assert.equal(b.code, 2);
  assert.match(b.err, /once\.flux:2:6: unexpected end of input/);
});

test('task run without a serve masks credentials of the task file in the quoted line of an error', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(root, 'secret.flux');
  // a closed port: the scrape fails at once, and its diagnostic quotes the line
  writeFileSync(file, 'import "experimental/prometheus"\noption task = {name: "secret", every: 1h}\nprometheus.scrape(url: "http://u:pw-S3CRET@127.0.0.1:1/m", bearerToken: "tok-S3CRET")\n');
  await writeTaskState(nodeFileSystem, data, { name: 'secret', enabled: true, file, schedule: 'every 1h', runs: [], events: [] });
  const r = await cli('task', 'run', 'secret');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, / 3 \| prometheus\.scrape\(url: "http:\/\/u:\*+@127\.0\.0\.1:1\/m", bearerToken: "\*+"\)/);
  assert.doesNotMatch(r.err, /S3CRET/);
});

test('task run without a serve prints the run\'s warnings (a fleet target that failed) on stderr', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(root, 'fleet.flux');
  writeFileSync(file, 'import "experimental/prometheus"\noption task = {name: "fleet", every: 1h}\nprometheus.scrapeTargets(targets: ["127.0.0.1:1"], job: "dead") |> filter(fn: (r) => r._field == "up")\n');
  await writeTaskState(nodeFileSystem, data, { name: 'fleet', enabled: true, file, schedule: 'every 1h', runs: [], events: [] });
  const r = await cli('task', 'run', 'fleet');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /WARN .*prometheus\.scrapeTargets: .*id=scrape\.connectionRefused/);
  assert.match(r.err, /^task fleet: success in /m);
});

test('a damaged task state is a clear error (exit 1) naming the file, not a crash', async () => {
  const { mkdirSync, mkdtempSync: tmp, writeFileSync } = await import('node:fs');
  const other = tmp(join(tmpdir(), 'promflux-taskcli-bad-'));
  try {
    mkdirSync(join(other, 'tasks'));
    writeFileSync(join(other, 'tasks', 'state.json'), '{"format":');
    for (const args of [['task', 'list'], ['task', 'show', 'node'], ['task', 'disable', 'node']]) {
      const io = memoryIO();
      const code = await main([...args, '--data', other], io);
      assert.equal(code, 1, `${args.join(' ')}: ${io.err}`);
      assert.match(io.err, /cannot read the task state .*state\.json: .*move it aside/);
      assert.doesNotMatch(io.err, /internal error|\n\s+at /);
    }
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

test('task --url: a malformed URL is a usage error (exit 2); a closed port says the connection was refused', async () => {
  for (const url of ['notaurl', 'ftp://127.0.0.1:9321']) {
    const r = await cli('task', 'list', '--url', url);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^promflux task: --url must be the http URL of a promflux serve/);
  }
  // a port that was free a moment ago (fetch refuses to even try some, such as 1)
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((res) => srv.close(() => res()));
  const r = await cli('task', 'list', '--url', `http://127.0.0.1:${port}`);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`^promflux task: cannot reach promflux serve at http://127\\.0\\.0\\.1:${port}: connection refused`));
  assert.doesNotMatch(r.err, /fetch failed/);
});
