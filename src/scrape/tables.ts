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
  return planTables(batch, url, scrapeTimeNs, false).tables;
}

/**
 * The tables of `batch`, and their layout. With `keep`, a layout whose every table has one
 * sample gets `rowOfSample` and a group-key cache, so a later scrape with the same series in
 * the same order can reuse it (./memo.ts).
 */
export function planTables(batch: SampleBatch, url: string, scrapeTimeNs: bigint, keep: boolean): { layout: TableLayout; tables: ScrapeTables } {
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
  const tsIndex = batch.tsIndex;
  const stamps = batch.timestamps;
  const src = batch.values;
  // Times only when some sample has its own timestamp: every other row is at the scrape time.
  const times = stamps.length === 0 ? null : new BigInt64Array(N);
  if (times === null) {
    for (let i = 0; i < N; i++) values[pos[seriesOf[i]!]!++] = src[i]!;
  } else {
    times.fill(scrapeTimeNs); // one BigInt conversion; explicit timestamps overwrite below
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
  // Drop repeated (series, timestamp) rows, keeping the first (without times, every row of
  // a table is at the scrape time: the first row stays).
  let rows = N;
  for (let k = 0; k < T; k++) {
    const a = tStart[k]!;
    const b = tEnd[k]!;
    if (b - a < 2) continue;
    let w = a + 1;
    if (times !== null) {
      const seen = new Set<bigint>();
      w = a;
      for (let r = a; r < b; r++) {
        if (seen.has(times[r]!)) continue;
        seen.add(times[r]!);
        values[w] = values[r]!;
        times[w] = times[r]!;
        w++;
      }
    }
    rows -= b - w;
    tEnd[k] = w;
  }
  const layout: TableLayout = {
    count: T,
    rows,
    tSeries,
    tStart,
    tEnd,
    rowOfSample: null,
    fieldDict: batch.fields.strings,
    valueDict: batch.labelValues.strings,
    pairs,
    seriesStart: ss,
    seriesPairs: sp,
    seriesField: sf,
    labelMeta: columnNames.map((name): ColumnMeta => ({ name, type: 'string' })),
    shapeByNames: new Map(),
    shapes: [],
    keys: null,
    identity: new Int32Array(Math.max(batch.fields.size, batch.labelValues.size)),
    fieldCols: [],
    valueCols: [],
  };
  for (let i = 0; i < layout.identity.length; i++) layout.identity[i] = i;
  if (keep && T === N) {
    // Every table one sample (N === T implies no series repeats, so nothing was merged or
    // dropped): a later body with the same series in the same order fills the same rows.
    const rowOfSeries = new Int32Array(S);
    for (let k = 0; k < T; k++) rowOfSeries[tSeries[k]!] = k;
    const rowOf = new Int32Array(N);
    for (let i = 0; i < N; i++) rowOf[i] = rowOfSeries[seriesOf[i]!]!;
    layout.rowOfSample = rowOf;
    layout.keys = [];
  }
  return { layout, tables: tablesOf(layout, values, times, url, scrapeTimeNs) };
}

/**
 * The tables of one scrape laid out as `layout`: `values` (and `times`, or null when every
 * row is at the scrape time) in table order, one row per `layout` row.
 */
export function tablesOf(layout: TableLayout, values: Float64Array, times: BigInt64Array | null, url: string, scrapeTimeNs: bigint): ScrapeTables {
  const ctx: Ctx = {
    layout,
    values,
    times,
    scrapeTimeNs,
    url,
    urlCol: new ArrowColumn('string', { strings: { codes: new Int32Array(1), dictionary: [url] } }),
    scrapeTime: new ArrowColumn('time', { ints: new BigInt64Array([scrapeTimeNs]) }),
  };
  return { count: layout.count, rows: layout.rows, tables: () => new TableIterator(ctx) };
}

/**
 * The tables of a scrape in order, made one at a time (an iterator class: a generator's
 * resumption costs more per table, and a scrape may have 100,000 tables).
 */
class TableIterator implements IterableIterator<Table> {
  private k = 0;
  private prev = -1;
  private shape: Shape | undefined;
  /** Shapes are remembered per table only in a kept layout (a later scrape reads them back). */
  private readonly shapes: (Shape | undefined)[] | null;

  constructor(private readonly ctx: Ctx) {
    this.shapes = ctx.layout.keys !== null ? ctx.layout.shapes : null;
  }

  [Symbol.iterator](): IterableIterator<Table> {
    return this;
  }

  next(): IteratorResult<Table> {
    const layout = this.ctx.layout;
    const k = this.k;
    if (k >= layout.count) return { done: true, value: undefined };
    this.k = k + 1;
    const s = layout.tSeries[k]!;
    const shapes = this.shapes;
    let shape = shapes === null ? undefined : shapes[k];
    if (shape === undefined) {
      const { pairs, seriesStart: ss, seriesPairs: sp } = layout;
      const st = ss[s]!;
      const np = sp[s]!;
      const prev = this.prev;
      // Consecutive series usually have the same label names: reuse the previous shape.
      let same = prev >= 0 && sp[prev] === np && this.shape !== undefined;
      if (same) {
        const pst = ss[prev]!;
        for (let i = 0; i < np && same; i++) if (pairs[st + 2 * i] !== pairs[pst + 2 * i]) same = false;
      }
      shape = same ? this.shape! : shapeOf(layout, st, np);
      if (shapes !== null) shapes[k] = shape;
    }
    this.shape = shape;
    this.prev = s;
    const start = layout.tStart[k]!;
    return { done: false, value: new ScrapeTable(shape, this.ctx, k, s, start, layout.tEnd[k]! - start) };
  }
}

/** The shape of tables whose series has the `np` label pairs at `pairs[st]`. */
function shapeOf(layout: TableLayout, st: number, np: number): Shape {
  let shapeKey = '';
  for (let i = 0; i < np; i++) shapeKey += layout.pairs[st + 2 * i]! + ',';
  let shape = layout.shapeByNames.get(shapeKey);
  if (shape === undefined) {
    const metas = BASE.slice();
    for (let i = 0; i < np; i++) metas.push(layout.labelMeta[layout.pairs[st + 2 * i]!]!);
    shape = makeShape(metas);
    layout.shapeByNames.set(shapeKey, shape);
  }
  return shape;
}

const BASE: readonly ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
  { name: 'url', type: 'string' },
];

/**
 * What the tables of every scrape with one layout share: the series and their order, the
 * dictionaries (the batch's interned strings), and caches filled as tables are read.
 */
export interface TableLayout {
  /** Number of tables. */
  readonly count: number;
  /** Rows over all tables. */
  readonly rows: number;
  /** Per table: its series, and its rows [tStart, tEnd) in the value arrays. */
  readonly tSeries: Int32Array;
  readonly tStart: Int32Array;
  readonly tEnd: Int32Array;
  /**
   * Per sample (exposition order): its row, when every table has exactly one sample and the
   * layout is kept for reuse; else null.
   */
  rowOfSample: Int32Array | null;
  readonly fieldDict: readonly string[];
  readonly valueDict: readonly string[];
  readonly pairs: Int32Array;
  readonly seriesStart: Int32Array;
  readonly seriesPairs: Int32Array;
  readonly seriesField: Int32Array;
  /** Column metadata per label-name id. */
  readonly labelMeta: readonly ColumnMeta[];
  readonly shapeByNames: Map<string, Shape>;
  /** Per table: its shape (filled as tables are made). */
  readonly shapes: (Shape | undefined)[];
  /** Per table: its group key (filled as keys are read), when the layout is kept; else null. */
  keys: (GroupKey | undefined)[] | null;
  /** 0, 1, 2, ...: single-row code arrays are views of it. */
  readonly identity: Int32Array;
  /** Single-row columns shared by every table: per field code and per label-value code. */
  readonly fieldCols: (ArrowColumn | undefined)[];
  readonly valueCols: (ArrowColumn | undefined)[];
}

/** What the tables of one scrape share. */
interface Ctx {
  readonly layout: TableLayout;
  readonly values: Float64Array;
  /** Row times; null: every row is at the scrape time. */
  readonly times: BigInt64Array | null;
  readonly scrapeTimeNs: bigint;
  readonly url: string;
  readonly urlCol: ArrowColumn;
  readonly scrapeTime: ArrowColumn;
}

const MEASUREMENT = new ArrowColumn('string', { strings: { codes: new Int32Array(1), dictionary: ['prometheus'] } });

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
  /** The _value column (the one every consumer reads), apart: no array per table for it. */
  private valueCol: Column | undefined;
  private cols: (Column | undefined)[] | undefined;
  private keyCache: GroupKey | undefined;

  constructor(
    private readonly shape: Shape,
    private readonly ctx: Ctx,
    /** This table's index in the layout. */
    private readonly index: number,
    private readonly series: number,
    private readonly start: number,
    readonly length: number,
  ) {}

  get columns(): readonly ColumnMeta[] {
    return this.shape.metas;
  }

  get key(): GroupKey {
    if (this.keyCache === undefined) {
      // A kept layout's keys serve every scrape with that layout (the key has no url or time).
      const shared = this.ctx.layout.keys;
      let key = shared === null ? undefined : shared[this.index];
      if (key === undefined) {
        const src = this.shape.keySource;
        const values: Value[] = new Array(src.length);
        for (let i = 0; i < src.length; i++) values[i] = this.constant(src[i]!);
        // A plain GroupKey (columns already sorted by name, shared per shape): makeGroupKey
        // would sort and copy again for every one of possibly 100,000 tables.
        key = new ScrapeKey(this.shape.keyColumns, values);
        if (shared !== null) shared[this.index] = key;
      }
      this.keyCache = key;
    }
    return this.keyCache;
  }

  columnIndex(name: string): number {
    return this.shape.index.get(name) ?? -1;
  }

  /** The value of constant column `i` (every column but _time and _value). */
  private constant(i: number): string {
    const l = this.ctx.layout;
    if (i === 1) return 'prometheus';
    if (i === 2) return l.fieldDict[l.seriesField[this.series]!]!;
    if (i === 4) return this.ctx.url;
    return l.valueDict[l.pairs[l.seriesStart[this.series]! + 2 * (i - 5) + 1]!]!;
  }

  column(i: number): Column {
    if (i === 3) {
      // A view made with the constructor: TypedArray#subarray is much slower (species lookup).
      return (this.valueCol ??= new ArrowColumn('float', { floats: new Float64Array(this.ctx.values.buffer, this.start * 8, this.length) }));
    }
    const cols = (this.cols ??= new Array(this.shape.metas.length));
    let c = cols[i];
    if (c !== undefined) return c;
    const ctx = this.ctx;
    const l = ctx.layout;
    const n = this.length;
    const a = this.start;
    if (i === 0) {
      const times = ctx.times;
      let allDefault = true;
      if (times !== null) for (let r = a; r < a + n; r++) if (times[r] !== ctx.scrapeTimeNs) allDefault = false;
      if (n === 1 && allDefault) c = ctx.scrapeTime;
      else if (times !== null) c = new ArrowColumn('time', { ints: new BigInt64Array(times.buffer, a * 8, n) });
      else c = new ArrowColumn('time', { ints: new BigInt64Array(n).fill(ctx.scrapeTimeNs) });
    } else if (i === 1 || i === 4) {
      c = n === 1 ? (i === 1 ? MEASUREMENT : ctx.urlCol) : new ArrowColumn('string', { strings: { codes: new Int32Array(n), dictionary: [i === 1 ? 'prometheus' : ctx.url] } });
    } else if (i >= 0 && i < this.shape.metas.length) {
      const dict = i === 2 ? l.fieldDict : l.valueDict;
      const code = i === 2 ? l.seriesField[this.series]! : l.pairs[l.seriesStart[this.series]! + 2 * (i - 5) + 1]!;
      if (n === 1) {
        const cache = i === 2 ? l.fieldCols : l.valueCols;
        c = cache[code];
        if (c === undefined) {
          c = new ArrowColumn('string', { strings: { codes: new Int32Array(l.identity.buffer, code * 4, 1), dictionary: dict } });
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
