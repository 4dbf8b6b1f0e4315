// distinct, unique, columns, keys, keyValues (Flux universe).
// distinct: per table, the key columns plus `_value` holding each distinct value of
//   `column` once (first-appearance order; null is a value of its own).
// unique: the first row for each distinct value of `column` (all columns kept).
// columns / keys: per table, the key columns plus `column` (default "_value") listing the
//   table's column names / group-key column names, one per row.
// keyValues: per table, the key columns plus `_key` (a column name from keyColumns) and
//   `_value` (each distinct value of that column); the columns must share one type.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { ArrayValue, RecordValue, isPromise, typeOf } from '../../values/value.js';
import type { ColumnType } from '../../table/types.js';
import { fail, optFnArg, strArg, strArrayArg, tablesArg } from './lib/args.js';
import { ColBuilder, cellValue, constantCol } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { valueKey } from './lib/regroup.js';
import { perTable } from './lib/stream.js';
import { keyPart } from './aggregates.js';
import { takeRowsOf } from './sort-limit.js';

/** Key columns (constant, `n` rows) followed by the given extra columns. */
function keyedFrame(f: Frame, extra: readonly [string, ColData][], n: number): Frame {
  const kp = keyPart(f);
  const extraNames = new Set(extra.map(([name]) => name));
  const names: string[] = [];
  const cols: ColData[] = [];
  kp.names.forEach((name, i) => {
    if (extraNames.has(name)) return;
    names.push(name);
    cols.push(constantCol(kp.types[i]!, kp.values[i]!, n));
  });
  for (const [name, c] of extra) {
    names.push(name);
    cols.push(c);
  }
  const keyNames = f.keyNames.filter((k) => names.includes(k) && !extraNames.has(k));
  const keyValues = keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)] ?? null);
  return { names, cols, length: n, keyNames, keyValues };
}

function distinctRows(c: ColData, n: number): number[] {
  const seen = new Set<string>();
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = valueKey(cellValue(c, i));
    if (!seen.has(k)) {
      seen.add(k);
      rows.push(i);
    }
  }
  return rows;
}

export const distinct: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  return perTable(input, (f) => {
    const i = f.names.indexOf(column);
    if (i < 0) throw fail(ctx, 'universe.distinct.missingColumn', `column "${column}" does not exist`);
    const c = f.cols[i]!;
    const rows = distinctRows(c, f.length);
    const b = new ColBuilder(c.type, rows.length);
    for (const r of rows) b.pushFrom(c, r);
    return keyedFrame(f, [['_value', b.finish()]], rows.length);
  });
};

export const unique: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  return perTable(input, (f) => {
    const i = f.names.indexOf(column);
    if (i < 0) throw fail(ctx, 'universe.unique.missingColumn', `column "${column}" does not exist`);
    return takeRowsOf(f, Int32Array.from(distinctRows(f.cols[i]!, f.length)));
  });
};

function namesColumn(names: readonly string[]): ColData {
  const b = new ColBuilder('string', names.length);
  for (const n of names) b.pushString(n);
  return b.finish();
}

export const columns: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  return perTable(input, (f) => keyedFrame(f, [[column, namesColumn(f.names)]], f.names.length));
};

export const keys: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column', '_value');
  return perTable(input, (f) => keyedFrame(f, [[column, namesColumn(f.keyNames)]], f.keyNames.length));
};

async function keyColumnsOf(f: Frame, ctx: NativeContext, fixed: string[] | undefined, fn: import('../../values/value.js').FunctionValue | undefined): Promise<string[]> {
  if (fixed !== undefined) return fixed;
  if (fn === undefined) throw fail(ctx, 'universe.missingArgument', 'either "keyColumns" or "fn" is required');
  const schema = new ArrayValue(f.names.map((n, i) => RecordValue.of({ name: n, type: f.cols[i]!.type })));
  let v = fn.call(new Map([['schema', schema]]));
  if (isPromise(v)) v = await v;
  if (!(v instanceof ArrayValue) || v.elements.some((e) => typeof e !== 'string')) {
    throw fail(ctx, 'universe.keyValues.fnResult', `fn must return an array of strings, got ${typeOf(v)}`);
  }
  return v.elements as string[];
}

export const keyValues: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fixed = args.get('keyColumns') === undefined ? undefined : strArrayArg(args, ctx, 'keyColumns');
  const fn = optFnArg(args, ctx, 'fn');
  return perTable(input, async (f) => {
    const cols = (await keyColumnsOf(f, ctx, fixed, fn)).filter((n) => f.names.includes(n));
    if (cols.length === 0) return null;
    let type: ColumnType | undefined;
    const keyB = new ColBuilder('string');
    let valB: ColBuilder | undefined;
    for (const name of cols) {
      const c = f.cols[f.names.indexOf(name)]!;
      if (type === undefined) {
        type = c.type;
        valB = new ColBuilder(type);
      } else if (c.type !== type) {
        throw fail(ctx, 'universe.keyValues.columnType', `keyColumns must share one type: "${name}" is ${c.type}, not ${type}`);
      }
      for (const r of distinctRows(c, f.length)) {
        keyB.pushString(name);
        valB!.pushFrom(c, r);
      }
    }
    const n = keyB.length;
    return keyedFrame(f, [['_key', keyB.finish()], ['_value', valB!.finish()]], n);
  });
};
