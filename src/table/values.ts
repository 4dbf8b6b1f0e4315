// Text forms of cell values shared by the encoders of this folder (annotated CSV, text
// tables, JSON): Go's strconv formats, as Flux writes them, and RFC3339 time parsing.
import { civilFromDays, daysFromCivil, formatFloat, formatTime } from '../values/format.js';
import { INT64_MAX, INT64_MIN, Time } from '../values/value.js';

export { formatFloat };

let lastSecond = NaN;
let lastPrefix = '';

/**
 * RFC3339 with nanoseconds, trailing zeros trimmed, UTC (Go's time.RFC3339Nano). Fast path
 * for years 0000-9999 (the `YYYY-MM-DDTHH:MM:SS` prefix of the last second is cached, since
 * encoders format long runs of nearby times); other years use values/format.ts.
 */
export function formatTimeNs(ns: bigint): string {
  let sec = ns / 1_000_000_000n;
  let nano = ns - sec * 1_000_000_000n;
  if (nano < 0n) {
    nano += 1_000_000_000n;
    sec -= 1n;
  }
  const s = Number(sec);
  // 0000-01-01 .. 9999-12-31 in Unix seconds.
  if (s < -62_167_219_200 || s > 253_402_300_799) return formatTime(new Time(ns));
  if (s !== lastSecond) {
    lastPrefix = isoSecondPrefix(s);
    lastSecond = s;
  }
  if (nano === 0n) return lastPrefix + 'Z';
  let frac = String(nano).padStart(9, '0');
  let end = frac.length;
  while (frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return `${lastPrefix}.${frac}Z`;
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));

function isoSecondPrefix(s: number): string {
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const h = Math.floor(rem / 3600);
  const m = Math.floor((rem % 3600) / 60);
  const sec = rem % 60;
  return `${String(year).padStart(4, '0')}-${p2(month)}-${p2(day)}T${p2(h)}:${p2(m)}:${p2(sec)}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parse an RFC3339 timestamp (with optional fractional seconds up to nanoseconds and a `Z`
 * or `±hh:mm` offset) into nanoseconds since the epoch; undefined when malformed or past the int64 range.
 */
export function parseRfc3339(s: string): bigint | undefined {
  const fast = parseUtcFast(s);
  if (fast !== undefined) return inTimeRange(fast);
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, sec, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const dim = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > dim) return undefined;
  let ns = BigInt(daysFromCivil(year, month, day)) * 86_400_000_000_000n;
  ns += BigInt(hour * 3600 + minute * 60 + second) * 1_000_000_000n;
  if (frac !== undefined) ns += BigInt(frac.padEnd(9, '0'));
  if (sign !== undefined) {
    const off = BigInt(Number(oh) * 3600 + Number(om) * 60) * 1_000_000_000n;
    ns += sign === '+' ? -off : off;
  }
  return inTimeRange(ns);
}

/** `ns` when it is a time (int64 nanoseconds since the epoch); undefined past either end. */
function inTimeRange(ns: bigint): bigint | undefined {
  return ns >= INT64_MIN && ns <= INT64_MAX ? ns : undefined;
}

let lastDate = '';
let lastDateNs = 0n;

function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The common shape `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` without a regexp; the start of the last
 * date seen is cached (CSV columns hold long runs of the same day). undefined: use the
 * general parser.
 */
function parseUtcFast(s: string): bigint | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return undefined;
  }
  const date = s.slice(0, 10);
  let dayNs: bigint;
  if (date === lastDate) dayNs = lastDateNs;
  else {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 7);
    const d = digits(s, 8, 10);
    if (y < 0 || mo < 1 || mo > 12 || d < 1) return undefined;
    const dim = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
    if (d > dim) return undefined;
    dayNs = BigInt(daysFromCivil(y, mo, d)) * 86_400_000_000_000n;
    lastDate = date;
    lastDateNs = dayNs;
  }
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const sec = digits(s, 17, 19);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let frac = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 || n - 21 > 9 || n - 21 < 1) return undefined;
    frac = digits(s, 20, n - 1);
    if (frac < 0) return undefined;
    for (let k = n - 21; k < 9; k++) frac *= 10;
  }
  return dayNs + BigInt((h * 3600 + mi * 60 + sec) * 1_000_000_000 + frac);
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;

/** Go's strconv.ParseInt(s, 10, 64); undefined when malformed or out of range. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT.test(s)) return undefined;
  const v = BigInt(s);
  return v < -(2n ** 63n) || v > 2n ** 63n - 1n ? undefined : v;
}

/** Go's strconv.ParseUint(s, 10, 64); undefined when malformed or out of range. */
export function parseUint64(s: string): bigint | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > 2n ** 64n - 1n ? undefined : v;
}

/** Go's strconv.ParseFloat(s, 64) for decimal forms, NaN and (+/-)Inf(inity); undefined when malformed. */
export function parseFloat64(s: string): number | undefined {
  if (FLOAT.test(s)) return Number(s);
  switch (s.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  return undefined;
}

/** Go's strconv.ParseBool; undefined when malformed. */
export function parseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
  }
  return undefined;
}
