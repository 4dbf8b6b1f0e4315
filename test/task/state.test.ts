// Task state persistence (src/task/state.ts): changes are appended to a journal with one
// fsync per flush; a compaction writes a snapshot and starts the next journal; a restart reads
// the snapshot and replays the journal, dropping a torn last line and ignoring a journal the
// snapshot no longer names; per-task files of earlier versions are read and then removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileSystem, type FileSystem } from '../../src/host/fs.js';
import { TaskStateStore, readAllTaskStates, stateDir } from '../../src/task/state.js';
import type { RunRecord } from '../../src/task/scheduler.js';
import type { Logger } from '../../src/host/logger.js';
import { FakeClock, settle } from '../support/fake-clock.js';

const S = 1_000_000_000n;

function record(task: string, slot: number, outcome: RunRecord['outcome'] = 'success', withSteps = false): RunRecord {
  return {
    task,
    version: 'v1',
    scheduledNs: BigInt(slot) * 10n * S,
    executeAtNs: BigInt(slot) * 10n * S,
    startedNs: BigInt(slot) * 10n * S + 1_000_000n,
    lagMs: 1,
    durationMs: 2.5,
    attempts: 1,
    outcome,
    rowsScraped: 11,
    pointsWritten: 0,
    manual: false,
    ...(withSteps ? { steps: [{ name: 'prometheus.scrape', rowsOut: 11, ms: 1 }] } : {}),
  };
}

function tracingFs(calls: string[]): FileSystem {
  return {
    ...nodeFileSystem,
    appendDurable: (path, data) => {
      calls.push(`append ${path.split('/').pop()} lines=${new TextDecoder().decode(data).split('\n').length - 1}`);
      return nodeFileSystem.appendDurable(path, data);
    },
    writeFileDurable: (path, data, options) => {
      calls.push(`write ${path.split('/').pop()}`);
      return nodeFileSystem.writeFileDurable(path, data, options);
    },
  };
}

function withDir(fn: (dataDir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promflux-state-'));
    try {
      await fn(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

const clock = () => new FakeClock('2026-01-01T00:00:00Z');

test('a flush appends the buffered changes to the journal in one write; a restart replays them', withDir(async (dataDir) => {
  const calls: string[] = [];
  const store = new TaskStateStore({ fs: tracingFs(calls), dataDir, clock: clock(), flushMs: 60_000 });
  for (const name of ['a', 'b', 'c']) store.markScheduled(name, 10n * S);
  store.recordRun(record('b', 1));
  store.recordRun(record('b', 2, 'failed', true));
  await store.flush();
  // three new tasks, three scheduled times, two runs
  assert.deepEqual(calls, ['append journal.0.jsonl lines=8']);
  calls.length = 0;
  await store.flush();
  assert.deepEqual(calls, [], 'nothing buffered: no write');
  store.setEnabled('c', false);
  store.event('c', 'info', 'disabled');
  await store.close();
  assert.deepEqual(calls, ['append journal.0.jsonl lines=2']);

  const back = await readAllTaskStates(nodeFileSystem, dataDir);
  assert.deepEqual([...back.keys()], ['a', 'b', 'c']);
  const b = back.get('b')!;
  assert.equal(b.lastScheduled, String(20n * S));
  assert.equal(b.lastSuccess, String(10n * S), 'the failed run is not a success');
  assert.deepEqual(b.runs.map((r) => r.outcome), ['success', 'failed']);
  assert.equal(b.runs[1]!.steps?.[0]?.name, 'prometheus.scrape');
  assert.equal(back.get('c')!.enabled, false);
  assert.deepEqual(back.get('c')!.events.map((e) => e.message), ['disabled']);
}));

test('opening the store compacts: a snapshot of the next generation, the old journal removed', withDir(async (dataDir) => {
  const first = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000, keepRuns: 3 });
  for (let i = 1; i <= 5; i++) first.recordRun(record('a', i, 'success', true));
  await first.close();
  assert.deepEqual(readdirSync(stateDir(dataDir)), ['journal.0.jsonl']);

  const calls: string[] = [];
  const second = new TaskStateStore({ fs: tracingFs(calls), dataDir, clock: clock(), flushMs: 60_000, keepRuns: 3 });
  await second.load();
  const a = second.get('a')!;
  assert.deepEqual(a.runs.map((r) => r.scheduled), [String(30n * S), String(40n * S), String(50n * S)], 'the newest keepRuns runs');
  assert.deepEqual(a.runs.map((r) => r.steps !== undefined), [false, false, true], 'steps on the newest run only');
  second.recordRun(record('a', 6));
  await second.close();
  assert.deepEqual(calls, ['append journal.0.jsonl lines=1', 'write state.json']);
  assert.deepEqual(readdirSync(stateDir(dataDir)).sort(), ['state.json']);
  const snap = JSON.parse(readFileSync(join(stateDir(dataDir), 'state.json'), 'utf8'));
  assert.equal(snap.journal, 1);
  assert.deepEqual(snap.tasks[0].runs.map((r: { scheduled: string }) => r.scheduled), [String(40n * S), String(50n * S), String(60n * S)]);

  const back = await readAllTaskStates(nodeFileSystem, dataDir);
  assert.equal(back.get('a')!.lastScheduled, String(60n * S));
}));

test('a journal larger than the limit is compacted, and changes made meanwhile are neither lost nor doubled', withDir(async (dataDir) => {
  const calls: string[] = [];
  const store = new TaskStateStore({ fs: tracingFs(calls), dataDir, clock: clock(), flushMs: 60_000, compactBytes: 2000 });
  for (let i = 1; i <= 20; i++) store.recordRun(record(`t${i % 4}`, i));
  const flushing = store.flush();
  // while the flush (and its compaction) is in progress
  store.recordRun(record('t0', 21));
  await flushing;
  assert.ok(calls.includes('write state.json'), calls.join(', '));
  await store.close();
  const back = await readAllTaskStates(nodeFileSystem, dataDir);
  assert.deepEqual(back.get('t0')!.runs.map((r) => Number(BigInt(r.scheduled) / (10n * S))), [4, 8, 12, 16, 20, 21]);
  assert.deepEqual(back.get('t1')!.runs.map((r) => Number(BigInt(r.scheduled) / (10n * S))), [1, 5, 9, 13, 17]);
}));

test('a torn last line is dropped; a journal the snapshot no longer names is ignored', withDir(async (dataDir) => {
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  await store.load();
  store.recordRun(record('a', 1));
  await store.close(); // compacts: state.json names journal 1
  const dir = stateDir(dataDir);
  const snap = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  assert.equal(snap.journal, 1);
  // a crash after the snapshot and before the old journal was removed would leave this one
  writeFileSync(join(dir, 'journal.0.jsonl'), JSON.stringify({ op: 'run', name: 'a', run: { scheduled: '1', outcome: 'success' } }) + '\n');
  // a run appended, then a crash in the middle of the next line
  appendFileSync(join(dir, 'journal.1.jsonl'), JSON.stringify({ op: 'scheduled', name: 'a', ns: String(20n * S) }) + '\n{"op":"run","name":"a","ru');
  const back = await readAllTaskStates(nodeFileSystem, dataDir);
  assert.equal(back.get('a')!.runs.length, 1);
  assert.equal(back.get('a')!.lastScheduled, String(20n * S));

  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
  const reopened = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000, logger });
  await reopened.load();
  await reopened.close();
  assert.equal(warnings.length, 1);
  assert.deepEqual(readdirSync(dir).sort(), ['state.json']);
  assert.equal((await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!.lastScheduled, String(20n * S));
}));

test('per-task files of an earlier version are read, then replaced by the snapshot', withDir(async (dataDir) => {
  const dir = stateDir(dataDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'old.json'), JSON.stringify({ name: 'old', enabled: false, lastScheduled: String(10n * S), runs: [], events: [] }));
  writeFileSync(join(dir, 'serve.json'), JSON.stringify({ url: 'http://127.0.0.1:1' }));
  assert.equal((await readAllTaskStates(nodeFileSystem, dataDir)).get('old')!.enabled, false);
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  await store.load();
  assert.equal(store.get('old')!.enabled, false);
  await store.close();
  assert.deepEqual(readdirSync(dir).sort(), ['serve.json', 'state.json']);
  assert.equal((await readAllTaskStates(nodeFileSystem, dataDir)).get('old')!.lastScheduled, String(10n * S));
}));

test('a forgotten task is gone after a restart', withDir(async (dataDir) => {
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  store.recordRun(record('a', 1));
  store.recordRun(record('b', 1));
  store.forget('a');
  await store.close();
  assert.deepEqual([...(await readAllTaskStates(nodeFileSystem, dataDir)).keys()], ['b']);
}));

test('when the disk fails, the next flush writes the whole state as a snapshot (nothing buffered without bound)', withDir(async (dataDir) => {
  let failAppends = 1;
  let failWrites = 1;
  const calls: string[] = [];
  const inner = tracingFs(calls);
  const fs: FileSystem = {
    ...inner,
    appendDurable: (path, data) => (failAppends-- > 0 ? Promise.reject(new Error('ENOSPC: no space left on device')) : inner.appendDurable(path, data)),
    writeFileDurable: (path, data, options) => (failWrites-- > 0 ? Promise.reject(new Error('ENOSPC: no space left on device')) : inner.writeFileDurable(path, data, options)),
  };
  const store = new TaskStateStore({ fs, dataDir, clock: clock(), flushMs: 60_000 });
  store.recordRun(record('a', 1));
  await assert.rejects(store.flush(), /ENOSPC/); // the append fails
  store.recordRun(record('a', 2));
  await assert.rejects(store.flush(), /ENOSPC/); // the append succeeds, the snapshot fails
  store.recordRun(record('a', 3));
  await store.close(); // appended, then the snapshot
  assert.deepEqual(calls, ['append journal.0.jsonl lines=1', 'append journal.0.jsonl lines=1', 'write state.json']);
  const a = (await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!;
  assert.deepEqual(a.runs.map((r) => Number(BigInt(r.scheduled) / (10n * S))), [1, 2, 3]);
}));

test('a damaged snapshot is an error naming the file, and is left in place', withDir(async (dataDir) => {
  const dir = stateDir(dataDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'state.json'), '{"format":"promflux-task-state/1","journal":3,"tasks":[{"na');
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  await assert.rejects(store.load(), (e: Error) => e.message.includes(join(dir, 'state.json')) && /move it aside/.test(e.message));
  await assert.rejects(readAllTaskStates(nodeFileSystem, dataDir), /cannot read the task state/);
  assert.ok(readFileSync(join(dir, 'state.json'), 'utf8').endsWith('"na'));
}));

test('a snapshot a killed process did not finish (its temporary file) is removed at the next start once old; a recent one is left', withDir(async (dataDir) => {
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  await store.load();
  store.recordRun(record('a', 1));
  await store.close();
  const dir = stateDir(dataDir);
  // What kill -9 in the middle of FileSystem.writeFileDurable leaves: `.tmp-<pid>-<n>-state.json`.
  writeFileSync(join(dir, '.tmp-4242-7-state.json'), '{"format":"promflux-task-state/1","journal":');
  writeFileSync(join(dir, '.tmp-4243-1-state.json'), '{"format"');
  const clk = clock();
  const written = clk.nowNanos() / 1_000_000n;
  utimesSync(join(dir, '.tmp-4242-7-state.json'), new Date(Number(written) - 11 * 60_000), new Date(Number(written) - 11 * 60_000));
  utimesSync(join(dir, '.tmp-4243-1-state.json'), new Date(Number(written) - 60_000), new Date(Number(written) - 60_000));
  const reopened = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clk, flushMs: 60_000 });
  await reopened.load();
  await reopened.close();
  assert.deepEqual(readdirSync(dir).sort(), ['.tmp-4243-1-state.json', 'state.json']);
  assert.equal((await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!.runs.length, 1);
}));

test('after a crash mid-append (a torn last line), the next change is appended on a line of its own and survives another crash', withDir(async (dataDir) => {
  const store = new TaskStateStore({ fs: nodeFileSystem, dataDir, clock: clock(), flushMs: 60_000 });
  await store.load();
  store.recordRun(record('a', 1));
  await store.close(); // a snapshot naming journal 1
  const dir = stateDir(dataDir);
  appendFileSync(join(dir, 'journal.1.jsonl'), '{"op":"run","name":"a","ru'); // kill -9 mid-append
  // The next process appends a change; then it dies before its snapshot is written.
  const failSnapshot: FileSystem = {
    ...nodeFileSystem,
    writeFileDurable: (path, data, options) =>
      path.endsWith('state.json') ? Promise.reject(Object.assign(new Error('killed'), { code: 'EIO' })) : nodeFileSystem.writeFileDurable(path, data, options),
  };
  const next = new TaskStateStore({ fs: failSnapshot, dataDir, clock: clock(), flushMs: 60_000 });
  await next.load();
  next.markScheduled('a', 30n * S);
  await assert.rejects(next.flush(), /killed/); // the change was appended; the snapshot failed
  const back = await readAllTaskStates(nodeFileSystem, dataDir);
  assert.equal(back.get('a')!.lastScheduled, String(30n * S));
}));

// Changes reach the journal at the end of the turn that made them, unsynced, so a killed
// process (kill -9) loses none of them; the fsync waits for the flush.
/** Let the event loop turn until `done` (the store's file I/O is real); gives up after 10 s. */
async function settleUntil(done: () => boolean): Promise<void> {
  for (const t0 = performance.now(); !done() && performance.now() - t0 < 10_000; ) await settle(1);
}

function syncTracingFs(calls: string[]): FileSystem {
  const lines = (data: Uint8Array) => new TextDecoder().decode(data).split('\n').length - 1;
  return {
    ...nodeFileSystem,
    append: (path, data) => {
      calls.push(`append ${path.split('/').pop()} lines=${lines(data)}`);
      return nodeFileSystem.append(path, data);
    },
    appendDurable: (path, data) => {
      calls.push(`appendDurable ${path.split('/').pop()} lines=${lines(data)}`);
      return nodeFileSystem.appendDurable(path, data);
    },
    syncDir: (path) => {
      calls.push(`syncDir ${path.split('/').pop()}`);
      return nodeFileSystem.syncDir(path);
    },
    writeFileDurable: (path, data, options) => {
      calls.push(`write ${path.split('/').pop()}`);
      return nodeFileSystem.writeFileDurable(path, data, options);
    },
  };
}

test('a change is in the journal file at the end of its turn of the event loop, without an fsync; the flush fsyncs it (and the new journal\'s directory entry)', withDir(async (dataDir) => {
  const calls: string[] = [];
  const clk = clock();
  const store = new TaskStateStore({ fs: syncTracingFs(calls), dataDir, clock: clk, flushMs: 5000 });
  store.markScheduled('a', 10n * S);
  store.recordRun(record('a', 1));
  assert.deepEqual(calls, [], 'nothing written inside the turn');
  await settleUntil(() => calls.length > 0);
  // one unsynced write for the turn's three changes (new task, scheduled, run)
  assert.deepEqual(calls, ['append journal.0.jsonl lines=3']);
  // What a process killed now leaves: the state it had.
  assert.equal((await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!.runs.length, 1);
  store.recordRun(record('a', 2));
  await settleUntil(() => calls.length > 1);
  assert.deepEqual(calls.slice(1), ['append journal.0.jsonl lines=1']);
  calls.length = 0;
  await clk.advance(5000); // the flush: only an fsync is left to do (the file was created unsynced: its directory too)
  await store.flush(); // (waits for the flush the timer started)
  assert.deepEqual(calls, ['appendDurable journal.0.jsonl lines=0', 'syncDir tasks']);
  calls.length = 0;
  await store.close();
  assert.deepEqual(calls, [], 'nothing left to write or sync');
  const a = (await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!;
  assert.deepEqual(a.runs.map((r) => Number(BigInt(r.scheduled) / (10n * S))), [1, 2]);
}));

test('an unsynced write that fails loses nothing: the next flush writes the whole state as a snapshot', withDir(async (dataDir) => {
  const calls: string[] = [];
  const inner = syncTracingFs(calls);
  let failed = 0;
  const fs: FileSystem = {
    ...inner,
    append: () => {
      failed++;
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    },
  };
  const store = new TaskStateStore({ fs, dataDir, clock: clock(), flushMs: 60_000 });
  store.recordRun(record('a', 1));
  await settleUntil(() => failed === 1);
  store.recordRun(record('a', 2));
  await settleUntil(() => failed === 2);
  await store.close();
  assert.deepEqual(calls, ['write state.json']);
  const a = (await readAllTaskStates(nodeFileSystem, dataDir)).get('a')!;
  assert.deepEqual(a.runs.map((r) => Number(BigInt(r.scheduled) / (10n * S))), [1, 2]);
}));
