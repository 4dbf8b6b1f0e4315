// map(fn:): replaces each row with the record fn returns (Flux `map`).
//
// Group key (Flux docs for map): group-key columns missing from the output leave the key;
// a key column whose value fn changes moves its row to the table of the new key value.
// Column types come from the values fn returns; a column whose values change type between
// rows of one table is an error (`universe.map.columnType`). A column that is null in every
// row of a table gets the static type of its expression (Flux takes column types from the
// function's inferred return type and leaves out a column whose type is unknown: flux
// stdlib/universe/map.go createSchema): `x: if r._value > 1.0 then 1.0 else r.nope` is a
// float column of nulls, `x: r.nope` is no column. A column fn copies from `r` keeps its
// input type. promflux types the expressions its row compiler can type; for any other
// expression that is null in every row, a column of the input with that name keeps its
// type, else the column is left out. A table without rows gives no table, as Flux's map
// drops empty tables.
//
// Fast path: `(r) => ({r with ...})` and `(r) => ({...})` bodies compiled by
// ./row-compiler.ts into one typed-array loop per computed column; unchanged columns are
// shared, not copied. Everything else goes through the interpreter one record per row.
// Both paths give the same tables (test/stdlib/universe/map-paths.test.ts).
//
// Streaming: a table whose group key fn cannot change (the body is `{r with ...}` and lists
// none of the table's key columns, or lists them as plain `k: r.k`) is emitted as soon as it
// is mapped, on either path. Any other table is held until the input ends, because its rows
// may join the table of another key (also one seen later); since `with` keeps every key
// column, a held table cannot end up with the key of a streamed one.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { ColumnType } from '../../table/types.js';
import { RecordValue, isPromise, typeOf } from '../../values/value.js';
import type { FunctionValue, Value } from '../../values/value.js';
import { fail, fnArg, tablesArg } from './lib/args.js';
import { ColBuilder, columnTypeOf } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector } from './lib/regroup.js';
import { streamOf } from '../../table/index.js';
import { callRow, compileRecordFn, isFallback, propertyType, recordShape, rowRecord } from './row-compiler.js';
import type { RecordShape } from './row-compiler.js';

/**
 * Whether fn keeps the group key of every table it maps that has the key columns of `f`:
 * the body extends `r` and computes none of those columns (see "Streaming" above).
 */
function keepsKey(shape: RecordShape | undefined, f: Frame): boolean {
  if (shape === undefined || !shape.withBase) return false;
  return f.keyNames.every((k) => {
    const p = shape.props.get(k);
    return p === undefined || p === k;
  });
}

function compiledMap(fn: FunctionValue, f: Frame): Frame | undefined {
  const c = compileRecordFn(fn, f);
  if (c === undefined) return undefined;
  let computed: ColData[];
  try {
    computed = c.props.map((p) => p.compute(f));
  } catch (e) {
    if (isFallback(e)) return undefined;
    throw e;
  }
  const names: string[] = c.withBase ? [...f.names] : [];
  const cols: ColData[] = c.withBase ? [...f.cols] : [];
  c.props.forEach((p, k) => {
    const i = names.indexOf(p.name);
    if (i < 0) {
      names.push(p.name);
      cols.push(computed[k]!);
    } else cols[i] = computed[k]!;
  });
  const keyNames = f.keyNames.filter((k) => names.includes(k));
  const keyValues = keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)] ?? null);
  return { names, cols, length: f.length, keyNames, keyValues };
}

/**
 * The type of a column that is null in every row of the interpreter's output (undefined:
 * leave the column out). See the header: the static type when the compiler can type the
 * property, no column when it is null whatever the row, else the input column's type.
 */
function nullColumnType(fn: FunctionValue, shape: RecordShape | undefined, f: Frame, name: string): ColumnType | undefined {
  const i = f.names.indexOf(name);
  const inputType = i < 0 ? undefined : (f.cols[i]!.type as ColumnType);
  if (shape === undefined || !shape.props.has(name)) return inputType;
  const copied = shape.props.get(name);
  if (copied !== null && copied !== undefined) {
    const j = f.names.indexOf(copied);
    return j < 0 ? undefined : (f.cols[j]!.type as ColumnType);
  }
  const t = propertyType(fn, f, name);
  if (t === 'null') return undefined;
  return t ?? inputType;
}

async function slowMap(fn: FunctionValue, shape: RecordShape | undefined, f: Frame, ctx: NativeContext): Promise<Frame> {
  const names: string[] = [];
  const builders = new Map<string, ColBuilder>();
  for (let i = 0; i < f.length; i++) {
    let out = callRow(fn, rowRecord(f, i));
    if (isPromise(out)) out = await out;
    if (!(out instanceof RecordValue)) throw fail(ctx, 'universe.map.notRecord', `fn must return a record, got ${typeOf(out)}`);
    for (const name of out.fields.keys()) {
      if (!names.includes(name)) names.push(name);
    }
    for (const name of names) {
      const v: Value = out.fields.get(name) ?? null;
      let b = builders.get(name);
      if (b === undefined) {
        if (v === null) continue;
        const t = columnTypeOf(v);
        if (t === undefined) throw fail(ctx, 'universe.map.columnType', `column "${name}" cannot hold a value of type ${typeOf(v)}`);
        b = new ColBuilder(t, f.length);
        for (let j = 0; j < i; j++) b.pushNull();
        builders.set(name, b);
      }
      if (v !== null && columnTypeOf(v) !== b.type) {
        throw fail(ctx, 'universe.map.columnType', `column "${name}" is ${b.type} in one row and ${typeOf(v)} in another`);
      }
      b.push(v);
    }
  }
  const outNames: string[] = [];
  const cols: ColData[] = [];
  for (const name of names) {
    let b = builders.get(name);
    if (b === undefined) {
      // Only nulls: the type the compiled path would give the column, if any.
      const t = nullColumnType(fn, shape, f, name);
      if (t === undefined) continue;
      b = new ColBuilder(t, f.length);
    }
    while (b.length < f.length) b.pushNull();
    outNames.push(name);
    cols.push(b.finish());
  }
  const keyNames = f.keyNames.filter((k) => outNames.includes(k));
  const keyValues = keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)] ?? null);
  return { names: outNames, cols, length: f.length, keyNames, keyValues };
}

export const map: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const shape = recordShape(fn);
  return streamOf(async function* () {
    const regroup = new KeyedCollector();
    let anyRegroup = false;
    for await (const t of input) {
      // A table without rows gives no table, as in Flux (its map drops empty tables; without
      // a row the output columns are not known), on the compiled path as on the interpreted.
      if (t.length === 0) continue;
      const f = frameOf(t);
      const out = compiledMap(fn, f) ?? (await slowMap(fn, shape, f, ctx));
      if (out.names.length === 0) continue;
      if (keepsKey(shape, f)) yield toTable(out);
      else {
        anyRegroup = true;
        regroup.add(out);
      }
    }
    if (anyRegroup) for (const fr of regroup.frames()) yield toTable(fr);
  });
};
