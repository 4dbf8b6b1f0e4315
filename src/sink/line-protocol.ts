// InfluxDB line protocol: escaping and value formatting.
//
//     measurement[,tagKey=tagValue...] fieldKey=fieldValue[,fieldKey=fieldValue...] timestamp
//
// Escaping rules (InfluxDB line protocol reference, "Special characters"):
// - measurement: comma and space are escaped with a backslash;
// - tag keys, tag values and field keys: comma, equals sign and space are escaped;
// - string field values: double quote and backslash are escaped, and the value is quoted.
//   A newline inside a quoted string value is written as is and read back as a newline.
//
// Backslashes in measurements, tag keys/values and field keys differ between servers, so the
// encoder has two dialects, both exact (every value written reads back unchanged) or refused:
// - 'v2' (InfluxDB 2.x/3.x line protocol, VictoriaMetrics): two contiguous backslashes read
//   as one, so every backslash is doubled;
// - 'v1' (InfluxDB 1.x): a backslash is literal and only `\,` `\ ` `\=` are unescaped, so a
//   backslash is written as is, and a name whose backslash would precede an escaped
//   character or end the name cannot be represented (the row is skipped and counted).
// A newline cannot appear in a measurement, tag or field key in either dialect: such a row
// is skipped and counted (`unrepresentable`). Nor can a measurement start with `#`: a line
// starting with `#` is a comment ("Comments" in the line protocol reference), which InfluxDB
// 1.x, 2.x and VictoriaMetrics ignore while answering 204, and no escape exists for it.

export type LineProtocolDialect = 'v1' | 'v2';

const MEASUREMENT_SPECIAL = /[, \\\n]/;
const KEY_SPECIAL = /[, =\\\n]/;

/** Escaped measurement, or undefined when the name cannot be represented in `dialect`. */
export function escapeMeasurement(s: string, dialect: LineProtocolDialect = 'v2'): string | undefined {
  if (s.charCodeAt(0) === 0x23 /* # */) return undefined;
  if (!MEASUREMENT_SPECIAL.test(s)) return s;
  return escapeWith(s, dialect, false);
}

/** Escaped tag key, tag value or field key, or undefined when it cannot be represented. */
export function escapeKey(s: string, dialect: LineProtocolDialect = 'v2'): string | undefined {
  if (!KEY_SPECIAL.test(s)) return s;
  return escapeWith(s, dialect, true);
}

/**
 * Escaped tag key or field key, or undefined when it cannot be written. Besides what
 * `escapeKey` refuses, InfluxDB 1.x refuses the key `time` (its write answers 400 "partial
 * write: invalid tag key: input tag "time" ... is invalid" or "invalid field name"), so the
 * v1 dialect skips such a row instead of failing its whole batch.
 */
export function escapeName(s: string, dialect: LineProtocolDialect = 'v2'): string | undefined {
  if (dialect === 'v1' && s === 'time') return undefined;
  return escapeKey(s, dialect);
}

function escapeWith(s: string, dialect: LineProtocolDialect, escapeEquals: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    switch (c) {
      case '\n':
        return undefined;
      case ',':
      case ' ':
        out += '\\' + c;
        break;
      case '=':
        out += escapeEquals ? '\\=' : '=';
        break;
      case '\\':
        if (dialect === 'v2') {
          out += '\\\\';
        } else {
          // InfluxDB 1.x: literal, unless it would escape the next character (or the
          // separator after the name).
          const next = s[i + 1];
          if (next === undefined || next === ',' || next === ' ' || next === '\\' || (escapeEquals && next === '=')) {
            if (next === '\\') {
              // `\\` is two literal backslashes in 1.x, fine unless the pair ends the name
              // or precedes a special character; check the run as a whole.
              let j = i;
              while (s[j] === '\\') j++;
              const after = s[j];
              if (after === undefined || after === ',' || after === ' ' || (escapeEquals && after === '=')) return undefined;
              out += s.slice(i, j);
              i = j - 1;
              break;
            }
            return undefined;
          }
          out += '\\';
        }
        break;
      default:
        out += c;
    }
  }
  return out;
}

const STRING_SPECIAL = /["\\]/g;

/** A string field value, quoted and escaped. */
export function formatStringField(s: string): string {
  return '"' + (s.indexOf('"') < 0 && s.indexOf('\\') < 0 ? s : s.replace(STRING_SPECIAL, '\\$&')) + '"';
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const TWO53 = 9007199254740992;

/**
 * A float field value, or undefined for NaN and ±Inf (InfluxDB cannot store them).
 *
 * Line protocol only needs a decimal that parses back to the same double. JavaScript's
 * shortest round-trip form (`String(v)`: `1.5`, `1e+21`, `5e-324`) always is one, but it is
 * slow; most metric values are integers or have a few decimals, so those are written from
 * the integer `m = |v|·10^k` when `m / 10^k === |v|`: the exact decimal m·10^-k then rounds
 * (as any correct parser rounds it) to the same double that the correctly rounded division
 * produced, i.e. to v. An integral float is written without a suffix (read as a float).
 */
export function formatFloatField(v: number): string | undefined {
  if (Number.isInteger(v)) return v > -TWO53 && v < TWO53 ? '' + v : String(v);
  if (!Number.isFinite(v)) return undefined;
  const a = v < 0 ? -v : v;
  if (a >= 1e-3 && a < 1e15) {
    for (let k = 1; k <= 9; k++) {
      const p = POW10[k]!;
      const m = a * p;
      if (Number.isInteger(m) && m < TWO53 && m / p === a) {
        let digits = '' + m;
        if (digits.length <= k) digits = '0'.repeat(k - digits.length + 1) + digits;
        const r = digits.slice(0, digits.length - k) + '.' + digits.slice(digits.length - k);
        return v < 0 ? '-' + r : r;
      }
    }
  }
  return String(v);
}

export function formatIntField(v: bigint): string {
  return v.toString() + 'i';
}

/**
 * An unsigned field value: `123u` in the v2 dialect. InfluxDB 1.x has no unsigned type by
 * default, so the v1 dialect writes it as a signed integer when it fits (and refuses it
 * otherwise: undefined).
 */
export function formatUIntField(v: bigint, dialect: LineProtocolDialect = 'v2'): string | undefined {
  if (dialect === 'v2') return v.toString() + 'u';
  return v <= 9223372036854775807n ? v.toString() + 'i' : undefined;
}

export function formatBoolField(v: boolean): string {
  return v ? 'true' : 'false';
}
