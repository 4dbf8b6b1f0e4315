import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../support/fake-clock.js';
import { FluxError } from '../../src/errors/index.js';
import { Scheduler } from '../../src/task/scheduler.js';
import type { RunExecutor, RunRecord, RunRequest, TaskDefinition } from '../../src/task/scheduler.js';
import type { TaskOptions } from '../../src/task/options.js';

const S = 1_000_000_000n;
const T0 = '2026-01-01T12:00:07Z';
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (n: bigint) => new Date(Number(n / 1_000_000n)).toISOString().replace('.000Z', 'Z');

function def(name: string, o: Partial<TaskOptions> = {}, version = 'v1'): TaskDefinition {
  return {
    name,
    source: `option task = {name: "${name}", every: 10s}`,
    version,
    options: { name, everyNs: o.cron ? undefined : 10n * S, location: 'UTC', offsetNs: 0n, concurrency: 1, retry: 0, ...o },
  };
}

/** An executor whose runs finish when the test says so (or at once). */
function harness(clock: FakeClock, opts: { hold?: boolean; fail?: (r: RunRequest) => boolean | Error; durationMs?: number } = {}) {
  const calls: { req: RunRequest; startedNs: bigint; finish: (v?: unknown) => void }[] = [];
  const records: RunRecord[] = [];
  const skipped: { task: string; count: number }[] = [];
  const executor: RunExecutor = (req) =>
    new Promise((resolve, reject) => {
      const failure = opts.fail?.(req);
      const finish = () => (failure ? reject(failure instanceof Error ? failure : new Error('boom')) : resolve({ rowsScraped: 3, pointsWritten: 2, steps: [{ name: 'scrape', rowsOut: 3 }] }));
      calls.push({ req, startedNs: clock.nowNanos(), finish });
      if (opts.durationMs !== undefined) clock.setTimer(opts.durationMs, finish);
      else if (!opts.hold) finish();
    });
  const sched = (extra: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}) =>
    new Scheduler({
      clock,
      executor,
      events: { runFinished: (r) => records.push(r), runsSkipped: (task, count) => skipped.push({ task, count }) },
      ...extra,
    });
  return { calls, records, skipped, sched };
}

test('every: runs land on epoch-aligned boundaries (loaded 12:00:07, every 10s -> first run for 12:00:10)', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a'));
  assert.equal(iso(s.status('a')!.nextScheduledNs!), '2026-01-01T12:00:10Z');
  await clock.advanceTo('2026-01-01T12:00:09.999Z');
  assert.equal(h.calls.length, 0);
  await clock.advanceTo('2026-01-01T12:00:35Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:00:10Z', '2026-01-01T12:00:20Z', '2026-01-01T12:00:30Z']);
  assert.deepEqual(h.calls.map((c) => iso(c.startedNs)), ['2026-01-01T12:00:10Z', '2026-01-01T12:00:20Z', '2026-01-01T12:00:30Z']);
  assert.ok(h.records.every((r) => r.outcome === 'success' && r.lagMs === 0 && r.rowsScraped === 3));
  await s.stop();
});

test('offset delays execution but not the scheduled time (now())', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a', { offsetNs: 2n * S }));
  await clock.advanceTo('2026-01-01T12:00:11.999Z');
  assert.equal(h.calls.length, 0);
  await clock.advanceTo('2026-01-01T12:00:12Z');
  assert.equal(h.calls.length, 1);
  assert.equal(iso(h.calls[0]!.req.scheduledNs), '2026-01-01T12:00:10Z');
  assert.equal(iso(h.calls[0]!.startedNs), '2026-01-01T12:00:12Z');
  assert.equal(h.records[0]!.lagMs, 0);
  await s.stop();
});

test('cron schedules in UTC, and in a location when given', async () => {
  const clock = new FakeClock('2026-01-01T12:00:07Z');
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('c', { cron: '*/5 * * * *' }));
  s.upsert(def('berlin', { cron: '0 13 * * *', location: 'Europe/Berlin' }));
  assert.equal(iso(s.status('c')!.nextScheduledNs!), '2026-01-01T12:05:00Z');
  // 13:00 in Berlin (UTC+1 in winter) is 12:00 UTC: the next one is tomorrow.
  assert.equal(iso(s.status('berlin')!.nextScheduledNs!), '2026-01-02T12:00:00Z');
  await clock.advanceTo('2026-01-01T12:16:00Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:05:00Z', '2026-01-01T12:10:00Z', '2026-01-01T12:15:00Z']);
  await s.stop();
});

test('the run request carries the scheduled time, which the executor passes as now()', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { durationMs: 3000 });
  const s = h.sched();
  s.upsert(def('a', { offsetNs: 1n * S }));
  await clock.advanceTo('2026-01-01T12:00:30Z');
  // executed at :11 and :21 (offset 1s) but scheduled (now()) at :10 and :20
  assert.deepEqual(h.calls.map((c) => [iso(c.req.scheduledNs), iso(c.startedNs)]), [
    ['2026-01-01T12:00:10Z', '2026-01-01T12:00:11Z'],
    ['2026-01-01T12:00:20Z', '2026-01-01T12:00:21Z'],
  ]);
  assert.deepEqual(h.records.map((r) => r.durationMs), [3000, 3000]);
  await s.stop();
});

test('overrun with concurrency 1: the due run waits, starts late, lateness recorded', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { durationMs: 14_000 });
  const s = h.sched({ defaultTimeoutNs: 60n * S });
  s.upsert(def('a'));
  await clock.advanceTo('2026-01-01T12:00:45Z');
  // :10 runs to :24; :20 waits until :24 (4s late), runs to :38; :30 waits until :38 (8s late)
  assert.deepEqual(h.calls.map((c) => [iso(c.req.scheduledNs), iso(c.startedNs)]), [
    ['2026-01-01T12:00:10Z', '2026-01-01T12:00:10Z'],
    ['2026-01-01T12:00:20Z', '2026-01-01T12:00:24Z'],
    ['2026-01-01T12:00:30Z', '2026-01-01T12:00:38Z'],
  ]);
  assert.deepEqual(h.records.map((r) => r.lagMs), [0, 4000]);
  await s.stop(0);
});

test('overrun with concurrency 2: at most two runs at once', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { durationMs: 25_000 });
  const s = h.sched({ defaultTimeoutNs: 60n * S });
  s.upsert(def('a', { concurrency: 2 }));
  let maxRunning = 0;
  for (let i = 0; i < 60; i++) {
    await clock.advance(1000);
    maxRunning = Math.max(maxRunning, s.status('a')!.running);
  }
  assert.equal(maxRunning, 2);
  // :10 and :20 start on time; :30 waits for :10 to finish at :35
  assert.deepEqual(h.calls.slice(0, 3).map((c) => [iso(c.req.scheduledNs), iso(c.startedNs)]), [
    ['2026-01-01T12:00:10Z', '2026-01-01T12:00:10Z'],
    ['2026-01-01T12:00:20Z', '2026-01-01T12:00:20Z'],
    ['2026-01-01T12:00:30Z', '2026-01-01T12:00:35Z'],
  ]);
  await s.stop(0);
});

test('retry: a failed run is retried immediately, within the same slot', async () => {
  const clock = new FakeClock(T0);
  let n = 0;
  const h = harness(clock, { fail: () => ++n < 3 });
  const s = h.sched();
  s.upsert(def('a', { retry: 2 }));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  assert.deepEqual(h.calls.map((c) => [c.req.attempt, iso(c.req.scheduledNs)]), [
    [0, '2026-01-01T12:00:10Z'],
    [1, '2026-01-01T12:00:10Z'],
    [2, '2026-01-01T12:00:10Z'],
  ]);
  assert.equal(h.records.length, 1);
  assert.equal(h.records[0]!.outcome, 'success');
  assert.equal(h.records[0]!.attempts, 3);
  await s.stop();
});

test('retry: an error that a retry cannot mend (code invalid, notFound, permissionDenied, unauthenticated) is not retried', async () => {
  const clock = new FakeClock(T0);
  const errors = [
    new FluxError('invalid', 'store.fieldTypeConflict', 'partial write'),
    new FluxError('unauthenticated', 'to.unauthorized', 'no'),
    new FluxError('unavailable', 'scrape.connectionRefused', 'down'),
  ];
  let n = 0;
  const h = harness(clock, { fail: () => errors[n++] ?? false });
  const s = h.sched();
  s.upsert(def('a', { retry: 3 }));
  await clock.advanceTo('2026-01-01T12:00:30Z');
  assert.deepEqual(h.records.map((r) => [r.outcome, r.attempts, r.error?.id]), [
    ['failed', 1, 'store.fieldTypeConflict'],
    ['failed', 1, 'to.unauthorized'],
    ['success', 2, undefined],
  ]);
  await s.stop();
});

test('retry exhausted: the run fails with the last error, and the next slot still runs', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { fail: (r) => r.scheduledNs === ns('2026-01-01T12:00:10Z') });
  const s = h.sched();
  s.upsert(def('a', { retry: 1 }));
  await clock.advanceTo('2026-01-01T12:00:20Z');
  assert.deepEqual(h.records.map((r) => [r.outcome, r.attempts, r.error?.id]), [
    ['failed', 2, 'internal'],
    ['success', 1, undefined],
  ]);
  assert.equal(s.status('a')!.lastSuccessNs, ns('2026-01-01T12:00:20Z'));
  await s.stop();
});

test('downtime: missed runs are skipped by default', async () => {
  const clock = new FakeClock('2026-01-01T12:00:37Z');
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a'), { lastScheduledNs: ns('2026-01-01T12:00:00Z') });
  assert.deepEqual(h.skipped, [{ task: 'a', count: 3 }]);
  await clock.advanceTo('2026-01-01T12:00:50Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:00:40Z', '2026-01-01T12:00:50Z']);
  await s.stop();
});

test('downtime with catch-up: missed runs run in order, bounded by catchUpLimit', async () => {
  const clock = new FakeClock('2026-01-01T12:00:57Z');
  const h = harness(clock);
  const s = h.sched({ catchUp: true });
  s.upsert(def('a', { catchUpLimit: 3 }), { lastScheduledNs: ns('2026-01-01T12:00:00Z') });
  await settle();
  // missed :10 :20 :30 :40 :50; the limit keeps the latest three, in order
  assert.deepEqual(h.skipped, [{ task: 'a', count: 2 }]);
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:00:30Z', '2026-01-01T12:00:40Z', '2026-01-01T12:00:50Z']);
  await clock.advanceTo('2026-01-01T12:01:00Z');
  assert.equal(iso(h.calls.at(-1)!.req.scheduledNs), '2026-01-01T12:01:00Z');
  assert.equal(h.calls.length, 4);
  await s.stop();
});

test('a downtime of more than 100000 slots: every slots are counted exactly, and catch-up runs the newest ones', async () => {
  // 30 days of a 10 s task: 259200 missed slots, 12:00:10 on day 1 to 12:00:00 on day 31.
  const clock = new FakeClock('2026-01-31T12:00:07Z');
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a'), { lastScheduledNs: ns('2026-01-01T12:00:00Z') });
  assert.deepEqual(h.skipped, [{ task: 'a', count: 259_200 }]);
  assert.equal(iso(s.status('a')!.nextScheduledNs!), '2026-01-31T12:00:10Z');
  await s.stop();

  const c2 = new FakeClock('2026-01-31T12:00:07Z');
  const h2 = harness(c2);
  const s2 = h2.sched({ catchUp: true });
  s2.upsert(def('a', { catchUpLimit: 2 }), { lastScheduledNs: ns('2026-01-01T12:00:00Z') });
  await settle();
  assert.deepEqual(h2.skipped, [{ task: 'a', count: 259_198 }]);
  assert.deepEqual(h2.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-31T11:59:50Z', '2026-01-31T12:00:00Z']);
  await s2.stop();
});

test('a cron downtime of more than 10000 slots is reported as a lower bound, and catch-up runs the newest slots', async () => {
  // A cron firing every second, down for a day: 86400 slots, more than are counted one by one.
  const clock = new FakeClock('2026-01-02T00:00:00.500Z');
  const h = harness(clock);
  const atLeast: (boolean | undefined)[] = [];
  const s = h.sched({ catchUp: true, events: { runFinished: (r) => h.records.push(r), runsSkipped: (task, count, _reason, detail) => (h.skipped.push({ task, count }), atLeast.push(detail.atLeast)) } });
  s.upsert(def('c', { cron: '* * * * * *', catchUpLimit: 2 }), { lastScheduledNs: ns('2026-01-01T00:00:00Z') });
  await settle();
  assert.deepEqual(atLeast, [true]);
  assert.equal(h.skipped.length, 1);
  assert.ok(h.skipped[0]!.count >= 9_998 && h.skipped[0]!.count < 86_400, String(h.skipped[0]!.count));
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T23:59:59Z', '2026-01-02T00:00:00Z']);
  assert.equal(iso(s.status('c')!.nextScheduledNs!), '2026-01-02T00:00:01Z');
  await s.stop();
});

test('after the machine went down, the skipped slots within the uncertain span are reported as ones that may have run', async () => {
  const clock = new FakeClock('2026-01-01T12:01:07Z');
  const h = harness(clock);
  const details: unknown[] = [];
  const s = h.sched({ events: { runsSkipped: (task, count, _reason, detail) => (h.skipped.push({ task, count }), details.push(detail)) } });
  // 12:00:10 .. 12:01:00 missed; the state may lack up to 25 s after 12:00:00: :10 and :20
  s.upsert(def('a'), { lastScheduledNs: ns('2026-01-01T12:00:00Z'), uncertainNs: 25n * S });
  assert.deepEqual(h.skipped, [{ task: 'a', count: 6 }]);
  assert.deepEqual(details, [{ mayHaveRun: 2 }]);
  // cron, counted one by one: the same
  s.upsert(def('c', { cron: '*/10 * * * * *' }), { lastScheduledNs: ns('2026-01-01T12:00:00Z'), uncertainNs: 25n * S });
  assert.deepEqual(details.at(-1), { mayHaveRun: 2 });
  // a clean stop (nothing uncertain): no such note
  s.upsert(def('b'), { lastScheduledNs: ns('2026-01-01T12:00:00Z') });
  assert.deepEqual(details.at(-1), {});
  await s.stop();
});

test('resume without downtime neither skips nor repeats a slot', async () => {
  const clock = new FakeClock('2026-01-01T12:00:12Z');
  const h = harness(clock);
  const s = h.sched({ catchUp: true });
  s.upsert(def('a'), { lastScheduledNs: ns('2026-01-01T12:00:10Z') });
  await clock.advanceTo('2026-01-01T12:00:20Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:00:20Z']);
  assert.deepEqual(h.skipped, []);
  await s.stop();
});

test('reload of an edited task: the new version runs from the next slot, no slot is repeated', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a'));
  await clock.advanceTo('2026-01-01T12:00:15Z');
  s.upsert({ ...def('a', {}, 'v2'), source: 'edited' });
  await clock.advanceTo('2026-01-01T12:00:20Z');
  // a schedule change takes effect from the next aligned slot of the new interval
  s.upsert(def('a', { everyNs: 30n * S }, 'v3'));
  await clock.advanceTo('2026-01-01T12:01:00Z');
  assert.deepEqual(h.calls.map((c) => [iso(c.req.scheduledNs), c.req.task.version]), [
    ['2026-01-01T12:00:10Z', 'v1'],
    ['2026-01-01T12:00:20Z', 'v2'],
    ['2026-01-01T12:00:30Z', 'v3'],
    ['2026-01-01T12:01:00Z', 'v3'],
  ]);
  s.remove('a');
  await clock.advanceTo('2026-01-01T12:02:00Z');
  assert.equal(h.calls.length, 4);
  await s.stop();
});

test('a runaway run is cancelled after its timeout (default: the interval) through its signal', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { hold: true });
  const s = h.sched();
  s.upsert(def('a'));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  const signal = h.calls[0]!.req.signal;
  assert.equal(signal.aborted, false);
  await clock.advanceTo('2026-01-01T12:00:19.999Z');
  assert.equal(signal.aborted, false);
  await clock.advanceTo('2026-01-01T12:00:20Z');
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as { id: string }).id, 'task.timeout');
  assert.equal(h.records[0]!.outcome, 'timeout');
  assert.equal(h.records[0]!.error?.id, 'task.timeout');
  // the run ignored its signal, but the slot is released: the :20 run starts
  assert.equal(h.calls.length, 2);
  assert.equal(iso(h.calls[1]!.req.scheduledNs), '2026-01-01T12:00:20Z');
  await s.stop(0);
});

test('a task timeout option overrides the default', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { hold: true });
  const s = h.sched();
  s.upsert(def('a', { timeoutNs: 2n * S }));
  await clock.advanceTo('2026-01-01T12:00:12Z');
  assert.equal(h.records[0]?.outcome, 'timeout');
  assert.equal(h.records[0]?.durationMs, 2000);
  await s.stop(0);
});

test('one slow task does not delay another', async () => {
  const clock = new FakeClock(T0);
  const records: RunRecord[] = [];
  const starts: [string, bigint][] = [];
  const s = new Scheduler({
    clock,
    executor: (req) => {
      starts.push([req.task.name, clock.nowNanos()]);
      return req.task.name === 'slow' ? new Promise(() => {}) : Promise.resolve({});
    },
    events: { runFinished: (r) => records.push(r) },
  });
  s.upsert(def('slow'));
  s.upsert(def('fast'));
  await clock.advanceTo('2026-01-01T12:00:40Z');
  const fast = starts.filter(([n]) => n === 'fast').map(([, t]) => iso(t));
  assert.deepEqual(fast, ['2026-01-01T12:00:10Z', '2026-01-01T12:00:20Z', '2026-01-01T12:00:30Z', '2026-01-01T12:00:40Z']);
  await s.stop(0);
});

test('disable stops scheduling; enable resumes from the next slot without catching up', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched({ catchUp: true });
  s.upsert(def('a'));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  s.setEnabled('a', false);
  await clock.advanceTo('2026-01-01T12:00:45Z');
  assert.equal(h.calls.length, 1);
  s.setEnabled('a', true);
  await clock.advanceTo('2026-01-01T12:00:50Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2026-01-01T12:00:10Z', '2026-01-01T12:00:50Z']);
  await s.stop();
});

test('stop lets running runs finish within the grace period, then cancels them', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { durationMs: 3000 });
  const s = h.sched();
  s.upsert(def('a'));
  s.upsert(def('b', { timeoutNs: 60n * S }));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  const stopped = s.stop(5000);
  await clock.advance(3000);
  await stopped;
  assert.deepEqual(h.records.map((r) => r.outcome), ['success', 'success']);
  // nothing is scheduled after stop
  await clock.advanceTo('2026-01-01T12:01:00Z');
  assert.equal(h.calls.length, 2);

  const h2 = harness(clock, { hold: true });
  const s2 = h2.sched();
  s2.upsert(def('c', { timeoutNs: 600n * S }));
  await clock.advanceTo('2026-01-01T12:01:10Z');
  const stopping = s2.stop(1000);
  await clock.advance(1000);
  await stopping;
  assert.equal(h2.records[0]!.outcome, 'canceled');
  assert.equal(h2.records[0]!.error?.id, 'task.shutdown');
});

test('runNow runs once with now() = the current time, outside the schedule', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('a'));
  const { record } = await s.runNow('a');
  assert.equal(record.outcome, 'success');
  assert.equal(record.manual, true);
  assert.equal(iso(h.calls[0]!.req.scheduledNs), '2026-01-01T12:00:07Z');
  assert.equal(iso(s.status('a')!.nextScheduledNs!), '2026-01-01T12:00:10Z');
  await assert.rejects(s.runNow('nope'), { id: 'task.notFound' });
  await s.stop();
});

test('spread is off by default and, when asked, delays each task by a stable part of its interval', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock);
  const s = h.sched({ spread: true });
  for (const n of ['t1', 't2', 't3', 't4']) s.upsert(def(n));
  await clock.advanceTo('2026-01-01T12:00:20Z');
  const starts = h.calls.filter((c) => c.req.scheduledNs === ns('2026-01-01T12:00:10Z')).map((c) => c.startedNs);
  assert.equal(starts.length, 4);
  assert.ok(new Set(starts).size > 1, 'spread tasks start at different times');
  assert.ok(starts.every((t) => t >= ns('2026-01-01T12:00:10Z') && t < ns('2026-01-01T12:00:20Z')));
  await s.stop(0);
});

test('a yearly cron task waits in capped timer steps, without busy re-arming', async () => {
  const clock = new FakeClock('2026-01-01T12:00:00Z');
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('yearly', { cron: '0 0 1 1 *' }));
  assert.equal(iso(s.status('yearly')!.nextScheduledNs!), '2027-01-01T00:00:00Z');
  await clock.advanceTo('2026-12-31T23:59:59Z');
  assert.equal(h.calls.length, 0);
  assert.equal(clock.pendingTimers(), 1);
  await clock.advanceTo('2027-01-01T00:00:00Z');
  assert.deepEqual(h.calls.map((c) => iso(c.req.scheduledNs)), ['2027-01-01T00:00:00Z']);
  await s.stop();
});

test('an overloaded task skips its oldest waiting slot (reported) and runs the newest', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { durationMs: 25_000 });
  const s = h.sched({ defaultTimeoutNs: 60n * S });
  s.upsert(def('a'));
  await clock.advanceTo('2026-01-01T12:00:36Z');
  // :10 runs until :35; :20 waited, then :30 arrived: :20 is skipped, :30 starts at :35
  assert.deepEqual(h.calls.map((c) => [iso(c.req.scheduledNs), iso(c.startedNs)]), [
    ['2026-01-01T12:00:10Z', '2026-01-01T12:00:10Z'],
    ['2026-01-01T12:00:30Z', '2026-01-01T12:00:35Z'],
  ]);
  assert.deepEqual(h.records.map((r) => [iso(r.scheduledNs), r.outcome, r.error?.id]), [
    ['2026-01-01T12:00:20Z', 'skipped', 'task.overrun'],
    ['2026-01-01T12:00:10Z', 'success', undefined],
  ]);
  await s.stop(0);
});

test('maxActiveRuns: every due run starts on time; at most N execute at once, the others in start order', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { hold: true });
  const s = h.sched({ maxActiveRuns: 2 });
  for (const n of ['a', 'b', 'c', 'd']) s.upsert(def(n));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  assert.equal(h.calls.length, 2, 'two execute, two wait');
  const order: string[] = h.calls.map((c) => c.req.task.name);
  await clock.advance(1000);
  h.calls[0]!.finish();
  await clock.advance(0);
  assert.equal(h.calls.length, 3);
  await clock.advance(1000);
  h.calls[1]!.finish();
  h.calls[2]!.finish();
  await clock.advance(0);
  assert.equal(h.calls.length, 4);
  h.calls[3]!.finish();
  await clock.advance(0);
  order.push(...h.calls.slice(2).map((c) => c.req.task.name));
  assert.deepEqual([...order].sort(), ['a', 'b', 'c', 'd']);
  // Executed late (1 s and 2 s after the slot) but started on time: no start lag.
  assert.deepEqual(h.calls.map((c) => iso(c.startedNs)), ['2026-01-01T12:00:10Z', '2026-01-01T12:00:10Z', '2026-01-01T12:00:11Z', '2026-01-01T12:00:12Z']);
  assert.equal(h.records.length, 4);
  for (const r of h.records) {
    assert.equal(r.outcome, 'success');
    assert.equal(iso(r.startedNs), '2026-01-01T12:00:10Z');
    assert.equal(r.lagMs, 0);
  }
  await s.stop(0);
});

test('maxActiveRuns: a run still waiting for its turn at its timeout ends as a timeout, never executed', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, { hold: true });
  const s = h.sched({ maxActiveRuns: 1 });
  s.upsert(def('first', { timeoutNs: 2n * S }));
  s.upsert(def('second', { timeoutNs: 2n * S }));
  await clock.advanceTo('2026-01-01T12:00:10Z');
  assert.equal(h.calls.length, 1);
  await clock.advance(2000); // the executing run ignores its signal; both reach their timeout
  assert.equal(h.calls.length, 1, 'the waiting run was never executed');
  assert.deepEqual(h.records.map((r) => [r.task, r.outcome]).sort(), [
    ['first', 'timeout'],
    ['second', 'timeout'],
  ]);
  // The turn was given back: the next slot executes.
  await clock.advanceTo('2026-01-01T12:00:20Z');
  assert.equal(h.calls.length, 2);
  await s.stop(0);
});

test('cron with a location across a fall-back change: hourly runs every real hour, a daily run is not repeated when re-enabled in the repeated hour', async () => {
  // America/New_York, 2021-11-07: 01:00-02:00 local happens twice (05:00Z-06:00Z EDT, 06:00Z-07:00Z EST).
  const clock = new FakeClock('2021-11-07T03:30:00Z');
  const h = harness(clock);
  const s = h.sched();
  s.upsert(def('hourly', { cron: '0 * * * *', location: 'America/New_York' }));
  s.upsert(def('daily', { cron: '30 1 * * *', location: 'America/New_York' }));
  await clock.advanceTo('2021-11-07T06:10:00Z');
  // Disabled and enabled again at 01:10 EST: 01:30 local already ran (as 01:30 EDT).
  s.setEnabled('daily', false);
  s.setEnabled('daily', true);
  assert.equal(iso(s.status('daily')!.nextScheduledNs!), '2021-11-08T06:30:00Z');
  await clock.advanceTo('2021-11-07T08:30:00Z');
  const slots = (name: string) => h.calls.filter((c) => c.req.task.name === name).map((c) => iso(c.req.scheduledNs));
  assert.deepEqual(slots('hourly'), ['2021-11-07T04:00:00Z', '2021-11-07T05:00:00Z', '2021-11-07T06:00:00Z', '2021-11-07T07:00:00Z', '2021-11-07T08:00:00Z']);
  assert.deepEqual(slots('daily'), ['2021-11-07T05:30:00Z']);
  await s.stop();
});
