// reduce(fn:, identity:) (Flux universe; docs "reduce() function", Flux 0.23.0+).
//
// Contract, per input table:
// - The accumulator starts as `identity`; for each row, in order, it becomes
//   `fn(r: row, accumulator: previous)`. A table without rows gives the identity.
// - The output is one row: the group-key columns (in key order), then one column per field
//   of the accumulator that is not a key column, sorted by name. Every other input column
//   is dropped.
// - A field named like a group-key column overwrites that column's value and so changes
//   the output table's key; two tables reduced to the same key are an error
//   (`universe.reduce.duplicateKey`), as in Flux.
// - The types of the identity's fields fix the output column types (Flux docs: "the data
//   type of values in the identity record determine the data type of output values"). Flux
//   checks this statically; here a result of fn that is not a record, lacks a field of the
//   identity, has another one, or gives a field a value of another type is an error naming
//   the field (`universe.reduce.notRecord`, `universe.reduce.fields`,
//   `universe.reduce.fieldType`). A null field value is allowed.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { ColumnType } from '../../table/types.js';
import { streamOf } from '../../table/index.js';
import { compareStrings } from '../../values/compare.js';
import { RecordValue, isPromise, typeOf } from '../../values/value.js';
import type { Value } from '../../values/value.js';
import { fail, fnArg, recordArg, tablesArg } from './lib/args.js';
import { ColBuilder, columnTypeOf, constantCol } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { keyIdentity } from './lib/regroup.js';
import { rowRecord } from './row-compiler.js';

/** The identity's field names (sorted) and their column types. */
function identityFields(identity: RecordValue, ctx: NativeContext): { names: string[]; types: Map<string, ColumnType> } {
  const types = new Map<string, ColumnType>();
  for (const [name, v] of identity.fields) {
    const t = v === null ? undefined : columnTypeOf(v);
    if (t === undefined) {
      throw fail(ctx, 'universe.reduce.identityType', `identity field "${name}" must be a bool, int, uint, float, string or time, got ${v === null ? 'null' : typeOf(v)}`);
    }
    types.set(name, t);
  }
  return { names: [...types.keys()].sort(compareStrings), types };
}

/** Check one result of fn against the identity's fields and types. */
function checkAccumulator(out: Value, types: ReadonlyMap<string, ColumnType>, ctx: NativeContext): RecordValue {
  if (!(out instanceof RecordValue)) throw fail(ctx, 'universe.reduce.notRecord', `fn must return a record, got ${typeOf(out)}`);
  for (const name of out.fields.keys()) {
    if (!types.has(name)) throw fail(ctx, 'universe.reduce.fields', `fn returned field "${name}", which identity does not have`);
  }
  for (const [name, t] of types) {
    if (!out.fields.has(name)) throw fail(ctx, 'universe.reduce.fields', `fn did not return field "${name}" of identity`);
    const v = out.fields.get(name)!;
    if (v !== null && columnTypeOf(v) !== t) {
      throw fail(ctx, 'universe.reduce.fieldType', `field "${name}" is ${t} in identity but fn returned ${typeOf(v)}`);
    }
  }
  return out;
}

export const reduce: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const identity = recordArg(args, ctx, 'identity');
  if (identity === undefined) throw fail(ctx, 'universe.missingArgument', 'missing required argument "identity"');
  const { names: fields, types } = identityFields(identity, ctx);
  return streamOf(async function* () {
    const seen = new Set<string>();
    for await (const t of input) {
      const f = frameOf(t);
      let acc: RecordValue = identity;
      for (let i = 0; i < f.length; i++) {
        let out = fn.call(
          new Map<string, Value>([
            ['r', rowRecord(f, i)],
            ['accumulator', acc],
          ]),
        );
        if (isPromise(out)) out = await out;
        acc = checkAccumulator(out, types, ctx);
      }
      const keyNames = [...f.keyNames];
      const keyValues = f.keyValues.map((v, k) => (acc.fields.has(keyNames[k]!) ? acc.fields.get(keyNames[k]!)! : v));
      const id = keyIdentity(keyNames, keyValues);
      if (seen.has(id)) throw fail(ctx, 'universe.reduce.duplicateKey', 'two tables were reduced to the same group key');
      seen.add(id);
      const names: string[] = [];
      const cols: ColData[] = [];
      keyNames.forEach((n, k) => {
        const ci = f.names.indexOf(n);
        const type = acc.fields.has(n) ? types.get(n)! : ci >= 0 ? f.cols[ci]!.type : columnTypeOf(keyValues[k]!) ?? 'string';
        names.push(n);
        cols.push(constantCol(type, keyValues[k]!, 1));
      });
      for (const n of fields) {
        if (keyNames.includes(n)) continue;
        const b = new ColBuilder(types.get(n)!, 1);
        b.push(acc.fields.get(n) ?? null);
        names.push(n);
        cols.push(b.finish());
      }
      const frame: Frame = { names, cols, length: 1, keyNames, keyValues };
      yield toTable(frame);
    }
  });
};
