// filter(fn:, onEmpty:): keeps the rows for which fn returns true (Flux `filter`).
// A null or false result drops the row. onEmpty "drop" (default) removes tables left
// without rows; "keep" keeps them (empty, with their group key). The group key never changes.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { FunctionValue, Value } from '../../values/value.js';
import { isPromise, RecordValue, typeOf } from '../../values/value.js';
import type { Table } from '../../table/types.js';
import { fail, fnArg, strArg, tablesArg } from './lib/args.js';
import { gather } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { mapTables, perTable } from './lib/stream.js';
import { isPushdownSource } from '../../store/index.js';
import { callRow, compilePredicate, isFallback, readColumns, rowRecord } from './row-compiler.js';

/**
 * The rows of a frame for which a predicate row function is true: compiled when possible,
 * else evaluated row by row by the interpreter. Shared by filter, stateCount, stateDuration.
 */
export async function selectRows(fn: FunctionValue, f: Frame, ctx: NativeContext): Promise<Int32Array> {
  const kernel = compilePredicate(fn, f);
  if (kernel !== undefined) {
    try {
      return kernel(f);
    } catch (e) {
      if (!isFallback(e)) throw e;
    }
  }
  const mask = await predicateMask(fn, f, ctx);
  const out = new Int32Array(f.length);
  let m = 0;
  for (let i = 0; i < f.length; i++) if (mask[i] === 1) out[m++] = i;
  return out.subarray(0, m);
}

/** One byte per row: 1 where the predicate is true (slow path). */
export async function predicateMask(fn: FunctionValue, f: Frame, ctx: NativeContext): Promise<Uint8Array> {
  const mask = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) {
    let v = callRow(fn, rowRecord(f, i));
    if (isPromise(v)) v = await v;
    if (kept(v, ctx)) mask[i] = 1;
  }
  return mask;
}

/** A predicate's result: true keeps the row; false and null drop it; anything else is an error. */
function kept(v: Value, ctx: NativeContext): boolean {
  if (v === true) return true;
  if (v !== false && v !== null) throw fail(ctx, 'universe.predicateType', `fn must return a bool, got ${typeOf(v)}`);
  return false;
}

/** The mask form of selectRows (for functions that look at every row: stateCount...). */
export async function predicateRows(fn: FunctionValue, f: Frame, ctx: NativeContext): Promise<Uint8Array> {
  const idx = await selectRows(fn, f, ctx);
  const mask = new Uint8Array(f.length);
  for (let k = 0; k < idx.length; k++) mask[idx[k]!] = 1;
  return mask;
}

export const filter: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const onEmpty = strArg(args, ctx, 'onEmpty', 'drop');
  if (onEmpty !== 'drop' && onEmpty !== 'keep') {
    throw fail(ctx, 'universe.filter.onEmpty', `onEmpty must be "drop" or "keep", got ${JSON.stringify(onEmpty)}`);
  }
  // Directly after from() |> range(): let the store evaluate simple predicates (see
  // src/store/pushdown.ts); anything it cannot evaluate is filtered here as usual.
  const raw = args.get('tables');
  if (isPushdownSource(raw) && onEmpty === 'drop') {
    const narrowed = raw.pushFilter(fn);
    if (narrowed) return narrowed;
  }
  const keep = (f: Frame, idx: Int32Array): Frame | null => {
    if (idx.length === 0 && onEmpty === 'drop') return null;
    if (idx.length === f.length) return f;
    return { ...f, cols: f.cols.map((c) => gather(c, idx)), length: idx.length };
  };
  // A predicate that reads only group-key columns (`r._field == "up"`, the usual filter on
  // scraped series) has one result per table: evaluate it once and pass the table through
  // untouched or drop it, without reading its columns.
  const reads = readColumns(fn);
  if (reads === undefined) return perTable(input, async (f) => keep(f, await selectRows(fn, f, ctx)));
  return mapTables(input, async (t) => {
    if (readsOnlyKey(t, reads)) {
      if (t.length === 0) return onEmpty === 'keep' ? t : null;
      let v = callRow(fn, keyRecord(t));
      if (isPromise(v)) v = await v;
      if (kept(v, ctx)) return t;
      if (onEmpty === 'drop') return null;
    }
    const f = frameOf(t);
    const out = keep(f, await selectRows(fn, f, ctx));
    return out === null ? null : out === f ? t : toTable(out);
  });
};

/** Every column in `reads` is a group-key column of `t` or not a column of `t` at all. */
function readsOnlyKey(t: Table, reads: ReadonlySet<string>): boolean {
  const key = t.key.columns;
  for (const name of reads) {
    if (t.columnIndex(name) < 0) continue;
    let inKey = false;
    for (let k = 0; k < key.length; k++) if (key[k]!.name === name) inKey = true;
    if (!inKey) return false;
  }
  return true;
}

/** The group-key columns of `t` as a row record (the same on every row of the table). */
function keyRecord(t: Table): RecordValue {
  const m = new Map<string, Value>();
  const key = t.key;
  for (let k = 0; k < key.columns.length; k++) m.set(key.columns[k]!.name, key.values[k]!);
  return new RecordValue(m);
}
