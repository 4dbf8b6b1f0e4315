// Samples -> tables, in the shape prometheus.scrape returns:
//
//   columns  _time (time), _measurement (string, "prometheus"), _field (string, the sample
//            name; `_bucket` trimmed for histogram buckets), _value (float), url (string),
//            then one string column per label, sorted by name;
//   key      _measurement, _field and the label columns of the series (not url, not _time);
//   tables   one per series (distinct field + label set), ordered by _field, then by the
//            series' labels taken in name order (name, then value, compared as strings by
//            their UTF-8 bytes, as Flux orders strings; `le` and `quantile` values as the
//            numbers they stand for: numericRanks);
//   rows     the series' samples in exposition order; a repeated sample with the same
//            timestamp is dropped (Prometheus keeps the first);
//   _time    the sample's own timestamp when it has one, else the scrape start time.
//
// Labels whose names collide with the fixed columns (`_time`, `_measurement`, `_field`,
// `_value`, `url`, and Flux's `_start`/`_stop`) are renamed `exported_<name>` (again
// prefixed while that is another label's name), as Prometheus renames exposed labels that
// clash with target labels (honor_labels: false). NaN and ±Inf stay float values.
//
// Design: the batch's interned strings are the dictionaries of the string columns (shared
// by every table, zero copy); the values and times of all tables live in two typed arrays
// in table order and each table views its slice. Tables are created lazily, one at a time,
// as the stream is read, so the whole scrape never holds one object per sample.
import { ArrowColumn } from '../table/index.js';
import type { Column, ColumnMeta, GroupKey, Table } from '../table/index.js';
import { RecordValue, type Value } from '../values/value.js';
import { compareStrings, stringComparatorFor } from '../values/compare.js';
import type { SampleBatch } from './batch.js';

const RESERVED = new Set(['_time', '_measurement', '_field', '_value', 'url', '_start', '_stop']);

export interface ScrapeTables {
  /** Number of tables (series). */
  readonly count: number;
  /** Number of rows over all tables. */
  readonly rows: number;
  /** The tables, created lazily in order. */
  tables(): Iterable<Table>;
}

/**
 * Column names of the label names: a label named like a fixed column becomes
 * `exported_<name>`, prefixed again while that name is a label of the scrape too (Prometheus's
 * resolveConflictingExposedLabels: `url` beside an exposed `exported_url` becomes
 * `exported_exported_url`), so no table has two columns of one name. Prometheus decides this
 * per series; here it is decided once per scrape, so every table of a scrape names the label
 * alike.
 */
function exportedNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  return names.map((n) => {
    if (!RESERVED.has(n)) return n;
    let c = `exported_${n}`;
    while (taken.has(c)) c = `exported_${c}`;
    return c;
  });
}

/** Rank of each string in UTF-8 byte order (one check of the dictionary picks the comparator). */
function rankOf(strings: readonly string[]): Int32Array {
  const order = strings.map((_, i) => i);
  const cmp = stringComparatorFor(strings);
  order.sort((a, b) => cmp(strings[a]!, strings[b]!));
  const rank = new Int32Array(strings.length);
  for (let r = 0; r < order.length; r++) rank[order[r]!] = r;
  return rank;
}

/** An `le` or `quantile` value as a number for ordering: NaN for NaN, undefined when it is not a number. */
function orderNumber(s: string): number | undefined {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = s === '' ? NaN : Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/**
 * Ranks of the values of `le` and `quantile` labels, in the order of the numbers they stand
 * for (so a histogram's tables come in bucket order, `+Inf` last, and a summary's in quantile
 * order), then NaN, then values that are not numbers, as strings. Values of other labels
 * keep their string rank: only pairs of the same label name are ever compared by value.
 */
function numericRanks(batch: SampleBatch, le: number, quantile: number): Int32Array {
  const strings = batch.labelValues.strings;
  const used: number[] = [];
  const seen = new Uint8Array(strings.length);
  const pairs = batch.pairs;
  const ss = batch.seriesStart;
  const sp = batch.seriesPairs;
  for (let s = 0; s < batch.seriesCount; s++) {
    const end = ss[s]! + 2 * sp[s]!;
    for (let p = ss[s]!; p < end; p += 2) {
      const kn = pairs[p]!;
      const kv = pairs[p + 1]!;
      if ((kn === le || kn === quantile) && seen[kv] === 0) {
        seen[kv] = 1;
        used.push(kv);
      }
    }
  }
  const key = used.map((id) => orderNumber(strings[id]!));
  const order = used.map((_, i) => i);
  order.sort((a, b) => {
    const x = key[a];
    const y = key[b];
    const cx = x === undefined ? 2 : Number.isNaN(x) ? 1 : 0;
    const cy = y === undefined ? 2 : Number.isNaN(y) ? 1 : 0;
    if (cx !== cy) return cx - cy;
    if (cx === 0 && x !== y) return x! < y! ? -1 : 1;
    return compareStrings(strings[used[a]!]!, strings[used[b]!]!);
  });
  const rank = new Int32Array(strings.length);
  for (let r = 0; r < order.length; r++) rank[used[order[r]!]!] = r;
  return rank;
}

export function batchToTables(batch: SampleBatch, url: string, scrapeTimeNs: bigint): ScrapeTables {
  const S = batch.seriesCount;
  const N = batch.length;
  const fieldRank = rankOf(batch.fields.strings);
  const columnNames = exportedNames(batch.labelNames.strings);
  const nameRank = rankOf(columnNames);
  const valueRank = rankOf(batch.labelValues.strings);
  const pairs = batch.pairs;
  const ss = batch.seriesStart;
  const sp = batch.seriesPairs;
  const le = batch.labelNames.strings.indexOf('le');
  const quantile = batch.labelNames.strings.indexOf('quantile');
  const numRank = le >= 0 || quantile >= 0 ? numericRanks(batch, le, quantile) : valueRank;
  // Each series' pairs sorted by label-name rank (they are sorted by name id), and beside
  // them, at the same offsets, their ranks: name rank, value rank. Comparisons of series read
  // the ranks directly.
  const rk = new Int32Array(pairs.length);
  for (let s = 0; s < S; s++) {
    const st = ss[s]!;
    const n = sp[s]!;
    for (let i = 0; i < n; i++) {
      const kn = pairs[st + 2 * i]!;
      const kv = pairs[st + 2 * i + 1]!;
      const r = nameRank[kn]!;
      let j = i - 1;
      while (j >= 0 && rk[st + 2 * j]! > r) {
        pairs[st + 2 * j + 2] = pairs[st + 2 * j]!;
        pairs[st + 2 * j + 3] = pairs[st + 2 * j + 1]!;
        rk[st + 2 * j + 2] = rk[st + 2 * j]!;
        rk[st + 2 * j + 3] = rk[st + 2 * j + 1]!;
        j--;
      }
      pairs[st + 2 * j + 2] = kn;
      pairs[st + 2 * j + 3] = kv;
      rk[st + 2 * j + 2] = r;
      rk[st + 2 * j + 3] = kn === le || kn === quantile ? numRank[kv]! : valueRank[kv]!;
    }
  }
  // Table order: bucket the series by field rank (counting sort), then sort each field's
  // series by their labels (small groups; input order is usually close to sorted).
  const sf = batch.seriesField;
  const F = batch.fields.size;
  const fieldStart = new Int32Array(F + 1);
  for (let s = 0; s < S; s++) fieldStart[fieldRank[sf[s]!]! + 1]!++;
  for (let f = 0; f < F; f++) fieldStart[f + 1]! += fieldStart[f]!;
  const order = new Int32Array(S);
  const fill = fieldStart.slice(0, F);
  for (let s = 0; s < S; s++) order[fill[fieldRank[sf[s]!]!]!++] = s;
  const byLabels = (a: number, b: number): number => {
    const na = sp[a]!;
    const nb = sp[b]!;
    const pa = ss[a]!;
    const pb = ss[b]!;
    const n = na < nb ? na : nb;
    for (let i = 0; i < 2 * n; i++) {
      const d = rk[pa + i]! - rk[pb + i]!;
      if (d !== 0) return d;
    }
    return na - nb;
  };
  // sameAsPrev[k]: order[k] is the same series as order[k - 1] (same field, same labels).
  // The text parser does not deduplicate series while parsing; equal series sort together.
  const sameAsPrev = new Uint8Array(S);
  for (let f = 0; f < F; f++) {
    const a = fieldStart[f]!;
    const b = fieldStart[f + 1]!;
    if (b - a < 2) continue;
    let sorted = true;
    for (let k = a + 1; k < b; k++) {
      const c = byLabels(order[k - 1]!, order[k]!);
      if (c > 0) {
        sorted = false;
        break;
      }
      if (c === 0) sameAsPrev[k] = 1;
    }
    if (sorted) continue;
    order.subarray(a, b).sort(byLabels);
    for (let k = a + 1; k < b; k++) sameAsPrev[k] = byLabels(order[k - 1]!, order[k]!) === 0 ? 1 : 0;
  }
  // Rows per series, then a counting sort of samples into table order.
  const count = new Int32Array(S);
  const seriesOf = batch.series;
  for (let i = 0; i < N; i++) count[seriesOf[i]!]!++;
  const offset = new Int32Array(S + 1);
  for (let k = 0; k < S; k++) offset[k + 1] = offset[k]! + count[order[k]!]!;
  const pos = new Int32Array(S); // series -> write position
  for (let k = 0; k < S; k++) pos[order[k]!] = offset[k]!;
  const values = new Float64Array(N);
  const times = new BigInt64Array(N);
  const tsIndex = batch.tsIndex;
  const stamps = batch.timestamps;
  const src = batch.values;
  times.fill(scrapeTimeNs); // one BigInt conversion; explicit timestamps overwrite below
  if (stamps.length === 0) {
    for (let i = 0; i < N; i++) values[pos[seriesOf[i]!]!++] = src[i]!;
  } else {
    for (let i = 0; i < N; i++) {
      const p = pos[seriesOf[i]!]!++;
      values[p] = src[i]!;
      const t = tsIndex[i]!;
      if (t >= 0) times[p] = stamps[t]!;
    }
  }
  // Tables: runs of equal series in `order`, their rows in exposition order.
  const tStart = new Int32Array(S);
  const tEnd = new Int32Array(S);
  const tSeries = new Int32Array(S);
  let T = 0;
  for (let k = 0; k < S; k++) {
    const s = order[k]!;
    if (sameAsPrev[k] === 1) {
      tEnd[T - 1] = offset[k + 1]!;
      continue;
    }
    tStart[T] = offset[k]!;
    tEnd[T] = offset[k + 1]!;
    tSeries[T] = s;
    T++;
  }
  // Drop repeated (series, timestamp) rows, keeping the first.
  let rows = N;
  for (let k = 0; k < T; k++) {
    const a = tStart[k]!;
    const b = tEnd[k]!;
    if (b - a < 2) continue;
    const seen = new Set<bigint>();
    let w = a;
    for (let r = a; r < b; r++) {
      if (seen.has(times[r]!)) continue;
      seen.add(times[r]!);
      values[w] = values[r]!;
      times[w] = times[r]!;
      w++;
    }
    rows -= b - w;
    tEnd[k] = w;
  }

  const ctx: Ctx = {
    fieldDict: batch.fields.strings,
    valueDict: batch.labelValues.strings,
    pairs,
    seriesStart: ss,
    seriesField: sf,
    values,
    times,
    scrapeTimeNs,
    measurement: new ArrowColumn('string', { strings: { codes: new Int32Array(1), dictionary: ['prometheus'] } }),
    url,
    urlCol: new ArrowColumn('string', { strings: { codes: new Int32Array(1), dictionary: [url] } }),
    scrapeTime: new ArrowColumn('time', { ints: new BigInt64Array([scrapeTimeNs]) }),
    identity: new Int32Array(Math.max(batch.fields.size, batch.labelValues.size)),
    fieldCols: [],
    valueCols: [],
  };
  for (let i = 0; i < ctx.identity.length; i++) ctx.identity[i] = i;
  const shapes = new Map<string, Shape>();
  const labelMeta = columnNames.map((name): ColumnMeta => ({ name, type: 'string' }));

  function* generate(): Generator<Table> {
    let shape: Shape | undefined;
    let prev = -1;
    for (let k = 0; k < T; k++) {
      const s = tSeries[k]!;
      const st = ss[s]!;
      const np = sp[s]!;
      // Consecutive series usually have the same label names: reuse the previous shape.
      let same = prev >= 0 && sp[prev] === np;
      if (same) {
        const pst = ss[prev]!;
        for (let i = 0; i < np && same; i++) if (pairs[st + 2 * i] !== pairs[pst + 2 * i]) same = false;
      }
      if (!same || shape === undefined) {
        let shapeKey = '';
        for (let i = 0; i < np; i++) shapeKey += pairs[st + 2 * i]! + ',';
        shape = shapes.get(shapeKey);
        if (shape === undefined) {
          const metas = BASE.slice();
          for (let i = 0; i < np; i++) metas.push(labelMeta[pairs[st + 2 * i]!]!);
          shape = makeShape(metas);
          shapes.set(shapeKey, shape);
        }
      }
      prev = s;
      yield new ScrapeTable(shape, ctx, s, tStart[k]!, tEnd[k]! - tStart[k]!);
    }
  }
  return { count: T, rows, tables: generate };
}

const BASE: readonly ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
  { name: 'url', type: 'string' },
];

/** What the tables of one scrape share. */
interface Ctx {
  readonly fieldDict: readonly string[];
  readonly valueDict: readonly string[];
  readonly pairs: Int32Array;
  readonly seriesStart: Int32Array;
  readonly seriesField: Int32Array;
  readonly values: Float64Array;
  readonly times: BigInt64Array;
  readonly scrapeTimeNs: bigint;
  readonly measurement: ArrowColumn;
  readonly url: string;
  readonly urlCol: ArrowColumn;
  readonly scrapeTime: ArrowColumn;
  /** 0, 1, 2, ...: single-row code arrays are views of it. */
  readonly identity: Int32Array;
  /** Single-row columns shared by every table: per field code and per label-value code. */
  readonly fieldCols: (ArrowColumn | undefined)[];
  readonly valueCols: (ArrowColumn | undefined)[];
}

/** The columns of tables with one label-name set: metas, name index, group-key layout. */
interface Shape {
  readonly metas: readonly ColumnMeta[];
  readonly index: ReadonlyMap<string, number>;
  /** Key columns sorted by name (as the table engine orders group keys). */
  readonly keyColumns: readonly ColumnMeta[];
  /** For each key column, the table column it comes from. */
  readonly keySource: Int32Array;
}

function makeShape(metas: ColumnMeta[]): Shape {
  const index = new Map<string, number>();
  metas.forEach((m, i) => index.set(m.name, i));
  const keyIdx = [1, 2];
  for (let i = 5; i < metas.length; i++) keyIdx.push(i);
  keyIdx.sort((a, b) => compareStrings(metas[a]!.name, metas[b]!.name));
  return { metas, index, keyColumns: keyIdx.map((i) => metas[i]!), keySource: Int32Array.from(keyIdx) };
}

class ScrapeKey implements GroupKey {
  constructor(
    readonly columns: readonly ColumnMeta[],
    readonly values: readonly Value[],
  ) {}
}

/**
 * One series as a table. Construction is O(1); columns and the group key are made on first
 * access (single-row string columns are shared between tables).
 */
class ScrapeTable implements Table {
  private cols: (Column | undefined)[] | undefined;
  private keyCache: GroupKey | undefined;

  constructor(
    private readonly shape: Shape,
    private readonly ctx: Ctx,
    private readonly series: number,
    private readonly start: number,
    readonly length: number,
  ) {}

  get columns(): readonly ColumnMeta[] {
    return this.shape.metas;
  }

  get key(): GroupKey {
    if (this.keyCache === undefined) {
      const src = this.shape.keySource;
      const values: Value[] = new Array(src.length);
      for (let i = 0; i < src.length; i++) values[i] = this.constant(src[i]!);
      // A plain GroupKey (columns already sorted by name, shared per shape): makeGroupKey
      // would sort and copy again for every one of possibly 100,000 tables.
      this.keyCache = new ScrapeKey(this.shape.keyColumns, values);
    }
    return this.keyCache;
  }

  columnIndex(name: string): number {
    return this.shape.index.get(name) ?? -1;
  }

  /** The value of constant column `i` (every column but _time and _value). */
  private constant(i: number): string {
    const ctx = this.ctx;
    if (i === 1) return 'prometheus';
    if (i === 2) return ctx.fieldDict[ctx.seriesField[this.series]!]!;
    if (i === 4) return ctx.url;
    return ctx.valueDict[ctx.pairs[ctx.seriesStart[this.series]! + 2 * (i - 5) + 1]!]!;
  }

  column(i: number): Column {
    const cols = (this.cols ??= new Array(this.shape.metas.length));
    let c = cols[i];
    if (c !== undefined) return c;
    const ctx = this.ctx;
    const n = this.length;
    const a = this.start;
    if (i === 0) {
      let allDefault = true;
      for (let r = a; r < a + n; r++) if (ctx.times[r] !== ctx.scrapeTimeNs) allDefault = false;
      c = n === 1 && allDefault ? ctx.scrapeTime : new ArrowColumn('time', { ints: new BigInt64Array(ctx.times.buffer, a * 8, n) });
    } else if (i === 3) {
      // A view made with the constructor: TypedArray#subarray is much slower (species lookup).
      c = new ArrowColumn('float', { floats: new Float64Array(ctx.values.buffer, a * 8, n) });
    } else if (i === 1 || i === 4) {
      c = n === 1 ? (i === 1 ? ctx.measurement : ctx.urlCol) : new ArrowColumn('string', { strings: { codes: new Int32Array(n), dictionary: [i === 1 ? 'prometheus' : ctx.url] } });
    } else if (i >= 0 && i < this.shape.metas.length) {
      const dict = i === 2 ? ctx.fieldDict : ctx.valueDict;
      const code = i === 2 ? ctx.seriesField[this.series]! : ctx.pairs[ctx.seriesStart[this.series]! + 2 * (i - 5) + 1]!;
      if (n === 1) {
        const cache = i === 2 ? ctx.fieldCols : ctx.valueCols;
        c = cache[code];
        if (c === undefined) {
          c = new ArrowColumn('string', { strings: { codes: new Int32Array(ctx.identity.buffer, code * 4, 1), dictionary: dict } });
          cache[code] = c as ArrowColumn;
        }
      } else {
        c = new ArrowColumn('string', { strings: { codes: new Int32Array(n).fill(code), dictionary: dict } });
      }
    } else {
      throw new RangeError(`no column ${i}`);
    }
    cols[i] = c;
    return c;
  }

  record(row: number): RecordValue {
    const m = new Map<string, Value>();
    const metas = this.shape.metas;
    for (let i = 0; i < metas.length; i++) m.set(metas[i]!.name, this.column(i).get(row));
    return new RecordValue(m);
  }
}
