// map(fn:): replaces each row with the record fn returns (Flux `map`).
//
// Group key (Flux docs for map): group-key columns missing from the output leave the key;
// a key column whose value fn changes moves its row to the table of the new key value.
// Column types come from the values fn returns; a column whose values change type between
// rows of one table is an error (`universe.map.columnType`).
//
// Fast path: `(r) => ({r with ...})` and `(r) => ({...})` bodies compiled by
// ./row-compiler.ts into one typed-array loop per computed column; unchanged columns are
// shared, not copied. Everything else goes through the interpreter one record per row.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { ColumnType } from '../../table/types.js';
import { RecordValue, isPromise, typeOf } from '../../values/value.js';
import type { FunctionValue, Value } from '../../values/value.js';
import { fail, fnArg, tablesArg } from './lib/args.js';
import { ColBuilder, columnTypeOf } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector, keyIdentity } from './lib/regroup.js';
import { streamOf } from '../../table/index.js';
import { callRow, compileRecordFn, isFallback, rowRecord } from './row-compiler.js';

interface MapOutput {
  frame: Frame;
  /** The key columns and their values are those of the input (the table can stream through). */
  keyUnchanged: boolean;
}

function compiledMap(fn: FunctionValue, f: Frame): MapOutput | undefined {
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
  let keyUnchanged = true;
  c.props.forEach((p, k) => {
    const i = names.indexOf(p.name);
    if (f.keyNames.includes(p.name) && computed[k] !== f.cols[f.names.indexOf(p.name)]) keyUnchanged = false;
    if (i < 0) {
      names.push(p.name);
      cols.push(computed[k]!);
    } else cols[i] = computed[k]!;
  });
  const keyNames = f.keyNames.filter((k) => names.includes(k));
  if (keyNames.length !== f.keyNames.length) keyUnchanged = false;
  const keyValues = keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)] ?? null);
  return { frame: { names, cols, length: f.length, keyNames, keyValues }, keyUnchanged };
}

async function slowMap(fn: FunctionValue, f: Frame, ctx: NativeContext): Promise<MapOutput> {
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
      // Only nulls: keep the input column's type when there is one, else leave the column out.
      const i = f.names.indexOf(name);
      if (i < 0) continue;
      b = new ColBuilder(f.cols[i]!.type as ColumnType, f.length);
    }
    while (b.length < f.length) b.pushNull();
    outNames.push(name);
    cols.push(b.finish());
  }
  const keyNames = f.keyNames.filter((k) => outNames.includes(k));
  const keyValues = keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)] ?? null);
  return { frame: { names: outNames, cols, length: f.length, keyNames, keyValues }, keyUnchanged: false };
}

export const map: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  return streamOf(async function* () {
    const regroup = new KeyedCollector();
    const streamed = new Set<string>();
    let anyRegroup = false;
    for await (const t of input) {
      const f = frameOf(t);
      const out = compiledMap(fn, f) ?? (await slowMap(fn, f, ctx));
      // Without a row the interpreter path cannot know the output columns: such a table is
      // dropped (the compiled path knows them and keeps it).
      if (out.frame.names.length === 0) continue;
      if (out.keyUnchanged) {
        streamed.add(keyIdentity(out.frame.keyNames, out.frame.keyValues));
        yield toTable(out.frame);
      } else {
        anyRegroup = true;
        regroup.add(out.frame);
      }
    }
    if (anyRegroup) for (const fr of regroup.frames()) yield toTable(fr);
  });
};
