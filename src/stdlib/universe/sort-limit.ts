// Row order and row count: sort, limit, tail, sample (Flux universe). None of them changes
// group keys; they work table by table.
// sort: stable, by `columns` left to right; nulls are greater than every value (last when
// ascending, first with desc: true); NaN sorts after every other float.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { boolArg, fail, intArg, strArrayArg, tablesArg, strArg } from './lib/args.js';
import type { ColData } from './lib/columns.js';
import { gather, sliceCol } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { stringComparatorFor } from '../../values/compare.js';
import { perTable } from './lib/stream.js';

/** Comparator of two rows of one column (nulls greatest). */
export function rowComparator(c: ColData): (a: number, b: number) => number {
  const v = c.valid;
  const nullCmp = (a: number, b: number): number | undefined => {
    if (v === null) return undefined;
    const na = v[a] === 0;
    const nb = v[b] === 0;
    if (na || nb) return na === nb ? 0 : na ? 1 : -1;
    return undefined;
  };
  switch (c.type) {
    case 'float': {
      const x = c.floats!;
      return (a, b) => {
        const n = nullCmp(a, b);
        if (n !== undefined) return n;
        const p = x[a]!;
        const q = x[b]!;
        if (p < q) return -1;
        if (p > q) return 1;
        if (p === q) return 0;
        return Number.isNaN(p) ? (Number.isNaN(q) ? 0 : 1) : -1;
      };
    }
    case 'int':
    case 'time': {
      const x = c.ints!;
      return (a, b) => nullCmp(a, b) ?? (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : 0);
    }
    case 'uint': {
      const x = c.uints!;
      return (a, b) => nullCmp(a, b) ?? (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : 0);
    }
    case 'bool': {
      const x = c.bools!;
      return (a, b) => nullCmp(a, b) ?? x[a]! - x[b]!;
    }
    case 'string': {
      // Compare dictionary entries once: rank each code, then compare ranks.
      const dict = c.dictionary!;
      const cmp = stringComparatorFor(dict);
      const order = dict.map((_, i) => i).sort((p, q) => cmp(dict[p]!, dict[q]!));
      const rank = new Int32Array(dict.length);
      order.forEach((code, r) => {
        rank[code] = r > 0 && dict[order[r - 1]!] === dict[code] ? rank[order[r - 1]!]! : r;
      });
      const codes = c.codes!;
      return (a, b) => nullCmp(a, b) ?? rank[codes[a]!]! - rank[codes[b]!]!;
    }
  }
}

/**
 * Sort keys as doubles for one column when they order exactly like rowComparator: a float
 * column without nulls or NaN, or a string column without nulls (dictionary ranks).
 * Undefined otherwise.
 */
function numericKeys(c: ColData, n: number): Float64Array | undefined {
  if (c.valid !== null) return undefined;
  if (c.type === 'float') {
    const a = c.floats!;
    for (let i = 0; i < n; i++) if (a[i] !== a[i]) return undefined;
    return a;
  }
  if (c.type === 'string') {
    const dict = c.dictionary!;
    const cmp = stringComparatorFor(dict);
    const order = dict.map((_, i) => i).sort((p, q) => cmp(dict[p]!, dict[q]!));
    const rank = new Float64Array(dict.length);
    order.forEach((code, r) => {
      rank[code] = r > 0 && dict[order[r - 1]!] === dict[code] ? rank[order[r - 1]!]! : r;
    });
    const keys = new Float64Array(n);
    const codes = c.codes!;
    for (let i = 0; i < n; i++) keys[i] = rank[codes[i]!]!;
    return keys;
  }
  return undefined;
}

/**
 * Stable bottom-up merge sort of row numbers by double keys (descending when desc; equal
 * keys keep row order either way, as the comparator sort below does).
 * Clearer equivalent: `rows.sort((a, b) => sign * (keys[a] - keys[b]) || a - b)`.
 */
function mergeSortByKeys(n: number, keys: Float64Array, desc: boolean): Int32Array {
  // The keys travel with the row numbers, so the merge reads both arrays sequentially.
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  let ks = Float64Array.from(keys.subarray(0, n));
  let kd = new Float64Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = ks[i]!;
        const b = ks[j]!;
        // Take from the right run only when strictly before the left one (stability).
        if (desc ? b > a : b < a) {
          kd[k] = b;
          dst[k++] = src[j++]!;
        } else {
          kd[k] = a;
          dst[k++] = src[i++]!;
        }
      }
      while (i < mid) {
        kd[k] = ks[i]!;
        dst[k++] = src[i++]!;
      }
      while (j < hi) {
        kd[k] = ks[j]!;
        dst[k++] = src[j++]!;
      }
    }
    const t = src;
    src = dst;
    dst = t;
    const tk = ks;
    ks = kd;
    kd = tk;
  }
  return src;
}

/** Sorted row order of a frame by columns (missing columns are ignored). */
export function sortOrder(f: Frame, columns: readonly string[], desc: boolean): Int32Array {
  const present = columns.filter((c) => f.names.includes(c));
  if (present.length === 1 && f.length > 64) {
    const keys = numericKeys(f.cols[f.names.indexOf(present[0]!)]!, f.length);
    if (keys !== undefined) return mergeSortByKeys(f.length, keys, desc);
  }
  const cmps = present.map((c) => rowComparator(f.cols[f.names.indexOf(c)]!));
  const idx = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) idx[i] = i;
  if (cmps.length === 0) return idx;
  const sign = desc ? -1 : 1;
  const arr = Array.from(idx);
  arr.sort((a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return sign * r;
    }
    return a - b;
  });
  return Int32Array.from(arr);
}

export function takeRowsOf(f: Frame, idx: Int32Array): Frame {
  return { ...f, cols: f.cols.map((c) => gather(c, idx)), length: idx.length };
}

export function sliceFrame(f: Frame, start: number, end: number): Frame {
  const s = Math.max(0, Math.min(start, f.length));
  const e = Math.max(s, Math.min(end, f.length));
  return { ...f, cols: f.cols.map((c) => sliceCol(c, s, e)), length: e - s };
}

export const sort: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = strArrayArg(args, ctx, 'columns', ['_value']);
  const desc = boolArg(args, ctx, 'desc', false);
  return perTable(input, (f) => takeRowsOf(f, sortOrder(f, columns, desc)));
};

export const limit: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const n = intArg(args, ctx, 'n');
  const offset = intArg(args, ctx, 'offset', 0);
  if (n < 0) throw fail(ctx, 'universe.limit.negative', `n must not be negative, got ${n}`);
  if (offset < 0) throw fail(ctx, 'universe.limit.negative', `offset must not be negative, got ${offset}`);
  return perTable(input, (f) => sliceFrame(f, offset, offset + n));
};

export const tail: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const n = intArg(args, ctx, 'n');
  const offset = intArg(args, ctx, 'offset', 0);
  if (n < 0) throw fail(ctx, 'universe.tail.negative', `n must not be negative, got ${n}`);
  if (offset < 0) throw fail(ctx, 'universe.tail.negative', `offset must not be negative, got ${offset}`);
  return perTable(input, (f) => {
    const end = Math.max(0, f.length - offset);
    return sliceFrame(f, end - n, end);
  });
};

/** sample(n:, pos:): rows pos, pos+n, pos+2n, ... of each table. */
export const sample: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const n = intArg(args, ctx, 'n');
  const pos = intArg(args, ctx, 'pos', 0);
  strArg(args, ctx, 'column', '_value');
  if (n <= 0) throw fail(ctx, 'universe.sample.n', `n must be positive, got ${n}`);
  if (pos < 0 || pos >= n) throw fail(ctx, 'universe.sample.pos', `pos must be in [0, n), got ${pos}`);
  return perTable(input, (f) => {
    const rows: number[] = [];
    for (let i = pos; i < f.length; i += n) rows.push(i);
    return takeRowsOf(f, Int32Array.from(rows));
  });
};
