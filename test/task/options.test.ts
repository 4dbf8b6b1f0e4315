import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/lang/index.js';
import { readTaskOptions, taskOptionSpans, describeSchedule, formatDuration } from '../../src/task/options.js';
import { scheduleOf } from '../../src/task/schedule.js';
import { Duration, RecordValue } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';

const S = 1_000_000_000n;
const dur = (ns: bigint) => Duration.ofNanos(ns);
const rec = (o: Record<string, Value>) => RecordValue.of(o);

test('defaults: concurrency 1, retry 0, offset 0, UTC', () => {
  const r = readTaskOptions({ task: rec({ name: 'a', every: dur(10n * S) }) });
  assert.ok(r.ok);
  assert.deepEqual(
    { ...r.options },
    { name: 'a', everyNs: 10n * S, cron: undefined, location: 'UTC', offsetNs: 0n, concurrency: 1, retry: 0, timeoutNs: undefined, catchUp: undefined, spread: undefined, catchUpLimit: 100 },
  );
  assert.equal(describeSchedule(r.options), 'every 10s');
});

test('cron with a location from the task record or from option location', () => {
  const a = readTaskOptions({ task: rec({ name: 'c', cron: '0 * * * *', location: 'Europe/Berlin' }) });
  assert.ok(a.ok);
  assert.equal(a.options.location, 'Europe/Berlin');
  const b = readTaskOptions({ task: rec({ name: 'c', cron: '0 * * * *' }), location: rec({ zone: 'America/New_York', offset: dur(0n) }) });
  assert.ok(b.ok);
  assert.equal(b.options.location, 'America/New_York');
  assert.equal(describeSchedule(b.options), 'cron "0 * * * *" (America/New_York)');
});

const cases: { name: string; task: Record<string, Value>; want: string[] }[] = [
  { name: 'missing name', task: { every: dur(S) }, want: ['task.missingName'] },
  { name: 'name not a string', task: { name: 1n, every: dur(S) }, want: ['task.invalidName'] },
  { name: 'neither every nor cron', task: { name: 'a' }, want: ['task.missingSchedule'] },
  { name: 'both every and cron', task: { name: 'a', every: dur(S), cron: '* * * * *' }, want: ['task.conflictingSchedule'] },
  { name: 'every with months', task: { name: 'a', every: new Duration(1n, 0n) }, want: ['task.invalidEvery'] },
  { name: 'every zero', task: { name: 'a', every: dur(0n) }, want: ['task.invalidEvery'] },
  { name: 'every not a duration', task: { name: 'a', every: '10s' }, want: ['task.invalidEvery'] },
  { name: 'bad cron', task: { name: 'a', cron: 'every minute' }, want: ['task.invalidCron'] },
  { name: 'bad location', task: { name: 'a', cron: '* * * * *', location: 'Mars/Olympus' }, want: ['task.invalidLocation'] },
  { name: 'offset not shorter than every', task: { name: 'a', every: dur(S), offset: dur(S) }, want: ['task.invalidOffset'] },
  { name: 'concurrency 0', task: { name: 'a', every: dur(S), concurrency: 0n }, want: ['task.invalidConcurrency'] },
  { name: 'retry negative', task: { name: 'a', every: dur(S), retry: -1n }, want: ['task.invalidRetry'] },
  { name: 'retry float', task: { name: 'a', every: dur(S), retry: 1.5 }, want: ['task.invalidRetry'] },
  { name: 'unknown field', task: { name: 'a', every: dur(S), evry: dur(S) }, want: ['task.unknownOption'] },
  {
    name: 'every problem at once',
    task: { every: dur(S), cron: 'x', concurrency: 0n, retry: 'no' },
    want: ['task.missingName', 'task.conflictingSchedule', 'task.invalidCron', 'task.invalidConcurrency', 'task.invalidRetry'],
  },
];
for (const c of cases) {
  test(`invalid: ${c.name}`, () => {
    const r = readTaskOptions({ task: rec(c.task) });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.id), c.want);
  });
}

test('no task option / not a record', () => {
  const a = readTaskOptions({ task: undefined });
  assert.ok(!a.ok && a.errors[0]!.id === 'task.missingOption');
  const b = readTaskOptions({ task: 'x' });
  assert.ok(!b.ok && b.errors[0]!.id === 'task.notRecord');
});

test('errors point at the offending property, or at the statement when a property is missing', () => {
  const src = 'option task = {\n  every: 10s,\n  concurrency: 0,\n}\nx = 1\n';
  const { file } = parse(src, 't.flux');
  const spans = taskOptionSpans(file);
  const r = readTaskOptions({ task: rec({ every: dur(10n * S), concurrency: 0n }), spans, source: 't.flux' });
  assert.ok(!r.ok);
  const byId = new Map(r.errors.map((e) => [e.id, e]));
  const missing = byId.get('task.missingName')!;
  assert.deepEqual([missing.span?.start.line, missing.span?.start.column], [1, 1]);
  const conc = byId.get('task.invalidConcurrency')!;
  assert.deepEqual([conc.span?.start.line, conc.span?.start.column, conc.span?.end.column], [3, 3, 17]);
  assert.equal(conc.source, 't.flux');
});

test('formatDuration', () => {
  assert.equal(formatDuration(90n * 60n * S), '1h30m');
  assert.equal(formatDuration(250_000_000n), '250ms');
  assert.equal(formatDuration(-5n * S), '-5s');
});

// `option location = timezone.fixed(offset: -8h)` is {zone: "UTC", offset: -8h}: "midnight at
// 00:00:00-08:00 on any day" (Flux docs, timezone.fixed). A cron task reading the location
// option follows that offset; it ran in UTC, eight hours off.
test('cron with option location = timezone.fixed(...): the fixed offset applies', () => {
  const H = 3600n * S;
  const minus8 = readTaskOptions({ task: rec({ name: 'c', cron: '0 9 * * *' }), location: rec({ zone: 'UTC', offset: dur(-8n * H) }) });
  assert.ok(minus8.ok);
  assert.equal(minus8.options.location, 'Etc/GMT+8');
  assert.equal(scheduleOf(minus8.options).next(BigInt(Date.parse('2026-01-01T00:00:00Z')) * 1_000_000n), BigInt(Date.parse('2026-01-01T17:00:00Z')) * 1_000_000n);
  const plus5 = readTaskOptions({ task: rec({ name: 'c', cron: '0 9 * * *' }), location: rec({ zone: 'UTC', offset: dur(5n * H) }) });
  assert.ok(plus5.ok);
  assert.equal(plus5.options.location, 'Etc/GMT-5');
  // Offsets that no IANA zone names (not whole hours, or added to a zone) are reported.
  for (const location of [rec({ zone: 'UTC', offset: dur(5n * H + 30n * 60n * S) }), rec({ zone: 'Europe/Berlin', offset: dur(H) })]) {
    const r = readTaskOptions({ task: rec({ name: 'c', cron: '0 9 * * *' }), location });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.id), ['task.invalidLocation']);
  }
  // An every task does not use the location: any location option is fine.
  assert.ok(readTaskOptions({ task: rec({ name: 'e', every: dur(S) }), location: rec({ zone: 'UTC', offset: dur(5n * H + 30n * 60n * S) }) }).ok);
});
