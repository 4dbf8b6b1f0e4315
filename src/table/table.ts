// The immutable table: a group key plus columns (./column.ts). Constructed only through
// `tableFromColumns` / `emptyTable` / `TableBuilder.build`, which check the invariants of
// ./README.md (unique column names, equal lengths, key columns present with their types).
import * as arrow from 'apache-arrow';
import { FluxError, assert } from '../errors/index.js';
import { RecordValue } from '../values/value.js';
import type { Value } from '../values/value.js';
import { ArrowColumn, concatColumns, constantColumn, sliceColumn, takeColumn, toColumn, arrowTypeOf, columnFromArrow, columnTypeOfArrow } from './column.js';
import type { ColumnData } from './column.js';
import { makeGroupKey } from './group-key.js';
import type { Column, ColumnMeta, GroupKey, Table } from './types.js';

export class ArrowTable implements Table {
  readonly length: number;
  private readonly index: Map<string, number>;

  constructor(
    readonly key: GroupKey,
    readonly columns: readonly ColumnMeta[],
    private readonly cols: readonly ArrowColumn[],
  ) {
    this.length = cols.length === 0 ? 0 : cols[0]!.length;
    this.index = new Map();
    columns.forEach((c, i) => {
      assert(!this.index.has(c.name), `duplicate column "${c.name}"`);
      this.index.set(c.name, i);
    });
    for (const c of cols) assert(c.length === this.length, 'columns of one table differ in length');
  }

  columnIndex(name: string): number {
    return this.index.get(name) ?? -1;
  }

  column(index: number): ArrowColumn {
    const c = this.cols[index];
    assert(c !== undefined, `no column ${index}`);
    return c;
  }

  /** The column named `name`, or undefined. */
  columnByName(name: string): ArrowColumn | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.cols[i];
  }

  record(row: number): RecordValue {
    const m = new Map<string, Value>();
    for (let i = 0; i < this.columns.length; i++) m.set(this.columns[i]!.name, this.cols[i]!.get(row));
    return new RecordValue(m);
  }

  /** This table as an Arrow table (column buffers shared). */
  toArrow(): arrow.Table {
    const fields = this.columns.map((c) => new arrow.Field(c.name, arrowTypeOf(c.type), true));
    const schema = new arrow.Schema(fields);
    const children = this.cols.map((c) => c.arrow());
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: this.length, nullCount: 0, children });
    return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
  }
}

/**
 * A table from raw column data (the fast path: typed arrays and dictionary-encoded strings,
 * see `ColumnData`). `keyColumns` names the group-key columns (each must be a column);
 * their values are `keyValues` (in the order of `keyColumns`) or, when omitted, those of the
 * first row. An empty table with a non-empty key needs `keyValues`.
 */
export function tableFromColumns(
  columns: readonly ColumnMeta[],
  keyColumns: readonly string[],
  data: readonly (ColumnData | Column)[],
  keyValues?: readonly Value[],
): ArrowTable {
  assert(columns.length === data.length, 'tableFromColumns: columns and data differ in length');
  const cols = columns.map((c, i) => toColumn(c.type, data[i]!));
  return assemble(columns, keyColumns, cols, keyValues);
}

function assemble(
  columns: readonly ColumnMeta[],
  keyColumns: readonly string[],
  cols: ArrowColumn[],
  keyValues: readonly Value[] | undefined,
): ArrowTable {
  const metas: ColumnMeta[] = [];
  const values: Value[] = [];
  const length = cols.length === 0 ? 0 : cols[0]!.length;
  keyColumns.forEach((name, k) => {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) throw new FluxError('invalid', 'table.keyColumnMissing', `group key column "${name}" is not a column of the table`);
    metas.push(columns[i]!);
    if (keyValues !== undefined) values.push(keyValues[k] ?? null);
    else {
      assert(length > 0, `empty table needs key values (key column "${name}")`);
      values.push(cols[i]!.get(0));
    }
  });
  return new ArrowTable(makeGroupKey(metas, values), columns, cols);
}

/**
 * A table with no rows. `keyValues` are the values of `keyColumns` (in that order); each
 * key column must be in `columns`.
 */
export function emptyTable(columns: readonly ColumnMeta[], keyColumns: readonly string[], keyValues: readonly Value[]): ArrowTable {
  const cols = columns.map((c) => constantColumn(c.type, null, 0));
  return assemble(columns, keyColumns, cols, keyValues);
}

/** Our implementation of `t` (tables from other producers are converted, column by column). */
export function asArrowTable(t: Table): ArrowTable {
  if (t instanceof ArrowTable) return t;
  const cols = t.columns.map((c, i) => toColumn(c.type, t.column(i)));
  return new ArrowTable(t.key, t.columns, cols);
}

/** A table with the same key and columns and the rows `indices` of `t`, in that order. */
export function takeRows(t: Table, indices: Int32Array | readonly number[]): ArrowTable {
  const cols = t.columns.map((_, i) => takeColumn(t.column(i), indices));
  return new ArrowTable(t.key, t.columns, cols);
}

/** Rows [start, end) of `t` (zero copy). */
export function sliceRows(t: Table, start: number, end: number): ArrowTable {
  const s = Math.max(0, Math.min(start, t.length));
  const e = Math.max(s, Math.min(end, t.length));
  const cols = t.columns.map((_, i) => sliceColumn(t.column(i), s, e));
  return new ArrowTable(t.key, t.columns, cols);
}

/** `t` with a different group key (over columns of `t`), keeping its columns. */
export function withKey(t: Table, key: GroupKey): ArrowTable {
  const cols = t.columns.map((c, i) => toColumn(c.type, t.column(i)));
  return new ArrowTable(key, t.columns, cols);
}

/** A table from an Arrow table: each column must be of a type Flux stores. */
export function tableFromArrow(at: arrow.Table, keyColumns: readonly string[], keyValues?: readonly Value[]): ArrowTable {
  const columns: ColumnMeta[] = [];
  const cols: ArrowColumn[] = [];
  at.schema.fields.forEach((f, i) => {
    const vec = at.getChildAt(i)!;
    const chunks = vec.data.map((d) => columnFromArrow(d as arrow.Data));
    const type = chunks[0]?.type ?? columnTypeOfArrow(f.type);
    if (type === undefined) throw new FluxError('invalid', 'table.arrowType', `unsupported Arrow column type ${String(f.type)} of column "${f.name}"`);
    columns.push({ name: f.name, type });
    cols.push(chunks.length === 0 ? constantColumn(type, null, 0) : concatColumns(type, chunks));
  });
  return assemble(columns, keyColumns, cols, keyValues);
}
