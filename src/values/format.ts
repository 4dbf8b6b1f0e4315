// Text forms of scalar values, shared by display (Flux syntax), `string()` conversion and
// string interpolation.
//
// - float: Go's strconv.FormatFloat(f, 'f', -1, 64) for `string()` (shortest digits that
//   round-trip, never an exponent), which is what Flux's string conversion prints.
// - time: RFC3339 with nanoseconds, trailing zeros trimmed (Go's time.RFC3339Nano), UTC.
// - duration: Flux duration literal syntax (`1y2mo3w4d5h6m7s8ms9us10ns`, `-1h`, `0ns`).
import { Duration, Time } from './value.js';

/** Go's FormatFloat(f, 'f', -1, 64): shortest round-trip digits, plain decimal notation. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // Expand exponent notation into plain digits.
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = mant.replace('.', '');
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + out;
}

/** A float in Flux source syntax: always distinguishable from an int (`1.0`, not `1`). */
export function formatFloatLiteral(f: number): string {
  const s = formatFloat(f);
  if (!Number.isFinite(f)) return s;
  return /[.]/.test(s) ? s : s + '.0';
}

const NS_PER_DAY = 86_400_000_000_000n;

/** Days since 1970-01-01 -> proleptic Gregorian civil date (Howard Hinnant's algorithm). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: m <= 2 ? y + 1 : y, month: m, day: d };
}

/** Proleptic Gregorian civil date -> days since 1970-01-01. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Broken-down UTC fields of a nanosecond timestamp. */
export interface CivilTime {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hour: number;
  minute: number;
  second: number;
  nano: number; // 0..999_999_999
}

export function civilFromNanos(ns: bigint): CivilTime {
  let days = ns / NS_PER_DAY;
  let rem = ns % NS_PER_DAY;
  if (rem < 0n) {
    rem += NS_PER_DAY;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const secOfDay = Number(rem / 1_000_000_000n);
  const nano = Number(rem % 1_000_000_000n);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nano,
  };
}

export function nanosFromCivil(c: CivilTime): bigint {
  const days = BigInt(daysFromCivil(c.year, c.month, c.day));
  return days * NS_PER_DAY + BigInt(c.hour * 3600 + c.minute * 60 + c.second) * 1_000_000_000n + BigInt(c.nano);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC3339 with trimmed nanoseconds in UTC (`2030-01-01T00:00:00.5Z`), as Go's RFC3339Nano. */
export function formatTime(t: Time): string {
  const c = civilFromNanos(t.ns);
  const year = c.year < 0 ? '-' + pad(-c.year, 4) : pad(c.year, 4);
  let frac = '';
  if (c.nano !== 0) frac = '.' + pad(c.nano, 9).replace(/0+$/, '');
  return `${year}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${frac}Z`;
}

const NS_UNITS: readonly [string, bigint][] = [
  ['w', 7n * NS_PER_DAY],
  ['d', NS_PER_DAY],
  ['h', 3_600_000_000_000n],
  ['m', 60_000_000_000n],
  ['s', 1_000_000_000n],
  ['ms', 1_000_000n],
  ['us', 1_000n],
  ['ns', 1n],
];

/** A duration in Flux literal syntax: `1y2mo`, `1h30m`, `-5m`, `0ns`. */
export function formatDuration(d: Duration): string {
  if (d.isZero()) return '0ns';
  let out = d.negative ? '-' : '';
  const years = d.months / 12n;
  const months = d.months % 12n;
  if (years) out += `${years}y`;
  if (months) out += `${months}mo`;
  let ns = d.nanoseconds;
  for (const [unit, size] of NS_UNITS) {
    if (ns >= size) {
      out += `${ns / size}${unit}`;
      ns %= size;
    }
  }
  return out;
}

/** Quote a string as a Flux string literal. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
      }
    }
  }
  // `${` would start an interpolation: escape it as the SPEC's `\${`.
  return out.replace(/\$\{/g, '\\${') + '"';
}
