// Type conversions (Flux universe `string`, `int`, `uint`, `float`, `bool`, `time`,
// `duration`, `bytes`), with Go's parsing rules (strconv) and conversion semantics:
// integer conversions of out-of-range values are errors (`convert.outOfRange`) except
// int <-> uint, which reinterpret the 64 bits as Go does; float -> int truncates toward
// zero; malformed strings are `convert.invalidSyntax`.
import { FluxError } from '../errors/index.js';
import { Duration, INT64_MAX, INT64_MIN, Time, UINT64_MAX, UInt, typeOf } from './value.js';
import type { Value } from './value.js';
import { formatDuration, formatFloat, formatTime, nanosFromCivil } from './format.js';
import { makeDuration, wrapInt, wrapUint } from './arith.js';
import { checkTimeRange } from './calendar.js';

function cannot(v: Value, to: string): FluxError {
  return new FluxError('invalid', 'convert.unsupported', `cannot convert ${typeOf(v)} to ${to}`);
}
function syntax(s: string, to: string): FluxError {
  return new FluxError('invalid', 'convert.invalidSyntax', `cannot parse ${JSON.stringify(s)} as ${to}`);
}
function range(what: string, to: string): FluxError {
  return new FluxError('invalid', 'convert.outOfRange', `${what} is out of range for ${to}`);
}

/** The `string()` conversion; also what string interpolation prints. Returns undefined when not stringable. */
export function stringOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof UInt) return v.value.toString();
  if (v instanceof Time) return formatTime(v);
  if (v instanceof Duration) return formatDuration(v);
  return undefined;
}

export function toStringValue(v: Value): string {
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  const s = stringOf(v);
  if (s === undefined) throw cannot(v, 'string');
  return s;
}

const INT_RE = /^[+-]?[0-9]+$/;

export function toInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw range(formatFloat(v), 'int');
    const t = BigInt(Math.trunc(v));
    if (t < INT64_MIN || t > INT64_MAX) throw range(formatFloat(v), 'int');
    return t;
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    if (!INT_RE.test(v)) throw syntax(v, 'int');
    const t = BigInt(v);
    if (t < INT64_MIN || t > INT64_MAX) throw range(v, 'int');
    return t;
  }
  if (v instanceof UInt) return wrapInt(v.value);
  // Times and durations are kept exact beyond the int64 nanosecond range (9999-12-31 is a valid
  // literal); as an int they must fit in 64 bits.
  if (v instanceof Time) {
    if (v.ns < INT64_MIN || v.ns > INT64_MAX) throw range(`time ${formatTime(v)}`, 'int (nanoseconds since 1970 fit from 1677-09-21 to 2262-04-11)');
    return v.ns;
  }
  if (v instanceof Duration) {
    if (v.months !== 0n) throw new FluxError('invalid', 'convert.unsupported', `cannot convert duration ${formatDuration(v)} with months to int`);
    const ns = v.signedNanos;
    if (ns < INT64_MIN || ns > INT64_MAX) throw range(`duration ${formatDuration(v)}`, 'int');
    return ns;
  }
  throw cannot(v, 'int');
}

export function toUint(v: Value): UInt {
  if (v instanceof UInt) return v;
  if (typeof v === 'bigint') return new UInt(wrapUint(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw range(formatFloat(v), 'uint');
    const t = BigInt(Math.trunc(v));
    if (t > UINT64_MAX) throw range(formatFloat(v), 'uint');
    return new UInt(t);
  }
  if (typeof v === 'boolean') return new UInt(v ? 1n : 0n);
  if (typeof v === 'string') {
    if (!/^\+?[0-9]+$/.test(v)) throw syntax(v, 'uint');
    const t = BigInt(v);
    if (t > UINT64_MAX) throw range(v, 'uint');
    return new UInt(t);
  }
  if (v instanceof Time) return new UInt(wrapUint(v.ns));
  if (v instanceof Duration) {
    if (v.months !== 0n) throw new FluxError('invalid', 'convert.unsupported', 'cannot convert a duration with months to uint');
    return new UInt(wrapUint(v.signedNanos));
  }
  throw cannot(v, 'uint');
}

const FLOAT_RE = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$/;

export function toFloat(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof UInt) return Number(v.value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v;
    const lower = s.toLowerCase();
    if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
    if (/^\+?inf(inity)?$/.test(lower)) return Infinity;
    if (/^-inf(inity)?$/.test(lower)) return -Infinity;
    if (!FLOAT_RE.test(s)) throw syntax(s, 'float');
    return Number(s);
  }
  throw cannot(v, 'float');
}

export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
    throw syntax(v, 'bool');
  }
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof UInt) {
    const n = v instanceof UInt ? Number(v.value) : Number(v);
    if (n === 1) return true;
    if (n === 0) return false;
    throw new FluxError('invalid', 'convert.outOfRange', `cannot convert ${stringOf(v)} to bool (only 0 and 1 convert)`);
  }
  throw cannot(v, 'bool');
}

const RFC3339 = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** Parse RFC3339 (with optional fraction) or a bare date (midnight UTC) to exact nanoseconds. */
export function parseTime(s: string): Time {
  const m = RFC3339.exec(s);
  if (!m) throw syntax(s, 'time (RFC3339)');
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(se);
  // RFC 3339 section 5.7: the day exists in its month (Go's time.Parse: "day out of range").
  const year = Number(y);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) throw syntax(s, 'time (RFC3339)');
  if (zone.length === 6 && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) throw syntax(s, 'time (RFC3339)');
  let ns = nanosFromCivil({ year, month, day, hour, minute, second, nano: Number(frac.padEnd(9, '0') || '0') });
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const off = BigInt(Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60) * 1_000_000_000n;
    ns -= sign * off;
  }
  return checkTimeRange(new Time(ns));
}

export function toTime(v: Value): Time {
  if (v instanceof Time) return v;
  if (typeof v === 'string') return parseTime(v);
  if (typeof v === 'bigint') return new Time(v);
  if (v instanceof UInt) return new Time(wrapInt(v.value));
  throw cannot(v, 'time');
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** Parse Flux duration syntax (`1h30m`, `-2mo`, `1y3d`). */
export function parseDuration(s: string): Duration {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-')) {
    neg = true;
    rest = rest.slice(1);
  }
  if (rest === '') throw syntax(s, 'duration');
  let months = 0n;
  let nanos = 0n;
  const re = /^([0-9]+)(mo|ms|us|µs|ns|y|w|d|h|m|s)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m) throw syntax(s, 'duration');
    const n = BigInt(m[1]!);
    const unit = m[2]!;
    if (unit === 'y') months += 12n * n;
    else if (unit === 'mo') months += n;
    else nanos += n * UNIT_NS[unit]!;
    rest = rest.slice(m[0].length);
  }
  if (nanos > INT64_MAX) throw range(s, 'duration');
  return makeDuration(neg ? -months : months, neg ? -nanos : nanos);
}

export function toDuration(v: Value): Duration {
  if (v instanceof Duration) return v;
  if (typeof v === 'string') return parseDuration(v);
  if (typeof v === 'bigint') return Duration.ofNanos(v);
  if (v instanceof UInt) return Duration.ofNanos(wrapInt(v.value));
  throw cannot(v, 'duration');
}

export function toBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  throw cannot(v, 'bytes');
}
