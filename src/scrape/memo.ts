// Design: the scrape memo. A target serves the same series in the same order scrape after
// scrape; only the numbers change. Prometheus keeps a scrape cache per target for this (the
// labels of each series string it has seen, so a known series is not parsed again). The
// memo goes further: after a full parse it keeps the body and where each sample's value and
// timestamp tokens lie in it. The next body of the same target (in the same format) is
// compared with it byte for byte everywhere but inside those tokens (the "gaps": comments,
// metric names, label sets, exemplars, the blanks around the numbers). When every gap is
// equal, the new body has the same lines, the same series in the same order, the same
// metadata and therefore the same tables: only the tokens are read, with the same number
// and timestamp rules as the full parser, and the kept table layout (order, dictionaries,
// shapes, group keys) is filled with the new numbers.
//
// Why this is exact: a token never contains a blank or a line end (the full parser ends a
// value or timestamp at a blank or at the line's end, and so does the fast path), so equal
// gaps put every line break, metric name, label set and blank where the full parser saw
// them, and the parser's result depends on the tokens only through their numbers. Anything
// else (a gap that differs, an empty token, a number or timestamp the full parser would
// reject) falls back to the full parse, which then also gives the error with its line and
// column. OpenMetrics has rules on the numbers themselves (no negative or NaN counts, info
// samples 1, stateset samples 0 or 1, timestamps that do not go back within a label group,
// histogram buckets that do not decrease and match their count): the full parse records
// which apply to each sample (./tokens.ts) and the histogram families, and new numbers are
// checked against them (histograms by the full parser's own checkHistogram) before they
// are used; a body that breaks one is parsed in full, which reports it.
//
// Memory: a memo holds the last body of its target plus about 290 bytes per sample (token
// offsets, the row of each sample, the table layout and its group keys). The memos of a
// runtime share a budget (default 256 MiB); the least recently used go first, and a body
// over the budget is not kept.
import { LF, SP, TAB } from './lex.js';
import { inTimeRange, numberOk, parseFloatBytes, parseMillisTimestamp, parseSecondsTimestamp } from './numbers.js';
import { ExpositionError } from './lex.js';
import { checkHistogram } from './parse-openmetrics.js';
import { tablesOf, type ScrapeTables, type TableLayout } from './tables.js';
import { OM_NOT_NAN, OM_NOT_NEGATIVE, OM_ONE, OM_TS_NOT_BEFORE_PREVIOUS, OM_ZERO_OR_ONE, type OmHistogram, type TokenLog } from './tokens.js';
import type { ExpositionFormat } from './scrape.js';

/** One target's last fully parsed body and the layout of its tables. */
class Memo {
  constructor(
    readonly format: ExpositionFormat,
    readonly body: Uint8Array,
    /** 4 ints per sample, as TokenLog.at (trimmed). */
    readonly tokens: Int32Array,
    /** OpenMetrics: the OM_* rules per sample and the histogram families; else null. */
    readonly om: { readonly rules: Uint8Array; readonly histograms: readonly OmHistogram[] } | null,
    readonly layout: TableLayout,
    readonly rowOfSample: Int32Array,
    readonly bytes: number,
  ) {}
}

export interface ReusedScrape {
  readonly samples: number;
  readonly tables: ScrapeTables;
}

export const DEFAULT_MEMO_BUDGET = 256 * 1024 * 1024;

/** The memos of a runtime, by target (see the design note above). */
export class ScrapeMemo {
  private readonly memos = new Map<string, Memo>();
  private used = 0;
  /** Scrapes read through a memo, and scrapes that had one but took the full parse. */
  hits = 0;
  misses = 0;

  constructor(readonly budget = DEFAULT_MEMO_BUDGET) {}

  /** Bytes the kept memos hold (estimated). */
  get size(): number {
    return this.used;
  }

  /**
   * The tables of `body` (in `format`) from `target`'s memo, or undefined when there is none or
   * the body differs from it outside its numbers (the caller then parses it in full).
   */
  reuse(target: string, format: ExpositionFormat, body: Uint8Array, url: string, scrapeTimeNs: bigint): ReusedScrape | undefined {
    const m = this.memos.get(target);
    if (m === undefined) return undefined;
    if (m.format !== format) {
      this.misses++;
      return undefined;
    }
    // Most recently used last (Map keeps insertion order).
    this.memos.delete(target);
    this.memos.set(target, m);
    const filled = fill(m, body, scrapeTimeNs);
    if (filled === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { samples: m.rowOfSample.length, tables: tablesOf(m.layout, filled.values, filled.times, url, scrapeTimeNs) };
  }

  /**
   * Keep `body` (a body parsed in full, never changed afterwards), its tokens and the
   * layout of its tables (planTables with `keep`) as `target`'s memo. A layout that cannot be
   * reused (some series had several samples) drops the target's memo.
   */
  remember(target: string, format: ExpositionFormat, body: Uint8Array, tokens: TokenLog, layout: TableLayout): void {
    this.forget(target);
    const rowOf = layout.rowOfSample;
    if (rowOf === null || tokens.length !== rowOf.length) return;
    // Body, tokens (16 per sample), row of each sample (4), the layout's typed arrays, and
    // per table its group key and shape slot (about 170 bytes, measured with 5-7 labels).
    const bytes = body.byteLength + 20 * rowOf.length + layoutBytes(layout) + 170 * layout.count;
    if (bytes > this.budget) return;
    while (this.used + bytes > this.budget) {
      const oldest = this.memos.keys().next().value as string;
      this.forget(oldest);
    }
    let om: Memo['om'] = null;
    if (format === 'openmetrics') {
      const rules = new Uint8Array(tokens.length);
      rules.set(tokens.rules.subarray(0, Math.min(tokens.length, tokens.rules.length)));
      om = { rules, histograms: tokens.histograms };
    }
    this.memos.set(target, new Memo(format, body, tokens.at.slice(0, 4 * tokens.length), om, layout, rowOf, bytes));
    this.used += bytes;
  }

  /** Drop `target`'s memo (its new body cannot be kept). */
  forget(target: string): void {
    const m = this.memos.get(target);
    if (m === undefined) return;
    this.memos.delete(target);
    this.used -= m.bytes;
  }

  clear(): void {
    this.memos.clear();
    this.used = 0;
  }
}

/** The bytes of a layout's typed arrays and an estimate of its dictionaries' strings. */
function layoutBytes(l: TableLayout): number {
  let strings = 0;
  for (const s of l.fieldDict) strings += 16 + 2 * s.length;
  for (const s of l.valueDict) strings += 16 + 2 * s.length;
  return l.tSeries.byteLength + l.tStart.byteLength + l.tEnd.byteLength + l.pairs.byteLength + l.seriesStart.byteLength + l.seriesPairs.byteLength + l.seriesField.byteLength + l.identity.byteLength + strings;
}

/**
 * The values (in row order) and times of `body`, read at the memo's token positions, or
 * undefined when `body` differs from the memo's body outside its tokens or a token is not
 * what the full parser accepts.
 */
function fill(m: Memo, body: Uint8Array, scrapeTimeNs: bigint): { values: Float64Array; times: BigInt64Array | null } | undefined {
  const old = m.body;
  const tok = m.tokens;
  const rowOf = m.rowOfSample;
  const n = rowOf.length;
  const len = body.length;
  // A token ends at a blank or the line's end. (OpenMetrics separates tokens by a space
  // alone: there a token ending at a tab is followed by a gap that starts with the tab, which
  // no gap of the memo's body does, so the body is parsed in full and the tab refused.)
  const text = m.format === 'prometheus-text';
  const newView = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const oldView = new DataView(old.buffer, old.byteOffset, old.byteLength);
  const values = new Float64Array(n);
  let times: BigInt64Array | null = null;
  let p = 0; // in body
  let q = 0; // in old
  let b = 0;
  for (let k = 0; k < n; k++) {
    const o = 4 * k;
    // The gap before the value, then the value: up to a blank or the line's end.
    const gap = tok[o]! - q;
    if (p + gap > len || !sameBytes(body, newView, p, old, oldView, q, gap)) return undefined;
    p += gap;
    const vs = p;
    // Integers of up to 15 digits (counters, bucket counts: most values) are read on the way;
    // any other token by parseFloatBytes, the full parser's number reader.
    const neg = p < len && body[p] === 45; // '-'
    if (neg) p++;
    const ds = p;
    let int = 0;
    while (p < len && (b = body[p]!) >= 48 && b <= 57) {
      int = int * 10 + (b - 48);
      p++;
    }
    let v: number;
    if (p > ds && p - ds <= 15 && (p === len || b === SP || b === TAB || b === LF)) v = neg ? -int : int;
    else {
      while (p < len && (b = body[p]!) !== SP && b !== TAB && b !== LF) p++;
      // (An empty token is no number: the number and timestamp readers refuse it.)
      v = parseFloatBytes(body, vs, p);
      if (!numberOk) return undefined;
    }
    values[rowOf[k]!] = v;
    q = tok[o + 1]!;
    const ts = tok[o + 2]!;
    if (ts < 0) continue;
    const tgap = ts - q;
    if (p + tgap > len || !sameBytes(body, newView, p, old, oldView, q, tgap)) return undefined;
    p += tgap;
    const tstart = p;
    while (p < len && (b = body[p]!) !== SP && b !== TAB && b !== LF) p++;
    const ns = text ? parseMillisTimestamp(body, tstart, p) : parseSecondsTimestamp(body, tstart, p);
    if (ns === undefined || !inTimeRange(ns)) return undefined;
    if (times === null) times = new BigInt64Array(n).fill(scrapeTimeNs);
    times[rowOf[k]!] = ns;
    q = tok[o + 3]!;
  }
  // The rest: the same bytes to the end of both bodies.
  const rest = old.length - q;
  if (len - p !== rest || !sameBytes(body, newView, p, old, oldView, q, rest)) return undefined;
  if (m.om !== null && !keepsOpenMetricsRules(m, values, times)) return undefined;
  return { values, times };
}

/**
 * Whether the new numbers keep the OpenMetrics rules on values: each sample's own (OM_*), the
 * order of timestamps within a label group, and the histogram rules (bucket counts, sums),
 * checked by the full parser's own checkHistogram.
 */
function keepsOpenMetricsRules(m: Memo, values: Float64Array, times: BigInt64Array | null): boolean {
  const { rules, histograms } = m.om!;
  const rowOf = m.rowOfSample;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (r === 0) continue;
    const v = values[rowOf[k]!]!;
    if ((r & OM_NOT_NAN) !== 0 && Number.isNaN(v)) return false;
    if ((r & OM_NOT_NEGATIVE) !== 0 && v < 0) return false;
    if ((r & OM_ZERO_OR_ONE) !== 0 && v !== 0 && v !== 1) return false;
    if ((r & OM_ONE) !== 0 && v !== 1) return false;
    // (Set only where this sample and the one before both have a timestamp.)
    if ((r & OM_TS_NOT_BEFORE_PREVIOUS) !== 0 && times![rowOf[k - 1]!]! > times![rowOf[k]!]!) return false;
  }
  for (const h of histograms) {
    const e = h.hist;
    const entries = { ...e, value: e.sample.map((s) => values[rowOf[s]!]!), ts: e.sample.map((s, i) => (e.ts[i] === null ? null : times![rowOf[s]!]!)) };
    try {
      checkHistogram(h.name, h.startOffset, entries);
    } catch (err) {
      if (err instanceof ExpositionError) return false;
      throw err;
    }
  }
  return true;
}

/**
 * Whether a[ai, ai + n) equals b[bi, bi + n) (both ranges in bounds). Eight bytes at a time,
 * read as float64 (unaligned DataView reads; twice as fast as int32 here): two doubles that
 * are === have the same bytes, except +0 and -0; two that are not may still have (NaNs), so
 * then, and for zeros, the bytes decide.
 */
function sameBytes(a: Uint8Array, av: DataView, ai: number, b: Uint8Array, bv: DataView, bi: number, n: number): boolean {
  let i = 0;
  while (i + 16 <= n) {
    const x = av.getFloat64(ai + i, true);
    const y = bv.getFloat64(bi + i, true);
    const x2 = av.getFloat64(ai + i + 8, true);
    const y2 = bv.getFloat64(bi + i + 8, true);
    if ((x !== y || x === 0) && !same8(a, ai + i, b, bi + i)) return false;
    if ((x2 !== y2 || x2 === 0) && !same8(a, ai + i + 8, b, bi + i + 8)) return false;
    i += 16;
  }
  while (i < n) {
    if (a[ai + i] !== b[bi + i]) return false;
    i++;
  }
  return true;
}

function same8(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let j = 0; j < 8; j++) if (a[ai + j] !== b[bi + j]) return false;
  return true;
}
