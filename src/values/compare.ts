// Equality and ordering of values (Flux SPEC "Comparison operators").
//
// Equality is defined for every value except functions and streams: scalars of the same
// type compare by value, arrays/records/dicts structurally. Values of different types are
// never equal, and int/uint/float do not mix (the type checker rejects `1 == 1.0`): the
// operators report that as an error; `valuesEqual` (used by dicts, `contains`, tests) just
// answers false.
//
// Ordering (`<`, `<=`, `>`, `>=`) is defined for int, uint, float, string, time and duration
// (durations without months compare by nanoseconds; with months they compare when both are
// pure-month or when months and nanoseconds agree in direction). NaN is unordered: every
// comparison with NaN is false, as in Go.
import { FluxError } from '../errors/index.js';
import {
  ArrayValue,
  DictValue,
  Duration,
  RecordValue,
  Regexp,
  Time,
  UInt,
  typeOf,
} from './value.js';
import type { Value } from './value.js';

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ta = typeof a;
  if (ta !== 'object') return ta === typeof b && a === b;
  if (a instanceof UInt) return b instanceof UInt && a.value === b.value;
  if (a instanceof Time) return b instanceof Time && a.ns === b.ns;
  if (a instanceof Duration) return b instanceof Duration && durationEquals(a, b);
  if (a instanceof Regexp) return b instanceof Regexp && a.source === b.source;
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof ArrayValue) {
    if (!(b instanceof ArrayValue) || a.elements.length !== b.elements.length) return false;
    for (let i = 0; i < a.elements.length; i++) if (!valuesEqual(a.elements[i]!, b.elements[i]!)) return false;
    return true;
  }
  if (a instanceof RecordValue) {
    if (!(b instanceof RecordValue) || a.fields.size !== b.fields.size) return false;
    for (const [k, v] of a.fields) {
      if (!b.fields.has(k) || !valuesEqual(v, b.fields.get(k)!)) return false;
    }
    return true;
  }
  if (a instanceof DictValue) {
    if (!(b instanceof DictValue) || a.entries.size !== b.entries.size) return false;
    for (const [k, e] of a.entries) {
      const o = b.entries.get(k);
      if (o === undefined || !valuesEqual(e.value, o.value)) return false;
    }
    return true;
  }
  return false;
}

export function durationEquals(a: Duration, b: Duration): boolean {
  return a.signedMonths === b.signedMonths && a.signedNanos === b.signedNanos;
}

/**
 * Compare two values of the same orderable type: negative, 0, positive, or NaN when
 * unordered (a NaN float). Throws `type.notComparable` / `type.mismatch` otherwise.
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof Time && b instanceof Time) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  if (a instanceof UInt && b instanceof UInt) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a instanceof Duration && b instanceof Duration) return compareDurations(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) throw new FluxError('invalid', 'type.mismatch', `cannot compare ${ta} with ${tb}`);
  throw new FluxError('invalid', 'type.notComparable', `values of type ${ta} are not ordered`);
}

// Code units at or above U+D800: surrogates (D800-DFFF) and the BMP's top (E000-FFFF), the
// only units whose UTF-16 order differs from their code points' order.
const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * Order of two strings as Flux (Go) orders them: by their UTF-8 bytes, which is the order of
 * their code points (Flux SPEC, Comparison operators: strings compare lexically; Go compares
 * strings bytewise). JavaScript's `<` compares UTF-16 code units, which agrees except when the
 * first difference is a surrogate (a code point above U+FFFF) against a unit in E000-FFFF:
 * "\u{FF01}" < "\u{1F600}" in UTF-8 but not in UTF-16. Fast path: when either string has no
 * unit at or above U+D800 (ASCII, most of the BMP) the native comparison is already right.
 * Returns -1, 0 or 1.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const native = a < b ? -1 : 1;
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return native;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 || y < 0xd800) return native;
    // Both at or above U+D800: move surrogates (code points above U+FFFF) above E000-FFFF.
    x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x < y ? -1 : 1;
  }
  return native;
}

const nativeCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A comparator ordering `strings` as compareStrings does: the plain UTF-16 comparison when
 * none of them holds a unit at or above U+D800 (then both orders agree), else compareStrings.
 * For sorting many strings (a column's dictionary) without a per-comparison check.
 */
export function stringComparatorFor(strings: readonly string[]): (a: string, b: string) => number {
  for (const x of strings) if (HIGH_UNIT.test(x)) return compareStrings;
  return nativeCompare;
}

/**
 * Order of two numbers that may be of different Flux types (int and uint as bigint, float as
 * number), as Flux's runtime compares them (values/binary.go): two integers exactly (a
 * negative int is below every uint), anything with a float as float64. NaN when unordered.
 */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

function compareDurations(a: Duration, b: Duration): number {
  const am = a.signedMonths;
  const bm = b.signedMonths;
  const an = a.signedNanos;
  const bn = b.signedNanos;
  if (am === bm) return an < bn ? -1 : an > bn ? 1 : 0;
  if (an === bn) return am < bm ? -1 : 1;
  // Months and nanoseconds disagree: compare with a month as at least 28 and at most 31
  // days; answer only when both bounds agree.
  const lo = (am - bm) * 28n * 86_400_000_000_000n + (an - bn);
  const hi = (am - bm) * 31n * 86_400_000_000_000n + (an - bn);
  if (lo > 0n && hi > 0n) return 1;
  if (lo < 0n && hi < 0n) return -1;
  throw new FluxError('invalid', 'duration.notComparable', 'durations mixing months and shorter units cannot be ordered');
}

/**
 * The key under which a value is stored in a DictValue: equal Flux values map to the same
 * JS primitive. Keys must be comparable scalars.
 */
export function dictKeyOf(v: Value): string | number | bigint | boolean {
  if (typeof v === 'string') return 's' + v;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v;
  if (v instanceof UInt) return 'u' + v.value.toString();
  if (v instanceof Time) return 't' + v.ns.toString();
  if (v instanceof Duration) return 'd' + v.signedMonths.toString() + ':' + v.signedNanos.toString();
  throw new FluxError('invalid', 'dict.invalidKey', `a dictionary key must be a string, number, bool, time or duration, not ${typeOf(v)}`);
}
