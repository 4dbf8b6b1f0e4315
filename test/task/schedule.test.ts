import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everySchedule, cronSchedule, spreadDelayNs } from '../../src/task/schedule.js';
import { zoneOffsetNs } from '../../src/values/calendar.js';

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const S = 1_000_000_000n;

test('every is aligned to the epoch', () => {
  const s = everySchedule(10n * S);
  assert.equal(s.next(ns('2026-01-01T12:00:07Z')), ns('2026-01-01T12:00:10Z'));
  assert.equal(s.next(ns('2026-01-01T12:00:10Z')), ns('2026-01-01T12:00:20Z'));
  assert.equal(s.next(ns('2026-01-01T12:00:09.999999999Z') + 999_999n), ns('2026-01-01T12:00:10Z'));
  assert.equal(everySchedule(3600n * S).next(ns('2026-01-01T12:59:59Z')), ns('2026-01-01T13:00:00Z'));
  assert.equal(s.next(-15n * S), -10n * S);
});

test('cron: strictly after, UTC by default, 6-field patterns with seconds', () => {
  const c = cronSchedule('*/15 * * * *');
  assert.equal(c.next(ns('2026-01-01T12:00:00Z')), ns('2026-01-01T12:15:00Z'));
  assert.equal(c.next(ns('2026-01-01T12:00:00Z') + 1n), ns('2026-01-01T12:15:00Z'));
  assert.equal(c.next(ns('2026-01-01T11:59:59.5Z')), ns('2026-01-01T12:00:00Z'));
  assert.equal(c.intervalNs, 15n * 60n * S);
  assert.equal(cronSchedule('*/2 * * * * *').next(ns('2026-01-01T12:00:00.5Z')), ns('2026-01-01T12:00:02Z'));
  assert.equal(cronSchedule('0 9 * * *', 'Asia/Tokyo').next(ns('2026-01-01T12:00:00Z')), ns('2026-01-02T00:00:00Z'));
  assert.throws(() => cronSchedule('nope'));
});

test('spread delay is stable and inside the interval', () => {
  const a = spreadDelayNs('alpha', 10n * S);
  assert.equal(a, spreadDelayNs('alpha', 10n * S));
  assert.ok(a >= 0n && a < 10n * S);
  assert.notEqual(a, spreadDelayNs('beta', 10n * S));
});

/** The runs of a schedule after `from`, while before `to`. */
function runs(s: ReturnType<typeof cronSchedule>, from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = s.next(ns(from)); t < ns(to); t = s.next(t)) out.push(new Date(Number(t / 1_000_000n)).toISOString().replace('.000Z', 'Z'));
  return out;
}

// Cron in a location across a daylight-saving change, the rule of cron(8) (Vixie cron):
// jobs with a wildcard in the minute or hour field run on the new wall clock at once (so an
// hourly job runs every real hour, both passes of a repeated hour included); jobs at a
// fixed time run once when their wall-clock time repeats, and are not skipped when it does
// not exist.
test('cron in a location: fall back (America/New_York 2021-11-07, 01:00-02:00 twice): no run skipped or doubled', () => {
  const hourly = cronSchedule('0 * * * *', 'America/New_York');
  assert.deepEqual(runs(hourly, '2021-11-07T03:30:00Z', '2021-11-07T09:00:00Z'), [
    '2021-11-07T04:00:00Z', // 00:00 EDT
    '2021-11-07T05:00:00Z', // 01:00 EDT
    '2021-11-07T06:00:00Z', // 01:00 EST (the repeated hour)
    '2021-11-07T07:00:00Z', // 02:00 EST
    '2021-11-07T08:00:00Z',
  ]);
  assert.deepEqual(runs(cronSchedule('*/30 * * * *', 'America/New_York'), '2021-11-07T04:50:00Z', '2021-11-07T07:40:00Z'), [
    '2021-11-07T05:00:00Z',
    '2021-11-07T05:30:00Z',
    '2021-11-07T06:00:00Z',
    '2021-11-07T06:30:00Z',
    '2021-11-07T07:00:00Z',
    '2021-11-07T07:30:00Z',
  ]);
  // A fixed time runs once: 01:30 EDT, not again at 01:30 EST.
  const daily = cronSchedule('30 1 * * *', 'America/New_York');
  assert.deepEqual(runs(daily, '2021-11-06T00:00:00Z', '2021-11-09T00:00:00Z'), ['2021-11-06T05:30:00Z', '2021-11-07T05:30:00Z', '2021-11-08T06:30:00Z']);
});

test('cron in a location: next() is strictly after its argument, also inside a repeated hour', () => {
  for (const [pattern, zone] of [
    ['0 * * * *', 'America/New_York'],
    ['*/30 * * * *', 'America/New_York'],
    ['30 1 * * *', 'America/New_York'],
    ['* 1 * * *', 'America/New_York'],
    ['0 1 * * *', 'Europe/London'],
    ['*/15 * * * *', 'Australia/Lord_Howe'],
  ] as const) {
    const s = cronSchedule(pattern, zone);
    for (const [from, to] of [
      ['2021-11-07T03:00:00Z', '2021-11-07T09:00:00Z'],
      ['2021-10-30T23:00:00Z', '2021-10-31T03:00:00Z'],
      ['2021-04-03T13:00:00Z', '2021-04-03T17:00:00Z'],
    ]) {
      for (let t = ns(from); t < ns(to); t += 7n * 60n * S) {
        const n = s.next(t);
        assert.ok(n > t, `${pattern} (${zone}): next(${new Date(Number(t / 1_000_000n)).toISOString()}) = ${new Date(Number(n / 1_000_000n)).toISOString()} is not after it`);
      }
    }
  }
  // Asked from inside the repeated hour (01:10 EST), a daily 01:30 job that ran at 01:30 EDT
  // waits for tomorrow.
  assert.equal(cronSchedule('30 1 * * *', 'America/New_York').next(ns('2021-11-07T06:10:00Z')), ns('2021-11-08T06:30:00Z'));
  assert.equal(cronSchedule('0 * * * *', 'America/New_York').next(ns('2021-11-07T06:10:00Z')), ns('2021-11-07T07:00:00Z'));
});

test('cron in a location: a wildcard-minute job runs through both passes of the repeated hour', () => {
  const s = cronSchedule('*/20 1 * * *', 'America/New_York');
  assert.deepEqual(runs(s, '2021-11-07T04:00:00Z', '2021-11-08T00:00:00Z'), [
    '2021-11-07T05:00:00Z',
    '2021-11-07T05:20:00Z',
    '2021-11-07T05:40:00Z',
    '2021-11-07T06:00:00Z',
    '2021-11-07T06:20:00Z',
    '2021-11-07T06:40:00Z',
  ]);
  // Lord Howe falls back by 30 minutes (02:00 +11 -> 01:30 +10:30 at 2021-04-03T15:00Z).
  assert.deepEqual(runs(cronSchedule('*/15 * * * *', 'Australia/Lord_Howe'), '2021-04-03T14:20:00Z', '2021-04-03T15:50:00Z'), [
    '2021-04-03T14:30:00Z',
    '2021-04-03T14:45:00Z',
    '2021-04-03T15:00:00Z',
    '2021-04-03T15:15:00Z',
    '2021-04-03T15:30:00Z',
    '2021-04-03T15:45:00Z',
  ]);
});

test('cron in a location: spring forward (Europe/London 2021-03-28, 01:00-02:00 missing): nothing doubled, a fixed time in the gap still runs', () => {
  assert.deepEqual(runs(cronSchedule('0 * * * *', 'Europe/London'), '2021-03-27T23:30:00Z', '2021-03-28T03:30:00Z'), [
    '2021-03-28T00:00:00Z',
    '2021-03-28T01:00:00Z', // 02:00 BST: 01:00 GMT does not exist
    '2021-03-28T02:00:00Z',
    '2021-03-28T03:00:00Z',
  ]);
  const gap = runs(cronSchedule('30 1 * * *', 'Europe/London'), '2021-03-27T00:00:00Z', '2021-03-29T12:00:00Z');
  assert.equal(gap.length, 3);
  assert.equal(gap[0], '2021-03-27T01:30:00Z');
  assert.ok(gap[1]! >= '2021-03-28T01:00:00Z' && gap[1]! < '2021-03-28T02:00:00Z', gap[1]);
  assert.equal(gap[2], '2021-03-29T00:30:00Z');
});

// A naive oracle for minute patterns ("m h * * *" with numbers, `*` and `*/n`): every minute
// whose wall clock matches, except, for a pattern without a wildcard, a minute whose wall-clock
// time already passed once (the second pass of a repeated interval).
function oracle(pattern: string, zone: string, from: string, to: string): string[] {
  const [mf, hf] = pattern.split(' ') as [string, string];
  const matches = (f: string, v: number) => (f === '*' ? true : f.startsWith('*/') ? v % Number(f.slice(2)) === 0 : Number(f) === v);
  const wildcard = mf.includes('*') || hf.includes('*');
  const out: string[] = [];
  const MIN = 60n * S;
  for (let u = ns(from) + MIN - (ns(from) % MIN); u < ns(to); u += MIN) {
    if (u <= ns(from)) continue;
    const off = zoneOffsetNs(zone, u);
    const wall = new Date(Number((u + off) / 1_000_000n));
    if (!matches(mf, wall.getUTCMinutes()) || !matches(hf, wall.getUTCHours())) continue;
    const before = zoneOffsetNs(zone, u - 3n * 3600n * S);
    const secondPass = before > off && zoneOffsetNs(zone, u - (before - off)) === before;
    if (secondPass && !wildcard) continue;
    out.push(new Date(Number(u / 1_000_000n)).toISOString().replace('.000Z', 'Z'));
  }
  return out;
}

test('cron in a location: runs around a fall-back change match a naive minute-by-minute oracle', () => {
  const days: [string, string, string][] = [
    ['America/New_York', '2021-11-06T20:00:00Z', '2021-11-07T12:00:00Z'],
    ['Europe/London', '2021-10-30T20:00:00Z', '2021-10-31T06:00:00Z'],
    ['Australia/Lord_Howe', '2021-04-03T08:00:00Z', '2021-04-03T20:00:00Z'],
    ['Australia/Sydney', '2021-04-03T08:00:00Z', '2021-04-03T20:00:00Z'],
  ];
  for (const [zone, from, to] of days) {
    for (const pattern of ['0 * * * *', '*/20 * * * *', '30 1 * * *', '45 1 * * *', '15 2 * * *', '*/10 1 * * *', '0 */2 * * *']) {
      assert.deepEqual(runs(cronSchedule(pattern, zone), from, to), oracle(pattern, zone, from, to), `${pattern} in ${zone}`);
    }
  }
});
