// histogramQuantile (Flux universe): a quantile from a cumulative histogram, one table per
// histogram (Flux docs for histogramQuantile; the same interpolation as PromQL's
// histogram_quantile).
// - Rows are buckets: upper bound in upperBoundColumn ("le", float, or a string such as
//   "0.5" / "+Inf" as scraped), cumulative count in countColumn ("_value", float or int).
//   A null bound or count is an error (`universe.histogramQuantile.null`).
// - Buckets are sorted by bound. Counts must not decrease; onNonmonotonic "error"
//   (default) fails, "force" raises each count to at least the previous one, "drop" skips
//   the table.
// - rank = quantile * total (the count of the highest bucket). The first bucket whose
//   count >= rank holds the quantile, interpolated linearly between the previous bucket's
//   bound (minValue for the first bucket) and its own; when one of these bounds is
//   infinite, the finite one is the result.
// - Output: the group-key columns plus valueColumn (float); other columns are dropped.
//   A table without rows gives a null value.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { fail, floatArg, strArg, tablesArg } from './lib/args.js';
import { cellValue, constantCol } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import { perTable } from './lib/stream.js';
import { keyPart } from './aggregates.js';

function boundAt(c: ColData, i: number): number | undefined {
  const v = cellValue(c, i);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '+Inf' || s === 'Inf' || s === '+inf') return Infinity;
    if (s === '-Inf' || s === '-inf') return -Infinity;
    const x = Number(s);
    return s === '' || Number.isNaN(x) ? undefined : x;
  }
  return undefined;
}

export const histogramQuantile: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const q = floatArg(args, ctx, 'quantile', 0);
  const countColumn = strArg(args, ctx, 'countColumn', '_value');
  const upperBoundColumn = strArg(args, ctx, 'upperBoundColumn', 'le');
  const valueColumn = strArg(args, ctx, 'valueColumn', '_value');
  const minValue = floatArg(args, ctx, 'minValue', 0);
  const onNonmonotonic = strArg(args, ctx, 'onNonmonotonic', 'error');
  if (!(q >= 0 && q <= 1)) throw fail(ctx, 'universe.histogramQuantile.quantile', `quantile must be between 0 and 1, got ${q}`);
  if (!['error', 'force', 'drop'].includes(onNonmonotonic)) {
    throw fail(ctx, 'universe.histogramQuantile.onNonmonotonic', `onNonmonotonic must be "error", "force" or "drop", got ${JSON.stringify(onNonmonotonic)}`);
  }
  return perTable(input, (f) => {
    const ci = f.names.indexOf(countColumn);
    const bi = f.names.indexOf(upperBoundColumn);
    if (ci < 0) throw fail(ctx, 'universe.histogramQuantile.missingColumn', `count column "${countColumn}" does not exist`);
    if (bi < 0) throw fail(ctx, 'universe.histogramQuantile.missingColumn', `upper bound column "${upperBoundColumn}" does not exist`);
    if (f.keyNames.includes(countColumn) || f.keyNames.includes(upperBoundColumn)) {
      throw fail(ctx, 'universe.histogramQuantile.keyColumn', 'the count and upper bound columns must not be part of the group key');
    }
    const cc = f.cols[ci]!;
    const bc = f.cols[bi]!;
    const buckets: { bound: number; count: number }[] = [];
    for (let i = 0; i < f.length; i++) {
      const bound = boundAt(bc, i);
      const cv = cellValue(cc, i);
      const count = typeof cv === 'number' ? cv : typeof cv === 'bigint' ? Number(cv) : undefined;
      if (bound === undefined || count === undefined) {
        throw fail(ctx, 'universe.histogramQuantile.null', `row ${i} has a null or invalid bound or count`);
      }
      buckets.push({ bound, count });
    }
    buckets.sort((a, b) => a.bound - b.bound);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.count < buckets[i - 1]!.count) {
        if (onNonmonotonic === 'error') {
          throw fail(ctx, 'universe.histogramQuantile.nonmonotonic', `bucket counts are not monotonic (le=${buckets[i]!.bound})`);
        }
        if (onNonmonotonic === 'drop') return null;
        buckets[i]!.count = buckets[i - 1]!.count;
      }
    }
    let value: number | null = null;
    if (buckets.length > 0) {
      const total = buckets[buckets.length - 1]!.count;
      const rank = q * total;
      let k = buckets.findIndex((b) => b.count >= rank);
      if (k < 0) k = buckets.length - 1;
      const lowerBound = k === 0 ? minValue : buckets[k - 1]!.bound;
      const lowerCount = k === 0 ? 0 : buckets[k - 1]!.count;
      const upperBound = buckets[k]!.bound;
      const upperCount = buckets[k]!.count;
      if (!Number.isFinite(upperBound)) value = lowerBound;
      else if (!Number.isFinite(lowerBound)) value = upperBound;
      else if (upperCount === lowerCount) value = upperBound;
      else value = lowerBound + (upperBound - lowerBound) * ((rank - lowerCount) / (upperCount - lowerCount));
    }
    const kp = keyPart(f);
    const names = kp.names.filter((n) => n !== valueColumn);
    const cols = names.map((n) => constantCol(kp.types[kp.names.indexOf(n)]!, kp.values[kp.names.indexOf(n)]!, 1));
    names.push(valueColumn);
    cols.push(constantCol('float', value, 1));
    return { names, cols, length: 1, keyNames: [...f.keyNames], keyValues: [...f.keyValues] };
  });
};
