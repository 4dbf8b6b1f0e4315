import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everySchedule, cronSchedule, spreadDelayNs } from '../../src/task/schedule.js';

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
