// The OpenMetrics 1.0 text format (application/openmetrics-text; version=1.0.0), with the
// validation of the OpenMetrics specification as its reference parser applies it (the
// conformance suite in ../shared/conformance/openmetrics runs in the test command):
//
//   - the exposition ends with `# EOF` (an optional final "\n", nothing after it); no blank
//     lines; every `#` line is `# HELP|TYPE|UNIT <name> <text>` (no free comments);
//   - single spaces separate tokens; label sets have no spaces and no trailing comma;
//   - metadata precedes the family's samples and appears once; TYPE is one of counter,
//     gauge, histogram, gaugehistogram, summary, info, stateset, unknown; a UNIT must be the
//     suffix of the family name and is not allowed on info and stateset;
//   - sample names of a family: counter `_total`/`_created`; histogram `_bucket`/`_count`/
//     `_sum`/`_created`; gaugehistogram `_bucket`/`_gcount`/`_gsum`; summary `<name>`/
//     `_count`/`_sum`/`_created`; info `_info`; others `<name>`. A family's names may not
//     clash with another family's; a sample of another name starts a new (unknown) family;
//     one exception, as Prometheus reads it: a counter `x` (samples `x_total`, `x_created`)
//     may follow a gauge or other family named `x`, even right after its samples
//     (client_golang writes a counter `x_total` as family `x`, beside Go's gauge `x`);
//   - a family's label groups (labels without `le`/`quantile`/the stateset label) are
//     contiguous; within a group timestamps are all present or all absent and never go
//     backwards; a repeated series with the same timestamp is dropped (as in the text
//     format, when the tables are made: ./tables.ts);
//   - values: counters, `_count`, `_sum`, `_bucket`, `_gcount` not NaN and not negative
//     (`_gsum` not NaN); info samples are 1, stateset samples 0 or 1; summary quantiles are
//     canonical numbers in [0, 1] and their values not negative; buckets need a canonical
//     `le` ("+Inf", not "+INF"), increasing `le` and non-decreasing counts, a `+Inf` bucket
//     equal to `_count`; `_sum` needs `_count` and the reverse; no `_sum` with negative
//     buckets, no negative `_gsum` without them;
//   - timestamps are seconds (float, exact to the nanosecond here); exemplars
//     ` # {labels} value [timestamp]` only on counter `_total` and bucket samples, with at
//     most 128 code points of label names and values. Exemplars are validated and dropped.
//
// Samples land in the batch with the names Prometheus stores (`a_total`, `a_created`,
// `a_info`, `a_gsum`...), except bucket samples, stored as `<family>` with their `le`. As
// Prometheus 3 stores them, histogram `le` and summary `quantile` values are in one float
// format ("1" -> "1.0"; gauge histograms keep theirs as written): SampleBatch.normalizeBounds.
import { DUPLICATE_LABEL, SampleBatch } from './batch.js';
import { ByteInterner } from './interner.js';
import { ExpositionError, LabelScanner, lineFinder, describeByte, rejectNameLabel, isMetricChar, isMetricStart, BSLASH, DQUOTE, HASH, LBRACE, LF, SP } from './lex.js';
import { inTimeRange, numberError, numberOk, parseFloatBytes, parseSecondsTimestamp, timestampRangeMessage } from './numbers.js';
import { LinePrefix } from './prefix.js';
import { OM_NOT_NAN, OM_NOT_NEGATIVE, OM_ONE, OM_TS_NOT_BEFORE_PREVIOUS, OM_ZERO_OR_ONE } from './tokens.js';

const TYPE_SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  summary: ['', '_count', '_sum', '_created'],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info'],
};
const OM_TYPES = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);
const NOT_NAN = new Set(['_total', '_sum', '_count', '_bucket', '_gcount', '_gsum']);
const NOT_NEGATIVE = new Set(['_total', '_sum', '_count', '_bucket', '_gcount']);
const enc = new TextEncoder();

const H_BUCKET = 0;
const H_COUNT = 1; // _count or _gcount
const H_SUM = 2;
const H_GSUM = 3;
const H_OTHER = 4; // _created

/** Histogram samples of a family, for the checks at its end (parallel arrays, no object per sample). */
export interface HistEntries {
  suffix: number[];
  group: number[];
  ts: (bigint | null)[];
  le: number[];
  value: number[];
  offset: number[];
  /** The index of each entry's sample in the batch (for the scrape memo). */
  sample: number[];
}

interface Family {
  name: string;
  type: string | undefined;
  unit: string | undefined;
  help: boolean;
  samples: number;
  allowed: readonly string[];
  /** Label-name id excluded from the group (le / quantile / the stateset label), per sample name. */
  seenGroups: Set<number>;
  group: number | undefined;
  groupTs: bigint | null | undefined;
  /** The last sample name of this family and what it implies (most lines repeat the name). */
  lastName: string | undefined;
  lastInfo: NameInfo | undefined;
  /** Histogram check entries. */
  hist: HistEntries;
  startOffset: number;
  /**
   * Set when this family was opened by metadata for the name of the family just read, after
   * its samples (see `reopens` below): the error to raise unless it declares a counter.
   */
  reopened: string | undefined;
}

/** What a sample name means in its family. */
interface NameInfo {
  /** The name after the family name (`_total`, `_bucket`, ... or ""). */
  suffix: string;
  isBucket: boolean;
  fieldId: number;
  notNaN: boolean;
  notNegative: boolean;
  /** The histogram entry kind (H_*), for histograms and gauge histograms. */
  histKind: number;
}

/** A family opened again after the samples of its name (see `reopens`) must be a counter. */
function checkReopened(f: Family, type: string): void {
  if (f.reopened !== undefined && type !== 'counter') throw new ExpositionError(f.startOffset, f.reopened);
}

function newFamily(name: string, offset: number): Family {
  return {
    name,
    type: undefined,
    unit: undefined,
    help: false,
    samples: 0,
    allowed: [name],
    seenGroups: new Set(),
    group: undefined,
    groupTs: undefined,
    lastName: undefined,
    lastInfo: undefined,
    hist: { suffix: [], group: [], ts: [], le: [], value: [], offset: [], sample: [] },
    startOffset: offset,
    reopened: undefined,
  };
}

/** The previous-line state (module level: the parser is synchronous and never re-entered). */
const prefix = new LinePrefix();

/**
 * Parse OpenMetrics 1.0 text from `buf` into `batch`; throws ExpositionError. Lines that share
 * a prefix with the previous sample line reuse its name and labels (./prefix.ts).
 */
export function parseOpenMetrics(buf: Uint8Array, batch: SampleBatch): void {
  const seenNames = new Set<string>();
  const rawNames = new ByteInterner(256);
  const labels = new LabelScanner();
  const exemplar = new LabelScanner();
  const fieldIds = new Map<string, number>();
  const labelIds = new Map<string, number>();
  const groups = new SampleBatch();
  /** canonicalNumber of `le`/`quantile` label values by value id (few distinct values, many samples). */
  const numberCache = new Map<number, number>();
  const leId = batch.labelNames.internString('le');
  const quantileId = batch.labelNames.internString('quantile');
  let fam: Family | null = null;
  const tokens = batch.tokens;
  const leFields: number[] = [];
  const quantileFields: number[] = [];
  let eof = false;
  const len = buf.length;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lines = lineFinder(buf);
  prefix.reset();
  let prevSampleName = ''; // the sample name of the previous sample line
  // The previous sample's series, the label it left out of its group, and its group.
  let prevGroupSid = -1;
  let prevSkip = -1;
  let prevGroup = -1;
  let pos = 0;

  const build = (f: Family) => {
    const typ = f.type ?? 'unknown';
    checkReopened(f, typ);
    const suffixes = new Set([...(TYPE_SUFFIXES[typ] ?? []), '']);
    for (const s of suffixes) {
      // A counter's samples are `_total` and `_created`: its bare name may be an earlier
      // family's (client_golang's gauge x and counter x_total, declared as x: see `reopens`
      // below); later families still may not take it.
      if (seenNames.has(f.name + s) && !(s === '' && typ === 'counter')) throw new ExpositionError(f.startOffset, `metric name "${f.name + s}" clashes with an earlier metric family`);
      seenNames.add(f.name + s);
    }
    if (f.unit && !f.name.endsWith('_' + f.unit)) throw new ExpositionError(f.startOffset, `unit "${f.unit}" is not a suffix of the metric name "${f.name}"`);
    if (f.unit && (typ === 'info' || typ === 'stateset')) throw new ExpositionError(f.startOffset, `a ${typ} metric cannot have a unit`);
    if (typ === 'histogram' || typ === 'gaugehistogram') {
      checkHistogram(f.name, f.startOffset, f.hist);
      // The scrape memo checks these rules again on a later body's numbers.
      tokens?.histograms.push({ name: f.name, startOffset: f.startOffset, hist: f.hist });
    }
  };

  while (pos < len) {
    let eol = lines.indexOf(LF, pos);
    if (eol < 0) eol = len;
    const ls = pos;
    pos = eol + 1;
    if (eof) throw new ExpositionError(ls, 'text after "# EOF"');
    if (eol === ls) throw new ExpositionError(ls, 'blank line (not allowed in OpenMetrics)');
    if (buf[ls] === HASH) {
      if (eol - ls === 5 && buf[ls + 1] === SP && buf[ls + 2] === 69 && buf[ls + 3] === 79 && buf[ls + 4] === 70) {
        eof = true;
        continue;
      }
      // `# KEYWORD name text`
      if (buf[ls + 1] !== SP) throw new ExpositionError(ls, 'a "#" line must be "# HELP", "# TYPE", "# UNIT" or "# EOF"');
      let i = ls + 2;
      const ks = i;
      while (i < eol && buf[i] !== SP) i++;
      const kw = String.fromCharCode.apply(null, buf.subarray(ks, i) as unknown as number[]);
      if (kw === 'EOF') throw new ExpositionError(i, `"# EOF" must be alone on its line, found ${describeByte(buf, i, eol)} after it`);
      if (kw !== 'HELP' && kw !== 'TYPE' && kw !== 'UNIT') throw new ExpositionError(ks, `unknown metadata ${JSON.stringify(kw)} (expected HELP, TYPE, UNIT or EOF)`);
      if (i >= eol) throw new ExpositionError(i, `${kw} needs a metric name and a value`);
      i++;
      const ns = i;
      if (buf[i] === DQUOTE) {
        // A quoted name (`# TYPE "my metric" gauge`) may hold spaces and escaped quotes.
        i++;
        while (i < eol && buf[i] !== DQUOTE) i += buf[i] === BSLASH ? 2 : 1;
        if (i >= eol) throw new ExpositionError(ns, `unterminated quoted metric name in ${kw}`);
        i++;
      } else while (i < eol && buf[i] !== SP) i++;
      if (i >= eol) throw new ExpositionError(i, `${kw} needs a metric name and a value separated by a space`);
      if (buf[i] !== SP) throw new ExpositionError(i, `expected a space after the metric name in ${kw}, found ${describeByte(buf, i, eol)}`);
      const name = metricName(buf, ns, i);
      const text = new TextDecoder().decode(buf.subarray(i + 1, eol));
      // Metadata for the family just read, after its samples, is out of place (OpenMetrics:
      // metadata precedes the samples), with one exception Prometheus's parser (which checks
      // no metadata order) makes work in practice: client_golang writes a counter `x_total`
      // as the family `x` (`# HELP x`, `# TYPE x counter`, `x_total 1`), and Go programs
      // export a gauge `x` beside a counter `x_total` (the Go collector's
      // go_memstats_alloc_bytes and go_memstats_alloc_bytes_total, client_golang issue #829),
      // so every such exposition repeats the gauge's name right after its samples. That
      // metadata opens a new family of the same name, accepted only if it is a counter (whose
      // `_total`/`_created` samples clash with no earlier name: `build`).
      const reopens = fam !== null && fam.name === name && fam.samples > 0;
      if (fam === null || fam.name !== name || reopens) {
        if (fam !== null) build(fam);
        fam = newFamily(name, ls);
        if (reopens) fam.reopened = `${kw} for "${name}" after its samples`;
      }
      if (kw === 'HELP') {
        if (fam.help) throw new ExpositionError(ls, `more than one HELP for "${name}"`);
        fam.help = true;
      } else if (kw === 'TYPE') {
        if (fam.type !== undefined) throw new ExpositionError(ls, `more than one TYPE for "${name}"`);
        if (!OM_TYPES.has(text)) throw new ExpositionError(i + 1, `invalid metric type ${JSON.stringify(text)}`);
        fam.type = text;
        checkReopened(fam, text);
        fam.allowed = (TYPE_SUFFIXES[text] ?? ['']).map((s) => name + s);
      } else {
        if (fam.unit !== undefined) throw new ExpositionError(ls, `more than one UNIT for "${name}"`);
        for (let k = i + 1; k < eol; k++) if (!isMetricChar(buf[k]!)) throw new ExpositionError(k, `invalid character in UNIT: ${describeByte(buf, k, eol)}`);
        fam.unit = text;
      }
      continue;
    }
    // A sample.
    let i = ls;
    let sampleName: string;
    batch.beginLabels();
    let curCount = -1; // labels read by the prefix path; -1: this line cannot serve as a prefix
    let nameEnd = 0;
    if (buf[i] === LBRACE) {
      i = labels.scan(buf, i, eol, true, batch);
      if (labels.quotedName === null) throw new ExpositionError(ls, 'a sample needs a metric name');
      sampleName = labels.quotedName;
    } else {
      const common = prefix.common(buf, view, ls, eol);
      if (common > prefix.prevNameEnd) {
        sampleName = prevSampleName;
        i = ls + prefix.prevNameEnd;
      } else {
        if (!isMetricStart(buf[i]!)) throw new ExpositionError(i, `invalid metric name: unexpected ${describeByte(buf, i, eol)}`);
        i++;
        while (i < eol && isMetricChar(buf[i]!)) i++;
        sampleName = rawNames.strings[rawNames.intern(buf, ls, i)]!;
      }
      nameEnd = i - ls;
      curCount = 0;
      if (i < eol && buf[i] === LBRACE) {
        const braceAt = i;
        i = prefix.labels(buf, ls, braceAt, eol, common, common >= 0 && prefix.prevNameEnd === nameEnd, true, batch);
        if (i >= 0) curCount = prefix.count;
        else {
          batch.beginLabels();
          i = labels.scan(buf, braceAt, eol, true, batch);
          if (labels.quotedName !== null) throw new ExpositionError(ls, 'metric name given twice');
        }
      }
    }
    prefix.commit(ls, eol, nameEnd, curCount);
    if (curCount >= 0) prevSampleName = sampleName;
    if (i >= eol || buf[i] !== SP) throw new ExpositionError(i, `expected a space and a value, found ${describeByte(buf, i, eol)}`);
    i++;
    // (The family's last sample name passed this check already.)
    if (fam === null || (fam.lastName !== sampleName && !fam.allowed.includes(sampleName))) {
      if (fam !== null) build(fam);
      fam = newFamily(sampleName, ls);
      fam.type = 'unknown';
    }
    const f: Family = fam;
    const typ = f.type ?? 'unknown';
    let info = f.lastInfo;
    if (f.lastName !== sampleName || info === undefined) {
      const suffix = sampleName.slice(f.name.length);
      const isBucket = suffix === '_bucket' && (typ === 'histogram' || typ === 'gaugehistogram');
      info = {
        suffix,
        isBucket,
        fieldId: internCached(fieldIds, batch.fields, isBucket ? f.name : sampleName),
        notNaN: NOT_NAN.has(suffix),
        notNegative: NOT_NEGATIVE.has(suffix),
        histKind: suffix === '_bucket' ? H_BUCKET : suffix === '_count' || suffix === '_gcount' ? H_COUNT : suffix === '_sum' ? H_SUM : suffix === '_gsum' ? H_GSUM : H_OTHER,
      };
      checkReopened(f, typ);
      f.lastName = sampleName;
      f.lastInfo = info;
      // Prometheus 3 normalizes `le` of classic histograms (not gauge histograms) and
      // `quantile` of summaries; a field is listed once.
      if (isBucket) batch.bucketFields.add(info.fieldId);
      if (isBucket && typ === 'histogram' && !leFields.includes(info.fieldId)) leFields.push(info.fieldId);
      if (typ === 'summary' && suffix === '' && !quantileFields.includes(info.fieldId)) quantileFields.push(info.fieldId);
    }
    const { suffix, isBucket, fieldId } = info;
    // Special labels, read from the scratch label set before it is sorted.
    let leVal = -1;
    let qVal = -1;
    let statesetLabel = false;
    const famLabelId = typ === 'stateset' ? internCached(labelIds, batch.labelNames, f.name) : -1;
    for (let k = 0; k < batch.scratchCount; k++) {
      const n = batch.scratchNames[k]!;
      if (n === leId) leVal = batch.scratchValues[k]!;
      else if (n === quantileId) qVal = batch.scratchValues[k]!;
      if (n === famLabelId) statesetLabel = true;
    }
    // Always a new series id, as in the text parser: equal series are merged, and a repeated
    // sample of a series (same timestamp) dropped, when the tables are made (./tables.ts).
    const sid = batch.appendSeries(fieldId);
    if (sid === DUPLICATE_LABEL) throw new ExpositionError(ls, `label name "${batch.labelNames.strings[batch.duplicateName]}" is repeated`);
    if (typ === 'stateset' && !statesetLabel) throw new ExpositionError(ls, `stateset sample needs the label "${f.name}"`);
    let le = 0;
    if (isBucket) {
      if (leVal < 0) throw new ExpositionError(ls, 'bucket sample needs an "le" label');
      le = numberCache.get(leVal) ?? cacheNumber(numberCache, batch.labelValues, leVal);
      if (Number.isNaN(le)) throw new ExpositionError(ls, `invalid "le" label value ${JSON.stringify(batch.labelValues.strings[leVal])}`);
    }
    if (typ === 'summary' && suffix === '') {
      const q = qVal < 0 ? Number.NaN : (numberCache.get(qVal) ?? cacheNumber(numberCache, batch.labelValues, qVal));
      if (!(q >= 0 && q <= 1)) throw new ExpositionError(ls, `invalid "quantile" label value ${qVal < 0 ? '(missing)' : JSON.stringify(batch.labelValues.strings[qVal])}`);
    }
    // Value, timestamp, exemplar.
    const vs = i;
    while (i < eol && buf[i] !== SP) i++;
    const ve = i;
    const value = parseFloatBytes(buf, vs, i);
    if (!numberOk) throw new ExpositionError(vs, `invalid value: ${numberError}`);
    let ts: bigint | null = null;
    let tsStart = -1;
    let tsEnd = -1;
    let hasExemplar = false;
    if (i < eol) {
      i++; // the space
      if (i >= eol) throw new ExpositionError(i, 'trailing space after the value');
      if (buf[i] !== HASH) {
        const ts0 = i;
        while (i < eol && buf[i] !== SP) i++;
        tsStart = ts0;
        tsEnd = i;
        const t = parseSecondsTimestamp(buf, ts0, i);
        if (t === undefined) throw new ExpositionError(ts0, `invalid timestamp: ${numberError}`);
        if (!inTimeRange(t)) throw new ExpositionError(ts0, timestampRangeMessage(buf, ts0, i, 'seconds'), 'scrape.timestampRange');
        ts = t;
        if (i < eol) {
          i++;
          if (i >= eol || buf[i] !== HASH) throw new ExpositionError(i, `expected "# " and an exemplar after the timestamp, found ${describeByte(buf, i, eol)}`);
        }
      }
      if (i < eol) {
        // ` # {labels} value [timestamp]`
        hasExemplar = true;
        if (buf[i + 1] !== SP || buf[i + 2] !== LBRACE) throw new ExpositionError(i, 'an exemplar is "# {labels} value [timestamp]"');
        i = exemplar.scan(buf, i + 2, eol, true, null);
        if (exemplar.runes > 128) throw new ExpositionError(i, `exemplar labels have ${exemplar.runes} characters (at most 128)`);
        if (i >= eol || buf[i] !== SP) throw new ExpositionError(i, 'expected a space and the exemplar value');
        i++;
        const xs = i;
        while (i < eol && buf[i] !== SP) i++;
        parseFloatBytes(buf, xs, i);
        if (!numberOk) throw new ExpositionError(xs, `invalid exemplar value: ${numberError}`);
        if (i < eol) {
          i++;
          const xt = i;
          while (i < eol && buf[i] !== SP) i++;
          if (parseSecondsTimestamp(buf, xt, i) === undefined) throw new ExpositionError(xt, `invalid exemplar timestamp: ${numberError}`);
          if (i < eol) throw new ExpositionError(i, 'unexpected text after the exemplar');
        }
      }
    }
    // Groups and timestamps.
    let group: number;
    if (typ === 'info') group = -1;
    else {
      const skip = isBucket ? leId : typ === 'summary' && suffix === '' ? quantileId : typ === 'stateset' ? famLabelId : -1;
      // Neighbouring samples usually share a group (a histogram's buckets, _count and _sum):
      // comparing with the previous sample's labels is cheaper than hashing them again.
      group = prevGroupSid >= 0 && sameGroup(batch, sid, skip, prevGroupSid, prevSkip) ? prevGroup : groupId(batch, groups, sid, skip);
      prevGroupSid = sid;
      prevSkip = skip;
      prevGroup = group;
    }
    if (f.group !== undefined && group !== f.group && f.seenGroups.has(group)) throw new ExpositionError(ls, 'samples of one label group are not contiguous');
    // The rules on this sample's numbers, for the scrape memo (OM_* in ./memo.ts).
    let rules = 0;
    if (f.group !== undefined && group === f.group) {
      if ((ts === null) !== (f.groupTs === null)) throw new ExpositionError(ls, 'some samples of a group have a timestamp and others do not');
      if (f.groupTs !== null && f.groupTs !== undefined && ts !== null && typ !== 'info') {
        if (f.groupTs > ts) throw new ExpositionError(ls, 'timestamps go backwards within a group');
        rules |= OM_TS_NOT_BEFORE_PREVIOUS;
      }
    } else f.seenGroups.add(group);
    f.group = group;
    f.groupTs = ts;
    // Values.
    if (typ === 'stateset' && value !== 0 && value !== 1) throw new ExpositionError(vs, 'stateset samples must be 0 or 1');
    if (typ === 'info' && value !== 1) throw new ExpositionError(vs, 'info samples must be 1');
    if (typ === 'summary' && suffix === '' && value < 0) throw new ExpositionError(vs, 'quantile values cannot be negative');
    if (info.notNaN && Number.isNaN(value)) throw new ExpositionError(vs, `"${suffix}" samples cannot be NaN`);
    if (info.notNegative && value < 0) throw new ExpositionError(vs, `"${suffix}" samples cannot be negative`);
    if (hasExemplar && !(((typ === 'histogram' || typ === 'gaugehistogram') && suffix === '_bucket') || (typ === 'counter' && suffix === '_total'))) {
      throw new ExpositionError(ls, 'only counter _total and bucket samples can have exemplars');
    }
    if (typ === 'histogram' || typ === 'gaugehistogram') {
      const h = f.hist;
      h.suffix.push(info.histKind);
      h.group.push(group); // a bucket's group leaves out le; the others have no le
      h.ts.push(ts);
      h.le.push(le);
      h.value.push(value);
      h.offset.push(ls);
      h.sample.push(batch.length);
    }
    f.samples++;
    if (tokens !== null) {
      if (typ === 'stateset') rules |= OM_ZERO_OR_ONE;
      if (typ === 'info') rules |= OM_ONE;
      if (info.notNaN) rules |= OM_NOT_NAN;
      if (info.notNegative || (typ === 'summary' && suffix === '')) rules |= OM_NOT_NEGATIVE;
      tokens.add(vs, ve, tsStart, tsEnd, rules);
    }
    batch.addSample(sid, value, ts === null ? undefined : ts);
  }
  if (fam !== null) build(fam);
  if (!eof) throw new ExpositionError(len, 'missing "# EOF" at the end of an OpenMetrics exposition');
  rejectNameLabel(buf, batch, false);
  batch.normalizeBounds(leFields, quantileFields);
}

/** The id of `s` in `interner`, through a string cache (internString encodes). */
function internCached(cache: Map<string, number>, interner: ByteInterner, s: string): number {
  let id = cache.get(s);
  if (id === undefined) {
    id = interner.internString(s);
    cache.set(s, id);
  }
  return id;
}

function cacheNumber(cache: Map<number, number>, values: ByteInterner, id: number): number {
  const v = canonicalNumber(values.strings[id]!);
  cache.set(id, v);
  return v;
}

/** Canonical number for le/quantile: a float, and infinities spelled exactly "+Inf"/"-Inf". NaN when invalid. */
function canonicalNumber(s: string): number {
  const b = enc.encode(s);
  const v = parseFloatBytes(b, 0, b.length);
  if (!numberOk || Number.isNaN(v)) return Number.NaN;
  if (!Number.isFinite(v) && s !== '+Inf' && s !== '-Inf') return Number.NaN;
  return v;
}

/**
 * The label group of a series (its label pairs without `skip`) as a number: the id of that
 * label set in `groups`, a SampleBatch used only to hash label sets (no string per sample).
 */
function groupId(batch: SampleBatch, groups: SampleBatch, sid: number, skip: number): number {
  const st = batch.seriesStart[sid]!;
  const n = batch.seriesPairs[sid]!;
  groups.beginLabels();
  for (let i = 0; i < n; i++) {
    const ln = batch.pairs[st + 2 * i]!;
    if (ln !== skip) groups.addLabel(ln, batch.pairs[st + 2 * i + 1]!);
  }
  return groups.endSeries(0);
}

/** Whether series `a` without label `skipA` and series `b` without label `skipB` have the same labels. */
function sameGroup(batch: SampleBatch, a: number, skipA: number, b: number, skipB: number): boolean {
  const p = batch.pairs;
  const pa = batch.seriesStart[a]!;
  const na = batch.seriesPairs[a]!;
  const pb = batch.seriesStart[b]!;
  const nb = batch.seriesPairs[b]!;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < na && p[pa + 2 * i] === skipA) i++;
    while (j < nb && p[pb + 2 * j] === skipB) j++;
    if (i === na || j === nb) return i === na && j === nb;
    if (p[pa + 2 * i] !== p[pb + 2 * j] || p[pa + 2 * i + 1] !== p[pb + 2 * j + 1]) return false;
    i++;
    j++;
  }
}

function metricName(buf: Uint8Array, s: number, e: number): string {
  if (s < e && buf[s] === DQUOTE) {
    if (e - s < 3 || buf[e - 1] !== DQUOTE) throw new ExpositionError(s, 'invalid quoted metric name');
    // Unescaped as sample names are (./lex.ts): \\, \" and \n; any other escape is kept.
    return new TextDecoder().decode(buf.subarray(s + 1, e - 1)).replace(/\\(.)/g, (m, c: string) => (c === 'n' ? '\n' : c === '"' || c === '\\' ? c : m));
  }
  if (s >= e || !isMetricStart(buf[s]!)) throw new ExpositionError(s, `invalid metric name: unexpected ${describeByte(buf, s, e)}`);
  for (let k = s + 1; k < e; k++) if (!isMetricChar(buf[k]!)) throw new ExpositionError(k, `invalid metric name: unexpected ${describeByte(buf, k, e)}`);
  return String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]);
}

/** OpenMetrics histogram rules, per label group and timestamp. */
export function checkHistogram(name: string, startOffset: number, h: HistEntries): void {
  let group: number | undefined;
  let ts: bigint | null | undefined;
  let count: number | undefined;
  let bucket: number | undefined;
  let value = 0;
  let negBuckets = false;
  let hasSum = false;
  let hasGsum = false;
  let negGsum = false;
  let at = startOffset;
  const check = () => {
    if (bucket !== Infinity) throw new ExpositionError(at, `histogram "${name}" has no +Inf bucket`);
    if (count !== undefined && value !== count) throw new ExpositionError(at, `histogram "${name}": the count does not match the +Inf bucket`);
    if (hasSum && count === undefined) throw new ExpositionError(at, `histogram "${name}": _count must be present with _sum`);
    if (hasGsum && count === undefined) throw new ExpositionError(at, `histogram "${name}": _gcount must be present with _gsum`);
    if (!(hasSum || hasGsum) && count !== undefined) throw new ExpositionError(at, `histogram "${name}": _sum must be present with _count`);
    if (negBuckets && hasSum) throw new ExpositionError(at, `histogram "${name}": _sum is not allowed with negative buckets`);
    if (!negBuckets && negGsum) throw new ExpositionError(at, `histogram "${name}": negative _gsum without negative buckets`);
  };
  for (let k = 0; k < h.suffix.length; k++) {
    const g = h.group[k]!;
    const t = h.ts[k]!;
    if (g !== group || t !== ts) {
      if (group !== undefined) check();
      count = undefined;
      bucket = undefined;
      negBuckets = false;
      hasSum = false;
      hasGsum = false;
      negGsum = false;
      value = 0;
    }
    group = g;
    ts = t;
    at = h.offset[k]!;
    const suffix = h.suffix[k]!;
    const v = h.value[k]!;
    if (suffix === H_BUCKET) {
      const le = h.le[k]!;
      if (le < 0) negBuckets = true;
      if (bucket !== undefined && le <= bucket) throw new ExpositionError(at, `histogram "${name}": buckets out of order`);
      if (v < value) throw new ExpositionError(at, `histogram "${name}": bucket counts decrease`);
      bucket = le;
      value = v;
    } else if (suffix === H_COUNT) count = v;
    else if (suffix === H_SUM) hasSum = true;
    else if (suffix === H_GSUM) {
      hasGsum = true;
      if (v < 0) negGsum = true;
    }
  }
  if (group !== undefined) check();
}
