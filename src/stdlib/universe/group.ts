// group(columns:, mode:): regroups rows (Flux `group`).
// - mode "by" (default): the new key is `columns` (in that order), restricted to the
//   columns a table has; group() with no columns puts all rows into one table.
// - mode "except": the new key is every column of the table not in `columns`.
// Rows of every input table with equal new-key values end up in one output table, in
// input order; the column order of the tables is unchanged.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { streamOf } from '../../table/index.js';
import { fail, strArg, strArrayArg, tablesArg } from './lib/args.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector } from './lib/regroup.js';

export type GroupMode = 'by' | 'except' | 'extend';

/** The key columns of a table after group(columns, mode); `extend` adds to the current key. */
export function newKeyNames(f: Frame, columns: readonly string[], mode: GroupMode): string[] {
  switch (mode) {
    case 'by':
      return columns.filter((c, i) => f.names.includes(c) && columns.indexOf(c) === i);
    case 'except':
      return f.names.filter((n) => !columns.includes(n));
    case 'extend':
      return [...f.keyNames, ...columns.filter((c, i) => f.names.includes(c) && !f.keyNames.includes(c) && columns.indexOf(c) === i)];
  }
}

export function groupStream(input: AsyncIterable<import('../../table/types.js').Table>, columns: readonly string[], mode: GroupMode) {
  return streamOf(async function* () {
    const col = new KeyedCollector();
    for await (const t of input) {
      const f = frameOf(t);
      const keyNames = newKeyNames(f, columns, mode);
      // An empty table has no row to take new key values from: it is kept only when its
      // old key already determines the new one.
      if (f.length === 0 && !keyNames.every((k) => f.keyNames.includes(k))) continue;
      // Values come from the rows; an empty table keeps the values its old key had.
      col.add({ ...f, keyNames, keyValues: keyNames.map((k) => (f.keyNames.includes(k) ? f.keyValues[f.keyNames.indexOf(k)]! : null)) });
    }
    for (const f of col.frames()) yield toTable(f);
  });
}

export const group: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = strArrayArg(args, ctx, 'columns', []);
  const mode = strArg(args, ctx, 'mode', 'by');
  if (mode !== 'by' && mode !== 'except') {
    throw fail(ctx, 'universe.group.mode', `mode must be "by" or "except", got ${JSON.stringify(mode)}`);
  }
  return groupStream(input, columns, mode);
};
