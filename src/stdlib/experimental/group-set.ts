// experimental.group (mode "extend") and experimental.set (Flux experimental package).
// - group(columns:, mode: "extend"): the new key is the current key plus `columns` (those
//   the table has); rows are regrouped by it.
// - set(o:): every field of `o` becomes a column holding that value in every row; a field
//   that names a key column changes the key value (tables may merge).

import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { RecordValue, typeOf } from '../../values/value.js';
import { fail, strArg, strArrayArg, tablesArg } from '../universe/lib/args.js';
import { columnTypeOf, constantCol } from '../universe/lib/columns.js';
import type { Frame } from '../universe/lib/frame.js';
import { atCallSite, perTable } from '../universe/lib/stream.js';
import { groupStream } from '../universe/group.js';

export const group: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = strArrayArg(args, ctx, 'columns');
  const mode = strArg(args, ctx, 'mode');
  if (mode !== 'extend') throw fail(ctx, 'experimental.group.mode', `mode must be "extend", got ${JSON.stringify(mode)}`);
  return groupStream(input, columns, 'extend');
};

export const set: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const o = args.get('o');
  if (!(o instanceof RecordValue)) throw fail(ctx, 'universe.argumentType', `o must be a record, got ${typeOf(o ?? null)}`);
  const fields = [...o.fields.entries()].map(([name, v]) => {
    const t = columnTypeOf(v);
    if (t === undefined) throw fail(ctx, 'experimental.set.valueType', `field "${name}" of type ${typeOf(v)} cannot be a column value`);
    return { name, t, v };
  });
  return perTable(
    input,
    (f) => {
      const out: Frame = { ...f, names: [...f.names], cols: [...f.cols], keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
      for (const { name, t, v } of fields) {
        const col = constantCol(t, v, f.length);
        const i = out.names.indexOf(name);
        if (i >= 0) out.cols[i] = col;
        else {
          out.names.push(name);
          out.cols.push(col);
        }
        const k = out.keyNames.indexOf(name);
        if (k >= 0) out.keyValues[k] = v;
      }
      return out;
    },
    { regroup: true },
  );
};

export const experimentalTables: NativePackage = {
  path: 'experimental',
  builtins: { group: atCallSite(group), set: atCallSite(set) },
};
