// The runtime value model (Flux SPEC "Types"). This file is the contract shared by the
// interpreter, the table engine and the native standard library.
//
// Representation (chosen for speed on the hot paths and exactness everywhere):
//   null      -> null                (Flux null of any type)
//   bool      -> boolean
//   int       -> bigint              (always within signed 64-bit; arithmetic wraps as Go does)
//   uint      -> UInt                (bigint within [0, 2^64))
//   float     -> number
//   string    -> string
//   time      -> Time                (exact nanoseconds since the Unix epoch, as bigint)
//   duration  -> Duration            (months and nanoseconds, with one sign, as Flux defines it)
//   regexp    -> Regexp
//   bytes     -> Uint8Array
//   array     -> ArrayValue
//   record    -> RecordValue         (ordered fields)
//   dict      -> DictValue
//   function  -> FunctionValue
//   stream    -> StreamValue         (opaque here; implemented by src/table)

export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | UInt
  | Time
  | Duration
  | Regexp
  | Uint8Array
  | ArrayValue
  | RecordValue
  | DictValue
  | FunctionValue
  | StreamValue;

/** A value or a promise of one: the interpreter stays synchronous until something is truly async. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export class UInt {
  constructor(readonly value: bigint) {}
}

export class Time {
  constructor(readonly ns: bigint) {}
  static fromMillis(ms: number): Time {
    return new Time(BigInt(Math.trunc(ms)) * 1_000_000n);
  }
}

/**
 * A Flux duration: a number of months plus a number of nanoseconds, both with the same sign
 * (`negative`). `1mo2w` is {months: 1, nanoseconds: 2w}. Months and nanoseconds do not
 * convert into each other: their length depends on the calendar.
 */
export class Duration {
  constructor(
    readonly months: bigint,
    readonly nanoseconds: bigint,
    readonly negative: boolean = false,
  ) {}
  static ofNanos(ns: bigint): Duration {
    return ns < 0n ? new Duration(0n, -ns, true) : new Duration(0n, ns, false);
  }
  /** Signed nanoseconds; only meaningful when months is 0. */
  get signedNanos(): bigint {
    return this.negative ? -this.nanoseconds : this.nanoseconds;
  }
  get signedMonths(): bigint {
    return this.negative ? -this.months : this.months;
  }
  isZero(): boolean {
    return this.months === 0n && this.nanoseconds === 0n;
  }
}

/** A compiled regular expression. `source` is the Flux (RE2) pattern; `re` its JavaScript translation. */
export class Regexp {
  constructor(
    readonly source: string,
    readonly re: RegExp,
  ) {}
}

export class ArrayValue {
  constructor(readonly elements: readonly Value[]) {}
}

/** A record: field order is preserved (insertion order). */
export class RecordValue {
  constructor(readonly fields: ReadonlyMap<string, Value>) {}
  get(name: string): Value | undefined {
    return this.fields.get(name);
  }
  static of(obj: { readonly [k: string]: Value }): RecordValue {
    return new RecordValue(new Map(Object.entries(obj)));
  }
}

/**
 * A dictionary. Flux dict keys are comparable values (string, int, uint, float, bool, time,
 * duration); `keyOf` maps a key to a JS primitive so that equal Flux values share a slot.
 */
export class DictValue {
  constructor(readonly entries: ReadonlyMap<string | number | bigint | boolean, { readonly key: Value; readonly value: Value }>) {}
}

/** One declared parameter of a function. */
export interface FunctionParam {
  readonly name: string;
  /** true when the parameter may be omitted (it has a default or is declared optional `?x`). */
  readonly optional: boolean;
  /** true for the pipe parameter (`tables=<-`). */
  readonly pipe: boolean;
}

/** Where a call came from, for error messages (`error calling function "f" @3:1-3:40`). */
export interface CallSite {
  readonly span?: import('../errors/index.js').Span;
  readonly source?: string;
}

/**
 * A callable Flux function: a closure from source, or a native builtin. Arguments are
 * always named (Flux has no positional arguments); the pipe argument arrives under the
 * pipe parameter's name.
 */
export interface FunctionValue {
  readonly kind: 'function';
  /** The name it was declared under, for error messages (`strings.substring`, `<anonymous>`). */
  readonly name: string;
  readonly params: readonly FunctionParam[];
  call(args: ReadonlyMap<string, Value>, site?: CallSite): MaybePromise<Value>;
}

/**
 * A stream of tables. The interpreter treats it as opaque; src/table implements it
 * (a lazy, read-once sequence of tables with unique group keys).
 */
export interface StreamValue {
  readonly kind: 'stream';
}

export type FluxTypeName =
  | 'null'
  | 'bool'
  | 'int'
  | 'uint'
  | 'float'
  | 'string'
  | 'time'
  | 'duration'
  | 'regexp'
  | 'bytes'
  | 'array'
  | 'record'
  | 'dict'
  | 'function'
  | 'stream';

/** The Flux type name of a value, as used in error messages and `types.isType`. */
export function typeOf(v: Value): FluxTypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  if (v instanceof UInt) return 'uint';
  if (v instanceof Time) return 'time';
  if (v instanceof Duration) return 'duration';
  if (v instanceof Regexp) return 'regexp';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof ArrayValue) return 'array';
  if (v instanceof RecordValue) return 'record';
  if (v instanceof DictValue) return 'dict';
  if ((v as FunctionValue).kind === 'function') return 'function';
  return 'stream';
}

export function isFunction(v: Value): v is FunctionValue {
  return v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'function';
}

export function isStream(v: Value): v is StreamValue {
  return v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'stream';
}
