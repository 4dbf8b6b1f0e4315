// BatchBuilder: collects points row by row (as to() produces them) into columnar
// SeriesBatch values for Store.write, grouping them by series (measurement + tags + field).
import { KeyedSeries, seriesKey } from './segment.js';
import type { FieldType, FieldValues, SeriesBatch } from './types.js';
import { UInt } from '../values/value.js';

/** A field value as to() sees it: float number, int bigint, UInt, boolean or string. */
export type FieldValue = number | bigint | UInt | boolean | string;

interface Acc {
  /** The series key (see seriesKey; tags sorted): handed over with the built series. */
  key: string;
  measurement: string;
  tags: readonly (readonly [string, string])[];
  field: string;
  type: FieldType;
  /**
   * Whole runs of points added by `addSeries` (and the points added one by one before one),
   * as times, values, times, values, ... (no object per run: a scrape makes one run for
   * each of possibly 100,000 series, and the builder holds them until the write).
   */
  runs: (BigInt64Array | FieldValues)[] | undefined;
  /** Points added one by one since the last run (allocated on the first). */
  times: bigint[] | undefined;
  values: (number | bigint | boolean | string)[] | undefined;
}

export function fieldTypeOf(v: FieldValue): FieldType {
  switch (typeof v) {
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'uint';
  }
}

function sameTimes(a: BigInt64Array, b: BigInt64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Values added one by one as the column type of `type`. */
function typedValues(type: FieldType, values: readonly (number | bigint | boolean | string)[]): FieldValues {
  switch (type) {
    case 'float':
      return Float64Array.from(values as number[]);
    case 'int':
      return BigInt64Array.from(values as bigint[]);
    case 'uint':
      return BigUint64Array.from(values as bigint[]);
    case 'bool':
      return Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0));
    case 'string':
      return values as string[];
  }
}

/** The values of `parts` (columns of `type`) one after the other, in one column (times: type 'int'). */
export function concatValues(type: FieldType, parts: readonly FieldValues[]): FieldValues {
  if (type === 'string') return parts.flatMap((p) => p as readonly string[]);
  let n = 0;
  for (const p of parts) n += p.length;
  const out = type === 'float' ? new Float64Array(n) : type === 'int' ? new BigInt64Array(n) : type === 'uint' ? new BigUint64Array(n) : new Uint8Array(n);
  let w = 0;
  for (const p of parts) {
    (out as Float64Array).set(p as Float64Array, w);
    w += p.length;
  }
  return out;
}

/** Move the points added one by one into a chunk (before a whole run is appended after them). */
function seal(a: Acc): void {
  if (a.times === undefined) return;
  (a.runs ??= []).push(BigInt64Array.from(a.times), typedValues(a.type, a.values!));
  a.times = undefined;
  a.values = undefined;
}

function sameTags(a: readonly (readonly [string, string])[], b: readonly (readonly [string, string])[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

/** `tags` sorted by key (the array itself when it already is). */
function sortedTags(tags: readonly (readonly [string, string])[]): readonly (readonly [string, string])[] {
  for (let i = 1; i < tags.length; i++) {
    if (tags[i]![0] < tags[i - 1]![0]) return [...tags].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  return tags;
}

export class BatchBuilder {
  /** By series key: the points of the first type the series got in this batch. */
  private readonly series = new Map<string, Acc>();
  /** By type + NUL + series key: points of a series whose type differs from its first one. */
  private readonly conflicting = new Map<string, Acc>();
  private count = 0;
  private last: { measurement: string; field: string; rawTags: readonly (readonly [string, string])[]; acc: Acc } | undefined;

  /** Number of points added. */
  get size(): number {
    return this.count;
  }

  /**
   * Add one point. `tags` need not be sorted. Points of one series with another type than
   * its first point are kept apart: `build()` returns them as separate series after all
   * first-type ones, and `Store.write` keeps the first type and drops them (a partial write,
   * as InfluxDB does within one batch; see ./conflict.ts).
   */
  add(measurement: string, tags: readonly (readonly [string, string])[], field: string, time: bigint, value: FieldValue): void {
    // Fast path: the same series as the previous point (rows of one table usually are).
    const last = this.last;
    if (last !== undefined && last.measurement === measurement && last.field === field && sameTags(last.rawTags, tags)) {
      const type = fieldTypeOf(value);
      if (last.acc.type === type) {
        last.acc.times!.push(time);
        last.acc.values!.push(value instanceof UInt ? value.value : value);
        this.count++;
        return;
      }
    }
    const type = fieldTypeOf(value);
    const acc = this.accFor(measurement, sortedTags(tags), field, type);
    (acc.times ??= []).push(time);
    (acc.values ??= []).push(value instanceof UInt ? value.value : value);
    this.count++;
    this.last = { measurement, field, rawTags: tags, acc };
  }

  /**
   * Add a run of points of one series (`times` and `values` of one length, `values` the
   * column type of `type`: see FieldValues), after the points it already has. The arrays are
   * taken over, not copied (the store never mutates them). The same rules as `add`: a run of
   * another type than the series' first points is kept apart.
   */
  addSeries(measurement: string, tags: readonly (readonly [string, string])[], field: string, type: FieldType, times: BigInt64Array, values: FieldValues): void {
    if (times.length === 0) return;
    if (values.length !== times.length) throw new Error(`internal error: a run of ${times.length} times and ${values.length} values`);
    const acc = this.accFor(measurement, sortedTags(tags), field, type);
    seal(acc);
    (acc.runs ??= []).push(times, values);
    this.count += times.length;
    this.last = undefined;
  }

  /** The accumulator of a series for points of `type` (the series' own, or its conflicting one). */
  private accFor(measurement: string, tags: readonly (readonly [string, string])[], field: string, type: FieldType): Acc {
    const key = seriesKey(measurement, field, tags);
    let acc = this.series.get(key);
    if (!acc) this.series.set(key, (acc = { key, measurement, tags, field, type, runs: undefined, times: undefined, values: undefined }));
    else if (acc.type !== type) {
      const other = type + '\0' + key;
      acc = this.conflicting.get(other);
      if (!acc) this.conflicting.set(other, (acc = { key, measurement, tags, field, type, runs: undefined, times: undefined, values: undefined }));
    }
    return acc;
  }

  /**
   * The columnar batches (the builder can be reused after `clear()`), tags sorted by key. Each
   * is a KeyedSeries: it carries its series key to Store.write.
   */
  build(): SeriesBatch[] {
    const out: SeriesBatch[] = [];
    // Series of one scrape carry the same times: they share one array (the store never
    // mutates a batch), which spares an allocation per series and lets encodeSegment reuse
    // the encoded time block by identity.
    let prev: BigInt64Array | undefined;
    for (const a of this.conflicting.size === 0 ? this.series.values() : [...this.series.values(), ...this.conflicting.values()]) {
      let times: BigInt64Array;
      let values: FieldValues;
      if (a.runs === undefined) {
        times = BigInt64Array.from(a.times!);
        values = typedValues(a.type, a.values!);
      } else {
        seal(a);
        const runs = a.runs;
        if (runs.length === 2) {
          times = runs[0] as BigInt64Array;
          values = runs[1]!;
        } else {
          times = concatValues('int', runs.filter((_, k) => k % 2 === 0)) as BigInt64Array;
          values = concatValues(a.type, runs.filter((_, k) => k % 2 === 1));
        }
      }
      if (prev !== undefined && sameTimes(prev, times)) times = prev;
      prev = times;
      // The key computed for the builder's map goes along: the store does not build it again.
      out.push(new KeyedSeries(a.measurement, a.tags, a.field, a.type, times, values, a.key));
    }
    return out;
  }

  clear(): void {
    this.series.clear();
    this.conflicting.clear();
    this.count = 0;
    this.last = undefined;
  }
}
