// window() and aggregateWindow() (Flux universe).
//
// Windows (Flux docs for window): window starts are aligned to the Unix epoch plus
// `offset` (on the calendar of `location` when `every` has months or the location is not
// UTC); a window is [start, start + period), period defaulting to every. A row belongs to
// every window containing its time (several when period > every, none when it falls in a
// gap of period < every). When a table has _start/_stop (after range) windows are clipped
// to [_start, _stop), and createEmpty emits the windows between them that hold no row. When
// _start/_stop are columns outside the key (range() then group()), their smallest start and
// largest stop are the bounds (Flux windows within the query's bounds), and aggregateWindow
// puts these bounds back into _start/_stop and the key, as Flux's final window(every: inf)
// does.
// Rows with a null time are dropped.
//
// window() emits one table per (input table, window) with _start/_stop set to the window
// bounds and added to the group key.
//
// aggregateWindow() is Flux's
//     window(every, period, offset, location, createEmpty) |> fn(column) |>
//     duplicate(column: timeSrc, as: timeDst) |> window(every: inf)
// i.e. per input table one output table with the input's group key, one row per window
// (per selected row for selectors), the window bound `timeSrc` in `timeDst`. With createEmpty,
// a window whose fn result has no row (a selector on an empty window) gives one row of key
// values and nulls (Flux's `_fillEmpty` step; Flux's aggregate_empty_window_first test). When fn
// changes the key (regroups), the final `window(every: inf)` puts the bounds all input tables
// share (those of range()) back into _start/_stop and into the key, as Flux does (the test
// of experimental/aggregate.rate in Flux's stdlib shows that output). When `fn` is
// one of the native aggregates or selectors (mean, sum, count, ...) the windows are reduced
// in place over the sorted time column without building window tables; any other fn runs
// on real window tables through the general path. Both paths give the same tables
// (test/stdlib/universe/aggregate-window-paths.test.ts): a table without any window gives
// no table (window() creates none, so fn sees none), and an input without _start/_stop
// columns gets none in its output (the window bounds are only for fn).

import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { streamOf } from '../../table/index.js';
import type { Table, TableStream } from '../../table/types.js';
import { Duration, INT64_MAX, INT64_MIN, Time, isStream } from '../../values/value.js';
import type { FunctionValue, Value } from '../../values/value.js';
import type { Location } from '../../values/calendar.js';
import { addDuration, firstOffsetChange, localCivil, localToUtc, locationOffsetNs, truncateTime } from '../../values/calendar.js';
import { FluxError } from '../../errors/index.js';
import type { Args } from './lib/args.js';
import { boolArg, durationArg, fail, fnArg, locationArg, strArg, tablesArg } from './lib/args.js';
import { ColBuilder, constantCol, gather, sliceCol } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector, keyIdentity, valueKey } from './lib/regroup.js';
import { perTable } from './lib/stream.js';
import type { Reducer } from './aggregates.js';
import { countReducer, keyPart, meanReducer, spreadReducer, stddevReducer, sumReducer } from './aggregates.js';
import type { Selector } from './selectors.js';
import { firstSelector, lastSelector, maxSelector, minSelector } from './selectors.js';

// Windows of at least 3 hours in a time zone are laid on its local calendar (DST shifts are
// at most an hour or two, less than half such a window).
const LOCAL_MIN_NS = 3n * 3_600_000_000_000n;

/** Window boundaries: alignment and stepping, fixed-length or on a calendar. */
export class Windower {
  /** Fixed-length windows in UTC (no months, no location): plain integer arithmetic. */
  readonly fixed: boolean;
  /** Windows of 3h or more on the local calendar of a time zone (see onLocalDays). */
  readonly localDays: boolean;
  /** Windows whose every is a number of months (see startOf). */
  readonly calendar: boolean;
  /** Shorter fixed-length windows on the wall clock of a location (see wallAlign). */
  readonly wall: boolean;
  readonly everyNs: bigint;
  readonly periodNs: bigint;
  readonly offsetNs: bigint;
  /** Calendar windows: the start of window 0 (epoch + offset) and its local month count. */
  private readonly zeroNs: bigint = 0n;
  private readonly zeroMonths: bigint = 0n;

  constructor(
    readonly every: Duration,
    readonly period: Duration,
    readonly offset: Duration,
    readonly loc: Location,
  ) {
    this.fixed = every.months === 0n && period.months === 0n && offset.months === 0n && loc.zone === 'UTC' && loc.offsetNs === 0n;
    this.localDays =
      !this.fixed && every.months === 0n && period.months === 0n && offset.months === 0n && loc.zone !== 'UTC' && loc.zone !== '' && every.signedNanos >= LOCAL_MIN_NS;
    this.calendar = every.months !== 0n && every.nanoseconds === 0n && !every.negative;
    this.wall = !this.fixed && !this.localDays && !this.calendar && every.months === 0n && offset.months === 0n;
    this.everyNs = every.signedNanos;
    this.periodNs = period.signedNanos;
    const off = offset.signedNanos;
    this.offsetNs = this.fixed ? ((off % this.everyNs) + this.everyNs) % this.everyNs : off;
    if (this.calendar) {
      // The local midnight of 1970-01-01, then the offset on the calendar of the location.
      const epoch = new Time(localToUtc(loc, 0n));
      this.zeroNs = addDuration(epoch, offset, loc).ns;
      this.zeroMonths = monthsSince(this.zeroNs, loc);
    }
  }

  /**
   * Calendar windows (Flux interval.Window): the i-th window starts at (epoch + offset) +
   * i * every on the calendar of the location, each computed from that zero (stepping from
   * the previous start drifted once a day was clamped: 01-31, 02-28, 03-28...).
   */
  private startOf(i: bigint): bigint {
    if (i === 0n) return this.zeroNs;
    const m = this.every.months * i;
    return addDuration(new Time(this.zeroNs), new Duration(m < 0n ? -m : m, 0n, m < 0n), this.loc).ns;
  }

  /** The index of the last calendar window starting at or before t. */
  private indexOf(t: bigint): bigint {
    const e = this.every.months;
    const d = monthsSince(t, this.loc) - this.zeroMonths;
    let i = d / e;
    if (d < 0n && d % e !== 0n) i -= 1n;
    while (this.startOf(i) > t) i -= 1n;
    while (this.startOf(i + 1n) <= t) i += 1n;
    return i;
  }

  /**
   * Wall-clock windows (shorter than 3h, or any length on a fixed offset): window k holds the
   * instants whose local wall clock L(u) = u + offset(u) has floor((L - offset) / every) = k.
   * A change of the zone's offset inside a window moves where the window ends; a change
   * that sets the clock back starts a new window (the repeated hour is a window of its own).
   * Starts and stops are the same instants whichever way they are reached, so windows never
   * overlap (stepping `every` of elapsed time from a start found by local truncation gave
   * [07:00Z, 09:00Z) and [08:00Z, 10:00Z) for every: 2h in New York on 2021-03-14).
   */
  private localIndex(u: bigint, off: bigint): bigint {
    const d = u + off - this.offsetNs;
    let k = d / this.everyNs;
    if (d < 0n && d % this.everyNs !== 0n) k -= 1n;
    return k;
  }
  private offAt(u: bigint): bigint {
    return locationOffsetNs(this.loc, u);
  }
  /** The first instant in (lo, hi] whose offset differs from offset(lo) (one change at most). */
  private changeIn(lo: bigint, hi: bigint): bigint {
    return firstOffsetChange((u) => this.offAt(u), lo, hi);
  }
  private wallAlign(t: bigint): bigint {
    const o = this.offAt(t);
    const k = this.localIndex(t, o);
    const u = k * this.everyNs + this.offsetNs - o;
    if (this.offAt(u) === o) return u;
    const change = this.changeIn(u, t);
    const before = this.offAt(change - 1n);
    // A clock set back, or one set forward into another window, starts a window at the change.
    if (before > o || this.localIndex(change - 1n, before) !== k) return change;
    return k * this.everyNs + this.offsetNs - before;
  }
  private wallNext(s: bigint): bigint {
    const o = this.offAt(s);
    const k = this.localIndex(s, o);
    const u = (k + 1n) * this.everyNs + this.offsetNs - o;
    if (this.offAt(u) === o) return u;
    const change = this.changeIn(s, u);
    const after = this.offAt(change);
    if (after < o || this.localIndex(change, after) !== k) return change;
    return (k + 1n) * this.everyNs + this.offsetNs - after;
  }

  /** The largest window start <= t. */
  align(t: bigint): bigint {
    if (this.fixed) {
      let r = (t - this.offsetNs) % this.everyNs;
      if (r < 0n) r += this.everyNs;
      return t - r;
    }
    if (this.calendar) return this.startOf(this.indexOf(t));
    if (this.wall) return this.wallAlign(t);
    let s = addDuration(truncateTime(new Time(t), this.every, this.loc), this.offset, this.loc).ns;
    while (s > t) s = this.prev(s);
    for (let n = this.next(s); n <= t; n = this.next(s)) s = n;
    return s;
  }
  next(s: bigint): bigint {
    if (this.calendar) return this.startOf(this.indexOf(s) + 1n);
    if (this.wall) return this.wallNext(s);
    if (this.localDays) return this.onLocalDays(s + this.everyNs + this.everyNs / 2n);
    return this.fixed ? s + this.everyNs : addDuration(new Time(s), this.every, this.loc).ns;
  }
  prev(s: bigint): bigint {
    if (this.calendar) return this.startOf(this.indexOf(s) - 1n);
    if (this.wall) return this.wallAlign(s - 1n);
    if (this.localDays) return this.onLocalDays(s - this.everyNs / 2n);
    return this.fixed ? s - this.everyNs : addDuration(new Time(s), this.every, this.loc, -1).ns;
  }
  stopOf(s: bigint): bigint {
    if (this.calendar && this.period.nanoseconds === 0n && !this.period.negative && this.period.months % this.every.months === 0n) {
      // The window start `period` later, so that windows stay contiguous where Flux's
      // start + period would stop short of the next start (02-28 + 1mo = 03-28, next 03-31).
      return this.startOf(this.indexOf(s) + this.period.months / this.every.months);
    }
    if (this.wall && this.period.months === 0n && this.periodNs === this.everyNs) return this.wallNext(s);
    if (this.localDays && this.periodNs > 0n && this.periodNs % this.everyNs === 0n) {
      // The window start `period` later on the local calendar.
      return this.onLocalDays(s + this.periodNs + this.everyNs / 2n);
    }
    return this.fixed ? s + this.periodNs : addDuration(new Time(s), this.period, this.loc).ns;
  }
  /**
   * Windows of 3h or more in a location with a time zone: starts are multiples of `every` on
   * the local wall clock (local midnights for days), plus offset, so a day window spans 23 or
   * 25 hours across a DST change, and its stop is the next window's start (Flux docs,
   * location: it "affects boundaries used for windowing, specifically around time shifts
   * like daylight savings"). Stepping by a fixed length instead made the window after a
   * change overlap the next one. The start at or before t; stepping calls it half a window
   * past a start, as no DST shift reaches half a window.
   */
  private onLocalDays(t: bigint): bigint {
    return truncateTime(new Time(t - this.offsetNs), this.every, this.loc).ns + this.offsetNs;
  }
}

/** Months since year 0 of the local civil date of an instant (Flux interval.monthsSince). */
function monthsSince(ns: bigint, loc: Location): bigint {
  const c = localCivil(new Time(ns), loc);
  return BigInt(c.year) * 12n + BigInt(c.month - 1);
}

/** The windows of one table: bounds (clipped), and the rows of each window. */
export interface Windows {
  readonly starts: BigInt64Array;
  readonly stops: BigInt64Array;
  /** Window w holds positions offsets[w]..offsets[w+1] of `rows` (or of the table when rows is null). */
  readonly offsets: Int32Array;
  readonly rows: Int32Array | null;
}

export interface WindowOptions {
  readonly windower: Windower;
  readonly timeColumn: string;
  readonly startColumn: string;
  readonly stopColumn: string;
  readonly createEmpty: boolean;
}

function timeBounds(f: Frame, o: WindowOptions): { lo: bigint; hi: bigint } | null {
  const ks = f.keyNames.indexOf(o.startColumn);
  const ke = f.keyNames.indexOf(o.stopColumn);
  const s = ks >= 0 ? f.keyValues[ks] : undefined;
  const e = ke >= 0 ? f.keyValues[ke] : undefined;
  if (s instanceof Time && e instanceof Time) return { lo: s.ns, hi: e.ns };
  return ks < 0 && ke < 0 ? columnBounds(f, o) : null;
}

/**
 * The bounds of a table whose _start/_stop are columns but not in its key (range() then
 * group()): the smallest start and the largest stop over its rows, or null. Flux windows
 * such a table within the query's bounds (those of range()), which these columns hold.
 */
export function columnBounds(f: Frame, o: WindowOptions): { lo: bigint; hi: bigint } | null {
  if (f.keyNames.includes(o.startColumn) || f.keyNames.includes(o.stopColumn)) return null;
  const sc = f.cols[f.names.indexOf(o.startColumn)];
  const ec = f.cols[f.names.indexOf(o.stopColumn)];
  if (sc === undefined || ec === undefined || sc.type !== 'time' || ec.type !== 'time') return null;
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  for (let i = 0; i < f.length; i++) {
    if (sc.valid === null || sc.valid[i] !== 0) {
      const v = sc.ints![i]!;
      if (lo === undefined || v < lo) lo = v;
    }
    if (ec.valid === null || ec.valid[i] !== 0) {
      const v = ec.ints![i]!;
      if (hi === undefined || v > hi) hi = v;
    }
  }
  return lo !== undefined && hi !== undefined && lo <= hi ? { lo, hi } : null;
}

const MAX_WINDOWS = 10_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Split the rows of a frame into windows (see the contract at the top of this file). */
export function windowsOf(f: Frame, o: WindowOptions, ctx: NativeContext): Windows {
  const ti = f.names.indexOf(o.timeColumn);
  if (ti < 0) throw fail(ctx, 'universe.window.missingTimeColumn', `missing time column "${o.timeColumn}"`);
  const tc = f.cols[ti]!;
  if (tc.type !== 'time') throw fail(ctx, 'universe.window.timeColumnType', `column "${o.timeColumn}" must be of type time, got ${tc.type}`);
  const w = o.windower;
  const ts = tc.ints!;
  const valid = tc.valid;
  const n = f.length;
  const bounds = timeBounds(f, o);
  const starts: bigint[] = [];
  const stops: bigint[] = [];
  // Windows reaching past the range of times (int64 nanoseconds, 1677-09-21 to 2262-04-11)
  // are cut at its ends, as at _start/_stop: their bounds are stored as times.
  const lo = bounds === null ? INT64_MIN : bounds.lo;
  const hi = bounds === null ? INT64_MAX : bounds.hi;
  const clip = (s: bigint): [bigint, bigint] => {
    const e = w.stopOf(s);
    return [s > lo ? s : lo, e < hi ? e : hi];
  };
  const guard = (): void => {
    if (starts.length > MAX_WINDOWS) {
      throw new FluxError('resourceExhausted', 'universe.window.tooMany', `${ctx.name}: more than ${MAX_WINDOWS} windows`, { span: ctx.span, source: ctx.source });
    }
  };
  // Empty windows from window start `from` (inclusive) up to `to` (exclusive).
  const pushEmpty = (from: bigint, to: bigint, offs: number[], pos: number): void => {
    for (let s = from; s < to; s = w.next(s)) {
      const [a, b] = clip(s);
      if (a >= b) continue;
      starts.push(a);
      stops.push(b);
      offs.push(pos);
      guard();
    }
  };

  // Times are compared as (signed high word, unsigned low word) pairs read from an Int32Array
  // view: reading a BigInt64Array element allocates a BigInt, and this loop runs per row.
  // Clearer equivalent: `ts[i] < ts[i - 1]`, `t < curEnd`.
  const words = LITTLE_ENDIAN ? new Int32Array(ts.buffer, ts.byteOffset, n * 2) : null;
  let sorted = valid === null;
  if (words !== null) {
    for (let i = 1; sorted && i < n; i++) {
      const h = words[2 * i + 1]!;
      const ph = words[2 * i - 1]!;
      if (h < ph || (h === ph && words[2 * i]! >>> 0 < words[2 * i - 2]! >>> 0)) sorted = false;
    }
  } else {
    for (let i = 1; sorted && i < n; i++) if (ts[i]! < ts[i - 1]!) sorted = false;
  }
  const single = w.period.months === w.every.months && w.period.nanoseconds === w.every.nanoseconds && !w.period.negative;

  if (sorted && single && words !== null) {
    const fast = fixedWindows(ts, words, n, w, bounds, o.createEmpty, ctx);
    if (fast !== undefined) return fast;
  }
  if (sorted && single) {
    // Contiguous runs of rows.
    const offs: number[] = [];
    let cur: bigint | undefined;
    let curEnd = 0n;
    const firstStart = bounds !== null ? w.align(bounds.lo) : undefined;
    let endHi = 0;
    let endLo = 0;
    for (let i = 0; i < n; i++) {
      if (cur !== undefined) {
        if (words !== null) {
          const h = words[2 * i + 1]!;
          if (h < endHi || (h === endHi && words[2 * i]! >>> 0 < endLo)) continue;
        } else if (ts[i]! < curEnd) continue;
      }
      const t = ts[i]!;
      const s = w.align(t);
      if (o.createEmpty) pushEmpty(cur === undefined ? (firstStart ?? s) : w.next(cur), s, offs, i);
      const [a, b] = clip(s);
      starts.push(a);
      stops.push(b);
      offs.push(i);
      guard();
      cur = s;
      curEnd = w.stopOf(s);
      // A window ending past the last time holds every row left.
      endHi = curEnd > INT64_MAX ? Infinity : Number(BigInt.asIntN(32, curEnd >> 32n));
      endLo = Number(BigInt.asUintN(32, curEnd));
    }
    if (o.createEmpty && bounds !== null) {
      const from = cur === undefined ? w.align(bounds.lo) : w.next(cur);
      pushEmpty(from, bounds.hi, offs, n);
    }
    offs.push(n);
    return { starts: BigInt64Array.from(starts), stops: BigInt64Array.from(stops), offsets: Int32Array.from(offs), rows: null };
  }

  // General path: rows may sit in several windows and arrive in any order.
  const byStart = new Map<bigint, number[]>();
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const t = ts[i]!;
    for (let s = w.align(t); w.stopOf(s) > t; s = w.prev(s)) {
      let g = byStart.get(s);
      if (g === undefined) byStart.set(s, (g = []));
      g.push(i);
      if (byStart.size > MAX_WINDOWS) guard();
    }
  }
  if (o.createEmpty) {
    let lo: bigint | undefined;
    let hi: bigint | undefined;
    if (bounds !== null) {
      lo = w.align(bounds.lo);
      // Windows that start before _start can still overlap it when period > every.
      while (w.stopOf(w.prev(lo)) > bounds.lo) lo = w.prev(lo);
      hi = bounds.hi;
    } else if (byStart.size > 0) {
      const ks = [...byStart.keys()];
      lo = ks.reduce((a, b) => (a < b ? a : b));
      hi = ks.reduce((a, b) => (a > b ? a : b)) + 1n;
    }
    if (lo !== undefined && hi !== undefined) {
      let count = 0;
      for (let s = lo; s < hi; s = w.next(s)) {
        if (!byStart.has(s)) byStart.set(s, []);
        if (++count > MAX_WINDOWS) {
          starts.length = MAX_WINDOWS + 1;
          guard();
        }
      }
    }
  }
  const keys = [...byStart.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const offs: number[] = [];
  const rows: number[] = [];
  for (const s of keys) {
    const [a, b] = clip(s);
    if (a >= b) continue;
    starts.push(a);
    stops.push(b);
    offs.push(rows.length);
    for (const r of byStart.get(s)!) rows.push(r);
  }
  offs.push(rows.length);
  return { starts: BigInt64Array.from(starts), stops: BigInt64Array.from(stops), offsets: Int32Array.from(offs), rows: Int32Array.from(rows) };
}

const TWO32 = 4294967296;
const MAX_EXACT = 2 ** 52;

/**
 * The fastest windowing: fixed windows, sorted times, one window per row. Times are read as
 * exact offsets (doubles) from a chunk base through the Int32 words of the column, so no
 * BigInt is allocated per row or per window; a new chunk (base) starts every 2^52 ns (about
 * 52 days), the limit of exact doubles. Undefined when it does not apply (rows outside
 * _start/_stop) and the BigInt paths below take over. Same windows as those paths.
 */
function fixedWindows(
  ts: BigInt64Array,
  words: Int32Array,
  n: number,
  w: Windower,
  bounds: { lo: bigint; hi: bigint } | null,
  createEmpty: boolean,
  ctx: NativeContext,
): Windows | undefined {
  if (!w.fixed || w.everyNs * 4n > BigInt(MAX_EXACT)) return undefined;
  if (bounds !== null && (bounds.hi <= bounds.lo || (n > 0 && (ts[0]! < bounds.lo || ts[n - 1]! >= bounds.hi)))) return undefined;
  const E = Number(w.everyNs);
  // A chunk spans a whole number of windows, at most 2^52 ns.
  const chunkWindows = Math.floor(MAX_EXACT / E);
  const chunkSpan = chunkWindows * E;
  // Window starts (as 32-bit words) and first rows, in growable typed arrays.
  let cap = 1024;
  let startLo = new Uint32Array(cap);
  let startHi = new Int32Array(cap);
  let offs = new Int32Array(cap + 1);
  let count = 0;
  const pushWindow = (bHi: number, bLo: number, rel: number, firstRow: number): void => {
    if (count === cap) {
      if (cap >= MAX_WINDOWS) {
        throw new FluxError('resourceExhausted', 'universe.window.tooMany', `${ctx.name}: more than ${MAX_WINDOWS} windows`, { span: ctx.span, source: ctx.source });
      }
      cap *= 2;
      const l = new Uint32Array(cap);
      l.set(startLo);
      startLo = l;
      const h = new Int32Array(cap);
      h.set(startHi);
      startHi = h;
      const o = new Int32Array(cap + 1);
      o.set(offs);
      offs = o;
    }
    const hi = Math.floor(rel / TWO32);
    let lo = bLo + (rel - hi * TWO32);
    let h = bHi + hi;
    if (lo >= TWO32) {
      lo -= TWO32;
      h++;
    }
    startLo[count] = lo;
    startHi[count] = h;
    offs[count++] = firstRow;
  };
  const windowOf = (rel: number): number => {
    let k = Math.floor(rel / E);
    if (k * E > rel) k--;
    else if ((k + 1) * E <= rel) k++;
    return k;
  };
  if (n === 0 && (bounds === null || !createEmpty)) {
    return { starts: new BigInt64Array(0), stops: new BigInt64Array(0), offsets: Int32Array.of(0), rows: null };
  }
  // The time the windows end at (exclusive): the last row's window, or _stop with createEmpty.
  const endT = bounds !== null && createEmpty ? bounds.hi : w.align(ts[n - 1]!) + w.everyNs;
  let base = w.align(bounds !== null && createEmpty ? bounds.lo : ts[0]!);
  // The 32-bit words below hold int64 times: windows reaching past them take the BigInt paths.
  if (base < INT64_MIN || endT + w.everyNs > INT64_MAX) return undefined;
  let i = 0;
  while (base < endT) {
    const bHi = Number(BigInt.asIntN(32, base >> 32n));
    const bLo = Number(BigInt.asUintN(32, base));
    // Windows of this chunk: local indices 0 .. last.
    const chunkEnd = base + BigInt(chunkSpan) < endT ? base + BigInt(chunkSpan) : endT;
    const lastWindow = windowOf(Number(chunkEnd - 1n - base));
    let cur = -1; // the last window pushed
    let curEnd = -Infinity;
    for (; i < n; i++) {
      const rel = (words[2 * i + 1]! - bHi) * TWO32 + ((words[2 * i]! >>> 0) - bLo);
      if (rel < curEnd) continue;
      if (rel >= chunkSpan) break;
      const k = windowOf(rel);
      if (createEmpty) while (cur < k - 1) pushWindow(bHi, bLo, ++cur * E, i);
      pushWindow(bHi, bLo, k * E, i);
      cur = k;
      curEnd = (k + 1) * E;
    }
    if (createEmpty) while (cur < lastWindow) pushWindow(bHi, bLo, ++cur * E, i);
    if (!createEmpty && i < n) {
      // Jump straight to the chunk holding the next row.
      const next = w.align(ts[i]!);
      base = next > chunkEnd ? next : chunkEnd;
    } else base = chunkEnd;
    if (!createEmpty && i >= n) break;
  }
  offs[count] = n;
  const starts = new BigInt64Array(count);
  const stops = new BigInt64Array(count);
  const sw = new Int32Array(starts.buffer);
  for (let j = 0; j < count; j++) {
    sw[2 * j] = startLo[j]!;
    sw[2 * j + 1] = startHi[j]!;
  }
  // stop = start + every, through the same words (the next window's start when contiguous).
  const ew = new Int32Array(stops.buffer);
  for (let j = 0; j < count; j++) {
    let lo = startLo[j]! + (E % TWO32);
    let h = startHi[j]! + Math.floor(E / TWO32);
    if (lo >= TWO32) {
      lo -= TWO32;
      h++;
    }
    ew[2 * j] = lo;
    ew[2 * j + 1] = h;
  }
  // Clip to the table's bounds (only the first and last window can reach past them).
  if (bounds !== null && count > 0) {
    if (starts[0]! < bounds.lo) starts[0] = bounds.lo;
    if (stops[count - 1]! > bounds.hi) stops[count - 1] = bounds.hi;
  }
  return { starts, stops, offsets: offs.slice(0, count + 1), rows: null };
}

export function windowOptions(args: Args, ctx: NativeContext, createEmptyDefault: boolean, everyRequired: boolean): WindowOptions {
  const everyV = args.get('every');
  const periodV = args.get('period');
  let every: Duration;
  let period: Duration;
  if (everyV instanceof Duration) every = everyV;
  else if (periodV instanceof Duration && !everyRequired) every = periodV;
  else throw fail(ctx, 'universe.window.missingEvery', 'every (or period) is required');
  period = periodV instanceof Duration && !periodV.isZero() ? periodV : every;
  const offset = durationArg(args, ctx, 'offset', new Duration(0n, 0n));
  if (every.isZero() || every.negative) throw fail(ctx, 'universe.window.every', 'every must be a positive duration');
  if (period.negative || period.isZero()) throw fail(ctx, 'universe.window.period', 'period must be a positive duration');
  if (every.months !== 0n && every.nanoseconds !== 0n) {
    throw fail(ctx, 'universe.window.mixedDuration', 'every cannot mix calendar months with shorter units');
  }
  return {
    windower: new Windower(every, period, offset, locationArg(args, ctx)),
    timeColumn: strArg(args, ctx, 'timeColumn', '_time'),
    startColumn: strArg(args, ctx, 'startColumn', '_start'),
    stopColumn: strArg(args, ctx, 'stopColumn', '_stop'),
    createEmpty: boolArg(args, ctx, 'createEmpty', createEmptyDefault),
  };
}

/** Put a constant time column into a frame (prepended at `pos` when new) and into its key. */
function setKeyTime(f: Frame, name: string, v: bigint, pos: number): void {
  const col = constantCol('time', new Time(v), f.length);
  const i = f.names.indexOf(name);
  if (i >= 0) f.cols[i] = col;
  else {
    f.names.splice(Math.min(pos, f.names.length), 0, name);
    f.cols.splice(Math.min(pos, f.cols.length), 0, col);
  }
  const k = f.keyNames.indexOf(name);
  if (k >= 0) f.keyValues[k] = new Time(v);
  else {
    f.keyNames.push(name);
    f.keyValues.push(new Time(v));
  }
}

/** The window tables of one frame. */
export function windowFrames(f: Frame, o: WindowOptions, ctx: NativeContext): Frame[] {
  const ws = windowsOf(f, o, ctx);
  const out: Frame[] = [];
  for (let k = 0; k < ws.starts.length; k++) {
    const a = ws.offsets[k]!;
    const b = ws.offsets[k + 1]!;
    const cols = ws.rows === null ? f.cols.map((c) => sliceCol(c, a, b)) : f.cols.map((c) => gather(c, ws.rows!.subarray(a, b)));
    const wf: Frame = { names: [...f.names], cols, length: b - a, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
    setKeyTime(wf, o.startColumn, ws.starts[k]!, 0);
    setKeyTime(wf, o.stopColumn, ws.stops[k]!, 1);
    out.push(wf);
  }
  return out;
}

export const window: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const o = windowOptions(args, ctx, false, false);
  // Windows clipped to the bounds can end up with the same key: with period > every over a
  // range shorter than the period, or for input tables that differ only in _start/_stop.
  // Group keys are unique within a stream (Flux SPEC "Tables"; Flux's window appends the
  // rows of every window with one key to one table), so such windows are concatenated.
  return streamOf(async function* () {
    const col = new KeyedCollector();
    for await (const t of input) for (const wf of windowFrames(frameOf(t), o, ctx)) col.add({ ...wf, sameKey: true });
    for (const f of col.frames()) yield toTable(f);
  });
};

// ---------------------------------------------------------------------------
// aggregateWindow

const fastReducers: Record<string, Reducer> = {
  mean: meanReducer,
  sum: sumReducer,
  count: countReducer,
  spread: spreadReducer,
  stddev: stddevReducer('sample'),
};
const fastSelectors: Record<string, Selector> = {
  first: firstSelector,
  last: lastSelector,
  min: minSelector,
  max: maxSelector,
};

/** The native reducer/selector `fn` stands for, when it is one of ours (not a closure). */
function fastFn(fn: FunctionValue): { reducer?: Reducer; selector?: Selector } | undefined {
  if ((fn as { node?: unknown }).node !== undefined) return undefined;
  const name = fn.name.startsWith('universe.') ? fn.name.slice('universe.'.length) : fn.name;
  if (name in fastReducers) return { reducer: fastReducers[name]! };
  if (name in fastSelectors) return { selector: fastSelectors[name]! };
  return undefined;
}

function fastAggregateWindow(
  f: Frame,
  o: WindowOptions,
  ctx: NativeContext,
  column: string,
  timeSrc: string,
  timeDst: string,
  fast: { reducer?: Reducer; selector?: Selector },
): Frame | null {
  const ci = f.names.indexOf(column);
  if (ci < 0) throw fail(ctx, 'universe.aggregate.missingColumn', `column "${column}" does not exist`);
  const c = f.cols[ci]!;
  const ws = windowsOf(f, o, ctx);
  const nw = ws.starts.length;
  // No window (an empty table without createEmpty, or createEmpty without bounds): Flux's
  // window() emits no table, so fn sees none and aggregateWindow emits none, as the general
  // path does (a window table is only created for a row or, with createEmpty, for each
  // window within the bounds: Flux window docs, "createEmpty").
  if (nw === 0) return null;
  const srcTimes = timeSrc === o.startColumn ? ws.starts : ws.stops;
  if (fast.reducer !== undefined) {
    const r = fast.reducer;
    const outType = r.outType(c.type);
    if (outType === undefined) throw fail(ctx, 'universe.aggregate.columnType', `cannot compute ${r.name} of column "${column}" of type ${c.type}`);
    const keep: number[] = [];
    for (let k = 0; k < nw; k++) if (o.createEmpty || ws.offsets[k + 1]! > ws.offsets[k]!) keep.push(k);
    const m = keep.length;
    // The value column, written straight into a typed array.
    let valCol: ColData | undefined;
    if (ws.rows === null && r.reduceRanges !== undefined) {
      // One pass over the windows' row ranges.
      const all = r.reduceRanges(c, ws.offsets);
      if (all !== undefined) valCol = m === nw ? all : gather(all, keep);
    }
    if (valCol !== undefined) {
      // computed above
    } else if (outType === 'float') {
      const out = new Float64Array(m);
      let valid: Uint8Array | null = null;
      for (let j = 0; j < m; j++) {
        const k = keep[j]!;
        const v = r.reduce(c, ws.offsets[k]!, ws.offsets[k + 1]!, ws.rows);
        if (v === null) {
          if (valid === null) valid = new Uint8Array(m).fill(1);
          valid[j] = 0;
        } else out[j] = v as number;
      }
      valCol = { type: 'float', length: m, valid, floats: out };
    } else {
      const b = new ColBuilder(outType, m);
      for (const k of keep) b.push(r.reduce(c, ws.offsets[k]!, ws.offsets[k + 1]!, ws.rows));
      valCol = b.finish();
    }
    const timeCol: ColData = { type: 'time', length: nw, valid: null, ints: srcTimes };
    const times = m === nw ? srcTimes : gather(timeCol, keep).ints!;
    const kp = keyPart(f);
    const names: string[] = [];
    const cols: ColData[] = [];
    kp.names.forEach((n, i) => {
      if (n === column || n === timeDst) return;
      names.push(n);
      cols.push(constantCol(kp.types[i]!, kp.values[i]!, m));
    });
    names.push(column);
    cols.push(valCol);
    names.push(timeDst);
    cols.push({ type: 'time', length: m, valid: null, ints: times });
    return { names, cols, length: m, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
  }
  const sel = fast.selector!;
  if (!sel.supports(c.type)) throw fail(ctx, 'universe.selector.columnType', `cannot compute ${sel.name} of column "${column}" of type ${c.type}`);
  // The selected row of each window; -1 for a window without one, which gets a row of
  // nulls when createEmpty (Flux's _fillEmpty).
  const picked: number[] = [];
  const times: bigint[] = [];
  for (let k = 0; k < nw; k++) {
    const r = sel.select(c, ws.offsets[k]!, ws.offsets[k + 1]!, ws.rows);
    if (r >= 0 || o.createEmpty) {
      picked.push(r);
      times.push(srcTimes[k]!);
    }
  }
  const idx = Int32Array.from(picked);
  const names = [...f.names];
  const cols = f.cols.map((col, j) => gatherOrFill(f, j, col, idx));
  const tcol: ColData = { type: 'time', length: idx.length, valid: null, ints: BigInt64Array.from(times) };
  const di = names.indexOf(timeDst);
  if (di >= 0) cols[di] = tcol;
  else {
    names.push(timeDst);
    cols.push(tcol);
  }
  return { names, cols, length: idx.length, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
}


/**
 * Rows `idx` of column j of a frame, where -1 stands for a filled row: the key value in a
 * group-key column, null in any other.
 */
function gatherOrFill(f: Frame, j: number, col: ColData, idx: Int32Array): ColData {
  if (!idx.some((i) => i < 0)) return gather(col, idx);
  const ki = f.keyNames.indexOf(f.names[j]!);
  if (ki >= 0) return constantCol(col.type, f.keyValues[ki] ?? null, idx.length);
  if (f.length === 0) return constantCol(col.type, null, idx.length);
  const g = gather(
    col,
    idx.map((i) => (i < 0 ? 0 : i)),
  );
  const valid = g.valid === null ? new Uint8Array(idx.length).fill(1) : Uint8Array.from(g.valid);
  idx.forEach((i, k) => {
    if (i < 0) valid[k] = 0;
  });
  return { ...g, valid };
}

/** A table without rows as one row of its key values and nulls (Flux's _fillEmpty). */
function fillEmpty(f: Frame): Frame {
  const idx = Int32Array.of(-1);
  return { ...f, cols: f.cols.map((c, j) => gatherOrFill(f, j, c, idx)), length: 1 };
}

/** The general path: real window tables through `fn`, then back to the input's group key. */
function generalAggregateWindow(
  input: TableStream,
  o: WindowOptions,
  ctx: NativeContext,
  fn: FunctionValue,
  column: string,
  timeSrc: string,
  timeDst: string,
): TableStream {
  return streamOf(async function* () {
    // The input key of each table, by the identity of its key without the bound columns.
    // `bounds`: the input table had the start/stop columns; when it had not, those window()
    // added for fn are dropped again, as the native path never adds them.
    const original = new Map<string, { names: string[]; values: Value[]; bounds?: false }>();
    const bare = (names: readonly string[], values: readonly Value[]): string => {
      const ns: string[] = [];
      const vs: Value[] = [];
      names.forEach((n, i) => {
        if (n !== o.startColumn && n !== o.stopColumn) {
          ns.push(n);
          vs.push(values[i] ?? null);
        }
      });
      return keyIdentity(ns, vs);
    };
    // The bounds every input table shares in its key (those of range()), if any: Flux's final
    // `window(every: inf)` gives them to tables whose key fn changed.
    let shared: { start: Value; stop: Value } | null | undefined;
    const windowed = streamOf(async function* () {
      for await (const t of input) {
        const f = frameOf(t);
        // Bounds from columns (range() then group()) join the key of the output.
        const cb = columnBounds(f, o);
        original.set(
          bare(f.keyNames, f.keyValues),
          cb === null
            ? f.names.includes(o.startColumn) || f.names.includes(o.stopColumn)
              ? { names: [...f.keyNames], values: [...f.keyValues] }
              : { names: [...f.keyNames], values: [...f.keyValues], bounds: false }
            : { names: [o.startColumn, o.stopColumn, ...f.keyNames], values: [new Time(cb.lo), new Time(cb.hi), ...f.keyValues] },
        );
        const ks = f.keyNames.indexOf(o.startColumn);
        const ke = f.keyNames.indexOf(o.stopColumn);
        const b = ks >= 0 && ke >= 0 ? { start: f.keyValues[ks]!, stop: f.keyValues[ke]! } : cb === null ? null : { start: new Time(cb.lo) as Value, stop: new Time(cb.hi) as Value };
        if (shared === undefined) shared = b;
        else if (shared !== null && (b === null || valueKey(b.start) !== valueKey(shared.start) || valueKey(b.stop) !== valueKey(shared.stop))) shared = null;
        for (const wf of windowFrames(f, o, ctx)) yield toTable(wf);
      }
    });
    let result = fn.call(new Map<string, Value>([['tables', windowed], ['column', column]]));
    if (result instanceof Promise) result = await result;
    if (!isStream(result)) throw fail(ctx, 'universe.aggregateWindow.fnResult', 'fn must return a stream of tables');
    const col = new KeyedCollector();
    for await (const t of result as TableStream) {
      let f = frameOf(t as Table);
      // Flux's aggregateWindow runs _fillEmpty(createEmpty) after fn: an empty result table
      // (a selector on an empty window) becomes one row of key values and nulls.
      if (f.length === 0 && o.createEmpty) f = fillEmpty(f);
      const si = f.names.indexOf(timeSrc);
      if (si < 0) throw fail(ctx, 'universe.aggregateWindow.missingTimeSrc', `column "${timeSrc}" does not exist after fn`);
      const src = f.cols[si]!;
      const names = [...f.names];
      const cols = [...f.cols];
      const di = names.indexOf(timeDst);
      if (di >= 0) cols[di] = src;
      else {
        names.push(timeDst);
        cols.push(src);
      }
      let orig = original.get(bare(f.keyNames, f.keyValues));
      if (orig === undefined && shared) {
        // fn changed the key (e.g. regrouped): the input's bounds, added to the key.
        const rest = f.keyNames.filter((n) => n !== o.startColumn && n !== o.stopColumn);
        orig = {
          names: [o.startColumn, o.stopColumn, ...rest],
          values: [shared.start, shared.stop, ...rest.map((n) => f.keyValues[f.keyNames.indexOf(n)]!)],
        };
        for (const [b, pos] of [[o.startColumn, 0], [o.stopColumn, 1]] as const) {
          if (!names.includes(b)) {
            names.splice(pos, 0, b);
            cols.splice(pos, 0, constantCol('time', null, f.length));
          }
        }
      }
      const keyNames = orig?.names.filter((n) => names.includes(n)) ?? f.keyNames.filter((n) => n !== o.startColumn && n !== o.stopColumn);
      const keyValues = keyNames.map((n) => (orig !== undefined ? orig.values[orig.names.indexOf(n)]! : f.keyValues[f.keyNames.indexOf(n)]!));
      // Restore the input's bound columns (the window's bounds were only for fn).
      for (const b of [o.startColumn, o.stopColumn]) {
        const bi = names.indexOf(b);
        const kv = keyNames.indexOf(b);
        if (bi >= 0 && kv >= 0) cols[bi] = constantCol('time', keyValues[kv]!, f.length);
        // An input without bounds columns gets none back (the window's were only for fn).
        if (bi >= 0 && kv < 0 && orig?.bounds === false && b !== timeDst) {
          names.splice(bi, 1);
          cols.splice(bi, 1);
        }
      }
      col.add({ names, cols, length: f.length, keyNames, keyValues, sameKey: true });
    }
    for (const fr of col.frames()) yield toTable(fr);
  });
}

export const aggregateWindow: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const o = windowOptions(args, ctx, true, true);
  const column = strArg(args, ctx, 'column', '_value');
  const timeSrc = strArg(args, ctx, 'timeSrc', '_stop');
  const timeDst = strArg(args, ctx, 'timeDst', '_time');
  const fast = fastFn(fn);
  if (fast !== undefined && (timeSrc === o.startColumn || timeSrc === o.stopColumn)) {
    return perTable(input, (f) => {
      const out = fastAggregateWindow(f, o, ctx, column, timeSrc, timeDst, fast);
      if (out === null) return null;
      // Bounds from columns (range() then group()): back into _start/_stop and the key.
      const cb = columnBounds(f, o);
      if (cb !== null) {
        setKeyTime(out, o.startColumn, cb.lo, 0);
        setKeyTime(out, o.stopColumn, cb.hi, 1);
      }
      return out;
    });
  }
  return generalAggregateWindow(input, o, ctx, fn, column, timeSrc, timeDst);
};
