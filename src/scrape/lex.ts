// Byte-level pieces shared by the two exposition parsers: character classes, label sets,
// and the error type that carries a byte offset (turned into line:column by ./errors.ts).
import type { SampleBatch } from './batch.js';

/**
 * A malformed exposition: `offset` is the byte offset in the body where the problem is; `id`
 * the FluxError id it becomes (./errors.ts), `scrape.malformed` unless said otherwise.
 */
export class ExpositionError extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
    readonly id: 'scrape.malformed' | 'scrape.timestampRange' = 'scrape.malformed',
  ) {
    super(detail);
    this.name = 'ExpositionError';
  }
}

/**
 * A Buffer over the same bytes, for finding line ends only: Buffer#indexOf searches with
 * memchr, about 4x faster than Uint8Array#indexOf, which compares element by element. The
 * parsers read bytes through the plain Uint8Array (one array class keeps their element
 * loads monomorphic).
 */
export function lineFinder(buf: Uint8Array): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

export const SP = 32;
export const TAB = 9;
export const LF = 10;
export const HASH = 35;
export const LBRACE = 123;
export const RBRACE = 125;
export const DQUOTE = 34;
export const EQ = 61;
export const COMMA = 44;
export const BSLASH = 92;

/** [a-zA-Z_:] : first character of a metric name (Prometheus data model). */
export function isMetricStart(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b === 95 || b === 58;
}
/** [a-zA-Z0-9_:] */
export function isMetricChar(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b === 95 || b === 58 || (b >= 48 && b <= 57);
}
/** [a-zA-Z_] : first character of a label name. */
export function isLabelStart(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b === 95;
}
/** [a-zA-Z0-9_] */
export function isLabelChar(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b === 95 || (b >= 48 && b <= 57);
}

/** A short printable rendering of a byte for error messages. */
export function describeByte(buf: Uint8Array, i: number, end: number): string {
  if (i >= end) return 'end of line';
  const b = buf[i]!;
  if (b === SP) return 'a space';
  if (b === TAB) return 'a tab';
  if (b < 32 || b === 127) return `byte 0x${b.toString(16).padStart(2, '0')}`;
  if (b >= 0x80) return 'a non-ASCII character';
  return `"${String.fromCharCode(b)}"`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Scans a label set `{name="value", ...}`. In `strict` mode (OpenMetrics) no whitespace is
 * allowed inside the braces and no trailing comma; otherwise (Prometheus text 0.0.4, as
 * Prometheus's lexer reads it) spaces and tabs may surround the tokens and a trailing comma
 * is allowed. Label names are `[a-zA-Z_][a-zA-Z0-9_]*` or a quoted UTF-8 string; the first
 * entry may be a quoted metric name without `=` (`{"my.metric", a="b"}`, Prometheus 3).
 * Escapes in quoted strings: `\\`, `\"` and `\n` are replaced, any other `\x` is kept as
 * written (Prometheus's label-value unescaping); label values must be valid UTF-8.
 */
export class LabelScanner {
  /** The quoted metric name given inside the braces, if any (else null). */
  quotedName: string | null = null;
  /** Code points in label names plus values (OpenMetrics limits exemplar labels to 128). */
  runes = 0;
  /** Exemplar mode: label names seen (duplicate check without a batch). */
  private seen = new Set<string>();
  private scratch = new Uint8Array(256);

  /**
   * Scan from buf[pos] === '{' to the matching '}' (before `end`); returns the index after
   * '}'. With a batch, each label is added to the batch's scratch label set; without one
   * (exemplar labels) the labels are only checked.
   */
  scan(buf: Uint8Array, pos: number, end: number, strict: boolean, batch: SampleBatch | null): number {
    this.quotedName = null;
    this.runes = 0;
    if (batch === null) this.seen.clear();
    let i = pos + 1;
    let first = true;
    for (;;) {
      if (!strict) while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
      if (i >= end) throw new ExpositionError(i, 'unterminated label set: expected "}"');
      let b = buf[i]!;
      if (b === RBRACE) {
        if (strict && !first) throw new ExpositionError(i, 'expected a label name after ","');
        return i + 1;
      }
      // Label name.
      let nameId = -1;
      let nameStr = '';
      if (b === DQUOTE) {
        const q = this.quoted(buf, i, end);
        i = q;
        if (!strict) while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
        if (first && (buf[i] === COMMA || buf[i] === RBRACE)) {
          this.quotedName = this.lastString;
          // `{"my.metric"}`: a name alone is a complete label set in both formats (the
          // strict "label after a comma" check below is about commas, not names).
          if (buf[i] === RBRACE) return i + 1;
          i++;
          first = false;
          continue;
        }
        nameStr = this.lastString;
        if (batch !== null) nameId = batch.labelNames.intern(this.scratch, 0, this.lastLen);
      } else {
        if (!isLabelStart(b)) {
          if (strict && b === COMMA) throw new ExpositionError(i, 'unexpected "," in label set');
          throw new ExpositionError(i, `invalid label name: unexpected ${describeByte(buf, i, end)}`);
        }
        const s = i;
        i++;
        while (i < end && isLabelChar(buf[i]!)) i++;
        if (batch !== null) nameId = batch.labelNames.intern(buf, s, i);
        else nameStr = String.fromCharCode.apply(null, buf.subarray(s, i) as unknown as number[]);
        this.runes += i - s;
        if (!strict) while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
      }
      if (batch === null) {
        if (this.seen.has(nameStr)) throw new ExpositionError(i, `duplicate label name "${nameStr}"`);
        this.seen.add(nameStr);
      }
      if (i >= end || buf[i] !== EQ) throw new ExpositionError(i, `expected "=" after the label name, found ${describeByte(buf, i, end)}`);
      i++;
      if (!strict) while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
      if (i >= end || buf[i] !== DQUOTE) throw new ExpositionError(i, `expected a quoted label value, found ${describeByte(buf, i, end)}`);
      // Label value: fast path without escapes.
      const vs = i + 1;
      let j = vs;
      let high = 0;
      let esc = false;
      while (j < end) {
        b = buf[j]!;
        if (b === DQUOTE) break;
        if (b === BSLASH) {
          esc = true;
          j += 2;
          continue;
        }
        high |= b;
        j++;
      }
      if (j >= end) throw new ExpositionError(i, 'unterminated label value: expected a closing \'"\'');
      let valueId: number;
      if (!esc) {
        if (batch !== null) valueId = batch.labelValues.intern(buf, vs, j);
        else valueId = 0;
        if (high >= 0x80) {
          this.checkUtf8(buf, vs, j);
          this.runes += countRunes(buf, vs, j);
        } else this.runes += j - vs;
      } else {
        const len = this.unescape(buf, vs, j);
        this.checkUtf8(this.scratch, 0, len, vs);
        this.runes += countRunes(this.scratch, 0, len);
        valueId = batch !== null ? batch.labelValues.intern(this.scratch, 0, len) : 0;
      }
      if (batch !== null) batch.addLabel(nameId, valueId);
      i = j + 1;
      first = false;
      if (!strict) while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
      if (i >= end) throw new ExpositionError(i, 'unterminated label set: expected "}"');
      b = buf[i]!;
      if (b === COMMA) {
        i++;
        if (strict && i < end && buf[i] === RBRACE) throw new ExpositionError(i - 1, 'trailing "," in label set');
        continue;
      }
      if (b === RBRACE) return i + 1;
      throw new ExpositionError(i, `expected "," or "}" after a label value, found ${describeByte(buf, i, end)}`);
    }
  }

  private lastString = '';
  private lastLen = 0;

  /** A quoted name at buf[i] === '"'; leaves the unescaped bytes in scratch. Returns the index after the closing quote. */
  private quoted(buf: Uint8Array, i: number, end: number): number {
    let j = i + 1;
    while (j < end && buf[j] !== DQUOTE) j += buf[j] === BSLASH ? 2 : 1;
    if (j >= end) throw new ExpositionError(i, 'unterminated quoted name');
    const len = this.unescape(buf, i + 1, j);
    if (len === 0) throw new ExpositionError(i, 'empty quoted name');
    this.checkUtf8(this.scratch, 0, len, i + 1);
    this.lastLen = len;
    this.lastString = utf8.decode(this.scratch.subarray(0, len));
    this.runes += countRunes(this.scratch, 0, len);
    return j + 1;
  }

  /** Unescape buf[s, e) into scratch; returns the length. */
  private unescape(buf: Uint8Array, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = new Uint8Array((e - s) * 2);
    const out = this.scratch;
    let w = 0;
    for (let k = s; k < e; k++) {
      const c = buf[k]!;
      if (c === BSLASH && k + 1 < e) {
        const n = buf[k + 1]!;
        if (n === BSLASH || n === DQUOTE) {
          out[w++] = n;
          k++;
          continue;
        }
        if (n === 110 /* n */) {
          out[w++] = LF;
          k++;
          continue;
        }
      }
      out[w++] = c;
    }
    return w;
  }

  private checkUtf8(buf: Uint8Array, s: number, e: number, at = s): void {
    try {
      utf8.decode(buf.subarray(s, e));
    } catch {
      throw new ExpositionError(at, 'label value is not valid UTF-8');
    }
  }
}

/**
 * Rejects a `__name__` label (`a{__name__="b"} 1`): the metric name given twice. Prometheus
 * builds the label set with `__name__` set to the metric name, so the label repeats it and the
 * sample is refused (label name "__name__" is not unique), failing the scrape. Checked after
 * the parse, off the per-line path: only when some series has the label is the line found, as
 * the `k`-th sample line (every sample line gives one sample; `text`: blank lines and `#`
 * lines after blanks are not sample lines, OpenMetrics: `#` lines).
 */
export function rejectNameLabel(buf: Uint8Array, batch: SampleBatch, text: boolean): void {
  const id = batch.labelNames.strings.indexOf('__name__');
  if (id < 0) return;
  let series = -1;
  for (let s = 0; s < batch.seriesCount && series < 0; s++) {
    const st = batch.seriesStart[s]!;
    for (let i = 0; i < batch.seriesPairs[s]!; i++) if (batch.pairs[st + 2 * i] === id) series = s;
  }
  if (series < 0) return;
  let k = 0;
  while (batch.series[k] !== series) k++;
  let pos = 0;
  for (;;) {
    let eol = buf.indexOf(LF, pos);
    if (eol < 0) eol = buf.length;
    let i = pos;
    if (text) while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i < eol && buf[i] !== HASH) {
      if (k === 0) throw new ExpositionError(i, 'the metric name is given twice: as the name and as the label "__name__"');
      k--;
    }
    if (eol >= buf.length) return;
    pos = eol + 1;
  }
}

/** Code points in a UTF-8 byte range (bytes that are not continuation bytes). */
export function countRunes(buf: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if ((buf[i]! & 0xc0) !== 0x80) n++;
  return n;
}
