// The Prometheus text exposition format 0.0.4, read the way Prometheus's own parser
// (textparse.PromParser) reads it:
//
//   - one sample or comment per line, lines end with "\n" (a last line without "\n" is
//     accepted); empty lines and leading spaces/tabs are ignored;
//   - `# HELP name text` and `# TYPE name type` (type: counter, gauge, histogram, summary,
//     untyped; anything else is an error); any other `#` line is a comment;
//   - a sample is `name[{labels}] value [timestamp]`, name `[a-zA-Z_:][a-zA-Z0-9_:]*` or a
//     quoted UTF-8 name inside the braces (`{"my.metric", a="b"}`); labels as ./lex.ts
//     describes (spaces and a trailing comma allowed, `{}` allowed, duplicates rejected);
//   - value: Go's ParseFloat syntax without hex or '_' (./numbers.ts): NaN, +Inf, -Inf in
//     any letter case; timestamp: optional int64 milliseconds since the epoch.
//
// Histogram buckets (`<name>_bucket` of a family whose TYPE is histogram) are stored under
// the field `<name>` with their `le` label; every other sample keeps its own name, a
// `_bucket` sample without `le` too (VictoriaMetrics's `vmrange` buckets). As in
// Prometheus 3, the `le` of those buckets and the `quantile` of a summary's samples are
// stored in one float format ("1" -> "1.0": SampleBatch.normalizeBounds).
import { DUPLICATE_LABEL, type SampleBatch } from './batch.js';
import { ByteInterner } from './interner.js';
import { ExpositionError, LabelScanner, lineFinder, describeByte, rejectNameLabel, isMetricChar, isMetricStart, HASH, LBRACE, LF, SP, TAB } from './lex.js';
import { inTimeRange, numberError, numberOk, parseFloatBytes, parseMillisTimestamp, timestampRangeMessage } from './numbers.js';
import { LinePrefix } from './prefix.js';

const TEXT_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const utf8 = new TextDecoder('utf-8');

/** The previous-line state (module level: the parser is synchronous and never re-entered). */
const prefix = new LinePrefix();

/**
 * Parse Prometheus text 0.0.4 from `buf` into `batch`; throws ExpositionError. Lines that
 * share a prefix with the previous sample line reuse its name and labels (./prefix.ts).
 */
export function parsePrometheusText(buf: Uint8Array, batch: SampleBatch): void {
  const rawNames = new ByteInterner();
  let fieldOf = new Int32Array(16).fill(-1);
  const types = new Map<string, string>();
  const labels = new LabelScanner();
  const len = buf.length;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lines = lineFinder(buf);
  prefix.reset();
  const bounds = new BoundFields();
  const tokens = batch.tokens;
  let prevField = -1; // the field of the previous sample line
  let pos = 0;
  while (pos < len) {
    let eol = lines.indexOf(LF, pos);
    if (eol < 0) eol = len;
    let i = pos;
    const lineStart = pos;
    pos = eol + 1;
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i === eol) continue;
    let b = buf[i]!;
    if (b === HASH) {
      parseComment(buf, i, eol, types);
      continue;
    }
    // Metric name.
    let fieldId: number;
    batch.beginLabels();
    const base = i;
    let curCount = -1; // -1: this line cannot serve as a prefix for the next one
    let curNameEnd = 0;
    if (b === LBRACE) {
      i = labels.scan(buf, i, eol, false, batch);
      if (labels.quotedName === null) throw new ExpositionError(lineStart, 'a sample needs a metric name');
      fieldId = fieldFor(labels.quotedName, batch, types);
      bounds.note(fieldId, labels.quotedName, bucketSuffix(labels.quotedName, types), types);
    } else {
      const common = prefix.common(buf, view, base, eol);
      if (common > prefix.prevNameEnd) {
        fieldId = prevField;
        i = base + prefix.prevNameEnd;
      } else {
        if (!isMetricStart(b)) throw new ExpositionError(i, `invalid metric name: unexpected ${describeByte(buf, i, eol)}`);
        i++;
        while (i < eol && isMetricChar(buf[i]!)) i++;
        const rid = rawNames.intern(buf, base, i);
        if (rid >= fieldOf.length) {
          const a = new Int32Array(fieldOf.length * 2).fill(-1);
          a.set(fieldOf);
          fieldOf = a;
        }
        fieldId = fieldOf[rid]!;
        if (fieldId < 0) {
          // Interned from the bytes (no re-encoding of the name's string).
          const name = rawNames.strings[rid]!;
          const trim = bucketSuffix(name, types);
          fieldId = batch.fields.intern(buf, base, i - trim);
          fieldOf[rid] = fieldId;
          bounds.note(fieldId, name, trim, types);
        }
      }
      curNameEnd = i - base;
      curCount = 0;
      if (i < eol && buf[i] === LBRACE) {
        const braceAt = i;
        i = prefix.labels(buf, base, braceAt, eol, common, common >= 0 && prefix.prevNameEnd === curNameEnd, false, batch);
        if (i >= 0) curCount = prefix.count;
        else {
          // General path (spaces, escapes, quoted names, UTF-8, errors): from the brace.
          batch.beginLabels();
          i = labels.scan(buf, braceAt, eol, false, batch);
          if (labels.quotedName !== null) throw new ExpositionError(lineStart, 'metric name given twice');
        }
      } else {
        const afterName = i;
        while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
        if (i < eol && buf[i] === LBRACE) {
          i = labels.scan(buf, i, eol, false, batch);
          if (labels.quotedName !== null) throw new ExpositionError(lineStart, 'metric name given twice');
        } else i = afterName;
      }
    }
    // Remember this line as the prefix source of the next one.
    prefix.commit(base, eol, curNameEnd, curCount);
    if (curCount >= 0) prevField = fieldId;
    const sid = batch.appendSeries(fieldId);
    if (sid === DUPLICATE_LABEL) throw new ExpositionError(lineStart, `label name "${batch.labelNames.strings[batch.duplicateName]}" is repeated`);
    // Value.
    const ws = i;
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i === eol) throw new ExpositionError(i, 'expected a value after the metric');
    if (i === ws) throw new ExpositionError(i, `expected a space before the value, found ${describeByte(buf, i, eol)}`);
    const vs = i;
    while (i < eol && (b = buf[i]!) !== SP && b !== TAB) i++;
    const value = parseFloatBytes(buf, vs, i);
    if (!numberOk) throw new ExpositionError(vs, `invalid value: ${numberError}`);
    const ve = i;
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i === eol) {
      batch.addSample(sid, value, undefined);
      if (tokens !== null) tokens.add(vs, ve, -1, -1);
      continue;
    }
    const ts = i;
    while (i < eol && (b = buf[i]!) !== SP && b !== TAB) i++;
    const te = i;
    const tsNs = parseMillisTimestamp(buf, ts, i);
    if (tsNs === undefined) throw new ExpositionError(ts, `invalid timestamp: ${numberError}`);
    if (!inTimeRange(tsNs)) throw new ExpositionError(ts, timestampRangeMessage(buf, ts, i, 'milliseconds'), 'scrape.timestampRange');
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i !== eol) throw new ExpositionError(i, `unexpected ${describeByte(buf, i, eol)} after the timestamp`);
    batch.addSample(sid, value, tsNs);
    if (tokens !== null) tokens.add(vs, ve, ts, te);
  }
  rejectNameLabel(buf, batch, true);
  batch.normalizeBounds(bounds.le, bounds.quantile);
  batch.restoreBucketsWithoutLe(bounds.le);
  for (const f of bounds.le) batch.bucketFields.add(f);
}

/** The fields whose `le` (histogram buckets) or `quantile` (summary samples) Prometheus 3 normalizes. */
class BoundFields {
  readonly le: number[] = [];
  readonly quantile: number[] = [];
  private seen = new Set<number>();

  /** A sample name `name` read into field `fieldId`, `trim` bytes of `_bucket` removed. */
  note(fieldId: number, name: string, trim: number, types: Map<string, string>): void {
    if (this.seen.has(fieldId)) return;
    if (trim > 0) this.le.push(fieldId);
    else if (types.get(name) === 'summary') this.quantile.push(fieldId);
    else return;
    this.seen.add(fieldId);
  }
}

/** The field id of a sample name: `_bucket` trimmed when the family is a histogram. */
function fieldFor(name: string, batch: SampleBatch, types: Map<string, string>): number {
  return batch.fields.internString(name.slice(0, name.length - bucketSuffix(name, types)));
}

/** How much of a sample name is not its field: 7 (`_bucket`) for a histogram's bucket, else 0. */
function bucketSuffix(name: string, types: Map<string, string>): number {
  return name.endsWith('_bucket') && types.get(name.slice(0, -7)) === 'histogram' ? 7 : 0;
}

function parseComment(buf: Uint8Array, i: number, eol: number, types: Map<string, string>): void {
  // `#` followed by blanks, then HELP or TYPE followed by blanks: metadata; else a comment.
  let j = i + 1;
  if (j >= eol || (buf[j] !== SP && buf[j] !== TAB)) return;
  while (j < eol && (buf[j] === SP || buf[j] === TAB)) j++;
  const isHelp = buf[j] === 72 && buf[j + 1] === 69 && buf[j + 2] === 76 && buf[j + 3] === 80; // HELP
  const isType = buf[j] === 84 && buf[j + 1] === 89 && buf[j + 2] === 80 && buf[j + 3] === 69; // TYPE
  if (!isHelp && !isType) return;
  j += 4;
  // "# HELPER", or "# HELP" ending the line: a comment (Prometheus's lexer needs blanks after
  // the keyword to read a HELP or TYPE line).
  if (j >= eol || (buf[j] !== SP && buf[j] !== TAB)) return;
  while (j < eol && (buf[j] === SP || buf[j] === TAB)) j++;
  const what = isHelp ? 'HELP' : 'TYPE';
  // Metric name: plain or quoted.
  let name: string;
  if (j < eol && buf[j] === 34) {
    let k = j + 1;
    while (k < eol && buf[k] !== 34) k += buf[k] === 92 ? 2 : 1;
    if (k >= eol) throw new ExpositionError(j, `unterminated quoted metric name in ${what}`);
    // Unescaped as sample names are (./lex.ts): \\, \" and \n; any other escape is kept.
    name = utf8.decode(buf.subarray(j + 1, k)).replace(/\\(.)/g, (m, c: string) => (c === 'n' ? '\n' : c === '"' || c === '\\' ? c : m));
    j = k + 1;
  } else {
    if (j >= eol || !isMetricStart(buf[j]!)) throw new ExpositionError(j, `expected a metric name in ${what}, found ${describeByte(buf, j, eol)}`);
    const s = j;
    while (j < eol && isMetricChar(buf[j]!)) j++;
    // A HELP line's name is checked, never needed as a string.
    name = isHelp ? '' : String.fromCharCode.apply(null, buf.subarray(s, j) as unknown as number[]);
  }
  if (j < eol && buf[j] !== SP && buf[j] !== TAB) throw new ExpositionError(j, `invalid metric name in ${what}: unexpected ${describeByte(buf, j, eol)}`);
  while (j < eol && (buf[j] === SP || buf[j] === TAB)) j++;
  if (isHelp) return; // HELP text: anything (escapes \\ and \n are not validated by Prometheus)
  let e = eol;
  while (e > j && (buf[e - 1] === SP || buf[e - 1] === TAB)) e--;
  const type = String.fromCharCode.apply(null, buf.subarray(j, e) as unknown as number[]);
  if (type === '') throw new ExpositionError(j, `TYPE of "${name}" is missing`);
  if (!TEXT_TYPES.has(type)) throw new ExpositionError(j, `invalid metric type ${JSON.stringify(type)} (expected counter, gauge, histogram, summary or untyped)${type.endsWith('\r') ? '; lines must end with "\\n" alone' : ''}`);
  types.set(name, type);
}
