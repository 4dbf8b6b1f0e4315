// Column data as the universe table functions produce it: the same typed-array shapes as
// src/table/types.ts `Column` (float -> Float64Array, int/time -> BigInt64Array, uint ->
// BigUint64Array, bool -> Uint8Array, string -> dictionary codes), plus a validity mask
// (null when every cell is valid). Kernels in this folder read input `Column`s and write
// `ColData`; ./build.ts turns ColData into tables through src/table's API.
//
// Contract: a ColData is never mutated after it has been handed to makeTable.

import type { Column, ColumnType } from '../../../table/types.js';
import { Time, UInt, typeOf } from '../../../values/value.js';
import type { Value } from '../../../values/value.js';
import { FluxError } from '../../../errors/index.js';

export interface ColData {
  readonly type: ColumnType;
  readonly length: number;
  readonly valid: Uint8Array | null;
  readonly floats?: Float64Array;
  readonly ints?: BigInt64Array;
  readonly uints?: BigUint64Array;
  readonly bools?: Uint8Array;
  readonly codes?: Int32Array;
  readonly dictionary?: readonly string[];
}

/** The view of an input Column as ColData (no copy). */
export function colDataOf(c: Column): ColData {
  return {
    type: c.type,
    length: c.length,
    valid: c.valid,
    floats: c.floats,
    ints: c.ints,
    uints: c.uints,
    bools: c.bools,
    codes: c.strings?.codes,
    dictionary: c.strings?.dictionary,
  };
}

/** Copy the rows `idx[0..n)` of a column (the kernel behind filter, sort, limit, group). */
export function gather(c: Column | ColData, idx: Int32Array | number[], n: number = idx.length): ColData {
  const src = 'strings' in c || 'isNull' in c ? colDataOf(c as Column) : (c as ColData);
  let valid: Uint8Array | null = null;
  if (src.valid !== null) {
    const sv = src.valid;
    valid = new Uint8Array(n);
    let all = true;
    for (let i = 0; i < n; i++) {
      const v = sv[idx[i]!]!;
      valid[i] = v;
      if (v === 0) all = false;
    }
    if (all) valid = null;
  }
  switch (src.type) {
    case 'float': {
      const a = src.floats!;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = a[idx[i]!]!;
      return { type: 'float', length: n, valid, floats: out };
    }
    case 'int':
    case 'time': {
      const out = new BigInt64Array(n);
      copy64(src.ints!, out, idx, n);
      return { type: src.type, length: n, valid, ints: out };
    }
    case 'uint': {
      const out = new BigUint64Array(n);
      copy64(src.uints!, out, idx, n);
      return { type: 'uint', length: n, valid, uints: out };
    }
    case 'bool': {
      const a = src.bools!;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = a[idx[i]!]!;
      return { type: 'bool', length: n, valid, bools: out };
    }
    case 'string': {
      const a = src.codes!;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = a[idx[i]!]!;
      return { type: 'string', length: n, valid, codes: out, dictionary: src.dictionary! };
    }
  }
}

/**
 * out[k] = a[idx[k]] for 64-bit integer arrays, copied as pairs of 32-bit words: reading a
 * BigInt64Array element allocates a BigInt, which made this copy ten times slower.
 *
 * Clearer equivalent: `for (let k = 0; k < n; k++) out[k] = a[idx[k]]`.
 */
function copy64(a: BigInt64Array | BigUint64Array, out: BigInt64Array | BigUint64Array, idx: Int32Array | number[], n: number): void {
  const src = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
  const dst = new Int32Array(out.buffer, out.byteOffset, n * 2);
  for (let k = 0; k < n; k++) {
    const j = idx[k]! << 1;
    dst[k << 1] = src[j]!;
    dst[(k << 1) + 1] = src[j + 1]!;
  }
}

/** Rows [start, end) of a column. */
export function sliceCol(c: Column | ColData, start: number, end: number): ColData {
  const src = 'isNull' in c ? colDataOf(c as Column) : (c as ColData);
  const n = Math.max(0, end - start);
  const valid = src.valid === null ? null : src.valid.slice(start, end);
  switch (src.type) {
    case 'float':
      return { type: 'float', length: n, valid, floats: src.floats!.subarray(start, end) };
    case 'int':
    case 'time':
      return { type: src.type, length: n, valid, ints: src.ints!.subarray(start, end) };
    case 'uint':
      return { type: 'uint', length: n, valid, uints: src.uints!.subarray(start, end) };
    case 'bool':
      return { type: 'bool', length: n, valid, bools: src.bools!.subarray(start, end) };
    case 'string':
      return { type: 'string', length: n, valid, codes: src.codes!.subarray(start, end), dictionary: src.dictionary! };
  }
}

/** The Flux value of cell i (null for a null cell). */
export function cellValue(c: ColData, i: number): Value {
  if (c.valid !== null && c.valid[i] === 0) return null;
  switch (c.type) {
    case 'float':
      return c.floats![i]!;
    case 'int':
      return c.ints![i]!;
    case 'time':
      return new Time(c.ints![i]!);
    case 'uint':
      return new UInt(c.uints![i]!);
    case 'bool':
      return c.bools![i] === 1;
    case 'string':
      return c.dictionary![c.codes![i]!]!;
  }
}

export function isNullAt(c: ColData, i: number): boolean {
  return c.valid !== null && c.valid[i] === 0;
}

/** The column type a Flux value is stored as (the table engine's rule). */
export { columnTypeOfValue as columnTypeOf } from '../../../table/index.js';

/** A column of n copies of one value (null gives an all-null column of `type`). */
export function constantCol(type: ColumnType, v: Value, n: number): ColData {
  const b = new ColBuilder(type, n);
  for (let i = 0; i < n; i++) b.push(v);
  return b.finish();
}

/**
 * A growable column: the slow path for values computed row by row (map's tree-walking
 * fallback, aggregates). Hot kernels write typed arrays directly instead.
 */
export class ColBuilder {
  private len = 0;
  private cap: number;
  private valid: Uint8Array | null = null;
  private floats?: Float64Array;
  private ints?: BigInt64Array;
  private uints?: BigUint64Array;
  private bools?: Uint8Array;
  private codes?: Int32Array;
  private dict?: string[];
  private dictIndex?: Map<string, number>;

  constructor(
    readonly type: ColumnType,
    capacity = 16,
  ) {
    this.cap = Math.max(1, capacity);
    this.alloc(this.cap);
  }

  get length(): number {
    return this.len;
  }

  private alloc(cap: number): void {
    const grow = <T extends { length: number; set(a: ArrayLike<unknown>): void }>(old: T | undefined, make: (n: number) => T): T => {
      const a = make(cap);
      if (old !== undefined) a.set(old as unknown as ArrayLike<unknown>);
      return a;
    };
    switch (this.type) {
      case 'float':
        this.floats = grow(this.floats, (n) => new Float64Array(n));
        break;
      case 'int':
      case 'time':
        this.ints = grow(this.ints, (n) => new BigInt64Array(n)) as BigInt64Array;
        break;
      case 'uint':
        this.uints = grow(this.uints, (n) => new BigUint64Array(n)) as BigUint64Array;
        break;
      case 'bool':
        this.bools = grow(this.bools, (n) => new Uint8Array(n));
        break;
      case 'string':
        this.codes = grow(this.codes, (n) => new Int32Array(n));
        if (this.dict === undefined) {
          this.dict = [];
          this.dictIndex = new Map();
        }
        break;
    }
    if (this.valid !== null) {
      const v = new Uint8Array(cap);
      v.set(this.valid);
      this.valid = v;
    }
  }

  private ensure(): void {
    if (this.len < this.cap) return;
    this.cap *= 2;
    this.alloc(this.cap);
  }

  pushNull(): void {
    this.ensure();
    if (this.valid === null) {
      this.valid = new Uint8Array(this.cap);
      this.valid.fill(1, 0, this.len);
    }
    this.valid[this.len++] = 0;
  }

  private mark(): void {
    if (this.valid !== null) this.valid[this.len] = 1;
  }

  pushFloat(x: number): void {
    this.ensure();
    this.mark();
    this.floats![this.len++] = x;
  }
  pushInt(x: bigint): void {
    this.ensure();
    this.mark();
    this.ints![this.len++] = x;
  }
  pushUInt(x: bigint): void {
    this.ensure();
    this.mark();
    this.uints![this.len++] = x;
  }
  pushBool(x: boolean): void {
    this.ensure();
    this.mark();
    this.bools![this.len++] = x ? 1 : 0;
  }
  pushString(s: string): void {
    this.ensure();
    this.mark();
    let code = this.dictIndex!.get(s);
    if (code === undefined) {
      code = this.dict!.length;
      this.dict!.push(s);
      this.dictIndex!.set(s, code);
    }
    this.codes![this.len++] = code;
  }

  /** Append a Flux value; a value of another type is an internal error (callers check types first). */
  push(v: Value): void {
    if (v === null) return this.pushNull();
    switch (this.type) {
      case 'float':
        if (typeof v === 'number') return this.pushFloat(v);
        break;
      case 'int':
        if (typeof v === 'bigint') return this.pushInt(v);
        break;
      case 'time':
        if (v instanceof Time) return this.pushInt(v.ns);
        break;
      case 'uint':
        if (v instanceof UInt) return this.pushUInt(v.value);
        break;
      case 'bool':
        if (typeof v === 'boolean') return this.pushBool(v);
        break;
      case 'string':
        if (typeof v === 'string') return this.pushString(v);
        break;
    }
    throw new FluxError('invalid', 'table.columnType', `expected a ${this.type} value, got ${typeOf(v)}`);
  }

  /** Append cell i of a column of the same type. */
  pushFrom(c: ColData, i: number): void {
    if (c.valid !== null && c.valid[i] === 0) return this.pushNull();
    switch (this.type) {
      case 'float':
        return this.pushFloat(c.floats![i]!);
      case 'int':
      case 'time':
        return this.pushInt(c.ints![i]!);
      case 'uint':
        return this.pushUInt(c.uints![i]!);
      case 'bool':
        return this.pushBool(c.bools![i] === 1);
      case 'string':
        return this.pushString(c.dictionary![c.codes![i]!]!);
    }
  }

  finish(): ColData {
    const n = this.len;
    let valid = this.valid === null ? null : this.valid.slice(0, n);
    if (valid !== null && valid.every((x) => x === 1)) valid = null;
    switch (this.type) {
      case 'float':
        return { type: 'float', length: n, valid, floats: this.floats!.slice(0, n) };
      case 'int':
      case 'time':
        return { type: this.type, length: n, valid, ints: this.ints!.slice(0, n) };
      case 'uint':
        return { type: 'uint', length: n, valid, uints: this.uints!.slice(0, n) };
      case 'bool':
        return { type: 'bool', length: n, valid, bools: this.bools!.slice(0, n) };
      case 'string':
        return { type: 'string', length: n, valid, codes: this.codes!.slice(0, n), dictionary: this.dict! };
    }
  }
}

/** Concatenate columns of one type (union of tables that share a group key). */
export function concatCols(type: ColumnType, parts: readonly (ColData | null)[], lengths: readonly number[]): ColData {
  const total = lengths.reduce((a, b) => a + b, 0);
  const b = new ColBuilder(type, total);
  parts.forEach((p, k) => {
    const n = lengths[k]!;
    if (p === null) for (let i = 0; i < n; i++) b.pushNull();
    else for (let i = 0; i < n; i++) b.pushFrom(p, i);
  });
  return b.finish();
}
