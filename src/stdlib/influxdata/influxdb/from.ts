// from(bucket:, ...) and buckets() (influxdata/influxdb, also in the prelude): read the embedded store (src/store), or a remote
// InfluxDB 2.x when `host` is given.
//
// from() returns a PushdownSource (src/store/pushdown.ts): a lazy stream that `range` and
// `filter` narrow before anything is read, so `from |> range |> filter(_field == "x")` reads
// only the blocks of matching series. As in InfluxDB, reading from() without a range is an
// error (`store.unboundedRead`). The tables have InfluxDB's shape (`_start, _stop, _time,
// _value, _field, _measurement, tags...`, one table per series, grouped by _start, _stop,
// _field, _measurement and the tags).
import type { NativeContext, NativeFunction, NativePackage } from '../../../runtime/builtin-api.js';
import { FluxError } from '../../../errors/index.js';
import type { Value } from '../../../values/value.js';
import { sharedStore } from '../../../store/index.js';
import type { Store, StorePredicate } from '../../../store/index.js';
import { SourceBase, err } from './source.js';
export { predicateOf } from './source.js';
import { seriesToTable } from '../../../store/tables.js';
import { remoteSource } from './from-remote.js';
import { isHttpUrl, redactHostText } from '../../../sink/destination.js';
import { streamOf, tableFromColumns } from '../../../table/index.js';
import type { Table } from '../../../table/types.js';

function str(args: ReadonlyMap<string, Value>, name: string): string | undefined {
  const v = args.get(name);
  return typeof v === 'string' ? v : undefined;
}


class StoreSource extends SourceBase {
  constructor(
    ctx: NativeContext,
    private readonly store: Store,
    bucket: string,
    range: { start: bigint; stop: bigint } | undefined,
    predicate: StorePredicate | undefined,
  ) {
    super(ctx, bucket, range, predicate);
  }
  protected with(range: { start: bigint; stop: bigint } | undefined, predicate: StorePredicate | undefined): SourceBase {
    return new StoreSource(this.ctx, this.store, this.bucket, range, predicate);
  }
  protected async *tables(range: { start: bigint; stop: bigint }): AsyncIterable<Table> {
    // A store error without a span gets one in SourceBase (from(), or the pushed filter).
    for await (const s of this.store.read(this.bucket, { start: range.start, stop: range.stop, predicate: this.predicate, signal: this.ctx.signal })) {
      yield seriesToTable(s, range);
    }
  }
}

export const from: NativeFunction = (args, ctx) => {
  const bucket = str(args, 'bucket') ?? str(args, 'bucketID');
  if (bucket === undefined) throw err(ctx, 'invalid', 'from.missingBucket', 'from() needs bucket or bucketID');
  if (str(args, 'bucket') !== undefined && str(args, 'bucketID') !== undefined) {
    throw err(ctx, 'invalid', 'from.bucketAndBucketID', 'give only one of bucket and bucketID');
  }
  const host = str(args, 'host');
  if (host !== undefined) {
    // As for to(): the host is named without user:password@.
    if (!isHttpUrl(host)) throw err(ctx, 'invalid', 'from.invalidHost', `host must be an http:// or https:// URL, got "${redactHostText(host)}"`);
    const token = str(args, 'token');
    const org = str(args, 'org') ?? str(args, 'orgID');
    return remoteSource(ctx, { host, token, org, bucket, byID: str(args, 'bucketID') !== undefined });
  }
  const store = sharedStore(ctx.services, ctx.dataDir, ctx.clock, ctx.logger);
  return new StoreSource(ctx, store, bucket, undefined, undefined);
};

/** buckets(): one table with name, id, organizationID, retentionPolicy, retentionPeriod (ns). */
export const buckets: NativeFunction = (args, ctx) => {
  if (str(args, 'host') !== undefined) {
    throw err(ctx, 'invalid', 'buckets.remoteUnsupported', 'buckets(host:) is not supported; list remote buckets with the influx CLI');
  }
  const store = sharedStore(ctx.services, ctx.dataDir, ctx.clock, ctx.logger);
  return streamOf(async function* (): AsyncIterable<Table> {
    let list;
    try {
      list = await store.buckets();
    } catch (e) {
      // A store error (store.io, store.corrupt) points at the buckets() call.
      if (e instanceof FluxError && e.span === undefined) throw e.withSpan(ctx.span, ctx.source);
      throw e;
    }
    // A damaged bucket cannot be read: it is left out, with a warning (`promflux bucket list`
    // shows it, and `promflux bucket delete` removes it).
    for (const b of list) {
      if (b.damaged !== undefined) ctx.logger.warn('buckets(): leaving out a damaged bucket', { bucket: b.name, error: b.damaged });
    }
    list = list.filter((b) => b.damaged === undefined);
    const dict = (vals: string[]) => {
      const d = [...new Set(vals)];
      return { codes: Int32Array.from(vals, (v) => d.indexOf(v)), dictionary: d };
    };
    yield tableFromColumns(
      [
        { name: 'name', type: 'string' },
        { name: 'id', type: 'string' },
        { name: 'organizationID', type: 'string' },
        { name: 'retentionPolicy', type: 'string' },
        { name: 'retentionPeriod', type: 'int' },
      ],
      [],
      [
        { strings: dict(list.map((b) => b.name)) },
        { strings: dict(list.map((b) => b.name)) },
        { strings: dict(list.map(() => '')) },
        { strings: dict(list.map(() => '')) },
        { ints: BigInt64Array.from(list, (b) => b.retentionNs) },
      ],
      [],
    );
  });
};


export const influxdbFromPackage: NativePackage = {
  path: 'influxdata/influxdb',
  builtins: { from, buckets },
};
