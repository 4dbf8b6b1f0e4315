// `promflux serve` usage errors (exit 2, nothing started) and the shared flag parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { runServe } from '../../src/cli/commands/serve.js';
import { parseDurationMs } from '../../src/cli/duration.js';
import { parseListen } from '../../src/host/http-server.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { stateDir, writeTaskState } from '../../src/task/state.js';
import { FakeClock } from '../support/fake-clock.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('promflux-serve-');

const cases: { name: string; args: string[]; err: RegExp }[] = [
  { name: 'missing path', args: ['serve', '/nonexistent/promflux/tasks'], err: /no such file or directory: \/nonexistent\/promflux\/tasks/ },
  { name: 'bad log format', args: ['serve', '.', '--log-format', 'xml'], err: /--log-format must be text or json/ },
  { name: 'bad listen', args: ['serve', '.', '--listen', 'localhost:http'], err: /--listen must be HOST:PORT or PORT/ },
  { name: 'bad run timeout', args: ['serve', '.', '--run-timeout', '10 parsecs'], err: /--run-timeout must be a duration/ },
  { name: 'a poll of 0 (it would re-read the task files without pause)', args: ['serve', '.', '--poll', '0s'], err: /--poll must be a duration of more than 0/ },
  { name: 'bad max active runs', args: ['serve', '.', '--max-active-runs', '0'], err: /--max-active-runs must be a whole number of at least 1, not "0"/ },
  { name: 'max active runs not a number', args: ['serve', '.', '--max-active-runs', 'lots'], err: /--max-active-runs must be a whole number/ },
];
for (const c of cases) {
  test(`serve usage error: ${c.name}`, async () => {
    const io = memoryIO();
    const code = await main(c.args, io);
    assert.equal(code, 2);
    assert.match(io.err, c.err);
  });
}

test('parseListen: loopback unless a host is given', () => {
  assert.deepEqual(parseListen('9321'), { host: '127.0.0.1', port: 9321 });
  assert.deepEqual(parseListen(':9321'), { host: '127.0.0.1', port: 9321 });
  assert.deepEqual(parseListen('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.equal(parseListen('a:b'), undefined);
  assert.equal(parseListen('1:99999'), undefined);
});

test('parseDurationMs', () => {
  assert.equal(parseDurationMs('1h30m'), 5_400_000);
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs(''), undefined);
  assert.equal(parseDurationMs('5 s'), undefined);
  assert.equal(parseDurationMs('0s'), 0);
});

test('serve with a data directory that cannot be created: one line naming it, exit 1, no internal error', async () => {
  const root = tempDir();
  const file = join(root, 'not-a-dir');
  writeFileSync(file, 'x');
  const data = join(file, 'data');
  const io = memoryIO();
  const code = await main(['serve', root, '--data', data, '--listen', '127.0.0.1:0'], io);
  assert.equal(code, 1);
  assert.equal(io.err.trimEnd().split('\n').length, 1, io.err);
  assert.match(io.err, /^promflux serve: cannot create the data directory /);
  assert.ok(io.err.includes(data), io.err);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
});

test('serve with a data directory on a file system that creates no directories (/proc): the real cause, not "no such file", and no hang', { timeout: 20_000 }, async () => {
  const root = tempDir();
  const io = memoryIO();
  const code = await main(['serve', root, '--data', '/proc/promflux-no-such/data', '--listen', '127.0.0.1:0'], io);
  assert.equal(code, 1);
  assert.equal(io.err, 'promflux serve: cannot create the data directory /proc/promflux-no-such/data: the file system of /proc does not allow creating directories (choose another with --data or PROMFLUX_DATA)\n');
});

test('serve with no task among its paths says so (a warning), and still serves', async () => {
  const root = tempDir();
  const io = memoryIO();
  await runServe([root], { data: join(root, 'data'), listen: '127.0.0.1:0', logFormat: 'json' }, io, { until: Promise.resolve() });
  assert.equal(io.exitCode(), 0, io.err);
  const lines = io.err.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
  const serving = lines.findIndex((l) => l.msg === 'serving');
  assert.ok(serving >= 0, io.err);
  assert.equal(lines[serving + 1]!.level, 'warn');
  assert.match(lines[serving + 1]!.msg, /^no tasks yet/);
});

test('serve after the machine went down with the previous serve (its lock is of another boot): the missed runs that may have run are said to be so', async () => {
  const root = tempDir();
  const tasks = join(root, 'tasks');
  const data = join(root, 'data');
  mkdirSync(tasks);
  writeFileSync(join(tasks, 't.flux'), 'option task = {name: "t", every: 10s}\n\nx = 1\n');
  const resume = async (lockBoot: string | undefined) => {
    rmSync(data, { recursive: true, force: true });
    await writeTaskState(nodeFileSystem, data, { name: 't', enabled: true, lastScheduled: String(BigInt(Date.parse('2026-01-01T12:00:00Z')) * 1_000_000n), runs: [], events: [] });
    // what a serve (pid 999999: not running) left when it stopped without releasing its lock
    if (lockBoot !== undefined) writeFileSync(join(stateDir(data), 'serve.lock'), `999999 1767268800000 0.5 ${lockBoot}`);
    const io = memoryIO();
    await runServe([tasks], { data, listen: '127.0.0.1:0', logFormat: 'json' }, io, { until: Promise.resolve(), clock: new FakeClock('2026-01-01T12:01:07Z') });
    assert.equal(io.exitCode(), 0, io.err);
    return io.err.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const thisBoot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  const otherBoot = thisBoot.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  // :10 to :60 missed; the state may lack the 10 s (two flush intervals) after 12:00:00: :10
  const crashed = await resume(otherBoot);
  assert.ok(crashed.some((l) => l.level === 'warn' && /ended with the machine/.test(String(l.msg))), JSON.stringify(crashed));
  const skipped = crashed.find((l) => l.msg === 'skipped runs missed while promflux was down');
  assert.deepEqual([skipped?.skipped, skipped?.mayHaveRun], [6, 1], JSON.stringify(crashed));
  // kill -9 on this boot, or a clean stop: nothing may be missing, nothing to say
  for (const boot of [thisBoot, undefined]) {
    const lines = await resume(boot);
    const line = lines.find((l) => l.msg === 'skipped runs missed while promflux was down');
    assert.deepEqual([line?.skipped, line?.mayHaveRun], [6, undefined], JSON.stringify(lines));
    assert.ok(!lines.some((l) => /ended with the machine/.test(String(l.msg))));
  }
});

test('serve listening beyond loopback warns that the task API has no authentication; on loopback it does not', async () => {
  const root = tempDir();
  const warned = async (listen: string) => {
    const io = memoryIO();
    await runServe([root], { data: join(root, 'data'), listen, logFormat: 'json' }, io, { until: Promise.resolve() });
    assert.equal(io.exitCode(), 0, io.err);
    return io.err.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string }).some((l) => l.level === 'warn' && /no authentication/.test(l.msg));
  };
  assert.equal(await warned('0.0.0.0:0'), true);
  assert.equal(await warned('127.0.0.1:0'), false);
});

test('a second serve on the same data directory exits 1 naming the first one (pid and address)', async () => {
  const root = tempDir();
  let stop = () => {};
  const until = new Promise<void>((res) => (stop = res));
  const first = memoryIO();
  const running = runServe([root], { data: join(root, 'data'), listen: '127.0.0.1:0', logFormat: 'json' }, first, { until });
  try {
    // wait (up to 10 s) until the first one announces itself
    const deadline = Date.now() + 10_000;
    while (!first.err.includes('"msg":"serving"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const line = first.err.split('\n').find((l) => l.includes('"msg":"serving"'));
    assert.ok(line, first.err);
    const url = (JSON.parse(line) as { url: string }).url;
    const second = memoryIO();
    await runServe([root], { data: join(root, 'data'), listen: '127.0.0.1:0' }, second);
    assert.equal(second.exitCode(), 1);
    assert.equal(second.err, `promflux serve: another promflux serve (pid ${process.pid}, ${url}) is using the data directory ${join(root, 'data')}; stop it, or choose another with --data\n`);
  } finally {
    stop();
    await running;
  }
  assert.equal(first.exitCode(), 0, first.err);
});

test('serve whose data directory refuses the lock file says so, not that another serve runs', async () => {
  const root = tempDir();
  const data = join(root, 'data');
  // A directory where the lock file goes: taking the lock fails with a file-system error
  // (EISDIR), as a read-only (EROFS) or full (ENOSPC) disk makes it fail.
  mkdirSync(join(data, 'tasks', 'serve.lock'), { recursive: true });
  const io = memoryIO();
  await runServe([root], { data, listen: '127.0.0.1:0' }, io);
  assert.equal(io.exitCode(), 1);
  assert.equal(io.err, `promflux serve: cannot lock the data directory ${data} (${join(data, 'tasks', 'serve.lock')}): it is a directory (choose another with --data or PROMFLUX_DATA)\n`);
});

/**
 * A serve started on a data directory holding the lock file `lock` (and, when given, the
 * announcement `announce(root)` as serve.json) that an earlier serve left: it takes over and
 * serves.
 */
async function assertServesOver(lock: string, announce?: (root: string) => unknown): Promise<void> {
  const root = tempDir();
  const data = join(root, 'data');
  mkdirSync(join(data, 'tasks'), { recursive: true });
  writeFileSync(join(data, 'tasks', 'serve.lock'), lock);
  if (announce !== undefined) writeFileSync(join(data, 'tasks', 'serve.json'), JSON.stringify(announce(root)));
  const io = memoryIO();
  await runServe([root], { data, listen: '127.0.0.1:0', logFormat: 'json' }, io, { until: Promise.resolve() });
  assert.equal(io.exitCode(), 0, io.err);
  assert.match(io.err, /"msg":"serving"/);
}

test('serve starts after a serve with the same pid was killed (a container restarted: pid 1 again), taking over its lock', async () => {
  // What `kill -9` of the earlier serve left: its lock and announcement, naming this pid.
  await assertServesOver(`${process.pid} ${Date.now() - 60_000} 0.5`, (root) => ({ pid: process.pid, url: 'http://127.0.0.1:9', started: '2026-01-01T00:00:00Z', paths: [root] }));
});

test('serve starts after a power cut: a lock from another boot of the machine is a leftover, even when its pid is alive now', async () => {
  // The holder's pid now belongs to another live process (here: this test's parent), and
  // the lock names a boot id that is not this boot's.
  await assertServesOver(`${process.ppid} ${Date.now() - 60_000} 0.5 00000000-0000-4000-8000-000000000000`);
});
