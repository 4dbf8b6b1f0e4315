// Column-shaping functions: keep, drop, rename, duplicate, set (Flux universe).
// Group-key rules: a key column that is dropped (or not kept) leaves the key, and tables
// whose keys become equal are merged; a renamed key column stays in the key under its new
// name; set() on a key column changes the key value.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { FunctionValue, Value } from '../../values/value.js';
import { isPromise, typeOf } from '../../values/value.js';
import type { Args } from './lib/args.js';
import { fail, optFnArg, recordArg, strArg, strArrayArg, tablesArg } from './lib/args.js';
import { constantCol } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { perTable } from './lib/stream.js';

async function callColumnFn(fn: FunctionValue, name: string): Promise<Value> {
  let v = fn.call(new Map([['column', name]]));
  if (isPromise(v)) v = await v;
  return v;
}

/** The column names selected by `columns:` or by a `fn: (column) => bool` predicate. */
async function selectColumns(args: Args, ctx: NativeContext, f: Frame): Promise<Set<string>> {
  const fn = optFnArg(args, ctx, 'fn');
  const cols = args.get('columns');
  if (fn !== undefined) {
    const out = new Set<string>();
    for (const n of f.names) {
      const v = await callColumnFn(fn, n);
      if (typeof v !== 'boolean' && v !== null) throw fail(ctx, 'universe.predicateType', `fn must return a bool, got ${typeOf(v)}`);
      if (v === true) out.add(n);
    }
    return out;
  }
  if (cols === undefined || cols === null) throw fail(ctx, 'universe.missingArgument', 'either "columns" or "fn" is required');
  return new Set(strArrayArg(args, ctx, 'columns'));
}

function project(f: Frame, keepName: (n: string) => boolean): Frame {
  const names: string[] = [];
  const cols = [];
  for (let i = 0; i < f.names.length; i++) {
    if (keepName(f.names[i]!)) {
      names.push(f.names[i]!);
      cols.push(f.cols[i]!);
    }
  }
  const keyNames: string[] = [];
  const keyValues: Value[] = [];
  f.keyNames.forEach((k, i) => {
    if (keepName(k)) {
      keyNames.push(k);
      keyValues.push(f.keyValues[i] ?? null);
    }
  });
  return { names, cols, length: f.length, keyNames, keyValues, sameKey: keyNames.length === f.keyNames.length };
}

export const keep: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  return perTable(
    input,
    async (f) => {
      const sel = await selectColumns(args, ctx, f);
      return project(f, (n) => sel.has(n));
    },
    { regroup: true },
  );
};

export const drop: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  return perTable(
    input,
    async (f) => {
      const sel = await selectColumns(args, ctx, f);
      return project(f, (n) => !sel.has(n));
    },
    { regroup: true },
  );
};

export const rename: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = recordArg(args, ctx, 'columns');
  const fn = optFnArg(args, ctx, 'fn');
  if (columns === undefined && fn === undefined) throw fail(ctx, 'universe.missingArgument', 'either "columns" or "fn" is required');
  return perTable(
    input,
    async (f) => {
      const mapping = new Map<string, string>();
      if (columns !== undefined) {
        for (const [from, to] of columns.fields) {
          if (typeof to !== 'string') throw fail(ctx, 'universe.argumentType', `new name for "${from}" must be a string, got ${typeOf(to)}`);
          if (!f.names.includes(from)) throw fail(ctx, 'universe.rename.missingColumn', `column "${from}" does not exist`);
          mapping.set(from, to);
        }
      } else {
        for (const n of f.names) {
          const v = await callColumnFn(fn!, n);
          if (typeof v !== 'string') throw fail(ctx, 'universe.argumentType', `fn must return a string, got ${typeOf(v)}`);
          mapping.set(n, v);
        }
      }
      const names = f.names.map((n) => mapping.get(n) ?? n);
      if (new Set(names).size !== names.length) {
        const dup = names.find((n, i) => names.indexOf(n) !== i)!;
        throw fail(ctx, 'universe.rename.duplicateColumn', `renaming produces the column "${dup}" twice`);
      }
      // Key values are unchanged (only names): no need to split the rows by key. Renamed keys
      // can still equal another table's key (rename(fn:) over tables with different keys).
      return { ...f, names, keyNames: f.keyNames.map((n) => mapping.get(n) ?? n), sameKey: true };
    },
    { regroup: true },
  );
};

export const duplicate: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const column = strArg(args, ctx, 'column');
  const as = strArg(args, ctx, 'as');
  return perTable(
    input,
    (f) => {
      const i = f.names.indexOf(column);
      if (i < 0) throw fail(ctx, 'universe.duplicate.missingColumn', `column "${column}" does not exist`);
      const out: Frame = { ...f, names: [...f.names], cols: [...f.cols], keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
      const j = out.names.indexOf(as);
      if (j >= 0) {
        out.cols[j] = f.cols[i]!;
        const k = out.keyNames.indexOf(as);
        if (k >= 0) {
          // The duplicated column replaces a key column: its rows may now differ in value.
          out.keyValues[k] = f.keyNames.includes(column) ? f.keyValues[f.keyNames.indexOf(column)]! : out.keyValues[k]!;
        }
      } else {
        out.names.push(as);
        out.cols.push(f.cols[i]!);
      }
      return out;
    },
    { regroup: true },
  );
};

export const set: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const key = strArg(args, ctx, 'key');
  const value = strArg(args, ctx, 'value');
  return perTable(
    input,
    (f) => {
      const out: Frame = { ...f, names: [...f.names], cols: [...f.cols], keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
      const col = constantCol('string', value, f.length);
      const i = out.names.indexOf(key);
      if (i >= 0) out.cols[i] = col;
      else {
        out.names.push(key);
        out.cols.push(col);
      }
      const k = out.keyNames.indexOf(key);
      if (k >= 0) out.keyValues[k] = value;
      else out.sameKey = true;
      return out;
    },
    { regroup: true },
  );
};
