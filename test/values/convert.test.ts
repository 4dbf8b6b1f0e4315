// Conversions with Go's parsing rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseTime, toBool, toFloat, toInt, toStringValue, toUint } from '../../src/values/convert.js';
import { Duration, Time, UInt } from '../../src/values/value.js';
import { FluxError } from '../../src/errors/index.js';

const throwsId = (f: () => unknown, id: string) =>
  assert.throws(f, (e: unknown) => e instanceof FluxError && e.id === id);

test('toInt', () => {
  assert.equal(toInt('-9223372036854775808'), -(2n ** 63n));
  assert.equal(toInt(-2.9), -2n);
  assert.equal(toInt(true), 1n);
  assert.equal(toInt(new Time(5n)), 5n);
  assert.equal(toInt(new Duration(0n, 7n, true)), -7n);
  throwsId(() => toInt('9223372036854775808'), 'convert.outOfRange');
  throwsId(() => toInt('1.5'), 'convert.invalidSyntax');
  throwsId(() => toInt(NaN), 'convert.outOfRange');
  throwsId(() => toInt(1e19), 'convert.outOfRange');
  throwsId(() => toInt(new Duration(1n, 0n)), 'convert.unsupported');
});

test('toUint, toFloat, toBool', () => {
  assert.deepEqual(toUint('18446744073709551615'), new UInt(2n ** 64n - 1n));
  throwsId(() => toUint('18446744073709551616'), 'convert.outOfRange');
  throwsId(() => toUint(-1.5), 'convert.outOfRange');
  assert.equal(toFloat('1e3'), 1000);
  assert.ok(Number.isNaN(toFloat('NaN')));
  assert.equal(toFloat('-Inf'), -Infinity);
  throwsId(() => toFloat('abc'), 'convert.invalidSyntax');
  assert.equal(toBool('T'), true);
  assert.equal(toBool(0n), false);
  throwsId(() => toBool(2n), 'convert.outOfRange');
  throwsId(() => toBool('yes'), 'convert.invalidSyntax');
});

test('toStringValue', () => {
  assert.equal(toStringValue(1.0), '1');
  assert.equal(toStringValue(new Time(1n)), '1970-01-01T00:00:00.000000001Z');
  assert.equal(toStringValue(new Uint8Array([0x68, 0x69])), 'hi');
  throwsId(() => toStringValue(null), 'convert.unsupported');
});

test('parseTime: RFC3339 with offsets and fractions, bare dates', () => {
  assert.equal(parseTime('2030-01-01T01:00:00+01:00').ns, 1_893_456_000_000_000_000n);
  assert.equal(parseTime('1970-01-01T00:00:00.000000001Z').ns, 1n);
  assert.equal(parseTime('1970-01-02').ns, 86_400_000_000_000n);
  throwsId(() => parseTime('2030-13-01T00:00:00Z'), 'convert.invalidSyntax');
  throwsId(() => parseTime('yesterday'), 'convert.invalidSyntax');
});

// RFC 3339 section 5.7: the day must exist in its month (Go's time.Parse, which Flux's time()
// uses, says "day out of range"), and an offset is at most 23:59. Date-time literals already
// obey this; time(v:) rolled 2020-02-30 over to March 1st.
test('parseTime: days that do not exist and offsets out of range are rejected', () => {
  throwsId(() => parseTime('2020-02-30'), 'convert.invalidSyntax');
  throwsId(() => parseTime('2021-02-29T00:00:00Z'), 'convert.invalidSyntax');
  throwsId(() => parseTime('2020-04-31T00:00:00Z'), 'convert.invalidSyntax');
  throwsId(() => parseTime('2020-01-01T00:00:00+25:00'), 'convert.invalidSyntax');
  throwsId(() => parseTime('2020-01-01T00:00:00+01:60'), 'convert.invalidSyntax');
  assert.equal(parseTime('2020-02-29').ns, 1_582_934_400_000_000_000n);
  assert.equal(parseTime('2020-01-01T00:00:00+23:59').ns, 1_577_750_460_000_000_000n);
});

test('parseDuration', () => {
  const d = parseDuration('1y2mo3w');
  assert.equal(d.months, 14n);
  assert.equal(d.nanoseconds, 21n * 86_400_000_000_000n);
  assert.equal(parseDuration('-1h30m').signedNanos, -5_400_000_000_000n);
  throwsId(() => parseDuration('1x'), 'convert.invalidSyntax');
  throwsId(() => parseDuration(''), 'convert.invalidSyntax');
});

// An int is 64 bits. A time after 2262-04-11T23:47:16.854775807Z (or a duration longer than
// about 292 years) has no int nanosecond count, so int(v:) must not return one beyond the range.
test('toInt of a time or duration outside the int64 nanosecond range is out of range', () => {
  assert.equal(toInt(new Time(2n ** 63n - 1n)), 2n ** 63n - 1n);
  throwsId(() => toInt(new Time(2n ** 63n)), 'convert.outOfRange');
  throwsId(() => toInt(new Time(-(2n ** 63n) - 1n)), 'convert.outOfRange');
  // A string past the range no longer becomes a time at all (time.outOfRange, see arith-compare.test.ts).
  throwsId(() => parseTime('9999-12-31T23:59:59Z'), 'time.outOfRange');
  throwsId(() => toInt(new Duration(0n, 2n ** 63n)), 'convert.outOfRange');
});
