// Aggregates (Flux universe): mean, sum, count, spread, stddev, quantile, mode, integral.
// An aggregate turns each table into one row holding the group-key columns and the
// aggregated column (same name); every other column is dropped (Flux docs, "aggregate
// functions"). Nulls are skipped. On a table without non-null values count gives 0 and the
// others a null value. A missing column is an error (`universe.aggregate.missingColumn`),
// and so is a column type the aggregate does not support (`universe.aggregate.columnType`).
//
// The kernels work on a row range [start, end) of a column, optionally through a row
// index (`rows`), so aggregateWindow reuses them on windows without copying.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { FluxError } from '../../errors/index.js';
import type { ColumnType } from '../../table/types.js';
import { Duration, UInt } from '../../values/value.js';
import type { Value } from '../../values/value.js';
import { wrapInt, wrapUint } from '../../values/arith.js';
import type { Args } from './lib/args.js';
import { durationArg, fail, fixedNanos, floatArg, strArg, tablesArg } from './lib/args.js';
import { ColBuilder, cellValue, constantCol } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { perTable } from './lib/stream.js';
import { toTable } from './lib/frame.js';
import { streamOf } from '../../table/index.js';
import type { TableStream } from '../../table/types.js';
import { buildGroups, groupedSourceOf, materializeGroup } from './group.js';
import { valueKey } from './lib/regroup.js';
import { rowComparator, takeRowsOf } from './sort-limit.js';

/** A reducer over rows [start, end) (through `rows` when given) of a column. */
export interface Reducer {
  readonly name: string;
  /** The output type for an input type, or undefined when unsupported. */
  outType(t: ColumnType): ColumnType | undefined;
  reduce(c: ColData, start: number, end: number, rows: Int32Array | null): Value;
  /**
   * Optional one-pass form over a whole column split into groups (`groupOf[i]` is row i's
   * group): the value of each group. Used when an aggregate follows group().
   */
  reduceGroups?(c: ColData, groupOf: Int32Array, count: number): Value[] | undefined;
  /**
   * Optional one-pass form over consecutive row ranges (window w is rows
   * offsets[w]..offsets[w+1]) giving a float column: used by aggregateWindow.
   */
  reduceRanges?(c: ColData, offsets: Int32Array): ColData | undefined;
  /**
   * Optional one-pass form over rows grouped by dictionary code (`codes[i]` of `n` codes):
   * the first row of each code (-1 when absent) and the value of a set of codes.
   */
  reduceCodes?(c: ColData, codes: Int32Array, n: number): CodeAccumulator | undefined;
}

export interface CodeAccumulator {
  readonly first: Int32Array;
  value(codes: readonly number[]): Value;
}

/** Per-code float sums and counts of non-null values, and each code's first row. */
function floatSumsByCode(c: ColData, codes: Int32Array, nCodes: number, kind: 'sum' | 'mean' | 'count'): CodeAccumulator | undefined {
  if (kind !== 'count' && c.type !== 'float') return undefined;
  const sums = new Float64Array(nCodes);
  const ns = new Float64Array(nCodes);
  const first = new Int32Array(nCodes).fill(-1);
  const a = c.floats;
  const v = c.valid;
  const n = codes.length;
  for (let i = 0; i < n; i++) {
    const k = codes[i]!;
    if (first[k]! < 0) first[k] = i;
    if (v !== null && v[i] === 0) continue;
    if (a !== undefined) sums[k]! += a[i]!;
    ns[k]!++;
  }
  return {
    first,
    value(ks) {
      let s = 0;
      let m = 0;
      for (const k of ks) {
        s += sums[k]!;
        m += ns[k]!;
      }
      if (kind === 'count') return BigInt(m);
      if (m === 0) return null;
      return kind === 'mean' ? s / m : s;
    },
  };
}

/** Per-range float means (or sums) of the non-null values; null where a range has none. */
function floatRanges(c: ColData, offsets: Int32Array, mean: boolean): ColData | undefined {
  if (c.type !== 'float') return undefined;
  const nw = offsets.length - 1;
  const out = new Float64Array(nw);
  let valid: Uint8Array | null = null;
  const a = c.floats!;
  const v = c.valid;
  for (let w = 0; w < nw; w++) {
    const s = offsets[w]!;
    const e = offsets[w + 1]!;
    let sum = 0;
    let n = 0;
    if (v === null) {
      for (let i = s; i < e; i++) sum += a[i]!;
      n = e - s;
    } else {
      for (let i = s; i < e; i++) {
        if (v[i] !== 0) {
          sum += a[i]!;
          n++;
        }
      }
    }
    if (n === 0) {
      if (valid === null) valid = new Uint8Array(nw).fill(1);
      valid[w] = 0;
    } else out[w] = mean ? sum / n : sum;
  }
  return { type: 'float', length: nw, valid, floats: out };
}

/** Per-group float sums and counts of non-null values (the pass behind sum/mean/count). */
function floatSumsByGroup(c: ColData, groupOf: Int32Array, count: number): { sums: Float64Array; ns: Float64Array } {
  const sums = new Float64Array(count);
  const ns = new Float64Array(count);
  const a = c.floats!;
  const v = c.valid;
  const n = groupOf.length;
  if (v === null) {
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]!;
      sums[g]! += a[i]!;
      ns[g]!++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (v[i] === 0) continue;
      const g = groupOf[i]!;
      sums[g]! += a[i]!;
      ns[g]!++;
    }
  }
  return { sums, ns };
}

const numeric = (t: ColumnType): boolean => t === 'float' || t === 'int' || t === 'uint';

/** Sum of the non-null values as a float, with a count (shared by mean and stddev). */
function floatValues(c: ColData, start: number, end: number, rows: Int32Array | null): Float64Array {
  const out = new Float64Array(end - start);
  let m = 0;
  const v = c.valid;
  for (let k = start; k < end; k++) {
    const i = rows === null ? k : rows[k]!;
    if (v !== null && v[i] === 0) continue;
    out[m++] = c.type === 'float' ? c.floats![i]! : c.type === 'int' ? Number(c.ints![i]!) : Number(c.uints![i]!);
  }
  return out.subarray(0, m);
}

export const meanReducer: Reducer = {
  name: 'mean',
  outType: (t) => (numeric(t) ? 'float' : undefined),
  reduceRanges: (c, offsets) => floatRanges(c, offsets, true),
  reduceCodes: (c, codes, n) => floatSumsByCode(c, codes, n, 'mean'),
  reduceGroups(c, groupOf, count) {
    if (c.type !== 'float') return undefined;
    const { sums, ns } = floatSumsByGroup(c, groupOf, count);
    return Array.from(sums, (x, g) => (ns[g] === 0 ? null : x / ns[g]!));
  },
  reduce(c, start, end, rows) {
    if (c.type === 'float' && rows === null) {
      const a = c.floats!;
      const v = c.valid;
      let s = 0;
      let n = 0;
      if (v === null) {
        for (let i = start; i < end; i++) s += a[i]!;
        n = end - start;
      } else {
        for (let i = start; i < end; i++) {
          if (v[i] !== 0) {
            s += a[i]!;
            n++;
          }
        }
      }
      return n === 0 ? null : s / n;
    }
    const xs = floatValues(c, start, end, rows);
    if (xs.length === 0) return null;
    let s = 0;
    for (const x of xs) s += x;
    return s / xs.length;
  },
};

export const sumReducer: Reducer = {
  name: 'sum',
  outType: (t) => (numeric(t) ? t : undefined),
  reduceRanges: (c, offsets) => floatRanges(c, offsets, false),
  reduceCodes: (c, codes, n) => floatSumsByCode(c, codes, n, 'sum'),
  reduceGroups(c, groupOf, count) {
    if (c.type !== 'float') return undefined;
    const { sums, ns } = floatSumsByGroup(c, groupOf, count);
    return Array.from(sums, (x, g) => (ns[g] === 0 ? null : x));
  },
  reduce(c, start, end, rows) {
    const v = c.valid;
    let n = 0;
    switch (c.type) {
      case 'float': {
        const a = c.floats!;
        let s = 0;
        for (let k = start; k < end; k++) {
          const i = rows === null ? k : rows[k]!;
          if (v !== null && v[i] === 0) continue;
          s += a[i]!;
          n++;
        }
        return n === 0 ? null : s;
      }
      case 'int': {
        const a = c.ints!;
        let s = 0n;
        for (let k = start; k < end; k++) {
          const i = rows === null ? k : rows[k]!;
          if (v !== null && v[i] === 0) continue;
          s += a[i]!;
          n++;
        }
        return n === 0 ? null : wrapInt(s);
      }
      case 'uint': {
        const a = c.uints!;
        let s = 0n;
        for (let k = start; k < end; k++) {
          const i = rows === null ? k : rows[k]!;
          if (v !== null && v[i] === 0) continue;
          s += a[i]!;
          n++;
        }
        return n === 0 ? null : new UInt(wrapUint(s));
      }
      default:
        return null;
    }
  },
};

export const countReducer: Reducer = {
  name: 'count',
  outType: () => 'int',
  reduceCodes: (c, codes, n) => floatSumsByCode(c, codes, n, 'count'),
  reduceGroups(c, groupOf, count) {
    const ns = new Float64Array(count);
    const v = c.valid;
    for (let i = 0; i < groupOf.length; i++) if (v === null || v[i] !== 0) ns[groupOf[i]!]!++;
    return Array.from(ns, (x) => BigInt(x));
  },
  reduce(c, start, end, rows) {
    const v = c.valid;
    if (v === null) return BigInt(end - start);
    let n = 0;
    for (let k = start; k < end; k++) if (v[rows === null ? k : rows[k]!] !== 0) n++;
    return BigInt(n);
  },
};

export const spreadReducer: Reducer = {
  name: 'spread',
  outType: (t) => (numeric(t) ? t : undefined),
  reduce(c, start, end, rows) {
    const v = c.valid;
    let lo: number | bigint | undefined;
    let hi: number | bigint | undefined;
    const arr = (c.floats ?? c.ints ?? c.uints) as ArrayLike<number | bigint>;
    for (let k = start; k < end; k++) {
      const i = rows === null ? k : rows[k]!;
      if (v !== null && v[i] === 0) continue;
      const x = arr[i]!;
      if (lo === undefined || x < lo) lo = x;
      if (hi === undefined || x > hi) hi = x;
    }
    if (lo === undefined || hi === undefined) return null;
    if (c.type === 'float') return (hi as number) - (lo as number);
    if (c.type === 'uint') return new UInt((hi as bigint) - (lo as bigint));
    return wrapInt((hi as bigint) - (lo as bigint));
  },
};

export function stddevReducer(mode: 'sample' | 'population'): Reducer {
  return {
    name: 'stddev',
    outType: (t) => (numeric(t) ? 'float' : undefined),
    reduce(c, start, end, rows) {
      const xs = floatValues(c, start, end, rows);
      const n = xs.length;
      if (n === 0 || (mode === 'sample' && n === 1)) return null;
      // Welford's algorithm: numerically stable in one pass.
      let mean = 0;
      let m2 = 0;
      for (let k = 0; k < n; k++) {
        const d = xs[k]! - mean;
        mean += d / (k + 1);
        m2 += d * (xs[k]! - mean);
      }
      return Math.sqrt(m2 / (mode === 'sample' ? n - 1 : n));
    },
  };
}

/** exact_mean quantile (also used for estimate_tdigest): linear interpolation between ranks. */
export function quantileReducer(q: number): Reducer {
  return {
    name: 'quantile',
    outType: (t) => (numeric(t) ? 'float' : undefined),
    reduce(c, start, end, rows) {
      const xs = Float64Array.from(floatValues(c, start, end, rows)).sort();
      const n = xs.length;
      if (n === 0) return null;
      const pos = q * (n - 1);
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      if (lo === hi) return xs[lo]!;
      return xs[lo]! + (pos - lo) * (xs[hi]! - xs[lo]!);
    },
  };
}

/** Trapezoidal integral of `c` over time column `tc`, in units of `unitNs`. */
export function integralReducer(tc: ColData, unitNs: bigint): Reducer {
  return {
    name: 'integral',
    outType: (t) => (numeric(t) ? 'float' : undefined),
    reduce(c, start, end, rows) {
      let area = 0;
      let prevT: bigint | undefined;
      let prevV = 0;
      const unit = Number(unitNs);
      for (let k = start; k < end; k++) {
        const i = rows === null ? k : rows[k]!;
        if ((c.valid !== null && c.valid[i] === 0) || (tc.valid !== null && tc.valid[i] === 0)) continue;
        const t = tc.ints![i]!;
        const v = c.type === 'float' ? c.floats![i]! : c.type === 'int' ? Number(c.ints![i]!) : Number(c.uints![i]!);
        if (prevT !== undefined) area += ((v + prevV) / 2) * (Number(t - prevT) / unit);
        prevT = t;
        prevV = v;
      }
      return area;
    },
  };
}

/** The group-key part of an aggregate's output: key columns in table order. */
export function keyPart(f: Frame): { names: string[]; types: ColumnType[]; values: Value[] } {
  const names: string[] = [];
  const types: ColumnType[] = [];
  const values: Value[] = [];
  f.names.forEach((n, i) => {
    const k = f.keyNames.indexOf(n);
    if (k >= 0) {
      names.push(n);
      types.push(f.cols[i]!.type);
      values.push(f.keyValues[k] ?? null);
    }
  });
  return { names, types, values };
}

/** The one-row-per-table output of an aggregate (key columns + `column`). */
export function aggregateFrame(f: Frame, column: string, r: Reducer, ctx: NativeContext, rows: Int32Array | null = null): Frame {
  const i = f.names.indexOf(column);
  if (i < 0) throw fail(ctx, 'universe.aggregate.missingColumn', `column "${column}" does not exist`);
  const c = f.cols[i]!;
  const outType = r.outType(c.type);
  if (outType === undefined) throw fail(ctx, 'universe.aggregate.columnType', `cannot compute ${r.name} of column "${column}" of type ${c.type}`);
  const value = rows === null ? r.reduce(c, 0, f.length, null) : r.reduce(c, 0, rows.length, rows);
  return aggregateValueFrame(f, column, r, ctx, value);
}

/** The one-row output of an aggregate whose value is known. */
function aggregateValueFrame(f: Frame, column: string, r: Reducer, ctx: NativeContext, value: Value): Frame {
  const i = f.names.indexOf(column);
  if (i < 0) throw fail(ctx, 'universe.aggregate.missingColumn', `column "${column}" does not exist`);
  const outType = r.outType(f.cols[i]!.type);
  if (outType === undefined) throw fail(ctx, 'universe.aggregate.columnType', `cannot compute ${r.name} of column "${column}" of type ${f.cols[i]!.type}`);
  const kp = keyPart(f);
  const names = [...kp.names.filter((n) => n !== column), column];
  const cols = kp.names.filter((n) => n !== column).map((n) => constantCol(kp.types[kp.names.indexOf(n)]!, kp.values[kp.names.indexOf(n)]!, 1));
  cols.push(constantCol(outType, value, 1));
  return { names, cols, length: 1, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
}

/**
 * group(columns: [tag]) |> sum()/mean()/count() over one table, grouped by one string
 * column without nulls: one pass accumulating per dictionary code (no group number per
 * row), then codes holding equal strings are merged. Groups come out in order of first
 * appearance, as buildGroups orders them. Undefined when this does not apply.
 */
function dictionaryAggregate(frames: readonly Frame[], column: string, r: Reducer, ctx: NativeContext): Frame[] | undefined {
  if (frames.length !== 1 || r.reduceCodes === undefined) return undefined;
  const f = frames[0]!;
  if (f.keyNames.length !== 1 || f.length === 0) return undefined;
  const kc = f.cols[f.names.indexOf(f.keyNames[0]!)];
  const ci = f.names.indexOf(column);
  if (kc === undefined || kc.type !== 'string' || kc.valid !== null || ci < 0) return undefined;
  const acc = r.reduceCodes(f.cols[ci]!, kc.codes!, kc.dictionary!.length);
  if (acc === undefined) return undefined;
  // Codes in order of first appearance, equal strings merged into the first code.
  const dict = kc.dictionary!;
  const order = [...acc.first.keys()].filter((code) => acc.first[code]! >= 0).sort((a, b) => acc.first[a]! - acc.first[b]!);
  const byString = new Map<string, number[]>();
  for (const code of order) {
    const g = byString.get(dict[code]!);
    if (g === undefined) byString.set(dict[code]!, [code]);
    else g.push(code);
  }
  const out: Frame[] = [];
  for (const [value, codes] of byString) {
    out.push(aggregateValueFrame({ ...f, keyValues: [value] }, column, r, ctx, acc.value(codes)));
  }
  return out;
}

/**
 * An aggregate over a stream. Over a group() stream it reduces each group through its row
 * indices (no copy of the grouped columns); otherwise table by table.
 */
export function aggregateStream(input: TableStream, column: string, r: Reducer, ctx: NativeContext): TableStream {
  const grouped = groupedSourceOf(input);
  if (grouped === undefined) return perTable(input, (f) => aggregateFrame(f, column, r, ctx));
  return streamOf(async function* () {
    const frames = await grouped.takeFrames();
    const byCode = dictionaryAggregate(frames, column, r, ctx);
    if (byCode !== undefined) {
      for (const f of byCode) yield toTable(f);
      return;
    }
    const groups = buildGroups(frames);
    // One input table split into groups: reduce every group in one pass over its rows.
    const part = groups[0]?.segments[0]?.part;
    const frame = groups[0]?.segments[0]?.frame;
    if (part !== undefined && frame !== undefined && part.groupOf !== null && r.reduceGroups !== undefined && groups.length === part.count && groups.every((g) => g.segments.length === 1 && g.segments[0]!.part === part)) {
      const ci = frame.names.indexOf(column);
      const values = ci < 0 ? undefined : r.reduceGroups(frame.cols[ci]!, part.groupOf, part.count);
      if (values !== undefined) {
        for (const g of groups) {
          const seg = g.segments[0]!;
          yield toTable(aggregateValueFrame({ ...frame, keyNames: g.keyNames, keyValues: g.keyValues }, column, r, ctx, values[seg.g]!));
        }
        return;
      }
    }
    for (const g of groups) {
      if (g.segments.length === 1) {
        const seg = g.segments[0]!;
        yield toTable(aggregateFrame({ ...seg.frame, keyNames: g.keyNames, keyValues: g.keyValues }, column, r, ctx, seg.part.rows(seg.g)));
      } else yield toTable(aggregateFrame(materializeGroup(g), column, r, ctx));
    }
  });
}

function aggregateFn(make: (args: Args, ctx: NativeContext) => Reducer): NativeFunction {
  return (args, ctx) => {
    const input = tablesArg(args, ctx);
    const column = strArg(args, ctx, 'column', '_value');
    const r = make(args, ctx);
    return aggregateStream(input, column, r, ctx);
  };
}

export const mean = aggregateFn(() => meanReducer);
export const sum = aggregateFn(() => sumReducer);
export const count = aggregateFn(() => countReducer);
export const spread = aggregateFn(() => spreadReducer);
export const stddev = aggregateFn((args, ctx) => {
  const mode = strArg(args, ctx, 'mode', 'sample');
  if (mode !== 'sample' && mode !== 'population') throw fail(ctx, 'universe.stddev.mode', `mode must be "sample" or "population", got ${JSON.stringify(mode)}`);
  return stddevReducer(mode);
});

/** quantile: exact_mean / estimate_tdigest aggregate, or exact_selector (returns a row). */
export const quantile: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  const q = floatArg(args, ctx, 'q');
  const method = strArg(args, ctx, 'method', 'estimate_tdigest');
  if (!(q >= 0 && q <= 1)) throw fail(ctx, 'universe.quantile.q', `q must be between 0 and 1, got ${q}`);
  if (method === 'exact_selector') {
    return perTable(input, (f) => {
      const i = f.names.indexOf(column);
      if (i < 0) throw fail(ctx, 'universe.aggregate.missingColumn', `column "${column}" does not exist`);
      const c = f.cols[i]!;
      const rows: number[] = [];
      for (let k = 0; k < f.length; k++) if (c.valid === null || c.valid[k] !== 0) rows.push(k);
      if (rows.length === 0) return takeRowsOf(f, new Int32Array(0));
      const cmp = rowComparator(c);
      rows.sort((a, b) => cmp(a, b) || a - b);
      const idx = Math.max(0, Math.ceil(q * rows.length) - 1);
      return takeRowsOf(f, Int32Array.of(rows[idx]!));
    });
  }
  if (method !== 'exact_mean' && method !== 'estimate_tdigest') {
    throw fail(ctx, 'universe.quantile.method', `method must be "estimate_tdigest", "exact_mean" or "exact_selector", got ${JSON.stringify(method)}`);
  }
  return aggregateStream(input, column, quantileReducer(q), ctx);
};

/**
 * mode: the most frequent non-null values of `column`, sorted, one row each, in `_value`
 * (Flux docs for mode: signature `stream[{B with _value: C}]`; "If there are multiple
 * modes, mode() returns all mode values in a sorted table. If there is no mode, mode()
 * returns null"). As in Flux, there is no mode when every distinct value occurs equally
 * often (this includes a table of nulls only, and one value repeated), except that the
 * mode of a group-key column is its key value. Empty tables are dropped.
 */
export const mode: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  return perTable(input, (f) => {
    if (f.length === 0) return null;
    const i = f.names.indexOf(column);
    if (i < 0) throw fail(ctx, 'universe.aggregate.missingColumn', `column "${column}" does not exist`);
    const c = f.cols[i]!;
    const counts = new Map<string, { n: number; row: number }>();
    for (let k = 0; k < f.length; k++) {
      if (c.valid !== null && c.valid[k] === 0) continue;
      const v = cellValue(c, k);
      const key = valueKey(v);
      const e = counts.get(key);
      if (e === undefined) counts.set(key, { n: 1, row: k });
      else e.n++;
    }
    const out = '_value';
    const kp = keyPart(f);
    const names = [...kp.names.filter((n) => n !== out), out];
    const b = new ColBuilder(c.type, 1);
    const entries = [...counts.values()];
    const max = entries.reduce((m, e) => Math.max(m, e.n), 0);
    const modeRows = entries.filter((e) => e.n === max).map((e) => e.row);
    if (f.keyNames.includes(column)) b.push(f.keyValues[f.keyNames.indexOf(column)] ?? null);
    else if (modeRows.length === entries.length) b.pushNull();
    else {
      const cmp = rowComparator(c);
      modeRows.sort(cmp);
      for (const r of modeRows) b.pushFrom(c, r);
    }
    const valCol = b.finish();
    const cols = kp.names
      .filter((n) => n !== out)
      .map((n) => constantCol(kp.types[kp.names.indexOf(n)]!, kp.values[kp.names.indexOf(n)]!, valCol.length));
    cols.push(valCol);
    const keyNames = f.keyNames.filter((n) => n !== out);
    const keyValues = keyNames.map((n) => f.keyValues[f.keyNames.indexOf(n)]!);
    return { names, cols, length: valCol.length, keyNames, keyValues };
  });
};

/** integral(unit:, column:, timeColumn:, interpolate:). */
export const integral: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const unit = fixedNanos(ctx, 'unit', durationArg(args, ctx, 'unit', Duration.ofNanos(1_000_000_000n)));
  const interpolate = strArg(args, ctx, 'interpolate', '');
  if (interpolate !== '') {
    throw new FluxError('unimplemented', 'universe.integral.interpolate', `${ctx.name}: interpolate ${JSON.stringify(interpolate)} is not supported (only "")`, { span: ctx.span, source: ctx.source });
  }
  if (unit <= 0n) throw fail(ctx, 'universe.integral.unit', 'unit must be positive');
  return perTable(input, (f) => {
    const ti = f.names.indexOf(timeColumn);
    if (ti < 0) throw fail(ctx, 'universe.integral.missingTimeColumn', `missing time column "${timeColumn}"`);
    return aggregateFrame(f, column, integralReducer(f.cols[ti]!, unit), ctx);
  });
};
