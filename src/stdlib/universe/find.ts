// Extracting values from streams (Flux universe): tableFind, getColumn, getRecord,
// findColumn, findRecord. These read their input stream when called (they return plain
// values, not streams).
// - tableFind(fn): the first table whose group key (as a record) satisfies fn, as a stream
//   of that one table; no such table is an error (`universe.tableFind.notFound`).
// - getColumn(column) / getRecord(idx): on a one-table stream (from tableFind): a column
//   as an array / row idx as a record; a missing column or index is an error.
// - findColumn(fn, column) / findRecord(fn, idx): like tableFind then getColumn/getRecord,
//   but an empty array / empty record when nothing matches.

import { FluxError } from '../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { streamOf } from '../../table/index.js';
import type { Table, TableStream } from '../../table/types.js';
import { ArrayValue, RecordValue, isPromise, typeOf } from '../../values/value.js';
import type { FunctionValue, Value } from '../../values/value.js';
import { fail, fnArg, intArg, strArg, tablesArg } from './lib/args.js';

function keyRecord(t: Table): RecordValue {
  const m = new Map<string, Value>();
  t.key.columns.forEach((c, i) => m.set(c.name, t.key.values[i] ?? null));
  return new RecordValue(m);
}

async function findTable(stream: TableStream, fn: FunctionValue, ctx: NativeContext): Promise<Table | undefined> {
  for await (const t of stream) {
    let v = fn.call(new Map([['key', keyRecord(t)]]));
    if (isPromise(v)) v = await v;
    if (v !== true && v !== false && v !== null) throw fail(ctx, 'universe.predicateType', `fn must return a bool, got ${typeOf(v)}`);
    if (v === true) return t;
  }
  return undefined;
}

function columnValues(t: Table, column: string, ctx: NativeContext): ArrayValue {
  const i = t.columnIndex(column);
  if (i < 0) throw fail(ctx, 'universe.getColumn.missingColumn', `column "${column}" does not exist`);
  const c = t.column(i);
  const out: Value[] = [];
  for (let r = 0; r < t.length; r++) out.push(c.get(r));
  return new ArrayValue(out);
}

function rowAt(t: Table, idx: number, ctx: NativeContext): RecordValue {
  if (idx < 0 || idx >= t.length) {
    throw new FluxError('invalid', 'universe.getRecord.index', `${ctx.name}: index ${idx} out of bounds (table has ${t.length} rows)`, { span: ctx.span, source: ctx.source });
  }
  return t.record(idx);
}

async function singleTable(args: ReadonlyMap<string, Value>, ctx: NativeContext): Promise<Table> {
  const stream = tablesArg(args, ctx, args.has('table') ? 'table' : 'tables');
  let first: Table | undefined;
  for await (const t of stream) {
    if (first !== undefined) throw fail(ctx, 'universe.getColumn.manyTables', 'expected a single table (use tableFind first)');
    first = t;
  }
  if (first === undefined) throw fail(ctx, 'universe.getColumn.noTable', 'the stream has no table');
  return first;
}

export const tableFind: NativeFunction = async (args, ctx) => {
  const t = await findTable(tablesArg(args, ctx), fnArg(args, ctx, 'fn'), ctx);
  if (t === undefined) {
    throw new FluxError('notFound', 'universe.tableFind.notFound', `${ctx.name}: no table found matching fn`, { span: ctx.span, source: ctx.source });
  }
  return streamOf([t]);
};

export const getColumn: NativeFunction = async (args, ctx) => columnValues(await singleTable(args, ctx), strArg(args, ctx, 'column'), ctx);

export const getRecord: NativeFunction = async (args, ctx) => rowAt(await singleTable(args, ctx), intArg(args, ctx, 'idx'), ctx);

export const findColumn: NativeFunction = async (args, ctx) => {
  const column = strArg(args, ctx, 'column');
  const t = await findTable(tablesArg(args, ctx), fnArg(args, ctx, 'fn'), ctx);
  if (t === undefined || t.columnIndex(column) < 0) return new ArrayValue([]);
  return columnValues(t, column, ctx);
};

export const findRecord: NativeFunction = async (args, ctx) => {
  const idx = intArg(args, ctx, 'idx');
  const t = await findTable(tablesArg(args, ctx), fnArg(args, ctx, 'fn'), ctx);
  if (t === undefined || idx < 0 || idx >= t.length) return new RecordValue(new Map());
  return t.record(idx);
};
