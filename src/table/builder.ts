// Design: TableBuilder builds one table row by row into growable typed arrays (never a JS object
// per row). Strings are dictionary-encoded as they are appended. Append every column of a
// row (in any order) before the next row; `build()` checks all columns have the same length.
import { FluxError, assert } from '../errors/index.js';
import { Time, UInt } from '../values/value.js';
import type { Value } from '../values/value.js';
import { ArrowColumn, DictionaryBuilder, checkValueType } from './column.js';
import { tableFromColumns } from './table.js';
import type { ArrowTable } from './table.js';
import type { ColumnMeta, ColumnType } from './types.js';

type Numeric = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | Int32Array;

/** One growable column. */
export class ColumnBuilder {
  length = 0;
  private valid: Uint8Array | null = null;
  private f = new Float64Array(0);
  private i = new BigInt64Array(0);
  private u = new BigUint64Array(0);
  private b = new Uint8Array(0);
  private codes = new Int32Array(0);
  private readonly dict = new DictionaryBuilder();

  constructor(
    readonly name: string,
    readonly type: ColumnType,
    capacity = 16,
  ) {
    this.grow(Math.max(capacity, 1));
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.capacity() * 2);
    const g = <A extends Numeric>(a: A, make: (n: number) => A): A => {
      const out = make(cap);
      (out as { set(a: A): void }).set(a.subarray(0, this.length) as A);
      return out;
    };
    switch (this.type) {
      case 'float':
        this.f = g(this.f, (n) => new Float64Array(n));
        break;
      case 'int':
      case 'time':
        this.i = g(this.i, (n) => new BigInt64Array(n));
        break;
      case 'uint':
        this.u = g(this.u, (n) => new BigUint64Array(n));
        break;
      case 'bool':
        this.b = g(this.b, (n) => new Uint8Array(n));
        break;
      case 'string':
        this.codes = g(this.codes, (n) => new Int32Array(n));
        break;
    }
    if (this.valid !== null) this.valid = g(this.valid, (n) => new Uint8Array(n));
    this.cap = cap;
  }

  private capacity(): number {
    switch (this.type) {
      case 'float':
        return this.f.length;
      case 'int':
      case 'time':
        return this.i.length;
      case 'uint':
        return this.u.length;
      case 'bool':
        return this.b.length;
      case 'string':
        return this.codes.length;
    }
  }

  private wrongType(method: string): never {
    throw new Error(`internal error: ${method} on ${this.type} column "${this.name}"`);
  }

  private cap = 0;

  /**
   * Makes room for one more row and returns its index. Call it before reading the array it
   * writes into: `this.f[this.slot()] = v` would read `this.f` first and write into the
   * array that `grow` has just replaced.
   */
  private slot(): number {
    if (this.length === this.cap) this.grow(this.length + 1);
    if (this.valid !== null) this.valid[this.length] = 1;
    return this.length++;
  }

  appendFloat(v: number): void {
    if (this.type !== 'float') this.wrongType('appendFloat');
    const i = this.slot();
    this.f[i] = v;
  }
  appendInt(v: bigint): void {
    if (this.type !== 'int') this.wrongType('appendInt');
    const i = this.slot();
    this.i[i] = v;
  }
  appendUInt(v: bigint): void {
    if (this.type !== 'uint') this.wrongType('appendUInt');
    const i = this.slot();
    this.u[i] = v;
  }
  appendTime(ns: bigint): void {
    if (this.type !== 'time') this.wrongType('appendTime');
    const i = this.slot();
    this.i[i] = ns;
  }
  private lastString: string | undefined;
  private lastCode = 0;
  appendString(s: string): void {
    if (this.type !== 'string') this.wrongType('appendString');
    // Runs of the same string (tags) skip the dictionary lookup.
    if (s !== this.lastString) {
      this.lastCode = this.dict.code(s);
      this.lastString = s;
    }
    const i = this.slot();
    this.codes[i] = this.lastCode;
  }
  appendBool(v: boolean): void {
    if (this.type !== 'bool') this.wrongType('appendBool');
    const i = this.slot();
    this.b[i] = v ? 1 : 0;
  }
  appendNull(): void {
    if (this.valid === null) {
      this.valid = new Uint8Array(this.cap);
      this.valid.fill(1, 0, this.length);
    }
    const i = this.slot();
    this.valid[i] = 0;
    if (this.type === 'string') this.codes[i] = this.dict.code('');
  }
  /** Append a Flux value; a FluxError (`table.columnType`) when its type does not match. */
  appendValue(v: Value): void {
    if (v === null) return this.appendNull();
    checkValueType(this.type, v, this.name);
    switch (this.type) {
      case 'float':
        return this.appendFloat(v as number);
      case 'int':
        return this.appendInt(v as bigint);
      case 'uint':
        return this.appendUInt((v as UInt).value);
      case 'time':
        return this.appendTime((v as Time).ns);
      case 'string':
        return this.appendString(v as string);
      case 'bool':
        return this.appendBool(v as boolean);
    }
  }

  /** The finished column (the builder must not be used afterwards). */
  build(): ArrowColumn {
    const n = this.length;
    const valid = this.valid === null ? null : this.valid.slice(0, n);
    switch (this.type) {
      case 'float':
        return new ArrowColumn(this.type, { floats: this.f.slice(0, n), valid });
      case 'int':
      case 'time':
        return new ArrowColumn(this.type, { ints: this.i.slice(0, n), valid });
      case 'uint':
        return new ArrowColumn(this.type, { uints: this.u.slice(0, n), valid });
      case 'bool':
        return new ArrowColumn(this.type, { bools: this.b.slice(0, n), valid });
      case 'string':
        return new ArrowColumn(this.type, { strings: { codes: this.codes.slice(0, n), dictionary: this.dict.dictionary }, valid });
    }
  }
}

/**
 * Builds one table. Columns are addressed by index (fast) or name. The group key's values
 * are taken from the first row, or given to `build(keyValues)` (needed for an empty table).
 */
export class TableBuilder {
  readonly builders: ColumnBuilder[];
  private readonly index = new Map<string, number>();

  constructor(
    readonly columns: readonly ColumnMeta[],
    readonly keyColumns: readonly string[],
    capacity = 16,
  ) {
    this.builders = columns.map((c, i) => {
      if (this.index.has(c.name)) throw new FluxError('invalid', 'table.duplicateColumn', `duplicate column "${c.name}"`);
      this.index.set(c.name, i);
      return new ColumnBuilder(c.name, c.type, capacity);
    });
  }

  /** Number of complete rows so far (the length of the first column). */
  get length(): number {
    return this.builders.length === 0 ? 0 : this.builders[0]!.length;
  }

  private col(c: number | string): ColumnBuilder {
    const b = typeof c === 'number' ? this.builders[c] : this.builders[this.index.get(c) ?? -1];
    if (b === undefined) throw new Error(`internal error: TableBuilder: no column ${String(c)}`);
    return b;
  }

  columnIndex(name: string): number {
    return this.index.get(name) ?? -1;
  }

  appendFloat(col: number | string, v: number): void {
    this.col(col).appendFloat(v);
  }
  appendInt(col: number | string, v: bigint): void {
    this.col(col).appendInt(v);
  }
  appendUInt(col: number | string, v: bigint): void {
    this.col(col).appendUInt(v);
  }
  appendTime(col: number | string, ns: bigint): void {
    this.col(col).appendTime(ns);
  }
  appendString(col: number | string, s: string): void {
    this.col(col).appendString(s);
  }
  appendBool(col: number | string, v: boolean): void {
    this.col(col).appendBool(v);
  }
  appendNull(col: number | string): void {
    this.col(col).appendNull();
  }
  appendValue(col: number | string, v: Value): void {
    this.col(col).appendValue(v);
  }

  /** The table; `keyValues` (in the order of `keyColumns`) is required when it has no rows. */
  build(keyValues?: readonly Value[]): ArrowTable {
    const cols = this.builders.map((b) => b.build());
    const n = cols.length === 0 ? 0 : cols[0]!.length;
    for (const c of cols) assert(c.length === n, 'TableBuilder: columns differ in length (a row was left incomplete)');
    if (keyValues === undefined && n === 0 && this.keyColumns.length > 0) {
      throw new Error('internal error: TableBuilder.build() of an empty table needs keyValues');
    }
    return tableFromColumns(this.columns, this.keyColumns, cols, keyValues);
  }
}
