// prometheus.histogramQuantile(quantile:, metricVersion: 2 | 1, onNonmonotonic:): a quantile
// of Prometheus histograms, for both table shapes:
//
//   metricVersion 2 (prometheus.scrape, Telegraf metric_version 2): bucket rows carry an
//     `le` column (string or float upper bound) and the cumulative count in `_value`; rows
//     without `le` (the `_sum`/`_count` fields) are ignored. A histogram is the rows of one
//     group key (without `le`) at one `_time`.
//   metricVersion 1 (Telegraf metric_version 1): one measurement per metric, one field per
//     bucket named after its upper bound ("0.1", "+Inf"), plus "sum" and "count" fields
//     (ignored). A histogram is the rows of one group key (without `_field`) at one `_time`.
//
// Output: one table per group key (input key without `le` / `_field`), columns `_time`, the
// key columns and `_value` (the quantile), one row per `_time`, in time order.
//
// The quantile follows universe.histogramQuantile (minValue 0): rank = q * count(+Inf
// bucket); the first bucket whose count reaches the rank is interpolated linearly between
// the previous upper bound (0 for the first bucket) and its own; a rank in the +Inf bucket
// gives the largest finite upper bound. A histogram with no +Inf bucket is an error; a total
// count of 0 gives NaN. Counts that decrease with the upper bound: onNonmonotonic "error"
// (default) fails, "force" raises each count to the one before it, "drop" leaves that
// histogram out.
import { FluxError } from '../../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { TableBuilder, asTableStream, groupKeyId, makeGroupKey, streamOf } from '../../../table/index.js';
import type { ColumnMeta, GroupKey, Table } from '../../../table/index.js';
import type { Value } from '../../../values/value.js';

interface Group {
  readonly key: GroupKey;
  /** time (ns) -> [upper bound, count] pairs. */
  readonly byTime: Map<bigint, [number, number][]>;
}

function fail(ctx: NativeContext, id: string, message: string): FluxError {
  return new FluxError('invalid', id, message, { span: ctx.span, source: ctx.source });
}

/** An upper bound from an `le` value or a v1 field name; NaN when it is not a number. */
export function upperBound(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return Number.NaN;
  const s = v.trim();
  if (/^[+]?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

/** The quantile of one histogram (buckets sorted by upper bound), or undefined to drop it. */
export function bucketQuantile(q: number, buckets: [number, number][], onNonmonotonic: string, where: () => string, ctx: NativeContext): number | undefined {
  buckets.sort((a, b) => a[0] - b[0]);
  const last = buckets[buckets.length - 1];
  if (last === undefined || last[0] !== Infinity) throw fail(ctx, 'prometheus.histogramNoInf', `histogram ${where()} has no +Inf bucket`);
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i]![1] < buckets[i - 1]![1]) {
      if (onNonmonotonic === 'drop') return undefined;
      if (onNonmonotonic === 'force') buckets[i]![1] = buckets[i - 1]![1];
      else throw fail(ctx, 'prometheus.histogramNonmonotonic', `histogram ${where()}: bucket counts are not monotonic (onNonmonotonic: "force" or "drop" accepts them)`);
    }
  }
  const total = last[1];
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let i = 0;
  while (i < buckets.length && buckets[i]![1] < rank) i++;
  if (i >= buckets.length) i = buckets.length - 1;
  const [upper, count] = buckets[i]!;
  const lowerBound = i === 0 ? 0 : buckets[i - 1]![0];
  const lowerCount = i === 0 ? 0 : buckets[i - 1]![1];
  if (upper === Infinity) return i === 0 ? Number.NaN : lowerBound;
  if (count === lowerCount) return upper;
  return lowerBound + ((upper - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
}

export const histogramQuantile: NativeFunction = async (args, ctx) => {
  const q = args.get('quantile') as number;
  if (!(q >= 0 && q <= 1)) throw fail(ctx, 'prometheus.quantileRange', `quantile must be between 0.0 and 1.0, got ${q}`);
  const versionArg = args.get('metricVersion') ?? 2n;
  const version = typeof versionArg === 'bigint' ? Number(versionArg) : versionArg;
  if (version !== 1 && version !== 2) throw fail(ctx, 'prometheus.metricVersion', `metricVersion must be 1 or 2, got ${String(versionArg)}`);
  const onNonmonotonic = (args.get('onNonmonotonic') ?? 'error') as string;
  if (!['error', 'force', 'drop'].includes(onNonmonotonic)) throw fail(ctx, 'prometheus.onNonmonotonic', `onNonmonotonic must be "error", "force" or "drop", got ${JSON.stringify(onNonmonotonic)}`);
  const input = asTableStream(args.get('tables') as Value, 'prometheus.histogramQuantile input');
  const boundColumn = version === 2 ? 'le' : '_field';
  const groups = new Map<string, Group>();
  for await (const t of input) collect(t, boundColumn, version, groups);
  const out: Table[] = [];
  for (const g of groups.values()) {
    const metas: ColumnMeta[] = [{ name: '_time', type: 'time' }, ...g.key.columns.filter((c) => c.name !== '_time'), { name: '_value', type: 'float' }];
    const b = new TableBuilder(metas, g.key.columns.map((c) => c.name));
    const times = [...g.byTime.keys()].sort((a, b2) => (a < b2 ? -1 : a > b2 ? 1 : 0));
    for (const time of times) {
      const where = () => `${g.key.columns.map((c, i) => `${c.name}=${String(g.key.values[i])}`).join(',')} at ${time}`;
      const v = bucketQuantile(q, g.byTime.get(time)!, onNonmonotonic, where, ctx);
      if (v === undefined) continue;
      b.appendTime(0, time);
      g.key.columns.forEach((c, i) => {
        if (c.name !== '_time') b.appendValue(c.name, g.key.values[i]!);
      });
      b.appendFloat('_value', v);
    }
    if (b.length > 0) out.push(b.build());
  }
  return streamOf(out);
};

function collect(t: Table, boundColumn: string, version: number, groups: Map<string, Group>): void {
  const bi = t.columnIndex(boundColumn);
  const vi = t.columnIndex('_value');
  const ti = t.columnIndex('_time');
  if (bi < 0 || vi < 0 || ti < 0) return;
  const keyCols: ColumnMeta[] = [];
  const keyVals: Value[] = [];
  t.key.columns.forEach((c, i) => {
    if (c.name !== boundColumn) {
      keyCols.push(c);
      keyVals.push(t.key.values[i]!);
    }
  });
  const key = makeGroupKey(keyCols, keyVals);
  const id = groupKeyId(key);
  let g = groups.get(id);
  if (g === undefined) {
    g = { key, byTime: new Map() };
    groups.set(id, g);
  }
  const bc = t.column(bi);
  const vc = t.column(vi);
  const tc = t.column(ti);
  for (let r = 0; r < t.length; r++) {
    if (bc.isNull(r) || vc.isNull(r) || tc.isNull(r)) continue;
    const bv = bc.get(r);
    if (version === 1 && (bv === 'sum' || bv === 'count')) continue;
    const ub = upperBound(bv);
    if (Number.isNaN(ub)) continue;
    const value = vc.get(r);
    const count = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
    const time = tc.ints![r]!;
    let list = g.byTime.get(time);
    if (list === undefined) g.byTime.set(time, (list = []));
    list.push([ub, count]);
  }
}
