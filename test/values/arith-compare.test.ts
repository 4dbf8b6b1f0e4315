// Arithmetic and comparison on values directly (the interpreter tests cover the syntax).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arith, negate } from '../../src/values/arith.js';
import { compareValues, dictKeyOf, valuesEqual } from '../../src/values/compare.js';
import { ArrayValue, Duration, INT64_MAX, INT64_MIN, RecordValue, Time, UInt } from '../../src/values/value.js';
import { FluxError } from '../../src/errors/index.js';
import { parseTime } from '../../src/values/convert.js';

const throwsId = (f: () => unknown, id: string) =>
  assert.throws(f, (e: unknown) => e instanceof FluxError && e.id === id);

test('int64 wraps like Go', () => {
  assert.equal(arith('+', INT64_MAX, 1n), INT64_MIN);
  assert.equal(arith('-', INT64_MIN, 1n), INT64_MAX);
  assert.equal(arith('*', INT64_MAX, INT64_MAX), 1n);
  assert.equal(arith('/', INT64_MIN, -1n), INT64_MIN, 'MinInt64 / -1 overflows to MinInt64');
  assert.equal(negate(INT64_MIN), INT64_MIN);
  assert.equal(arith('^', 2n, 64n), 0n);
  assert.equal(arith('^', 2n, -1n), 0n);
});

test('uint wraps modulo 2^64', () => {
  assert.deepEqual(arith('-', new UInt(0n), new UInt(1n)), new UInt(2n ** 64n - 1n));
  assert.deepEqual(arith('*', new UInt(2n ** 63n), new UInt(2n)), new UInt(0n));
});

test('operands of different types do not mix', () => {
  throwsId(() => arith('+', 1n, 1), 'type.mismatch');
  throwsId(() => arith('+', new UInt(1n), 1n), 'type.mismatch');
  throwsId(() => arith('/', 1n, 0n), 'arith.divisionByZero');
  assert.equal(arith('+', null, 1n), null, 'null propagates');
});

test('a duration scaled by an int is exact, as a sum of durations is (no silent wrap)', () => {
  const big = arith('*', new Duration(0n, 3_600_000_000_000n), INT64_MAX) as Duration;
  assert.equal(big.nanoseconds, 3_600_000_000_000n * INT64_MAX);
  assert.equal(big.negative, false);
  const sum = arith('+', new Duration(0n, INT64_MAX), new Duration(0n, INT64_MAX)) as Duration;
  assert.deepEqual(arith('*', new Duration(0n, INT64_MAX), 2n), sum);
  assert.deepEqual(arith('*', -2n, new Duration(1n, 1n)), new Duration(2n, 2n, true));
  // Used as a time offset it is out of range, not a small wrapped value.
  throwsId(() => arith('+', new Time(0n), big), 'time.outOfRange');
});

test('durations and times', () => {
  const d = arith('+', new Duration(1n, 0n), new Duration(0n, 5n)) as Duration;
  assert.equal(d.months, 1n);
  assert.equal(d.nanoseconds, 5n);
  throwsId(() => arith('-', new Duration(1n, 0n), new Duration(0n, 5n)), 'duration.mixedSign');
  const t = arith('-', new Time(10n), new Duration(0n, 3n)) as Time;
  assert.equal(t.ns, 7n);
  assert.deepEqual(arith('-', new Time(10n), new Time(25n)), new Duration(0n, 15n, true));
});

test('equality and ordering', () => {
  assert.ok(valuesEqual(new ArrayValue([1n, 'a']), new ArrayValue([1n, 'a'])));
  assert.ok(!valuesEqual(1n, 1));
  assert.ok(valuesEqual(RecordValue.of({ a: 1n, b: null }), RecordValue.of({ b: null, a: 1n })));
  assert.ok(valuesEqual(new Duration(0n, 0n, true), new Duration(0n, 0n)));
  assert.equal(compareValues(new UInt(2n), new UInt(10n)), -1);
  assert.ok(Number.isNaN(compareValues(NaN, 1)));
  assert.equal(compareValues(new Duration(1n, 0n), new Duration(0n, 32n * 86_400_000_000_000n)), -1);
  throwsId(() => compareValues(1n, 'a'), 'type.mismatch');
});

test('dict keys: equal values share a key, composites are rejected', () => {
  assert.equal(dictKeyOf(new Time(5n)), dictKeyOf(new Time(5n)));
  assert.notEqual(dictKeyOf('1'), dictKeyOf(1n));
  throwsId(() => dictKeyOf(new ArrayValue([])), 'dict.invalidKey');
});

// Flux times are int64 nanoseconds (SPEC "Time types"): arithmetic or parsing that leaves
// 1677-09-21T00:12:43.145224192Z .. 2262-04-11T23:47:16.854775807Z is an error, not a time
// that wraps around to the other end when stored in a column.
test('time arithmetic and parsing past the int64 range are time.outOfRange', () => {
  const isOutOfRange = (e: unknown) => e instanceof FluxError && e.id === 'time.outOfRange';
  const last = new Time(INT64_MAX);
  const first = new Time(INT64_MIN);
  assert.equal((arith('-', last, Duration.ofNanos(1n)) as Time).ns, INT64_MAX - 1n);
  assert.equal((arith('+', first, new Duration(0n, 0n)) as Time).ns, INT64_MIN);
  assert.throws(() => arith('+', last, Duration.ofNanos(1n)), isOutOfRange);
  assert.throws(() => arith('+', Duration.ofNanos(86_400_000_000_000n), last), isOutOfRange);
  assert.throws(() => arith('-', first, Duration.ofNanos(1n)), isOutOfRange);
  assert.throws(() => arith('-', new Time(INT64_MIN + 86_400_000_000_000n * 20n), new Duration(1n, 0n)), isOutOfRange);
  assert.equal(parseTime('2262-04-11T23:47:16.854775807Z').ns, INT64_MAX);
  assert.equal(parseTime('1677-09-21T00:12:43.145224192Z').ns, INT64_MIN);
  assert.throws(() => parseTime('2262-04-11T23:47:16.854775808Z'), isOutOfRange);
  assert.throws(() => parseTime('3000-01-01T00:00:00Z'), isOutOfRange);
  assert.throws(() => parseTime('1677-09-21T00:12:43.145224191Z'), isOutOfRange);
  // An offset can carry a time past the end.
  assert.throws(() => parseTime('2262-04-11T23:00:00-01:00'), isOutOfRange);
});
