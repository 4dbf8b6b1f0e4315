// Calendar arithmetic with locations, across daylight saving time changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDuration, localCivil, truncateTime, zoneOffsetNs } from '../../src/values/calendar.js';
import type { Location } from '../../src/values/calendar.js';
import { parseTime } from '../../src/values/convert.js';
import { formatTime } from '../../src/values/format.js';
import { Duration } from '../../src/values/value.js';
import { FluxError } from '../../src/errors/index.js';

const NY: Location = { zone: 'America/New_York', offsetNs: 0n };
const H = 3_600_000_000_000n;
const DAY = 24n * H;
const t = (s: string) => parseTime(s);
const fmt = (x: { ns: bigint }) => formatTime(x as never);

test('zone offsets follow DST (America/New_York, 2021-03-14 spring forward)', () => {
  assert.equal(zoneOffsetNs('America/New_York', t('2021-03-14T06:59:59Z').ns), -5n * H);
  assert.equal(zoneOffsetNs('America/New_York', t('2021-03-14T07:00:00Z').ns), -4n * H);
  assert.equal(zoneOffsetNs('UTC', 0n), 0n);
});

test('adding a month keeps the local wall-clock time across DST', () => {
  // 2021-03-01 09:00 EST (14:00Z) + 1mo = 2021-04-01 09:00 EDT (13:00Z)
  assert.equal(fmt(addDuration(t('2021-03-01T14:00:00Z'), new Duration(1n, 0n), NY)), '2021-04-01T13:00:00Z');
  // Without a location the month is added on the UTC calendar.
  assert.equal(fmt(addDuration(t('2021-03-01T14:00:00Z'), new Duration(1n, 0n))), '2021-04-01T14:00:00Z');
});

test('1d is 24 hours of elapsed time, also across DST', () => {
  assert.equal(fmt(addDuration(t('2021-03-13T17:00:00Z'), new Duration(0n, DAY), NY)), '2021-03-14T17:00:00Z');
});

test('truncating to a day gives local midnight in the zone, on both sides of DST', () => {
  assert.equal(fmt(truncateTime(t('2021-03-14T12:00:00Z'), new Duration(0n, DAY), NY)), '2021-03-14T05:00:00Z');
  assert.equal(fmt(truncateTime(t('2021-03-15T12:00:00Z'), new Duration(0n, DAY), NY)), '2021-03-15T04:00:00Z');
  assert.equal(fmt(truncateTime(t('2021-11-07T12:00:00Z'), new Duration(0n, DAY), NY)), '2021-11-07T04:00:00Z');
});

test('truncating to months and to weeks', () => {
  assert.equal(fmt(truncateTime(t('2021-03-14T12:00:00Z'), new Duration(1n, 0n))), '2021-03-01T00:00:00Z');
  assert.equal(fmt(truncateTime(t('2021-08-14T12:00:00Z'), new Duration(3n, 0n))), '2021-07-01T00:00:00Z');
  assert.equal(fmt(truncateTime(t('2021-03-14T12:00:00Z'), new Duration(0n, 7n * DAY))), '2021-03-11T00:00:00Z', 'weeks start on Thursday');
  assert.throws(() => truncateTime(t('2021-03-14T12:00:00Z'), new Duration(0n, 0n)), (e: unknown) => e instanceof FluxError && e.id === 'date.invalidUnit');
});

test('local civil fields in a fixed-offset location', () => {
  const c = localCivil(t('2030-01-01T00:30:00Z'), { zone: 'UTC', offsetNs: -H });
  assert.deepEqual([c.year, c.month, c.day, c.hour, c.minute], [2029, 12, 31, 23, 30]);
});

test('an unknown zone is a clear error', () => {
  assert.throws(() => zoneOffsetNs('Mars/Olympus', 0n), (e: unknown) => e instanceof FluxError && e.id === 'location.unknownZone');
});
