// The table contract: what every producer (scrape, csv, store, array.from) and every
// consumer (table functions, to(), encoders, the REPL) of tables relies on. Arrow is the
// storage (see ./README.md); this file deliberately exposes no Arrow type, only plain
// typed arrays, so that nothing outside src/table imports apache-arrow.
//
// Flux SPEC "Tables": a table is a group key plus columns of one of the column types
// bool, int, uint, float, string, time; every row of a table has the same group-key values.

import type { Value, StreamValue } from '../values/value.js';

export type ColumnType = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'time';

export interface ColumnMeta {
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * A group key: an ordered list of columns and their (constant) values. Two keys are equal
 * when they have the same column names, types and values, in any order of columns
 * (compare with `groupKeyId`).
 */
export interface GroupKey {
  readonly columns: readonly ColumnMeta[];
  readonly values: readonly Value[];
}

/**
 * Read access to one column. Hot paths use the typed arrays; `get(i)` returns the Flux
 * value (null for a null cell) for the slow paths.
 *
 * - float:  `floats`   (Float64Array)
 * - int:    `ints`     (BigInt64Array)
 * - time:   `ints`     (BigInt64Array, nanoseconds since the epoch, exact)
 * - uint:   `uints`    (BigUint64Array)
 * - bool:   `bools`    (Uint8Array of 0/1)
 * - string: `strings`  (dictionary-encoded: `codes[i]` indexes `dictionary`)
 *
 * `valid` is null when the column has no nulls; otherwise `valid[i] === 0` marks a null
 * (the typed-array slot then holds an unspecified value).
 */
export interface Column {
  readonly type: ColumnType;
  readonly length: number;
  readonly valid: Uint8Array | null;
  readonly floats?: Float64Array;
  readonly ints?: BigInt64Array;
  readonly uints?: BigUint64Array;
  readonly bools?: Uint8Array;
  readonly strings?: { readonly codes: Int32Array; readonly dictionary: readonly string[] };
  isNull(i: number): boolean;
  get(i: number): Value;
}

/** An immutable table. */
export interface Table {
  readonly key: GroupKey;
  readonly columns: readonly ColumnMeta[];
  readonly length: number;
  /** Index of a column by name, or -1. */
  columnIndex(name: string): number;
  column(index: number): Column;
  /** A row as a Flux record (slow path: REPL, findRecord, tree-walking row functions). */
  record(row: number): import('../values/value.js').RecordValue;
}

/**
 * A stream of tables: lazy and read once. Group keys within one stream are unique.
 * Reading a stream a second time throws an internal error.
 */
export interface TableStream extends StreamValue, AsyncIterable<Table> {}
