// The task layer over the real Runtime (createRuntime): options read by Runtime.readOptions,
// every problem reported at once with spans, and now() inside a run = the scheduled time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { parse } from '../../src/lang/index.js';
import { loadTaskSource } from '../../src/task/loader.js';
import { runtimeExecutor } from '../../src/task/executor.js';
import { Time } from '../../src/values/value.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-task-rt-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a valid task script: options as InfluxDB reads them', async () => {
  const src = 'option task = {name: "cpu", every: 1m, offset: 10s, concurrency: 2, retry: 1}\nx = 1\n';
  const r = await loadTaskSource(runtime, src, 'cpu.flux', parse);
  assert.equal(r.kind, 'task', r.kind === 'invalid' ? r.errors.map((e) => e.message).join('; ') : '');
  if (r.kind !== 'task') return;
  assert.equal(r.def.name, 'cpu');
  assert.equal(r.def.options.everyNs, 60_000_000_000n);
  assert.equal(r.def.options.offsetNs, 10_000_000_000n);
  assert.equal(r.def.options.concurrency, 2);
  assert.equal(r.def.options.retry, 1);
});

test('an invalid task option record: every problem at once, each with its span', async () => {
  const src = 'option task = {\n    every: 1m,\n    cron: "0 * * * *",\n    retry: -1,\n}\nx = 1\n';
  const r = await loadTaskSource(runtime, src, 'bad.flux', parse);
  assert.equal(r.kind, 'invalid');
  if (r.kind !== 'invalid') return;
  assert.deepEqual(
    r.errors.map((e) => [e.id, e.span?.start.line, e.span?.start.column]),
    [
      ['task.missingName', 1, 1],
      ['task.conflictingSchedule', 3, 5],
      ['task.invalidRetry', 4, 5],
    ],
  );
  assert.ok(r.errors.every((e) => e.source === 'bad.flux'));
});

test('a script that is not a task, and one with a syntax error', async () => {
  assert.equal((await loadTaskSource(runtime, 'x = 1\n', 'lib.flux', parse)).kind, 'notTask');
  const r = await loadTaskSource(runtime, 'option task = {name: "a", every: 1s}\nx = (\n', 'broken.flux', parse);
  assert.equal(r.kind, 'invalid');
  if (r.kind === 'invalid') assert.match(r.errors[0]!.id, /^syntax\./);
});

test('now() inside a run is the scheduled time', async () => {
  const src = 'option task = {name: "clock", every: 10s}\nnow()\n';
  const r = await loadTaskSource(runtime, src, 'clock.flux', parse);
  assert.equal(r.kind, 'task');
  if (r.kind !== 'task') return;
  const exec = runtimeExecutor(runtime, undefined, parse);
  const scheduled = BigInt(Date.parse('2026-01-01T12:00:10Z')) * 1_000_000n;
  for (let i = 0; i < 2; i++) {
    const rep = await exec({ task: r.def, scheduledNs: scheduled, signal: new AbortController().signal, attempt: 0, manual: false });
    const results = rep.results as { name: string; value: unknown }[];
    assert.equal(results.length, 1);
    assert.ok(results[0]!.value instanceof Time);
    assert.equal((results[0]!.value as Time).ns, scheduled);
  }
});

test('a scheduled run reads its whole pipeline: an error after the source fails the run', async () => {
  // Nothing reads a scheduled run's results, yet its pipeline must run: the error raised by
  // map() on the third row must fail the run (a manual run hands the results back unread).
  const src =
    'import "array"\noption task = {name: "pipe", every: 10s}\n' +
    'array.from(rows: [{_value: 1}, {_value: 2}, {_value: 0}])\n    |> map(fn: (r) => ({r with q: 10 / r._value}))\n';
  const r = await loadTaskSource(runtime, src, 'pipe.flux', parse);
  assert.equal(r.kind, 'task');
  if (r.kind !== 'task') return;
  const exec = runtimeExecutor(runtime, undefined, parse);
  const req = { task: r.def, scheduledNs: 10_000_000_000n, signal: new AbortController().signal, attempt: 0 };
  await assert.rejects(exec({ ...req, manual: false }), (e: Error & { id?: string }) => /division by zero|divide/i.test(e.message));
  const manual = await exec({ ...req, manual: true });
  assert.equal((manual.results as unknown[]).length, 1);
});

test('a scheduled run without to() counts the rows its pipeline read', async () => {
  const src =
    'import "array"\noption task = {name: "rows", every: 10s}\n' +
    'array.from(rows: [{_value: 1.0}, {_value: 2.0}, {_value: 3.0}])\n    |> filter(fn: (r) => r._value > 1.0)\n';
  const r = await loadTaskSource(runtime, src, 'rows.flux', parse);
  assert.equal(r.kind, 'task');
  if (r.kind !== 'task') return;
  const exec = runtimeExecutor(runtime, undefined, parse);
  const rep = await exec({ task: r.def, scheduledNs: 10_000_000_000n, signal: new AbortController().signal, attempt: 0, manual: false });
  const filter = rep.steps!.find((s) => s.name === 'filter');
  assert.ok(filter, JSON.stringify(rep.steps));
  assert.equal(filter!.rowsIn, 3);
  assert.equal(filter!.rowsOut, 2);
});
