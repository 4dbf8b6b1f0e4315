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
// the field `<name>` with their `le` label; every other sample keeps its own name.
import { DUPLICATE_LABEL, type SampleBatch } from './batch.js';
import { ByteInterner } from './interner.js';
import { ExpositionError, LabelScanner, describeByte, isLabelChar, isLabelStart, isMetricChar, isMetricStart, BSLASH, COMMA, DQUOTE, EQ, HASH, LBRACE, LF, RBRACE, SP, TAB } from './lex.js';
import { numberError, numberOk, parseFloatBytes, parseMillisTimestamp } from './numbers.js';

const TEXT_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const utf8 = new TextDecoder('utf-8');

/** Most labels a line may have for the prefix-reuse fast path (more: the general path). */
const MAX_FAST_LABELS = 64;

/** Per label of a fast-path line: its closing quote (offset in the line), name id, value id. */
interface LineLabels {
  readonly quote: Int32Array;
  readonly ln: Int32Array;
  readonly lv: Int32Array;
}
const lineLabels = (): LineLabels => ({ quote: new Int32Array(MAX_FAST_LABELS), ln: new Int32Array(MAX_FAST_LABELS), lv: new Int32Array(MAX_FAST_LABELS) });
const scratchA = lineLabels();
const scratchB = lineLabels();

/**
 * Parse Prometheus text 0.0.4 from `buf` into `batch`; throws ExpositionError.
 *
 * Speed: consecutive sample lines usually share a long prefix (same metric, same leading
 * labels: client libraries sort series by label values). Each line is compared with the
 * previous sample line; the metric name and every label whose closing quote lies inside
 * the common prefix are taken from the previous line (same bytes, so the same ids) instead
 * of being scanned and interned again. Only plain labels (`name="value"` without escapes,
 * spaces or non-ASCII bytes) take this path; anything else is parsed by LabelScanner.
 */
export function parsePrometheusText(buf: Uint8Array, batch: SampleBatch): void {
  const rawNames = new ByteInterner();
  let fieldOf = new Int32Array(16).fill(-1);
  const types = new Map<string, string>();
  const labels = new LabelScanner();
  const len = buf.length;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // The previous sample line, offsets relative to its start (prevStart < 0: none).
  let prevStart = -1;
  let prevLen = 0;
  let prevNameEnd = 0;
  let prevField = -1;
  let prevCount = 0;
  // Module-level scratch (the parser is synchronous and never re-entered): no allocation
  // per parse, which matters when a process parses thousands of small scrapes a second.
  let prevQuote = scratchA.quote;
  let prevLN = scratchA.ln;
  let prevLV = scratchA.lv;
  let curQuote = scratchB.quote;
  let curLN = scratchB.ln;
  let curLV = scratchB.lv;
  let pos = 0;
  while (pos < len) {
    let eol = buf.indexOf(LF, pos);
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
    } else {
      let common = 0;
      if (prevStart >= 0) {
        const max = Math.min(eol - base, prevLen);
        // Four bytes at a time (unaligned DataView reads), then byte by byte.
        while (common + 4 <= max && view.getUint32(base + common) === view.getUint32(prevStart + common)) common += 4;
        while (common < max && buf[base + common] === buf[prevStart + common]) common++;
      }
      if (prevStart >= 0 && prevNameEnd < common) {
        fieldId = prevField;
        i = base + prevNameEnd;
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
          fieldId = batch.fields.intern(buf, base, i - bucketSuffix(rawNames.strings[rid]!, types));
          fieldOf[rid] = fieldId;
        }
      }
      curNameEnd = i - base;
      curCount = 0;
      if (i < eol && buf[i] === LBRACE) {
        // Fast path: reuse the labels inside the common prefix, then plain labels.
        const braceAt = i;
        let k = 0;
        let ok = true;
        let closed = false;
        i++;
        if (prevStart >= 0 && prevNameEnd === curNameEnd) {
          while (k < prevCount && prevQuote[k]! < common) {
            const ln = prevLN[k]!;
            const lv = prevLV[k]!;
            batch.addLabel(ln, lv);
            curQuote[k] = prevQuote[k]!;
            curLN[k] = ln;
            curLV[k] = lv;
            i = base + prevQuote[k]! + 1;
            k++;
            b = buf[i]!;
            if (b === COMMA) i++;
            else if (b === RBRACE) {
              i++;
              closed = true;
              break;
            } else {
              ok = false;
              break;
            }
          }
        }
        while (ok && !closed) {
          if (i >= eol || k === MAX_FAST_LABELS) {
            ok = false;
            break;
          }
          b = buf[i]!;
          if (b === RBRACE) {
            i++;
            closed = true;
            break;
          }
          if (!isLabelStart(b)) {
            ok = false;
            break;
          }
          const ns = i;
          i++;
          while (i < eol && isLabelChar(buf[i]!)) i++;
          if (buf[i] !== EQ || buf[i + 1] !== DQUOTE) {
            ok = false;
            break;
          }
          const ln = batch.labelNames.intern(buf, ns, i);
          i += 2;
          const vs = i;
          while (i < eol && (b = buf[i]!) !== DQUOTE && b !== BSLASH && b < 0x80) i++;
          if (i >= eol || b !== DQUOTE) {
            ok = false;
            break;
          }
          const lv = batch.labelValues.intern(buf, vs, i);
          batch.addLabel(ln, lv);
          curQuote[k] = i - base;
          curLN[k] = ln;
          curLV[k] = lv;
          k++;
          i++;
          b = buf[i]!;
          if (b === COMMA) i++;
          else if (b === RBRACE) {
            i++;
            closed = true;
          } else ok = false;
        }
        if (ok) curCount = k;
        else {
          // General path (spaces, escapes, quoted names, UTF-8, errors): from the brace.
          batch.beginLabels();
          i = labels.scan(buf, braceAt, eol, false, batch);
          if (labels.quotedName !== null) throw new ExpositionError(lineStart, 'metric name given twice');
          curCount = 0;
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
    if (curCount >= 0) {
      prevStart = base;
      prevLen = eol - base;
      prevNameEnd = curNameEnd;
      prevField = fieldId;
      prevCount = curCount;
      const q = prevQuote;
      prevQuote = curQuote;
      curQuote = q;
      const n = prevLN;
      prevLN = curLN;
      curLN = n;
      const v = prevLV;
      prevLV = curLV;
      curLV = v;
    } else prevStart = -1;
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
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i === eol) {
      batch.addSample(sid, value, undefined);
      continue;
    }
    const ts = i;
    while (i < eol && (b = buf[i]!) !== SP && b !== TAB) i++;
    const tsNs = parseMillisTimestamp(buf, ts, i);
    if (tsNs === undefined) throw new ExpositionError(ts, `invalid timestamp: ${numberError}`);
    while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
    if (i !== eol) throw new ExpositionError(i, `unexpected ${describeByte(buf, i, eol)} after the timestamp`);
    batch.addSample(sid, value, tsNs);
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
  if (j < eol && buf[j] !== SP && buf[j] !== TAB) return; // e.g. "# HELPER": a comment
  while (j < eol && (buf[j] === SP || buf[j] === TAB)) j++;
  const what = isHelp ? 'HELP' : 'TYPE';
  // Metric name: plain or quoted.
  let name: string;
  if (j < eol && buf[j] === 34) {
    let k = j + 1;
    while (k < eol && buf[k] !== 34) k += buf[k] === 92 ? 2 : 1;
    if (k >= eol) throw new ExpositionError(j, `unterminated quoted metric name in ${what}`);
    name = utf8.decode(buf.subarray(j + 1, k)).replace(/\\(["\\])/g, '$1');
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
  if (!TEXT_TYPES.has(type)) throw new ExpositionError(j, `invalid metric type "${type}" (expected counter, gauge, histogram, summary or untyped)`);
  types.set(name, type);
}
