// Row-by-row transformations over ordered rows (Flux universe): difference, derivative,
// cumulativeSum, movingAverage, exponentialMovingAverage, elapsed, timeShift,
// truncateTimeColumn, fill. Group keys never change, except that timeShift and
// truncateTimeColumn also move time columns that are part of the key.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { ColumnType } from '../../table/types.js';
import { Duration, INT64_MAX, INT64_MIN, Time, typeOf } from '../../values/value.js';
import type { Value } from '../../values/value.js';
import { wrapInt, wrapUint } from '../../values/arith.js';
import { addDuration, checkTimeRange, truncateTime } from '../../values/calendar.js';
import { FluxError } from '../../errors/index.js';
import { boolArg, durationArg, fail, fixedNanos, intArg, locationArg, strArg, strArrayArg, tablesArg } from './lib/args.js';
import { ColBuilder, cellValue, columnTypeOf, gather } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector } from './lib/regroup.js';
import { perTable } from './lib/stream.js';
import { streamOf } from '../../table/index.js';

const ONE_SECOND = Duration.ofNanos(1_000_000_000n);
const numeric = (t: ColumnType): boolean => t === 'float' || t === 'int' || t === 'uint';

function numAt(c: ColData, i: number): number {
  return c.type === 'float' ? c.floats![i]! : c.type === 'int' ? Number(c.ints![i]!) : Number(c.uints![i]!);
}

function requireColumn(f: Frame, name: string, ctx: NativeContext, fn: string): ColData {
  const i = f.names.indexOf(name);
  if (i < 0) throw fail(ctx, `universe.${fn}.missingColumn`, `column "${name}" does not exist`);
  return f.cols[i]!;
}

function replaceCols(f: Frame, repl: Map<string, ColData>, dropFirst: boolean): Frame {
  const cols = f.names.map((n, i) => repl.get(n) ?? f.cols[i]!);
  if (!dropFirst || f.length === 0) return { ...f, cols };
  const idx = new Int32Array(f.length - 1);
  for (let i = 1; i < f.length; i++) idx[i - 1] = i;
  return { ...f, cols: cols.map((c) => gather(c, idx)), length: f.length - 1 };
}

/**
 * difference: the difference between each value and the previous non-null value (Flux docs
 * "subtraction rules"). int -> int, uint -> int (may be negative), float -> float. A null
 * value gives null (and the previous value is kept for the next row). The first row is
 * dropped unless keepFirst (null there). nonNegative: a negative difference becomes null,
 * or with initialZero the difference from 0 (the value itself; null if it is negative), as
 * increase() needs for counter resets.
 */
export const difference: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const nonNegative = boolArg(args, ctx, 'nonNegative', false);
  const columns = strArrayArg(args, ctx, 'columns', ['_value']);
  const keepFirst = boolArg(args, ctx, 'keepFirst', false);
  const initialZero = boolArg(args, ctx, 'initialZero', false);
  return perTable(input, (f) => {
    const repl = new Map<string, ColData>();
    for (const name of columns) {
      const c = requireColumn(f, name, ctx, 'difference');
      if (!numeric(c.type)) throw fail(ctx, 'universe.difference.columnType', `column "${name}" must be numeric, got ${c.type}`);
      const outType: ColumnType = c.type === 'float' ? 'float' : 'int';
      const b = new ColBuilder(outType, f.length);
      let prev: number | bigint | undefined;
      for (let i = 0; i < f.length; i++) {
        if (c.valid !== null && c.valid[i] === 0) {
          b.pushNull();
          continue;
        }
        const cur: number | bigint = c.type === 'float' ? c.floats![i]! : c.type === 'int' ? c.ints![i]! : c.uints![i]!;
        if (prev === undefined) b.pushNull();
        else {
          let d: number | bigint | null = outType === 'float' ? (cur as number) - (prev as number) : wrapInt(BigInt(cur) - BigInt(prev));
          if (nonNegative && d < 0) d = initialZero && cur >= 0 ? (outType === 'float' ? cur : BigInt.asIntN(64, BigInt(cur))) : null;
          if (d === null) b.pushNull();
          else if (outType === 'float') b.pushFloat(d as number);
          else b.pushInt(d as bigint);
        }
        prev = cur;
      }
      repl.set(name, b.finish());
    }
    return replaceCols(f, repl, !keepFirst);
  });
};

/**
 * derivative: (v - prev) / ((t - prevT) / unit) as float for each row after the first with
 * a non-null value; rows with a null value get null; nonNegative turns negative rates into
 * null (with initialZero, a drop is measured from 0: v / dt, as for a counter reset). Rows
 * with the same time as the previous row are dropped, and so is the first row.
 */
export const derivative: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const unit = fixedNanos(ctx, 'unit', durationArg(args, ctx, 'unit', ONE_SECOND));
  const nonNegative = boolArg(args, ctx, 'nonNegative', false);
  const columns = strArrayArg(args, ctx, 'columns', ['_value']);
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const initialZero = boolArg(args, ctx, 'initialZero', false);
  if (unit <= 0n) throw fail(ctx, 'universe.derivative.unit', 'unit must be positive');
  return perTable(input, (f) => {
    const tc = requireColumn(f, timeColumn, ctx, 'derivative');
    if (tc.type !== 'time') throw fail(ctx, 'universe.derivative.timeColumnType', `column "${timeColumn}" must be of type time`);
    const cols = columns.map((n) => {
      const c = requireColumn(f, n, ctx, 'derivative');
      if (!numeric(c.type)) throw fail(ctx, 'universe.derivative.columnType', `column "${n}" must be numeric, got ${c.type}`);
      return c;
    });
    const builders = cols.map(() => new ColBuilder('float', f.length));
    const prevT: (bigint | undefined)[] = cols.map(() => undefined);
    const prevV: (number | undefined)[] = cols.map(() => undefined);
    const outRows: number[] = [];
    let prevRowT: bigint | undefined;
    for (let i = 0; i < f.length; i++) {
      if (tc.valid !== null && tc.valid[i] === 0) continue;
      const t = tc.ints![i]!;
      if (prevRowT === undefined) {
        prevRowT = t;
        cols.forEach((c, k) => {
          if (c.valid === null || c.valid[i] !== 0) {
            prevT[k] = t;
            prevV[k] = numAt(c, i);
          }
        });
        continue;
      }
      // A row at the same time as the previous one has no defined rate: it is dropped.
      if (t === prevRowT) continue;
      prevRowT = t;
      outRows.push(i);
      cols.forEach((c, k) => {
        const b = builders[k]!;
        if (c.valid !== null && c.valid[i] === 0) {
          b.pushNull();
          return;
        }
        const v = numAt(c, i);
        if (prevT[k] === undefined) b.pushNull();
        else {
          const dt = Number(t - prevT[k]!) / Number(unit);
          const rate = (v - prevV[k]!) / dt;
          // With initialZero a drop (counter reset) is measured from 0.
          if (nonNegative && rate < 0) {
            if (initialZero && v >= 0) b.pushFloat(v / dt);
            else b.pushNull();
          } else b.pushFloat(rate);
        }
        prevT[k] = t;
        prevV[k] = v;
      });
    }
    const idx = Int32Array.from(outRows);
    const out: Frame = { ...f, cols: f.cols.map((c) => gather(c, idx)), length: idx.length, names: [...f.names] };
    columns.forEach((n, k) => {
      out.cols[out.names.indexOf(n)] = builders[k]!.finish();
    });
    return out;
  });
};

/** cumulativeSum: the running sum of each of `columns` (nulls stay null and keep the sum). */
export const cumulativeSum: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = strArrayArg(args, ctx, 'columns', ['_value']);
  return perTable(input, (f) => {
    const repl = new Map<string, ColData>();
    for (const name of columns) {
      const c = requireColumn(f, name, ctx, 'cumulativeSum');
      const b = new ColBuilder(c.type, f.length);
      switch (c.type) {
        case 'float': {
          let s = 0;
          for (let i = 0; i < f.length; i++) {
            if (c.valid !== null && c.valid[i] === 0) b.pushNull();
            else b.pushFloat((s += c.floats![i]!));
          }
          break;
        }
        case 'int': {
          let s = 0n;
          for (let i = 0; i < f.length; i++) {
            if (c.valid !== null && c.valid[i] === 0) b.pushNull();
            else b.pushInt((s = wrapInt(s + c.ints![i]!)));
          }
          break;
        }
        case 'uint': {
          let s = 0n;
          for (let i = 0; i < f.length; i++) {
            if (c.valid !== null && c.valid[i] === 0) b.pushNull();
            else b.pushUInt((s = wrapUint(s + c.uints![i]!)));
          }
          break;
        }
        default:
          throw fail(ctx, 'universe.cumulativeSum.columnType', `column "${name}" must be numeric, got ${c.type}`);
      }
      repl.set(name, b.finish());
    }
    return replaceCols(f, repl, false);
  });
};

/**
 * movingAverage(n:): for each row from the n-th on, the mean of the non-null values among
 * the last n rows (null when all n are null). The first n-1 rows are dropped. A table with
 * fewer than n rows gives one row, the last, holding the mean of all its values (Flux docs'
 * rule: "returns the average of the available values"). The column is a float column.
 */
export const movingAverage: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const n = intArg(args, ctx, 'n');
  const column = strArg(args, ctx, 'column', '_value');
  if (n <= 0) throw fail(ctx, 'universe.movingAverage.n', `n must be positive, got ${n}`);
  return perTable(input, (f) => {
    const c = requireColumn(f, column, ctx, 'movingAverage');
    if (!numeric(c.type)) throw fail(ctx, 'universe.movingAverage.columnType', `column "${column}" must be numeric, got ${c.type}`);
    const ci = f.names.indexOf(column);
    if (f.length < n) {
      // Fewer rows than n (none included): one row, the last, with the mean of them all.
      const m = Math.min(f.length, 1);
      const b = new ColBuilder('float', m);
      if (m === 1) {
        let sum = 0;
        let cnt = 0;
        for (let i = 0; i < f.length; i++) {
          if (c.valid !== null && c.valid[i] === 0) continue;
          sum += numAt(c, i);
          cnt++;
        }
        if (cnt === 0) b.pushNull();
        else b.pushFloat(sum / cnt);
      }
      const idx = m === 1 ? Int32Array.of(f.length - 1) : new Int32Array(0);
      const cols = f.cols.map((x) => gather(x, idx));
      cols[ci] = b.finish();
      return { ...f, cols, length: m };
    }
    const b = new ColBuilder('float', f.length - n + 1);
    let sum = 0;
    let cnt = 0;
    for (let i = 0; i < f.length; i++) {
      if (c.valid === null || c.valid[i] !== 0) {
        sum += numAt(c, i);
        cnt++;
      }
      if (i >= n) {
        const j = i - n;
        if (c.valid === null || c.valid[j] !== 0) {
          sum -= numAt(c, j);
          cnt--;
        }
      }
      if (i >= n - 1) {
        if (cnt === 0) b.pushNull();
        else b.pushFloat(sum / cnt);
      }
    }
    const idx = new Int32Array(f.length - n + 1);
    for (let i = 0; i < idx.length; i++) idx[i] = i + n - 1;
    const cols = f.cols.map((x) => gather(x, idx));
    cols[ci] = b.finish();
    return { ...f, cols, length: idx.length };
  });
};

/**
 * exponentialMovingAverage(n:): EMA with alpha = 2 / (n + 1), seeded with the mean of the
 * first n values; output starts at the n-th row. Null values are skipped (their row keeps
 * the current average; after a seed of only nulls the first value starts the average). A
 * table with fewer than n rows gives its last row with the mean of its values (Flux docs:
 * the first value is "the algebraic mean of n values"; Flux emits the mean so far).
 */
export const exponentialMovingAverage: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const n = intArg(args, ctx, 'n');
  const column = strArg(args, ctx, 'column', '_value');
  if (n <= 0) throw fail(ctx, 'universe.exponentialMovingAverage.n', `n must be positive, got ${n}`);
  return perTable(input, (f) => {
    const c = requireColumn(f, column, ctx, 'exponentialMovingAverage');
    if (!numeric(c.type)) throw fail(ctx, 'universe.exponentialMovingAverage.columnType', `column "${column}" must be numeric, got ${c.type}`);
    const alpha = 2 / (n + 1);
    const rows: number[] = [];
    const vals: (number | null)[] = [];
    let seen = 0;
    let sum = 0;
    // The current average; null until a non-null value has been seen.
    let ema: number | null = null;
    for (let i = 0; i < f.length; i++) {
      const isNull = c.valid !== null && c.valid[i] === 0;
      if (i < n) {
        if (!isNull) {
          sum += numAt(c, i);
          seen++;
        }
        if (i === n - 1) {
          ema = seen === 0 ? null : sum / seen;
          rows.push(i);
          vals.push(ema);
        }
        continue;
      }
      // After the seed: a null keeps the average; the first value after only nulls starts it.
      if (!isNull) ema = ema === null ? numAt(c, i) : alpha * numAt(c, i) + (1 - alpha) * ema;
      rows.push(i);
      vals.push(ema);
    }
    if (f.length > 0 && f.length < n) {
      // Fewer rows than n: the last row with the mean of the values (as movingAverage).
      rows.push(f.length - 1);
      vals.push(seen === 0 ? null : sum / seen);
    }
    const idx = Int32Array.from(rows);
    const cols = f.cols.map((x) => gather(x, idx));
    const b = new ColBuilder('float', idx.length);
    for (const v of vals) b.push(v);
    cols[f.names.indexOf(column)] = b.finish();
    return { ...f, cols, length: idx.length };
  });
};

/** elapsed: int time since the previous row in `unit`s, in `columnName`; the first row is dropped. */
export const elapsed: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const unit = fixedNanos(ctx, 'unit', durationArg(args, ctx, 'unit', ONE_SECOND));
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const columnName = strArg(args, ctx, 'columnName', 'elapsed');
  if (unit <= 0n) throw fail(ctx, 'universe.elapsed.unit', 'unit must be positive');
  return perTable(input, (f) => {
    const tc = requireColumn(f, timeColumn, ctx, 'elapsed');
    if (tc.type !== 'time') throw fail(ctx, 'universe.elapsed.timeColumnType', `column "${timeColumn}" must be of type time`);
    if (tc.valid !== null) throw fail(ctx, 'universe.elapsed.nullTime', `column "${timeColumn}" has null values`);
    const m = Math.max(0, f.length - 1);
    const out = new BigInt64Array(m);
    for (let i = 1; i < f.length; i++) out[i - 1] = (tc.ints![i]! - tc.ints![i - 1]!) / unit;
    const fr = replaceCols(f, new Map(), true);
    const names = [...fr.names];
    const cols = [...fr.cols];
    const ci = names.indexOf(columnName);
    const col: ColData = { type: 'int', length: m, valid: null, ints: out };
    if (ci >= 0) cols[ci] = col;
    else {
      names.push(columnName);
      cols.push(col);
    }
    return { ...fr, names, cols };
  });
};

/** Apply `fn` to each non-null value of the time columns `columns` (and to key values). */
function mapTimeColumns(f: Frame, columns: readonly string[], fn: (ns: bigint) => bigint): Frame {
  const cols = [...f.cols];
  const keyValues = [...f.keyValues];
  for (const name of columns) {
    const i = f.names.indexOf(name);
    if (i < 0) continue;
    const c = f.cols[i]!;
    if (c.type !== 'time') continue;
    const out = new BigInt64Array(f.length);
    for (let r = 0; r < f.length; r++) out[r] = c.valid !== null && c.valid[r] === 0 ? 0n : fn(c.ints![r]!);
    cols[i] = { type: 'time', length: f.length, valid: c.valid, ints: out };
    const k = f.keyNames.indexOf(name);
    const kv = keyValues[k];
    if (k >= 0 && kv instanceof Time) keyValues[k] = new Time(fn(kv.ns));
  }
  return { ...f, cols, keyValues };
}

/** timeShift(duration:, columns:): adds duration (calendar months too) to time columns. */
export const timeShift: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const d = durationArg(args, ctx, 'duration');
  const columns = strArrayArg(args, ctx, 'columns', ['_start', '_stop', '_time']);
  const fixed = d.months === 0n ? d.signedNanos : undefined;
  // A fixed shift keeps distinct key values distinct. Adding months does not (Jan 30 and
  // Jan 31 plus 1mo are both Feb 28): tables whose keys become equal are then merged, as
  // keys are unique within a stream (Flux SPEC "Tables"). A shifted time past the int64
  // range is an error (time.outOfRange), not a wrapped time.
  const shift = fixed !== undefined ? (ns: bigint) => ns + fixed : (ns: bigint) => addDuration(new Time(ns), d).ns;
  return perTable(
    input,
    (f) => {
      try {
        return mapTimeColumns(f, columns, (ns) => {
          const r = shift(ns);
          return r < INT64_MIN || r > INT64_MAX ? checkTimeRange(new Time(r)).ns : r;
        });
      } catch (e) {
        throw e instanceof FluxError ? e.withSpan(ctx.span, ctx.source) : e;
      }
    },
    { regroup: fixed === undefined },
  );
};

/**
 * truncateTimeColumn(unit:, timeColumn:): truncates a time column to a multiple of unit, as
 * Flux's definition `map(fn: (r) => ({r with _time: date.truncate(t: r._time, unit: unit)}))`
 * does: on the calendar of the `location` option (UTC unless set), so `1d` truncates to local
 * midnight and `1mo` to the local first of the month.
 */
export const truncateTimeColumn: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const unit = durationArg(args, ctx, 'unit');
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  if (unit.isZero() || unit.negative) throw fail(ctx, 'universe.truncateTimeColumn.unit', 'unit must be a positive duration');
  const loc = locationArg(new Map(), ctx);
  return perTable(
    input,
    (f) => {
      const c = requireColumn(f, timeColumn, ctx, 'truncateTimeColumn');
      if (c.type !== 'time') throw fail(ctx, 'universe.truncateTimeColumn.columnType', `column "${timeColumn}" must be of type time`);
      try {
        return mapTimeColumns(f, [timeColumn], (ns) => truncateTime(new Time(ns), unit, loc).ns);
      } catch (e) {
        throw e instanceof FluxError ? e.withSpan(ctx.span, ctx.source) : e;
      }
    },
    { regroup: true },
  );
};

/**
 * fill(column:, value:) replaces nulls with value (which must match the column type);
 * fill(usePrevious: true) replaces them with the previous non-null value (leading nulls stay).
 */
export const fill: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  const usePrevious = boolArg(args, ctx, 'usePrevious', false);
  const value: Value | undefined = args.get('value');
  if (!usePrevious && (value === undefined || value === null)) throw fail(ctx, 'universe.fill.missingValue', 'fill needs value or usePrevious: true');
  if (usePrevious && value !== undefined && value !== null) throw fail(ctx, 'universe.fill.bothModes', 'fill takes either value or usePrevious, not both');
  const fillFrame = (f: Frame): Frame => {
    const i = f.names.indexOf(column);
    if (i < 0) return f;
    const c = f.cols[i]!;
    // The type is checked whether or not this table has nulls (Flux: "fill column type
    // mismatch"), so a script does not start failing when its data first has a null.
    if (!usePrevious) {
      const vt = columnTypeOf(value!);
      if (vt !== c.type) throw fail(ctx, 'universe.fill.valueType', `value of type ${typeOf(value!)} cannot fill column "${column}" of type ${c.type}`);
    }
    if (c.valid === null) return f;
    const b = new ColBuilder(c.type, f.length);
    let prev: Value = null;
    for (let r = 0; r < f.length; r++) {
      if (c.valid[r] !== 0) {
        prev = cellValue(c, r);
        b.pushFrom(c, r);
      } else b.push(usePrevious ? prev : value!);
    }
    const cols = [...f.cols];
    cols[i] = b.finish();
    // A group-key column is null in every row or in none. Filled with a value, its key
    // value becomes that value (every row must hold the key's values, src/table/README.md).
    // usePrevious has no previous value to fill a null key column with.
    const k = f.keyNames.indexOf(column);
    if (k < 0 || usePrevious) return { ...f, cols };
    const keyValues = [...f.keyValues];
    keyValues[k] = value!;
    return { ...f, cols, keyValues };
  };
  return streamOf(async function* () {
    // A table whose key holds `column` may now share its key with another such table: those
    // are collected and tables with equal keys merged (keys are unique within a stream, Flux
    // SPEC "Tables"). Tables without `column` in their key keep their keys: they stream through.
    const keyed = new KeyedCollector();
    for await (const t of input) {
      const f = frameOf(t);
      if (f.keyNames.includes(column)) keyed.add({ ...fillFrame(f), sameKey: true });
      else yield toTable(fillFrame(f));
    }
    for (const f of keyed.frames()) yield toTable(f);
  });
};

