// TaskService + TaskLoader + state + API over a real temporary directory, with a fake clock
// and a stand-in runtime (the scheduler core needs no Flux runtime).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, settle } from '../support/fake-clock.js';
import { FluxError } from '../../src/errors/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { FileSystem } from '../../src/host/fs.js';
import { MetricsRegistry } from '../../src/host/metrics.js';
import { manualFileWatcher } from '../../src/host/watch.js';
import { TaskService } from '../../src/task/service.js';
import { createApiHandler } from '../../src/task/api.js';
import { readAllTaskStates } from '../../src/task/state.js';
import type { TaskRuntime } from '../../src/task/loader.js';
import { Duration, RecordValue, Time } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';

const S = 1_000_000_000n;
const iso = (n: bigint) => new Date(Number(n / 1_000_000n)).toISOString().replace('.000Z', 'Z');

/** Reads `option task = {name: "x", every: Ns}` by pattern; `@@` is a syntax error. */
function fakeRuntime() {
  const runs: { source: string; now: bigint | undefined }[] = [];
  const rt: TaskRuntime = {
    check(source, name) {
      const i = source.indexOf('@@');
      if (i < 0) return [];
      const pos = { line: 1, column: i + 1, offset: i };
      return [new FluxError('invalid', 'syntax.unexpectedToken', 'unexpected token @', { span: { start: pos, end: pos }, source: name })];
    },
    async readOptions(source) {
      const out = new Map<string, Value>();
      const m = /option task = \{name: "([^"]*)", every: (\d+)s(?:, concurrency: (-?\d+))?\}/.exec(source);
      if (m) {
        const f: Record<string, Value> = { name: m[1]!, every: Duration.ofNanos(BigInt(m[2]!) * S) };
        if (m[3] !== undefined) f.concurrency = BigInt(m[3]);
        out.set('task', RecordValue.of(f));
      }
      return out;
    },
    async run(source, opts) {
      runs.push({ source, now: opts?.now instanceof Time ? opts.now.ns : undefined });
      return { results: [], stats: { calls: [{ name: 'prometheus.scrape', rowsOut: 7 }, { name: 'filter', rowsIn: 7, rowsOut: 5 }, { name: 'to', rowsIn: 5, rowsOut: 5 }] } };
    },
  };
  return { rt, runs };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(start = '2026-01-01T12:00:07Z') {
  const root = mkdtempSync(join(tmpdir(), 'promflux-task-'));
  dirs.push(root);
  const tasks = join(root, 'tasks');
  const data = join(root, 'data');
  mkdirSync(tasks, { recursive: true });
  const clock = new FakeClock(start);
  const { rt, runs } = fakeRuntime();
  const logs: string[] = [];
  const logger = {
    debug() {},
    info: (m: string, f?: object) => logs.push(`info ${m} ${JSON.stringify(f)}`),
    warn: (m: string, f?: object) => logs.push(`warn ${m} ${JSON.stringify(f)}`),
    error: (m: string, f?: object) => logs.push(`error ${m} ${JSON.stringify(f)}`),
  };
  const watcher = manualFileWatcher();
  const metrics = new MetricsRegistry();
  const make = (extra: { catchUp?: boolean; fs?: FileSystem; paths?: string[] } = {}) =>
    new TaskService({ clock, fs: nodeFileSystem, runtime: rt, dataDir: data, paths: [tasks], metrics, logger, watcher, pollMs: 0, stateFlushMs: 1000, ...extra });
  return { root, tasks, data, clock, runs, logs, watcher, metrics, make };
}

test('serve loads every task file of a directory, ignores other scripts, reports broken ones', async () => {
  const s = setup();
  writeFileSync(join(s.tasks, 'a.flux'), 'option task = {name: "a", every: 10s}\nA\n');
  writeFileSync(join(s.tasks, 'b.flux'), 'option task = {name: "b", every: 5s}\nB\n');
  writeFileSync(join(s.tasks, 'lib.flux'), 'x = 1\n');
  writeFileSync(join(s.tasks, 'notes.txt'), 'option task = {name: "txt", every: 5s}\n');
  writeFileSync(join(s.tasks, 'bad.flux'), 'option task = {name: "bad", every: 5s}\n@@\n');
  writeFileSync(join(s.tasks, 'invalid.flux'), 'option task = {name: "inv", every: 5s, concurrency: 0}\n');
  const svc = s.make();
  await svc.start();
  assert.deepEqual(svc.list().map((t) => [t.name, t.schedule, t.status, t.nextRun]), [
    ['a', 'every 10s', 'enabled', '2026-01-01T12:00:10Z'],
    ['b', 'every 5s', 'enabled', '2026-01-01T12:00:10Z'],
  ]);
  assert.deepEqual([...svc.fileErrors.keys()].map((f) => f.slice(s.tasks.length + 1)).sort(), ['bad.flux', 'invalid.flux']);
  assert.equal(svc.fileErrors.get(join(s.tasks, 'bad.flux'))![0]!.id, 'syntax.unexpectedToken');
  assert.equal(svc.fileErrors.get(join(s.tasks, 'invalid.flux'))![0]!.id, 'task.invalidConcurrency');
  await s.clock.advanceTo('2026-01-01T12:00:15Z');
  assert.deepEqual(s.runs.map((r) => [r.source.slice(-2, -1), iso(r.now!)]), [
    ['A', '2026-01-01T12:00:10Z'],
    ['B', '2026-01-01T12:00:10Z'],
    ['B', '2026-01-01T12:00:15Z'],
  ]);
  const runLines = s.logs.filter((l) => l.startsWith('info run '));
  assert.equal(runLines.length, 3);
  assert.match(runLines[0]!, /"task":"a","scheduled":"2026-01-01T12:00:10Z","lag_ms":0,"duration_ms":0,"rows_scraped":7,"points_written":5,"outcome":"success"/);
  await svc.stop(0);
});

test('editing, breaking, renaming and removing task files reloads them', async () => {
  const s = setup();
  const a = join(s.tasks, 'a.flux');
  writeFileSync(a, 'option task = {name: "a", every: 10s}\nV1\n');
  const svc = s.make();
  await svc.start();
  await s.clock.advanceTo('2026-01-01T12:00:10Z');
  // an edit: picked up through the watcher (debounced) and a scan
  writeFileSync(a, 'option task = {name: "a", every: 10s}\nV2\n');
  s.watcher.trigger(s.tasks);
  await s.clock.advance(50);
  await svc.loader.scan();
  await s.clock.advanceTo('2026-01-01T12:00:20Z');
  // a broken edit keeps the last good version running and logs the error
  writeFileSync(a, 'option task = {name: "a", every: 10s}\n@@ V3\n');
  await svc.loader.scan();
  assert.ok(s.logs.some((l) => l.startsWith('error task reload failed; keeping the last good version') && l.includes('syntax.unexpectedToken')));
  assert.match(svc.summary('a')!.lastError!, /reload failed/);
  await s.clock.advanceTo('2026-01-01T12:00:30Z');
  assert.deepEqual(s.runs.map((r) => r.source.split('\n')[1]), ['V1', 'V2', 'V2']);
  assert.ok(svc.show('a')!.events.some((e) => e.level === 'error' && /keeping the last good version/.test(e.message)));
  // fixed and renamed: the old name goes, the new one comes
  writeFileSync(a, 'option task = {name: "a2", every: 10s}\nV4\n');
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => t.name), ['a2']);
  // a new file appears
  writeFileSync(join(s.tasks, 'c.flux'), 'option task = {name: "c", every: 10s}\nC\n');
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => t.name), ['a2', 'c']);
  // a duplicate name in another file is reported, the first keeps it
  writeFileSync(join(s.tasks, 'd.flux'), 'option task = {name: "c", every: 5s}\nD\n');
  await svc.loader.scan();
  assert.equal(svc.fileErrors.get(join(s.tasks, 'd.flux'))![0]!.id, 'task.duplicateName');
  // removal (of a task file, and of a broken file: its errors go with it)
  unlinkSync(a);
  unlinkSync(join(s.tasks, 'd.flux'));
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => t.name), ['c']);
  assert.equal(svc.fileErrors.size, 0);
  await s.clock.advanceTo('2026-01-01T12:00:40Z');
  assert.deepEqual(s.runs.slice(3).map((r) => r.source.split('\n')[1]), ['C']);
  await svc.stop(0);
});

test('task state persists: a restart resumes, skipping what was missed; disabled stays disabled', async () => {
  const s = setup();
  writeFileSync(join(s.tasks, 'a.flux'), 'option task = {name: "a", every: 10s}\nA\n');
  writeFileSync(join(s.tasks, 'b.flux'), 'option task = {name: "b", every: 10s}\nB\n');
  const svc = s.make();
  await svc.start();
  await s.clock.advanceTo('2026-01-01T12:00:20Z');
  assert.ok(svc.setEnabled('b', false));
  await svc.stop(0);
  const saved = JSON.parse(JSON.stringify((await readAllTaskStates(nodeFileSystem, s.data)).get('a')));
  assert.equal(saved.lastScheduled, String(BigInt(Date.parse('2026-01-01T12:00:20Z')) * 1_000_000n));
  assert.equal(saved.runs.length, 2);
  assert.deepEqual(saved.options, { name: 'a', every: '10s', offset: '0s', concurrency: 1, retry: 0 });
  assert.deepEqual(saved.runs[1].steps.map((x: { name: string }) => x.name), ['prometheus.scrape', 'filter', 'to']);
  assert.equal(saved.runs[0].steps, undefined, 'steps are kept for the newest run only');

  // down from :20 to :47: :30 and :40 are skipped, :50 runs
  await s.clock.advanceTo('2026-01-01T12:00:47Z');
  const before = s.runs.length;
  const svc2 = s.make();
  await svc2.start();
  assert.equal(svc2.summary('b')!.status, 'disabled');
  await s.clock.advanceTo('2026-01-01T12:01:00Z');
  assert.deepEqual(s.runs.slice(before).map((r) => [r.source.slice(-2, -1), iso(r.now!)]), [
    ['A', '2026-01-01T12:00:50Z'],
    ['A', '2026-01-01T12:01:00Z'],
  ]);
  assert.ok(svc2.show('a')!.events.some((e) => /skipped 2 run/.test(e.message)));
  await svc2.stop(0);
});

test('the API: health, metrics, list, show, logs, run, enable, disable', async () => {
  const s = setup();
  writeFileSync(join(s.tasks, 'a.flux'), 'option task = {name: "a", every: 10s}\nA\n');
  const svc = s.make();
  await svc.start();
  const api = createApiHandler(svc, s.metrics, async (_results, format) => `rendered as ${format}\n`);
  const get = async (url: string, method = 'GET') => {
    const r = await api({ method, url, headers: { host: '127.0.0.1:9321', 'x-promflux-client': 'test' } });
    return { status: r.status, type: r.contentType, body: r.contentType.startsWith('application/json') ? JSON.parse(r.body) : r.body };
  };
  await s.clock.advanceTo('2026-01-01T12:00:20Z');
  assert.deepEqual((await get('/health')).body, { status: 'ok', tasks: 1, running: 0 });
  const m = await get('/metrics');
  assert.match(m.type, /^text\/plain; version=0\.0\.4/);
  assert.match(m.body, /^promflux_task_runs_total\{task="a",outcome="success"\} 2$/m);
  assert.match(m.body, /^promflux_task_rows_scraped_total\{task="a"\} 14$/m);
  assert.match(m.body, /^promflux_task_points_written_total\{task="a"\} 10$/m);
  assert.match(m.body, /^promflux_task_start_lag_seconds_count\{task="a"\} 2$/m);
  assert.match(m.body, /^promflux_tasks\{state="enabled"\} 1$/m);
  const list = await get('/api/v1/tasks');
  assert.equal(list.body.tasks[0].name, 'a');
  assert.equal(list.body.tasks[0].lastRun.outcome, 'success');
  const show = await get('/api/v1/tasks/a');
  assert.equal(show.body.options.every, '10s');
  assert.equal(show.body.runs.length, 2);
  assert.deepEqual(show.body.runs[1].steps[1], { name: 'filter', rowsIn: 7, rowsOut: 5 });
  assert.equal((await get('/api/v1/tasks/nope')).status, 404);
  assert.equal((await get('/api/v1/tasks/nope')).body.error.id, 'task.notFound');
  const run = await get('/api/v1/tasks/a/run?format=csv', 'POST');
  assert.equal(run.body.run.outcome, 'success');
  assert.equal(run.body.run.manual, true);
  assert.equal(run.body.output, 'rendered as csv\n');
  assert.equal((await get('/api/v1/tasks/a/run', 'GET')).status, 405);
  assert.deepEqual((await get('/api/v1/tasks/a/disable', 'POST')).body, { name: 'a', status: 'disabled' });
  await s.clock.advanceTo('2026-01-01T12:00:40Z');
  assert.equal(s.runs.length, 3, 'no scheduled run while disabled');
  assert.deepEqual((await get('/api/v1/tasks/a/enable', 'POST')).body, { name: 'a', status: 'enabled' });
  await s.clock.advanceTo('2026-01-01T12:00:50Z');
  assert.equal(s.runs.length, 4);
  const logs = await get('/api/v1/tasks/a/logs');
  assert.equal(logs.body.runs.length, 4);
  assert.deepEqual(logs.body.events.map((e: { message: string }) => e.message), ['disabled', 'enabled']);
  await svc.stop(0);
  assert.ok((await readAllTaskStates(nodeFileSystem, s.data)).has('a'));
  await settle();
});

test('the API refuses what a web page could send: a foreign Host (DNS rebinding), a POST without the client header or from another origin', async () => {
  const s = setup();
  writeFileSync(join(s.tasks, 'a.flux'), 'option task = {name: "a", every: 10s}\nA\n');
  const svc = s.make();
  await svc.start();
  const api = createApiHandler(svc, s.metrics, undefined, { allowedHosts: ['promflux.internal'] });
  const call = async (method: string, url: string, headers: Record<string, string>) => {
    const r = await api({ method, url, headers });
    return { status: r.status, body: JSON.parse(r.body) as { error?: { id: string; message: string } } };
  };
  const cli = { 'x-promflux-client': 'promflux-cli' };
  // Hosts: IP addresses, localhost and the listen host pass; any other name is refused.
  for (const host of ['127.0.0.1:9321', 'localhost:9321', '[::1]:9321', 'promflux.internal:9321', '10.1.2.3']) {
    assert.equal((await call('GET', '/api/v1/tasks', { host })).status, 200, host);
  }
  const rebound = await call('GET', '/api/v1/tasks', { host: 'evil.example:9321' });
  assert.equal(rebound.status, 403);
  assert.equal(rebound.body.error!.id, 'api.refused');
  assert.match(rebound.body.error!.message, /host "evil\.example"/);
  // POST: the client header is required; a foreign or opaque Origin is refused.
  const noHeader = await call('POST', '/api/v1/tasks/a/disable', { host: '127.0.0.1:9321' });
  assert.equal(noHeader.status, 403);
  assert.match(noHeader.body.error!.message, /x-promflux-client/);
  assert.equal((await call('POST', '/api/v1/tasks/a/disable', { host: '127.0.0.1:9321', ...cli, origin: 'https://evil.example' })).status, 403);
  assert.equal((await call('POST', '/api/v1/tasks/a/disable', { host: '127.0.0.1:9321', ...cli, origin: 'null' })).status, 403);
  assert.ok(svc.list().every((t) => t.status === 'enabled'), 'nothing was disabled by a refused request');
  assert.equal((await call('POST', '/api/v1/tasks/a/disable', { host: '127.0.0.1:9321', ...cli, origin: 'http://127.0.0.1:9321' })).status, 200);
  assert.equal((await call('POST', '/api/v1/tasks/a/enable', { host: '127.0.0.1:9321', ...cli })).status, 200);
  // /health and /metrics stay open (Prometheus scrapes /metrics by any name).
  assert.equal((await api({ method: 'GET', url: '/metrics', headers: { host: 'monitoring.example:9321' } })).status, 200);
  await svc.stop(0);
  await settle();
});

test('serve --catch-up: a restart runs the slots missed while down, in order, with now() = each slot', async () => {
  const s = setup();
  writeFileSync(join(s.tasks, 'a.flux'), 'option task = {name: "a", every: 10s}\nA\n');
  const svc = s.make();
  await svc.start();
  await s.clock.advanceTo('2026-01-01T12:00:10Z');
  await svc.stop(0);
  await s.clock.advanceTo('2026-01-01T12:00:43Z');
  const before = s.runs.length;
  const svc2 = s.make({ catchUp: true });
  await svc2.start();
  await s.clock.advanceTo('2026-01-01T12:00:50Z');
  assert.deepEqual(s.runs.slice(before).map((r) => iso(r.now!)), ['2026-01-01T12:00:20Z', '2026-01-01T12:00:30Z', '2026-01-01T12:00:40Z', '2026-01-01T12:00:50Z']);
  await svc2.stop(0);
});

test('a file refused for a duplicate task name takes the name over once its owner is removed or renamed', async () => {
  const s = setup();
  const a = join(s.tasks, 'a.flux');
  const b = join(s.tasks, 'b.flux');
  writeFileSync(a, 'option task = {name: "node", every: 10s}\nA\n');
  writeFileSync(b, 'option task = {name: "node", every: 10s}\nB\n');
  const svc = s.make();
  await svc.start();
  assert.equal(svc.fileErrors.get(b)![0]!.id, 'task.duplicateName');
  // the owner goes: b, unchanged, is loaded in the same scan and its error is gone
  unlinkSync(a);
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => [t.name, t.file]), [['node', b]]);
  assert.equal(svc.fileErrors.size, 0);
  await s.clock.advanceTo('2026-01-01T12:00:10Z');
  assert.deepEqual(s.runs.map((r) => r.source.split('\n')[1]), ['B']);
  // the owner comes back and is refused in turn; when b renames its task, a gets "node" back
  writeFileSync(a, 'option task = {name: "node", every: 10s}\nA2\n');
  await svc.loader.scan();
  assert.equal(svc.fileErrors.get(a)![0]!.id, 'task.duplicateName');
  writeFileSync(b, 'option task = {name: "other", every: 10s}\nB2\n');
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => [t.name, t.file]).sort(), [['node', a], ['other', b]]);
  assert.equal(svc.fileErrors.size, 0);
  await svc.stop(0);
});

test('an unreadable task file is reported once as task.unreadableFile, loaded once readable, forgotten once removed', async () => {
  const s = setup();
  const locked = join(s.tasks, 'locked.flux');
  writeFileSync(locked, 'option task = {name: "locked", every: 10s}\nL\n');
  const denied = new Set([locked]);
  // as a chmod 000 does (root reads through it, so the test denies in the file system)
  const fs: FileSystem = {
    ...nodeFileSystem,
    readFile: async (p) => {
      if (denied.has(p)) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
      return nodeFileSystem.readFile(p);
    },
  };
  const svc = s.make({ fs });
  await svc.start();
  const errs = svc.fileErrors.get(locked)!;
  assert.equal(errs[0]!.id, 'task.unreadableFile');
  assert.equal(errs[0]!.source, locked);
  const reported = () => s.logs.filter((l) => l.startsWith('error ') && l.includes('task.unreadableFile')).length;
  assert.equal(reported(), 1);
  // rescans do not report it again
  await svc.loader.scan();
  await svc.loader.scan();
  assert.equal(reported(), 1);
  // readable again (a chmod: same size and mtime): loaded at the next scan
  denied.delete(locked);
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => t.name), ['locked']);
  assert.equal(svc.fileErrors.size, 0);
  // a new unreadable file, then removed: its error goes with it
  const other = join(s.tasks, 'other.flux');
  writeFileSync(other, 'option task = {name: "other", every: 10s}\nO\n');
  denied.add(other);
  await svc.loader.scan();
  assert.equal(svc.fileErrors.get(other)![0]!.id, 'task.unreadableFile');
  unlinkSync(other);
  await svc.loader.scan();
  assert.equal(svc.fileErrors.size, 0);
  assert.deepEqual(svc.list().map((t) => t.name), ['locked']);
  await svc.stop(0);
});

test('a file named as a path that does not declare option task is reported (once per version) as not scheduled', async () => {
  const s = setup();
  const named = join(s.tasks, 'query.flux');
  const inDir = join(s.root, 'lib');
  mkdirSync(inDir);
  writeFileSync(named, 'from(bucket: "m")\n');
  writeFileSync(join(inDir, 'helper.flux'), 'x = 1\n');
  const svc = s.make({ paths: [named, inDir] });
  await svc.start();
  const warned = () => s.logs.filter((l) => l.startsWith('warn not a task'));
  assert.equal(warned().length, 1);
  assert.ok(warned()[0]!.includes(JSON.stringify(named)), warned()[0]);
  // a rescan of the unchanged file says nothing more; a file found in a directory is not named
  await svc.loader.scan();
  assert.equal(warned().length, 1);
  // once it declares a task, it is scheduled
  writeFileSync(named, 'option task = {name: "q", every: 10s}\nQ\n');
  await svc.loader.scan();
  assert.deepEqual(svc.list().map((t) => t.name), ['q']);
  await svc.stop(0);
});

test('a task file saved in place (emptied, then written) keeps the task as it was: a disabled task stays disabled, its runs kept', async () => {
  const s = setup();
  const file = join(s.tasks, 'node.flux');
  writeFileSync(file, 'option task = {name: "node", every: 10s}\nA\n');
  const svc = s.make();
  await svc.start();
  await s.clock.advance(10_000);
  await settle();
  assert.equal(svc.show('node')!.runs.length, 1);
  assert.equal(svc.setEnabled('node', false), true);
  // An editor that writes in place: the truncated file is seen before the new content.
  writeFileSync(file, '');
  await svc.loader.scan();
  assert.deepEqual(svc.list(), []);
  writeFileSync(file, 'option task = {name: "node", every: 10s}\nA2\n');
  await s.clock.advance(1_000);
  await svc.loader.scan();
  assert.equal(svc.summary('node')!.status, 'disabled');
  assert.equal(svc.show('node')!.runs.length, 1);
  await s.clock.advance(120_000);
  await settle();
  assert.equal(s.runs.length, 1, 'the disabled task ran');
  assert.equal(svc.show('node')!.runs.length, 1);
  // Really removed: its state is forgotten a minute later.
  unlinkSync(file);
  await svc.loader.scan();
  await s.clock.advance(61_000);
  await settle();
  await svc.stop(0);
  assert.equal((await readAllTaskStates(nodeFileSystem, s.data)).has('node'), false);
});

test('a task removed shortly before serve stops is forgotten at the stop', async () => {
  const s = setup();
  const file = join(s.tasks, 'gone.flux');
  writeFileSync(file, 'option task = {name: "gone", every: 10s}\nG\n');
  const svc = s.make();
  await svc.start();
  unlinkSync(file);
  await svc.loader.scan();
  await svc.stop(0);
  assert.equal((await readAllTaskStates(nodeFileSystem, s.data)).has('gone'), false);
});
