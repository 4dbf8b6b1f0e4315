// Comparing streams of tables: the rules of Flux's `testing.diff`.
//
// - Tables are matched by group key (`groupKeyId`); a key present on one side only is a
//   difference (all its rows, or an empty diff table when it has none).
// - Columns are matched by name (order does not matter); a column missing on one side, or
//   of another type, makes every row of the table differ.
// - Rows are compared in order, row i with row i.
// - Floats are equal when |a - b| <= epsilon (default 1e-6) or both are the same infinity;
//   NaN equals NaN when `nansEqual` (default true); null equals only null.
//
// The result is a list of diff tables, empty when the streams are equal. Each diff table has
// the matched key, a leading string column `_diff` ("-" for a row of `want`, "+" for a row
// of `got`) and the union of both sides' columns; it holds only the rows that differ.
import { Time, UInt } from '../values/value.js';
import type { Value } from '../values/value.js';
import { TableBuilder } from './builder.js';
import { concatColumns } from './column.js';
import { tableFromColumns } from './table.js';
import { groupKeyId } from './group-key.js';
import type { ColumnMeta, ColumnType, Table } from './types.js';
import { encodeCell } from './csv.js';

export interface DiffOptions {
  readonly epsilon?: number;
  readonly nansEqual?: boolean;
}

function cellsEqual(a: Value, b: Value, epsilon: number, nansEqual: boolean): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return nansEqual && Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= epsilon;
  }
  if (a instanceof Time && b instanceof Time) return a.ns === b.ns;
  if (a instanceof UInt && b instanceof UInt) return a.value === b.value;
  return a === b;
}

interface DiffColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly w: number; // index in want, or -1
  readonly g: number; // index in got, or -1
}

function diffPair(got: Table | undefined, want: Table | undefined, epsilon: number, nansEqual: boolean): Table | undefined {
  const base = (want ?? got)!;
  const cols: DiffColumn[] = [];
  let schemaDiffers = got === undefined || want === undefined;
  const seen = new Set<string>();
  const add = (c: ColumnMeta) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    const w = want === undefined ? -1 : want.columnIndex(c.name);
    const g = got === undefined ? -1 : got.columnIndex(c.name);
    const wt = w >= 0 ? want!.columns[w]!.type : undefined;
    const gt = g >= 0 ? got!.columns[g]!.type : undefined;
    if (want !== undefined && got !== undefined && (w < 0 || g < 0 || wt !== gt)) schemaDiffers = true;
    // A column whose type differs between the sides is shown as text.
    const type: ColumnType = wt !== undefined && gt !== undefined && wt !== gt ? 'string' : (wt ?? gt)!;
    cols.push({ name: c.name, type, w, g });
  };
  for (const c of want?.columns ?? []) add(c);
  for (const c of got?.columns ?? []) add(c);

  const n = Math.max(want?.length ?? 0, got?.length ?? 0);
  const differs: boolean[] = new Array(n);
  let any = schemaDiffers;
  for (let i = 0; i < n; i++) {
    let d = schemaDiffers || i >= (want?.length ?? 0) || i >= (got?.length ?? 0);
    if (!d) {
      for (const c of cols) {
        if (!cellsEqual(want!.column(c.w).get(i), got!.column(c.g).get(i), epsilon, nansEqual)) {
          d = true;
          break;
        }
      }
    }
    differs[i] = d;
    if (d) any = true;
  }
  if (!any) return undefined;

  const diffName = seen.has('_diff') ? '_diff_' : '_diff';
  const metas: ColumnMeta[] = [{ name: diffName, type: 'string' }, ...cols.map((c) => ({ name: c.name, type: c.type }))];
  const keyCols = base.key.columns.map((c) => c.name).filter((k) => cols.some((c) => c.name === k));
  const b = new TableBuilder(metas, keyCols);
  const emit = (t: Table, sign: string, idx: (c: DiffColumn) => number, i: number) => {
    b.appendString(0, sign);
    cols.forEach((c, j) => {
      const k = idx(c);
      const v = k < 0 ? null : t.column(k).get(i);
      if (v !== null && c.type === 'string' && typeof v !== 'string') b.appendString(j + 1, encodeCell(v));
      else b.appendValue(j + 1, v);
    });
  };
  for (let i = 0; i < n; i++) {
    if (!differs[i]) continue;
    if (want !== undefined && i < want.length) emit(want, '-', (c) => c.w, i);
    if (got !== undefined && i < got.length) emit(got, '+', (c) => c.g, i);
  }
  return b.build(base.key.columns.filter((c) => keyCols.includes(c.name)).map((c) => base.key.values[base.key.columns.indexOf(c)]!));
}

/**
 * Tables with equal group keys (a stream may hold several, e.g. after `union`) merged into
 * one (rows in stream order) when they have the same columns; otherwise they stay apart and
 * the later ones show as differences.
 */
function mergeByKey(tables: readonly Table[]): Table[] {
  const byKey = new Map<string, Table[]>();
  for (const t of tables) {
    const id = groupKeyId(t.key);
    const list = byKey.get(id);
    if (list === undefined) byKey.set(id, [t]);
    else list.push(t);
  }
  const out: Table[] = [];
  for (const list of byKey.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const first = list[0]!;
    const sameSchema = list.every((t) => t.columns.length === first.columns.length && t.columns.every((c, i) => c.name === first.columns[i]!.name && c.type === first.columns[i]!.type));
    if (!sameSchema) {
      out.push(...list);
      continue;
    }
    const cols = first.columns.map((c, i) => concatColumns(c.type, list.map((t) => t.column(i))));
    out.push(tableFromColumns(first.columns, first.key.columns.map((c) => c.name), cols, first.key.values));
  }
  return out;
}

/** The diff tables of `got` against `want` (empty when equal), in the order of `want` then extra `got` keys. */
export function diffTables(gotTables: readonly Table[], wantTables: readonly Table[], options: DiffOptions = {}): Table[] {
  const epsilon = options.epsilon ?? 1e-6;
  const nansEqual = options.nansEqual ?? true;
  const got = mergeByKey(gotTables);
  const want = mergeByKey(wantTables);
  const gotByKey = new Map<string, Table>();
  for (const t of got) {
    const id = groupKeyId(t.key);
    if (!gotByKey.has(id)) gotByKey.set(id, t);
  }
  const out: Table[] = [];
  const used = new Set<Table>();
  for (const w of want) {
    const g = gotByKey.get(groupKeyId(w.key));
    // A second want table of one key (a schema clash) has no got partner left.
    const partner = g !== undefined && !used.has(g) ? g : undefined;
    if (partner !== undefined) used.add(partner);
    const d = diffPair(partner, w, epsilon, nansEqual);
    if (d !== undefined) out.push(d);
  }
  for (const g of got) {
    if (used.has(g)) continue;
    const d = diffPair(g, undefined, epsilon, nansEqual);
    if (d !== undefined) out.push(d);
  }
  return out;
}
