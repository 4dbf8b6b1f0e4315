// Selectors (Flux universe): first, last, min, max. A selector returns, per table, the
// selected row with all its columns (the group key is unchanged). Rows whose `column` is
// null are never selected; a table with no selectable row gives an empty table. min and
// max pick the first row on ties.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import type { ColumnType } from '../../table/types.js';
import { fail, strArg, tablesArg } from './lib/args.js';
import type { ColData } from './lib/columns.js';
import { perTable } from './lib/stream.js';
import { takeRowsOf } from './sort-limit.js';
import { compareStrings } from '../../values/compare.js';

/** A selector over rows [start, end) (through `rows`): the chosen row number, or -1. */
export interface Selector {
  readonly name: string;
  supports(t: ColumnType): boolean;
  select(c: ColData, start: number, end: number, rows: Int32Array | null): number;
}

const isNull = (c: ColData, i: number): boolean => c.valid !== null && c.valid[i] === 0;

export const firstSelector: Selector = {
  name: 'first',
  supports: () => true,
  select(c, start, end, rows) {
    for (let k = start; k < end; k++) {
      const i = rows === null ? k : rows[k]!;
      if (!isNull(c, i)) return i;
    }
    return -1;
  },
};

export const lastSelector: Selector = {
  name: 'last',
  supports: () => true,
  select(c, start, end, rows) {
    for (let k = end - 1; k >= start; k--) {
      const i = rows === null ? k : rows[k]!;
      if (!isNull(c, i)) return i;
    }
    return -1;
  },
};

function extremum(name: string, better: (a: number | bigint | string, b: number | bigint | string) => boolean): Selector {
  return {
    name,
    supports: (t) => t !== 'bool',
    select(c, start, end, rows) {
      let best = -1;
      let bestV: number | bigint | string | undefined;
      const arr: ArrayLike<number | bigint> | undefined = c.floats ?? c.ints ?? c.uints;
      for (let k = start; k < end; k++) {
        const i = rows === null ? k : rows[k]!;
        if (isNull(c, i)) continue;
        const v = arr !== undefined ? arr[i]! : c.dictionary![c.codes![i]!]!;
        if (typeof v === 'number' && Number.isNaN(v)) continue;
        if (best < 0 || better(v, bestV!)) {
          best = i;
          bestV = v;
        }
      }
      return best;
    },
  };
}

// Strings are ordered by their UTF-8 bytes, as in Flux (values/compare.ts compareStrings).
export const minSelector = extremum('min', (a, b) => (typeof a === 'string' ? compareStrings(a, b as string) < 0 : (a as number) < (b as number)));
export const maxSelector = extremum('max', (a, b) => (typeof a === 'string' ? compareStrings(a, b as string) > 0 : (a as number) > (b as number)));

function selectorFn(sel: Selector): NativeFunction {
  return (args, ctx: NativeContext) => {
    const input = tablesArg(args, ctx);
    const column = strArg(args, ctx, 'column', '_value');
    return perTable(input, (f) => {
      const i = f.names.indexOf(column);
      if (i < 0) throw fail(ctx, 'universe.selector.missingColumn', `column "${column}" does not exist`);
      const c = f.cols[i]!;
      if (!sel.supports(c.type)) throw fail(ctx, 'universe.selector.columnType', `cannot compute ${sel.name} of column "${column}" of type ${c.type}`);
      const r = sel.select(c, 0, f.length, null);
      return takeRowsOf(f, r < 0 ? new Int32Array(0) : Int32Array.of(r));
    });
  };
}

export const first = selectorFn(firstSelector);
export const last = selectorFn(lastSelector);
export const min = selectorFn(minSelector);
export const max = selectorFn(maxSelector);
