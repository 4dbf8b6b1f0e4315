// Data types of the embedded store's API (see ./index.ts for the overview).

/** The field types InfluxDB stores (line protocol: float, integer, unsigned, boolean, string). */
export type FieldType = 'float' | 'int' | 'uint' | 'bool' | 'string';

/**
 * A column of field values: float -> Float64Array, int -> BigInt64Array, uint ->
 * BigUint64Array, bool -> Uint8Array (0/1), string -> string[].
 */
export type FieldValues = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | readonly string[];

/** One series (measurement + tag set + field) as a columnar batch of points. */
export interface SeriesBatch {
  readonly measurement: string;
  /** Tag pairs; any order (the store sorts them by key). Keys must be unique, non-empty, and not one of _measurement, _field, _value, _time, _start, _stop. */
  readonly tags: readonly (readonly [string, string])[];
  readonly field: string;
  readonly type: FieldType;
  /** Nanoseconds since the epoch; any order (the store sorts; for one time the last value wins). */
  readonly times: BigInt64Array;
  readonly values: FieldValues;
}

/** A series as read back: times ascending and unique. */
export interface SeriesData extends SeriesBatch {
  /** Tags sorted by key. */
  readonly tags: readonly (readonly [string, string])[];
}

/**
 * A predicate the store evaluates while reading (filter pushdown).
 *
 * - `tag`: compares `_measurement`, `_field` or a tag key of the series with a string (or a
 *   RegExp for `=~` / `!~`). A series that lacks the tag gives null, as Flux's `filter` does
 *   for a missing column. and/or/not follow the interpreter (src/interpreter/evaluator.ts):
 *   three-valued logic (Flux SPEC, "Missing values (null)": `null and true` is null, `null
 *   and false` false, `null or true` true, `not null` null); and/or evaluate left to right
 *   and stop at the first operand that decides; only a true result keeps a point.
 * - `all`: successive filters (`filter(fn: a) |> filter(fn: b)`): each operand must be true;
 *   the first that is false or null drops the point, and later operands are not evaluated
 *   (a row the first filter drops never reaches the second).
 * - `value`: compares `_value` with a literal as Flux's binary operators do: numbers compare
 *   numerically across float, int and uint (NaN is unordered: only != is true); strings with
 *   strings; booleans with booleans (== and != only). Any other pairing is an error when it is
 *   evaluated (FluxError `type.mismatch`, or `type.notComparable` for an ordered bool
 *   comparison), as in the interpreter, not a silent false.
 * - `true` matches everything (an empty filter).
 */
export type StorePredicate =
  | { readonly kind: 'and' | 'or' | 'all'; readonly operands: readonly StorePredicate[] }
  | { readonly kind: 'not'; readonly operand: StorePredicate }
  | {
      readonly kind: 'tag';
      readonly key: string;
      readonly op: '==' | '!=' | '=~' | '!~';
      readonly value: string | RegExp;
      /** The RE2 pattern as written in Flux (a remote query sends it, not the JS translation). */
      readonly source?: string;
    }
  | {
      readonly kind: 'value';
      readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=';
      readonly value: number | bigint | string | boolean | { readonly uint: bigint };
    }
  | { readonly kind: 'true' };

export interface ReadOptions {
  /** Inclusive start (ns); default: the earliest data the retention keeps. */
  readonly start?: bigint;
  /** Exclusive stop (ns); default: no upper bound. */
  readonly stop?: bigint;
  readonly predicate?: StorePredicate;
  readonly signal?: AbortSignal;
}

export interface BucketInfo {
  readonly name: string;
  /** Retention in nanoseconds; 0n means keep forever. */
  readonly retentionNs: bigint;
  /** Bytes on disk. */
  readonly bytes: number;
  readonly segments: number;
  readonly points: number;
  /**
   * Set when the bucket's MANIFEST cannot be read or parsed (store.corrupt, store.io): why.
   * Its other figures are then 0 (bytes: what is on disk). Such a bucket is listed so that
   * it can be seen and deleted; maintenance and reads of other buckets go on without it.
   */
  readonly damaged?: string;
}

/** Counters of one read, for benchmarks and `--stats`. */
export interface ReadStats {
  segmentsConsidered: number;
  segmentsOpened: number;
  seriesMatched: number;
  bytesRead: number;
  pointsReturned: number;
}

/** A segment file `Store.repairBucket` found damaged: what the MANIFEST recorded of it, and why. */
export interface DamagedSegment {
  readonly file: string;
  /** First and last time of its points (ns). */
  readonly minT: bigint;
  readonly maxT: bigint;
  readonly points: number;
  readonly reason: string;
}

/** What `Store.repairBucket` checked and found. */
export interface RepairReport {
  /** Segments checked. */
  readonly segments: number;
  readonly damaged: readonly DamagedSegment[];
  /** Where the damaged files were moved (undefined for a dry run or when none were damaged). */
  readonly movedTo?: string;
}
