// pivot, union and join (Flux universe): functions that combine rows of several tables.
//
// pivot(rowKey:, columnKey:, valueColumn:): the output key is the input key without the
//   columnKey and valueColumn columns, so tables that differ only in those (one table per
//   _field, typically) are combined. Each distinct rowKey combination becomes one row,
//   sorted by the rowKey columns; each distinct columnKey combination (values joined with
//   "_") becomes a column holding valueColumn. Other non-key columns are dropped. Two values
//   for the same cell: the later one wins.
// union(tables:): all tables of all streams; tables with equal keys are concatenated (a
//   column missing from one of them is null there).
// join(tables: {a: s1, b: s2}, on:): inner join of the rows of two streams on equal `on`
//   values (null never equals null). Columns present on both sides and not in `on` are
//   renamed `<name>_<side>`; the output key is the union of both sides' keys (renamed the
//   same way). Output columns are sorted by name, as Flux's join does.

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { streamOf } from '../../table/index.js';
import type { ColumnType } from '../../table/types.js';
import { ArrayValue, RecordValue } from '../../values/value.js';
import type { Value } from '../../values/value.js';
import { compareStrings } from '../../values/compare.js';
import { asTableStream } from '../../table/index.js';
import { fail, strArg, strArrayArg, tablesArg } from './lib/args.js';
import { ColBuilder, cellValue } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector, keyIdentity, valueKey } from './lib/regroup.js';
import { readAll } from './lib/stream.js';
import { rowComparator } from './sort-limit.js';

export const pivot: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const rowKey = strArrayArg(args, ctx, 'rowKey');
  const columnKey = strArrayArg(args, ctx, 'columnKey');
  const valueColumn = strArg(args, ctx, 'valueColumn');
  return streamOf(async function* () {
    const groups = new Map<string, Frame[]>();
    for await (const t of input) {
      const f = frameOf(t);
      for (const c of [...rowKey, ...columnKey, valueColumn]) {
        if (!f.names.includes(c)) throw fail(ctx, 'universe.pivot.missingColumn', `column "${c}" does not exist`);
      }
      const keyNames = f.keyNames.filter((k) => !columnKey.includes(k) && k !== valueColumn);
      const id = keyIdentity(keyNames, keyNames.map((k) => f.keyValues[f.keyNames.indexOf(k)]!));
      const g = groups.get(id);
      if (g === undefined) groups.set(id, [f]);
      else g.push(f);
    }
    for (const frames of groups.values()) yield toTable(pivotGroup(frames, rowKey, columnKey, valueColumn, ctx));
  });
};

function pivotGroup(frames: Frame[], rowKey: string[], columnKey: string[], valueColumn: string, ctx: NativeContext): Frame {
  const first = frames[0]!;
  const keyNames = first.keyNames.filter((k) => !columnKey.includes(k) && k !== valueColumn && !rowKey.includes(k));
  const keyValues = keyNames.map((k) => first.keyValues[first.keyNames.indexOf(k)] ?? null);
  const keyTypes = keyNames.map((k) => first.cols[first.names.indexOf(k)]!.type);
  // Row identity -> output row; column name -> cells.
  const rowIds = new Map<string, number>();
  const rowSrc: { f: Frame; i: number }[] = [];
  const newCols = new Map<string, { type: ColumnType; cells: Map<number, { f: Frame; i: number }> }>();
  for (const f of frames) {
    const rk = rowKey.map((n) => f.cols[f.names.indexOf(n)]!);
    const ck = columnKey.map((n) => f.cols[f.names.indexOf(n)]!);
    const vc = f.cols[f.names.indexOf(valueColumn)]!;
    for (let i = 0; i < f.length; i++) {
      const rid = rk.map((c) => valueKey(cellValue(c, i))).join('\u0000');
      let r = rowIds.get(rid);
      if (r === undefined) {
        r = rowSrc.length;
        rowIds.set(rid, r);
        rowSrc.push({ f, i });
      }
      const name = ck.map((c) => {
        const v = cellValue(c, i);
        if (v === null) return 'null';
        return typeof v === 'string' ? v : String(v instanceof Object && 'value' in v ? (v as { value: unknown }).value : v);
      }).join('_');
      let nc = newCols.get(name);
      if (nc === undefined) newCols.set(name, (nc = { type: vc.type, cells: new Map() }));
      else if (nc.type !== vc.type) throw fail(ctx, 'universe.pivot.columnType', `column "${name}" would hold both ${nc.type} and ${vc.type} values`);
      nc.cells.set(r, { f, i });
    }
  }
  // Sort output rows by the row key. A column's comparator ranks its whole dictionary, so
  // it is made once per column, not once per comparison.
  const order = rowSrc.map((_, r) => r);
  if (rowKey.length > 0) {
    const comparators = new Map<ColData, (a: number, b: number) => number>();
    order.sort((a, b) => {
      for (const n of rowKey) {
        const x = rowSrc[a]!;
        const y = rowSrc[b]!;
        const cx = x.f.cols[x.f.names.indexOf(n)]!;
        const cy = y.f.cols[y.f.names.indexOf(n)]!;
        const c = compareCells(cx, x.i, cy, y.i, comparators);
        if (c !== 0) return c;
      }
      return a - b;
    });
  }
  const n = order.length;
  const names: string[] = [];
  const cols: ColData[] = [];
  keyNames.forEach((k, j) => {
    const b = new ColBuilder(keyTypes[j]!, n);
    for (let r = 0; r < n; r++) b.push(keyValues[j]!);
    names.push(k);
    cols.push(b.finish());
  });
  for (const rk of rowKey) {
    const type = first.cols[first.names.indexOf(rk)]!.type;
    const b = new ColBuilder(type, n);
    for (const r of order) {
      const s = rowSrc[r]!;
      b.pushFrom(s.f.cols[s.f.names.indexOf(rk)]!, s.i);
    }
    names.push(rk);
    cols.push(b.finish());
  }
  for (const [name, nc] of newCols) {
    if (names.includes(name)) throw fail(ctx, 'universe.pivot.columnExists', `pivoted column "${name}" collides with an existing column`);
    const b = new ColBuilder(nc.type, n);
    for (const r of order) {
      const cell = nc.cells.get(r);
      if (cell === undefined) b.pushNull();
      else b.pushFrom(cell.f.cols[cell.f.names.indexOf(valueColumn)]!, cell.i);
    }
    names.push(name);
    cols.push(b.finish());
  }
  return { names, cols, length: n, keyNames, keyValues };
}

function compareCells(a: ColData, i: number, b: ColData, j: number, comparators: Map<ColData, (a: number, b: number) => number>): number {
  if (a === b) {
    let cmp = comparators.get(a);
    if (cmp === undefined) comparators.set(a, (cmp = rowComparator(a)));
    return cmp(i, j);
  }
  const x = cellValue(a, i);
  const y = cellValue(b, j);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const p = x instanceof Object && 'ns' in x ? (x as { ns: bigint }).ns : x instanceof Object && 'value' in x ? (x as { value: bigint }).value : x;
  const q = y instanceof Object && 'ns' in y ? (y as { ns: bigint }).ns : y instanceof Object && 'value' in y ? (y as { value: bigint }).value : y;
  if (typeof p === 'string' && typeof q === 'string') return compareStrings(p, q);
  return (p as number) < (q as number) ? -1 : (p as number) > (q as number) ? 1 : 0;
}

export const union: NativeFunction = (args, ctx) => {
  const v = args.get('tables');
  if (!(v instanceof ArrayValue)) throw fail(ctx, 'universe.argumentType', 'tables must be an array of streams');
  if (v.elements.length < 2) throw fail(ctx, 'universe.union.tooFew', 'union needs at least two streams');
  const streams = v.elements.map((s) => asTableStream(s, 'tables'));
  return streamOf(async function* () {
    const col = new KeyedCollector();
    for (const s of streams) for (const t of await readAll(s)) col.add({ ...frameOf(t), sameKey: true });
    for (const f of col.frames()) yield toTable(f);
  });
};

export const join: NativeFunction = (args, ctx) => {
  const tv = args.get('tables');
  if (!(tv instanceof RecordValue) || tv.fields.size !== 2) throw fail(ctx, 'universe.join.tables', 'tables must be a record of exactly two streams');
  const [[nameA, sa], [nameB, sb]] = [...tv.fields.entries()] as [[string, Value], [string, Value]];
  const streamA = asTableStream(sa, `tables.${nameA}`);
  const streamB = asTableStream(sb, `tables.${nameB}`);
  const method = strArg(args, ctx, 'method', 'inner');
  if (method !== 'inner') throw fail(ctx, 'universe.join.method', `only method "inner" is supported, got ${JSON.stringify(method)}`);
  const onArg = args.get('on') === undefined ? undefined : strArrayArg(args, ctx, 'on');
  return streamOf(async function* () {
    const A = (await readAll(streamA)).map(frameOf);
    const B = (await readAll(streamB)).map(frameOf);
    const namesOf = (fs: Frame[]) => new Set(fs.flatMap((f) => f.names));
    const an = namesOf(A);
    const bn = namesOf(B);
    // Default `on`: the columns both sides have in their group keys.
    const on = onArg ?? [...new Set(A.flatMap((f) => f.keyNames))].filter((k) => B.some((f) => f.keyNames.includes(k)));
    for (const c of on) {
      if (!an.has(c) || !bn.has(c)) throw fail(ctx, 'universe.join.missingColumn', `join column "${c}" is missing from one of the streams`);
    }
    const rename = (side: string, other: Set<string>) => (n: string) => (on.includes(n) || !other.has(n) ? n : `${n}_${side}`);
    const ra = rename(nameA, bn);
    const rb = rename(nameB, an);
    // Hash the rows of B by their `on` values.
    const index = new Map<string, { f: Frame; i: number }[]>();
    const rowId = (f: Frame, i: number): string | undefined => {
      let s = '';
      for (const c of on) {
        const v = cellValue(f.cols[f.names.indexOf(c)]!, i);
        if (v === null) return undefined;
        s += valueKey(v) + '\u0000';
      }
      return s;
    };
    for (const f of B) {
      for (let i = 0; i < f.length; i++) {
        const id = rowId(f, i);
        if (id === undefined) continue;
        const g = index.get(id);
        if (g === undefined) index.set(id, [{ f, i }]);
        else g.push({ f, i });
      }
    }
    const col = new KeyedCollector();
    // Output rows are built per pair of tables (one schema per pair).
    for (const fa of A) {
      const pairs = new Map<Frame, [number, number][]>();
      for (let i = 0; i < fa.length; i++) {
        const id = rowId(fa, i);
        if (id === undefined) continue;
        for (const m of index.get(id) ?? []) {
          let p = pairs.get(m.f);
          if (p === undefined) pairs.set(m.f, (p = []));
          p.push([i, m.i]);
        }
      }
      for (const [fb, rows] of pairs) {
        const cols = new Map<string, { type: ColumnType; src: ColData; side: 0 | 1 }>();
        fa.names.forEach((n, k) => cols.set(ra(n), { type: fa.cols[k]!.type, src: fa.cols[k]!, side: 0 }));
        fb.names.forEach((n, k) => {
          const out = rb(n);
          if (!cols.has(out)) cols.set(out, { type: fb.cols[k]!.type, src: fb.cols[k]!, side: 1 });
        });
        const names = [...cols.keys()].sort(compareStrings);
        const data = names.map((n) => {
          const c = cols.get(n)!;
          const b = new ColBuilder(c.type, rows.length);
          for (const [i, j] of rows) b.pushFrom(c.src, c.side === 0 ? i : j);
          return b.finish();
        });
        const keyNames = [...new Set([...fa.keyNames.map(ra), ...fb.keyNames.map(rb)])].filter((k) => names.includes(k));
        col.add({ names, cols: data, length: rows.length, keyNames, keyValues: keyNames.map(() => null) });
      }
    }
    for (const f of col.frames()) yield toTable(f);
  });
};

