// Frames: a table being transformed, as named ColData columns plus its group-key column
// names. Reading a Table into a frame copies nothing; `toTable` builds the result through
// src/table's `tableFromColumns` (the only way this folder creates tables).
//
// Flux SPEC "Tables": every row of a table has the same group-key values; a frame whose
// key columns are not constant must be split with `partitionByKey` (./regroup.ts) first.

import { tableFromColumns } from '../../../table/index.js';
import type { ColumnMeta, ColumnType, Table } from '../../../table/types.js';
import type { Value } from '../../../values/value.js';
import { FluxError } from '../../../errors/index.js';
import type { ColData } from './columns.js';
import { cellValue, colDataOf, constantCol } from './columns.js';

export interface Frame {
  /** Column names in output order. */
  names: string[];
  cols: ColData[];
  length: number;
  /** Group-key column names, in key order. */
  keyNames: string[];
  /** Values of the key columns (parallel to keyNames); used when the frame is empty. */
  keyValues: Value[];
  /**
   * Set by transformations that keep the input table's group key values (constant in every
   * row): merging frames by key (`KeyedCollector`) then takes the key as it is instead of
   * splitting the rows by their key columns' values.
   */
  sameKey?: boolean;
}

export function frameOf(t: Table): Frame {
  const names = t.columns.map((c) => c.name);
  const cols = t.columns.map((_, i) => colDataOf(t.column(i)));
  return {
    names,
    cols,
    length: t.length,
    keyNames: t.key.columns.map((c) => c.name),
    keyValues: [...t.key.values],
  };
}

export function colIndex(f: Frame, name: string): number {
  return f.names.indexOf(name);
}

export function getCol(f: Frame, name: string): ColData | undefined {
  const i = f.names.indexOf(name);
  return i < 0 ? undefined : f.cols[i];
}

/** Set (replace or append) a column. */
export function setCol(f: Frame, name: string, c: ColData): void {
  const i = f.names.indexOf(name);
  if (i < 0) {
    f.names.push(name);
    f.cols.push(c);
  } else f.cols[i] = c;
}

/** The value of key column `name` (from keyValues, or the first row). */
export function keyValue(f: Frame, name: string): Value {
  const k = f.keyNames.indexOf(name);
  if (k >= 0) return f.keyValues[k] ?? null;
  const c = getCol(f, name);
  return c === undefined || f.length === 0 ? null : cellValue(c, 0);
}

export function toColumnData(c: ColData): import('../../../table/column.js').ColumnData {
  return {
    valid: c.valid,
    floats: c.floats,
    ints: c.ints,
    uints: c.uints,
    bools: c.bools,
    strings: c.codes === undefined ? undefined : { codes: c.codes, dictionary: c.dictionary! },
  };
}

/** Build the table of a frame. Key values come from the frame (they must match its rows). */
export function toTable(f: Frame): Table {
  const metas: ColumnMeta[] = f.names.map((name, i) => ({ name, type: f.cols[i]!.type }));
  for (const k of f.keyNames) {
    if (!f.names.includes(k)) {
      throw new FluxError('internal', 'internal', `group key column "${k}" is missing from the table`);
    }
  }
  return tableFromColumns(metas, f.keyNames, f.cols.map(toColumnData), f.keyValues);
}

/** An empty frame with the key (and columns) of `f`. */
export function emptyLike(f: Frame): Frame {
  return {
    names: [...f.names],
    cols: f.cols.map((c) => constantCol(c.type, null, 0)),
    length: 0,
    keyNames: [...f.keyNames],
    keyValues: [...f.keyValues],
  };
}

export function metaOf(f: Frame): ColumnMeta[] {
  return f.names.map((name, i) => ({ name, type: f.cols[i]!.type as ColumnType }));
}

/** Shallow copy (columns shared). */
export function cloneFrame(f: Frame): Frame {
  return { names: [...f.names], cols: [...f.cols], length: f.length, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
}
