// The pushdown hook between `from()` and the table functions `range` and `filter`
// (src/stdlib/universe/range.ts / filter.ts, table-functions helper).
//
// `from(bucket:)` returns a PushdownSource: a TableStream that has not read anything yet.
// `range` and `filter` check `isPushdownSource(tables)` and, when true, narrow the source
// instead of reading it:
//
//     // in range():   if (isPushdownSource(tables)) return tables.pushRange(start.ns, stop.ns);
//     // in filter():  if (isPushdownSource(tables) && onEmpty === 'drop') {
//     //                  const narrowed = tables.pushFilter(fn);
//     //                  if (narrowed) return narrowed;   // else filter normally
//     //                }
//
// Flux requires `range` directly after `from` (InfluxDB's "cannot submit unbounded read");
// reading a PushdownSource that got no range fails with the FluxError `store.unboundedRead`.
// `pushRange` returns tables with `_start` and `_stop` columns (part of the group key) exactly
// as range() does; `pushFilter` returns the same rows filter(fn) would keep, or undefined
// when fn is not a simple predicate on `_measurement`, `_field`, tags and `_value` (and/or/not,
// ==, !=, <, <=, >, >=, =~, !~ against literals). Each method returns a new source and leaves
// `this` unchanged (a stream is a description: `data = from(...) |> range(...)` may be read
// by several pipelines, each read queries the store again), so `pushRange` then `pushFilter`
// chain.
import type { TableStream } from '../table/types.js';
import type { FunctionValue } from '../values/value.js';
import type { StorePredicate } from './types.js';

export interface PushdownSource extends TableStream {
  readonly pushdown: 'store';
  /** True once a range was pushed. */
  readonly bounded: boolean;
  /** range(start, stop): [start, stop) in nanoseconds. */
  pushRange(start: bigint, stop: bigint): PushdownSource;
  /** filter(fn) when fn can be evaluated by the store; undefined otherwise (nothing consumed). */
  pushFilter(fn: FunctionValue): PushdownSource | undefined;
  /** filter by an already translated predicate. */
  pushPredicate(predicate: StorePredicate): PushdownSource;
}

export function isPushdownSource(v: unknown): v is PushdownSource {
  return typeof v === 'object' && v !== null && (v as { pushdown?: unknown }).pushdown === 'store';
}
