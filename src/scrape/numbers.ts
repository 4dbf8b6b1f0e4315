// Number syntax of the exposition formats, validated byte by byte. JavaScript's Number()
// and parseFloat accept what Prometheus rejects ("0x10", "", " 1", "1_0", "Infinity" with a
// trailing junk...) and reject what it accepts ("+Inf", "inf", "NaN" in any case), so the
// syntax is checked here and Number() is only used on text already known to be a decimal.
//
// Sample values (both formats): Prometheus parses them with Go's strconv.ParseFloat after
// rejecting 'p', 'P' and '_' (textparse parseFloat), so the accepted grammar is
//   [+-]? ( digits [ "." digits? ] | "." digits ) ( [eE] [+-]? digits )?
//   [+-]? ( "inf" | "infinity" )        (any letter case)
//   "nan"                               (any letter case, no sign)
// A finite literal whose magnitude overflows float64 (1e400) is an error in Go (ErrRange),
// so it is one here; underflow rounds to 0 as in Go.

/** Set by the parse functions when they return their failure sentinel: what was wrong. */
export let numberError = '';

const INVALID = Number.NaN;
/** Returned by parseFloatBytes for invalid input (a distinct NaN payload cannot be kept, so check `numberOk`). */
export let numberOk = true;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function fail(msg: string): number {
  numberOk = false;
  // A token quoted by shown() that holds an escaped "\r": say why it is there.
  numberError = msg.includes('\\r') ? `${msg} (it ends with a carriage return: lines must end with "\\n" alone)` : msg;
  return INVALID;
}

function lower(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

/** True when buf[s..s+word.length) equals `word` ignoring ASCII case (`word` is lower case). */
function matchWord(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(buf[s + i]!) !== word.charCodeAt(i)) return false;
  return true;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * buf[s, e) quoted for a message: decoded as UTF-8, control characters escaped (a "\r" left
 * by CRLF line ends is otherwise invisible), at most 40 characters.
 */
export function shown(buf: Uint8Array, s: number, e: number): string {
  let text = utf8.decode(buf.subarray(s, e));
  if (text.length > 40) text = text.slice(0, 37) + '...';
  return JSON.stringify(text);
}

/**
 * Parse a Prometheus sample value from buf[s, e). On success returns the value and leaves
 * `numberOk` true; on failure returns NaN with `numberOk` false and `numberError` set.
 */
// The exact fast path keeps mantissas up to 2^53 (every integer up to it is a double): all
// 15- and most 16-digit decimals; Go's shortest formatting of a float64 writes up to 17.
/** Whether mant * 10 + d <= 2^53 (decided without computing it: above 2^53 it rounds). */
function fitsExact(mant: number, d: number): boolean {
  return mant < 900719925474099 || (mant === 900719925474099 && d <= 2);
}

export function parseFloatBytes(buf: Uint8Array, s: number, e: number): number {
  numberOk = true;
  if (s >= e) return fail('empty value');
  let i = s;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    neg = c0 === 45;
    i++;
    if (i >= e) return fail('a sign without a number');
  }
  const c = buf[i]!;
  if (c === 105 || c === 73 /* i I */) {
    if (matchWord(buf, i, e, 'inf') || matchWord(buf, i, e, 'infinity')) return neg ? -Infinity : Infinity;
    return fail(`${shown(buf, s, e)} is not a number`);
  }
  if (c === 110 || c === 78 /* n N */) {
    if (i === s && matchWord(buf, i, e, 'nan')) return Number.NaN;
    return fail(`${shown(buf, s, e)} is not a number`);
  }
  // Decimal: mantissa digits (while they fit in 2^53 exactly), digits after the point, exponent.
  let mant = 0;
  let fracDigits = 0;
  let any = false;
  let exact = true;
  while (i < e) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    any = true;
    if (mant === 0 && d === 0) {
      // leading zero: no significance
    } else if (exact && fitsExact(mant, d)) {
      mant = mant * 10 + d;
    } else {
      exact = false;
    }
    i++;
  }
  if (i < e && buf[i] === 46 /* . */) {
    i++;
    while (i < e) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      any = true;
      if (mant === 0 && d === 0) {
        fracDigits++;
      } else if (exact && fitsExact(mant, d)) {
        mant = mant * 10 + d;
        fracDigits++;
      } else {
        exact = false;
      }
      i++;
    }
  }
  if (!any) return fail(`${shown(buf, s, e)} is not a number`);
  let exp = 0;
  if (i < e && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 43 || buf[i] === 45)) {
      eneg = buf[i] === 45;
      i++;
    }
    let edigits = 0;
    while (i < e) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0) return fail(`${shown(buf, s, e)} has an exponent without digits`);
    if (eneg) exp = -exp;
  }
  if (i !== e) return fail(`${shown(buf, s, e)} is not a number`);
  let v: number;
  const scale = exp - fracDigits;
  if (exact && scale >= -22 && scale <= 22) {
    // Clinger's fast path: mantissa < 2^53 and one exact power of ten: correctly rounded.
    v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
    if (v === Infinity) return fail(`${shown(buf, s, e)} is out of the range of a float`);
  } else {
    // Syntax validated above, so Number() (correctly rounded) agrees with Go's ParseFloat.
    v = Number(latin1(buf, s, e));
    if (!Number.isFinite(v)) return fail(`${shown(buf, s, e)} is out of the range of a float`);
    return v;
  }
  return neg ? -v : v;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Parse a Prometheus text-format timestamp: an int64 of milliseconds (Go strconv.ParseInt
 * base 10: optional sign, decimal digits only). Returns the timestamp in nanoseconds, or
 * undefined with `numberError` set.
 */
export function parseMillisTimestamp(buf: Uint8Array, s: number, e: number): bigint | undefined {
  let i = s;
  if (i < e && (buf[i] === 43 || buf[i] === 45)) i++;
  if (i >= e) {
    numberError = 'empty timestamp';
    return undefined;
  }
  for (let j = i; j < e; j++) {
    const d = buf[j]!;
    if (d < 48 || d > 57) {
      numberError = `timestamp ${shown(buf, s, e)} is not an integer number of milliseconds`;
      return undefined;
    }
  }
  const ms = BigInt(latin1(buf, s, e));
  if (ms > INT64_MAX || ms < INT64_MIN) {
    numberError = `timestamp ${shown(buf, s, e)} is out of the int64 range`;
    return undefined;
  }
  return ms * 1_000_000n;
}

/**
 * Parse an OpenMetrics timestamp: a real number of seconds (no NaN, no infinities, no hex,
 * no '_'): [+-]? (digits ["." digits?] | "." digits) ([eE][+-]?digits)?. Returns exact
 * nanoseconds (digits beyond the nanosecond are truncated toward zero), or undefined with
 * `numberError` set. The result may exceed the int64 range; the caller decides.
 */
export function parseSecondsTimestamp(buf: Uint8Array, s: number, e: number): bigint | undefined {
  let i = s;
  let neg = false;
  if (i < e && (buf[i] === 43 || buf[i] === 45)) {
    neg = buf[i] === 45;
    i++;
  }
  let digits = '';
  let fracDigits = 0;
  let any = false;
  while (i < e && buf[i]! >= 48 && buf[i]! <= 57) {
    digits += String.fromCharCode(buf[i]!);
    any = true;
    i++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) {
      digits += String.fromCharCode(buf[i]!);
      fracDigits++;
      any = true;
      i++;
    }
  }
  if (!any) {
    numberError = `timestamp ${shown(buf, s, e)} is not a number of seconds`;
    return undefined;
  }
  let exp = 0;
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 43 || buf[i] === 45)) {
      eneg = buf[i] === 45;
      i++;
    }
    let ed = 0;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) {
      if (exp < 100000) exp = exp * 10 + (buf[i]! - 48);
      ed++;
      i++;
    }
    if (ed === 0) {
      numberError = `timestamp ${shown(buf, s, e)} has an exponent without digits`;
      return undefined;
    }
    if (eneg) exp = -exp;
  }
  if (i !== e) {
    numberError = `timestamp ${shown(buf, s, e)} is not a number of seconds`;
    return undefined;
  }
  // value = digits * 10^(exp - fracDigits) seconds = digits * 10^(exp - fracDigits + 9) ns
  const shift = exp - fracDigits + 9;
  let ns: bigint;
  if (shift >= 0) ns = shift > 400 ? (/^0*$/.test(digits) ? 0n : 10n ** 400n) : BigInt(digits) * 10n ** BigInt(shift);
  else ns = -shift > 400 ? 0n : BigInt(digits) / 10n ** BigInt(-shift);
  return neg ? -ns : ns;
}

/**
 * A number written the way Prometheus 3 stores `le` and `quantile` label values
 * (formatOpenMetricsFloat): "+Inf", "-Inf", "NaN"; else Go's shortest 'g' format (an
 * exponent, at least two digits, below 1e-4 and from 1e6 on: "1e-05", "1.5e+06"), with
 * ".0" appended when it has neither a point nor an exponent ("1" -> "1.0", "0" -> "0.0").
 */
export function formatOpenMetricsFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0.0';
  // Shortest round-trip digits and the decimal exponent (as Go's 'g' with precision -1).
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  let s: string;
  if (exp < -4 || exp >= 6) s = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  else s = String(v); // JavaScript writes these magnitudes without an exponent, shortest digits
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/**
 * The stored form of an `le` / `quantile` label value: Prometheus 3 parses it as a float and
 * writes it back with formatOpenMetricsFloat ("1" -> "1.0", "1e3" -> "1000.0"); a value that
 * is not a number is kept as written.
 */
export function normalizedBound(s: string): string {
  const b = encoder.encode(s);
  const v = parseFloatBytes(b, 0, b.length);
  return numberOk ? formatOpenMetricsFloat(v) : s;
}

/** The message of a timestamp buf[s, e) (in `unit`) that is not a Flux time. */
export function timestampRangeMessage(buf: Uint8Array, s: number, e: number, unit: string): string {
  return `timestamp ${shown(buf, s, e)} (${unit}) is outside the range of Flux times (int64 nanoseconds: 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z)`;
}

/** True when ns fits a Flux time (int64 nanoseconds). */
export function inTimeRange(ns: bigint): boolean {
  return ns <= INT64_MAX && ns >= INT64_MIN;
}
