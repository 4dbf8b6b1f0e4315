// Columns: one Flux column of a table, stored as an Arrow `Data` whose value buffer IS the
// typed array the contract in ./types.ts exposes (zero copy). Arrow keeps validity and
// booleans as bitmaps; the contract exposes them as one byte per row, so a column keeps
// both (the byte arrays are what the hot paths read, the bitmaps what Arrow IPC writes).
//
// Arrow types used (see ./README.md):
//   float  -> Float64              int  -> Int64           uint -> Uint64
//   time   -> Timestamp(ns)        bool -> Bool             string -> Dictionary<Utf8, Int32>
// Never read time through Arrow's getters: they return milliseconds as a JS number.
import * as arrow from 'apache-arrow';
import { FluxError, assert } from '../errors/index.js';
import { Time, UInt, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';
import type { Column, ColumnType } from './types.js';

/**
 * The raw data of one column, for `tableFromColumns` (the fast path). Exactly one of the
 * typed arrays matching the column type is set (see `Column` in ./types.ts: time uses
 * `ints`). `valid` (one byte per row, 0 = null) may be omitted or null when there is no
 * null. A `Column` of another table is itself a valid `ColumnData` (and is reused as is).
 * The arrays are taken over, not copied: do not modify them afterwards.
 */
export interface ColumnData {
  readonly valid?: Uint8Array | null;
  readonly floats?: Float64Array;
  readonly ints?: BigInt64Array;
  readonly uints?: BigUint64Array;
  readonly bools?: Uint8Array;
  readonly strings?: { readonly codes: Int32Array; readonly dictionary: readonly string[] };
}

const dictionaryType = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());

/** Arrow Utf8 vectors of dictionaries, shared by every column that shares a dictionary array. */
const utf8Cache = new WeakMap<readonly string[], arrow.Vector<arrow.Utf8>>();

function utf8Vector(dictionary: readonly string[]): arrow.Vector<arrow.Utf8> {
  let v = utf8Cache.get(dictionary);
  if (v === undefined) {
    const encoder = new TextEncoder();
    const parts: Uint8Array[] = new Array(dictionary.length);
    const offsets = new Int32Array(dictionary.length + 1);
    let total = 0;
    for (let i = 0; i < dictionary.length; i++) {
      const bytes = encoder.encode(dictionary[i]!);
      parts[i] = bytes;
      total += bytes.length;
      offsets[i + 1] = total;
    }
    const buf = new Uint8Array(total);
    for (let i = 0; i < parts.length; i++) buf.set(parts[i]!, offsets[i]!);
    const data = arrow.makeData({ type: new arrow.Utf8(), length: dictionary.length, valueOffsets: offsets, data: buf });
    v = new arrow.Vector([data]);
    utf8Cache.set(dictionary, v);
  }
  return v;
}

/** Pack one byte per row (non-zero = set) into an Arrow (LSB-first) bitmap. */
export function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) if (bytes[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

/** Unpack an Arrow bitmap (with a bit offset) into one byte (0/1) per row. */
export function unpackBits(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const j = i + offset;
    bytes[i] = (bits[j >> 3]! >> (j & 7)) & 1;
  }
  return bytes;
}

function allValid(valid: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (valid[i] === 0) return false;
  return true;
}

/** Our column: the Arrow data plus the byte-per-row views the contract exposes. */
export class ArrowColumn implements Column {
  readonly length: number;
  readonly valid: Uint8Array | null;
  readonly floats?: Float64Array;
  readonly ints?: BigInt64Array;
  readonly uints?: BigUint64Array;
  readonly bools?: Uint8Array;
  readonly strings?: { readonly codes: Int32Array; readonly dictionary: readonly string[] };
  private arrowData: arrow.Data | undefined;

  constructor(
    readonly type: ColumnType,
    data: ColumnData,
    arrowData?: arrow.Data,
  ) {
    let length: number;
    switch (type) {
      case 'float':
        assert(data.floats instanceof Float64Array, 'float column needs floats');
        this.floats = data.floats;
        length = data.floats.length;
        break;
      case 'int':
      case 'time':
        assert(data.ints instanceof BigInt64Array, `${type} column needs ints`);
        this.ints = data.ints;
        length = data.ints.length;
        break;
      case 'uint':
        assert(data.uints instanceof BigUint64Array, 'uint column needs uints');
        this.uints = data.uints;
        length = data.uints.length;
        break;
      case 'bool':
        assert(data.bools instanceof Uint8Array, 'bool column needs bools');
        this.bools = data.bools;
        length = data.bools.length;
        break;
      case 'string':
        assert(data.strings !== undefined && data.strings.codes instanceof Int32Array, 'string column needs strings');
        this.strings = data.strings;
        length = data.strings.codes.length;
        break;
      default:
        throw new Error(`internal error: unknown column type ${String(type)}`);
    }
    this.length = length;
    const valid = data.valid ?? null;
    if (valid !== null) assert(valid.length >= length, 'validity shorter than the column');
    this.valid = valid === null || allValid(valid, length) ? null : valid;
    this.arrowData = arrowData;
  }

  isNull(i: number): boolean {
    return this.valid !== null && this.valid[i] === 0;
  }

  get(i: number): Value {
    if (this.valid !== null && this.valid[i] === 0) return null;
    switch (this.type) {
      case 'float':
        return this.floats![i]!;
      case 'int':
        return this.ints![i]!;
      case 'time':
        return new Time(this.ints![i]!);
      case 'uint':
        return new UInt(this.uints![i]!);
      case 'bool':
        return this.bools![i] !== 0;
      case 'string':
        return this.strings!.dictionary[this.strings!.codes[i]!]!;
    }
  }

  /** The Arrow data of this column (built on first use; value buffers are shared, not copied). */
  arrow(): arrow.Data {
    if (this.arrowData === undefined) {
      const nullBitmap = this.valid === null ? undefined : packBits(this.valid, this.length);
      const nullCount = this.valid === null ? 0 : undefined;
      const common = { length: this.length, nullBitmap, ...(nullCount === undefined ? {} : { nullCount }) };
      switch (this.type) {
        case 'float':
          this.arrowData = arrow.makeData({ type: new arrow.Float64(), data: this.floats!, ...common });
          break;
        case 'int':
          this.arrowData = arrow.makeData({ type: new arrow.Int64(), data: this.ints!, ...common });
          break;
        case 'time':
          this.arrowData = arrow.makeData({ type: new arrow.TimestampNanosecond(), data: this.ints!, ...common });
          break;
        case 'uint':
          this.arrowData = arrow.makeData({ type: new arrow.Uint64(), data: this.uints!, ...common });
          break;
        case 'bool':
          this.arrowData = arrow.makeData({ type: new arrow.Bool(), data: packBits(this.bools!, this.length), ...common });
          break;
        case 'string':
          this.arrowData = arrow.makeData({
            type: dictionaryType(),
            data: this.strings!.codes,
            dictionary: utf8Vector(this.strings!.dictionary),
            ...common,
          });
          break;
      }
    }
    return this.arrowData!;
  }
}

/** The Arrow type a Flux column type is stored as. */
export function arrowTypeOf(type: ColumnType): arrow.DataType {
  switch (type) {
    case 'float':
      return new arrow.Float64();
    case 'int':
      return new arrow.Int64();
    case 'time':
      return new arrow.TimestampNanosecond();
    case 'uint':
      return new arrow.Uint64();
    case 'bool':
      return new arrow.Bool();
    case 'string':
      return dictionaryType();
  }
}

/** The Flux column type of an Arrow type, or undefined when Flux has no such column type. */
export function columnTypeOfArrow(t: arrow.DataType): ColumnType | undefined {
  if (arrow.DataType.isFloat(t)) return 'float';
  if (arrow.DataType.isTimestamp(t)) return 'time';
  if (arrow.DataType.isInt(t)) return t.isSigned ? 'int' : 'uint';
  if (arrow.DataType.isBool(t)) return 'bool';
  if (arrow.DataType.isUtf8(t)) return 'string';
  if (arrow.DataType.isDictionary(t) && arrow.DataType.isUtf8(t.dictionary)) return 'string';
  return undefined;
}

/**
 * A column from Arrow data of a type Flux stores (as written by `ArrowColumn.arrow()`:
 * Float64, Int64, Uint64, Timestamp(ns), Bool, Dictionary<Utf8, Int32>, or plain Utf8).
 * Numeric buffers are shared; bitmaps are unpacked.
 */
export function columnFromArrow(data: arrow.Data): ArrowColumn {
  const type = columnTypeOfArrow(data.type);
  if (type === undefined) throw new FluxError('invalid', 'table.arrowType', `unsupported Arrow column type ${String(data.type)}`);
  const n = data.length;
  const valid = data.nullCount > 0 && data.nullBitmap ? unpackBits(data.nullBitmap, data.offset, n) : null;
  const vals = data.values as unknown;
  switch (type) {
    case 'float': {
      const src = vals as Float64Array | Float32Array;
      const floats = src instanceof Float64Array ? src.subarray(0, n) : Float64Array.from(src.subarray(0, n));
      return new ArrowColumn(type, { floats, valid });
    }
    case 'time':
    case 'int': {
      const src = vals as BigInt64Array | Int32Array;
      if (src instanceof BigInt64Array) {
        const ints = src.subarray(0, n);
        if (type === 'time') {
          const unit = (data.type as arrow.Timestamp).unit;
          const mul = [1_000_000_000n, 1_000_000n, 1_000n, 1n][unit]!;
          if (mul !== 1n) {
            const scaled = new BigInt64Array(n);
            for (let i = 0; i < n; i++) scaled[i] = ints[i]! * mul;
            return new ArrowColumn(type, { ints: scaled, valid });
          }
        }
        return new ArrowColumn(type, { ints, valid });
      }
      const ints = new BigInt64Array(n);
      for (let i = 0; i < n; i++) ints[i] = BigInt((src as ArrayLike<number>)[i]!);
      return new ArrowColumn(type, { ints, valid });
    }
    case 'uint': {
      const src = vals as BigUint64Array | Uint32Array;
      if (src instanceof BigUint64Array) return new ArrowColumn(type, { uints: src.subarray(0, n), valid });
      const uints = new BigUint64Array(n);
      for (let i = 0; i < n; i++) uints[i] = BigInt((src as ArrayLike<number>)[i]!);
      return new ArrowColumn(type, { uints, valid });
    }
    case 'bool':
      return new ArrowColumn(type, { bools: unpackBits(data.values as Uint8Array, data.offset, n), valid });
    case 'string': {
      if (arrow.DataType.isDictionary(data.type)) {
        const dict = data.dictionary!;
        const dictionary: string[] = [];
        for (let i = 0; i < dict.length; i++) dictionary.push((dict.get(i) as string | null) ?? '');
        const codesSrc = data.values as ArrayLike<number>;
        const codes = codesSrc instanceof Int32Array ? codesSrc.subarray(0, n) : Int32Array.from({ length: n }, (_, i) => Number(codesSrc[i]));
        return new ArrowColumn(type, { strings: { codes, dictionary }, valid });
      }
      const vec = new arrow.Vector([data]);
      const b = new DictionaryBuilder();
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = b.code((vec.get(i) as string | null) ?? '');
      return new ArrowColumn(type, { strings: { codes, dictionary: b.dictionary }, valid });
    }
  }
}

/** Assigns dictionary codes to strings, the same string always getting the same code. */
export class DictionaryBuilder {
  readonly dictionary: string[] = [];
  private readonly codes = new Map<string, number>();
  code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.dictionary.length;
      this.dictionary.push(s);
      this.codes.set(s, c);
    }
    return c;
  }
}

/** A column holding `value` (or null) in each of `length` rows. */
export function constantColumn(type: ColumnType, value: Value, length: number): ArrowColumn {
  const valid = value === null ? new Uint8Array(length) : null;
  if (value !== null) checkValueType(type, value, '<constant>');
  switch (type) {
    case 'float':
      return new ArrowColumn(type, { floats: new Float64Array(length).fill(value === null ? 0 : (value as number)), valid });
    case 'int':
      return new ArrowColumn(type, { ints: new BigInt64Array(length).fill(value === null ? 0n : (value as bigint)), valid });
    case 'time':
      return new ArrowColumn(type, { ints: new BigInt64Array(length).fill(value === null ? 0n : (value as Time).ns), valid });
    case 'uint':
      return new ArrowColumn(type, { uints: new BigUint64Array(length).fill(value === null ? 0n : (value as UInt).value), valid });
    case 'bool':
      return new ArrowColumn(type, { bools: new Uint8Array(length).fill(value === true ? 1 : 0), valid });
    case 'string':
      return new ArrowColumn(type, { strings: { codes: new Int32Array(length), dictionary: [value === null ? '' : (value as string)] }, valid });
  }
}

/** The Flux column type of a scalar value, or undefined when it cannot be a table cell. */
export function columnTypeOfValue(v: Value): ColumnType | undefined {
  const t = typeOf(v);
  switch (t) {
    case 'bool':
    case 'int':
    case 'uint':
    case 'float':
    case 'string':
    case 'time':
      return t;
    default:
      return undefined;
  }
}

/** Throw a FluxError when `v` (not null) cannot be stored in a column of type `type`. */
export function checkValueType(type: ColumnType, v: Value, column: string): void {
  const t = typeOf(v);
  if (t !== type) {
    throw new FluxError('invalid', 'table.columnType', `column "${column}" is of type ${type}, got a value of type ${t}`);
  }
}

/** A new column with the rows `indices` of `col`, in that order (dictionary shared). */
export function takeColumn(col: Column, indices: Int32Array | readonly number[]): ArrowColumn {
  const n = indices.length;
  let valid: Uint8Array | null = null;
  if (col.valid !== null) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = col.valid[indices[i]!]!;
  }
  switch (col.type) {
    case 'float': {
      const src = col.floats!;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return new ArrowColumn(col.type, { floats: out, valid });
    }
    case 'int':
    case 'time': {
      const src = col.ints!;
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return new ArrowColumn(col.type, { ints: out, valid });
    }
    case 'uint': {
      const src = col.uints!;
      const out = new BigUint64Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return new ArrowColumn(col.type, { uints: out, valid });
    }
    case 'bool': {
      const src = col.bools!;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return new ArrowColumn(col.type, { bools: out, valid });
    }
    case 'string': {
      const src = col.strings!.codes;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return new ArrowColumn(col.type, { strings: { codes: out, dictionary: col.strings!.dictionary }, valid });
    }
  }
}

/** A new column with rows [start, end) of `col` (typed arrays are views, not copies). */
export function sliceColumn(col: Column, start: number, end: number): ArrowColumn {
  const valid = col.valid === null ? null : col.valid.subarray(start, end);
  switch (col.type) {
    case 'float':
      return new ArrowColumn(col.type, { floats: col.floats!.subarray(start, end), valid });
    case 'int':
    case 'time':
      return new ArrowColumn(col.type, { ints: col.ints!.subarray(start, end), valid });
    case 'uint':
      return new ArrowColumn(col.type, { uints: col.uints!.subarray(start, end), valid });
    case 'bool':
      return new ArrowColumn(col.type, { bools: col.bools!.subarray(start, end), valid });
    case 'string':
      return new ArrowColumn(col.type, {
        strings: { codes: col.strings!.codes.subarray(start, end), dictionary: col.strings!.dictionary },
        valid,
      });
  }
}

/** Turn any ColumnData (or a Column of another table) into our column, reusing it when possible. */
export function toColumn(type: ColumnType, data: ColumnData | Column): ArrowColumn {
  if (data instanceof ArrowColumn) {
    assert(data.type === type || (data.type === 'int' && type === 'time') || (data.type === 'time' && type === 'int'), `column type ${data.type} used as ${type}`);
    if (data.type === type) return data;
  }
  return new ArrowColumn(type, data);
}

/**
 * One column holding the rows of `parts` one after the other (all of type `type`).
 * Strings from different dictionaries are re-coded into one dictionary.
 */
export function concatColumns(type: ColumnType, parts: readonly Column[]): ArrowColumn {
  if (parts.length === 1) return toColumn(type, parts[0]!);
  let n = 0;
  let anyNull = false;
  for (const p of parts) {
    n += p.length;
    if (p.valid !== null) anyNull = true;
  }
  let valid: Uint8Array | null = null;
  if (anyNull) {
    valid = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      if (p.valid === null) valid.fill(1, o, o + p.length);
      else valid.set(p.valid.subarray(0, p.length), o);
      o += p.length;
    }
  }
  const copy = <A extends { set(a: A, o: number): void; subarray(s: number, e: number): A }>(out: A, get: (c: Column) => A): A => {
    let o = 0;
    for (const p of parts) {
      out.set(get(p).subarray(0, p.length), o);
      o += p.length;
    }
    return out;
  };
  switch (type) {
    case 'float':
      return new ArrowColumn(type, { floats: copy(new Float64Array(n), (c) => c.floats!), valid });
    case 'int':
    case 'time':
      return new ArrowColumn(type, { ints: copy(new BigInt64Array(n), (c) => c.ints!), valid });
    case 'uint':
      return new ArrowColumn(type, { uints: copy(new BigUint64Array(n), (c) => c.uints!), valid });
    case 'bool':
      return new ArrowColumn(type, { bools: copy(new Uint8Array(n), (c) => c.bools!), valid });
    case 'string': {
      const first = parts[0]!.strings!.dictionary;
      if (parts.every((p) => p.strings!.dictionary === first)) {
        return new ArrowColumn(type, { strings: { codes: copy(new Int32Array(n), (c) => c.strings!.codes), dictionary: first }, valid });
      }
      const b = new DictionaryBuilder();
      const codes = new Int32Array(n);
      let o = 0;
      for (const p of parts) {
        const { codes: src, dictionary } = p.strings!;
        const remap = dictionary.map((s) => b.code(s));
        for (let i = 0; i < p.length; i++) codes[o + i] = remap[src[i]!]!;
        o += p.length;
      }
      return new ArrowColumn(type, { strings: { codes, dictionary: b.dictionary }, valid });
    }
  }
}
