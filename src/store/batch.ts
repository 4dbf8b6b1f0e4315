// BatchBuilder: collects points row by row (as to() produces them) into columnar
// SeriesBatch values for Store.write, grouping them by series (measurement + tags + field).
import { seriesKey } from './segment.js';
import type { FieldType, SeriesBatch } from './types.js';
import { UInt } from '../values/value.js';

/** A field value as to() sees it: float number, int bigint, UInt, boolean or string. */
export type FieldValue = number | bigint | UInt | boolean | string;

interface Acc {
  measurement: string;
  tags: readonly (readonly [string, string])[];
  field: string;
  type: FieldType;
  times: bigint[];
  values: (number | bigint | boolean | string)[];
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

function sameTimes(a: BigInt64Array, b: readonly bigint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTags(a: readonly (readonly [string, string])[], b: readonly (readonly [string, string])[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
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
        last.acc.times.push(time);
        last.acc.values.push(value instanceof UInt ? value.value : value);
        this.count++;
        return;
      }
    }
    let sortedTags = tags;
    for (let i = 1; i < tags.length; i++) {
      if (tags[i]![0] < tags[i - 1]![0]) {
        sortedTags = [...tags].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        break;
      }
    }
    const key = seriesKey(measurement, field, sortedTags);
    const type = fieldTypeOf(value);
    let acc = this.series.get(key);
    if (!acc) this.series.set(key, (acc = { measurement, tags: sortedTags, field, type, times: [], values: [] }));
    else if (acc.type !== type) {
      const other = type + '\0' + key;
      acc = this.conflicting.get(other);
      if (!acc) this.conflicting.set(other, (acc = { measurement, tags: sortedTags, field, type, times: [], values: [] }));
    }
    acc.times.push(time);
    acc.values.push(value instanceof UInt ? value.value : value);
    this.count++;
    this.last = { measurement, field, rawTags: tags, acc };
  }

  /** The columnar batches (the builder can be reused after `clear()`). */
  build(): SeriesBatch[] {
    const out: SeriesBatch[] = [];
    // Series of one scrape carry the same times: they share one array (the store never
    // mutates a batch), which spares an allocation per series and lets encodeSegment reuse
    // the encoded time block by identity. Clearer equivalent: `BigInt64Array.from(a.times)`.
    let prev: BigInt64Array | undefined;
    for (const a of this.conflicting.size === 0 ? this.series.values() : [...this.series.values(), ...this.conflicting.values()]) {
      const times = prev !== undefined && sameTimes(prev, a.times) ? prev : BigInt64Array.from(a.times);
      prev = times;
      let values: SeriesBatch['values'];
      switch (a.type) {
        case 'float':
          values = Float64Array.from(a.values as number[]);
          break;
        case 'int':
          values = BigInt64Array.from(a.values as bigint[]);
          break;
        case 'uint':
          values = BigUint64Array.from(a.values as bigint[]);
          break;
        case 'bool':
          values = Uint8Array.from(a.values as boolean[], (b) => (b ? 1 : 0));
          break;
        case 'string':
          values = a.values as string[];
          break;
      }
      out.push({ measurement: a.measurement, tags: a.tags, field: a.field, type: a.type, times, values });
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
