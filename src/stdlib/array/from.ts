// array.from(rows:): one table from an array of records (Flux `array.from`). Columns are
// the keys of the records in the order of the first record; each column's type is that of
// its first non-null value (a column that is null everywhere is a string column). Every
// record must have the same keys, and every value of a column the same type. The group
// key is empty.
import { FluxError } from '../../errors/index.js';
import type { NativeContext, NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { TableBuilder, columnTypeOfValue, streamOf } from '../../table/index.js';
import type { ColumnMeta, ColumnType } from '../../table/index.js';
import { ArrayValue, RecordValue, typeOf } from '../../values/value.js';

function fail(ctx: NativeContext, id: string, message: string): FluxError {
  return new FluxError('invalid', id, message, { span: ctx.span, source: ctx.source });
}

export const from: NativeFunction = (args, ctx) => {
  const rows = args.get('rows');
  if (!(rows instanceof ArrayValue)) throw fail(ctx, 'array.rowsType', `rows must be an array of records, got ${typeOf(rows ?? null)}`);
  const records = rows.elements.map((r, i) => {
    if (!(r instanceof RecordValue)) throw fail(ctx, 'array.rowsType', `rows must be an array of records; element ${i} is ${typeOf(r)}`);
    return r;
  });
  if (records.length === 0) return streamOf([]);
  const names = [...records[0]!.fields.keys()];
  const types = new Map<string, ColumnType>();
  records.forEach((r, i) => {
    if (r.fields.size !== names.length || names.some((n) => !r.fields.has(n))) {
      throw fail(ctx, 'array.keys', `row ${i} has keys [${[...r.fields.keys()].join(', ')}], want the keys of row 0 [${names.join(', ')}]`);
    }
    for (const [k, v] of r.fields) {
      if (v === null) continue;
      const t = columnTypeOfValue(v);
      if (t === undefined) throw fail(ctx, 'array.valueType', `row ${i}, column "${k}": a table cell cannot hold a ${typeOf(v)}`);
      const prev = types.get(k);
      if (prev === undefined) types.set(k, t);
      else if (prev !== t) throw fail(ctx, 'array.valueType', `row ${i}, column "${k}": ${t} value in a column of type ${prev}`);
    }
  });
  const columns: ColumnMeta[] = names.map((name) => ({ name, type: types.get(name) ?? 'string' }));
  const b = new TableBuilder(columns, [], records.length);
  for (const r of records) names.forEach((n, j) => b.appendValue(j, r.fields.get(n)!));
  return streamOf([b.build()]);
};

export const arrayFromPackage: NativePackage = { path: 'array', builtins: { from } };
