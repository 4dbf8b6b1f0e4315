// Arithmetic on values (Flux SPEC "Arithmetic operators"), with Go's integer semantics:
// - int is signed 64-bit and wraps on overflow (two's complement), `/` truncates toward
//   zero, `%` takes the sign of the dividend, and dividing by zero is an error
//   (`arith.divisionByZero`);
// - uint is unsigned 64-bit and wraps modulo 2^64 (`0 - 1` is 18446744073709551615);
// - float is IEEE-754: `1.0 / 0.0` is +Inf, `0.0 / 0.0` is NaN;
// - operands must have the same type: `1 + 1.0` is `type.mismatch` (no implicit
//   conversion);
// - `+` concatenates strings; durations add and subtract; `time ± duration` moves a time
//   (months on the UTC calendar, see calendar.ts); `time - time` is a duration;
//   `duration * int` scales a duration (exactly: durations do not wrap);
// - any operation with a null operand yields null.
import { FluxError } from '../errors/index.js';
import { Duration, Time, UInt, typeOf } from './value.js';
import type { Value } from './value.js';
import { addDuration, checkTimeRange } from './calendar.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '^';

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
/** Two's-complement wrap to int64 (range checks first: cheaper than asIntN in the common case). */
export const wrapInt = (x: bigint): bigint => (x > I64_MAX || x < I64_MIN ? BigInt.asIntN(64, x) : x);
export const wrapUint = (x: bigint): bigint => BigInt.asUintN(64, x);

function mismatch(op: string, a: Value, b: Value): FluxError {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return new FluxError('invalid', 'type.mismatch', `cannot apply ${op} to ${ta} and ${tb} (no implicit conversion between types)`);
  return new FluxError('invalid', 'type.unsupportedOperator', `operator ${op} is not defined for ${ta}`);
}

function divZero(): FluxError {
  return new FluxError('invalid', 'arith.divisionByZero', 'cannot divide by zero');
}

function intPow(base: bigint, exp: bigint): bigint {
  if (exp < 0n) {
    if (base === 1n) return 1n;
    if (base === -1n) return exp % 2n === 0n ? 1n : -1n;
    if (base === 0n) throw divZero();
    return 0n;
  }
  let result = 1n;
  let b = base;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = wrapInt(result * b);
    b = wrapInt(b * b);
    e >>= 1n;
  }
  return result;
}

function uintPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = wrapUint(result * b);
    b = wrapUint(b * b);
    e >>= 1n;
  }
  return result;
}

/** Go's math.Mod: result has the sign of x. */
function floatMod(x: number, y: number): number {
  return x % y;
}

export function arith(op: ArithOp, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const ta = typeof a;
  if (ta === 'bigint' && typeof b === 'bigint') {
    const x = a as bigint;
    switch (op) {
      case '+':
        return wrapInt(x + b);
      case '-':
        return wrapInt(x - b);
      case '*':
        return wrapInt(x * b);
      case '/':
        if (b === 0n) throw divZero();
        return wrapInt(x / b);
      case '%':
        if (b === 0n) throw divZero();
        return x % b;
      case '^':
        return intPow(x, b);
    }
  }
  if (ta === 'number' && typeof b === 'number') {
    const x = a as number;
    switch (op) {
      case '+':
        return x + b;
      case '-':
        return x - b;
      case '*':
        return x * b;
      case '/':
        return x / b;
      case '%':
        return floatMod(x, b);
      case '^':
        return Math.pow(x, b);
    }
  }
  if (ta === 'string' && typeof b === 'string') {
    if (op === '+') return (a as string) + b;
    throw mismatch(op, a, b);
  }
  if (a instanceof UInt && b instanceof UInt) {
    const x = a.value;
    const y = b.value;
    switch (op) {
      case '+':
        return new UInt(wrapUint(x + y));
      case '-':
        return new UInt(wrapUint(x - y));
      case '*':
        return new UInt(wrapUint(x * y));
      case '/':
        if (y === 0n) throw divZero();
        return new UInt(x / y);
      case '%':
        if (y === 0n) throw divZero();
        return new UInt(x % y);
      case '^':
        return new UInt(uintPow(x, y));
    }
  }
  if (a instanceof Duration && b instanceof Duration) {
    if (op === '+') return addDurations(a, b, 1n);
    if (op === '-') return addDurations(a, b, -1n);
    throw mismatch(op, a, b);
  }
  if (a instanceof Time && b instanceof Duration) {
    if (op === '+') return checkTimeRange(addDuration(a, b, undefined, 1));
    if (op === '-') return checkTimeRange(addDuration(a, b, undefined, -1));
    throw mismatch(op, a, b);
  }
  if (a instanceof Duration && b instanceof Time && op === '+') return checkTimeRange(addDuration(b, a, undefined, 1));
  if (a instanceof Time && b instanceof Time && op === '-') return Duration.ofNanos(a.ns - b.ns);
  if (op === '*' && a instanceof Duration && typeof b === 'bigint') return scaleDuration(a, b);
  if (op === '*' && typeof a === 'bigint' && b instanceof Duration) return scaleDuration(b, a);
  throw mismatch(op, a, b);
}

/** Build a duration from signed months and nanoseconds; they must not disagree in sign. */
export function makeDuration(months: bigint, nanos: bigint): Duration {
  if ((months > 0n && nanos < 0n) || (months < 0n && nanos > 0n)) {
    throw new FluxError('invalid', 'duration.mixedSign', 'a duration cannot have months and nanoseconds of different signs');
  }
  const neg = months < 0n || nanos < 0n;
  return new Duration(neg ? -months : months, neg ? -nanos : nanos, neg);
}

function addDurations(a: Duration, b: Duration, sign: bigint): Duration {
  return makeDuration(a.signedMonths + sign * b.signedMonths, a.signedNanos + sign * b.signedNanos);
}

// Exact, as `+` and `-` on durations and duration literals are: a scaled duration does not
// wrap at 64 bits (`1h * 9223372036854775807` was -1h). Where an int64 is needed (a time,
// int(v:)), a duration out of range is an error (time.outOfRange, convert.outOfRange).
function scaleDuration(d: Duration, k: bigint): Duration {
  return makeDuration(d.signedMonths * k, d.signedNanos * k);
}

/** Unary minus. */
export function negate(v: Value): Value {
  if (v === null) return null;
  if (typeof v === 'bigint') return wrapInt(-v);
  if (typeof v === 'number') return -v;
  if (v instanceof Duration) return v.isZero() ? v : new Duration(v.months, v.nanoseconds, !v.negative);
  throw new FluxError('invalid', 'type.unsupportedOperator', `unary - is not defined for ${typeOf(v)}`);
}

/** Unary plus: identity on numbers and durations. */
export function unaryPlus(v: Value): Value {
  if (v === null || typeof v === 'bigint' || typeof v === 'number' || v instanceof Duration || v instanceof UInt) return v;
  throw new FluxError('invalid', 'type.unsupportedOperator', `unary + is not defined for ${typeOf(v)}`);
}
